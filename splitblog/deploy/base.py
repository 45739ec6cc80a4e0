"""What every publisher shares: the files of a built site, a plan, and the interface.

A publisher compares the built files with the target's *real* state each time (never
with a record kept from the last deploy), uploads before it deletes, and makes each
upload atomic where the target allows. So a deploy interrupted half way leaves a target
that the next deploy completes, whatever was or was not done.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

Progress = Callable[[int, int], None]  # (files done, files to do)


@dataclass(frozen=True)
class LocalFile:
    """One file of a built site, as it will be published."""

    path: str  # relative to the site's folder, with "/" separators
    source: Path
    size: int


@dataclass(frozen=True)
class Plan:
    """What a deploy would change on one target."""

    upload: tuple[LocalFile, ...]  # new or changed, sorted by path
    delete: tuple[str, ...]  # on the target, not in the build, sorted
    unchanged: int

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.upload)

    @property
    def empty(self) -> bool:
        return not self.upload and not self.delete


def local_files(folder: Path) -> dict[str, LocalFile]:
    """Every file below `folder`, by its site-relative path, sorted."""
    found: dict[str, LocalFile] = {}
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(parent) / name
            rel = path.relative_to(folder).as_posix()
            found[rel] = LocalFile(rel, path, path.stat().st_size)
    return dict(sorted(found.items()))


def make_plan(
    files: Mapping[str, LocalFile], remote: Mapping[str, object], same: Callable[[str], bool]
) -> Plan:
    """Compare the build with a target's listing; `same(path)` says whether a file that
    is on both sides already holds the built content there."""
    upload = tuple(f for path, f in files.items() if path not in remote or not same(path))
    delete = tuple(sorted(remote.keys() - files.keys()))
    return Plan(upload, delete, len(files) - len(upload))


class Publisher(ABC):
    """One deploy target. Used as a context manager: `plan`, then at most one `apply`.

    `plan` and `fetch` only read the target; `apply` makes it hold exactly the planned
    build. `fetch` may rely on `plan` having run (the git publisher reads the branch
    `plan` fetched).
    """

    def __enter__(self) -> Publisher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None

    @abstractmethod
    def plan(self, files: Mapping[str, LocalFile]) -> Plan:
        """Read the target and say what must be uploaded and deleted."""

    @abstractmethod
    def apply(self, plan: Plan, progress: Progress) -> None:
        """Upload, then delete, exactly what `plan` says."""

    @abstractmethod
    def fetch(self, path: str) -> bytes | None:
        """One file as the target holds it now, or None when it has none."""
