"""What a file is, by its content, and whether its name may say so.

A file is cleaned as what its bytes are, never as what its name says: a JPEG named
.png or .jfif is still a JPEG to clean. The name only matters where it and the content
disagree in a way a browser or a reader would act on: bytes that are no image at all
under an image's name (HTML named .jpg), binary data under a text file's name, a font
that is no font. Those are refused, whatever the site's `publish_as_is` says.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

# Kinds splitblog cleans. PHOTOS are the raster images `keep_image_metadata` applies to.
PHOTOS = frozenset({"jpeg", "png", "webp", "tiff", "gif", "avif", "heic", "ico"})
DOCUMENTS = frozenset({"svg", "svgz", "pdf", "ooxml", "odf"})
CLEANED = PHOTOS | DOCUMENTS
# Kinds with nothing to clean: published as they are (and audited as text).
PLAIN = frozenset({"text", "font"})

# What each kind is called in messages.
NAMES = {
    "jpeg": "a JPEG",
    "png": "a PNG",
    "webp": "a WebP",
    "tiff": "a TIFF",
    "gif": "a GIF",
    "avif": "an AVIF",
    "heic": "a HEIC/HEIF",
    "ico": "an icon (.ico)",
    "svg": "an SVG",
    "svgz": "a compressed SVG (.svgz)",
    "pdf": "a PDF",
    "ooxml": "an Office document",
    "odf": "an OpenDocument",
    "text": "UTF-8 text",
    "font": "a web font",
    "zip": "a ZIP archive",
    "gzip": "gzip data",
    "video": "a video",
    "binary": "binary data",
    "not-utf8": "text that is not UTF-8",
}

_IMAGE_SUFFIXES = {
    **dict.fromkeys(("jpg", "jpeg", "jpe", "jfif", "jif", "pjpeg", "pjp"), "jpeg"),
    **dict.fromkeys(("png", "apng"), "png"),
    "webp": "webp",
    **dict.fromkeys(("tif", "tiff"), "tiff"),
    "gif": "gif",
    "avif": "avif",
    **dict.fromkeys(("heic", "heif", "hif"), "heic"),
    "ico": "ico",
}
_DOCUMENT_SUFFIXES = {
    "pdf": "pdf",
    **dict.fromkeys(
        ("docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "pptx", "pptm", "ppsx", "potx"),
        "ooxml",
    ),
    **dict.fromkeys(("odt", "ods", "odp", "odg", "ott", "ots", "otp"), "odf"),
}
# Raster images and documents: whatever their suffix says, the content must be one of
# the binary kinds splitblog cleans (it is then cleaned as what it is).
BINARY_SUFFIXES = {**_IMAGE_SUFFIXES, **_DOCUMENT_SUFFIXES}
TEXT_SUFFIXES = frozenset(
    {"txt", "css", "js", "mjs", "json", "map", "webmanifest", "csv", "xml", "html", "htm"}
    | {"ics", "vcf", "md"}
)
FONT_SUFFIXES = frozenset({"woff", "woff2", "ttf", "otf"})

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_FONT_MAGIC = (b"wOFF", b"wOF2", b"\x00\x01\x00\x00", b"OTTO", b"true")
# C0 control characters that no text file holds (tab, line feed, form feed and carriage
# return are text); a file with any of them is binary data, whatever it decodes to.
_CONTROLS = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}


class CleanError(ValueError):
    """A file splitblog cannot clean: its kind is unknown, or it is of a kind splitblog
    cleans but this file cannot be (damaged, encrypted, a script in an SVG …). The
    site's `publish_as_is` patterns may publish it as it is."""

    hint = "export it again without the part named, or list it in the site's publish_as_is"


class UnknownKind(CleanError):
    """A file of a kind splitblog has no cleaner for."""

    hint = (
        "publish it in a kind splitblog cleans (JPEG, PNG, WebP, TIFF, AVIF, HEIC, GIF, "
        "SVG, PDF, Office, OpenDocument), or list it in the site's publish_as_is, "
        'e.g. publish_as_is = ["*.zip"]'
    )


class Mismatch(ValueError):
    """The name says one kind and the content is another, in a way that matters (bytes
    that are no image under an image's name). Never published, even as it is."""

    hint = "rename the file to what it is, or replace it with the file its name says"


def suffix_of(name: str) -> str:
    return PurePosixPath(name).suffix[1:].lower()


def kind_of(data: bytes) -> str:
    """The file's kind by its content: one of CLEANED or PLAIN, else a word for what it
    is ("zip", "video", "binary", "not-utf8" …) that splitblog does not clean."""
    head = data[:64]
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"\x00\x00\x01\x00" and len(data) >= 6:
        return "ico"
    if head[4:8] == b"ftyp":
        return _ftyp_kind(data)
    if head[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    if head[:2] == b"\x1f\x8b":
        return "svgz" if _gunzipped_is_svg(data) else "gzip"
    if head[:4] in _FONT_MAGIC:
        return "font"
    return _text_kind(data)


def _ftyp_kind(data: bytes) -> str:
    size = int.from_bytes(data[:4], "big")
    box = data[8 : min(size, 4096)]
    brands = {box[i : i + 4] for i in range(0, len(box) - 3, 4) if i != 4}  # skip version
    if brands & _AVIF_BRANDS:
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heic"
    return "video"  # MP4, MOV, 3GP …: ISO media splitblog does not clean


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names and "META-INF/manifest.xml" in names:
                mimetype = archive.read("mimetype")[:100]
                if mimetype.startswith(b"application/vnd.oasis.opendocument."):
                    return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        pass
    return "zip"


def _gunzipped_is_svg(data: bytes) -> bool:
    import zlib

    try:
        head = zlib.decompressobj(wbits=31).decompress(data, 4096)
    except zlib.error:
        return False
    return _text_kind(head, partial=True) == "svg"


def _text_kind(data: bytes, partial: bool = False) -> str:
    """ "svg" or "text" for UTF-8 text (an SVG: its first element is <svg>), else
    "not-utf8" or "binary". `partial`: the data may end in the middle of a character."""
    if any(b in _CONTROLS for b in data[:4096]) or b"\x00" in data:
        return "binary"
    try:
        text = data.decode("utf-8-sig") if not partial else data.decode("utf-8", "ignore")
    except UnicodeDecodeError:
        return "not-utf8"
    if any(ord(c) in _CONTROLS for c in text):
        return "binary"
    return "svg" if _first_element(text) == "svg" else "text"


def _first_element(text: str) -> str | None:
    """The local name of the first element of an XML text, past its declaration,
    comments, processing instructions and doctype; None if it is no XML."""
    pos = 0
    text = text.lstrip("\ufeff")
    while True:
        start = text.find("<", pos)
        if start < 0 or text[pos:start].strip():
            return None
        if text.startswith("<!--", start):
            pos = text.find("-->", start)
            pos = -1 if pos < 0 else pos + 3
        elif text[start : start + 9].upper() == "<!DOCTYPE":
            # the doctype names the root element; its internal subset may hold ">"
            name = text[start + 9 : start + 200].split(None, 1)
            return name[0].strip("[>").rpartition(":")[2].lower() if name else None
        elif text.startswith(("<?", "<!"), start):
            pos = text.find(">", start)
            pos = -1 if pos < 0 else pos + 1
        else:
            end = start + 1
            while end < len(text) and not text[end].isspace() and text[end] not in "/>":
                end += 1
            return text[start + 1 : end].rpartition(":")[2].lower()
        if pos < 0:
            return None


def expected(name: str) -> str | None:
    """What the file's name says it is: a kind of BINARY_SUFFIXES, "svg", "svgz",
    "text", "font", or None (no suffix, or one splitblog does not know)."""
    suffix = suffix_of(name)
    if suffix in BINARY_SUFFIXES:
        return BINARY_SUFFIXES[suffix]
    if suffix in ("svg", "svgz"):
        return suffix
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in FONT_SUFFIXES:
        return "font"
    return None


def decide(kind: str, name: str) -> str:
    """The kind to clean (or publish plain) the file as: its content's kind. Raises
    Mismatch where the name and the content disagree dangerously, UnknownKind where
    splitblog has no cleaner for it."""
    said = expected(name)
    what = NAMES.get(kind, "binary data")
    if said in BINARY_SUFFIXES.values() and kind not in PHOTOS | {"pdf", "ooxml", "odf"}:
        raise Mismatch(f"its name says {NAMES[said]} but it is {what}")
    if said in ("svg", "svgz") and kind != said:
        raise Mismatch(f"its name says {NAMES[said]} but it is {what}")
    if said == "text" and kind not in ("text", "svg"):
        if kind == "not-utf8":
            raise CleanError("it is text, but not UTF-8: splitblog cannot audit it as text")
        raise Mismatch(f"its name says text but it is {what}")
    if said == "text":
        return "text"  # an .xml file that happens to be an SVG is published as text
    if said == "font" and kind != "font":
        raise Mismatch(f"its name says a web font but it is {what}")
    if kind in CLEANED or (kind == "font" and said == "font"):
        return kind
    if kind == "font":  # a font's first bytes are too common to trust without its name
        raise UnknownKind("it looks like a font, but its name does not say so")
    if kind == "text":
        raise UnknownKind("a text file whose name does not say what it is")
    raise UnknownKind(f"it is {what}, which splitblog cannot clean")
