"""The audit's look inside published files: what metadata is left in them.

A second reading, apart from site/cleaning/ (which removes it), written on its own so
that one mistake does not blind both: it tells a file's kind by its own reading of the
first bytes, walks each kind's structure — JPEG segments to the end of the file, PNG and
WebP chunks, TIFF tags, GIF blocks, AVIF/HEIC items, SVG elements, PDF objects, the
parts of Office and OpenDocument files — and names what it finds besides what a cleaned
file keeps (a photo's Orientation, colour profile). Only structure is read, never
pixels. A structure it cannot read is a finding: it cannot be shown to be clean.
"""

from __future__ import annotations

GPS, EXIF, XMP, IPTC, TEXT, COMMENT = (
    "GPS position",
    "EXIF data",
    "XMP data",
    "IPTC data",
    "text chunks",
    "comment",
)
AFTER = "data after the image"  # JPEG: further frames (MPO), motion-photo video, trailers
THUMBNAIL = "a thumbnail"
APPLICATION = "application data"  # editors' and vendors' private blocks
EDITOR = "editor data"  # SVG <metadata>, Inkscape/Illustrator/Sketch/Figma namespaces
PROPERTIES = "document properties"  # PDF info/XMP, Office docProps, OpenDocument meta.xml
AUTHORS = "comment or revision authors"
UNREADABLE = "a structure the audit cannot read"
KINDS = (GPS, EXIF, XMP, IPTC, TEXT, COMMENT, AFTER, THUMBNAIL, APPLICATION, EDITOR)
KINDS += (PROPERTIES, AUTHORS, UNREADABLE)
# Kinds of file whose metadata keep_image_metadata keeps.
PHOTO_KINDS = frozenset({"jpeg", "png", "webp", "tiff", "gif", "ico", "heif"})
MAX_DEPTH = 4


def file_kind(data: bytes) -> str | None:
    """The kind of file by its first bytes, for the audit alone."""
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if data.startswith(b"GIF8"):
        return "gif"
    if data.startswith(b"\x00\x00\x01\x00"):
        return "ico"
    if data[4:8] == b"ftyp":
        return "heif"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    stripped = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg", b"<!doctype svg")):
        return "xml"
    return None


def metadata_in(data: bytes, keep_photos: bool = False, depth: int = 0) -> list[str]:
    """The kinds of metadata (of KINDS) a published file holds; [] for a clean file or
    one of a kind that holds none (text, fonts). `keep_photos`: the site keeps photos'
    metadata (keep_image_metadata), so only documents are read."""
    kind = file_kind(data)
    if kind is None or (keep_photos and kind in PHOTO_KINDS) or depth > MAX_DEPTH:
        return [UNREADABLE] if depth > MAX_DEPTH else []
    from splitblog.audit.metadata import documents, heif, photos

    def inner(part: bytes) -> list[str]:
        return metadata_in(part, False, depth + 1)

    readers = {
        "jpeg": photos.jpeg,
        "png": photos.png,
        "webp": photos.webp,
        "tiff": photos.tiff,
        "gif": photos.gif,
        "ico": photos.ico,
        "heif": heif.read,
        "pdf": documents.pdf,
    }
    try:
        if kind in readers:
            found = readers[kind](data)
        elif kind == "zip":
            found = documents.archive(data, inner)
        elif kind == "gzip":
            found = documents.gzip_svg(data, inner)
        else:
            found = documents.xml(data, inner)
    except Exception:  # a structure that cannot be read cannot be shown to be clean
        found = [UNREADABLE]
    return sorted(set(found), key=KINDS.index)
