"""The copy's files: unchanged ones copied with their mtime, changed ones written.

Not hard links, though they would cost nothing: a link changes the file's ctime (its
inode's link count changes), and a build decides "nothing changed" by ctime and inode
too, so every `check` would make the next build redo everything."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def files(root: Path) -> list[tuple[str, Path]]:
    """(path relative to `root`, path) of every file below it, links followed."""
    found = []
    for folder, _dirs, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder) / name
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def link(source: Path, target: Path) -> None:
    """An unchanged file: the same bytes and mtime (the original untouched)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(source, target)


def write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
