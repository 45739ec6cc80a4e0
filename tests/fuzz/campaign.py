"""A long fuzz campaign over the same targets as tests/test_fuzz.py — run by hand:

    python -m tests.fuzz.campaign --minutes 30 [--report fuzz-report.json]

Each target gets its share of the time, round after round, with Hypothesis searching
far past CI's few hundred examples (and keeping what it finds in .hypothesis/campaign,
so a failure found once is replayed first next time). Prints, and writes as JSON, how
many inputs each target tried and every distinct failure with its smallest input.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from . import targets

ROUND_EXAMPLES = 2_000  # per call: a call cannot be cut short, so it must end soon


@dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # kind of failure → example


def campaign(minutes: float, report: Path | None) -> dict[str, Tally]:
    world = targets.make_world(Path(tempfile.mkdtemp(prefix="splitblog-fuzz-")))
    database = DirectoryBasedExampleDatabase(".hypothesis/campaign")
    tallies: dict[str, Tally] = {}

    def property_test(name: str, check: Callable[..., None], **strategies: object) -> Callable:
        tally = tallies.setdefault(name, Tally())

        @settings(
            max_examples=ROUND_EXAMPLES,
            deadline=None,
            database=database,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=True,
        )
        @given(**strategies)  # type: ignore[arg-type]
        def run(**kwargs: object) -> None:
            tally.examples += 1
            check(**kwargs)

        return run

    tests = {
        "front-matter reader": property_test(
            "front-matter reader",
            lambda **kw: targets.check_front_matter(world, **kw),
            data=targets.FILE_BYTES,
            stem=targets.FILE_NAMES,
            kind=st.sampled_from(["post", "page"]),
        ),
        "slugger": property_test("slugger", targets.check_slugs, text=targets.SLUG_TEXT),
        "link resolver": property_test(
            "link resolver",
            lambda **kw: targets.check_link(world, **kw),
            href=targets.HREFS,
            folder=st.sampled_from(["posts", "posts/2026", "pages", "posts/x"]),
            bundle=st.booleans(),
        ),
        "output-path guard": property_test(
            "output-path guard",
            lambda **kw: targets.check_output_path(world, **kw),
            rel=targets.REL_PATHS,
        ),
        "preview request paths": property_test(
            "preview request paths",
            lambda **kw: targets.check_request(world, **kw),
            target=targets.REQUESTS,
        ),
    }
    deadline = time.monotonic() + minutes * 60
    share = minutes * 60 / len(tests) / 4  # four rounds at least
    while time.monotonic() < deadline:
        for name, test in tests.items():
            if time.monotonic() >= deadline:
                break
            tally = tallies[name]
            started = time.monotonic()
            stop = min(deadline, started + share)
            while time.monotonic() < stop:
                try:
                    test()
                except BaseException as exc:  # every failure is a finding
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    text = "".join(traceback.format_exception_only(exc)).strip()
                    tally.failures.setdefault(text.splitlines()[0][:200], text[:4000])
            tally.seconds += time.monotonic() - started
            print(f"{name}: {tally.examples} inputs, {len(tally.failures)} failures", flush=True)
    summary = {name: vars(t) for name, t in tallies.items()}
    if report:
        report.write_text(json.dumps(summary, indent=2))
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    tallies = campaign(args.minutes, args.report)
    for name, tally in tallies.items():
        print(f"\n{name}: {tally.examples} inputs in {tally.seconds:.0f} s")
        for text in tally.failures.values():
            print("  FAILURE:", text.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
