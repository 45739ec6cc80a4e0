"""What readers of a blog expect around a post: a table of contents, the reading time,
the post's place in its series, related posts.

Each is made from one site's plan and that site's rendered bodies: the table of contents
from the headings the site's own rendering has (another site's `::: only` blocks were
blanked before the parse, so their headings are nowhere to be found), the series and the
related posts from the site's own posts — a post that is only on another site is in no
count, no list and no prev/next here.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from splitblog.content.slugs import tag_slug
from splitblog.errors import Problem
from splitblog.model import Entry
from splitblog.site.views import Link, TocItem

WORDS_PER_MINUTE = 220  # a common figure for reading on a screen
RELATED_POSTS = 3
MIN_TOC = 2  # a table of contents of one heading helps nobody
TAG = re.compile(r"<[^>]+>")
# Front-matter keys read here, with what they must be.
KEYS = {"toc": bool, "comments": bool, "series": str}
KINDS = {bool: "true or false", str: "text"}


@dataclass(frozen=True)
class SeriesPart:
    title: str
    href: str
    current: bool


@dataclass(frozen=True)
class SeriesView:
    """A post's place in its series, on this site."""

    name: str
    number: int  # 1-based
    count: int
    parts: tuple[SeriesPart, ...]  # oldest first
    prev: Link | None
    next: Link | None


# -- front matter -----------------------------------------------------------------------
def front_matter_problems(entry: Entry) -> list[Problem]:
    """`toc`, `comments` and `series` of the wrong kind, named by file and line."""
    source = entry.source
    override = source.override_for(entry.site)
    places = [(source.extra, "", None)]
    if override is not None:
        places.append((override.extra, f"{entry.site}.", entry.site))
    problems = []
    for extra, where, line_key in places:
        for key, value in extra:
            kind = KEYS.get(key)
            if kind is None or (isinstance(value, kind) and (kind is bool or value.strip())):
                continue
            problems.append(
                Problem(
                    f"{where}{key} must be {KINDS[kind]}, not {value!r}",
                    path=source.rel,
                    line=source.line_of(line_key or key),
                    hint=f'write {key}: "Name of the series"'
                    if kind is str
                    else f"write {key}: true or {key}: false",
                )
            )
    return problems


def _setting(entry: Entry, key: str) -> object:
    value = dict(entry.extra).get(key)
    return value if isinstance(value, KEYS[key]) else None


# -- table of contents and reading time --------------------------------------------------
def wants_toc(site_toc: bool, entry: Entry) -> bool:
    chosen = _setting(entry, "toc")
    return site_toc if chosen is None else bool(chosen)


def table_of_contents(headings: Sequence[tuple[int, str, str]]) -> tuple[TocItem, ...]:
    """The body's two top levels of headings, the second nested under the first."""
    if len(headings) < MIN_TOC:
        return ()
    top = min(level for level, _id, _text in headings)
    items: list[tuple[TocItem, list[TocItem]]] = []
    for level, ident, text in headings:
        item = TocItem(text, f"#{ident}")
        if level == top or not items:
            items.append((item, []))
        elif level == top + 1:
            items[-1][1].append(item)
    return tuple(TocItem(i.title, i.href, tuple(children)) for i, children in items)


def reading_minutes(markup: str) -> int:
    """Minutes to read a rendered body, at least one."""
    words = len(html.unescape(TAG.sub(" ", markup)).split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


# -- series and related posts ---------------------------------------------------------------
def series_of(posts: Sequence[Entry], href: Callable[[str], str]) -> dict[str, SeriesView]:
    """Each of the site's posts that is in a series → its place there (by its URL)."""
    members: dict[str, list[Entry]] = {}
    for post in posts:
        name = _setting(post, "series")
        if isinstance(name, str) and name.strip():
            members.setdefault(" ".join(name.split()).casefold(), []).append(post)
    found: dict[str, SeriesView] = {}
    for group in members.values():
        if len(group) < 2:  # a series of one (here) is no series yet
            continue
        group.sort(key=lambda e: (e.date.timestamp() if e.date else 0.0, e.url))
        name = " ".join(str(_setting(group[0], "series")).split())
        for index, post in enumerate(group):
            parts = tuple(SeriesPart(p.title, href(p.url), p is post) for p in group)
            prev = group[index - 1] if index else None
            nxt = group[index + 1] if index + 1 < len(group) else None
            found[post.url] = SeriesView(
                name,
                index + 1,
                len(group),
                parts,
                Link(prev.title, href(prev.url)) if prev else None,
                Link(nxt.title, href(nxt.url)) if nxt else None,
            )
    return found


class Related:
    """The site's posts that share the most tags with a post (newest first among equals).

    `memo`: a dict a long-lived process (serve) passes to every build of the site; the
    lists are kept while no post's address, title or tags changed, so an edit of a
    post's text does not work out every post's related posts again."""

    def __init__(
        self, posts: Sequence[Entry], href: Callable[[str], str], memo: dict | None = None
    ):
        self.posts = posts  # newest first
        self.href = href
        memo = memo if memo is not None else {}
        signature = (href("/"), tuple((post.url, post.title, post.tags) for post in posts))
        if memo.get("signature") != signature:
            memo.update(signature=signature, lists={})
        self.lists: dict[tuple[str, int], tuple[Link, ...]] = memo["lists"]
        self._by_tag: dict[str, list[int]] | None = None
        self._position: dict[str, int] = {}

    def of(self, entry: Entry, limit: int = RELATED_POSTS) -> tuple[Link, ...]:
        key = (entry.url, limit)
        if key not in self.lists:
            self.lists[key] = self._related(entry, limit)
        return self.lists[key]

    def _related(self, entry: Entry, limit: int) -> tuple[Link, ...]:
        if self._by_tag is None:
            self._by_tag = {}
            for index, post in enumerate(self.posts):
                self._position[post.url] = index
                for slug in _slugs(post.tags):
                    self._by_tag.setdefault(slug, []).append(index)
        lists = [self._by_tag.get(slug, ()) for slug in _slugs(entry.tags)]
        # Counted in the posts' order, so that most_common (stable) keeps the newer of
        # two posts sharing as many tags first.
        shared = Counter(sorted(chain.from_iterable(lists)))
        shared.pop(self._position.get(entry.url, -1), None)
        best = [index for index, _count in shared.most_common(limit)]
        return tuple(Link(self.posts[i].title, self.href(self.posts[i].url)) for i in best)


def _slugs(tags: Iterable[str]) -> set[str]:
    return {tag_slug(tag) for tag in tags}
