"""Office (.docx, .xlsx, .pptx …) and OpenDocument (.odt, .ods, .odp …) files: ZIP
archives of XML parts, published without who wrote them.

Office: the core properties (creator, last modified by, dates, title, keywords …) and the
extended ones (company, manager, template, total editing time, slide titles) are written
back empty; custom properties, the thumbnail (a picture of the first page as it was
when last saved, perhaps showing what was deleted since) and customXml parts (SharePoint
properties) are removed with their relationships and content types; the attached
template's path (C:\\Users\\NAME\\…) and a workbook's folder (absPath) are dropped.
OpenDocument: meta.xml is written back empty, settings.xml (printer names and setup) and
the thumbnail and layout cache are removed with their manifest entries.

In every XML part, the authors of comments and tracked changes, and the people lists
(w15:people, xlsx persons, pptx comment authors) become "Author", their initials "A",
their account ids are dropped. Photos inside are cleaned like any photo (always: a
document's photos are not the site's photos, so keep_image_metadata does not apply), and
embedded documents like any document; a part splitblog cannot read (macros, OLE objects)
stops the file.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable

from splitblog.site.cleaning import archive
from splitblog.site.cleaning.sniff import PHOTOS, CleanError, kind_of
from splitblog.site.cleaning.xml import local, namespace, parse, serialize

AUTHOR, INITIALS = "Author", "A"
DC = "http://purl.org/dc/elements/1.1/"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE = "application/vnd.openxmlformats-package.core-properties+xml"
EXTENDED = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
NEUTRAL_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
NEUTRAL_EXTENDED = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'docPropsVTypes"/>'
)
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_REMOVED = ("settings.xml", "layout-cache", "Thumbnails/")
# Binary parts that hold no one's data: Office's obfuscated embedded fonts, OpenDocument's
# previews of embedded objects and its (empty) UI configuration.
PLAIN_SUFFIXES = (".odttf", ".fntdata")
PLAIN_FOLDERS = ("ObjectReplacements/", "Configurations2/")

Cleaner = Callable[[bytes, str], bytes]  # (bytes, kind) → cleaned, for the parts inside


def clean_ooxml(data: bytes, inner: Cleaner) -> bytes:
    parts = archive.read(data, "Office document")
    names = {info.filename for info, _ in parts}
    types = _content_types(dict((i.filename, d) for i, d in parts).get("[Content_Types].xml"))
    removed = {name for name in names if name.startswith("customXml/")}
    removed |= {name for name, kind in types.items() if kind == CUSTOM}
    root_rels = dict((i.filename, d) for i, d in parts).get("_rels/.rels")
    if root_rels is not None:
        for rel in parse(root_rels, "_rels/.rels"):
            if rel.get("Type", "").endswith("/metadata/thumbnail"):
                removed.add(_resolve("_rels/.rels", rel.get("Target", "")))
    out: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, part in parts:
        name = info.filename
        if name in removed or (name.startswith("customXml/") or info.is_dir()):
            continue
        if types.get(name) == CORE:
            part = NEUTRAL_CORE
        elif types.get(name) == EXTENDED:
            part = NEUTRAL_EXTENDED
        elif name == "[Content_Types].xml":
            part = _without_overrides(part, removed)
        elif name.endswith(".rels"):
            part = _without_relationships(name, part, removed)
        else:
            part = _part(name, part, inner)
        out.append((info, part))
    return archive.write(out)


def clean_odf(data: bytes, inner: Cleaner) -> bytes:
    parts = archive.read(data, "OpenDocument")
    if parts[0][0].filename != "mimetype":
        raise CleanError("a damaged OpenDocument (its first part is not its mimetype)")
    removed = {
        info.filename for info, _ in parts if info.filename.startswith(ODF_REMOVED)
    }  # fmt: skip
    out: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, part in parts:
        name = info.filename
        if name in removed or info.is_dir():
            continue
        if name == "meta.xml" or name.endswith("/meta.xml"):
            part = _neutral_odf_meta(part, name)
        elif name == "META-INF/manifest.xml":
            part = _without_manifest_entries(part, removed)
        elif name != "mimetype":
            part = _part(name, part, inner)
        out.append((info, part))
    return archive.write(out)


def _part(name: str, part: bytes, inner: Cleaner) -> bytes:
    """One part of a document, cleaned by what it is."""
    if name.endswith(".xml") or part.lstrip()[:5] == b"<?xml":
        root = parse(part, name)
        neutralise_people(root)
        return serialize(root)
    kind = kind_of(part)
    if kind in PHOTOS or kind in ("pdf", "ooxml", "odf", "svg", "svgz"):
        return inner(part, kind)
    if name.endswith(PLAIN_SUFFIXES) or any(
        name.startswith(folder) or f"/{folder}" in name for folder in PLAIN_FOLDERS
    ):
        return part
    if kind == "text" and not name.endswith(".bin"):
        return part
    raise CleanError(
        f"a document holding {name}, which splitblog cannot clean (macros or an embedded object?)"
    )


def neutralise_people(root) -> None:  # type: ignore[no-untyped-def]
    """Comment and revision authors, and the people lists, made anonymous in place."""
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        name = local(node.tag)
        if name in ("presenceInfo", "absPath", "attachedTemplate"):
            node.getparent().remove(node)
            continue
        if (namespace(node.tag) == DC and name == "creator") or (
            name == "author" and len(node) == 0 and node.text
        ):
            node.text = AUTHOR
        elif name == "creator-initials":
            node.text = INITIALS
        for attr in list(node.attrib):
            what = local(attr)
            if what == "author" or (what in ("name", "displayName") and name in _PEOPLE):
                node.attrib[attr] = AUTHOR
            elif what == "initials":
                node.attrib[attr] = INITIALS
            elif what in ("userId", "providerId"):
                del node.attrib[attr]


_PEOPLE = frozenset({"person", "cmAuthor", "author"})


def _content_types(data: bytes | None) -> dict[str, str]:
    """Part name (without its leading /) → content type, from [Content_Types].xml."""
    if data is None:
        raise CleanError("a damaged Office document (no [Content_Types].xml)")
    root = parse(data, "[Content_Types].xml")
    return {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
        for o in root
        if local(o.tag) == "Override"
    }


def _without_overrides(data: bytes, removed: set[str]) -> bytes:
    root = parse(data, "[Content_Types].xml")
    for node in list(root):
        if local(node.tag) == "Override" and node.get("PartName", "").lstrip("/") in removed:
            root.remove(node)
    return serialize(root)


def _resolve(rels_name: str, target: str) -> str:
    """The part a relationship points to: its target, relative to the part the .rels
    file belongs to (word/_rels/document.xml.rels → word/)."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return posixpath.normpath(posixpath.join(folder, target))


def _without_relationships(name: str, data: bytes, removed: set[str]) -> bytes:
    root = parse(data, name)
    for rel in list(root):
        external = rel.get("TargetMode") == "External"
        kind = rel.get("Type", "")
        if kind.endswith("/attachedTemplate") or (
            not external and _resolve(name, rel.get("Target", "")) in removed
        ):
            root.remove(rel)
    return serialize(root)


def _neutral_odf_meta(data: bytes, name: str) -> bytes:
    root = parse(data, name)
    for child in list(root):
        if local(child.tag) == "meta":
            for item in list(child):
                child.remove(item)
            child.text = None
    return serialize(root)


def _without_manifest_entries(data: bytes, removed: set[str]) -> bytes:
    root = parse(data, "META-INF/manifest.xml")
    path = f"{{{ODF_MANIFEST}}}full-path"
    for entry in list(root):
        if any(local(n.tag) == "encryption-data" for n in entry.iter() if isinstance(n.tag, str)):
            raise CleanError("an encrypted OpenDocument")
        full = entry.get(path, "")
        if full in removed or full.rstrip("/") + "/" in ODF_REMOVED:
            root.remove(entry)
    return serialize(root)
