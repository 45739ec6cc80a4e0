#!/usr/bin/env python3
"""How much the audit adds to a build. A benchmark to read, not a test with a threshold.

    python bench/make_corpus.py /tmp/c1k --posts 1000 --seed 1
    python bench/audit_cost.py /tmp/c1k [--rounds 3]

Two measures, each the median over the rounds:

1. Cold builds (cache and output removed first) with the audit and without it (the
   audit replaced by one that finds nothing): the difference is what the audit adds to
   the build, in wall time and in CPU time (the build's process and its workers; less
   disturbed by other work on the machine). The build audits each page in its "pages"
   stage, as the page is rendered (on every core), and the copied files in its "audit"
   stage, so no one stage of `splitblog build --timings` shows the whole cost.
2. The audit's work alone, in one process, over the finished output: making each site's
   tokens and search automaton, scanning every output file (names included), judging
   the hits. An upper bound: the build shares the scanning out over its workers.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import splitblog.build.sites
from splitblog.audit.scan import SiteAudit
from splitblog.build import BuildResult, build
from splitblog.config import Config, load_config
from splitblog.content.sources import read_or_problems
from splitblog.content.walk import discover
from splitblog.model import BuildOptions, Source
from splitblog.theming import theme_parts


def sources_of(config: Config) -> list[Source]:
    files, _problems = discover(config)
    return [s for f in files if isinstance(s := read_or_problems(f, config), Source)]


def audit_alone(config: Config, options: BuildOptions) -> dict[str, float]:
    """The audit's work over the finished output, timed part by part (one process)."""
    sources = sources_of(config)
    times = {"tokens": 0.0, "scan": 0.0, "judge": 0.0}
    files = findings = tokens = 0
    for site in config.sites:
        own_theme, shipped = theme_parts(config.root, site.theme)
        started = time.perf_counter()
        auditor = SiteAudit(config, site, sources, options, own_theme, shipped)
        times["tokens"] += time.perf_counter() - started
        tokens += len(auditor.tokens)
        output = config.output_dir / site.name
        for path in sorted(output.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(output).as_posix()
            data = path.read_bytes()
            started = time.perf_counter()
            hits = auditor.scan(rel, data)
            times["scan"] += time.perf_counter() - started
            started = time.perf_counter()
            findings += len(auditor.findings(rel, hits, data)) if hits else 0
            times["judge"] += time.perf_counter() - started
            files += 1
    times["files"], times["findings"], times["token count"] = files, findings, tokens
    return times


class NoAudit:
    """Stands in for SiteAudit in the builds without the audit: it finds nothing."""

    digest = "no audit"

    def __init__(self, *args: object) -> None:
        pass

    def scan(self, path: str, data: bytes) -> list[tuple[int, int]]:
        return []

    def findings(self, *args: object) -> list[object]:
        return []


@contextlib.contextmanager
def audit_off() -> Iterator[None]:
    real = splitblog.build.sites.SiteAudit
    splitblog.build.sites.SiteAudit = NoAudit  # type: ignore[misc, assignment]
    try:
        yield
    finally:
        splitblog.build.sites.SiteAudit = real  # type: ignore[misc]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the build's workers)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def cold_build(config: Config, project: Path, options: BuildOptions) -> tuple[BuildResult, float]:
    """A build from nothing, and the CPU seconds it took."""
    shutil.rmtree(config.output_dir, ignore_errors=True)
    shutil.rmtree(project / ".splitblog", ignore_errors=True)
    started = cpu_seconds()
    result = build(config, options)
    return result, cpu_seconds() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = load_config(args.project / "splitblog.toml")
    options = BuildOptions()
    builds, stages, bare, alone, cpu, bare_cpu = [], [], [], [], [], []
    for number in range(1, args.rounds + 1):
        with audit_off():
            result, seconds = cold_build(config, args.project, options)
        bare.append(result.seconds)
        bare_cpu.append(seconds)
        result, seconds = cold_build(config, args.project, options)
        builds.append(result.seconds)
        cpu.append(seconds)
        stages.append(dict(result.timings))
        alone.append(audit_alone(config, options))
        laps = "  ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings)
        print(
            f"round {number}: build {result.seconds:.2f} s, {cpu[-1]:.2f} s CPU ({laps}); "
            f"without the audit {bare[-1]:.2f} s, {bare_cpu[-1]:.2f} s CPU",
            file=sys.stderr,
        )

    def median(values: list[float]) -> float:
        return statistics.median(values)

    build_s, bare_s = median(builds), median(bare)
    audit_lap = median([s.get("audit", 0.0) for s in stages])
    pages_lap = median([s.get("pages", 0.0) for s in stages])
    tokens = median([a["tokens"] for a in alone])
    scan = median([a["scan"] for a in alone])
    judge = median([a["judge"] for a in alone])
    work = tokens + scan + judge
    first = alone[0]
    print(
        f"corpus: {args.project} ({int(first['files'])} output files, "
        f"{int(first['token count'])} tokens over all sites, {int(first['findings'])} findings)"
    )
    print(
        f"cold build, median of {args.rounds}: {build_s:.2f} s with the audit "
        f"(pages stage {pages_lap:.2f} s, audit stage {audit_lap:.3f} s), "
        f"{bare_s:.2f} s without"
    )
    cpu_s, bare_cpu_s = median(cpu), median(bare_cpu)
    print(
        f"1. the audit adds {build_s - bare_s:.2f} s = {100 * (build_s - bare_s) / build_s:.1f} %"
        f" of the build's wall time; {cpu_s - bare_cpu_s:.2f} s = "
        f"{100 * (cpu_s - bare_cpu_s) / cpu_s:.1f} % of its CPU time "
        f"({cpu_s:.2f} s with, {bare_cpu_s:.2f} s without)"
    )
    print(
        f"2. its work alone, one process: tokens and automata {tokens:.3f} s + scanning "
        f"{scan:.3f} s + judging {judge:.3f} s = {work:.3f} s = {100 * work / build_s:.1f} % "
        "of the build's wall time (an upper bound)"
    )


if __name__ == "__main__":
    main()
