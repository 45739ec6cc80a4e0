"""One item's body as the Markdown of its new file: HTML converted (html.py), addresses
of other imported posts made `.md` links, images downloaded or copied into its bundle."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from splitblog.importers.fetch import FetchError, Image
from splitblog.importers.html import convert
from splitblog.importers.links import MADE, LinkMap
from splitblog.importers.model import Item

IMAGE_ENDINGS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".heic", ".tif",
                 ".tiff", ".ico")  # fmt: skip


@dataclass
class Body:
    markdown: str
    summary: str | None
    files: list[tuple[str, bytes]] = field(default_factory=list)  # the bundle's files
    kept_html: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what needs attention


def convert_body(
    item: Item, links: LinkMap, download: bool, fetch: Callable[[str, set[str]], Image]
) -> Body:
    body = Body("", None)
    taken: set[str] = set()
    for name, path in item.files:  # a Hugo bundle's own files come along
        try:
            body.files.append((name, path.read_bytes()))
            taken.add(name.lower())
        except OSError as exc:
            body.notes.append(f"file {name} not copied: {exc.strerror}")
    fetched: dict[str, str | None] = {}

    def image(url: str) -> str | None:
        if not download or urlsplit(url).scheme not in ("http", "https"):
            return None
        if url not in fetched:
            try:
                got = fetch(url, taken)
            except FetchError as exc:
                body.notes.append(f"image {url} not downloaded: {exc}")
                fetched[url] = None
            else:
                body.files.append((got.name, got.data))
                fetched[url] = got.name
        return fetched[url]

    if item.body_format == "html":
        converted = convert(item.body, links, image)
        body.markdown = converted.markdown
        body.kept_html = converted.kept_html
        if converted.dropped:
            body.notes.append(f"removed: {', '.join(sorted(set(converted.dropped)))}")
    else:
        body.markdown = _markdown(item, links, image, body, taken)
    summary = item.summary
    if summary and item.body_format == "html":
        summary = convert(summary, links).markdown.strip() or None
    body.summary = summary.strip() if summary else None
    if not body.markdown.strip():
        body.notes.append("the post has no text")
    return body


def _markdown(
    item: Item, links: LinkMap, image: Callable[[str], str | None], body: Body, taken: set[str]
) -> str:
    """A Markdown body's addresses rewritten: by the renderer's own reading of them."""
    from splitblog.site.markdown import references

    text = item.body
    for address in dict.fromkeys(references(text)):
        new = links.target(address)
        if new is None and address.startswith("/") and not address.startswith("//"):
            new = _local_file(item, address, body, taken)
            if new is None:
                absolute = links.absolute(address)
                if absolute != address:
                    new = (image(absolute) if _is_image(absolute) else None) or absolute
                elif not MADE.match(urlsplit(address).path):  # the home page, a tag: fine
                    body.notes.append(f"{address} leads nowhere on the new site")
        elif new is None and _is_image(address):
            new = image(address)
        if new is not None and new != address:
            for before, after in (("(", ")"), ("(", " "), ('"', '"'), ("'", "'"), ("<", ">")):
                text = text.replace(f"{before}{address}{after}", f"{before}{new}{after}")
    return text.rstrip() + "\n"


def _local_file(item: Item, address: str, body: Body, taken: set[str]) -> str | None:
    """A root-relative file of the old site's folder, copied into the post's bundle."""
    if item.local_root is None:
        return None
    rel = posixpath.normpath(unquote(urlsplit(address).path).lstrip("/"))
    if rel.startswith("..") or not rel or rel == ".":
        return None
    path = item.local_root / rel
    try:
        inside = path.resolve().is_relative_to(item.local_root.resolve())
    except OSError:
        return None
    if not inside or not path.is_file():
        return None
    name = path.name
    stem, dot, ext = name.rpartition(".")
    number = 2
    while name.lower() in taken:
        name = f"{stem}-{number}{dot}{ext}"
        number += 1
    taken.add(name.lower())
    body.files.append((name, path.read_bytes()))
    return name


def _is_image(address: str) -> bool:
    return unquote(urlsplit(address).path).lower().endswith(IMAGE_ENDINGS)
