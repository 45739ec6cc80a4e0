"""The copy's files: unchanged ones as hard links, changed ones written."""

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
    """A hard link to an unchanged file: the same bytes, size and mtime, at no cost (a
    copy where the file system refuses a link, e.g. across file systems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
