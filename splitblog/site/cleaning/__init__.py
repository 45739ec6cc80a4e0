"""Files published without their metadata: one cleaner per kind, chosen by content.

`clean(data, name)` is the one entry point: the file's kind is read from its bytes
(sniff.py — never from its name alone), checked against what its name says, and the
kind's cleaner (a module each) returns the bytes to publish. Photos are filtered
container by container and never re-encoded (TIFF alone is re-saved, losslessly);
documents are rewritten without their properties; text and web fonts have nothing to
clean and are published as they are. A kind with no cleaner raises UnknownKind, a file
its cleaner cannot read raises CleanError, a name that lies about a file raises
Mismatch: the build reports each, naming the file.
"""

from __future__ import annotations

import functools
import hashlib
import struct
import zlib

from splitblog.site.cleaning.sniff import (
    BINARY_SUFFIXES,
    CLEANED,
    DOCUMENTS,
    NAMES,
    PHOTOS,
    PLAIN,
    CleanError,
    Mismatch,
    UnknownKind,
    decide,
    expected,
    kind_of,
    suffix_of,
)

__all__ = [
    "CLEANED",
    "DOCUMENTS",
    "NAMES",
    "PHOTOS",
    "PLAIN",
    "CleanError",
    "Mismatch",
    "UnknownKind",
    "clean",
    "clean_as",
    "cleaner_key",
    "decide",
    "expected",
    "is_image",
    "kind_of",
]

# Part of the key of every cleaned file kept in the cache: bump it when a cleaner changes
# what it writes (the libraries' versions are part of the key too).
CLEANER_VERSION = "2"
MAX_DEPTH = 4  # documents inside documents: a ZIP quine must not recurse for ever


@functools.cache
def cleaner_key() -> str:
    from importlib.metadata import version

    versions = [CLEANER_VERSION, *(version(p) for p in ("pillow", "pypdf", "lxml"))]
    return hashlib.blake2b(repr(versions).encode(), digest_size=6).hexdigest()


def is_image(name: str) -> bool:
    """Whether the name is a raster photo's (what `explain` says is cleaned of EXIF)."""
    return BINARY_SUFFIXES.get(suffix_of(name)) in PHOTOS


def clean(data: bytes, name: str, keep_photo_metadata: bool = False) -> bytes:
    """The bytes to publish for the file `name` holding `data`."""
    return clean_as(decide(kind_of(data), name), data, keep_photo_metadata)


def clean_as(kind: str, data: bytes, keep_photo_metadata: bool = False, depth: int = 0) -> bytes:
    """`data`, of the kind `decide` found, cleaned. `keep_photo_metadata` (the site's
    keep_image_metadata) publishes photos as they are; documents are always cleaned."""
    if depth > MAX_DEPTH:
        raise CleanError("documents nested inside each other too deeply")
    if kind in PLAIN or (keep_photo_metadata and kind in PHOTOS):
        return data
    try:
        return _dispatch(kind, data, depth)
    except (CleanError, Mismatch):
        raise
    except Exception as exc:  # a damaged file, whatever the parser trips on
        from PIL import Image

        if not isinstance(exc, (ArithmeticError, LookupError, ValueError, OSError, SyntaxError,
                                EOFError, RecursionError, Image.DecompressionBombError,
                                struct.error, zlib.error)):  # fmt: skip
            raise
        what = NAMES.get(kind, "file")
        raise CleanError(f"{what} splitblog cannot read ({type(exc).__name__}: {exc})") from None


def _dispatch(kind: str, data: bytes, depth: int) -> bytes:
    def inner(part: bytes, part_kind: str) -> bytes:
        return clean_as(part_kind, part, False, depth + 1)

    def photo(part: bytes) -> bytes:
        part_kind = kind_of(part)
        if part_kind not in PHOTOS:
            raise CleanError(f"an embedded image that is {NAMES.get(part_kind, 'not a photo')}")
        return clean_as(part_kind, part, False, depth + 1)

    if kind == "jpeg":
        from splitblog.site.cleaning import jpeg

        return jpeg.clean(data)
    if kind == "png":
        from splitblog.site.cleaning import png

        return png.clean(data)
    if kind == "webp":
        from splitblog.site.cleaning import webp

        return webp.clean(data)
    if kind == "tiff":
        from splitblog.site.cleaning import tiff

        return tiff.clean(data)
    if kind == "gif":
        from splitblog.site.cleaning import gif

        return gif.clean(data)
    if kind in ("avif", "heic"):
        from splitblog.site.cleaning import heif

        return heif.clean(data)
    if kind == "ico":
        from splitblog.site.cleaning import ico

        return ico.clean(data)
    if kind in ("svg", "svgz"):
        from splitblog.site.cleaning import svg

        return svg.clean(data, photo) if kind == "svg" else svg.clean_svgz(data, photo)
    if kind == "pdf":
        from splitblog.site.cleaning import pdf

        return pdf.clean(data)
    if kind in ("ooxml", "odf"):
        from splitblog.site.cleaning import office

        return office.clean_ooxml(data, inner) if kind == "ooxml" else office.clean_odf(data, inner)
    raise UnknownKind(f"it is {NAMES.get(kind, 'binary data')}, which splitblog cannot clean")
