"""Every file one site's build makes, as tasks: an output path, a key that changes
whenever the file's content could, and a function that makes the bytes.

Built from one SitePlan and that site's finished bodies only. A task whose key matches
the previous build's is not rendered again.
"""

from __future__ import annotations

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
        self._shown: dict[str, tuple[str, ...]] = {}  # entry URL → its tags' names here
        # The series and related posts of the site's own posts: no other site's post is
        # in any count, list or neighbour (site/comforts.py).
        self.series = series_of(plan.posts, self.site.href)
        self.related = Related(plan.posts, self.site.href, related_memo)

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
    def tasks(self) -> list[PageTask]:
        plan = self.plan
        tasks: list[PageTask] = []
        posts = plan.posts
        for i, entry in enumerate(posts):
            newer = posts[i - 1] if i else None
            older = posts[i + 1] if i + 1 < len(posts) else None
            tasks.append(self._post_task(entry, newer, older))
        tasks.extend(self._post_task(entry, None, None) for entry in plan.pages)
        tasks.extend(self._list_task(page, None) for page in plan.home)
        for tag, pages in plan.tag_pages:
            tasks.extend(self._list_task(page, tag) for page in pages)
        tasks.append(self._tags_task())
        tasks.append(self._archive_task())
        tasks.append(
            PageTask(
                "404.html",
                _key(self.site_key, "404"),
                lambda: self.render(
                    "404.html", title=TITLE_404, page_url=self.site.url("404.html")
                ),
            )
        )
        if self.site_view.search_href:
            tasks.append(self._search_task([task.path for task in tasks if task.indexed]))
        tasks.extend(self._feed_tasks())
        tasks.append(self._sitemap_task())
        tasks.append(
            PageTask("robots.txt", _key(self.site_key, "robots"), lambda: feeds.robots(self.site))
        )
        for path, data in host_files(self.site, self.plan.aliases).items():
            tasks.append(PageTask(path, _key(self.site_key, path, data), lambda data=data: data))
        tasks.extend(
            PageTask(a.path, alias_key(self.site, a), lambda a=a: redirect_page(self.site, a))
            for a in self.plan.aliases
            if a.path
        )
        return tasks

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

    def _feed_tasks(self) -> list[PageTask]:
        latest = self.plan.posts[: feeds.FEED_ITEMS]
        key = _key(self.site_key, [self.fp(p) for p in latest])
        makers = {"atom": feeds.atom, "rss": feeds.rss, "json": feeds.json_feed}
        views: list[PostView] = []

        def make(kind: str) -> Callable[[], bytes]:
            def render() -> bytes:
                if not views:
                    views.extend(self.view(p, full=True) for p in latest)
                return makers[kind](self.site, views)

            return render

        tasks = [PageTask(FEED_FILES[k], _key(key, k), make(k)) for k in self.site.feeds]
        return tasks + [self._tag_feed_task(tag) for tag in self.plan.tags if self._tag_feed(tag)]

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
