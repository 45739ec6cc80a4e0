"""Photos re-encoded at web size: one original decoded once, turned upright, resized to
each width it is published in and written as WebP, in its own format and (when asked)
as AVIF — with no metadata at all.

Re-encoding is what drops the metadata here (site/cleaning/ filters containers without
touching the pixels; a resized photo has new pixels anyway): the new image starts with
empty `info`, so no EXIF, XMP, IPTC, comment or text chunk is carried over, and only the
colour profile is given back (colours, not words: the cleaners keep it too). The
orientation is applied to the pixels, so no Orientation tag is needed either.

The output depends on the original's bytes and the settings alone (no time, no
randomness, one thread per encoder), so two builds give the same bytes — which the
independence proof needs.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

# Bump when what an encoder writes changes: every cached variant is made again.
ENCODER_VERSION = "1"
# Formats a variant is written in → (Pillow's name, file suffix, MIME type).
FORMATS = {
    "webp": ("WEBP", "webp", "image/webp"),
    "jpeg": ("JPEG", "jpg", "image/jpeg"),
    "png": ("PNG", "png", "image/png"),
    "avif": ("AVIF", "avif", "image/avif"),
}
QUALITY = {"webp": 80, "jpeg": 82, "avif": 60}
ORIENTATION = 0x0112


@dataclass(frozen=True)
class Measured:
    """An original photo as a reader sees it: upright size, animated or not."""

    width: int
    height: int
    animated: bool


@functools.cache
def avif_written() -> bool:
    """Whether the installed Pillow writes AVIF."""
    from PIL import features

    return bool(features.check("avif"))


@functools.cache
def encoder_key(fmt: str) -> str:
    """Part of every cached variant's name: the encoder, its version and its settings."""
    from PIL import features

    parts = [ENCODER_VERSION, fmt, QUALITY.get(fmt), version("pillow")]
    parts += [features.version(lib) for lib in ("webp", "jpg", "zlib", "avif")]
    return hashlib.blake2b(repr(parts).encode(), digest_size=5).hexdigest()


def measure(path: Path) -> Measured:
    """The upright size of a photo, read from its header (no pixels are decoded)."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        orientation = image.getexif().get(ORIENTATION, 1)
        animated = bool(getattr(image, "is_animated", False))
    if orientation in (5, 6, 7, 8):  # turned a quarter: the reader sees it the other way
        width, height = height, width
    return Measured(width, height, animated)


def encode(path: Path, wanted: list[tuple[int, str]]) -> dict[tuple[int, str], bytes]:
    """The original at `path`, upright, at each (width, format) of `wanted`."""
    from PIL import Image, ImageOps

    largest = max(width for width, _fmt in wanted)
    with Image.open(path) as original:
        icc = original.info.get("icc_profile")
        stored_w, stored_h = original.size
        turned = original.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        upright_w = stored_h if turned else stored_w
        if original.format == "JPEG":  # decode at the smallest scale still large enough
            scale = largest / upright_w
            original.draft(
                "RGB", (max(1, round(stored_w * scale)), max(1, round(stored_h * scale)))
            )
        image = ImageOps.exif_transpose(original)
        image.load()
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
        cmyk = image.mode == "CMYK"
        image = image.convert("RGBA" if alpha else "RGB")
        if cmyk:
            icc = None  # a CMYK profile does not describe the RGB pixels
    out: dict[tuple[int, str], bytes] = {}
    for width, fmt in sorted(wanted, reverse=True):
        height = max(1, round(image.height * width / image.width))
        resized = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        out[(width, fmt)] = _save(resized, fmt, icc)
    return out


def _save(image: object, fmt: str, icc: bytes | None) -> bytes:
    from PIL import Image

    assert isinstance(image, Image.Image)
    if fmt in ("webp", "avif") and image.mode in ("L", "LA"):
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    if fmt == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # JPEG has no alpha: a PNG's own format is PNG
    image = image.copy()
    image.info = {}  # nothing of the original's metadata reaches the encoder
    buffer = io.BytesIO()
    name = FORMATS[fmt][0]
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "jpeg":
        options |= {"quality": QUALITY["jpeg"], "optimize": True, "progressive": True}
    elif fmt == "webp":
        options |= {"quality": QUALITY["webp"], "method": 4}
    elif fmt == "avif":
        options |= {"quality": QUALITY["avif"], "speed": 6, "max_threads": 1}
    elif fmt == "png":
        options |= {"optimize": False, "compress_level": 9}
    image.save(buffer, name, **options)
    return buffer.getvalue()
