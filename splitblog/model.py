"""The plain data that flows between the stages. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from splitblog.config.schema import SiteConfig


@dataclass(frozen=True)
class Override:
    """What one site shows differently for a post (front matter `<site>: {...}`)."""

    title: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] | None = None
    slug: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    aliases: tuple[str, ...] = ()  # added to the post's own on that site


@dataclass(frozen=True)
class OnlyBlock:
    """One `::: only` block, as the Markdown parse found it (content/only.py)."""

    sites: frozenset[str]
    first: int  # 0-based line of the body: the opening `::: only` line
    last: int  # the closing `:::` line
    # (line, first character, end of line) of the body: what the block's lines hold
    # inside the containers around the block (a list item's marker, a quote's `>` stay)
    spans: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class OnlyParse:
    """What the parse of a body found: its blocks, and the lines that look like a block's
    fence but are not one (0-based line, what is wrong, what to do)."""

    body: str  # the text parsed: a parse is used only for the body it was made from
    blocks: tuple[OnlyBlock, ...] = ()
    problems: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class Source:
    """A post or page as read from content/, before any site is considered."""

    kind: Literal["post", "page"]
    key: str  # path below content/, e.g. "posts/2026-01-02-q3.md": the identity links use
    rel: str  # path as messages show it, e.g. "content/posts/2026-01-02-q3.md"
    title: str
    slug: str
    audience: frozenset[str]
    body: str
    body_line: int  # the file's line number of the body's first line
    digest: str  # hash of the file's bytes and of the time zone its dates are read in
    date: datetime | None = None
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    draft: bool = False
    canonical: str | None = None
    overrides: tuple[tuple[str, Override], ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    bundle: str | None = None  # the bundle folder below content/, for index.md bundles
    assets: tuple[str, ...] = ()  # the bundle's other files, relative to the bundle folder
    lines: tuple[tuple[str, int], ...] = ()  # front-matter key -> line, for messages
    only: OnlyParse | None = None  # the body's `::: only` blocks (content/only.py)
    aliases: tuple[str, ...] = ()  # old addresses, root-relative ("/2009/10/old.html")
    expires: datetime | None = None  # off every site after this moment (expiryDate)
    # No audience written and no default_audience: on no site, and the build refuses it
    # (an imported post waits there until it is tagged; nothing guesses who it is for).
    no_audience: bool = False
    # What is published but probably not meant as written (a Liquid tag, a key only
    # another generator reads): said as warnings, never an error.
    warnings: tuple[tuple[int, str, str], ...] = ()  # (line, message, hint)

    def line_of(self, key: str) -> int | None:
        return dict(self.lines).get(key)

    def override_for(self, site: str) -> Override | None:
        return dict(self.overrides).get(site)

    @property
    def folder(self) -> str:
        """The folder below content/ that relative links are resolved against."""
        return self.key.rpartition("/")[0]


@dataclass(frozen=True)
class Entry:
    """A post or page as one site publishes it: overrides applied, URL chosen."""

    source: Source
    site: str
    title: str
    slug: str
    url: str  # site-relative, e.g. "posts/q3/" ("" is the home page)
    text: str  # the body with this site's `::: only` blocks applied
    summary: str | None
    tags: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...]
    aliases: tuple[str, ...] = ()  # site-relative old addresses (see routing.plan)

    @property
    def output_path(self) -> str:
        return output_path(self.url)

    @property
    def folder(self) -> str:
        """Where the post's bundle files go: its URL, or for a `….html` URL the folder
        named like the file (`2009/10/old.html` → `2009/10/old/`), so two posts of one
        month never share their files' folder."""
        if self.url.endswith("/") or not self.url:
            return self.url
        return self.url.rpartition(".")[0] + "/"

    @property
    def date(self) -> datetime | None:
        return self.source.date


def output_path(url: str) -> str:
    """The file a site-relative URL is served from: `x/` → `x/index.html`; a URL that
    names a file (a permalink ending in `.html`) is that file."""
    return url if url and not url.endswith("/") else url + "index.html"


@dataclass(frozen=True)
class Alias:
    """One old address of a post on one site: a redirect to its new URL."""

    address: str  # as written, e.g. "/2009/10/old.html" or "/?p=123"
    path: str  # the output file of its redirect page ("" for a query-string alias)
    target: str  # the post's site-relative URL
    title: str  # the post's title on the site
    owner: str  # the post's file, for messages
    host_only: bool = (
        False  # a query string or a non-page file: only a host redirect file serves it
    )


@dataclass(frozen=True)
class TagPlan:
    name: str
    slug: str
    url: str
    posts: tuple[Entry, ...]


@dataclass(frozen=True)
class ListPage:
    """One page of a paginated list (the home page, a tag)."""

    url: str
    number: int
    count: int
    posts: tuple[Entry, ...]
    prev_url: str | None
    next_url: str | None

    @property
    def output_path(self) -> str:
        return self.url + "index.html"


@dataclass(frozen=True)
class SitePlan:
    """Everything one site publishes. Stages after routing see nothing else."""

    site: SiteConfig
    posts: tuple[Entry, ...]  # newest first
    pages: tuple[Entry, ...]
    tags: tuple[TagPlan, ...]
    home: tuple[ListPage, ...]
    tag_pages: tuple[tuple[TagPlan, tuple[ListPage, ...]], ...]
    years: tuple[tuple[int, tuple[Entry, ...]], ...]  # newest year first
    aliases: tuple[Alias, ...] = ()  # the redirects of the site's own posts only
    # static/ and static/<this site>/: (output path, file), routing's partition of them
    static: tuple[tuple[str, Path], ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.posts + self.pages


@dataclass(frozen=True)
class BuildOptions:
    sites: tuple[str, ...] = ()  # empty: every site
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # "now" for future posts; None: the clock
