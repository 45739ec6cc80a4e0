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
    locale: str = ""  # og:locale ("en_US"), or "" where no region is known
    image: str = ""  # the share card of pages without one of their own: the avatar
    image_alt: str = ""
    search_href: str = ""  # the search page, "" when the site has none
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
    image: str = ""  # its share card's image (absolute URL), "" for the site's own
    image_alt: str = ""
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
        locale=og_locale(site.language),
        image=site.url(site.author.avatar_name) if site.author.avatar else "",
        image_alt=site.author.name or site.title,
        search_href=site.href("search/") if site.search else "",
        comments=comments_view(site),
    )


# The region a language is most likely written for (CLDR's likely subtags), for og:locale,
# which wants language_REGION; a language not listed here gets no og:locale.
LIKELY_REGION = {
    "ar": "SA", "bg": "BG", "ca": "ES", "cs": "CZ", "cy": "GB", "da": "DK", "de": "DE",
    "el": "GR", "en": "US", "es": "ES", "et": "EE", "eu": "ES", "fa": "IR", "fi": "FI",
    "fr": "FR", "ga": "IE", "gl": "ES", "he": "IL", "hi": "IN", "hr": "HR", "hu": "HU",
    "id": "ID", "is": "IS", "it": "IT", "ja": "JP", "ko": "KR", "lt": "LT", "lv": "LV",
    "ms": "MY", "nb": "NO", "nl": "NL", "nn": "NO", "no": "NO", "pl": "PL", "pt": "BR",
    "ro": "RO", "ru": "RU", "sk": "SK", "sl": "SI", "sr": "RS", "sv": "SE", "th": "TH",
    "tr": "TR", "uk": "UA", "vi": "VN", "zh": "CN",
}  # fmt: skip


def og_locale(language: str) -> str:
    """`en` → `en_US`, `en-GB` → `en_GB`; "" when no region is known."""
    parts = language.replace("_", "-").split("-")
    lang = parts[0].lower()
    if not lang.isalpha() or not 2 <= len(lang) <= 3:
        return ""
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    region = region or LIKELY_REGION.get(lang)
    return f"{lang}_{region}" if region else ""


def _address(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str, limit: int = 180) -> str:
    """HTML as one line of plain text, cut at a word boundary."""
    text = " ".join(html.unescape(TAG.sub("", markup)).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
