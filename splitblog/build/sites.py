"""One site's build after its preparation, as phases that each return a frozen value:

    plan      which pages must be rendered (the others are unchanged), the audit's tokens,
              the spare tree opened for writing                         → PlannedSite
    make(i)   render page i, audit its bytes, write it into the spare   → Made (in parallel)
    conclude  audit everything not made (copied and unchanged files)    → AuditedSite
    publish   swap the spare in as the live site                        → SiteReport

The site's pages come from site/ (prepare.py), the judging from audit/, the trees from
the writer; this module only puts them in order, so none of them knows the others.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from splitblog.audit.scan import SiteAudit
from splitblog.cache import AUDIT, AUDIT_MEMO, PAGES, TREES_MEMO, Cache
from splitblog.config import Config
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Source
from splitblog.site.prepare import PreparedSite
from splitblog.theming import theme_parts
from splitblog.writer import OutputFile, Patch, SiteTrees, digest_of

Hits = list[tuple[int, int]]
PageKeys = Mapping[str, tuple[str, str]]  # page path → (its cache key, its digest)


@dataclass(frozen=True)
class SiteReport:
    name: str
    path: Path
    files: int
    written: int
    deleted: int
    unchanged: int
    manifest: Mapping[str, str] = field(default_factory=dict, repr=False)  # path → digest


@dataclass(frozen=True)
class PlannedSite:
    prepared: PreparedSite
    auditor: SiteAudit
    pending: tuple[int, ...]  # indexes of the tasks to render; the others are unchanged
    kept: PageKeys  # the unchanged pages, as the live tree holds them
    trees: SiteTrees | None  # None when nothing is written (check)
    patch: Patch | None
    cache_key: str


@dataclass(frozen=True)
class Made:
    """One page rendered, audited and (when writing) put into the spare tree."""

    path: str
    digest: str
    hits: Hits
    findings: tuple[Problem, ...]
    entry: tuple[tuple[str, int, int], bool] | None  # the spare's manifest entry, written?


@dataclass(frozen=True)
class AuditedSite:
    planned: PlannedSite
    files: Mapping[str, OutputFile]  # everything the site holds now
    made: Mapping[str, Made]
    problems: tuple[Problem, ...]


def site_cache_key(config: Config, name: str) -> str:
    # A preview (serve) and a real build of the same site keep separate caches.
    return f"{config.output_dir}|{name}"


def plan(
    prepared: PreparedSite,
    config: Config,
    sources: Sequence[Source],
    options: BuildOptions,
    cache: Cache,
    spares: Path | None,
    in_place: bool,
) -> PlannedSite:
    """Decide which pages need rendering and get ready to audit and write them.

    Runs in the parent before any worker is forked, so the workers inherit the compiled
    templates, the site-wide fragments and the audit's search automaton.
    """
    site = prepared.plan.site
    key = site_cache_key(config, site.name)
    own_theme, shipped = theme_parts(config.root, site.theme)
    auditor = SiteAudit(
        config, site, sources, options, own_theme, shipped, cache.memo(AUDIT_MEMO, key)
    )
    trees = (
        SiteTrees(
            config.output_dir / site.name, spares / site.name, in_place, cache.memo(TREES_MEMO, key)
        )
        if spares is not None
        else None
    )
    previous: PageKeys = cache.get(PAGES, key) or {}
    live = trees.live_manifest() if trees else {}
    pending: list[int] = []
    kept: dict[str, tuple[str, str]] = {}
    for index, task in enumerate(prepared.tasks):
        have = previous.get(task.path)
        if have and have[0] == task.key and live.get(task.path, ("",))[0] == have[1]:
            kept[task.path] = have
        else:
            pending.append(index)
    if pending and prepared.pages is not None:
        _ = prepared.pages.chrome  # the site-wide fragments, rendered once before forking
    patch = trees.begin() if trees is not None else None
    return PlannedSite(prepared, auditor, tuple(pending), kept, trees, patch, key)


def make(planned: PlannedSite, index: int) -> Made:
    """Render one page, audit its bytes, write it into the spare (when writing)."""
    task = planned.prepared.tasks[index]
    data = task.render()
    digest = digest_of(data)
    auditor = planned.auditor
    hits = auditor.scan(task.path, data)
    findings = tuple(auditor.findings(task.path, hits, data)) if hits else ()
    entry = None
    if planned.patch is not None and not findings:
        entry = planned.patch.put(task.path, OutputFile(digest, data=data))
    return Made(task.path, digest, hits, findings, entry)


def conclude(planned: PlannedSite, made: Sequence[Made], cache: Cache) -> AuditedSite:
    """Audit what was not made now (copied files, unchanged pages), and remember the
    pages' keys and the audit's hits for the next build."""
    auditor, prepared = planned.auditor, planned.prepared
    problems: list[Problem] = []
    files: dict[str, OutputFile] = {p: OutputFile(d) for p, (_k, d) in planned.kept.items()}
    files.update({path: out for path, (out, _label) in prepared.copies.items()})
    keys = dict(planned.kept)
    task_keys = {task.path: task.key for task in prepared.tasks}
    audit_cache: dict[str, Any] = cache.get(AUDIT, planned.cache_key) or {}
    known = audit_cache.get("hits", {}) if audit_cache.get("tokens") == auditor.digest else {}
    hits_now: dict[tuple[str, str], Hits] = {}
    by_path = {result.path: result for result in made}
    for result in made:
        files[result.path] = OutputFile(result.digest)  # in the spare already
        keys[result.path] = (task_keys[result.path], result.digest)
        hits_now[(result.path, result.digest)] = result.hits
        problems.extend(result.findings)
    for path in sorted(files.keys() - by_path.keys()):
        out = files[path]
        hits = known.get((path, out.digest))
        data = None
        if hits is None:
            data = _read(planned, path, out)
            hits = auditor.scan(path, data)
        hits_now[(path, out.digest)] = hits
        if hits:  # judged again (the own text may have changed); read only if needed
            source = data if data is not None else functools.partial(_read, planned, path, out)
            problems.extend(auditor.findings(path, hits, source))
    cache.put(AUDIT, planned.cache_key, {"tokens": auditor.digest, "hits": hits_now})
    cache.put(PAGES, planned.cache_key, keys)
    return AuditedSite(planned, files, by_path, tuple(problems))


def publish(audited: AuditedSite) -> SiteReport:
    planned = audited.planned
    assert planned.trees is not None and planned.patch is not None  # only when writing
    done = {path: m.entry for path, m in audited.made.items() if m.entry is not None}
    report = planned.patch.finish(audited.files, done)
    return SiteReport(
        planned.prepared.name,
        planned.trees.live,
        len(audited.files),
        report.written,
        report.deleted,
        report.unchanged,
        {path: out.digest for path, out in audited.files.items()},
    )


def _read(planned: PlannedSite, path: str, out: OutputFile) -> bytes:
    if out.data is not None:
        return out.data
    if out.copy_from is not None:
        return out.copy_from.read_bytes()
    assert planned.trees is not None  # unchanged pages exist only when writing
    return (planned.trees.live / path).read_bytes()
