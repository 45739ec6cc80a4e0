"""Atom, RSS 2.0, JSON Feed 1.1, sitemap.xml and robots.txt for one site.

XML is built with ElementTree so escaping is never hand-written. Feed content carries
absolute URLs: a feed reader has no page to resolve relative ones against.
"""

from __future__ import annotations

import functools
import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urljoin

from splitblog.config import FEED_FILES, SiteConfig
from splitblog.site.html_addresses import Slot, StartTag, canonical
from splitblog.site.views import PostView

FEED_ITEMS = 20
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# A post is in several feeds (Atom, RSS and JSON; the site's and each of its tags'), and a
# preview renders them again after every edit of a post they hold: each post's content is
# made absolute once per process.
@functools.lru_cache(maxsize=2048)
def absolutize(markup: str, page_url: str) -> str:
    """Every address in `markup` (href, src, srcset, poster … any quoting: the one
    tokenizer of site/html_addresses.py) made absolute against the page's absolute URL."""

    def fix(_tag: StartTag, slot: Slot) -> str:
        url = slot.url
        if not url or url.startswith(("mailto:", "tel:", "data:")) or "://" in url[:12]:
            return url
        return urljoin(page_url, url)

    return canonical(markup, fix)


def _updated(posts: Sequence[PostView]) -> datetime:
    stamps = [p.updated or p.date for p in posts if p.updated or p.date]
    return max(stamps) if stamps else EPOCH


def atom(
    site: SiteConfig,
    posts: Sequence[PostView],
    path: str = FEED_FILES["atom"],
    title: str | None = None,
    home: str = "",
) -> bytes:
    """The site's Atom feed, or (with `path`, `title` and `home`, the site-relative page
    it follows, e.g. a tag's page) a feed of part of its posts."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": site.language})
    _text(feed, "title", title or site.title)
    if site.description:
        _text(feed, "subtitle", site.description)
    _text(feed, "id", site.url(home))
    ET.SubElement(feed, "link", {"rel": "self", "href": site.url(path)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": site.url(home)})
    _text(feed, "updated", _updated(posts).isoformat())
    author = ET.SubElement(feed, "author")
    _text(author, "name", site.author.name or site.title)
    if site.author.email:
        _text(author, "email", site.author.email)
    if site.generator:  # opt-in: the generator's name tells a reader another blog exists
        _text(feed, "generator", "splitblog")
    for post in posts[:FEED_ITEMS]:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", post.title)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": post.url})
        _text(entry, "id", post.url)
        _text(entry, "published", (post.date or EPOCH).isoformat())
        _text(entry, "updated", (post.updated or post.date or EPOCH).isoformat())
        for tag in post.tags:
            ET.SubElement(entry, "category", {"term": tag.title})
        if post.summary:
            _text(entry, "summary", absolutize(str(post.summary), post.url), type="html")
        _text(entry, "content", absolutize(str(post.content), post.url), type="html")
    return _xml(feed)


def rss(site: SiteConfig, posts: Sequence[PostView]) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", site.title)
    _text(channel, "link", site.base_url)
    _text(channel, "description", site.description or site.title)
    _text(channel, "language", site.language)
    if site.generator:  # opt-in, as in atom()
        _text(channel, "generator", "splitblog")
    _text(channel, "lastBuildDate", format_datetime(_updated(posts)))
    ET.SubElement(
        channel,
        "atom:link",
        {"href": site.url(FEED_FILES["rss"]), "rel": "self", "type": "application/rss+xml"},
    )
    for post in posts[:FEED_ITEMS]:
        item = ET.SubElement(channel, "item")
        _text(item, "title", post.title)
        _text(item, "link", post.url)
        _text(item, "guid", post.url, isPermaLink="true")
        _text(item, "pubDate", format_datetime(post.date or EPOCH))
        if site.author.email:
            name = f" ({site.author.name})" if site.author.name else ""
            _text(item, "author", f"{site.author.email}{name}")
        for tag in post.tags:
            _text(item, "category", tag.title)
        _text(item, "description", absolutize(str(post.content), post.url))
    return _xml(root)


def json_feed(site: SiteConfig, posts: Sequence[PostView]) -> bytes:
    author: dict[str, str] = {"name": site.author.name or site.title}
    if site.author.avatar:
        author["avatar"] = site.url(site.author.avatar_name)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": site.base_url,
        "feed_url": site.url(FEED_FILES["json"]),
        "language": site.language,
        "authors": [author],
        "items": [
            {
                "id": post.url,
                "url": post.url,
                "title": post.title,
                "content_html": absolutize(str(post.content), post.url),
                **({"summary": _plain(str(post.summary))} if post.summary else {}),
                "date_published": (post.date or EPOCH).isoformat(),
                **({"date_modified": post.updated.isoformat()} if post.updated else {}),
                "tags": [t.title for t in post.tags],
            }
            for post in posts[:FEED_ITEMS]
        ],
    }
    if site.description:
        feed["description"] = site.description
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode()


def sitemap(site: SiteConfig, pages: Sequence[tuple[str, datetime | None]]) -> bytes:
    """`pages`: (absolute URL, last modified) of every page the site publishes."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for url, modified in pages:
        entry = ET.SubElement(urlset, "url")
        _text(entry, "loc", url)
        if modified:
            _text(entry, "lastmod", modified.date().isoformat())
    return _xml(urlset)


def robots(site: SiteConfig) -> bytes:
    if site.noindex:
        return b"User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.url('sitemap.xml')}\n".encode()


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


TAG = re.compile(r"<[^>]+>")


def _plain(markup: str) -> str:
    return html.unescape(TAG.sub("", markup)).strip()
