"""Photos as a phone writes them, for the tests of photos at web size: real-looking pixels
(gradients and a little noise, not pure noise), and EXIF with a GPS position, a camera,
an owner and an orientation, plus XMP."""

from __future__ import annotations

import io
import random
import re
import struct

from PIL import Image

GPS_LAT = (48.0, 51.0, 24.0)
OWNER, CAMERA = "Jane Secret Doe", "SpyPhone 12"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description creator="Jane Secret Doe"/></x:xmpmeta>'
)
NO_BASE = re.compile(r"(?m)^publish_originals = true\n")


def defaults(config: str) -> str:
    """A fixture configuration with splitblog's defaults for photos (no originals)."""
    return NO_BASE.sub("", config)


def exif(orientation: int = 1) -> Image.Exif:
    data = Image.Exif()
    data[0x0112] = orientation
    data[0x013B] = OWNER
    data[0x0110] = CAMERA
    gps = data.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LAT, "E", (2.0, 21.0, 3.0)
    return data


def scene(width: int, height: int, seed: int = 1, grain: float = 0.08) -> Image.Image:
    """A photo-like picture: a sky-to-sea gradient with a sun and some grain (`grain`:
    how much; a phone's sensor noise at full size is about 0.25). The grain is Pillow's
    random noise: two calls give two different files."""
    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height))
    red = sky.point(lambda v: 90 + v // 2)
    green = sky.point(lambda v: 140 + v // 3)
    blue = (
        Image.linear_gradient("L").rotate(90).resize((width, height)).point(lambda v: 255 - v // 3)
    )
    image = Image.merge("RGB", (red, green, blue))
    coarse = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 18)
    coarse = coarse.resize((width, height))
    image = Image.blend(image, Image.merge("RGB", (coarse, coarse, coarse)), 0.08)
    if grain > 0.08:  # fine grain, pixel by pixel, in each channel: what costs a JPEG bytes
        fine = [Image.effect_noise((width, height), 40) for _channel in range(3)]
        image = Image.blend(image, Image.merge("RGB", fine), grain - 0.08)
    sun = Image.new("RGB", (width, height), (255, 220, 120))
    mask = Image.new("L", (width, height), 0)
    from PIL import ImageDraw

    x, y, r = rng.randint(0, width), rng.randint(0, height // 2), max(2, width // 12)
    ImageDraw.Draw(mask).ellipse((x - r, y - r, x + r, y + r), fill=220)
    return Image.composite(sun, image, mask)


def phone_jpeg(
    width: int, height: int, orientation: int = 1, seed: int = 1, grain: float = 0.08
) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS, camera and owner, then XMP."""
    out = io.BytesIO()
    scene(width, height, seed, grain).save(out, "JPEG", quality=90, exif=exif(orientation))
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    segment = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
    return data[:2] + segment + data[2:]


def secrets_in(data: bytes) -> list[str]:
    """Which of the phone's secrets a file still holds, in its bytes or its EXIF."""
    found = [s for s in (OWNER, CAMERA, "xmpmeta") if s.encode() in data]
    image = Image.open(io.BytesIO(data))
    if image.getexif():
        found.append("EXIF")
    found += [key for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment") if key in image.info]
    return found
