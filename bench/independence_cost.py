#!/usr/bin/env python3
"""What the independence proof costs: `splitblog check` (the build's checks and the
proof) against a cold `splitblog build`. A benchmark to read, not a test with a
threshold; the goal (issue 11) is check ≤ 2.2 × a cold build.

    python bench/independence_cost.py --posts 1000 4000 --rounds 5 [--work DIR]

For each size, the corpus is bench/make_corpus.py's (`--posts N --seed 1`, or --seed), made once
under WORK (default bench/work/). Each round runs, one after the other and alternating
their order from round to round so the machine's drift falls on all alike: a cold build
(.splitblog/ and public/ removed first), a cold `check` (the same) and a cold
`check --quick` (the build's checks alone). Wall time and the CPU time of the command's
whole process tree (its forked workers included) are recorded; the medians, with
min–max, and each command's ratio to the cold build are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {
    "build (cold)": ["build"],
    "check (cold)": ["check"],
    "check --quick (cold)": ["check", "--quick"],
}


def corpus(work: Path, posts: int, seed: int) -> Path:
    root = work / (f"independence-{posts}" + (f"-seed{seed}" if seed != 1 else ""))
    if not (root / "splitblog.toml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        command = [sys.executable, str(HERE / "make_corpus.py"), str(root)]
        subprocess.run([*command, "--posts", str(posts), "--seed", str(seed)], check=True)
    return root


def cold(root: Path) -> None:
    for folder in (".splitblog", "public"):
        shutil.rmtree(root / folder, ignore_errors=True)


def run(root: Path, args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one splitblog command."""
    cold(root)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "splitblog", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"splitblog {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(root: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in RUNS}
    names = list(RUNS)
    for index in range(rounds):
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            wall, cpu = run(root, RUNS[name])
            samples[name].append((wall, cpu))
            print(f"  round {index + 1}: {name:22} {wall:6.2f} s wall {cpu:6.2f} s CPU", flush=True)
    cold(root)
    return samples


def table(posts: int, samples: dict[str, list[tuple[float, float]]]) -> list[str]:
    base_wall = statistics.median(w for w, _c in samples["build (cold)"])
    base_cpu = statistics.median(c for _w, c in samples["build (cold)"])
    lines = [
        f"{posts} posts:",
        "| run | wall (median, min–max) | × cold build | CPU (median) | × cold build |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, values in samples.items():
        walls, cpus = [w for w, _c in values], [c for _w, c in values]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        lines.append(
            f"| {name} | {wall:.2f} s ({min(walls):.2f}–{max(walls):.2f}) | "
            f"{wall / base_wall:.2f} | {cpu:.2f} s | {cpu / base_cpu:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1, help="make_corpus.py's seed")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, help="also write the samples here")
    args = parser.parse_args()
    results = {}
    for posts in args.posts:
        root = corpus(args.work.resolve(), posts, args.seed)
        print(f"{posts} posts ({root}):", flush=True)
        results[posts] = measure(root, args.rounds)
    print()
    for posts, samples in results.items():
        print("\n".join(table(posts, samples)))
        print()
    if args.json:
        args.json.write_text(json.dumps({str(k): v for k, v in results.items()}, indent=1))


if __name__ == "__main__":
    main()
