"""Blogger's export (Settings → Back up content): one Atom document whose entries are
the blog's posts and pages — and also its template, its settings and every comment,
which are not imported (the report counts them). Both the classic export (each entry's
kind is a category) and Takeout's (a <blogger:type>) are read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from splitblog.importers.dates import parse_date
from splitblog.importers.model import Batch, Item
from splitblog.importers.xmlread import child, children, local, parse_xml, read_bytes, text

KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
LEFT_OUT = {"comment": "comments", "settings": "settings", "template": "templates",
            "layout": "templates"}  # fmt: skip


def read(path: Path, label: str) -> Batch:
    root = parse_xml(read_bytes(path, label), label)
    if local(root.tag) != "feed":
        from splitblog.errors import Problem
        from splitblog.importers.model import SourceError

        raise SourceError(
            Problem(
                f"not a Blogger export (its root element is <{local(root.tag)}>, not <feed>)",
                path=label,
                hint="use the file Blogger's Settings → Back up content saves",
            )
        )
    base = _alternate(root)
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    left_out: dict[str, int] = {}
    for number, entry in enumerate(children(root, "entry"), start=1):
        kind = _kind(entry)
        if kind in LEFT_OUT:
            left_out[LEFT_OUT[kind]] = left_out.get(LEFT_OUT[kind], 0) + 1
            continue
        if kind not in ("post", "page"):
            skipped.append((f"entry {number}", f"of kind '{kind or 'unknown'}'"))
            continue
        item = _item(entry, kind, number)
        if isinstance(item, str):
            skipped.append((f"entry {number}", item))
        else:
            items.append(item)
    authors = len(children(root, "author"))
    if authors:
        left_out["author names and emails"] = authors
    return Batch(tuple(items), tuple(skipped), tuple(sorted(left_out.items())), base)


def _kind(entry: ET.Element) -> str:
    typed = text(entry, "type").lower()  # Takeout: <blogger:type>POST</blogger:type>
    if typed:
        return typed
    for category in children(entry, "category"):
        if category.get("scheme") == KIND_SCHEME:
            return (category.get("term") or "").rpartition("#")[2]
    if child(entry, "in-reply-to") is not None:
        return "comment"
    return ""


def _item(entry: ET.Element, kind: str, number: int) -> Item | str:
    draft = _draft(entry)
    status = text(entry, "status").upper()
    if status in ("DELETED", "SOFT_TRASHED"):
        return "deleted on Blogger"
    title = text(entry, "title")
    content = child(entry, "content")
    body = (content.text or "") if content is not None else ""
    if not title and draft:
        return "an untitled draft"
    url = _alternate(entry)
    filename = text(entry, "filename")  # Takeout: /2009/10/old-title.html
    old = [u for u in (url, filename) if u]
    labels = [
        c.get("term") or ""
        for c in children(entry, "category")
        if c.get("scheme") in (LABEL_SCHEME, None) and c.get("term")
    ]
    slug = None
    if old:
        last = urlsplit(old[0]).path.rstrip("/").rpartition("/")[2]
        slug = last.rpartition(".")[0] if last.endswith((".html", ".htm")) else last or None
    return Item(
        source_id=f"blogger:{text(entry, 'id') or number}",
        kind=kind,  # type: ignore[arg-type]
        title=title,
        body=body,
        body_format="html",
        origin=f"entry {number}",
        date=parse_date(text(entry, "published") or text(entry, "created")),
        updated=parse_date(text(entry, "updated")),
        tags=tuple(dict.fromkeys(t.strip() for t in labels if t.strip())),
        draft=draft or status == "DRAFT",
        old_urls=tuple(old),
        slug=slug,
    )


def _draft(entry: ET.Element) -> bool:
    control = child(entry, "control")
    return control is not None and text(control, "draft").lower() == "yes"


def _alternate(element: ET.Element) -> str:
    for link in children(element, "link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""
