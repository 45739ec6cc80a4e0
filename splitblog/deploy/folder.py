"""file:///path — a local folder: a mounted share, a web server's document root.

Files are compared by size, then by content hash, against what the folder holds now.
Each upload is a copy to a temporary name beside the file and an `os.replace`, so a
reader (or an interrupted deploy) never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from splitblog.deploy.base import LocalFile, Plan, Progress, Publisher, local_files, make_plan
from splitblog.errors import DeployError, Problem
from splitblog.writer import file_digest, prune_empty_folders

TEMP_SUFFIX = ".splitblog-upload"


class FolderPublisher(Publisher):
    def __init__(self, root: Path):
        self.root = root

    def plan(self, files: Mapping[str, LocalFile]) -> Plan:
        if self.root.exists() and not self.root.is_dir():
            raise DeployError(Problem(f"{self.root} is a file, not a folder"))
        try:
            remote = local_files(self.root) if self.root.exists() else {}
        except OSError as exc:
            raise DeployError(_problem(exc, self.root)) from None

        def same(path: str) -> bool:
            there = remote[path]
            return there.size == files[path].size and file_digest(there.source) == file_digest(
                files[path].source
            )

        return make_plan(files, remote, same)

    def apply(self, plan: Plan, progress: Progress) -> None:
        try:
            for done, file in enumerate(plan.upload, 1):
                self._upload(file)
                progress(done, len(plan.upload))
            for path in plan.delete:
                with contextlib.suppress(FileNotFoundError):
                    (self.root / path).unlink()
            prune_empty_folders(self.root, plan.delete)
        except OSError as exc:
            raise DeployError(_problem(exc, self.root)) from None

    def fetch(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except OSError:
            return None

    def _upload(self, file: LocalFile) -> None:
        target = self.root / file.path
        _make_folder(self.root, target.parent)
        if target.is_dir():  # a folder stands where a file goes: all of it is to be deleted
            shutil.rmtree(target)
        temp = target.with_name(target.name + TEMP_SUFFIX)
        shutil.copyfile(file.source, temp)
        os.replace(temp, target)


def _make_folder(root: Path, folder: Path) -> None:
    """mkdir -p, replacing a file that stands where a folder must go (it is not in the
    build, so the plan deletes it anyway)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        probe = folder
        while probe != root and (not probe.exists() or probe.is_dir()):
            probe = probe.parent
        if probe == root:
            raise
        probe.unlink()
        folder.mkdir(parents=True, exist_ok=True)


def _problem(exc: OSError, root: Path) -> Problem:
    return Problem(
        f"cannot write to {root}: {exc.strerror or exc} ({exc.filename or root})",
        hint="fix the folder's permissions or space, then deploy again to complete it",
    )
