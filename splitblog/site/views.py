"""What templates see: small frozen views built from one site's plan, and nothing else."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from splitblog.config import FEED_FILES, FEED_KINDS, SiteConfig
from splitblog.site.persona import CommentsView, ProfileLink, comments_view, profile_links

EMPTY = Markup("")
FEED_LABELS = {kind: f"({kind.upper()})" for kind in FEED_KINDS}  # after the title
FEED_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True)
class Link:
    title: str
    href: str


@dataclass(frozen=True)
class AuthorView:
    name: str
    email: str
    bio: str
    avatar: str  # root-relative URL, or ""
    links: tuple[ProfileLink, ...] = ()


@dataclass(frozen=True)
class TocItem:
    title: str
    href: str  # "#heading-id"
    children: tuple[TocItem, ...] = ()


@dataclass(frozen=True)
class FeedLink:
    kind: str
    title: str
    href: str
    type: str


@dataclass(frozen=True)
class SiteView:
    name: str
    title: str
    description: str
    language: str
    base_url: str
    home: str  # root-relative URL of the home page
    author: AuthorView
    noindex: bool
    feeds: tuple[FeedLink, ...]
    menu: tuple[Link, ...]  # the site's pages
    other_sites: tuple[Link, ...]  # only sites this site's policy allows linking to
    tags_href: str
    archive_href: str
    comments: CommentsView = field(default_factory=lambda: CommentsView("off", ""))


@dataclass(frozen=True)
class PostView:
    kind: str  # "post" or "page"
    title: str
    href: str  # root-relative
    url: str  # absolute
    date: datetime | None
    updated: datetime | None
    tags: tuple[Link, ...]
    summary: Markup
    description: str = ""  # the summary as plain text, for <meta name="description">
    content: Markup = EMPTY  # the whole post (on its own page and in feeds)
    canonical: str = ""  # absolute URL on another site, when the post names one
    card: Markup = EMPTY  # the post as lists show it (card.html)
    extra: dict[str, Any] = field(default_factory=dict)
    toc: tuple[TocItem, ...] = ()  # on its own page, when the site or the post asks for one
    minutes: int = 0  # reading time, on its own page


def site_view(
    site: SiteConfig, menu: tuple[Link, ...], other_sites: tuple[SiteConfig, ...]
) -> SiteView:
    avatar = site.href(site.author.avatar_name) if site.author.avatar else ""
    return SiteView(
        name=site.name,
        title=site.title,
        description=site.description,
        language=site.language,
        base_url=site.base_url,
        home=site.href(""),
        author=AuthorView(
            site.author.name, site.author.email, site.author.bio, avatar, profile_links(site)
        ),
        noindex=site.noindex,
        feeds=tuple(
            FeedLink(
                kind,
                f"{site.title} {FEED_LABELS[kind]}",
                site.href(FEED_FILES[kind]),
                FEED_TYPES[kind],
            )
            for kind in site.feeds
        ),
        menu=menu,
        # Named by address, not title: a title often carries the other persona's name.
        other_sites=tuple(Link(_address(o.base_url), o.base_url) for o in other_sites),
        tags_href=site.href("tags/"),
        archive_href=site.href("archive/"),
        comments=comments_view(site),
    )


def _address(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str, limit: int = 180) -> str:
    """HTML as one line of plain text, cut at a word boundary."""
    text = " ".join(html.unescape(TAG.sub("", markup)).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
