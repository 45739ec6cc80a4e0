#!/usr/bin/env python3
"""Photos at web size: what resizing costs and what it saves. A benchmark to read, not a
test with a threshold.

    python bench/photos_cost.py /tmp/photos [--photos 100]

Writes a project of 20 personal posts with 5 phone-sized photos each (4000×3000 JPEGs
with EXIF — GPS, camera, owner — and XMP; gradients, a sun and grain, as a phone's sky
compresses, not noise), then measures, each in a new build:

1. cold: no cache, no output — every photo decoded once and written in its widths;
2. rebuild with the cache: the output and the build cache removed, the resized photos
   kept (.splitblog/photos/) — what a fresh clone with a kept cache, or a new -o, costs;
3. an edit: one post's text changed — the photos are neither read nor resized;
and the bytes: the photos as published before (each original, cleaned: what splitblog
published until it resized) against the widths it publishes now, and what one page
weighs for a reader at 1280 px (the 960w WebP of each of its photos).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from splitblog.build import build
from splitblog.config import load_config
from splitblog.site.cleaning import clean
from tests.support.photos import phone_jpeg

CONFIG = """\
[sites.professional]
title = "Work"
base_url = "https://work.example.com/"
theme = "professional"

[sites.personal]
title = "Home"
base_url = "https://home.example.net/"
theme = "personal"
"""
PER_POST = 5


def write(root: Path, photos: int) -> None:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "splitblog.toml").write_text(CONFIG)
    for post in range(photos // PER_POST):
        folder = root / f"content/posts/2026-01-{post % 28 + 1:02d}-trip-{post}"
        folder.mkdir(parents=True)
        body = [
            f"---\ntitle: Trip {post}\ndate: 2026-01-{post % 28 + 1:02d}\naudience: personal\n---\n"
        ]
        for n in range(PER_POST):
            name = f"photo-{n}.jpg"
            photo = phone_jpeg(4000, 3000, seed=post * PER_POST + n, grain=0.25)
            (folder / name).write_bytes(photo)
            body.append(f"A view, number {n}.\n\n![View {n}]({name})\n")
        (folder / "index.md").write_text("\n".join(body))
    (root / "content/posts/2026-02-01-work.md").write_text(
        "---\ntitle: Work\ndate: 2026-02-01\naudience: professional\n---\nWords.\n"
    )


def timed(root: Path) -> float:
    config = load_config(root / "splitblog.toml")
    started = time.perf_counter()
    build(config)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--photos", type=int, default=100)
    args = parser.parse_args()
    root: Path = args.root
    started = time.perf_counter()
    write(root, args.photos)
    print(f"wrote {args.photos} photos in {time.perf_counter() - started:.1f} s")
    originals = sorted(root.glob("content/posts/*/photo-*.jpg"))

    cold = timed(root)
    shutil.rmtree(root / "public")
    (root / ".splitblog/cache.sqlite").unlink()
    warm = timed(root)
    post = next(root.glob("content/posts/*-trip-0/index.md"))
    post.write_text(post.read_text().replace("A view, number 0.", "A view, number zero."))
    edit = timed(root)

    out = root / "public/personal"
    variants = [p for p in out.rglob("*") if p.is_file() and ".jpg." in p.name]
    before = sum(len(clean(p.read_bytes(), p.name)) for p in originals)
    after = sum(p.stat().st_size for p in variants)
    page = sum(p.stat().st_size for p in (out / "posts/trip-0").glob("*.960w.webp"))
    page_before = sum(len(clean(p.read_bytes(), p.name)) for p in originals[:PER_POST])
    workers = os.environ.get("SPLITBLOG_WORKERS", "all cores")
    print(f"workers: {workers}, photos: {len(originals)}, files made: {len(variants)}")
    print(
        f"cold build:              {cold:6.1f} s  ({cold / len(originals) * 1000:.0f} ms a photo)"
    )
    print(f"rebuild with the cache:  {warm:6.2f} s")
    print(f"an edit of one post:     {edit:6.2f} s")
    print(f"bytes before (originals, cleaned): {before / 1e6:8.1f} MB")
    print(f"bytes now (every width, 2 formats): {after / 1e6:8.1f} MB")
    print(f"one page of 5 photos at 1280 px: {page_before / 1e6:.1f} MB before,", end=" ")
    print(f"{page / 1e6:.2f} MB now")


if __name__ == "__main__":
    main()
