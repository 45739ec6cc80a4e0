"""AVIF and HEIC/HEIF: the Exif and XMP items taken out of the container, losslessly.

Both are ISO base media files: a `meta` box lists items (the coded image, its tiles,
alpha, depth and gain maps — and Exif and XMP blocks) and where their bytes lie, mostly
in `mdat`. The metadata items are removed from every table that names them (iinf, iloc,
iref, ipma) and their bytes are overwritten with zeros where they lie; the `meta` box
keeps its size (a `free` box pads it), so every offset in the file stays right and no
byte of the coded image moves. Nothing is re-encoded: no generation loss, no encoder
needed (HEVC encoders are patent-encumbered and slow), and HDR gain maps, colour
profiles and the rotation (`irot`/`imir`, which HEIF uses instead of EXIF) are kept.

Also blanked (made a `free` box of the same size, zero-filled): top-level `uuid` boxes
(XMP, vendors' data), `xml `/`bxml` boxes in `meta`, user-description properties
(`udes`), and `udta`/`meta` boxes of image sequences' `moov`. An item of a type not
known to be image data is refused rather than guessed about.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from splitblog.site.cleaning.sniff import CleanError

METADATA_ITEMS = frozenset({b"Exif", b"mime", b"uri "})
IMAGE_ITEMS = frozenset(
    {b"av01", b"hvc1", b"hev1", b"grid", b"iovl", b"iden", b"jpeg", b"mski", b"tmap", b"avc1"}
    | {b"avc3", b"unci", b"j2k1", b"vvc1", b"vvi1", b"hvt1", b"lhv1", b"msk1", b"pict"}
)
META_KEEP = frozenset({b"hdlr", b"pitm", b"iloc", b"iinf", b"iref", b"iprp", b"idat", b"dinf"})
META_KEEP |= {b"grpl", b"ipro"}
TOP_KEEP = frozenset({b"ftyp", b"meta", b"mdat", b"moov", b"free", b"skip"})
MOOV_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"})
MOOV_BLANK = frozenset({b"udta", b"meta", b"uuid"})


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # of the header
    body: int  # where the payload starts
    end: int


def boxes(data: bytes | bytearray, start: int, end: int) -> list[Box]:
    found = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = pos + 8
        if size == 1:
            if pos + 16 > end:
                raise CleanError("a damaged AVIF/HEIF (a box is cut short)")
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            body = pos + 16
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise CleanError("a damaged AVIF/HEIF (a box runs past its container)")
        found.append(Box(kind, pos, body, pos + size))
        pos += size
    if pos != end:
        raise CleanError("a damaged AVIF/HEIF (stray bytes between boxes)")
    return found


def _uint(data: bytes | bytearray, pos: int, size: int) -> int:
    return int.from_bytes(data[pos : pos + size], "big") if size else 0


def _blank(out: bytearray, box: Box) -> None:
    """The box becomes a `free` box of the same size holding zeros."""
    size = box.end - box.start
    if box.body - box.start == 16:  # a 64-bit size: keep that header, rename the box
        out[box.start + 4 : box.start + 8] = b"free"
        out[box.body : box.end] = bytes(box.end - box.body)
        return
    out[box.start : box.end] = struct.pack(">I4s", size, b"free") + bytes(size - 8)


def clean(data: bytes) -> bytes:
    out = bytearray(data)
    top = boxes(data, 0, len(data))
    blanked: list[tuple[int, int]] = []
    kept_ranges: list[tuple[int, int]] = []
    for box in top:
        if box.kind == b"meta":
            kept_ranges += _clean_meta(data, out, box)
        elif box.kind == b"moov":
            _clean_moov(data, out, box)
        elif box.kind not in TOP_KEEP:
            _blank(out, box)
            blanked.append((box.start, box.end))
    for start, end in blanked:
        if any(s < end and start < e for s, e in kept_ranges):
            raise CleanError("an AVIF/HEIF whose image data lies in a box splitblog removes")
    return bytes(out)


def _clean_moov(data: bytes, out: bytearray, box: Box) -> None:
    for child in boxes(data, box.body, box.end):
        if child.kind in MOOV_BLANK:
            _blank(out, child)
        elif child.kind in MOOV_CONTAINERS:
            _clean_moov(data, out, child)


def _clean_meta(data: bytes, out: bytearray, meta: Box) -> list[tuple[int, int]]:
    """Rewrite one `meta` box in `out` (same size); returns the file ranges of the kept
    items' data."""
    if meta.body - meta.start != 8:
        raise CleanError("an AVIF/HEIF with a 64-bit meta box")
    children = boxes(data, meta.body + 4, meta.end)
    by_kind = {c.kind: c for c in children}
    if b"iinf" not in by_kind or b"iloc" not in by_kind:
        raise CleanError("a damaged AVIF/HEIF (no item tables)")
    dropped = _metadata_items(data, by_kind[b"iinf"])
    idat = by_kind.get(b"idat")
    iloc, drop_ranges, keep_ranges = _iloc(data, by_kind[b"iloc"], dropped, idat)
    for start, end in drop_ranges:
        if any(s < end and start < e for s, e in keep_ranges):
            raise CleanError("an AVIF/HEIF whose metadata shares bytes with its image")
        if start < meta.end and meta.start < end and not (idat and idat.body <= start < idat.end):
            raise CleanError("an AVIF/HEIF whose metadata lies inside its item tables")
    parts = [data[meta.start + 8 : meta.body + 4]]  # version and flags
    for child in children:
        if child.kind not in META_KEEP:
            continue  # xml/bxml metadata, uuid boxes, free space, unknown boxes
        if child.kind == b"iinf":
            parts.append(_iinf(data, child, dropped))
        elif child.kind == b"iloc":
            parts.append(iloc)
        elif child.kind == b"iref":
            parts.append(_iref(data, child, dropped))
        elif child.kind == b"iprp":
            parts.append(_iprp(data, child, dropped))
        else:
            parts.append(bytes(out[child.start : child.end]))  # idat: already zeroed in out
    for start, end in drop_ranges:  # the metadata's bytes themselves, wherever they lie
        out[start:end] = bytes(end - start)
    # idat's bytes were copied before zeroing: copy them again from `out`
    if idat is not None:
        index = [c.kind for c in children if c.kind in META_KEEP].index(b"idat") + 1
        parts[index] = bytes(out[idat.start : idat.end])
    body = b"".join(parts)
    pad = meta.end - meta.start - 8 - len(body)
    if pad and pad < 8:
        raise CleanError("an AVIF/HEIF splitblog cannot rewrite in place")
    if pad:
        body += struct.pack(">I4s", pad, b"free") + bytes(pad - 8)
    out[meta.start : meta.end] = struct.pack(">I4s", meta.end - meta.start, b"meta") + body
    return keep_ranges


def _metadata_items(data: bytes, iinf: Box) -> set[int]:
    version = data[iinf.body]
    pos = iinf.body + 4 + (2 if version == 0 else 4)
    dropped: set[int] = set()
    for infe in boxes(data, pos, iinf.end):
        if infe.kind != b"infe":
            continue
        item_id, item_type = _infe(data, infe)
        if item_type in METADATA_ITEMS:
            dropped.add(item_id)
        elif item_type not in IMAGE_ITEMS:
            raise CleanError(
                f"an AVIF/HEIF holding an item of type {item_type.decode('latin-1')!r}, "
                "which splitblog does not know"
            )
    return dropped


def _infe(data: bytes, infe: Box) -> tuple[int, bytes]:
    version = data[infe.body]
    pos = infe.body + 4
    if version < 2:  # item_ID, protection, then names: such items are MIME-typed data
        return _uint(data, pos, 2), b"mime"
    size = 2 if version == 2 else 4
    return _uint(data, pos, size), bytes(data[pos + size + 2 : pos + size + 6])


def _iinf(data: bytes, iinf: Box, dropped: set[int]) -> bytes:
    version = data[iinf.body]
    count_size = 2 if version == 0 else 4
    start = iinf.body + 4 + count_size
    kept = [
        bytes(data[b.start : b.end])
        for b in boxes(data, start, iinf.end)
        if b.kind != b"infe" or _infe(data, b)[0] not in dropped
    ]
    entries = sum(1 for b in kept if b[4:8] == b"infe")
    body = data[iinf.body : iinf.body + 4] + entries.to_bytes(count_size, "big") + b"".join(kept)
    return struct.pack(">I4s", 8 + len(body), b"iinf") + body


def _iloc(
    data: bytes, iloc: Box, dropped: set[int], idat: Box | None
) -> tuple[bytes, list[tuple[int, int]], list[tuple[int, int]]]:
    """The iloc box without the dropped items, the file ranges of the dropped items'
    bytes, and those of the kept items."""
    pos = iloc.body
    version = data[pos]
    offset_size, length_size = data[pos + 4] >> 4, data[pos + 4] & 15
    base_size, index_size = data[pos + 5] >> 4, (data[pos + 5] & 15) if version else 0
    pos += 6
    count_size = 4 if version == 2 else 2
    count = _uint(data, pos, count_size)
    pos += count_size
    kept: list[bytes] = []
    drop_ranges: list[tuple[int, int]] = []
    keep_ranges: list[tuple[int, int]] = []
    for _ in range(count):
        start = pos
        id_size = 4 if version == 2 else 2
        item_id = _uint(data, pos, id_size)
        pos += id_size
        method = data[pos + 1] & 15 if version else 0
        pos += 2 if version else 0
        pos += 2  # data_reference_index
        base = _uint(data, pos, base_size)
        pos += base_size
        extents = _uint(data, pos, 2)
        pos += 2
        ranges = []
        for _ in range(extents):
            pos += index_size
            offset = _uint(data, pos, offset_size)
            length = _uint(data, pos + offset_size, length_size)
            pos += offset_size + length_size
            if method == 0:
                ranges.append((base + offset, base + offset + length, length))
            elif method == 1 and idat is not None:
                at = idat.body + base + offset
                ranges.append((at, at + length, length))
        if pos > iloc.end:
            raise CleanError("a damaged AVIF/HEIF (its item locations are cut short)")
        if item_id in dropped:
            if method == 2:
                continue  # data taken from another item: nothing of its own to blank
            if any(length == 0 or e > len(data) for _s, e, length in ranges):
                raise CleanError("an AVIF/HEIF whose metadata's extent is open-ended")
            drop_ranges += [(s, e) for s, e, _l in ranges]
        else:
            kept.append(bytes(data[start:pos]))
            keep_ranges += [(s, e if length else len(data)) for s, e, length in ranges]
    head = data[iloc.body : iloc.body + 6] + len(kept).to_bytes(count_size, "big")
    body = head + b"".join(kept)
    return struct.pack(">I4s", 8 + len(body), b"iloc") + body, drop_ranges, keep_ranges


def _iref(data: bytes, iref: Box, dropped: set[int]) -> bytes:
    version = data[iref.body]
    size = 2 if version == 0 else 4
    parts = [bytes(data[iref.body : iref.body + 4])]
    for ref in boxes(data, iref.body + 4, iref.end):
        pos = ref.body
        source = _uint(data, pos, size)
        count = _uint(data, pos + size, 2)
        targets = [_uint(data, pos + size + 2 + i * size, size) for i in range(count)]
        targets = [t for t in targets if t not in dropped]
        if source in dropped or not targets:
            continue
        body = (
            source.to_bytes(size, "big")
            + len(targets).to_bytes(2, "big")
            + b"".join(t.to_bytes(size, "big") for t in targets)
        )
        parts.append(struct.pack(">I4s", 8 + len(body), ref.kind) + body)
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), b"iref") + body


def _iprp(data: bytes, iprp: Box, dropped: set[int]) -> bytes:
    parts = []
    for child in boxes(data, iprp.body, iprp.end):
        if child.kind == b"ipma":
            parts.append(_ipma(data, child, dropped))
        elif child.kind == b"ipco":
            ipco = bytearray(data[child.start : child.end])
            for prop in boxes(data, child.body, child.end):
                if prop.kind in (b"udes", b"uuid"):  # a user's description, vendors' data
                    shifted = Box(prop.kind, prop.start - child.start, prop.body - child.start,
                                  prop.end - child.start)  # fmt: skip
                    _blank(ipco, shifted)
            parts.append(bytes(ipco))
        else:
            parts.append(bytes(data[child.start : child.end]))
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), b"iprp") + body


def _ipma(data: bytes, ipma: Box, dropped: set[int]) -> bytes:
    version, flags = data[ipma.body], _uint(data, ipma.body + 1, 3)
    pos = ipma.body + 4
    count = _uint(data, pos, 4)
    pos += 4
    id_size = 2 if version < 1 else 4
    assoc_size = 2 if flags & 1 else 1
    kept = []
    for _ in range(count):
        start = pos
        item_id = _uint(data, pos, id_size)
        associations = data[pos + id_size]
        pos += id_size + 1 + associations * assoc_size
        if item_id not in dropped:
            kept.append(bytes(data[start:pos]))
    if pos > ipma.end:
        raise CleanError("a damaged AVIF/HEIF (its property table is cut short)")
    body = bytes(data[ipma.body : ipma.body + 4]) + len(kept).to_bytes(4, "big") + b"".join(kept)
    return struct.pack(">I4s", 8 + len(body), b"ipma") + body
