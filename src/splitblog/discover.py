"""Finding content files: posts, pages and bundles under content/, with what changed.

Kept free of heavy imports: a rebuild with nothing to do walks content/ and stops.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .model import Config

KINDS = {"posts": "post", "pages": "page"}


@dataclass(frozen=True)
class SourceFile:
    """A content file found on disk, before it is read."""

    path: Path
    key: str  # below content/, posix
    kind: str
    bundle: str | None
    assets: tuple[str, ...]
    stamp: tuple[int, int, int]  # size, mtime_ns, inode: changes when the file does


def discover(config: Config) -> tuple[list[SourceFile], list[Problem]]:
    """Every post and page file under content/, with bundles' asset lists."""
    found: list[SourceFile] = []
    problems: list[Problem] = []
    root = config.content_dir
    project = config.root.resolve()
    for section, kind in KINDS.items():
        base = root / section
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not _ignored(d))
            for name in list(dirs):
                if (here / name).is_symlink():
                    dirs.remove(name)
                    problems.extend(_symlink_problem(config, here / name, project))
            visible = sorted(f for f in files if not _ignored(f))
            if "index.md" in visible and here != base:
                assets = tuple(sorted(_bundle_assets(here, config, project, problems)))
                dirs[:] = []  # a bundle's sub-folders hold its files, not more posts
                key = (here / "index.md").relative_to(root).as_posix()
                found.append(
                    SourceFile(
                        here / "index.md",
                        key,
                        kind,
                        _rel(here, root),
                        assets,
                        _stamp(here / "index.md"),
                    )
                )
                continue
            for name in visible:
                path = here / name
                if not name.endswith(".md"):
                    continue
                if path.is_symlink() and _outside(path, project):
                    problems.extend(_symlink_problem(config, path, project))
                    continue
                found.append(
                    SourceFile(
                        path, path.relative_to(root).as_posix(), kind, None, (), _stamp(path)
                    )
                )
    return found, problems


def _bundle_assets(
    folder: Path, config: Config, project: Path, problems: list[Problem]
) -> Iterator[str]:
    for sub, dirs, files in os.walk(folder):
        here = Path(sub)
        dirs[:] = [d for d in dirs if not _ignored(d)]
        for name in list(dirs):
            if (here / name).is_symlink():
                dirs.remove(name)
                problems.extend(_symlink_problem(config, here / name, project))
        for name in files:
            path = here / name
            if _ignored(name) or path == folder / "index.md":
                continue
            if path.is_symlink() and _outside(path, project):
                problems.extend(_symlink_problem(config, path, project))
                continue
            yield path.relative_to(folder).as_posix()


def _outside(path: Path, project: Path) -> bool:
    return not path.resolve().is_relative_to(project)


def _symlink_problem(config: Config, path: Path, project: Path) -> list[Problem]:
    if not _outside(path, project):
        return []
    return [
        Problem(
            "symbolic link points outside the project; it is not published",
            path=config.rel(path),
            hint="copy the file into content/ instead",
        )
    ]


def _ignored(name: str) -> bool:
    """Hidden files and editors' temporary files."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp"))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def tree_stamps(root: Path) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file under `root`: the cheap test of "anything changed?"."""
    stamps: list[tuple[str, int, int]] = []
    if not root.is_dir():
        return stamps
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:  # a dangling link or a file deleted meanwhile: a change too
                stamps.append((path, -1, -1))
                continue
            stamps.append((path, info.st_size, info.st_mtime_ns))
    stamps.sort()
    return stamps
