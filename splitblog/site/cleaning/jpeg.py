"""JPEG: every segment read, up to the end of the first image; only what draws it kept.

Kept: the frame, tables and scans (the compressed data byte for byte, never re-encoded),
JFIF (without its thumbnail), the ICC colour profile, Adobe's colour transform, and an
EXIF block holding the Orientation alone. Dropped: EXIF, XMP, IPTC/Photoshop, maker
notes, MPF, comments, every other application block — between scans too — and
everything after the first end-of-image marker: an MPO's further frames (each with its
own EXIF), a phone's motion-photo video, any other trailer.
"""

from __future__ import annotations

import re
import struct

from splitblog.site.cleaning.orientation import orientation_exif, orientation_of
from splitblog.site.cleaning.sniff import CleanError

# The end of a scan's entropy-coded data: a 0xFF followed by neither 0x00 (a stuffed
# 0xFF) nor a restart marker nor a fill byte. (`\xff+` would backtrack: 50× slower.)
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_KEPT_APP = {0xE0: (b"JFIF\x00",), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}


def clean(data: bytes) -> bytes:
    head: list[bytes] = []  # JFIF (APP0) must stay first, right after SOI
    kept: list[bytes] = []
    orientation = 1
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            raise CleanError("a damaged JPEG (its segments do not follow each other)")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # the end of the first image: anything after it is dropped
            exif = [_app1(orientation)] if orientation != 1 else []
            return b"".join([b"\xff\xd8", *head, *exif, *kept, b"\xff\xd9"])
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            kept.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            break
        segment = data[pos : pos + 2 + length]
        payload = segment[4:]
        pos += 2 + length
        if marker == 0xDA:  # a scan: its header, then entropy-coded data up to a marker
            found = _MARKER.search(data, pos)
            if found is None:
                break
            kept.append(segment + data[pos : found.start()])  # fill bytes may end it
            pos = found.start()
        elif marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            if orientation == 1:
                orientation = orientation_of(payload[6:])
        elif 0xE0 <= marker <= 0xEF:
            if any(payload.startswith(sig) for sig in _KEPT_APP.get(marker, ())):
                segment = _without_thumbnail(segment) if marker == 0xE0 else segment
                (head if marker == 0xE0 and not kept else kept).append(segment)
        elif marker != 0xFE:  # everything but comments: tables, frame header …
            kept.append(segment)
    raise CleanError("a truncated JPEG (it has no end-of-image marker)")


def _without_thumbnail(segment: bytes) -> bytes:
    """JFIF's APP0 without the thumbnail it may carry (a picture of the original, which
    may show what a crop removed): its fixed fields, thumbnail size 0×0."""
    payload = segment[4:]
    if len(payload) < 14:
        raise CleanError("a damaged JPEG (a JFIF block is too short)")
    fixed = payload[:12] + b"\x00\x00"
    return b"\xff\xe0" + struct.pack(">H", len(fixed) + 2) + fixed


def _app1(orientation: int) -> bytes:
    payload = b"Exif\x00\x00" + orientation_exif(orientation)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
