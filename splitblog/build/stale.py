"""`check` against the output on disk: the files of a site folder that differ from what
a build makes now (a stale build, a restored backup, a file put there by hand) are
audited as the site's, so a leak waiting in public/ is named — though no build would
write it now. A folder that is merely out of date (a post edited since the last build)
is no problem: `check` runs between an edit and a build.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from splitblog.build.sites import AuditedSite
from splitblog.config import Config
from splitblog.errors import Problem
from splitblog.writer import file_digest

SHOWN = 5


def stale_output(config: Config, audited: AuditedSite) -> list[Problem]:
    """Problems for the files of the site's folder that differ from this build's."""
    name = audited.planned.prepared.name
    live = config.output_dir / name
    if not live.is_dir():
        return []  # never built: nothing on disk to be stale
    expected: Mapping[str, str] = {p: out.digest for p, out in audited.files.items()}
    on_disk = _files(live)
    differing = sorted(
        rel
        for rel, path in on_disk.items()
        if rel not in expected or _digest(path) != expected[rel]
    )
    if not differing:
        return []
    auditor = audited.planned.auditor
    problems: list[Problem] = []
    for rel in differing:
        try:
            data = on_disk[rel].read_bytes()
        except OSError:
            continue
        hits = auditor.scan(rel, data)
        if hits:
            problems.extend(auditor.findings(rel, hits, data))
    if not problems:
        return []
    more = f" and {len(differing) - SHOWN} more" if len(differing) > SHOWN else ""
    problems.append(
        Problem(
            f"{config.rel(live)}/ holds what the {name} site must not show: files of an "
            f"earlier build that differ from this one ({', '.join(differing[:SHOWN])}{more})",
            hint="run `splitblog build` before anything publishes that folder",
        )
    )
    return problems


def _files(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path
    return found


def _digest(path: Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None
