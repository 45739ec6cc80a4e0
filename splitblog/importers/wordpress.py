"""WordPress's export (Tools → Export, "WXR"): RSS 2.0 with WordPress's own elements.

Posts and pages are imported — published, drafts, pending and private ones (private and
pending as drafts: they were never public); categories and tags become tags. Attachments,
menu items and custom post types are not posts: attachments are counted (an image a post
shows is fetched with --download-images), the others skipped and listed. Comments and
the authors' names and emails are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from splitblog.errors import Problem
from splitblog.importers.dates import parse_date
from splitblog.importers.model import Batch, Item, SourceError
from splitblog.importers.xmlread import child, children, local, parse_xml, read_bytes, text

IMPORTED = ("post", "page")
DRAFTS = ("draft", "pending", "private", "future")
LEFT_OUT_TYPES = {"attachment": "attachments", "nav_menu_item": "menu items",
                  "revision": "revisions", "wp_navigation": "menu items"}  # fmt: skip


def read(path: Path, label: str) -> Batch:
    root = parse_xml(read_bytes(path, label), label)
    channel = child(root, "channel") if local(root.tag) == "rss" else None
    if channel is None or child(channel, "wxr_version") is None:
        raise SourceError(
            Problem(
                "not a WordPress export (no <rss><channel> with a <wp:wxr_version>)",
                path=label,
                hint="use the file WordPress's Tools → Export saves",
            )
        )
    base = text(channel, "base_blog_url") or text(channel, "link")
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    left_out: dict[str, int] = {}
    if children(channel, "author"):
        left_out["author names and emails"] = len(children(channel, "author"))
    for number, element in enumerate(children(channel, "item"), start=1):
        kind = text(element, "post_type") or "post"
        comments = len(children(element, "comment"))
        if comments:
            left_out["comments"] = left_out.get("comments", 0) + comments
        if kind in LEFT_OUT_TYPES:
            what = LEFT_OUT_TYPES[kind]
            left_out[what] = left_out.get(what, 0) + 1
            continue
        title = text(element, "title")
        if kind not in IMPORTED:
            skipped.append((f"item {number} ({title or 'untitled'})", f"of type '{kind}'"))
            continue
        status = text(element, "status") or "publish"
        if status == "trash":
            skipped.append((f"item {number} ({title or 'untitled'})", "in the trash"))
            continue
        draft = status in DRAFTS
        if not title and draft:
            skipped.append((f"item {number}", "an untitled draft"))
            continue
        items.append(_item(element, kind, number, title, draft, base))
    return Batch(tuple(items), tuple(skipped), tuple(sorted(left_out.items())), base)


def _item(element: ET.Element, kind: str, number: int, title: str, draft: bool, base: str) -> Item:
    post_id = text(element, "post_id")
    link = text(element, "link")
    old = []
    if link and "?" not in urlsplit(link).path and not draft:
        old.append(link)
    if post_id and not draft:  # WordPress answers /?p=ID (and /?page_id=ID) for every post
        old.append(f"/?{'page_id' if kind == 'page' else 'p'}={post_id}")
    tags = []
    for category in children(element, "category"):
        if category.get("domain") in ("category", "post_tag") and (category.text or "").strip():
            name = (category.text or "").strip()
            if not (category.get("domain") == "category" and name.lower() == "uncategorized"):
                tags.append(name)
    date = parse_date(text(element, "post_date_gmt")) or parse_date(text(element, "pubDate"))
    excerpt = _encoded(element, "excerpt")
    name = unquote(text(element, "post_name"))
    return Item(
        source_id=f"wordpress:{base}:{post_id or number}",
        kind=kind,  # type: ignore[arg-type]
        title=title,
        body=_encoded(element, "content"),
        body_format="html",
        origin=f"item {number}",
        date=date,
        updated=parse_date(text(element, "post_modified_gmt")),
        tags=tuple(dict.fromkeys(tags)),
        draft=draft,
        summary=excerpt.strip() or None,
        old_urls=tuple(old),
        slug=name or None,
    )


def _encoded(element: ET.Element, namespace_word: str) -> str:
    """content:encoded or excerpt:encoded (both are <encoded>, told by namespace)."""
    for sub in element:
        if local(sub.tag) == "encoded" and namespace_word in sub.tag.lower():
            return sub.text or ""
    return ""
