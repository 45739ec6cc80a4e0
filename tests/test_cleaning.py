"""Each cleaner on its own: what it removes, what it keeps, what it refuses.

Every file is made here for real (Pillow, pillow-heif, pypdf, zipfile) with a secret in
its metadata; the cleaned bytes must not hold it, must still open, must keep what draws
the image (pixels, orientation, animation) — and cleaning must be deterministic (the
independence proof builds twice) and idempotent.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile

import pytest
from PIL import Image

from splitblog.audit.metadata import AFTER, COMMENT, EDITOR, UNREADABLE, metadata_in
from splitblog.site.cleaning import CleanError, Mismatch, UnknownKind, clean, kind_of

from .support import adversarial_files as make
from .support.adversarial_files import MAKERS, adversarial_file, holds

SECRET = "QxJaneSecretDoe"
XMLNS = 'xmlns="http://www.w3.org/2000/svg"'


def pixels(data: bytes) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_every_kind_is_cleaned_deterministically_and_idempotently(kind: str) -> None:
    name, data = adversarial_file(random.Random(kind), SECRET, kind)
    cleaned = clean(data, name)
    assert not holds(cleaned, SECRET)
    assert metadata_in(cleaned) == []  # the audit's own reading agrees
    assert metadata_in(data) != []  # … and it does see the original's
    assert clean(data, name) == cleaned
    again = clean(cleaned, name)
    # pypdf renumbers the objects the first pass freed: the same document, other bytes
    assert again == cleaned or (kind == "pdf" and clean(again, name) == again)


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "avif", "heic", "gif", "tiff"])
def test_photos_keep_their_pixels(kind: str) -> None:
    _name, data = adversarial_file(random.Random(2), SECRET, kind)
    assert pixels(clean(data, "x")) == pixels(data)


@pytest.mark.parametrize(("kind", "orientation"), [("jpeg", 6), ("png", 3), ("webp", 8)])
def test_orientation_alone_is_kept(kind: str, orientation: int) -> None:
    data = getattr(make, kind)(SECRET, orientation)
    with Image.open(io.BytesIO(clean(data, "x"))) as image:
        exif = image.getexif()
        assert dict(exif) == {0x0112: orientation}
        assert not exif.get_ifd(0x8825)


def test_avif_and_heic_keep_their_rotation_in_the_container() -> None:
    for maker in (make.avif, make.heic):
        data = maker(SECRET, 6)
        cleaned = clean(data, "x")
        assert len(cleaned) == len(data)  # rewritten in place: no offset moved
        assert b"irot" in cleaned or b"irot" not in data
        assert pixels(cleaned) == pixels(data)


def test_jpeg_everything_after_the_first_image_is_dropped() -> None:
    for data in (make.mpo_second_frame(SECRET), make.pillow_mpo(SECRET), make.motion_photo(SECRET)):
        cleaned = clean(data, "x.jpg")
        assert cleaned.endswith(b"\xff\xd9") and cleaned.count(b"\xff\xd8") == 1
        assert not holds(cleaned, SECRET) and b"ftyp" not in cleaned and b"MPF" not in cleaned
        with Image.open(io.BytesIO(cleaned)) as image:
            assert getattr(image, "n_frames", 1) == 1


def test_jpeg_progressive_scans_and_tables_between_them_are_kept() -> None:
    data = make.jpeg(SECRET, progressive=True)
    assert data.count(b"\xff\xda") > 1
    cleaned = clean(data, "x.jpg")
    assert cleaned.count(b"\xff\xda") == data.count(b"\xff\xda")
    assert pixels(cleaned) == pixels(data)


def test_jpeg_a_comment_between_scans_and_a_jfif_thumbnail_are_dropped() -> None:
    data = make.jpeg(SECRET, progressive=True)
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    comment = b"\xff\xfe" + struct.pack(">H", len(SECRET) + 2) + SECRET.encode()
    thumb = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x01\x01" + b"Qx\x00"  # a 1×1 thumbnail
    jfif = b"\xff\xe0" + struct.pack(">H", len(thumb) + 2) + thumb
    data = data[:2] + jfif + data[2:second_scan] + comment + data[second_scan:]
    assert COMMENT in metadata_in(data)
    cleaned = clean(data, "x.jpg")
    assert SECRET.encode() not in cleaned and b"Qx\x00" not in cleaned
    assert metadata_in(cleaned) == []


def test_jpeg_without_an_end_is_refused() -> None:
    data = make.plain_jpeg()
    with pytest.raises(CleanError, match="truncated"):
        clean(data[:-2], "x.jpg")
    assert UNREADABLE in metadata_in(data[:-2])


def test_the_audit_sees_data_after_a_jpeg_png_gif_and_webp() -> None:
    for data in (make.plain_jpeg() + b"tail", make.png(SECRET), make.gif(SECRET)):
        assert AFTER in metadata_in(data)
    webp = make.webp(SECRET)
    assert AFTER in metadata_in(clean(webp, "x") + b"trailer")


def test_gif_keeps_its_animation_and_loop() -> None:
    data = make.gif(SECRET)
    cleaned = clean(data, "x.gif")
    assert b"XMP DataXMP" not in cleaned and b"ACMEVENDOR1" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.n_frames == 2 and image.info.get("loop") == 0
        assert "comment" not in image.info


def test_svg_keeps_what_draws_and_its_title() -> None:
    from lxml import etree

    cleaned = clean(make.svg(SECRET), "drawing.svg")
    root = etree.fromstring(cleaned)
    names = {etree.QName(n).localname for n in root.iter() if isinstance(n.tag, str)}
    assert {"svg", "title", "desc", "rect", "circle", "image", "g"} <= names
    assert "metadata" not in names and "namedview" not in names and "pgf" not in names
    assert b"inkscape" not in cleaned and b"sodipodi" not in cleaned and b"<!--" not in cleaned
    assert root.find("{http://www.w3.org/2000/svg}title").text == "A drawing"
    assert b"/home/" not in cleaned


@pytest.mark.parametrize(
    "svg",
    [
        f"<svg {XMLNS}><script>alert(1)</script></svg>",
        f"<svg {XMLNS} onload='alert(1)'/>",
        f"<svg {XMLNS}><rect ONCLICK='x()'/></svg>",
        f"<svg {XMLNS} xmlns:x='http://www.w3.org/1999/xlink'><a x:href=' java&#x09;script:x()'><rect/></a></svg>",
        f"<svg {XMLNS}><a href='JaVaScRiPt:alert(1)'/></svg>",
        f"<svg {XMLNS}><set attributeName='href' to='javascript:alert(1)'/></svg>",
        f"<svg {XMLNS}><foreignObject><iframe xmlns='http://www.w3.org/1999/xhtml' src='x'/></foreignObject></svg>",
        f"<svg {XMLNS}><s:script xmlns:s='http://www.w3.org/2000/svg'/></svg>",
    ],
)
def test_svg_that_would_run_code_is_refused(svg: str) -> None:
    with pytest.raises(CleanError):
        clean(svg.encode(), "x.svg")


@pytest.mark.parametrize(
    "svg",
    [
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f"<svg {XMLNS}><text>&b;</text></svg>",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<svg {XMLNS}><text>&x;</text></svg>",
        f"<svg {XMLNS}><rect></svg>",
    ],
)
def test_svg_with_entities_or_broken_xml_is_refused(svg: str) -> None:
    with pytest.raises(CleanError):
        clean(svg.encode(), "x.svg")


def test_svg_in_an_unknown_namespace_loses_it_and_the_audit_sees_it() -> None:
    data = f"<svg {XMLNS} xmlns:new='https://editor.example/ns' new:user='{SECRET}'><new:state>{SECRET}</new:state><rect/></svg>".encode()
    assert EDITOR in metadata_in(data)
    cleaned = clean(data, "x.svg")
    assert SECRET.encode() not in cleaned and b"<rect" in cleaned


def test_pdf_keeps_its_pages_and_annotations_without_their_authors() -> None:
    from pypdf import PdfReader

    cleaned = clean(make.pdf(SECRET), "x.pdf")
    reader = PdfReader(io.BytesIO(cleaned))
    assert len(reader.pages) == 1 and not reader.metadata and reader.xmp_metadata is None
    annotation = reader.pages[0]["/Annots"][0].get_object()
    assert annotation["/Contents"] == "see page 2" and "/T" not in annotation
    assert b"xpacket" not in cleaned and b"pypdf" not in cleaned  # no producer either


def test_pdf_with_attachments_or_encryption_is_refused() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_attachment("secret.txt", b"anything")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(CleanError, match="attached"):
        clean(out.getvalue(), "x.pdf")
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.encrypt("pw")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(CleanError, match="encrypted"):
        clean(out.getvalue(), "x.pdf")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {i.filename: archive.read(i) for i in archive.infolist()}


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_office_properties_authors_and_template_path_go_but_the_package_holds(kind: str) -> None:
    from lxml import etree

    parts = _parts(clean(make.ooxml(SECRET, kind), f"x.{kind}"))
    assert "docProps/custom.xml" not in parts and "docProps/thumbnail.jpeg" not in parts
    assert not any(n.startswith("customXml/") for n in parts)
    core = etree.fromstring(parts["docProps/core.xml"])
    assert len(core) == 0
    # every relationship still points at a part that exists, every override at a part
    for name, data in parts.items():
        if name.endswith(".rels"):
            for rel in etree.fromstring(data):
                assert "Normal.dotm" not in rel.get("Target")
                if rel.get("TargetMode") != "External":
                    folder = name.rsplit("_rels/", 1)[0]
                    target = rel.get("Target")
                    assert (
                        target.lstrip("/") if target.startswith("/") else folder + target
                    ) in parts
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types:
        if override.get("PartName"):
            assert override.get("PartName").lstrip("/") in parts
    # prefixes and Ignorable declarations as Word wrote them
    main = next(
        v
        for k, v in parts.items()
        if k.endswith(("document.xml", "workbook.xml", "presentation.xml"))
    )
    assert b'mc:Ignorable="w14"' in main and b"xmlns:w14=" in main
    assert b'w:author="Author"' in main


def test_opendocument_meta_settings_and_thumbnail_go_mimetype_stays_first() -> None:
    cleaned = clean(make.odf(SECRET, "odt"), "x.odt")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b""
    parts = _parts(cleaned)
    assert "settings.xml" not in parts and "Thumbnails/thumbnail.png" not in parts
    assert b"<office:meta/>" in parts["meta.xml"]
    assert b"settings.xml" not in parts["META-INF/manifest.xml"]
    assert b"Thumbnails" not in parts["META-INF/manifest.xml"]
    assert b"<dc:creator>Author</dc:creator>" in parts["content.xml"]


def test_zip_entries_lose_their_timestamps() -> None:
    cleaned = clean(make.ooxml(SECRET, "docx"), "x.docx")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_document_with_macros_is_refused() -> None:
    data = make.ooxml(SECRET, "docx")
    parts = _parts(data)
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    with pytest.raises(CleanError, match=r"vbaProject\.bin"):
        clean(out.getvalue(), "x.docm")


def test_a_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from splitblog.site.cleaning import archive as limits

    monkeypatch.setattr(limits, "MAX_RATIO", 2)  # the real limits, scaled down
    monkeypatch.setattr(limits, "MAX_TOTAL", 1 << 21)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<a>" + b" " * (3 << 20) + b"</a>")
    with pytest.raises(CleanError, match="bomb"):
        clean(out.getvalue(), "x.docx")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (make.plain_jpeg(), "jpeg"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heic", "heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "avif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00mp41", "video"),
        (b"<?xml version='1.0'?>\n<!-- c -->\n<svg/>", "svg"),
        (b"<!doctype html><svg/>", "text"),
        (b"plain\x00binary", "binary"),
        ("café".encode("latin-1"), "not-utf8"),
    ],
)
def test_kinds_are_told_by_content(data: bytes, kind: str) -> None:
    assert kind_of(data) == kind


def test_names_that_lie_and_kinds_without_a_cleaner() -> None:
    with pytest.raises(Mismatch):
        clean(b"<html><body>hi</body></html>", "photo.jpeg")
    with pytest.raises(Mismatch):
        clean(make.plain_jpeg(), "notes.txt")
    with pytest.raises(UnknownKind):
        clean(b"wOF2" + bytes(20), "font.bin")  # a font only by its name
    with pytest.raises(UnknownKind):
        clean(b"text without a suffix", "LICENSE")
