"""Noticing that a file a build reads has changed.

As in MkDocs' livereload, the watchdog callback only records the path and the time;
the build loop waits for the changes to settle (an editor's temp-file dance, a `git
checkout` of a hundred files) and then builds once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from splitblog.config import Config
from splitblog.errors import Problem, SplitblogError
from splitblog.theming import theme_roots

# Changes only: every build opens and reads these files, and must not trigger the next.
CHANGE_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
SETTLE = 0.04  # seconds without a new change before building (an editor's save is ~ms)
MAX_DELAY = 1.0  # a stream of changes that never settles still builds this often


@dataclass(frozen=True)
class WatchPlan:
    """What a build reads: whole folders, and single files."""

    trees: frozenset[Path]
    files: frozenset[Path]

    def directories(self) -> frozenset[tuple[Path, bool]]:
        """(folder, recursive) watches covering the plan, none inside another.

        A missing folder is watched for from its nearest existing parent, so creating
        it is noticed; the next plan then watches inside it.
        """
        existing = {t for t in self.trees if t.is_dir()}
        recursive = {
            t for t in existing if not any(t != o and t.is_relative_to(o) for o in existing)
        }
        missing = self.trees - existing
        flat = {f.parent for f in self.files} | {_existing_parent(t) for t in missing}
        flat = {d for d in flat if not any(d.is_relative_to(o) for o in recursive)}
        return frozenset({(d, True) for d in recursive} | {(d, False) for d in flat})

    def wants(self, path: Path) -> bool:
        """Whether a change at `path` can change the output."""
        if path in self.files:
            return True
        for tree in self.trees:
            if path.is_relative_to(tree):
                return not any(_noise(part) for part in path.relative_to(tree).parts)
            if tree.is_relative_to(path):  # the folder itself or a parent came or went
                return True
        return False


def watch_plan(config: Config) -> WatchPlan:
    """content/, static/, the project's themes/, the themes in use (the shipped ones too,
    for work on splitblog itself), the configuration and the avatars."""
    trees = {config.content_dir, config.root / "static", config.root / "themes"}
    for site in config.sites:
        trees.update(theme_roots(config.root, site.theme))
    files = {config.path}
    files.update(config.root / s.author.avatar for s in config.sites if s.author.avatar)
    return WatchPlan(frozenset(p.resolve() for p in trees), frozenset(p.resolve() for p in files))


def _existing_parent(path: Path) -> Path:
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def _noise(name: str) -> bool:
    """Hidden files and folders, and editors' temporary files: never content."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


class Changes:
    """Paths changed since the last build, and when the latest change came."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._last = 0.0
        self._closed = False

    def add(self, path: Path) -> None:
        with self._cond:
            self._paths.add(path)
            self._last = time.monotonic()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def quiet_for(self, seconds: float) -> bool:
        """Wait until `seconds` pass with no change (True), or a change comes (False)."""
        with self._cond:
            return not self._cond.wait_for(lambda: self._paths or self._closed, seconds)

    def next_batch(self, settle: float = SETTLE, max_delay: float = MAX_DELAY) -> set[Path] | None:
        """Block until something changed and then stayed quiet for `settle` seconds (or
        `max_delay` passed); the changed paths, or None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._paths or self._closed)
            first = time.monotonic()
            while not self._closed:
                now = time.monotonic()
                quiet = now - self._last
                if quiet >= settle or now - first >= max_delay:
                    break
                self._cond.wait(settle - quiet)
            if self._closed:
                return None
            batch, self._paths = self._paths, set()
            return batch


class _Recorder(FileSystemEventHandler):
    """Runs on watchdog's thread: records wanted paths, nothing else."""

    def __init__(self, changes: Changes, plan: WatchPlan):
        self.changes = changes
        self.plan = plan  # replaced whole by Watcher.follow

    def on_any_event(self, event: FileSystemEvent) -> None:
        plan = self.plan
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if plan.wants(path):
                    self.changes.add(path)


class Watcher:
    """A watchdog observer following the current WatchPlan."""

    def __init__(self, changes: Changes, plan: WatchPlan):
        self._observer = Observer()
        self._recorder = _Recorder(changes, plan)
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self.follow(plan)

    def start(self) -> None:
        try:
            self._observer.start()
        except OSError as exc:
            raise SplitblogError(
                Problem(
                    f"cannot watch the project's files: {exc.strerror or exc}",
                    hint="on Linux, raise fs.inotify.max_user_watches (sysctl)",
                )
            ) from None

    def follow(self, plan: WatchPlan) -> set[Path]:
        """Watch what `plan` names (a new folder, a configuration naming other themes);
        the folders newly watched. A change made in one before its watch began went
        unseen: the caller checks them once more."""
        self._recorder.plan = plan
        wanted = plan.directories()
        for key in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(key))
        added = set()
        for folder, recursive in _sorted(wanted - set(self._watches)):
            try:
                self._watches[(folder, recursive)] = self._observer.schedule(
                    self._recorder, str(folder), recursive=recursive, event_filter=CHANGE_EVENTS
                )
            except OSError:
                continue  # gone meanwhile: its parent's watch or the next plan sees it
            added.add(folder)
        return added

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join()


def _sorted(watches: Iterable[tuple[Path, bool]]) -> list[tuple[Path, bool]]:
    return sorted(watches, key=lambda w: (str(w[0]), w[1]))
