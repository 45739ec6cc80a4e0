"""ICO (favicons): each icon inside kept; those stored as PNG cleaned as PNGs (their
text chunks dropped), those stored as bitmaps kept as they are (a bitmap has no place
for metadata). The directory is rewritten for the new sizes."""

from __future__ import annotations

import struct

from splitblog.site.cleaning import png
from splitblog.site.cleaning.sniff import CleanError


def clean(data: bytes) -> bytes:
    (count,) = struct.unpack("<H", data[4:6])
    if count == 0 or 6 + 16 * count > len(data):
        raise CleanError("a damaged icon (.ico)")
    entries, images = [], []
    for i in range(count):
        entry = data[6 + 16 * i : 22 + 16 * i]
        size, offset = struct.unpack("<II", entry[8:16])
        if offset + size > len(data) or offset < 6 + 16 * count:
            raise CleanError("a damaged icon (.ico): an image lies outside the file")
        image = data[offset : offset + size]
        if image[:8] == b"\x89PNG\r\n\x1a\n":
            image = png.clean(image)
        elif image[:4] != b"\x28\x00\x00\x00":  # a BITMAPINFOHEADER
            raise CleanError("an icon (.ico) holding an image of an unknown kind")
        entries.append(entry[:8])
        images.append(image)
    out = [data[:6]]
    offset = 6 + 16 * count
    for entry, image in zip(entries, images, strict=True):
        out.append(entry + struct.pack("<II", len(image), offset))
        offset += len(image)
    return b"".join(out + images)
