"""The build: every stage in order — the one entry point `build`, `check`, `serve` and
`deploy` call.

    config → content → routing → markdown → prepare (bodies, links, pages, files)
           → plan → make (render, audit, write into the spare) → conclude → publish

Nothing is written until every site has rendered and passed the audit; then each site
is swapped in whole. A rebuild with nothing changed stops after one walk of the inputs,
so the heavy modules (Markdown, Jinja, YAML, the audit) are imported only past that point.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from splitblog.build.output import build_lock, cache_dir, refuse_foreign, spare_root
from splitblog.build.uptodate import input_fingerprint, next_change, still_current, tree_digests
from splitblog.cache import ENTRIES_MEMO, RECORDS, RESOLVED, SOURCES, STATE, Cache, Namespace
from splitblog.config import Config
from splitblog.content.walk import discover
from splitblog.errors import AuditError, ContentError, Problem, SplitblogError
from splitblog.model import BuildOptions, Source

if TYPE_CHECKING:
    from splitblog.build.sites import SiteReport
    from splitblog.routing.plan import Routing
    from splitblog.site.prepare import ResolvedRows

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Result = TypeVar("Result")


@dataclass(frozen=True)
class BuildResult:
    sites: tuple[SiteReport, ...]
    up_to_date: bool  # nothing had changed: nothing was done
    seconds: float
    routing: Routing | None = field(default=None, repr=False)
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds), for --timings and bench/
    # Each site's output as this build left it (path → content digest), what a deploy
    # publishes and checks every file against; empty on a no-op and for `check`.
    manifests: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    # A `fresh` build of what the no-op check found current: built and audited again,
    # with the same output.
    was_current: bool = False
    # What is built but may not be meant (a Liquid tag published as text, an alias no
    # host serves): printed, and the exit status stays 0.
    warnings: tuple[Problem, ...] = ()
    # Each built site's files: path → digest of its bytes (also when nothing is written:
    # what `check` would have written), for the independence proof (prove/).
    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    # A site's search index was left for the next build (`search_later`, serve's edits).
    search_pending: bool = False


class Stages:
    """The build's view of its own progress: how long each stage took, and how far the
    stages that spread their work over the cores have got (for the progress bars)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.laps: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def lap(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((stage, time.perf_counter() - started))

    def fan_out(self, stage: str) -> Callable[[Callable[[int], Result], int], Iterator[Result]]:
        """parallel.fan_out, reporting to this build's progress under `stage`."""
        from splitblog.parallel import fan_out

        def run(work: Callable[[int], Result], count: int) -> Iterator[Result]:
            report = self.progress
            return fan_out(work, count, (lambda n: report(stage, n, count)) if report else None)

        return run


def open_cache(config: Config, keep: bool = False) -> Cache:
    """The project's build cache; `keep=True` holds it in memory between builds."""
    return Cache(cache_dir(config) / "cache.sqlite", "", keep=keep)


def build(
    config: Config,
    options: BuildOptions | None = None,
    *,
    write: bool = True,
    progress: Progress | None = None,
    cache: Cache | None = None,
    atomic: bool = True,
    force: bool = False,
    fresh: bool = False,
    search_later: bool = False,
) -> BuildResult:
    """Build the selected sites; raise a SplitblogError naming every problem found.

    `write=False` is `check`: the same work, and nothing written anywhere (but the
    output on disk compared with it). `cache`: an open cache to use (and leave open), as
    `serve` keeps one between its rebuilds (and the independence proof does, to reuse
    what `check` rendered; with write=False it is never committed); otherwise the
    project's cache is opened for this build alone. `atomic=False` updates the output in
    place instead of swapping each site in whole (see writer.SiteTrees). `force`: replace
    site folders that hold files splitblog did not write. `fresh`: never the no-op
    shortcut — a deploy audits what it publishes every time, whatever the no-op check
    believes. `search_later`: a changed site's search index is not made (nor published)
    by this build — `serve` shows an edit at once and makes the index in a build of its
    own right after (BuildResult.search_pending says one is needed; it is not a no-op).
    """
    with collector_paused():
        return _build(config, options, write, progress, cache, atomic, force, fresh, search_later)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a build runs. A build makes hundreds of
    thousands of objects that live to its end (sources, plans, bodies, the cache's rows),
    and the collector walked them again and again: a fifth of a build after one edit at
    4,000 posts (bench/RESULTS.md), for next to no garbage — reference counting frees
    what a build drops; the few cycles wait for the first collection after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    config: Config,
    options: BuildOptions | None,
    write: bool,
    progress: Progress | None,
    cache: Cache | None,
    atomic: bool,
    force: bool,
    fresh: bool,
    search_later: bool,
) -> BuildResult:
    started = time.perf_counter()
    options = options or BuildOptions()
    unknown = [s for s in options.sites if s not in config.site_names]
    if unknown:
        raise ContentError(
            Problem(
                f"no site named {', '.join(map(repr, unknown))}",
                hint=f"use one of: {', '.join(config.site_names)}",
            )
        )
    selected = tuple(dict.fromkeys(options.sites)) or config.site_names
    if options.now is None:
        options = replace(options, now=datetime.now(UTC))
    stages = Stages(progress)
    if not write:
        reading = cache or Cache(cache_dir(config) / "cache.sqlite", "", writable=False)
        try:
            sites, routing, outputs = _pipeline(config, options, selected, reading, None, stages)
        finally:
            if reading is not cache:
                reading.close()
        seconds = time.perf_counter() - started
        warned = _warnings(config, routing, selected)
        laps = tuple(stages.laps)
        return BuildResult(sites, False, seconds, routing, laps, warnings=warned, outputs=outputs)
    own_cache = cache is None
    with build_lock(config):
        cache = cache or open_cache(config)
        try:
            state_key = f"{config.output_dir}|{','.join(selected)}"
            fingerprint = input_fingerprint(config, options, selected)
            state = cache.get(STATE, state_key)
            spares = spare_root(config)
            current = state and still_current(state, fingerprint, config, selected, options, spares)
            if current and not fresh:
                return BuildResult((), True, time.perf_counter() - started)
            if atomic:  # a preview writes its own temporary folder: nobody else's files
                refuse_foreign(config, selected, spares, force)
            pending: list[bool] = []
            sites, routing, outputs = _pipeline(
                config, options, selected, cache, spares, stages, not atomic, search_later, pending
            )
            trees = tree_digests(config, selected, spares)
            if any(pending):  # not current: the next build must make the index
                cache.delete(STATE, state_key)
            else:
                cache.put(
                    STATE,
                    state_key,
                    {
                        "fingerprint": fingerprint,
                        "trees": trees,
                        "next_change": next_change(routing.sources, options),
                    },
                )
            with stages.lap("cache"):
                cache.commit()
            seconds = time.perf_counter() - started
            manifests = {r.name: r.manifest for r in sites}
            laps = tuple(stages.laps)
            warned = _warnings(config, routing, selected)
            return BuildResult(
                sites,
                False,
                seconds,
                routing,
                laps,
                manifests,
                bool(current),
                warned,
                outputs,
                search_pending=any(pending),
            )
        finally:
            if own_cache:
                cache.close()


def _pipeline(
    config: Config,
    options: BuildOptions,
    selected: tuple[str, ...],
    cache: Cache,
    spares: Path | None,
    stages: Stages,
    in_place: bool = False,
    search_later: bool = False,
    pending: list[bool] | None = None,
) -> tuple[tuple[SiteReport, ...], Routing, dict[str, dict[str, str]]]:
    from splitblog.build import sites
    from splitblog.content.walk import discover_static
    from splitblog.routing.plan import route, unassigned
    from splitblog.site.files import FileDigests
    from splitblog.site.markdown_store import MarkdownStore
    from splitblog.site.prepare import SiteInputs, prepare

    problems: list[Problem] = []
    concerns: dict[Problem, set[str]] = {}  # the sites each problem is one of

    def of_site(name: str, found: Sequence[Problem]) -> None:
        problems.extend(found)
        for problem in found:
            concerns.setdefault(problem, set()).add(name)

    with stages.lap("content"):
        sources, known = _read_content(config, cache, problems, stages)
        static, found = discover_static(config)
        problems.extend(found)
    problems.extend(unassigned(sources, options))
    with stages.lap("routing"):
        memo = cache.memo(ENTRIES_MEMO)
        routing, collisions = route(config, sources, options, known, memo, static)
    for name in selected:
        of_site(name, collisions[name])
    store = MarkdownStore(cache)
    with stages.lap("markdown"):
        entries = [e for name in selected for e in routing.plans[name].entries]
        store.render_missing(entries, stages.fan_out("markdown"))
    digests = FileDigests(cache)
    site_keys = {name: sites.site_cache_key(config, name) for name in selected}
    records = cache.get_many(RECORDS, site_keys.values())
    resolved = {name: _resolved_rows(cache, key) for name, key in site_keys.items()}
    inputs = SiteInputs(
        config,
        routing.links,
        known - {s.key for s in sources},
        store,
        digests,
        cache_dir(config) if spares is not None else None,
        cache_dir(config) / "photos",
        cache.memo,
        {name: records[key] for name, key in site_keys.items() if key in records},
        resolved,
    )
    with stages.lap("prepare"):
        prepared = [prepare(routing.plans[name], inputs) for name in selected]
    for site in prepared:
        if site.record is not None:
            cache.put(RECORDS, site_keys[site.name], site.record)
        _keep_resolved(cache, site_keys[site.name], resolved[site.name], site.resolved)
    for site in prepared:
        of_site(site.name, site.problems)
    _raise(problems, concerns=concerns)
    with stages.lap("pages"):
        planned = [
            sites.plan(site, config, sources, options, cache, spares, in_place, search_later)
            for site in prepared
        ]
        jobs = [(site, index) for site in planned for index in site.pending]
        results = stages.fan_out("pages")(lambda job: sites.make(*jobs[job]), len(jobs))
        made: dict[str, list[sites.Made]] = {site.prepared.name: [] for site in planned}
        for (site, _index), result in zip(jobs, results, strict=True):
            made[site.prepared.name].append(result)
    with stages.lap("search"):
        searched = {s.prepared.name: sites.index(s, made[s.prepared.name], cache) for s in planned}
    if pending is not None:
        pending.extend(sites.search_pending(s) for s in planned)
    for name, index in searched.items():
        of_site(name, index.problems)
    with stages.lap("audit"):
        audited = [
            sites.conclude(site, made[site.prepared.name], cache, searched[site.prepared.name])
            for site in planned
        ]
    for site in audited:
        of_site(site.planned.prepared.name, site.problems)
    if spares is None:  # check: the output on disk is what a deploy would publish
        from splitblog.build.stale import stale_output

        for site in audited:
            of_site(site.planned.prepared.name, stale_output(config, site))
    _raise(problems, AuditError, concerns)
    outputs = {
        site.planned.prepared.name: {path: out.digest for path, out in site.files.items()}
        for site in audited
    }
    reports: list[SiteReport] = []
    if spares is not None:
        with stages.lap("write"):
            reports = [sites.publish(site) for site in audited]
            digests.save()
    return tuple(reports), routing, outputs


# The row of a site's resolved bodies that holds what they all depend on (no entry's URL
# holds a NUL).
SHARED = "\x00shared"


def _resolved_rows(cache: Cache, site_key: str) -> ResolvedRows:
    """A site's bodies as the last build resolved them: one row per entry, so that an
    edit rewrites one row (site/prepare._bodies)."""
    from splitblog.site.prepare import ResolvedRows

    rows = cache.get_all(RESOLVED.within(site_key))
    return ResolvedRows(rows.pop(SHARED, None), rows)


def _keep_resolved(cache: Cache, site_key: str, before: ResolvedRows, now: ResolvedRows) -> None:
    """Write the rows that changed since the last build, delete those of entries gone."""
    space = RESOLVED.within(site_key)
    if now.shared is not before.shared:
        cache.put(space, SHARED, now.shared)
    for url, row in now.rows.items():
        if before.rows.get(url) is not row:
            cache.put(space, url, row)
    for gone in before.rows.keys() - now.rows.keys():
        cache.delete(space, gone)


def sources_space(config: Config) -> Namespace:
    """Where the cache keeps a project's Sources: one row per content file, by its stamp
    (a Source depends on the file and on these settings alone)."""
    salt = repr(
        (config.site_names, config.default_audience, config.timezone, str(config.content_dir))
    )
    return SOURCES.within(hashlib.blake2b(salt.encode(), digest_size=8).hexdigest())


def _read_content(
    config: Config, cache: Cache, problems: list[Problem], stages: Stages
) -> tuple[list[Source], frozenset[str]]:
    """Sources for every content file, reusing unchanged ones from the cache."""
    from splitblog.content.sources import read_or_problems

    files, found = discover(config)
    problems.extend(found)
    space = sources_space(config)
    known = cache.get_all(space)  # one row per file: a changed file rewrites its row only
    by_key: dict[str, Source] = {
        f.key: known[f.key][1] for f in files if f.key in known and known[f.key][0] == f.stamp
    }
    unread = [f for f in files if f.key not in by_key]
    read = stages.fan_out("content")(lambda i: read_or_problems(unread[i], config), len(unread))
    for file, result in zip(unread, read, strict=True):
        if isinstance(result, tuple):
            problems.extend(result)
        else:
            by_key[file.key] = result
            cache.put(space, file.key, (file.stamp, result))
    for gone in known.keys() - {f.key for f in files}:
        cache.delete(space, gone)
    sources = [by_key[f.key] for f in files if f.key in by_key]
    return sources, frozenset(f.key for f in files)


def _warnings(config: Config, routing: Routing, selected: Sequence[str]) -> tuple[Problem, ...]:
    from splitblog.routing.plan import warnings

    return tuple(warnings(config, routing, selected))


def _raise(
    problems: list[Problem],
    kind: type[SplitblogError] = ContentError,
    concerns: Mapping[Problem, set[str]] | None = None,
) -> None:
    if problems:
        unique = dict.fromkeys(problems)
        error = kind(sorted(unique, key=lambda p: (p.path or "~", p.line or 0, p.message)))
        # Which sites each problem is one of, for a preview that shows each port only
        # its own site's problems; a problem absent here is of no one site (the content
        # readers', which run before routing knows whose a file is).
        error.sites = {p: frozenset(s) for p, s in (concerns or {}).items()}  # type: ignore[attr-defined]
        raise error


def problem_sites(error: SplitblogError) -> Mapping[Problem, frozenset[str]]:
    """The sites each of a build error's problems is one of (see _raise)."""
    return getattr(error, "sites", {})
