"""The audit's reading of documents: SVG, PDF, Office and OpenDocument files."""

from __future__ import annotations

import base64
import io
import re
import zipfile
import zlib
from collections.abc import Callable

from splitblog.audit.metadata import (
    AUTHORS,
    COMMENT,
    EDITOR,
    PROPERTIES,
    THUMBNAIL,
    UNREADABLE,
    XMP,
)

Inner = Callable[[bytes], list[str]]  # the metadata of a file inside this one
SVG_DRAWING = frozenset(
    {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/XML/1998/namespace",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/1998/Math/MathML",
    }
)
# What a cleaned document says of its people: nothing but these.
ANONYMOUS = frozenset({"", "Author", "A"})
PEOPLE_ATTRIBUTES = frozenset({"author", "initials", "userId", "providerId"})
PEOPLE_ELEMENTS = frozenset({"person", "cmAuthor", "author"})
DC = "http://purl.org/dc/elements/1.1/"
MAX_UNZIPPED = 64 << 20
_PROLOG = re.compile(r"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)
_DATA_IMAGE = re.compile(r"^\s*data:image/[a-z0-9.+-]+;base64,", re.I)


def _name(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag; ("", "") for comments."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        space, _, name = tag[1:].partition("}")
        return space, name
    return "", tag


def _parse(data: bytes):  # type: ignore[no-untyped-def]
    from xml.etree.ElementTree import TreeBuilder

    import defusedxml.ElementTree as safe

    parser = safe.DefusedXMLParser(
        target=TreeBuilder(insert_comments=True),
        forbid_dtd=False,
        forbid_entities=True,
        forbid_external=True,
    )
    parser.feed(data)
    return parser.close()


def _first_element(data: bytes) -> str | None:
    """The local name of an XML text's first element (past declarations, comments)."""
    text = data[:65536].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    text = re.sub(
        r"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", text, flags=re.S | re.I
    )
    found = re.match(r"\s*<([A-Za-z_][\w.:-]*)", text)
    return found.group(1).rpartition(":")[2].lower() if found else None


# -- SVG ------------------------------------------------------------------------------
def xml(data: bytes, inner: Inner) -> list[str]:
    """An XML file is read only if it is an SVG (feeds and sitemaps hold no metadata)."""
    if _first_element(data) != "svg":
        return []
    found = [COMMENT] if b"<!--" in data else []
    root = _parse(data)
    for node in root.iter():
        space, name = _name(node.tag)
        if not name:
            found.append(COMMENT)
            continue
        if name == "metadata" or (space and space not in SVG_DRAWING):
            found.append(EDITOR)
        for attr, value in node.attrib.items():
            attr_space, attr_name = _name(attr)
            if attr_space and attr_space not in SVG_DRAWING:
                found.append(EDITOR)
            if attr_name == "href" and _DATA_IMAGE.match(value):
                payload = value.partition(",")[2]
                found += inner(base64.b64decode(re.sub(r"\s+", "", payload)))
    return found


def gzip_svg(data: bytes, inner: Inner) -> list[str]:
    unzip = zlib.decompressobj(wbits=31)
    svg = unzip.decompress(data, MAX_UNZIPPED)
    if _first_element(svg) != "svg":
        return []
    found = [UNREADABLE] if unzip.unconsumed_tail else []
    if data[3] & 0x18:  # FNAME or FCOMMENT: the file's original name, a comment
        found.append(PROPERTIES)
    return found + xml(svg, inner)


# -- PDF ------------------------------------------------------------------------------
def pdf(data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject

    found: list[str] = []
    if b"<x:xmpmeta" in data or b"<?xpacket" in data:
        found.append(XMP)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return [*found, UNREADABLE]
    info = reader.trailer.get("/Info")
    if info is not None and any(str(v).strip() for v in info.get_object().values()):
        found.append(PROPERTIES)
    numbers = {(n, g) for g, objects in reader.xref.items() for n in objects}
    numbers |= {(n, 0) for n in reader.xref_objStm}
    for number, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if not isinstance(obj, DictionaryObject):
            continue
        if obj.get("/Type") == "/Metadata" or obj.get("/Subtype") == "/XML" or "/Metadata" in obj:
            found.append(XMP)
        if "/PieceInfo" in obj:
            found.append(EDITOR)
        if "/Thumb" in obj:
            found.append(THUMBNAIL)
        if "/EmbeddedFiles" in obj or obj.get("/Type") == "/EmbeddedFile":
            found.append(PROPERTIES)
        if "/Rect" in obj and obj.get("/Subtype") not in (None, "/Widget") and "/T" in obj:
            found.append(AUTHORS)
    return found


# -- Office and OpenDocument ------------------------------------------------------------
def archive(data: bytes, inner: Inner) -> list[str]:
    try:
        zipped = zipfile.ZipFile(io.BytesIO(data))
        names = zipped.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []  # not a document: an archive published as it is
    if "[Content_Types].xml" not in names and "META-INF/manifest.xml" not in names:
        return []
    if sum(i.file_size for i in zipped.infolist()) > 64 * MAX_UNZIPPED:
        return [UNREADABLE]
    found: list[str] = []
    for info in zipped.infolist():
        name = info.filename
        if info.is_dir():
            continue
        if name.startswith(("docProps/thumbnail", "Thumbnails/")):
            found.append(THUMBNAIL)
            continue
        if name.startswith("customXml/") or name in ("docProps/custom.xml", "settings.xml"):
            found.append(PROPERTIES)
            continue
        part = zipped.read(info)
        if name.endswith((".xml", ".rels")):
            found += _office_xml(name, part)
        else:
            found += inner(part)
    return found


def _office_xml(name: str, part: bytes) -> list[str]:
    root = _parse(part)
    found: list[str] = []
    properties = name in ("docProps/core.xml", "docProps/app.xml") or name.endswith("meta.xml")
    for node in root.iter():
        space, tag = _name(node.tag)
        if not tag:
            continue
        if properties and node is not root and (len(node) or (node.text or "").strip()):
            found.append(PROPERTIES)
        if tag in ("absPath", "attachedTemplate") or (
            tag == "Relationship" and node.get("Type", "").endswith("/attachedTemplate")
        ):
            found.append(PROPERTIES)
        if tag == "presenceInfo":
            found.append(AUTHORS)
        text = (node.text or "").strip()
        if (
            not len(node)
            and text not in ANONYMOUS
            and ((space == DC and tag == "creator") or tag in ("author", "creator-initials"))
        ):
            found.append(AUTHORS)
        for attr, value in node.attrib.items():
            _attr_space, attr_name = _name(attr)
            people = attr_name in PEOPLE_ATTRIBUTES or (
                attr_name in ("name", "displayName") and tag in PEOPLE_ELEMENTS
            )
            if people and value not in ANONYMOUS:
                found.append(AUTHORS)
    return found
