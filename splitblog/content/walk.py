"""Finding content files: posts, pages and bundles under content/, with what changed.

Kept free of heavy imports: a rebuild with nothing to do walks content/ and stops.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from splitblog.config import Config
from splitblog.errors import Problem

KINDS = {"posts": "post", "pages": "page"}
SECTION_PAGE = "_index.md"  # Hugo's page of a section: a page at the folder's address
STATIC = "static"  # files for every site; static/<site>/ for that site only
# A name with a control character (a newline, a tab …) cannot be a URL or an XML text.
BAD_NAME = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SourceFile:
    """A content file found on disk, before it is read."""

    path: Path
    key: str  # below content/, posix
    kind: str
    bundle: str | None
    assets: tuple[str, ...]
    # size, mtime_ns, ctime_ns, inode: changes when the file does. The ctime and the
    # inode are what a copy cannot restore: `cp -a` from a backup brings the old mtime
    # (and often the old size) back, onto the same inode when it copies over a file.
    stamp: tuple[int, int, int, int]


def discover(config: Config) -> tuple[list[SourceFile], list[Problem]]:
    """Every post and page file under content/, with bundles' asset lists."""
    found: list[SourceFile] = []
    problems: list[Problem] = []
    root = config.content_dir
    project = config.root.resolve()
    for section, kind in KINDS.items():
        base = root / section
        if base.is_symlink() and _outside(base, project):
            problems.extend(_symlink_problem(config, base, project))
            continue
        if base.is_dir():
            walk = _Walk(config, project, kind, str(base), len(str(root)) + 1, found, problems)
            walk.folder(str(base))
    return found, problems


@dataclass
class _Walk:
    """One section's walk: os.scandir and plain strings, as this runs at every build
    for every content file (a DirEntry knows a link without a system call)."""

    config: Config
    project: Path
    kind: str
    base: str
    cut: int  # length of "…/content/": what a key leaves out
    found: list[SourceFile]
    problems: list[Problem]

    def folder(self, folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:  # as os.walk: a folder that cannot be listed holds nothing
            return
        folders: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            if _ignored(entry.name):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (folders if is_folder else files).append(entry)
        here = Path(folder)
        kept = []
        for entry in folders:
            if entry.is_symlink() or _bad_name(self.config, here / entry.name, self.problems):
                self.problems.extend(_symlink_problem(self.config, here / entry.name, self.project))
            else:
                kept.append(entry)
        if folder != self.base and any(entry.name == "index.md" for entry in files):
            self._bundle(here)  # a bundle's sub-folders hold its files, not more posts
            return
        for entry in files:
            # Hello.MD is a post too: a file silently left out would be a post lost.
            if not entry.name.lower().endswith(".md"):
                continue
            path = here / entry.name
            if _bad_name(self.config, path, self.problems):
                continue
            if entry.is_symlink() and _outside(path, self.project):
                self.problems.extend(_symlink_problem(self.config, path, self.project))
                continue
            try:
                info = entry.stat()
            except OSError as exc:  # a link to nothing, a file deleted meanwhile
                problem = Problem(f"cannot read: {exc.strerror}", path=self.config.rel(path))
                self.problems.append(problem)
                continue
            stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            key = entry.path[self.cut :].replace(os.sep, "/")
            kind = "page" if entry.name == SECTION_PAGE else self.kind
            self.found.append(SourceFile(path, key, kind, None, (), stamp))
        for entry in kept:
            self.folder(entry.path)

    def _bundle(self, here: Path) -> None:
        assets = tuple(sorted(_bundle_assets(here, self.config, self.project, self.problems)))
        stamp = _checked_stamp(self.config, here / "index.md", self.problems)
        if stamp is not None:
            root = self.config.content_dir
            key = (here / "index.md").relative_to(root).as_posix()
            self.found.append(
                SourceFile(here / "index.md", key, self.kind, _rel(here, root), assets, stamp)
            )


StaticFiles = dict[str | None, tuple[tuple[str, Path], ...]]


def discover_static(config: Config) -> tuple[StaticFiles, list[Problem]]:
    """The files of static/: (path on the site, file) for every site (key None) and
    for each site whose name a folder of static/ has (static/<site>/, that site only).
    Hidden files are left out but for .well-known/, which hosts and services read."""
    root = config.root / STATIC
    project = config.root.resolve()
    found: dict[str | None, list[tuple[str, Path]]] = {}
    problems: list[Problem] = []
    if root.is_symlink() or not root.is_dir():
        if root.is_symlink():
            problems.extend(_symlink_problem(config, root, project))
        return {}, problems
    names = set(config.site_names)
    for sub, dirs, files in os.walk(root):
        here = Path(sub)
        dirs[:] = sorted(d for d in dirs if not _ignored(d) or d == ".well-known")
        for name in list(dirs):
            if (here / name).is_symlink() or _bad_name(config, here / name, problems):
                dirs.remove(name)
                problems.extend(_symlink_problem(config, here / name, project))
        for name in sorted(files):
            path = here / name
            if _ignored(name) or _bad_name(config, path, problems):
                continue
            if path.is_symlink() and _outside(path, project):
                problems.extend(_symlink_problem(config, path, project))
                continue
            rel = path.relative_to(root).as_posix()
            first, _, rest = rel.partition("/")
            site = first if rest and first in names else None
            found.setdefault(site, []).append((rest if site else rel, path))
    return {site: tuple(files) for site, files in found.items()}, problems


def _bundle_assets(
    folder: Path, config: Config, project: Path, problems: list[Problem]
) -> Iterator[str]:
    for sub, dirs, files in os.walk(folder):
        here = Path(sub)
        dirs[:] = [d for d in dirs if not _ignored(d)]
        for name in list(dirs):
            if (here / name).is_symlink() or _bad_name(config, here / name, problems):
                dirs.remove(name)
                problems.extend(_symlink_problem(config, here / name, project))
        for name in files:
            path = here / name
            if _ignored(name) or path == folder / "index.md" or _bad_name(config, path, problems):
                continue
            if path.is_symlink() and _outside(path, project):
                problems.extend(_symlink_problem(config, path, project))
                continue
            yield path.relative_to(folder).as_posix()


def _outside(path: Path, project: Path) -> bool:
    """True for a link whose target is outside the project, or cannot be known (a loop)."""
    try:
        return not path.resolve().is_relative_to(project)
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError before Python 3.13
        return True


def _symlink_problem(config: Config, path: Path, project: Path) -> list[Problem]:
    if not path.is_symlink() or not _outside(path, project):
        return []
    try:
        path.resolve()
    except (OSError, RuntimeError):
        message = "symbolic link loops back on itself; it is not published"
    else:
        message = "symbolic link points outside the project; it is not published"
    return [Problem(message, path=config.rel(path), hint="copy the file into content/ instead")]


def _bad_name(config: Config, path: Path, problems: list[Problem]) -> bool:
    """Report (and skip) a file or folder whose name holds a control character."""
    if not BAD_NAME.search(path.name):
        return False
    problems.append(
        Problem(
            f"the name {path.name!r} holds a control character; it is not published",
            path=config.rel(path.parent),
            hint="rename it",
        )
    )
    return True


def _checked_stamp(
    config: Config, path: Path, problems: list[Problem]
) -> tuple[int, int, int, int] | None:
    """The file's stamp, or None (and a problem) when it cannot be read: a link to a
    file that does not exist, a file deleted while the build runs."""
    try:
        return _stamp(path)
    except OSError as exc:
        problems.append(Problem(f"cannot read: {exc.strerror}", path=config.rel(path)))
        return None


def _ignored(name: str) -> bool:
    """Hidden files and editors' temporary files."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp"))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _stamp(path: Path) -> tuple[int, int, int, int]:
    return stamp_of(path.stat())


def stamp_of(info: os.stat_result) -> tuple[int, int, int, int]:
    """What says a file changed: its size and mtime, and its ctime and inode, which no
    copy, restore or `touch -r` can bring back."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


Stamp = tuple[str, int, int, int, int]


def tree_stamps(root: Path) -> list[Stamp]:
    """(path, size, mtime, ctime, inode) of every file under `root`: the cheap test of
    "anything changed?" that a restored backup cannot fool."""
    stamps: list[Stamp] = []
    if not root.is_dir():
        return stamps
    for folder, dirs, names in os.walk(root):
        for name in dirs:  # a link to a folder is not walked, but it is an input too
            path = os.path.join(folder, name)
            if os.path.islink(path):
                stamps.append((path, -2, *stamp_of(os.lstat(path))[1:]))
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:  # a dangling link or a file deleted meanwhile: a change too
                stamps.append((path, -1, -1, -1, -1))
                continue
            stamps.append((path, *stamp_of(info)))
    stamps.sort()
    return stamps
