"""Where a build's output goes, and one build at a time per project."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from splitblog.config import Config
from splitblog.errors import OutputError, Problem
from splitblog.interrupts import uninterrupted

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
