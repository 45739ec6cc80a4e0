"""`splitblog list` and `splitblog explain`: where each post goes, and why.

Worked out by the build's own stages — config → content → routing → links/markdown —
never by a second reading of the rules: a cell of `list` is routing's URL or routing's
reason, a link's verdict in `explain` is what links.resolve tells the build. Plain data
out (terminal/tables.py shows it), nothing written.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from splitblog.config import Config, SiteConfig
from splitblog.content.only import all_shown
from splitblog.content.walk import discover
from splitblog.errors import ContentError, Problem
from splitblog.model import BuildOptions, Entry, Override, Source
from splitblog.routing.links import Ref, Resolution, resolve, target_key
from splitblog.routing.plan import Routing, route
from splitblog.site.cleaning import PHOTOS, expected
from splitblog.site.markdown import MarkdownRenderer


@dataclass(frozen=True)
class Project:
    """The sources and routing of a project, as a build would make them."""

    config: Config
    sources: tuple[Source, ...]
    routing: Routing
    problems: tuple[Problem, ...]  # files that could not be read
    broken: frozenset[str]  # their keys


def read_project(config: Config, options: BuildOptions) -> Project:
    from splitblog.content.sources import read_or_problems

    files, problems = discover(config)
    sources: list[Source] = []
    for file in files:
        result = read_or_problems(file, config)
        if isinstance(result, Source):
            sources.append(result)
        else:
            problems.extend(result)
    known = frozenset(f.key for f in files)
    routing, _collisions = route(config, sources, options, known)
    broken = known - {s.key for s in sources}
    return Project(config, tuple(sources), routing, tuple(problems), broken)


def entry_of(project: Project, source: Source, site: str) -> Entry | None:
    plan = project.routing.plans[site]
    return next((e for e in plan.entries if e.source.key == source.key), None)


# -- list ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    url: str | None  # root-relative URL on the site, when it publishes the source
    reason: str | None  # else why not: draft, future, audience, only-block empty


@dataclass(frozen=True)
class Row:
    rel: str  # the file, as messages name it
    kind: str  # post or page
    title: str
    cells: tuple[Cell, ...]  # one per site, in the configuration's order


@dataclass(frozen=True)
class Listing:
    sites: tuple[str, ...]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]


def listing(config: Config, options: BuildOptions) -> Listing:
    """Every post (oldest file name first) and page against every site."""
    project = read_project(config, options)
    urls = project.routing.links.urls
    reasons = project.routing.reasons
    rows = []
    ordered = sorted(project.sources, key=lambda s: (s.kind != "post", s.key))
    for source in ordered:
        cells = []
        for site in config.sites:
            url = urls.get(source.key, {}).get(site.name)
            if url is not None:
                cells.append(Cell(site.href(url), None))
            else:
                cells.append(Cell(None, reasons.get(source.key, {}).get(site.name, "audience")))
        rows.append(Row(source.rel, source.kind, source.title, tuple(cells)))
    return Listing(config.site_names, tuple(rows), project.problems)


# -- explain -------------------------------------------------------------------------------
NOT_HERE = "absent"  # the post is not on the site: its links are not judged there
HIDDEN = "hidden"  # the link is in a `::: only` block for other sites


@dataclass(frozen=True)
class Placement:
    site: str
    url: str | None  # absolute URL on the site
    reason: str | None  # why not, when it is not there
    title: str | None  # the title the site shows
    override: Override | None


@dataclass(frozen=True)
class Verdict:
    site: str
    kind: str  # local | allow | strip | deny | error | absent | hidden
    detail: str  # the URL, or the message


@dataclass(frozen=True)
class LinkReport:
    target: str  # as written
    line: int
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class FileReport:
    name: str  # relative to the bundle
    copies: tuple[tuple[str, str], ...]  # (site, what happens to the file there)
    used: bool  # some site copies it


@dataclass(frozen=True)
class Explanation:
    source: Source
    placements: tuple[Placement, ...]
    links: tuple[LinkReport, ...]
    files: tuple[FileReport, ...]


def find_source(config: Config, path: str, project: Project) -> Source:
    """The source a command-line path names: relative to here, to the project or to
    content/; a bundle's folder means its index.md."""
    candidates = [Path(path), config.root / path, config.content_dir / path]
    for candidate in candidates:
        if not candidate.exists():
            continue
        file = candidate / "index.md" if candidate.is_dir() else candidate
        try:
            key = file.resolve().relative_to(config.content_dir).as_posix()
        except ValueError:
            continue
        for source in project.sources:
            if source.key == key:
                return source
        bad = [p for p in project.problems if p.path == config.rel(config.content_dir / key)]
        if bad:
            raise ContentError(bad)
    exists = any(c.exists() for c in candidates)
    raise ContentError(
        Problem(
            f"{'not a post or page' if exists else 'no such file'}: {path}",
            hint="give a .md file under content/posts or content/pages (or a bundle's folder)",
        )
    )


def explain(config: Config, options: BuildOptions, path: str) -> Explanation:
    project = read_project(config, options)
    source = find_source(config, path, project)
    placements = []
    entries: dict[str, Entry] = {}
    for site in config.sites:
        entry = entry_of(project, source, site.name)
        if entry is not None:
            entries[site.name] = entry
        placements.append(
            Placement(
                site.name,
                site.url(entry.url) if entry else None,
                None if entry else project.routing.reasons[source.key][site.name],
                entry.title if entry else None,
                source.override_for(site.name),
            )
        )
    renderer = MarkdownRenderer()
    refs = {site: renderer.render(e.source, e.text, e.summary).refs for site, e in entries.items()}
    every = renderer.render(source, all_shown(source), source.summary).refs
    links = _links(project, source, entries, refs, every)
    files = _files(config, source, entries, refs)
    return Explanation(source, tuple(placements), links, files)


def _links(
    project: Project,
    source: Source,
    entries: dict[str, Entry],
    refs: dict[str, Sequence[Ref]],
    every: Sequence[Ref],
) -> tuple[LinkReport, ...]:
    config = project.config
    found: dict[tuple[int, str], Ref] = {}
    for ref in [*every, *(r for site_refs in refs.values() for r in site_refs)]:
        if ref.kind == "md":
            found.setdefault((ref.line, ref.target), ref)
    reports = []
    for (line, target), ref in sorted(found.items()):
        verdicts = []
        for site in config.sites:
            if site.name not in entries:
                verdicts.append(Verdict(site.name, NOT_HERE, "the post is not on this site"))
            elif not any((r.line, r.target) == (line, target) for r in refs[site.name]):
                verdicts.append(Verdict(site.name, HIDDEN, "in a ::: only block for other sites"))
            else:
                verdicts.append(_verdict(project, source, site, ref))
        reports.append(LinkReport(target, line, tuple(verdicts)))
    return tuple(reports)


def _verdict(project: Project, source: Source, site: SiteConfig, ref: Ref) -> Verdict:
    outcome = resolve(ref, source, site, project.config, project.routing.links)
    if isinstance(outcome, Resolution):
        return Verdict(site.name, outcome.kind, outcome.url)
    key = target_key(ref.key, project.routing.links)
    if key in project.broken:
        return Verdict(site.name, "error", "the target has errors of its own")
    kind = "deny" if "denied by" in outcome.message else "error"
    hint = f" — {outcome.hint}" if outcome.hint else ""
    return Verdict(site.name, kind, outcome.message + hint)


def _files(
    config: Config, source: Source, entries: dict[str, Entry], refs: dict[str, Sequence[Ref]]
) -> tuple[FileReport, ...]:
    reports = []
    for name in source.assets:
        copies = []
        for site in config.sites:
            if site.name not in entries:
                copies.append((site.name, "not copied: the post is not on this site"))
            elif not any(r.kind == "file" and r.key == name for r in refs[site.name]):
                copies.append((site.name, "not copied: its page here does not use it"))
            else:
                copies.append((site.name, _copied(name, site)))
        used = any(what.startswith("copied") for _site, what in copies)
        reports.append(FileReport(name, tuple(copies), used))
    return tuple(reports)


def _copied(name: str, site: SiteConfig) -> str:
    """What the build does with a bundle file a page of the site uses, by its name (the
    build itself goes by the file's content, and refuses a name that lies about it)."""
    said = expected(name)
    if said in PHOTOS:
        if site.keep_image_metadata:
            return "copied with its metadata (keep_image_metadata)"
        return "copied, metadata removed (orientation kept)"
    if said in ("svg", "svgz", "pdf", "ooxml", "odf"):
        return "copied, metadata removed"
    if said in ("text", "font"):
        return "copied as is (nothing to clean)"
    if any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in site.publish_as_is):
        return "copied as is (publish_as_is)"
    return "refused unless publish_as_is names it: splitblog cannot clean this kind"
