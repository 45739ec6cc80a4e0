"""Where a build's output goes, and one build at a time per project."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from splitblog.config import Config
from splitblog.errors import OutputError, Problem
from splitblog.interrupts import uninterrupted
from splitblog.writer import Manifest, SiteTrees, entry_of

CACHE_DIR = ".splitblog"


def cache_dir(config: Config) -> Path:
    return config.root / CACHE_DIR


def spare_root(config: Config) -> Path:
    """Where the spare trees live: in the cache folder when it is on the output's file
    system (the atomic swap needs both trees on one), else hidden in the output folder."""
    output, cache = config.output_dir, cache_dir(config)
    output.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    if cache.stat().st_dev == output.stat().st_dev and _can_rename(cache, output):
        tag = hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()
        return cache / "trees" / tag
    return output / ".splitblog-trees"


def _other_spare_root(config: Config, spares: Path) -> Path:
    """The spare root a build would have chosen on the other side of spare_root's test."""
    inside = config.output_dir / ".splitblog-trees"
    if spares != inside:
        return inside
    tag = hashlib.blake2b(str(config.output_dir).encode(), digest_size=6).hexdigest()
    return cache_dir(config) / "trees" / tag


def _can_rename(source: Path, target: Path) -> bool:
    """Whether a folder can move from `source` to `target`. One file system is not
    enough: a bind mount (a container's volume) shares its device number, yet a rename
    across it fails, and a swap would then fail at the very end of every build."""
    with uninterrupted():  # a Ctrl-C in the middle would leave the probe behind
        probe = Path(tempfile.mkdtemp(prefix="probe-", dir=source))
        moved = target / f".splitblog-{probe.name}"
        try:
            os.rename(probe, moved)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                return False
            raise
        finally:
            for folder in (probe, moved):
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return True


SHOWN = 5  # files named in a refusal; the count says how many more


def refuse_foreign(config: Config, sites: Sequence[str], spares: Path, force: bool) -> None:
    """Refuse (naming every folder, before anything is rendered or touched) to replace a
    site folder that holds files splitblog did not write: a build replaces the folder
    whole, so they would be deleted. With `force`, they are recorded as the folder's
    own and go with this build like any file it no longer makes."""
    problems = []
    for name in sites:
        trees = SiteTrees(config.output_dir / name, spares / name)
        if not trees.live.exists() and not trees.live.is_symlink():
            continue
        on_disk = _walk(trees.live)
        recorded = trees.recorded_live()
        if recorded is None:
            recorded = _copied_tree(config, name, spares, on_disk)
            if recorded is not None:
                trees.adopt(recorded)  # the record follows the copy to its new inode
        foreign = _foreign(on_disk, recorded or {})
        if not foreign:
            continue
        if force:
            found = {}
            for rel in foreign:
                with contextlib.suppress(OSError):
                    found[rel] = entry_of(trees.live / rel)
            trees.adopt(found)
            continue
        more = f" and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else ""
        problems.append(
            Problem(
                f"{config.rel(trees.live)}/ holds files splitblog did not write "
                f"({', '.join(foreign[:SHOWN])}{more}); a build replaces the whole folder "
                "and would delete them",
                hint="move them out of the folder (files for a site go in a theme's static/), "
                "or build with --force to replace them",
            )
        )
    if problems:
        raise OutputError(problems)


Listing = dict[str, tuple[int, int] | None]  # path → (size, mtime_ns); None: a link


def _walk(live: Path) -> Listing:
    """Every file below `live` (links included, never followed), by its relative path."""
    found: Listing = {}
    cut = len(str(live)) + 1
    stack = [str(live)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        except NotADirectoryError:  # the site's folder is a file
            return {live.name: None}
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            rel = entry.path[cut:].replace(os.sep, "/")
            if entry.is_symlink():
                found[rel] = None
            else:
                info = entry.stat(follow_symlinks=False)
                found[rel] = (info.st_size, info.st_mtime_ns)
    return found


def _foreign(on_disk: Listing, recorded: Manifest) -> list[str]:
    """The files that are not the ones the writer recorded leaving there: added, or
    changed since (another size or mtime; the writer never writes a link)."""
    return sorted(
        rel
        for rel, stat in on_disk.items()
        if stat is None or rel not in recorded or stat != tuple(recorded[rel][1:3])
    )


def _copied_tree(config: Config, name: str, spares: Path, on_disk: Listing) -> Manifest | None:
    """A tree the writer recorded that the folder is an exact copy of — every path, size
    and mtime (a project copied or restored whole: `cp -a`, a backup, a new disk) — else
    None. A copy has a new inode, so its record is found by what it holds."""
    for root in (spares, _other_spare_root(config, spares)):
        for manifest in SiteTrees(config.output_dir / name, root / name).recorded_trees():
            if len(manifest) == len(on_disk) and not _foreign(on_disk, manifest):
                return manifest
    return None


@contextlib.contextmanager
def build_lock(config: Config, wait: float = 120.0) -> Iterator[None]:
    """One build at a time per project: a second one waits, then gives up clearly.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so the
    workers it forks do not hold it, and it goes when the process dies, even by SIGKILL.
    """
    folder = cache_dir(config)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "lock", "w")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise OutputError(
            Problem(f"cannot create {folder}: {exc.strerror}", hint="make the project writable")
        ) from None
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise OutputError(
                        Problem(f"cannot lock {folder / 'lock'}: {exc.strerror}")
                    ) from None
                if time.monotonic() > deadline:
                    raise OutputError(
                        Problem(
                            "another splitblog build of this project is still running",
                            path=str(folder / "lock"),
                            hint="wait for it to finish (or stop it), then run again",
                        )
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)
