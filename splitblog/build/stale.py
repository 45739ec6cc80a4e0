"""`check` against the output on disk: a site folder that is not what a build makes now
(a stale build, a restored backup, a file put there by hand) is what a deploy would
publish, so `check` names it — and audits each file that differs, so a leak in it is
named as a leak.
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
    missing = sorted(expected.keys() - on_disk.keys())
    if not differing and not missing:
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
    shown = (differing + missing)[:SHOWN]
    count = len(differing) + len(missing)
    more = f" and {count - SHOWN} more" if count > SHOWN else ""
    problems.append(
        Problem(
            f"{config.rel(live)}/ is not what a build makes now: {count} files differ "
            f"({', '.join(shown)}{more}); a deploy would not publish it as it is",
            hint="run `splitblog build` (files you put there yourself: move them out)",
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
