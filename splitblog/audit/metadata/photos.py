"""The audit's reading of raster images: JPEG, PNG, WebP, TIFF, GIF and icons."""

from __future__ import annotations

import io
import re
import struct

from splitblog.audit.metadata import (
    AFTER,
    APPLICATION,
    COMMENT,
    EXIF,
    GPS,
    IPTC,
    TEXT,
    THUMBNAIL,
    UNREADABLE,
    XMP,
)

ORIENTATION, GPS_IFD, EXIF_IFD, INTEROP_IFD = 0x0112, 0x8825, 0x8769, 0xA005
# TIFF tags an image needs to be shown; any other tag is metadata (Artist, Make, Model,
# Copyright, DateTime, Software, the EXIF and GPS directories, XMP, IPTC …).
TIFF_IMAGE_TAGS = frozenset(
    {254, 255, 256, 257, 258, 259, 262, 266, 273, 274, 277, 278, 279, 280, 281, 282, 283,
     284, 290, 291, 296, 317, 318, 319, 320, 322, 323, 324, 325, 338, 339, 340, 341, 529,
     530, 531, 532, 347}
)  # fmt: skip
PNG_PIXELS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}
    | {b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"hIST", b"sPLT", b"cICP", b"mDCV", b"cLLI"}
)
SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")  # not stuffing, restart, fill
KEPT_APP = {0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}
WEBP_PIXELS = frozenset({b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})


def exif_block(block: bytes) -> list[str]:
    """What an EXIF block (a TIFF structure, with or without "Exif\\0\\0") holds besides
    Orientation: read here tag by tag, the first directory and whether a second (the
    thumbnail's) follows."""
    if block.startswith(b"Exif"):
        block = block[6:]
    order = {b"II": "<", b"MM": ">"}.get(block[:2])
    if order is None:
        return [UNREADABLE]
    (first,) = struct.unpack(order + "I", block[4:8])
    (count,) = struct.unpack(order + "H", block[first : first + 2])
    found = []
    tags = set()
    for i in range(count):
        entry = block[first + 2 + 12 * i : first + 14 + 12 * i]
        tag, _type, _count, value = struct.unpack(order + "HHII", entry)
        tags.add(tag)
        if tag == GPS_IFD and value:
            found.append(GPS)
    end = first + 2 + 12 * count
    (following,) = struct.unpack(order + "I", block[end : end + 4])
    if tags - {ORIENTATION}:
        found.append(EXIF)
    if following:
        found.append(THUMBNAIL)
    return found


def jpeg(data: bytes) -> list[str]:
    found: list[str] = []
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            return [*found, UNREADABLE]
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            if data[pos + 2 :]:
                found.append(AFTER)
            return found
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        payload = data[pos + 4 : pos + 2 + length]
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data: to the next marker that is not a restart
            end = SCAN_END.search(data, pos)
            if end is None:
                return [*found, UNREADABLE]
            pos = end.start()
        elif marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            found += exif_block(payload)
        elif marker == 0xE1:
            found.append(XMP)
        elif marker == 0xED:
            found.append(IPTC)
        elif marker == 0xFE:
            found.append(COMMENT)
        elif marker == 0xE0 and payload.startswith(b"JFIF\x00"):
            if len(payload) > 14 or payload[12:14] not in (b"", b"\x00\x00"):
                found.append(THUMBNAIL)
        elif marker == 0xE0 and payload.startswith(b"JFXX"):
            found.append(THUMBNAIL)
        elif any(payload.startswith(s) for s in KEPT_APP.get(marker, ())):
            pass  # colour: the ICC profile, Adobe's colour transform
        elif 0xE0 <= marker <= 0xEF:
            found.append(APPLICATION)  # maker notes, FLIR, MPF (a second frame's index) …


def png(data: bytes) -> list[str]:
    found: list[str] = []
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            found.append(XMP if payload.startswith(b"XML:com.adobe.xmp") else TEXT)
        elif kind == b"eXIf":
            found += exif_block(payload)
        elif kind == b"tIME":
            found.append(EXIF)
        elif kind not in PNG_PIXELS:
            found.append(APPLICATION)
        if kind == b"IEND":
            if pos < len(data):
                found.append(AFTER)
            return found
    return [*found, UNREADABLE]


def webp(data: bytes) -> list[str]:
    found: list[str] = []
    (size,) = struct.unpack("<I", data[4:8])
    if 8 + size < len(data):
        found.append(AFTER)
    pos, end = 12, min(len(data), 8 + size)
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        payload = data[pos + 8 : pos + 8 + length]
        pos += 8 + length + (length & 1)
        if kind == b"EXIF":
            found += exif_block(payload)
        elif kind == b"XMP ":
            found.append(XMP)
        elif kind not in WEBP_PIXELS:
            found.append(APPLICATION)
    return found


def tiff(data: bytes) -> list[str]:
    from PIL import Image, ImageSequence

    found: list[str] = []
    with Image.open(io.BytesIO(data)) as image:
        for frame in ImageSequence.Iterator(image):
            tags = set(frame.tag_v2)
            if GPS_IFD in tags:
                found.append(GPS)
            if 700 in tags:
                found.append(XMP)
            if 33723 in tags or 34377 in tags:
                found.append(IPTC)
            if tags - TIFF_IMAGE_TAGS - {GPS_IFD, 700, 33723, 34377}:
                found.append(EXIF)
    return found


def gif(data: bytes) -> list[str]:
    found: list[str] = []
    packed = data[10]
    pos = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            if data[pos + 1 :]:
                found.append(AFTER)
            return found
        if block == 0x2C:
            local = data[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
        elif block == 0x21:
            label = data[pos + 1]
            if label == 0xFE:
                found.append(COMMENT)
            elif label == 0xFF:
                ident = data[pos + 3 : pos + 14]
                if ident == b"XMP DataXMP":
                    found.append(XMP)
                elif ident not in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                    found.append(APPLICATION)
            elif label not in (0xF9, 0x01):
                found.append(APPLICATION)
            pos += 2
        else:
            return [*found, UNREADABLE]
        while True:  # the block's data sub-blocks
            if pos >= len(data):
                return [*found, UNREADABLE]
            size = data[pos]
            pos += 1 + size
            if size == 0:
                break
    return [*found, UNREADABLE]


def ico(data: bytes) -> list[str]:
    (count,) = struct.unpack("<H", data[4:6])
    found: list[str] = []
    for i in range(count):
        size, offset = struct.unpack("<II", data[14 + 16 * i : 22 + 16 * i])
        image = data[offset : offset + size]
        if image.startswith(b"\x89PNG"):
            found += png(image)
    return found
