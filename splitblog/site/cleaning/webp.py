"""WebP: the RIFF chunks that draw the image kept; EXIF (its Orientation written back
alone), XMP and every unknown chunk dropped, with anything after the RIFF's end. The
VP8X flags and the RIFF size are made to agree with what is left."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from splitblog.site.cleaning.orientation import orientation_exif, orientation_of
from splitblog.site.cleaning.sniff import CleanError

KEEP = frozenset({b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
EXIF_FLAG, XMP_FLAG = 0x08, 0x04


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(kind, payload) of each chunk inside the RIFF's declared size."""
    (size,) = struct.unpack("<I", data[4:8])
    end = min(len(data), 8 + size)
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + length > end:
            raise CleanError("a truncated WebP (a chunk runs past the file's end)")
        yield kind, data[pos + 8 : pos + 8 + length]
        pos += 8 + length + (length & 1)


def clean(data: bytes) -> bytes:
    kept: list[tuple[bytes, bytes]] = []
    orientation = 1
    for kind, payload in chunks(data):
        if kind == b"EXIF":
            orientation = orientation_of(payload[6:] if payload[:6] == b"Exif\0\0" else payload)
        elif kind in KEEP:
            kept.append((kind, payload))
    if not any(kind in (b"VP8 ", b"VP8L", b"ANMF") for kind, _ in kept):
        raise CleanError("a damaged WebP (it holds no image)")
    has_vp8x = kept[0][0] == b"VP8X"
    if orientation != 1 and has_vp8x:  # simple (VP8-only) files cannot carry EXIF
        kept.append((b"EXIF", orientation_exif(orientation)))
    if has_vp8x:
        flags = kept[0][1][0] & ~(EXIF_FLAG | XMP_FLAG)
        flags |= EXIF_FLAG if orientation != 1 else 0
        kept[0] = (b"VP8X", bytes([flags]) + kept[0][1][1:])
    body = b"WEBP" + b"".join(
        kind + struct.pack("<I", len(p)) + p + (b"\0" if len(p) & 1 else b"") for kind, p in kept
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body
