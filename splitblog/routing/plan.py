"""Sources × sites → one SitePlan per site. The only place that sees every post beside
every site: the audience partition is decided here, once, and nothing after this stage
filters again — each later stage receives one site's plan and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from splitblog.config import Config, SiteConfig
from splitblog.config.schema import PERMALINKS
from splitblog.content.only import view
from splitblog.content.slugs import folder_slug, tag_identity, tag_slug
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Entry, ListPage, SitePlan, Source, TagPlan
from splitblog.routing.addresses import aliases_of, permalink
from splitblog.writer import is_safe_relpath

# Why a source is not on a site, as `splitblog list` shows it.
DRAFT, FUTURE, AUDIENCE, EMPTY = "draft", "future", "audience", "only-block empty"
EXPIRED, NO_AUDIENCE = "expired", "no audience"
StaticFiles = Mapping[str | None, Sequence[tuple[str, Path]]]


@dataclass(frozen=True)
class LinkIndex:
    """What links may know of other posts: where each is published, never what it is."""

    urls: dict[str, dict[str, str]]  # source key → site → site-relative URL
    known: frozenset[str]  # every source key, published or not


@dataclass(frozen=True)
class Routing:
    sources: tuple[Source, ...]
    plans: dict[str, SitePlan]
    links: LinkIndex
    reasons: dict[str, dict[str, str]]  # source key → site → why it is not there


def route(
    config: Config,
    sources: Sequence[Source],
    options: BuildOptions,
    known: frozenset[str] = frozenset(),
    memo: dict[tuple[str, str, str], Entry] | None = None,
    static: StaticFiles | None = None,
) -> tuple[Routing, dict[str, list[Problem]]]:
    """Decide, for every site, what it publishes and where; report URL collisions (by
    site). `known`: every content file found, also those that could not be read.
    `memo`: entries by (site, file, digest), kept by a process that builds again and
    again (serve) so that an edit makes one entry, not all of them. `static`: the files
    of static/ by the site they are for (None: every site)."""
    static = static or {}
    memo = memo if memo is not None else {}
    used: set[tuple[str, str, str]] = set()
    now = options.now or datetime.now(UTC)
    problems: dict[str, list[Problem]] = {}
    plans: dict[str, SitePlan] = {}
    urls: dict[str, dict[str, str]] = {}
    reasons: dict[str, dict[str, str]] = {}
    for site in config.sites:
        posts: list[Entry] = []
        pages: list[Entry] = []
        for source in sources:
            reason = _exclusion(source, site.name, options, now)
            entry = None
            if not reason:
                # The addresses are the site's configuration's: part of the entry's key.
                ident = (f"{site.name}\x1f{site.permalinks!r}", source.key, source.digest)
                used.add(ident)
                if ident not in memo:
                    memo[ident] = _addressed(_entry(source, site.name), site)
                entry = memo[ident]
                if entry.text is not source.body and view(source, site.name).empty:
                    # Emptied by `::: only` blocks (the text is the body itself when it
                    # has none): what is left is blank, or the markers of a list or quote.
                    reason = EMPTY
            if reason or entry is None:
                reasons.setdefault(source.key, {})[site.name] = reason or AUDIENCE
                continue
            (posts if source.kind == "post" else pages).append(entry)
            urls.setdefault(source.key, {})[site.name] = entry.url
        posts.sort(key=_newest_first)
        pages.sort(key=lambda e: e.url)
        files = (*static.get(None, ()), *static.get(site.name, ()))
        plan = _plan(site, tuple(posts), tuple(pages), tuple(files))
        problems[site.name] = [
            *tag_collisions(site.name, posts),
            *find_collisions(site.name, claims(plan)),
            # static/x and static/<site>/x: two files for one path (the copies would keep
            # one silently); against the pages, prepare checks them with the other copies.
            *find_collisions(site.name, ((p, config.rel(f)) for p, f in files)),
        ]
        plans[site.name] = plan
    for stale in memo.keys() - used:  # edited or gone since the last build
        del memo[stale]
    index = LinkIndex(urls=urls, known=known | {s.key for s in sources})
    return Routing(tuple(sources), plans, index, reasons), problems


def _exclusion(source: Source, site: str, options: BuildOptions, now: datetime) -> str | None:
    if source.no_audience:
        return NO_AUDIENCE
    if site not in source.audience:
        return AUDIENCE
    if source.draft and not options.drafts:
        return DRAFT
    if source.date is not None and source.date > now and not options.future:
        return FUTURE
    if source.expires is not None and source.expires <= now:
        return EXPIRED
    return None


def unassigned(sources: Sequence[Source], options: BuildOptions) -> list[Problem]:
    """A post or page with no audience (an import leaves them so) stops the build until
    it is tagged: one line each. A draft stops only a build that would publish it."""
    return [
        Problem(
            "audience is missing and the configuration sets no default_audience",
            path=source.rel,
            line=1,
            hint="add audience: with a site's name (or a list, or all)",
        )
        for source in sources
        if source.no_audience and (options.drafts or not source.draft)
    ]


def _entry(source: Source, site: str) -> Entry:
    override = source.override_for(site)
    slug = (override and override.slug) or source.slug
    url = address(source, slug, None)
    tags = override.tags if override and override.tags is not None else source.tags
    aliases = source.aliases + (override.aliases if override else ())
    return Entry(
        source=source,
        site=site,
        title=(override and override.title) or source.title,
        slug=slug,
        url=url,
        text=site_text(source, site),
        summary=(override and override.summary) or source.summary,
        tags=tags,
        extra=source.extra + (override.extra if override else ()),
        aliases=tuple(dict.fromkeys(aliases)),
    )


def address(source: Source, slug: str, site: SiteConfig | None) -> str:
    """The site-relative URL of a source on a site (None: by the default patterns)."""
    patterns = site or _DEFAULT_SITE
    if source.key.endswith("/_index.md"):  # Hugo's section page: the section's address
        folder = folder_slug(source.key.removeprefix("pages/").rpartition("/")[0])
        return f"{folder}/" if folder else ""
    if source.kind == "post":
        return permalink(patterns.permalink("post"), slug, source.date, "")
    folder = source.key.removeprefix("pages/").rpartition("/")[0]  # pages/work/cv.md → work/
    if source.bundle:
        folder = folder.rpartition("/")[0]
    folder = folder_slug(folder)
    return permalink(patterns.permalink("page"), slug, source.date, f"{folder}/" if folder else "")


def _addressed(entry: Entry, site: SiteConfig) -> Entry:
    """The entry at the address the site's permalinks give it."""
    if site.permalinks == PERMALINKS:
        return entry
    return replace(entry, url=address(entry.source, entry.slug, site))


_DEFAULT_SITE = SiteConfig(name="-")


def site_text(source: Source, site: str) -> str:
    """The body as `site` shows it: the parse's blocks for other sites blanked (see
    content/only.py for why blanked text rather than filtered tokens)."""
    shown = view(source, site)
    return shown.text if shown.has_blocks else source.body


def _newest_first(entry: Entry) -> tuple[float, str]:
    assert entry.date is not None
    return (-entry.date.timestamp(), entry.url)


def _plan(
    site: SiteConfig,
    posts: tuple[Entry, ...],
    pages: tuple[Entry, ...],
    static: tuple[tuple[str, Path], ...] = (),
) -> SitePlan:
    by_slug: dict[str, tuple[str, list[Entry]]] = {}
    for post in posts:
        slugs = {tag_slug(tag): tag for tag in reversed(post.tags)}  # "Go" and "go": one tag
        for slug, tag in slugs.items():
            by_slug.setdefault(slug, (tag, []))[1].append(post)
    tags = tuple(
        TagPlan(name=name, slug=slug, url=f"tags/{slug}/", posts=tuple(members))
        for slug, (name, members) in sorted(by_slug.items())
    )
    years: dict[int, list[Entry]] = {}
    for post in posts:
        assert post.date is not None
        years.setdefault(post.date.year, []).append(post)
    return SitePlan(
        site=site,
        posts=posts,
        pages=pages,
        tags=tags,
        home=paginate("", posts, site.posts_per_page),
        tag_pages=tuple((tag, paginate(tag.url, tag.posts, site.posts_per_page)) for tag in tags),
        years=tuple(sorted(((y, tuple(p)) for y, p in years.items()), reverse=True)),
        aliases=tuple(alias for entry in (*posts, *pages) for alias in aliases_of(entry)),
        static=static,
    )


def paginate(base: str, posts: Sequence[Entry], per_page: int) -> tuple[ListPage, ...]:
    """`base`, `base`page/2/, …: always at least one page, even with no posts."""
    chunks = [tuple(posts[i : i + per_page]) for i in range(0, len(posts), per_page)] or [()]
    urls = [base if n == 1 else f"{base}page/{n}/" for n in range(1, len(chunks) + 1)]
    return tuple(
        ListPage(
            url=urls[i],
            number=i + 1,
            count=len(chunks),
            posts=chunk,
            prev_url=urls[i - 1] if i else None,
            next_url=urls[i + 1] if i + 1 < len(chunks) else None,
        )
        for i, chunk in enumerate(chunks)
    )


def claims(plan: SitePlan) -> Iterable[tuple[str, str]]:
    """(output path, who writes it) for every page the plan makes."""
    for entry in plan.entries:
        yield entry.output_path, entry.source.rel
    for page in plan.home:
        yield page.output_path, "the home page" if page.number == 1 else "the home page list"
    yield "tags/index.html", "the tag index"
    for tag, pages in plan.tag_pages:
        for page in pages:
            yield page.output_path, f"the page of tag '{tag.name}'"
    yield "archive/index.html", "the archive"
    for alias in plan.aliases:
        if alias.path:
            yield alias.path, f"the alias '{alias.address}' of {alias.owner}"


def tag_collisions(site: str, posts: Sequence[Entry]) -> list[Problem]:
    """Tags that are not one tag ("café" and "cafe") but would share one address: never
    merged silently — the site would list one tag's posts under the other's name."""
    first: dict[str, dict[str, Entry]] = {}  # slug → identity → the first post using it
    for post in posts:
        for tag in post.tags:
            first.setdefault(tag_slug(tag), {}).setdefault(tag_identity(tag), post)
    problems = []
    for slug, owners in first.items():
        if len(owners) < 2:
            continue
        names = [next(t for t in p.tags if tag_identity(t) == i) for i, p in owners.items()]
        files = [p.source for p in owners.values()]
        problems.append(
            Problem(
                f"tags {' and '.join(repr(n) for n in names)} would share the address "
                f"/tags/{slug}/ on {site} (used by {', '.join(f.rel for f in files[1:])} too)",
                path=files[0].rel,
                line=files[0].line_of("tags"),
                hint="write them the same if they are one tag, or rename one",
            )
        )
    return problems


def find_collisions(site: str, claimed: Iterable[tuple[str, str]]) -> list[Problem]:
    """Two writers of one output path, or of paths that differ only by letter case (they
    collide on case-insensitive disks and hosts), or a path that leaves the site folder."""
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    for path, owner in claimed:
        if not is_safe_relpath(path):
            named = "/" in owner and " " not in owner  # a file, or "the alias … of a file"
            problems.append(
                Problem(
                    f"output path '{path}' would leave the {site} site's folder"
                    + ("" if named else f" ({owner})"),
                    path=owner if named else None,
                    hint="use a plain slug" if named else "write the address it had",
                )
            )
            continue
        folded = path.casefold()
        if folded in seen:
            other_path, other = seen[folded]
            same = "the same" if other_path == path else "nearly the same (letter case only)"
            alias = "the alias " in owner or "the alias " in other
            problems.append(
                Problem(
                    f"{owner} and {other} both write {same} output path on {site}: "
                    f"{'/' + path if other_path == path else f'/{other_path} vs /{path}'}",
                    path=owner if "/" in owner and " " not in owner else None,
                    hint="remove the alias, or give the other page another slug"
                    if alias
                    else "give one of them another slug",
                )
            )
        else:
            seen[folded] = (path, owner)
    return problems


def warnings(config: Config, routing: Routing, selected: Sequence[str]) -> list[Problem]:
    """What the build makes but the user may not mean: the sources' own warnings (a
    Liquid tag, another generator's key), and once per site the aliases its host cannot
    serve (a query string, `/feed.php`: only a host's redirect file serves those)."""
    found = [
        Problem(message, path=source.rel, line=line, hint=hint)
        for source in routing.sources
        for line, message, hint in source.warnings
    ]
    for name in selected:
        plan = routing.plans[name]
        site = plan.site
        host = site.deploy.host if site.deploy else None
        queries = host == "netlify"
        unserved = [
            a.address
            for a in plan.aliases
            if a.host_only
            and not (host in ("netlify", "cloudflare-pages") and (queries or "?" not in a.address))
        ]
        if unserved:
            shown = ", ".join(unserved[:3]) + (
                f" and {len(unserved) - 3} more" if len(unserved) > 3 else ""
            )
            found.append(
                Problem(
                    f"{len(unserved)} alias{'es' * (len(unserved) != 1)} of the {name} site "
                    f"cannot be served by a page ({shown}): only a host's redirect file can",
                    key=f"sites.{name}.deploy.host",
                    hint='set host = "netlify" to serve them from its _redirects file',
                )
            )
    return found
