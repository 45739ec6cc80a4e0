"""One site's build after its preparation, as phases that each return a frozen value:

    plan      which pages must be rendered (the others are unchanged), the audit's tokens,
              the spare tree opened for writing                         → PlannedSite
    make(i)   render page i, audit its bytes, write it into the spare   → Made (in parallel)
    index     the search index of the site's own posts and pages, once they have passed
              the audit (site/search.py)                                → its files
    conclude  audit everything not made (copied and unchanged files, the index)
                                                                        → AuditedSite
    publish   swap the spare in as the live site                        → SiteReport

The site's pages come from site/ (prepare.py), the judging from audit/, the trees from
the writer; this module only puts them in order, so none of them knows the others.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from splitblog.audit.scan import SiteAudit
from splitblog.cache import AUDIT, AUDIT_MEMO, EXPLAINED, PAGES, SEARCH, TREES_MEMO, Cache
from splitblog.config import Config
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Source
from splitblog.parallel import workers
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
class SearchPart:
    """One part of the site's search index (site/search.py): its pages, and the files the
    last build made of the same pages, when it did."""

    bundle: str  # where it is published: pagefind/ or pagefind/<number>/
    paths: tuple[str, ...]
    key: str
    cached: Mapping[str, bytes] | None  # as make_index returns them, under pagefind/


@dataclass(frozen=True)
class SearchPlan:
    """The site's search index: the parts to make, and those the last build made."""

    parts: tuple[SearchPart, ...]
    later: bool = False  # a preview's edit: made by the build after this one (serve)

    @functools.cached_property  # asked of every page the build renders
    def unmade(self) -> frozenset[str]:
        """The pages of the parts this build makes."""
        if self.later:
            return frozenset()
        return frozenset(p for part in self.parts if part.cached is None for p in part.paths)

    @property
    def pending(self) -> bool:
        """Whether a part is to be made, and left for the next build."""
        return self.later and any(part.cached is None for part in self.parts)


@dataclass(frozen=True)
class PlannedSite:
    prepared: PreparedSite
    auditor: SiteAudit
    pending: tuple[int, ...]  # indexes of the tasks to render; the others are unchanged
    kept: PageKeys  # the unchanged pages, as the live tree holds them
    trees: SiteTrees | None  # None when nothing is written (check)
    patch: Patch | None
    cache_key: str
    search: SearchPlan | None = None  # None: the site has no search


@dataclass(frozen=True)
class Made:
    """One page rendered, audited and (when writing) put into the spare tree."""

    path: str
    digest: str
    hits: Hits
    findings: tuple[Problem, ...]
    entry: tuple[tuple[str, int, int], bool] | None  # the spare's manifest entry, written?
    html: bytes | None = None  # the page, for the search index, when not written (check)


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
    search_later: bool = False,
) -> PlannedSite:
    """Decide which pages need rendering and get ready to audit and write them.

    Runs in the parent before any worker is forked, so the workers inherit the compiled
    templates, the site-wide fragments and the audit's search automaton.
    """
    site = prepared.plan.site
    key = site_cache_key(config, site.name)
    own_theme, shipped = theme_parts(config.root, site.theme)
    if site.search:  # Pagefind's UI is shipped with splitblog as its templates are
        from splitblog.site.search import ui_files

        shipped = [*shipped, *ui_files()]
    auditor = SiteAudit(
        config,
        site,
        sources,
        options,
        own_theme,
        shipped,
        cache.memo(AUDIT_MEMO, key),
        dict(cache.get(EXPLAINED, key) or {}),
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
    search = _search_plan(prepared, cache, key, search_later)
    return PlannedSite(prepared, auditor, tuple(pending), kept, trees, patch, key, search)


def _search_plan(prepared: PreparedSite, cache: Cache, key: str, later: bool) -> SearchPlan | None:
    from splitblog.site.search import bundles, index_key, parts

    pages = prepared.pages
    if pages is None or not pages.site_view.search_href:
        return None
    task_keys = {task.path: task.key for task in prepared.tasks if task.indexed}
    made: Mapping[str, Mapping[str, bytes]] = (cache.get(SEARCH, key) or {}).get("parts", {})
    by_number = parts(task_keys)
    folders = bundles(by_number)
    found = []
    for number, paths in by_number.items():
        wanted = index_key([(p, task_keys[p]) for p in paths], prepared.plan.site.path_prefix)
        found.append(SearchPart(folders[number], paths, wanted, made.get(wanted)))
    return SearchPlan(tuple(found), later)


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
    search = planned.search
    # The index reads a page written now from the spare tree; only `check`, which writes
    # nothing, keeps its bytes for it (a site's pages in memory until the index is made).
    keep = task.indexed and search is not None and task.path in search.unmade and entry is None
    return Made(task.path, digest, hits, findings, entry, data if keep else None)


@dataclass(frozen=True)
class SearchIndex:
    """A site's search index as this build has it: its files, the audit's hits in the
    parts made now (scanned while Pagefind made the others), and what went wrong."""

    files: Mapping[str, OutputFile] = field(default_factory=dict)
    hits: Mapping[tuple[str, str], Hits] = field(default_factory=dict)  # by (path, digest)
    problems: tuple[Problem, ...] = ()


def index(planned: PlannedSite, made: Sequence[Made], cache: Cache) -> SearchIndex:
    """The site's search index, made from its own posts and pages (those rendered now,
    and the unchanged ones as the live tree holds them): each part whose pages changed
    made again, the others as the last build made them. Not made when a page failed the
    audit: the build stops; nor in a preview's build asked to leave it for later (the
    site has no index until then: never an old one, which the audit of the new pages
    could not vouch for)."""
    search = planned.search
    if search is None or any(result.findings for result in made):
        return SearchIndex()
    if search.pending:
        return SearchIndex()  # left until the next build makes it (BuildResult.search_pending)
    from splitblog.site.search import SearchError, make_index, placed

    site = planned.prepared.plan.site
    rendered = {m.path: m.html for m in made if m.html is not None}
    written = {m.path for m in made if m.entry is not None}

    def page(path: str) -> bytes:
        if path in rendered:
            return rendered[path]
        # Written into the spare tree by this build, or unchanged in the live one.
        assert planned.trees is not None and planned.patch is not None  # only when writing
        tree = planned.patch.root if path in written else planned.trees.live
        return (tree / path).read_bytes()

    def make(part: SearchPart) -> Mapping[str, bytes]:
        if part.cached is not None:
            return part.cached
        return make_index([(path, page(path)) for path in part.paths], site.path_prefix)

    made_parts: dict[int, Mapping[str, bytes]] = {}  # by the part's place in search.parts
    published: dict[str, OutputFile] = {}
    hits: dict[tuple[str, str], Hits] = {}
    # Each part is Pagefind in a process of its own: threads are enough to keep every core
    # busy, and they see what this process has (no copy, no pickling). This thread audits
    # each part as it comes, while the others are being made.
    pool = ThreadPoolExecutor(workers())
    try:
        running = {pool.submit(make, part): n for n, part in enumerate(search.parts)}
        for done in as_completed(running):
            number = running[done]
            part, made_parts[number] = search.parts[number], done.result()
            for path, data in placed(made_parts[number], part.bundle).items():
                out = published[path] = OutputFile(digest_of(data), data=data)
                if part.cached is None:
                    hits[(path, out.digest)] = planned.auditor.scan(path, data)
    except (SearchError, OSError) as exc:
        return SearchIndex(
            problems=(
                Problem(
                    f"the search index of {site.name} cannot be made: {exc}",
                    hint=f"or set sites.{site.name}.search = false",
                ),
            )
        )
    finally:
        pool.shutdown(cancel_futures=True)  # after a failure, the parts not begun
    cache.put(
        SEARCH,
        planned.cache_key,
        {"parts": {part.key: made_parts[n] for n, part in enumerate(search.parts)}},
    )
    return SearchIndex(dict(sorted(published.items())), hits)


def search_pending(planned: PlannedSite) -> bool:
    """Whether this build left the site's index for the next one to make."""
    return planned.search is not None and planned.search.pending


def conclude(
    planned: PlannedSite,
    made: Sequence[Made],
    cache: Cache,
    searched: SearchIndex | None = None,
) -> AuditedSite:
    """Audit what was not made now (copied files, unchanged pages, the search index: the
    parts made now are scanned already), and remember the pages' keys and the audit's
    hits for the next build."""
    auditor, prepared = planned.auditor, planned.prepared
    problems: list[Problem] = []
    files: dict[str, OutputFile] = {p: OutputFile(d) for p, (_k, d) in planned.kept.items()}
    files.update({path: out for path, (out, _label) in prepared.copies.items()})
    searched = searched or SearchIndex()
    files.update(searched.files)
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
        hits = searched.hits.get((path, out.digest))
        if hits is None:
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
    cache.put(EXPLAINED, planned.cache_key, auditor.explanations())
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
