"""The one piece of a photo's metadata that is kept: which way up it is shown."""

from __future__ import annotations

ORIENTATION = 0x0112


def orientation_exif(orientation: int) -> bytes:
    """A minimal EXIF block (TIFF structure, no "Exif" prefix) holding only Orientation."""
    from PIL import Image

    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()[6:]


def orientation_of(exif_tiff: bytes) -> int:
    """The Orientation an EXIF block (TIFF structure) holds; 1 (upright) when it holds
    none, or is too damaged to read."""
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(exif_tiff if exif_tiff.startswith(b"Exif") else b"Exif\x00\x00" + exif_tiff)
    except Exception:  # a damaged EXIF block: the photo simply has no orientation
        return 1
    value = exif.get(ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1
