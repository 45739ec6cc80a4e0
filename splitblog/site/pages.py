"""Every file one site's build makes, as tasks: an output path, a key that changes
whenever the file's content could, and a function that makes the bytes.

Built from one SitePlan and that site's finished bodies only. A task whose key matches
the previous build's is not rendered again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from markupsafe import Markup

from splitblog.config import FEED_FILES, Config
from splitblog.content.slugs import tag_slug
from splitblog.model import Entry, ListPage, SitePlan, TagPlan
from splitblog.site import feeds, search
from splitblog.site.aliases import MOVED, alias_key, redirect_page
from splitblog.site.bodies import Body
from splitblog.site.comforts import (
    Related,
    SeriesView,
    reading_minutes,
    series_of,
    table_of_contents,
    wants_toc,
)
from splitblog.site.hosts import host_files
from splitblog.site.persona import post_comments
from splitblog.site.photos import SitePhotos, share_card
from splitblog.site.templates import render_template, site_fragments
from splitblog.site.views import EMPTY, FEED_TYPES, FeedLink, Link, PostView, SiteView, plain_text

# The titles splitblog gives the pages it makes (the audit reads them as the site's own
# text: a tag named "Archive" is no leak on a site that has an archive page).
TITLE_404 = "Page not found"
TITLE_TAGS = "Tags"
TITLE_ARCHIVE = "Archive"
TITLE_SEARCH = "Search"
TAGGED = "Tagged “{}”"
TAG_FEED = "atom.xml"  # each tag's own feed, tags/<slug>/atom.xml (when the site has Atom)
GENERATED_TITLES = (TITLE_404, TITLE_TAGS, TITLE_ARCHIVE, TITLE_SEARCH, TAGGED.format(""), MOVED)


@dataclass(frozen=True)
class PageTask:
    path: str
    key: str
    render: Callable[[], bytes]
    indexed: bool = False  # a post or page: what the site's search index holds


# How to make one page from the site's plan: ("post", 3) is its fourth post's page,
# ("tag", 2, 0) the first page of its third tag's list … (SitePages.recipes).
Recipe = tuple
FULL, CARD = 0, 1  # how a page shows an entry: all of it, or its card (a list's item)
Read = tuple[str, int]  # (entry URL, FULL or CARD)


@dataclass(frozen=True)
class PageRecord:
    """The dependency record of one site's pages: which entries each page read, and the
    key it had, under the site's shape (SitePages.shape) as it was then.

    An edit of a post's text changes its body's fingerprints (marks) and nothing of the
    shape: the pages to work out again are then the readers of what changed, found
    here, rather than every page's key worked out and compared."""

    shape: tuple
    marks: Mapping[str, tuple[str, str]]  # entry URL → (fingerprint, card fingerprint)
    recipes: tuple[Recipe, ...]  # the pages, in task order
    paths: tuple[str, ...]
    keys: tuple[str, ...]
    indexed: frozenset[int]  # positions of the pages the search index holds
    readers: Mapping[Read, tuple[int, ...]]  # what an entry's change reaches


def _entry_shape(entry: Entry) -> tuple:
    """All of an entry but its text: what a page may show of it besides its body."""
    source = entry.source
    return (
        entry.url,
        entry.title,
        entry.slug,
        entry.summary,
        entry.tags,
        entry.extra,
        entry.aliases,
        source.kind,
        source.key,
        source.date,
        source.updated,
        source.tags,
        source.summary,
        source.canonical,
        source.overrides,
        source.extra,
        source.bundle,
        source.assets,
        source.aliases,
    )


def _list_shape(page: ListPage) -> tuple:
    posts = tuple(p.url for p in page.posts)
    return (page.url, page.number, page.count, page.prev_url, page.next_url, posts)


def _key(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class SitePages:
    """The pages, feeds, sitemap and robots.txt of one site."""

    def __init__(
        self,
        config: Config,
        plan: SitePlan,
        bodies: Mapping[str, Body],  # by entry URL
        site_view: SiteView,
        env: Callable[[], jinja2.Environment],
        site_key: str,
        photos: SitePhotos | None = None,
        related_memo: dict | None = None,
    ):
        self.config = config
        self.plan = plan
        self.site = plan.site
        self.bodies = bodies
        self.site_view = site_view
        self._env = env
        self.site_key = site_key
        self.photos = photos or SitePhotos({})
        self.tags_by_slug = {tag.slug: tag for tag in plan.tags}
        self._views: dict[tuple[str, bool | str], PostView] = {}
        self._chrome: Any = None
        self._latest: list[PostView] | None = None  # the feeds' posts, in full
        self._shown: dict[str, tuple[str, ...]] = {}  # entry URL → its tags' names here
        # The series and related posts of the site's own posts: no other site's post is
        # in any count, list or neighbour (site/comforts.py).
        self.related = Related(plan.posts, self.site.href, related_memo)

    @functools.cached_property
    def series(self) -> dict[str, SeriesView]:
        return series_of(self.plan.posts, self.site.href)

    @functools.cached_property
    def hosts(self) -> dict[str, bytes]:
        """The static hosts' own files (redirects, headers): path → bytes."""
        return host_files(self.site, self.plan.aliases)

    # -- views ---------------------------------------------------------------------------
    def view(self, entry: Entry, full: bool) -> PostView:
        """A post as templates see it. Its card view is made once (a post is in many
        lists); the full one, with the whole post, each time (its page and the few feeds
        that hold it): kept, it filled each worker with every post it had rendered."""
        if full:
            return self._make_view(entry, full)
        key = (entry.url, full)
        if key not in self._views:
            self._views[key] = self._make_view(entry, full)
        return self._views[key]

    def _make_view(self, entry: Entry, full: bool) -> PostView:
        body = self.bodies[entry.url]
        source = entry.source
        content = body.html if full else ""
        toc = ()
        if full and wants_toc(self.site.toc, entry):
            toc = table_of_contents(body.rendered.headings)
        view = PostView(
            kind=source.kind,
            title=entry.title,
            href=self.site.href(entry.url),
            url=self.site.url(entry.url),
            date=source.date,
            updated=source.updated,
            tags=tuple(Link(t.name, self.site.href(t.url)) for t in self._tags_of(entry)),
            summary=Markup(body.summary),
            description=plain_text(body.summary),
            content=Markup(content) if full else EMPTY,
            canonical=body.canonical,
            extra=dict(entry.extra),
            toc=toc,
            minutes=reading_minutes(content) if full else 0,
            **share_card(self.site, body, self.photos),
        )
        return view

    def listed(self, entry: Entry) -> PostView:
        """The post as list pages show it, its card (card.html) rendered once per build
        and reused on every list the post appears on."""
        key = (entry.url, "card")
        if key not in self._views:
            view = self.view(entry, full=False)
            card = Markup(self._render_text("card.html", post=view))
            self._views[key] = replace(view, card=card)
        return self._views[key]

    def _tags_of(self, entry: Entry) -> list[TagPlan]:
        slugs = dict.fromkeys(tag_slug(t) for t in entry.tags)
        return [self.tags_by_slug[s] for s in slugs if s in self.tags_by_slug]

    def fp(self, entry: Entry) -> str:
        """Changes with anything of the post a page could show (its own page, feeds)."""
        return _key(self.bodies[entry.url].fingerprint, self._shown_tags(entry))

    def card_fp(self, entry: Entry) -> str:
        """Changes with what lists show of the post — not with its text below the summary."""
        return _key(self.bodies[entry.url].card_fingerprint, self._shown_tags(entry))

    def _shown_tags(self, entry: Entry) -> tuple[str, ...]:
        # A tag is shown by the name the site's plan gives it, which the newest post
        # spelling it decides: another post's edit can change what this post's pages show.
        if entry.url not in self._shown:
            self._shown[entry.url] = tuple(tag.name for tag in self._tags_of(entry))
        return self._shown[entry.url]

    @property
    def chrome(self) -> Any:
        """The site-wide fragments (_site.html), rendered once per site and build."""
        if self._chrome is None:
            self._chrome = site_fragments(self._env(), self.site_view, self.config)
        return self._chrome

    def _render_text(self, template: str, **context: Any) -> str:
        page = {
            "site": self.site_view,
            "chrome": self.chrome,
            "description": self.site.description,
            "canonical": "",
            **context,
        }
        return render_template(self._env(), template, page, self.config)

    def render(self, template: str, **context: Any) -> bytes:
        return self._render_text(template, **context).encode()

    # -- tasks ---------------------------------------------------------------------------
    def recipes(self) -> list[Recipe]:
        """Every file of the site, in order, as how to make it from the plan."""
        plan = self.plan
        recipes: list[Recipe] = [("post", i) for i in range(len(plan.posts))]
        recipes += [("page", i) for i in range(len(plan.pages))]
        recipes += [("home", i) for i in range(len(plan.home))]
        recipes += [
            ("tag", t, i)
            for t, (_tag, pages) in enumerate(plan.tag_pages)
            for i in range(len(pages))
        ]
        recipes += [("tags",), ("archive",), ("404",)]
        if self.site_view.search_href:
            recipes.append(("search",))
        recipes += [("feed", kind) for kind in self.site.feeds]
        recipes += [("tag feed", t) for t, tag in enumerate(plan.tags) if self._tag_feed(tag)]
        recipes += [("sitemap",), ("robots",)]
        recipes += [("host", path) for path in self.hosts]
        recipes += [("alias", i) for i, alias in enumerate(plan.aliases) if alias.path]
        return recipes

    def make(self, recipe: Recipe) -> PageTask:
        """The page a recipe names: its path, its key, and how to render it."""
        plan, what = self.plan, recipe[0]
        if what == "post":
            posts, i = plan.posts, recipe[1]
            newer = posts[i - 1] if i else None
            older = posts[i + 1] if i + 1 < len(posts) else None
            return self._post_task(posts[i], newer, older)
        if what == "page":
            return self._post_task(plan.pages[recipe[1]], None, None)
        if what == "home":
            return self._list_task(plan.home[recipe[1]], None)
        if what == "tag":
            tag, pages = plan.tag_pages[recipe[1]]
            return self._list_task(pages[recipe[2]], tag)
        if what == "tags":
            return self._tags_task()
        if what == "archive":
            return self._archive_task()
        if what == "404":
            return PageTask(
                "404.html",
                _key(self.site_key, "404"),
                lambda: self.render(
                    "404.html", title=TITLE_404, page_url=self.site.url("404.html")
                ),
            )
        if what == "search":
            return self._search_task([e.output_path for e in plan.entries])
        if what == "feed":
            return self._feed_task(recipe[1])
        if what == "tag feed":
            return self._tag_feed_task(plan.tags[recipe[1]])
        if what == "sitemap":
            return self._sitemap_task()
        if what == "robots":
            return PageTask(
                "robots.txt", _key(self.site_key, "robots"), lambda: feeds.robots(self.site)
            )
        if what == "host":
            path = recipe[1]
            data = self.hosts[path]
            return PageTask(path, _key(self.site_key, path, data), lambda: data)
        alias = plan.aliases[recipe[1]]
        return PageTask(
            alias.path, alias_key(self.site, alias), lambda: redirect_page(self.site, alias)
        )

    def reads(self, recipe: Recipe) -> tuple[Read, ...]:
        """The entries a page shows (in full, or as cards): what an edit of a post's text
        changes. All else a page shows comes from the site's shape (see `shape`)."""
        plan, what = self.plan, recipe[0]
        if what in ("post", "page"):
            entry = (plan.posts if what == "post" else plan.pages)[recipe[1]]
            return ((entry.url, FULL),)
        if what in ("home", "tag"):
            page = (
                plan.home[recipe[1]] if what == "home" else plan.tag_pages[recipe[1]][1][recipe[2]]
            )
            return tuple((p.url, CARD) for p in page.posts)
        if what == "archive":
            return tuple((p.url, CARD) for p in plan.posts)
        if what == "feed":
            return tuple((p.url, FULL) for p in plan.posts[: feeds.FEED_ITEMS])
        if what == "tag feed":
            return tuple((p.url, FULL) for p in plan.tags[recipe[1]].posts[: feeds.FEED_ITEMS])
        return ()

    def shape(self) -> tuple:
        """Everything the site's pages show but the entries' own text: the site and its
        templates (site_key), every entry's front matter and address, and the lists the
        plan makes of them. While it holds, an edit changes only the pages that read the
        edited entries (PageRecord)."""
        plan = self.plan
        return (
            self.site_key,
            tuple(_entry_shape(e) for e in plan.entries),
            tuple((t.name, t.slug, t.url, tuple(p.url for p in t.posts)) for t in plan.tags),
            tuple(_list_shape(page) for page in plan.home),
            tuple((t.slug, tuple(map(_list_shape, pages))) for t, pages in plan.tag_pages),
            tuple((year, tuple(p.url for p in posts)) for year, posts in plan.years),
            plan.aliases,
        )

    def tasks(self) -> list[PageTask]:
        """Every page as a task, each key worked out."""
        return self.tasks_since(None)[0]

    def tasks_since(self, record: PageRecord | None) -> tuple[list[PageTask], PageRecord]:
        """Every page as a task, and the dependency record of this build's pages.

        Without a record, or when the site's shape changed since it was made, every
        page's key is worked out. With one, only the pages that read an entry whose text
        changed are: the others keep the key the record holds, and are made again only
        if their file must be rendered after all (it is missing from the output)."""
        shape = self.shape()
        marks = {url: (b.fingerprint, b.card_fingerprint) for url, b in self.bodies.items()}
        if record is None or record.shape != shape:
            recipes = self.recipes()
            tasks = [self.make(recipe) for recipe in recipes]
            readers: dict[Read, list[int]] = {}
            for position, recipe in enumerate(recipes):
                for read in self.reads(recipe):
                    readers.setdefault(read, []).append(position)
            record = PageRecord(
                shape,
                marks,
                tuple(recipes),
                tuple(t.path for t in tasks),
                tuple(t.key for t in tasks),
                frozenset(i for i, t in enumerate(tasks) if t.indexed),
                {read: tuple(positions) for read, positions in readers.items()},
            )
            return tasks, record
        affected: set[int] = set()
        for url, mark in marks.items():
            before = record.marks.get(url)
            for grade in (FULL, CARD):
                if before is None or before[grade] != mark[grade]:
                    affected.update(record.readers.get((url, grade), ()))
        keys = list(record.keys)
        tasks = []
        for position, (recipe, path) in enumerate(zip(record.recipes, record.paths, strict=True)):
            if position in affected:
                task = self.make(recipe)
                keys[position] = task.key
            else:
                render = functools.partial(self._render_recipe, recipe)
                task = PageTask(path, keys[position], render, position in record.indexed)
            tasks.append(task)
        return tasks, replace(record, marks=marks, keys=tuple(keys))

    def _render_recipe(self, recipe: Recipe) -> bytes:
        return self.make(recipe).render()

    def _neighbour(self, entry: Entry | None) -> Link | None:
        return Link(entry.title, self.site.href(entry.url)) if entry else None

    def _post_task(self, entry: Entry, newer: Entry | None, older: Entry | None) -> PageTask:
        template = "post.html" if entry.source.kind == "post" else "page.html"
        prev, nxt = self._neighbour(older), self._neighbour(newer)
        series = self.series.get(entry.url) if entry.source.kind == "post" else None
        related = self.related.of(entry) if entry.source.kind == "post" else ()
        comments = post_comments(
            self.site_view.comments, self.site, entry.source.kind, entry.title, dict(entry.extra)
        )
        key = _key(self.site_key, template, self.fp(entry), prev, nxt, series, related, comments)

        def render() -> bytes:
            view = self.view(entry, full=True)
            return self.render(
                template,
                post=view,
                page=view,
                prev=prev,
                next=nxt,
                title=view.title,
                page_url=view.url,
                description=view.description,
                canonical=view.canonical,
                series=series,
                related=related,
                comments=comments,
            )

        return PageTask(entry.output_path, key, render, indexed=True)

    def _search_task(self, indexed: list[str]) -> PageTask:
        """The search page: Pagefind's UI over the site's own index (site/search.py),
        its first part, merging the others."""
        found = search.bundles(search.parts(indexed))
        merged = [self.site.href(folder) for folder in list(found.values())[1:]]
        return PageTask(
            "search/index.html",
            _key(self.site_key, "search", merged),
            lambda: self.render(
                "search.html",
                title=TITLE_SEARCH,
                page_url=self.site.url("search/"),
                search_parts=[{"bundlePath": href} for href in merged],
            ),
        )

    def _list_task(self, page: ListPage, tag: TagPlan | None) -> PageTask:
        key = _key(
            self.site_key,
            "list",
            page.url,
            page.number,
            page.count,
            [self.card_fp(p) for p in page.posts],
            tag.name if tag else None,
        )
        feed = self._tag_feed_link(tag)

        def render() -> bytes:
            title = TAGGED.format(tag.name) if tag else self.site.title
            return self.render(
                "list.html",
                posts=[self.listed(p) for p in page.posts],
                pager=_pager(self.site.href, page),
                tag=Link(tag.name, self.site.href(tag.url)) if tag else None,
                tag_feed=feed,
                title=title,
                page_url=self.site.url(page.url),
            )

        return PageTask(page.output_path, key, render)

    def _tags_task(self) -> PageTask:
        tags = [(t.name, self.site.href(t.url), len(t.posts)) for t in self.plan.tags]
        key = _key(self.site_key, "tags", tags)
        return PageTask(
            "tags/index.html",
            key,
            lambda: self.render(
                "tags.html",
                tags=[TagLink(n, h, c) for n, h, c in tags],
                title=TITLE_TAGS,
                page_url=self.site.url("tags/"),
            ),
        )

    def _archive_task(self) -> PageTask:
        key = _key(
            self.site_key,
            "archive",
            [(y, [self.card_fp(p) for p in ps]) for y, ps in self.plan.years],
        )

        def render() -> bytes:
            years = [
                (year, [self.view(p, full=False) for p in posts]) for year, posts in self.plan.years
            ]
            return self.render(
                "archive.html", years=years, title=TITLE_ARCHIVE, page_url=self.site.url("archive/")
            )

        return PageTask("archive/index.html", key, render)

    def _feed_task(self, kind: str) -> PageTask:
        latest = self.plan.posts[: feeds.FEED_ITEMS]
        key = _key(_key(self.site_key, [self.fp(p) for p in latest]), kind)
        makers = {"atom": feeds.atom, "rss": feeds.rss, "json": feeds.json_feed}

        def render() -> bytes:
            if self._latest is None:  # the site's feeds show the same posts: made once
                self._latest = [self.view(p, full=True) for p in latest]
            return makers[kind](self.site, self._latest)

        return PageTask(FEED_FILES[kind], key, render)

    # -- each tag's own feed -------------------------------------------------------------
    def _tag_feed(self, tag: TagPlan | None) -> str | None:
        """The tag's feed path: its own Atom feed, when the site publishes Atom."""
        return f"{tag.url}{TAG_FEED}" if tag is not None and "atom" in self.site.feeds else None

    def _tag_feed_title(self, tag: TagPlan) -> str:
        return f"{self.site.title}: {TAGGED.format(tag.name)}"

    def _tag_feed_link(self, tag: TagPlan | None) -> FeedLink | None:
        path = self._tag_feed(tag)
        if path is None or tag is None:
            return None
        return FeedLink("atom", self._tag_feed_title(tag), self.site.href(path), FEED_TYPES["atom"])

    def _tag_feed_task(self, tag: TagPlan) -> PageTask:
        path = self._tag_feed(tag)
        assert path is not None
        latest = tag.posts[: feeds.FEED_ITEMS]
        key = _key(self.site_key, "tag feed", tag.name, [self.fp(p) for p in latest])

        def render() -> bytes:
            views = [self.view(p, full=True) for p in latest]
            return feeds.atom(
                self.site, views, path=path, title=self._tag_feed_title(tag), home=tag.url
            )

        return PageTask(path, key, render)

    def _sitemap_task(self) -> PageTask:
        site = self.site
        pages = [(site.url(""), self.plan.posts[0].date if self.plan.posts else None)]
        pages += [(site.url(e.url), e.source.updated or e.source.date) for e in self.plan.entries]
        pages += [(site.url("tags/"), None), (site.url("archive/"), None)]
        pages += [(site.url(t.url), t.posts[0].date if t.posts else None) for t in self.plan.tags]
        return PageTask(
            "sitemap.xml", _key(self.site_key, "sitemap", pages), lambda: feeds.sitemap(site, pages)
        )


@dataclass(frozen=True)
class TagLink:
    name: str
    href: str
    count: int


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    prev: str | None
    next: str | None


def _pager(href: Callable[[str], str], page: ListPage) -> Pager:
    return Pager(
        page.number,
        page.count,
        href(page.prev_url) if page.prev_url is not None else None,
        href(page.next_url) if page.next_url is not None else None,
    )


def menu_links(plan: SitePlan) -> tuple[Link, ...]:
    return tuple(Link(p.title, plan.site.href(p.url)) for p in plan.pages)
