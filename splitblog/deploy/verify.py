"""A deploy publishes exactly the files of the build it has just verified.

The site's folder is checked against the build's manifest (path → content digest): a
file the build did not make (a folder copied in by hand, the output of a build with
another `-o`), one it made but that is gone, or one whose bytes changed since (a sync
tool, a swap, an edit) stops the deploy before any target is touched. The publishers
are then given the manifest's files only, read under the build lock, so no splitblog
build can swap the folder before they are uploaded.

Why not a staged copy: for a site of thousands of folders, making and removing one
costs more than the whole deploy of an unchanged site (seconds, mostly in mkdir and
rmdir), for a window — another program writing into public/ during the upload — that
the check before and the publishers' own content checks (blob ids on git, Content-MD5
on S3) already narrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from splitblog.deploy.base import LocalFile, local_files
from splitblog.errors import DeployError, Problem
from splitblog.writer import file_digest

SHOWN = 5
HINT = "run `splitblog build` (move away files you put there yourself), then deploy again"


def verified(folder: Path, manifest: Mapping[str, str], where: str) -> dict[str, LocalFile]:
    """The files of `folder`, each checked against the build's manifest; DeployError
    naming every file that is not exactly what the build made."""
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
    changed = sorted(
        p for p, digest in manifest.items() if file_digest(on_disk[p].source) != digest
    )
    if changed:
        raise DeployError(
            Problem(f"{where} changed since it was built ({_names(changed)})", hint=HINT)
        )
    return {path: on_disk[path] for path in sorted(manifest)}


def _names(paths: list[str]) -> str:
    more = f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else ""
    return ", ".join(paths[:SHOWN]) + more
