#!/usr/bin/env python3
"""serve's rebuild after one post's text is edited, in one process that keeps its cache
(as `splitblog serve` does), without the HTTP server: how long each stage takes.

    python bench/edit_rebuild.py PROJECT_DIR [--edits 5] [--profile]

Builds PROJECT_DIR once into PROJECT_DIR/bench-preview/ (cold, search made), then edits
the middle post EDITS times, rebuilding after each as serve does (in place, the search
index left for later), and prints each rebuild's seconds and stages; `--profile` prints
the last rebuild's cProfile. The post is restored.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import time
from pathlib import Path

from splitblog.build.run import build, open_cache
from splitblog.config import load_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    project = args.project.resolve()
    config = load_config(project / "splitblog.toml", project / "bench-preview")
    cache = open_cache(config, keep=True)
    started = time.perf_counter()
    build(config, cache=cache, atomic=False)
    gc.freeze()
    print(f"first build: {time.perf_counter() - started:.1f} s")
    posts = sorted((project / "content/posts").glob("*.md"))
    post = posts[len(posts) // 2]
    original = post.read_bytes()
    seconds, profile = [], cProfile.Profile()
    try:
        for n in range(args.edits):
            post.write_bytes(original + f"\nAn edit, number {n}.\n".encode())
            last = args.profile and n == args.edits - 1
            started = time.perf_counter()
            if last:
                profile.enable()
            result = build(config, cache=cache, atomic=False, search_later=True)
            if last:
                profile.disable()
            seconds.append(time.perf_counter() - started)
            gc.freeze()  # as serve does after each build (preview/serve.py)
            stages = "  ".join(f"{stage} {s:.2f}" for stage, s in result.timings)
            print(f"edit {n}: {seconds[-1]:.3f} s  ({stages})")
    finally:
        post.write_bytes(original)
        cache.close()
    print(f"median of {len(seconds)} edits: {statistics.median(seconds):.3f} s")
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
