"""TIFF: pixels and metadata share one structure, so the file is re-saved by Pillow with
the same compression (lossless) and only the tags an image needs — no EXIF, GPS, XMP,
IPTC, Photoshop data, Artist, Make, Model, Software or DateTime — and the Orientation."""

from __future__ import annotations

import io

from splitblog.site.cleaning.orientation import ORIENTATION

# Pillow turns a TIFF upright as it loads it; undoing that keeps the stored pixels as they
# were, so the Orientation tag written back still describes them.
UNDO_TRANSPOSE = {2: 0, 3: 3, 4: 1, 5: 5, 6: 2, 7: 6, 8: 4}  # orientation → Image.Transpose
# What a frame's info may keep when it is saved again: how to show it, nothing of who made it.
KEEP_INFO = ("icc_profile", "dpi", "resolution")


def clean(data: bytes) -> bytes:
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
            copy.info = {k: v for k, v in frame.info.items() if k in KEEP_INFO}
            frames.append(copy)
        out = io.BytesIO()
        info = {ORIENTATION: orientation} if orientation != 1 else {}
        frames[0].save(
            out,
            format="TIFF",
            compression=None if compression == "raw" else compression,
            tiffinfo=info,
            save_all=len(frames) > 1,
            append_images=frames[1:],
        )
        return out.getvalue()
