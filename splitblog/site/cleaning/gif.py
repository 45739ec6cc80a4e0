"""GIF: the image blocks kept byte for byte; comments and application extensions dropped.

Kept: the screen descriptor, colour tables, images with their graphic-control blocks
(frame delays, transparency), plain-text blocks (they draw), and the NETSCAPE2.0 /
ANIMEXTS1.0 extension that makes an animation loop. Dropped: comment extensions, every
other application extension (XMP "XMP DataXMP", ICC, editors' own) and anything after
the trailer.
"""

from __future__ import annotations

from splitblog.site.cleaning.sniff import CleanError

LOOP = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _table_size(packed: int) -> int:
    return 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0


def _sub_blocks(data: bytes, pos: int) -> int:
    """The position after a run of data sub-blocks starting at `pos`."""
    while True:
        if pos >= len(data):
            raise CleanError("a truncated GIF")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def clean(data: bytes) -> bytes:
    if len(data) < 13:
        raise CleanError("a truncated GIF")
    pos = 13 + _table_size(data[10])
    out = [data[:pos]]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # the trailer: the end of the image
            out.append(b"\x3b")
            return b"".join(out)
        if block == 0x2C:  # an image: descriptor, local colour table, LZW data
            if pos + 10 > len(data):
                break
            start = pos
            pos += 10 + _table_size(data[pos + 9]) + 1  # + the LZW code size
            pos = _sub_blocks(data, pos)
            out.append(data[start:pos])
        elif block == 0x21 and pos + 1 < len(data):
            label, start = data[pos + 1], pos
            pos = _sub_blocks(data, pos + 2)
            loop = label == 0xFF and data[start + 2] == 11 and data[start + 3 : start + 14] in LOOP
            if label in (0xF9, 0x01) or loop:  # graphic control, plain text, looping
                out.append(data[start:pos])
            # comments (0xFE), other application blocks and unknown labels: dropped
        else:
            raise CleanError("a damaged GIF (an unknown block)")
    raise CleanError("a truncated GIF (it has no trailer)")
