"""The plain data that flows between the stages. No I/O here."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

POLICIES = ("deny", "strip", "allow")
FEED_KINDS = ("atom", "rss", "json")
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}


@dataclass(frozen=True)
class Author:
    name: str = ""
    email: str = ""
    avatar: str = ""  # a file, relative to the project folder
    bio: str = ""

    @property
    def avatar_name(self) -> str:
        """The avatar's file name on the site (it is copied to the site's root)."""
        return Path(self.avatar).name if self.avatar else ""


@dataclass(frozen=True)
class DeployConfig:
    target: str
    host: str | None = None
    max_deletes: int = 50
    endpoint_url: str | None = None
    region: str | None = None
    cache_control: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    name: str
    title: str
    base_url: str  # always ends with "/"
    theme: str
    language: str = "en"
    description: str = ""
    author: Author = field(default_factory=Author)
    feeds: tuple[str, ...] = FEED_KINDS
    posts_per_page: int = 10
    noindex: bool = False
    forbid: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (other site, policy); unlisted means "deny"
    keep_image_metadata: bool = False
    deploy: DeployConfig | None = None

    def policy_toward(self, other: str) -> str:
        return dict(self.links).get(other, "deny")

    @functools.cached_property  # asked for every URL of every page
    def path_prefix(self) -> str:
        """The URL path the site lives under: "/" or, for https://x.github.io/blog/, "/blog/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, rel: str) -> str:
        """Absolute URL of a site-relative path such as "posts/x/"."""
        return self.base_url + rel

    def href(self, rel: str) -> str:
        """Root-relative URL of a site-relative path, as pages link to it."""
        return self.path_prefix + rel


@dataclass(frozen=True)
class Config:
    path: Path  # the configuration file
    root: Path  # the project folder (the configuration file's folder)
    content_dir: Path
    output_dir: Path
    sites: tuple[SiteConfig, ...]
    default_audience: str | None = None
    timezone: str = "UTC"

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sites)

    def site(self, name: str) -> SiteConfig:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def rel(self, path: Path) -> str:
        """A path as messages show it: relative to the project folder when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class Override:
    """What one site shows differently for a post (front matter `<site>: {...}`)."""

    title: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] | None = None
    slug: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()


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

    @property
    def output_path(self) -> str:
        return self.url + "index.html"

    @property
    def date(self) -> datetime | None:
        return self.source.date


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

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.posts + self.pages


@dataclass(frozen=True)
class BuildOptions:
    sites: tuple[str, ...] = ()  # empty: every site
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # "now" for future posts; None: the clock
