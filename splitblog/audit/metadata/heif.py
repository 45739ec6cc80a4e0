"""The audit's reading of AVIF and HEIC/HEIF files: the items their `meta` box lists,
the boxes beside it. Other ISO media (MP4, MOV …) are not images splitblog cleans: a
file of that kind is published only as it is (publish_as_is), and not read here."""

from __future__ import annotations

import struct

from splitblog.audit.metadata import APPLICATION, EXIF, TEXT, XMP

IMAGE_BRANDS = frozenset(
    {b"avif", b"avis", b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
)
META_TABLES = frozenset({b"hdlr", b"pitm", b"iloc", b"iref", b"idat", b"dinf", b"grpl"})
SPACE = frozenset({b"free", b"skip", b"ipro"})
ITEM_FINDINGS = {b"Exif": EXIF, b"mime": XMP, b"uri ": APPLICATION}


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, end) of each box; ValueError where they do not tile."""
    found, pos = [], start
    while pos < end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = pos + 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            body += 8
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise ValueError("a box runs past its container")
        found.append((kind, body, pos + size))
        pos += size
    return found


def _blank(data: bytes, body: int, end: int) -> bool:
    return not data[body:end].strip(b"\x00")


def read(data: bytes) -> list[str]:
    size = int.from_bytes(data[:4], "big")
    brands = {data[i : i + 4] for i in range(8, min(size, 256) - 3, 4) if i != 12}
    if not brands & IMAGE_BRANDS:
        return []
    found: list[str] = []
    for kind, body, end in _boxes(data, 0, len(data)):
        if kind == b"meta":
            found += _meta(data, body + 4, end)
        elif kind == b"moov":
            found += _moov(data, body, end)
        elif kind not in (b"ftyp", b"mdat", b"free", b"skip") and not _blank(data, body, end):
            found.append(XMP if kind == b"uuid" else APPLICATION)
    return found


def _meta(data: bytes, start: int, end: int) -> list[str]:
    found: list[str] = []
    for kind, body, box_end in _boxes(data, start, end):
        if kind == b"iinf":
            version = data[body]
            first = body + 4 + (2 if version == 0 else 4)
            for item, item_body, _item_end in _boxes(data, first, box_end):
                if item != b"infe":
                    continue
                item_version = data[item_body]
                if item_version < 2:
                    found.append(XMP)  # MIME-typed data: that is all version 0 and 1 hold
                    continue
                id_size = 2 if item_version == 2 else 4
                at = item_body + 4 + id_size + 2
                item_type = data[at : at + 4]
                if item_type in ITEM_FINDINGS:
                    found.append(ITEM_FINDINGS[item_type])
        elif kind in (b"xml ", b"bxml"):
            found.append(XMP)
        elif kind == b"iprp":
            for child, child_body, child_end in _boxes(data, body, box_end):
                if child == b"ipco":
                    for prop, _b, _e in _boxes(data, child_body, child_end):
                        if prop in (b"udes", b"uuid"):
                            found.append(TEXT)
        elif kind not in META_TABLES and (kind not in SPACE or not _blank(data, body, box_end)):
            found.append(APPLICATION if kind != b"uuid" else XMP)
    return found


def _moov(data: bytes, start: int, end: int) -> list[str]:
    found: list[str] = []
    for kind, body, box_end in _boxes(data, start, end):
        if kind in (b"udta", b"meta", b"uuid"):
            found.append(APPLICATION)
        elif kind in (b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"):
            found += _moov(data, body, box_end)
    return found
