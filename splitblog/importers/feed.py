"""An RSS 2.0 or Atom feed, from a file or a URL: the posts it still holds (a feed has
only the latest ones; an export has all). Each entry's address is its old address."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from splitblog.errors import Problem
from splitblog.importers.dates import parse_date
from splitblog.importers.fetch import MAX_FEED, FetchError, get
from splitblog.importers.model import Batch, Item, SourceError
from splitblog.importers.xmlread import child, children, local, parse_xml, read_bytes, text


def read(source: str, label: str) -> Batch:
    if source.startswith(("http://", "https://")):
        try:
            data = get(source, MAX_FEED)
        except FetchError as exc:
            raise SourceError(
                Problem(f"cannot fetch the feed: {exc}", path=label,
                        hint="check the address, or save the feed to a file and import that")
            ) from None  # fmt: skip
    else:
        data = read_bytes(Path(source), label)
    root = parse_xml(data, label)
    if local(root.tag) == "feed":
        return _atom(root)
    channel = child(root, "channel")
    if local(root.tag) in ("rss", "RDF") and channel is not None:
        return _rss(root, channel)
    raise SourceError(
        Problem(
            f"not an RSS or Atom feed (its root element is <{local(root.tag)}>)",
            path=label,
            hint="give the address of the blog's feed (often /feed, /atom.xml or /rss.xml)",
        )
    )


def _atom(root: ET.Element) -> Batch:
    items = []
    for number, entry in enumerate(children(root, "entry"), start=1):
        link = _alternate(entry)
        content = child(entry, "content")
        summary = child(entry, "summary")
        body = _markup(content) if content is not None else _markup(summary)
        items.append(
            Item(
                source_id=f"feed:{text(entry, 'id') or link or number}",
                kind="post",
                title=text(entry, "title"),
                body=body,
                body_format="html",
                origin=f"entry {number}",
                date=parse_date(text(entry, "published") or text(entry, "updated")),
                updated=parse_date(text(entry, "updated")),
                tags=tuple(c.get("term", "") for c in children(entry, "category") if c.get("term")),
                old_urls=(link,) if link else (),
                slug=_slug(link),
            )
        )
    authors = sum(1 for e in root.iter() if local(e.tag) == "author")
    left = (("author names and emails", authors),) if authors else ()
    return Batch(tuple(items), (), left, _alternate(root))


def _rss(root: ET.Element, channel: ET.Element) -> Batch:
    items = []
    elements = children(channel, "item") or children(root, "item")  # RSS 1.0: beside it
    for number, item in enumerate(elements, start=1):
        link = text(item, "link")
        encoded = next((s.text or "" for s in item if local(s.tag) == "encoded"), "")
        items.append(
            Item(
                source_id=f"feed:{text(item, 'guid') or link or number}",
                kind="post",
                title=text(item, "title"),
                body=encoded or text(item, "description"),
                body_format="html",
                origin=f"item {number}",
                date=parse_date(text(item, "pubDate") or text(item, "date")),
                tags=tuple(
                    (c.text or "").strip()
                    for c in children(item, "category")
                    if (c.text or "").strip()
                ),
                old_urls=(link,) if link else (),
                slug=_slug(link),
            )
        )
    authors = sum(1 for e in channel.iter() if local(e.tag) in ("author", "creator"))
    left = (("author names and emails", authors),) if authors else ()
    return Batch(tuple(items), (), left, text(channel, "link"))


def _markup(element: ET.Element | None) -> str:
    if element is None:
        return ""
    if element.get("type") == "xhtml":
        return "".join(ET.tostring(sub, encoding="unicode") for sub in element)
    return element.text or ""


def _alternate(root: ET.Element) -> str:
    for link in children(root, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""


def _slug(link: str) -> str | None:
    from urllib.parse import urlsplit

    last = urlsplit(link).path.rstrip("/").rpartition("/")[2]
    return (last.rpartition(".")[0] if last.endswith((".html", ".htm")) else last) or None
