#!/usr/bin/env python3
"""What the search index costs: Pagefind over each site's own posts, at 1,000 and 4,000
posts. A benchmark to read, not a test with a threshold.

    python bench/search_cost.py /tmp/search --posts 1000 4000 [--rounds 2]

For each size: the corpus of bench/make_corpus.py (seed 1); a cold build with search (the
default) and one with `search = false` (cache and output removed first), the "search"
stage of the first (`splitblog build --timings` shows it), the index's files and bytes
per site, and the search stage of a rebuild after one post's text changed (the index is
made again from every post: Pagefind has no incremental mode), each the median of the
rounds.

`--no-audit` builds with the audit replaced by one that finds nothing (as
bench/audit_cost.py does): the corpus of 4,000 posts, seed 1, does not build on main
either — the audit names three posts whose text holds another post's title ("See Letter
Error") — and this measures Pagefind, not the audit.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from splitblog.build import build
from splitblog.config import load_config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from audit_cost import audit_off  # noqa: E402


def cold(root: Path) -> tuple[float, float]:
    shutil.rmtree(root / "public", ignore_errors=True)
    shutil.rmtree(root / ".splitblog", ignore_errors=True)
    started = time.perf_counter()
    result = build(load_config(root / "splitblog.toml"))
    return time.perf_counter() - started, dict(result.timings).get("search", 0.0)


def edit(root: Path, round_: int) -> float:
    post = sorted((root / "content/posts").glob("*.md"))[0]
    post.write_text(post.read_text() + f"\nOne more line, {round_}.\n")
    result = build(load_config(root / "splitblog.toml"))
    return dict(result.timings).get("search", 0.0)


def with_search(root: Path, on: bool) -> None:
    config = root / "splitblog.toml"
    text = re.sub(r"(?m)^search = false\n", "", config.read_text())
    if not on:
        text = re.sub(r"(?m)^(\[sites\.\w+\])$", r"\1\nsearch = false", text)
    config.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-audit", action="store_true")
    args = parser.parse_args()
    if args.no_audit:
        with audit_off():
            run(args)
    else:
        run(args)


def run(args: argparse.Namespace) -> None:
    for posts in args.posts:
        root = args.root / f"c{posts}"
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_corpus.py"),
                str(root),
                "--posts",
                str(posts),
                "--seed",
                "1",
            ],
            check=True,
            capture_output=True,
        )
        with_search(root, False)
        off = [cold(root)[0] for _ in range(args.rounds)]
        with_search(root, True)
        runs = [cold(root) for _ in range(args.rounds)]
        edits = [edit(root, n) for n in range(args.rounds)]
        print(f"{posts} posts:")
        print(f"  cold build, search = false: {statistics.median(off):6.2f} s")
        print(f"  cold build, with search:    {statistics.median(r[0] for r in runs):6.2f} s")
        print(f"  its search stage (2 sites): {statistics.median(r[1] for r in runs):6.2f} s")
        print(f"  search stage after an edit: {statistics.median(edits):6.2f} s")
        for site in sorted(p for p in (root / "public").iterdir() if p.is_dir()):
            files = [f for f in (site / "pagefind").rglob("*") if f.is_file()]
            size = sum(f.stat().st_size for f in files)
            pages = len(list((site / "pagefind/fragment").glob("*")))
            print(f"  {site.name}: {pages} pages indexed, {len(files)} files, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
