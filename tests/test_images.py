"""Photo metadata: GPS, owner, serial and XMP/IPTC/text gone; pixels and orientation kept."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin, TiffImagePlugin

from splitblog.site.cleaning import CleanError, Mismatch, clean

from .conftest import Project

strip_metadata = clean  # the one entry point: what stripping was, for every kind

ARTIST, SERIAL, MAKE = "Jane Secret Doe", "SN-998877", "SpyCam"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description creator="Jane Secret Doe"/></x:xmpmeta>'
)


def exif(orientation: int = 6) -> Image.Exif:
    data = Image.Exif()
    data[0x0112] = orientation
    data[0x013B] = ARTIST
    data[0x010F] = MAKE
    gps = data.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 24.0), "E", (2.0, 21.0, 3.0)
    data.get_ifd(0x8769)[0xA431] = SERIAL
    return data


def picture() -> Image.Image:
    image = Image.new("RGB", (32, 24))
    image.putdata(
        [((x * 8) % 256, (y * 10) % 256, (x * y) % 256) for y in range(24) for x in range(32)]
    )
    return image


def jpeg_with_everything() -> bytes:
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=90, exif=exif(), comment=b"owner: " + ARTIST.encode())
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    iptc = (
        b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x12\x1c\x02\x50\x00\x0e"
        + ARTIST.encode()
    )
    segments = b"".join(
        marker + struct.pack(">H", len(payload) + 2) + payload
        for marker, payload in ((b"\xff\xe1", xmp), (b"\xff\xed", iptc))
    )
    return data[:2] + segments + data[2:]


def assert_clean(data: bytes) -> None:
    for secret in (ARTIST.encode(), SERIAL.encode(), MAKE.encode(), b"xmpmeta", b"Photoshop 3.0"):
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    found = image.getexif()
    assert 0x8825 not in found and 0x013B not in found and 0x010F not in found
    assert not found.get_ifd(0x8825)


def scan_data(jpeg: bytes) -> bytes:
    return jpeg[jpeg.index(b"\xff\xda") :]


def test_jpeg_is_stripped_losslessly_and_keeps_orientation() -> None:
    original = jpeg_with_everything()
    assert ARTIST.encode() in original and b"xmpmeta" in original
    stripped = strip_metadata(original, "photo.jpg")
    assert_clean(stripped)
    assert scan_data(stripped) == scan_data(original)  # compressed data copied byte for byte
    assert Image.open(io.BytesIO(stripped)).getexif()[0x0112] == 6
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_png_text_and_exif_chunks_are_removed() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ARTIST)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", f"serial {SERIAL}", zip=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif(3))
    original = out.getvalue()
    stripped = strip_metadata(original, "photo.png")
    assert_clean(stripped)
    assert b"tEXt" not in stripped and b"zTXt" not in stripped and b"iTXt" not in stripped
    image = Image.open(io.BytesIO(stripped))
    assert image.getexif()[0x0112] == 3
    assert image.tobytes() == picture().tobytes()
    _check_png_crcs(stripped)


def _check_png_crcs(data: bytes) -> None:
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk = data[pos + 4 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(chunk) & 0xFFFFFFFF == crc
        pos += 12 + length


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_exif_and_xmp_are_removed(lossless: bool) -> None:
    out = io.BytesIO()
    picture().save(out, "WEBP", lossless=lossless, quality=80, exif=exif(8), xmp=XMP)
    original = out.getvalue()
    assert ARTIST.encode() in original
    stripped = strip_metadata(original, "photo.webp")
    assert_clean(stripped)
    image = Image.open(io.BytesIO(stripped))
    assert image.getexif()[0x0112] == 8
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_tiff_tags_are_removed_pixels_kept() -> None:
    out = io.BytesIO()
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[0x013B] = ARTIST
    info[0x010F] = MAKE
    info[700] = XMP
    info[0x0112] = 6
    picture().save(out, "TIFF", tiffinfo=info, exif=exif(), compression="tiff_lzw")
    original = out.getvalue()
    assert ARTIST.encode() in original
    stripped = strip_metadata(original, "scan.tif")
    assert_clean(stripped)
    image = Image.open(io.BytesIO(stripped))
    assert image.tag_v2.get(0x0112) == 6 and image.tag_v2[256] == 32  # stored as before
    assert image.info.get("compression") == "tiff_lzw"
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()  # both shown upright


def test_not_an_image() -> None:
    with pytest.raises(Mismatch):  # text named as a photo is never published
        strip_metadata(b"not a picture", "x.jpg")
    with pytest.raises(CleanError):  # a JPEG's start, then nothing
        strip_metadata(b"\xff\xd8\xff\xe0\x00\x10JFIF", "x.jpg")


def test_build_strips_bundle_photos_and_avatars(project: Project) -> None:
    project.write_bytes("me.jpg", jpeg_with_everything())
    text = (
        (project.root / "splitblog.toml")
        .read_text()
        .replace(
            'author = { name = "Pat Pro", email = "pat@pro.example.com" }',
            'author = { name = "Pat Pro", email = "pat@pro.example.com", avatar = "me.jpg" }',
        )
    )
    (project.root / "splitblog.toml").write_text(text)
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![beach](beach.jpg)\n",
    )
    project.write_bytes("content/posts/2026-01-01-trip/beach.jpg", jpeg_with_everything())
    project.build()
    for site in ("professional", "personal"):
        assert_clean((project.out(site) / "posts/trip/beach.jpg").read_bytes())
    assert_clean((project.out("professional") / "me.jpg").read_bytes())
    cached = list((project.root / ".splitblog/images").iterdir())
    assert len(cached) == 1  # one stripped copy, reused by both sites and later builds


def test_keep_image_metadata_copies_the_original(project: Project) -> None:
    text = (
        (project.root / "splitblog.toml")
        .read_text()
        .replace('theme = "personal"', 'theme = "personal"\nkeep_image_metadata = true')
    )
    (project.root / "splitblog.toml").write_text(text)
    original = jpeg_with_everything().replace(ARTIST.encode(), b"Jane Public Doe")
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![beach](beach.jpg)\n",
    )
    project.write_bytes("content/posts/2026-01-01-trip/beach.jpg", original)
    project.build()
    assert (project.out("personal") / "posts/trip/beach.jpg").read_bytes() == original
    assert_clean(
        (project.out("professional") / "posts/trip/beach.jpg")
        .read_bytes()
        .replace(b"Jane Public Doe", b"")
    )
    assert (
        b"Jane Public Doe"
        not in (project.out("professional") / "posts/trip/beach.jpg").read_bytes()
    )
