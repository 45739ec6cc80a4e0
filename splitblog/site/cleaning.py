"""Photos published without their metadata: no GPS position, no owner, no camera serial.

JPEG, PNG and WebP are filtered container by container — the compressed image data is
copied byte for byte, never re-encoded — and the Orientation is written back alone, so
the photo still displays the right way up. TIFF keeps pixels and metadata in one
structure, so it is re-saved by Pillow with the same compression (lossless) and only the
tags an image needs.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

STRIP_VERSION = "1"  # part of the cache key of stripped files
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
ORIENTATION = 0x0112


class ImageError(ValueError):
    """The file is not a well-formed image of the type its name says."""


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def image_kind(data: bytes) -> str | None:
    """ "jpeg", "png", "webp" or "tiff" by the file's first bytes (not its name)."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def strip_metadata(data: bytes, name: str) -> bytes:
    """The image with its metadata removed, Orientation kept."""
    strip = {"jpeg": _strip_jpeg, "png": _strip_png, "webp": _strip_webp, "tiff": _strip_tiff}
    kind = image_kind(data)
    if kind is None:
        raise ImageError(f"{name}: not a JPEG, PNG, WebP or TIFF file")
    return strip[kind](data)


def _orientation_exif(orientation: int) -> bytes:
    """A minimal EXIF block (TIFF structure, no "Exif" prefix) holding only Orientation."""
    from PIL import Image

    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()[6:]


def _orientation_of(exif_tiff: bytes) -> int:
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(b"Exif\x00\x00" + exif_tiff)
    except Exception:  # a damaged EXIF block: the photo simply has no orientation
        return 1
    value = exif.get(ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


# -- JPEG: drop APP1 (EXIF, XMP), APP13 (IPTC), other APPn and comments ----------------
KEEP_APP = {0xE0: (b"JFIF", b"JFXX"), 0xE2: (b"ICC_PROFILE",), 0xEE: (b"Adobe",)}


def _strip_jpeg(data: bytes) -> bytes:
    head: list[bytes] = []  # JFIF/APP0 must stay first, right after SOI
    kept: list[bytes] = []
    pos = 2
    orientation = 1
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ImageError("JPEG: damaged segment structure")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is compressed image data, kept as is
            exif = [_jpeg_app1(orientation)] if orientation != 1 else []
            return b"".join([b"\xff\xd8", *head, *exif, *kept, data[pos:]])
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            kept.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > len(data):
            raise ImageError("JPEG: truncated")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos : pos + 2 + length]
        payload = segment[4:]
        pos += 2 + length
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            orientation = _orientation_of(payload[6:])
        elif 0xE0 <= marker <= 0xEF:
            if any(payload.startswith(sig) for sig in KEEP_APP.get(marker, ())):
                (head if marker == 0xE0 and not kept else kept).append(segment)
        elif marker != 0xFE:  # everything but comments: tables, frame header …
            kept.append(segment)
    raise ImageError("JPEG: no image data")


def _jpeg_app1(orientation: int) -> bytes:
    payload = b"Exif\x00\x00" + _orientation_exif(orientation)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


# -- PNG: keep the chunks that describe pixels, drop text, time and EXIF ---------------
PNG_KEEP = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"bKGD",
    b"pHYs",
    b"acTL",
    b"fcTL",
    b"fdAT",
    b"hIST",
    b"sPLT",
    b"cICP",
}


def png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(kind, payload, the whole chunk) of each PNG chunk, up to IEND. Shared by the
    stripper and the audit's photo reader, so both read a file the same way."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        yield kind, chunk[8:-4], chunk
        if kind == b"IEND":
            return


def riff_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(kind, payload) of each chunk of a WebP (RIFF) file, its EXIF payload without
    the optional "Exif" prefix."""
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        payload = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if kind == b"EXIF" and payload.startswith(b"Exif\x00\x00"):
            payload = payload[6:]
        yield kind, payload


def _strip_png(data: bytes) -> bytes:
    out = [data[:8]]
    orientation = 1
    for kind, payload, chunk in png_chunks(data):
        if kind == b"eXIf":
            orientation = _orientation_of(payload)
        elif kind in PNG_KEEP:
            if kind == b"IDAT" and orientation != 1:
                out.append(_png_chunk(b"eXIf", _orientation_exif(orientation)))
                orientation = 1
            out.append(chunk)
        if kind == b"IEND":
            return b"".join(out)
    raise ImageError("PNG: truncated")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


# -- WebP: drop the EXIF and XMP chunks, fix the VP8X flags and the RIFF size ----------
def _strip_webp(data: bytes) -> bytes:
    chunks: list[tuple[bytes, bytes]] = []
    orientation = 1
    for kind, payload in riff_chunks(data):
        if kind == b"EXIF":
            orientation = _orientation_of(payload)
        elif kind != b"XMP ":
            chunks.append((kind, payload))
    if orientation != 1:
        chunks.append((b"EXIF", _orientation_exif(orientation)))
    for i, (kind, payload) in enumerate(chunks):
        if kind == b"VP8X":
            flags = payload[0] & ~0x0C | (0x08 if orientation != 1 else 0)
            chunks[i] = (kind, bytes([flags]) + payload[1:])
    body = b"WEBP" + b"".join(
        kind + struct.pack("<I", len(p)) + p + (b"\0" if len(p) & 1 else b"") for kind, p in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


# -- TIFF: re-save losslessly with only the image's own tags ---------------------------

# Pillow turns a TIFF upright as it loads it; undoing that keeps the stored pixels as they
# were, so the Orientation tag written back still describes them.
UNDO_TRANSPOSE = {2: 0, 3: 3, 4: 1, 5: 5, 6: 2, 7: 6, 8: 4}  # orientation → Image.Transpose


def _strip_tiff(data: bytes) -> bytes:
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        orientation = image.tag_v2.get(ORIENTATION, 1)
        compression = image.info.get("compression", "raw")
        frames = []
        for frame in ImageSequence.Iterator(image):
            frame.load()
            copy = frame.copy()
            if orientation in UNDO_TRANSPOSE:
                copy = copy.transpose(Image.Transpose(UNDO_TRANSPOSE[orientation]))
            frames.append(copy)
        out = io.BytesIO()
        info = {ORIENTATION: orientation} if orientation != 1 else {}
        first = frames[0]
        first.info.pop("exif", None)
        first.save(
            out,
            format="TIFF",
            compression=None if compression == "raw" else compression,
            tiffinfo=info,
            save_all=len(frames) > 1,
            append_images=frames[1:],
        )
        return out.getvalue()
