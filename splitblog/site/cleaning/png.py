"""PNG: the chunks that describe the pixels kept, in order, up to IEND; the rest dropped.

Dropped: text chunks (tEXt, zTXt, iTXt — XMP among them), eXIf (its Orientation written
back alone), tIME, every private or unknown chunk (C2PA provenance, editors' own data)
and anything after IEND. The compressed image data is copied byte for byte.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from splitblog.site.cleaning.orientation import orientation_exif, orientation_of
from splitblog.site.cleaning.sniff import CleanError

KEEP = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}
    | {b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"hIST", b"sPLT", b"cICP", b"mDCV", b"cLLI"}
)


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(kind, payload, the whole chunk) of each chunk, up to IEND."""
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if pos + 12 + length > len(data):
            break
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        yield kind, chunk[8:-4], chunk
        if kind == b"IEND":
            return
    raise CleanError("a truncated PNG (it has no IEND chunk)")


def clean(data: bytes) -> bytes:
    out = [data[:8]]
    orientation = 1
    for kind, payload, chunk in chunks(data):
        if kind == b"eXIf":
            orientation = orientation_of(payload)
        elif kind in KEEP:
            if kind in (b"IDAT", b"acTL") and orientation != 1:
                out.append(chunk_of(b"eXIf", orientation_exif(orientation)))
                orientation = 1
            out.append(chunk)
    return b"".join(out)


def chunk_of(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
