"""Writes one site's output so that the site folder is always either the old output or
the complete new one — even if the process is killed mid-way — without rewriting the
whole tree each time.

Each site has two trees: the live one (public/<site>/) and a spare one kept next to the
cache. A build brings the spare up to date — writing only the files that differ from
what the spare holds, deleting what is gone — and then swaps the two with one atomic
`renameat2(RENAME_EXCHANGE)`. The old live tree becomes the next build's spare.

A manifest per tree (path → digest, size, mtime) says what each tree holds. It is
dropped before a spare is touched and written again once the swap is done, so a build
killed half way leaves a spare without a manifest, which the next build re-reads
from disk instead of trusting.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, Problem
from .slugs import is_safe_relpath

RENAME_EXCHANGE = 2
AT_FDCWD = -100

Manifest = dict[str, tuple[str, int, int]]  # path → (digest, size, mtime_ns)


@dataclass(frozen=True)
class OutputFile:
    """One file of a site's new output: its digest and where its bytes come from.

    Exactly one of `data` and `copy_from` is set, or neither: then the file is the one
    the live tree already holds under the same path (an unchanged page).
    """

    digest: str
    data: bytes | None = None
    copy_from: Path | None = None


@dataclass(frozen=True)
class WriteReport:
    written: int
    deleted: int
    unchanged: int


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


class SiteTrees:
    """The live and the spare tree of one site, and their manifests."""

    def __init__(self, live: Path, spare: Path):
        self.live = live
        self.spare = spare
        self.manifest_path = spare.with_name(spare.name + ".manifests.json")

    # -- manifests, keyed by the tree's inode so they follow the trees through swaps --
    def _load_manifests(self) -> dict[str, Manifest]:
        try:
            raw = json.loads(self.manifest_path.read_text())
            return {k: {p: tuple(v) for p, v in m.items()} for k, m in raw.items()}  # type: ignore[misc]
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def _save_manifests(self, manifests: Mapping[str, Manifest]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifests, separators=(",", ":")))
        os.replace(tmp, self.manifest_path)

    @staticmethod
    def _tree_id(path: Path) -> str | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return f"{info.st_dev}:{info.st_ino}"

    def live_manifest(self) -> Manifest:
        tree = self._tree_id(self.live)
        if tree is None:
            return {}
        return self._load_manifests().get(tree) or _scan(self.live)

    # -- publishing ----------------------------------------------------------------------
    def publish(self, files: Mapping[str, OutputFile]) -> WriteReport:
        """Bring the spare up to date with `files`, then swap it in as the live tree."""
        manifests = self._load_manifests()
        live_id = self._tree_id(self.live)
        live_manifest = manifests.get(live_id, {}) if live_id else {}
        if live_id and live_id not in manifests:
            live_manifest = _scan(self.live)
        spare_id = self._tree_id(self.spare)
        if spare_id is None:
            self.spare.mkdir(parents=True)
            spare_id = self._tree_id(self.spare)
            spare_manifest: Manifest = {}
        elif spare_id in manifests:
            spare_manifest = manifests[spare_id]
        else:
            spare_manifest = _scan(self.spare)
        # The spare is about to change: forget what it held until the swap is done.
        manifests.pop(spare_id, None)  # type: ignore[arg-type]
        self._save_manifests({k: v for k, v in manifests.items() if k == live_id})
        report, new_manifest = _patch(self.spare, spare_manifest, files, self.live)
        _exchange(self.spare, self.live)
        # The trees have swapped places (their inodes came along).
        kept = {self._tree_id(self.live) or "": new_manifest}
        if live_id and self.spare.exists():
            kept[live_id] = live_manifest
        self._save_manifests(kept)
        return report


def _scan(root: Path) -> Manifest:
    """A manifest read from disk, for a tree whose manifest is missing."""
    manifest: Manifest = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            info = path.stat()
            manifest[path.relative_to(root).as_posix()] = (
                file_digest(path),
                info.st_size,
                info.st_mtime_ns,
            )
    return manifest


def _patch(
    root: Path, manifest: Manifest, files: Mapping[str, OutputFile], live: Path
) -> tuple[WriteReport, Manifest]:
    """Make the tree at `root` hold exactly `files`, touching only what differs."""
    written = deleted = 0
    result: Manifest = {}
    known_dirs: set[str] = {""}
    for path in manifest:
        parent = path.rpartition("/")[0]
        while parent not in known_dirs:
            known_dirs.add(parent)
            parent = parent.rpartition("/")[0]
    for path in manifest.keys() - files.keys():
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            (root / path).unlink()
        deleted += 1
    try:
        for path, out in files.items():
            if not is_safe_relpath(path):
                raise OutputError(Problem(f"refusing to write outside the site: {path!r}"))
            have = manifest.get(path)
            target = root / path
            if have is not None and have[0] == out.digest and _same_stat(target, have):
                result[path] = have
                continue
            _ensure_parent(root, path, known_dirs)
            _write(target, out, live / path)
            info = target.stat()
            result[path] = (out.digest, info.st_size, info.st_mtime_ns)
            written += 1
    except OSError as exc:
        raise OutputError(_os_problem(exc, root)) from None
    _prune(root, manifest.keys() - files.keys())
    return WriteReport(written, deleted, len(files) - written), result


def _same_stat(path: Path, have: tuple[str, int, int]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_size == have[1] and info.st_mtime_ns == have[2]


def _ensure_parent(root: Path, path: str, known_dirs: set[str]) -> None:
    parent = path.rpartition("/")[0]
    if parent in known_dirs:
        return
    folder = root / parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # A file stands where a folder must go (a page became a section): replace it.
        probe = folder
        while not probe.exists() or probe.is_dir():
            probe = probe.parent
        probe.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    while parent not in known_dirs:
        known_dirs.add(parent)
        parent = parent.rpartition("/")[0]


def _write(target: Path, out: OutputFile, live_copy: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    if out.data is not None:
        with open(target, "wb") as handle:
            handle.write(out.data)
    else:
        shutil.copyfile(out.copy_from or live_copy, target)


def _prune(root: Path, removed: set[str]) -> None:
    """Remove folders left empty by deletions."""
    folders = {p.rpartition("/")[0] for p in removed}
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                (root / folder).rmdir()
            except OSError:
                break
            folder = folder.rpartition("/")[0]


def _exchange(new: Path, live: Path) -> None:
    """Atomically put `new` in place of `live` (which becomes `new`)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    if not live.exists():
        os.rename(new, live)
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        result = renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(live), RENAME_EXCHANGE)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
            raise OutputError(_os_problem(OSError(code, os.strerror(code)), live))
    # No atomic exchange here (not Linux, or a file system without it): two renames,
    # with a window in which the site folder is missing for an instant.
    aside = live.with_name(live.name + ".splitblog-old")
    os.rename(live, aside)
    os.rename(new, live)
    os.rename(aside, new)


def _os_problem(exc: OSError, where: Path) -> Problem:
    hints = {
        errno.ENOSPC: "free some disk space; the previous output is untouched",
        errno.EACCES: "make the output folder writable; the previous output is untouched",
        errno.EROFS: "the output folder is on a read-only file system; choose another with -o",
        errno.EPERM: "make the output folder writable; the previous output is untouched",
    }
    return Problem(
        f"cannot write the output: {exc.strerror or exc}",
        path=str(exc.filename or where),
        hint=hints.get(exc.errno or 0, "the previous output is untouched"),
    )
