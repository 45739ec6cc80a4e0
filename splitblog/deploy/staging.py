"""A deploy publishes exactly the files of the build it has just verified.

The site's folder is checked against the build's manifest (path → content digest): a
file the build did not make (a folder copied in by hand, the output of a build with
another `-o`), one it made but that is gone, or one whose bytes changed since (a sync
tool, a swap, an edit) stops the deploy before any target is touched. Each file is
copied into a private staging folder and its copy checked against the manifest; every
publisher reads from there, so what is uploaded cannot change between the check and the
upload, whatever happens to public/ meanwhile (a hard link would share the bytes with
a file an editor may rewrite in place).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from splitblog.deploy.base import LocalFile, local_files
from splitblog.errors import DeployError, Problem
from splitblog.writer import file_digest

SHOWN = 5
HINT = "run `splitblog build` (move away files you put there yourself), then deploy again"


def stage(
    folder: Path, manifest: Mapping[str, str], into: Path, where: str
) -> dict[str, LocalFile]:
    """The build's files of `folder`, verified and staged in `into`; DeployError naming
    every file that is not exactly what the build made."""
    on_disk = local_files(folder)
    problems = []
    extra = sorted(on_disk.keys() - manifest.keys())
    missing = sorted(manifest.keys() - on_disk.keys())
    if not manifest:
        problems.append(Problem(f"{where} has no build to publish", hint=HINT))
    if extra:
        problems.append(
            Problem(f"{where} holds files the build did not make ({_names(extra)})", hint=HINT)
        )
    if missing:
        problems.append(
            Problem(f"{where} lacks files the build made ({_names(missing)})", hint=HINT)
        )
    if problems:
        raise DeployError(problems)
    changed = []
    for path, digest in manifest.items():
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(on_disk[path].source, target)
        if file_digest(target) != digest:
            changed.append(path)
    if changed:
        raise DeployError(
            Problem(f"{where} changed since it was built ({_names(sorted(changed))})", hint=HINT)
        )
    return local_files(into)


def _names(paths: list[str]) -> str:
    more = f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else ""
    return ", ".join(paths[:SHOWN]) + more
