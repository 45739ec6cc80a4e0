"""The audit's look inside published photos: what metadata is left in them.

A second reading, apart from site/cleaning.py (which strips): it walks each file's own
structure — JPEG segments, PNG chunks, WebP chunks, TIFF tags — and names what it finds
besides the Orientation a stripped photo keeps. Only the structure is read, never the
pixels, so it costs little next to the rest of the audit.
"""

from __future__ import annotations

import io
import struct

from splitblog.site.cleaning import image_kind, png_chunks, riff_chunks

GPS, EXIF, XMP, IPTC, TEXT, COMMENT = (
    "GPS position",
    "EXIF data",
    "XMP data",
    "IPTC data",
    "text chunks",
    "comment",
)
KINDS = (GPS, EXIF, XMP, IPTC, TEXT, COMMENT)
ORIENTATION, GPS_IFD, EXIF_IFD = 0x0112, 0x8825, 0x8769
# TIFF tags an image needs to be shown; any other tag is metadata (Artist, Make, Model,
# Copyright, DateTime, Software, the EXIF and GPS directories, XMP, IPTC …).
TIFF_IMAGE_TAGS = frozenset(
    {254, 255, 256, 257, 258, 259, 262, 266, 273, 274, 277, 278, 279, 280, 281, 282, 283,
     284, 290, 291, 296, 317, 318, 319, 320, 322, 323, 324, 325, 338, 339, 340, 341, 529,
     530, 531, 532, 347}
)  # fmt: skip
JPEG_KEPT_APP = {0xE0: (b"JFIF", b"JFXX"), 0xE2: (b"ICC_PROFILE",), 0xEE: (b"Adobe",)}


def metadata_in(data: bytes) -> list[str]:
    """The kinds of metadata a JPEG, PNG, WebP or TIFF file holds (beyond Orientation);
    [] for a clean photo or a file of another kind."""
    read = {"jpeg": _jpeg, "png": _png, "webp": _webp, "tiff": _tiff}.get(image_kind(data) or "")
    if read is None:
        return []
    try:
        return read(data)
    except (struct.error, ValueError, OSError, SyntaxError, IndexError):
        return [EXIF]  # a structure that cannot be read cannot be shown to be clean


def _exif(block: bytes) -> list[str]:
    """What an EXIF block (a TIFF structure) holds besides Orientation."""
    from PIL import Image

    exif = Image.Exif()
    exif.load(b"Exif\x00\x00" + block if not block.startswith(b"Exif") else block)
    found = []
    if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
        found.append(GPS)
    if set(exif) - {ORIENTATION, GPS_IFD} or exif.get_ifd(EXIF_IFD):
        found.append(EXIF)
    return found


def _jpeg(data: bytes) -> list[str]:
    found: list[str] = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # image data: no more metadata segments
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        payload = data[pos + 4 : pos + 2 + length]
        pos += 2 + length
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            found += _exif(payload[6:])
        elif marker == 0xE1:
            found.append(XMP)
        elif marker == 0xED:
            found.append(IPTC)
        elif marker == 0xFE:
            found.append(COMMENT)
        elif 0xE0 <= marker <= 0xEF and not any(
            payload.startswith(s) for s in JPEG_KEPT_APP.get(marker, ())
        ):
            found.append(EXIF)  # another application's block (maker notes, FLIR, MPF …)
    return sorted(set(found), key=KINDS.index)


def _png(data: bytes) -> list[str]:
    found: list[str] = []
    for kind, payload, _chunk in png_chunks(data):
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            found.append(XMP if payload.startswith(b"XML:com.adobe.xmp") else TEXT)
        elif kind == b"eXIf":
            found += _exif(payload)
        elif kind == b"tIME":
            found.append(EXIF)
    return sorted(set(found), key=KINDS.index)


def _webp(data: bytes) -> list[str]:
    found: list[str] = []
    for kind, payload in riff_chunks(data):
        if kind == b"EXIF":
            found += _exif(payload)
        elif kind == b"XMP ":
            found.append(XMP)
    return sorted(set(found), key=KINDS.index)


def _tiff(data: bytes) -> list[str]:
    from PIL import Image

    found: list[str] = []
    with Image.open(io.BytesIO(data)) as image:
        tags = set(image.tag_v2)
    if GPS_IFD in tags:
        found.append(GPS)
    if 700 in tags:
        found.append(XMP)
    if 33723 in tags:
        found.append(IPTC)
    if tags - TIFF_IMAGE_TAGS - {GPS_IFD, 700, 33723}:
        found.append(EXIF)
    return found
