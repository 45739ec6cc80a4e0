"""The first phase of one site's build: everything it will publish, worked out from its
plan — bodies with their links resolved, the pages to make, the files to copy.

Receives that site's plan and, of the other sites, only the link index. Returns a frozen
`PreparedSite` that the build renders, audits and writes; nothing here touches the output.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache as memoize
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from splitblog import __version__
from splitblog.cache import RELATED_MEMO
from splitblog.config import FEED_FILES, Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import Entry, SitePlan
from splitblog.routing.links import allowed_sites
from splitblog.routing.plan import LinkIndex, claims, find_collisions
from splitblog.site.bodies import Body, finish
from splitblog.site.comforts import front_matter_problems
from splitblog.site.files import Copier, FileDigests, Wanted, copy_all
from splitblog.site.hosts import host_files
from splitblog.site.markdown_store import MarkdownStore
from splitblog.site.pages import PageRecord, PageTask, SitePages, menu_links
from splitblog.site.photos import PublishedPhotos, SitePhotos, publish_photos
from splitblog.site.templates import environment
from splitblog.site.views import site_view
from splitblog.theming import static_files, templates_digest
from splitblog.writer import OutputFile


@dataclass(frozen=True)
class SiteInputs:
    """What every site's preparation shares: the configuration, the crossings routing
    allows (the link index), and the build's stores of rendered Markdown and digests."""

    config: Config
    links: LinkIndex
    broken: frozenset[str]  # content files with errors of their own (links to them: said)
    store: MarkdownStore
    digests: FileDigests
    cache_folder: Path | None  # .splitblog/, for compiled templates and cleaned photos;
    # None when nothing may be written (check)
    photo_cache: Path | None = None  # .splitblog/photos/: read by check too, written by builds
    # The build's memos (Cache.memo): what a long-lived process (serve) may reuse from
    # one build of a site to the next; a fresh dict each time otherwise.
    memo: Callable[[str, str], dict] = lambda _name, _variant: {}
    # Each site's pages' dependency record, as the last build left it (site/pages.py).
    records: Mapping[str, PageRecord] = field(default_factory=dict)
    # Each site's bodies as the last build resolved them (see _bodies).
    resolved: Mapping[str, ResolvedRows] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedSite:
    plan: SitePlan
    pages: SitePages | None  # None when the bodies already failed
    tasks: tuple[PageTask, ...]
    copies: Mapping[str, tuple[OutputFile, str]]  # output path → (file, what it is)
    problems: tuple[Problem, ...]
    record: PageRecord | None  # what each page read, for the next build (site/pages.py)
    resolved: ResolvedRows  # the bodies as resolved, for the next build

    @property
    def name(self) -> str:
        return self.plan.site.name


def prepare(plan: SitePlan, inputs: SiteInputs) -> PreparedSite:
    site, config = plan.site, inputs.config
    bodies, problems, resolved = _bodies(plan, inputs)
    if problems:  # pages would show stripped links: stop before anything else
        return PreparedSite(plan, None, (), {}, tuple(problems), None, resolved)
    photos = _photos(plan, bodies, inputs)
    problems.extend(photos.problems)
    bodies = {url: _with_photos(site, body, photos.photos) for url, body in bodies.items()}
    view = site_view(site, menu_links(plan), allowed_sites(site, config))
    if not plan.entries:  # nothing to search: no search page, no box, no index
        view = replace(view, search_href="")
    site_key = hashlib.blake2b(
        repr((__version__, site, view, templates_digest(config.root, site.theme))).encode(),
        digest_size=16,
    ).hexdigest()
    environment = memoize(_environment(inputs, plan))
    related = inputs.memo(RELATED_MEMO, site.name)
    pages = SitePages(config, plan, bodies, view, environment, site_key, photos.photos, related)
    # With the last build's record of what each page read, an edit of a post's text
    # works out again only the pages that show that post.
    made, record = pages.tasks_since(inputs.records.get(site.name))
    tasks = tuple(made)
    copies, copy_problems = _copies(plan, bodies, inputs, photos.handled)
    copies.update(photos.files)
    problems.extend(copy_problems)
    # Routing has checked the entries' paths against each other, naming both files; here
    # each path is claimed once, by its file where it has one, so a collision is not
    # reported a second time without a file.
    owners = {e.output_path: e.source.rel for e in plan.entries}
    owners |= {a.path: f"the alias '{a.address}' of {a.owner}" for a in plan.aliases if a.path}
    claimed = [
        (p, owners.get(p, "a page splitblog makes")) for p in dict.fromkeys(t.path for t in tasks)
    ]
    claimed += [(path, label) for path, (_out, label) in copies.items()]
    problems.extend(find_collisions(site.name, claimed))
    return PreparedSite(plan, pages, tasks, copies, tuple(problems), record, resolved)


class Resolved(NamedTuple):
    """What resolving one entry's references for a site gave (site/bodies.finish), as
    the cache keeps it for the next build."""

    ident: tuple  # what of the entry it was resolved from (_resolved_from)
    markdown: str  # the markdown key of the text resolved
    resolutions: tuple
    files: tuple[str, ...]
    canonical: str
    fingerprint: str
    card_fingerprint: str
    problems: tuple[Problem, ...]


def _bodies(
    plan: SitePlan, inputs: SiteInputs
) -> tuple[dict[str, Body], list[Problem], ResolvedRows]:
    """Each entry's body with its references resolved for the site, and what its links
    and front matter get wrong. A body depends on its entry, its rendered Markdown and
    what the whole build shares (the site, the configuration, the link index, the files
    the site serves): while those are the same, the body resolved by the last build is
    kept (inputs.resolved, from the cache), and an edit resolves the edited post's links
    alone. Returns the rows the cache is to keep for the next build as well."""
    site, config = plan.site, inputs.config
    paths = frozenset(site_paths(plan, config))
    served = functools.partial(is_served, site, paths)
    shared = (site, config, inputs.links, inputs.broken, paths)
    last_build = inputs.resolved.get(site.name) or ResolvedRows(None, {})
    before: Mapping[str, Resolved] = {}
    if last_build.shared == shared:
        shared, before = last_build.shared, last_build.rows  # the same: not written again
    rows: dict[str, Resolved] = {}
    problems: list[Problem] = []
    bodies: dict[str, Body] = {}
    for entry in plan.entries:
        markdown = inputs.store.key(entry)
        load_html = functools.partial(inputs.store.html, entry)
        ident = _resolved_from(entry)
        last = before.get(entry.url)
        if last and last.ident == ident and last.markdown == markdown:
            row = last
            body = Body(
                entry,
                inputs.store.get(entry),
                row.resolutions,
                row.files,
                row.canonical,
                row.fingerprint,
                row.card_fingerprint,
                load_html,
            )
        else:
            body, found = finish(
                entry,
                inputs.store.get(entry),
                site,
                config,
                inputs.links,
                inputs.broken,
                lambda entry, name: site.href(entry.folder + name),
                load_html,
                served,
            )
            found = (*found, *front_matter_problems(entry))  # toc, comments, series
            row = Resolved(
                ident,
                markdown,
                body.resolutions,
                body.files,
                body.canonical,
                body.fingerprint,
                body.card_fingerprint,
                found,
            )
        rows[entry.url] = row
        bodies[entry.url] = body
        problems.extend(row.problems)
    return bodies, problems, ResolvedRows(shared, rows)


def _resolved_from(entry: Entry) -> tuple:
    """What of an entry its resolution reads besides its Markdown and the build's shared
    inputs: its file (by digest) and what this site makes of it."""
    source = entry.source
    return (
        source.key,
        source.digest,
        source.assets,
        entry.url,
        entry.title,
        entry.tags,
        entry.extra,
    )


@dataclass(frozen=True)
class ResolvedRows:
    """A site's resolved bodies, as one build leaves them for the next: valid while what
    the whole build shares (`shared`) is the same."""

    shared: tuple | None
    rows: Mapping[str, Resolved]  # entry URL → what resolving it gave


def _environment(inputs: SiteInputs, plan: SitePlan):  # type: ignore[no-untyped-def]
    def make():  # type: ignore[no-untyped-def]
        jinja_cache = inputs.cache_folder / "jinja" if inputs.cache_folder else None
        if jinja_cache:
            jinja_cache.mkdir(parents=True, exist_ok=True)
        return environment(inputs.config, plan.site, jinja_cache)

    return make


def _bundle_files(plan: SitePlan, bodies: Mapping[str, Body], inputs: SiteInputs) -> list[Wanted]:
    config, keep = inputs.config, plan.site.keep_image_metadata
    wanted = []
    for body in bodies.values():
        entry: Entry = body.entry
        for name in body.files:
            file = config.content_dir / entry.source.bundle / name  # type: ignore[operator]
            wanted.append(
                Wanted(entry.folder + name, file, config.rel(file), entry.source.rel, keep)
            )
    return wanted


def _photos(plan: SitePlan, bodies: Mapping[str, Body], inputs: SiteInputs) -> PublishedPhotos:
    """The site's photos at web size (site/photos.py), made before any page is rendered:
    the pages show their widths and sizes."""
    return publish_photos(
        plan.site,
        _bundle_files(plan, bodies, inputs),
        inputs.digests,
        inputs.photo_cache,
        write_cache=inputs.cache_folder is not None,
    )


def _with_photos(site: SiteConfig, body: Body, photos: SitePhotos) -> Body:
    """The body showing the site's photos; its fingerprints change with its photos'."""
    hrefs = [site.href(body.entry.folder + name) for name in body.files]
    if not photos.by_href or not any(h in photos.by_href for h in hrefs):
        return body.but(photos=photos)
    mark = photos.fingerprint(hrefs)
    return replace(
        body,
        photos=photos,
        fingerprint=_mixed(body.fingerprint, mark),
        card_fingerprint=_mixed(body.card_fingerprint, mark),
    )


def _mixed(fingerprint: str, mark: str) -> str:
    return hashlib.blake2b(f"{fingerprint}|{mark}".encode(), digest_size=16).hexdigest()


def _copies(
    plan: SitePlan,
    bodies: Mapping[str, Body],
    inputs: SiteInputs,
    done: frozenset[str] = frozenset(),
) -> tuple[dict[str, tuple[OutputFile, str]], list[Problem]]:
    """The theme's static files, the avatar, and the bundle files the site's pages use
    (but the photos published at web size alone: `done`)."""
    site, config = plan.site, inputs.config
    keep = site.keep_image_metadata
    image_dir = inputs.cache_folder / "images" if inputs.cache_folder else None
    wanted = [
        Wanted(path, source, config.rel(source), keep_metadata=keep)
        for path, source in static_files(config.root, site.theme).items()
    ]
    if site.author.avatar:
        avatar = config.root / site.author.avatar
        key = f"sites.{site.name}.author.avatar"
        wanted.append(Wanted(site.author.avatar_name, avatar, config.rel(avatar), key, keep))
    wanted += [want for want in _bundle_files(plan, bodies, inputs) if want.out_path not in done]
    for path, file in plan.static:  # static/ and static/<site>/: every one is published
        wanted.append(Wanted(path, file, config.rel(file), keep_metadata=keep))
    copier = Copier(inputs.digests, image_dir, site.publish_as_is, site.name)
    files, problems = copy_all(copier, wanted)
    # Two files for one path (a static/ file named like the theme's stylesheet or the
    # avatar): the copies would keep one silently. Said, naming both.
    problems += find_collisions(site.name, ((w.out_path, w.label) for w in wanted))
    return files, problems


def site_paths(plan: SitePlan, config: Config) -> Iterator[str]:
    """Every file the site will hold (but its posts' bundle files, which it copies only
    where a page uses them): what a root-relative address may lead to."""
    site = plan.site
    yield from (path for path, _owner in claims(plan))
    yield from (FEED_FILES[kind] for kind in site.feeds)
    yield from ("sitemap.xml", "robots.txt", "404.html")
    yield from host_files(site, plan.aliases)
    yield from static_files(config.root, site.theme)
    yield from (path for path, _file in plan.static)
    if site.author.avatar:
        yield site.author.avatar_name


def is_served(site: SiteConfig, paths: frozenset[str], address: str) -> bool:
    """Whether a root-relative address of the site leads to one of its files (as a
    static host serves them: `x/` and `x` by `x/index.html`), or to a path the site says
    something else serves (`links.external_paths`)."""
    path = unquote(urlsplit(address).path)
    if any(path.startswith(prefix) for prefix in site.external_paths):
        return True
    rel = path.removeprefix(site.path_prefix) if path != site.path_prefix.rstrip("/") else ""
    if rel in ("", "index.html"):
        return True
    folder = rel if rel.endswith("/") else rel + "/"
    return rel in paths or folder + "index.html" in paths
