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
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from splitblog.errors import OutputError, Problem
from splitblog.interrupts import uninterrupted

RENAME_EXCHANGE = 2
AT_FDCWD = -100

Manifest = dict[str, tuple[str, int, int]]  # path → (digest, size, mtime_ns)


@functools.lru_cache(maxsize=1 << 17)  # every output path, checked at several steps
def is_safe_relpath(rel: str) -> bool:
    """True when a site-relative output path stays inside the site's folder.

    Checked on the string, never by touching the disk: no absolute paths, no `..`,
    no backslashes or NULs (a Windows host would read a backslash as a separator), and
    every segment short enough for a file system.
    """
    if not rel or "\0" in rel or "\\" in rel or rel.startswith("/"):
        return False
    # Split by hand: PurePosixPath would drop the empty segment of "a//b" or "x/", and
    # a path that names a folder ("x/") is not a file the writer can write.
    return all(
        part not in ("", ".", "..") and len(part.encode("utf-8", "surrogatepass")) <= 255
        for part in rel.split("/")
    )


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


def manifest_digest(manifest: Mapping[str, Sequence[object]]) -> str:
    """What a tree holds, by content: its paths and their files' digests. Kept with the
    last build's state, so a tree that comes back by a swap or a restore (with the old
    inode number) is still told apart from the one the build left."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(manifest):
        digest.update(f"{path}\0{manifest[path][0]}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


class SiteTrees:
    """The live and the spare tree of one site, and their manifests.

    `in_place=True` updates the live tree directly, with no spare and no swap: for a
    preview whose server holds requests back while a build runs, and where writing each
    change once (and never filling a second tree) is what keeps an edit quick.
    """

    def __init__(self, live: Path, spare: Path, in_place: bool = False, memo: dict | None = None):
        self.live = live
        self.spare = spare
        self.in_place = in_place
        self.manifest_path = spare.with_name(spare.name + ".manifests.json")
        # A process that builds again and again (serve) keeps the manifests it saved in
        # memory instead of reading the file back each time.
        self.memo = memo

    # -- manifests, keyed by the tree's inode so they follow the trees through swaps --
    def _load_manifests(self) -> dict[str, Manifest]:
        if self.memo is not None and "manifests" in self.memo:
            return dict(self.memo["manifests"])
        try:
            # Entries stay JSON lists ([digest, size, mtime]): read, never converted, as
            # this runs at every build for every file.
            raw = json.loads(self.manifest_path.read_text())
            if not all(isinstance(m, dict) for m in raw.values()):
                return {}
            return raw
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def _save_manifests(self, manifests: Mapping[str, Manifest]) -> None:
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_path.with_suffix(".tmp")
        text = json.dumps(manifests, separators=(",", ":"))
        with uninterrupted():  # a Ctrl-C between the two would leave the .tmp behind
            tmp.write_text(text)
            os.replace(tmp, self.manifest_path)
        if self.memo is not None:
            self.memo["manifests"] = dict(manifests)

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

    def recorded_live(self) -> Manifest | None:
        """What the writer recorded of the live tree it left, or None when it has no
        record of this tree (never built here, or replaced from outside): never a scan."""
        tree = self._tree_id(self.live)
        if tree is None:
            return None
        return self._load_manifests().get(tree)

    def recorded_trees(self) -> list[Manifest]:
        """Every tree of this site the writer has a record of (the live and the spare)."""
        return [m for m in self._load_manifests().values() if m]

    def adopt(self, found: Manifest) -> None:
        """Record the live tree as it really is (`--force` over files splitblog did not
        write): they then leave with the next builds like any file the build no longer
        makes, instead of living on in the spare tree unknown to its manifest."""
        tree = self._tree_id(self.live)
        if tree is None:
            return
        manifests = self._load_manifests()
        manifests[tree] = {**manifests.get(tree, {}), **found}
        self._save_manifests(manifests)

    # -- publishing ----------------------------------------------------------------------
    def begin(self) -> Patch:
        """Start bringing the spare up to date; nothing visible changes until `finish`."""
        try:
            return self._begin()
        except OSError as exc:  # a full disk, a read-only folder: the live tree is as it was
            raise OutputError(_os_problem(exc, self.spare)) from None

    def _begin(self) -> Patch:
        manifests = self._load_manifests()
        if self.in_place:
            self.live.mkdir(parents=True, exist_ok=True)
            tree = self._tree_id(self.live)
            manifest = manifests.get(tree) if tree in manifests else _scan(self.live)
            self._save_manifests({})  # until `finish`: the tree is changing
            return Patch(self, None, {}, manifest or {})
        live_id = self._tree_id(self.live)
        live_manifest = manifests.get(live_id, {}) if live_id else {}
        if live_id and live_id not in manifests:
            live_manifest = _scan(self.live)
        spare_id = self._tree_id(self.spare)
        if spare_id is None:
            self.spare.mkdir(parents=True)
            spare_manifest: Manifest = {}
        elif spare_id in manifests:
            spare_manifest = manifests[spare_id]
        else:
            spare_manifest = _scan(self.spare)
        # The spare is about to change: forget what it held until the swap is done.
        kept = {live_id: live_manifest} if live_id else {}
        self._save_manifests(kept)
        return Patch(self, live_id, live_manifest, spare_manifest)

    def publish(self, files: Mapping[str, OutputFile]) -> WriteReport:
        """Bring the spare up to date with `files`, then swap it in as the live tree."""
        return self.begin().finish(files, {})


class Patch:
    """One build's changes to a site's spare tree, then the swap that makes them live.

    `put` may run in several (forked) processes at once — each file is written by one of
    them — and they hand their manifest entries back to `finish`.
    """

    def __init__(
        self, trees: SiteTrees, live_id: str | None, live: Manifest, spare: Manifest
    ) -> None:
        self.trees = trees
        self.live_id = live_id
        self.live_manifest = live
        self.spare_manifest = spare
        self.root = trees.live if trees.in_place else trees.spare
        self.known_dirs: set[str] = {""}
        for path in spare:
            parent = path.rpartition("/")[0]
            while parent not in self.known_dirs:
                self.known_dirs.add(parent)
                parent = parent.rpartition("/")[0]

    def put(self, path: str, out: OutputFile) -> tuple[tuple[str, int, int], bool]:
        """Make the spare hold `out` at `path`: (its manifest entry, whether it was written)."""
        if not is_safe_relpath(path):
            raise OutputError(Problem(f"refusing to write outside the site: {path!r}"))
        root = self.root
        have = self.spare_manifest.get(path)
        # Plain strings, not Path objects: this runs once per output file.
        target = f"{root}/{path}"
        if have is not None and have[0] == out.digest and _same_stat(target, have):
            return have, False
        try:
            _ensure_parent(root, path, self.known_dirs)
            info = _write(target, out, f"{self.trees.live}/{path}")
        except OSError as exc:
            raise OutputError(_os_problem(exc, root)) from None
        return (out.digest, info.st_size, info.st_mtime_ns), True

    def finish(
        self, files: Mapping[str, OutputFile], done: Mapping[str, tuple[tuple[str, int, int], bool]]
    ) -> WriteReport:
        """Write what `done` (the files put already) lacks, remove what is gone, swap."""
        root = self.root
        stale = self.spare_manifest.keys() - files.keys()
        try:
            for path in stale:
                with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
                    (root / path).unlink()
        except OSError as exc:
            raise OutputError(_os_problem(exc, root)) from None
        manifest: Manifest = {}
        written = 0
        for path, out in files.items():
            entry, wrote = done[path] if path in done else self.put(path, out)
            manifest[path] = entry
            written += wrote
        prune_empty_folders(root, stale)
        if self.trees.in_place:
            self.trees._save_manifests({self.trees._tree_id(root) or "": manifest})
            return WriteReport(written, len(stale), len(files) - written)
        # Recorded before the swap: each entry names a tree by its inode, which the swap
        # carries along, so the record is true whether or not the swap happens (a kill
        # in between). A live tree must never be left without its record: it would be
        # taken for files splitblog did not write, and refused.
        kept = {self.trees._tree_id(self.trees.spare) or "": manifest}
        if self.live_id:
            kept[self.live_id] = self.live_manifest
        saved = self._record(kept)
        _exchange(self.trees.spare, self.trees.live)
        if not saved:
            self._record(kept)
        return WriteReport(written, len(stale), len(files) - written)

    def _record(self, kept: Mapping[str, Manifest]) -> bool:
        try:
            self.trees._save_manifests(kept)
        except OSError:
            # The manifests on disk still describe the trees truly (the spare's was
            # dropped before it changed); a tree not in them is read from disk next
            # time. Only a half-written temporary file must go.
            with contextlib.suppress(OSError):
                self.trees.manifest_path.with_suffix(".tmp").unlink()
            return False
        return True


def entry_of(path: Path) -> tuple[str, int, int]:
    """A manifest entry read from the file itself."""
    info = path.stat()
    return (file_digest(path), info.st_size, info.st_mtime_ns)


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


def _same_stat(path: str, have: tuple[str, int, int]) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_size == have[1] and info.st_mtime_ns == have[2]


def _ensure_parent(root: Path, path: str, known_dirs: set[str]) -> None:
    parent = path.rpartition("/")[0]
    if parent in known_dirs:
        return
    folder = f"{root}/{parent}"
    try:
        _make_dirs(folder, root, parent, known_dirs)
    except (FileExistsError, NotADirectoryError):
        # A file stands where a folder must go (a page became a section): replace it.
        probe = Path(folder)
        while not probe.exists() or probe.is_dir():
            probe = probe.parent
        probe.unlink()
        os.makedirs(folder, exist_ok=True)
    while parent not in known_dirs:
        known_dirs.add(parent)
        parent = parent.rpartition("/")[0]


def _make_dirs(folder: str, root: Path, parent: str, known_dirs: set[str]) -> None:
    """mkdir for the new folder only, when its parent is known to exist (the usual case:
    posts/ exists, posts/new-post/ does not) — one system call instead of a walk up."""
    above = parent.rpartition("/")[0]
    if above in known_dirs:
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise
        return
    os.makedirs(folder, exist_ok=True)


def _write(target: str, out: OutputFile, live_copy: str) -> os.stat_result:
    """Put a new file at `target`, never by rewriting the file already there.

    After a swap the two trees share their unchanged files (hard links), so writing
    through the old file would change the live site too: the new file is made beside it
    and renamed over it. A file the live tree already holds unchanged is linked, not
    copied — one metadata operation instead of a copy of its bytes.
    """
    if os.path.isdir(target):
        shutil.rmtree(target)
    temporary = target + ".splitblog-new"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)  # left by a build that was killed
    if out.data is not None:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(out.data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
    elif out.copy_from is not None:  # a source or theme file: edited in place by editors
        shutil.copyfile(out.copy_from, temporary)
    else:
        try:
            os.link(live_copy, temporary)
        except OSError:  # a file system without hard links
            shutil.copyfile(live_copy, temporary)
    os.replace(temporary, target)
    return os.stat(target)


def prune_empty_folders(root: Path, removed: Iterable[str]) -> None:
    """Remove the folders that deleting the files `removed` (below `root`) left empty."""
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
    try:
        _swap(new, live)
    except OSError as exc:
        raise OutputError(_os_problem(exc, live)) from None


def _swap(new: Path, live: Path) -> None:
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
    try:
        os.rename(new, live)
    except OSError:
        os.rename(aside, live)  # put the old output back: never leave no site folder
        raise
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
