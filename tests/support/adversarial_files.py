"""Files that carry a secret in their metadata, of every kind splitblog cleans.

`adversarial_file(rng, canary)` returns a file name and bytes of a random kind — JPEG
(EXIF GPS, XMP, IPTC, comments, an MPO's second frame, a motion-photo trailer), PNG,
WebP, TIFF, GIF, AVIF, HEIC, ICO, SVG (Inkscape, Illustrator), .svgz, PDF, .docx,
.xlsx, .pptx, .odt — whose metadata holds `canary` (and nowhere else: not in its
pixels, text or name). A correct build publishes none of it. The makers are used
directly by the tests of each cleaner too.
"""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
from collections.abc import Callable

from PIL import Image, PngImagePlugin, TiffImagePlugin

XMP_TEMPLATE = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{0}"/></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)


def xmp(canary: str) -> bytes:
    return XMP_TEMPLATE.format(canary).encode()


def picture(width: int = 32, height: int = 24, seed: int = 0) -> Image.Image:
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 8 + seed) % 256, (y * 10) % 256, (x * y + seed) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def exif(canary: str, orientation: int = 1) -> Image.Exif:
    """EXIF with the canary as Artist and camera model, a GPS position, Orientation."""
    data = Image.Exif()
    if orientation != 1:
        data[0x0112] = orientation
    data[0x013B] = canary
    data[0x0110] = canary
    gps = data.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 24.0), "E", (2.0, 21.0, 3.0)
    data.get_ifd(0x8769)[0xA431] = canary  # body serial number
    return data


def _segment(marker: bytes, payload: bytes) -> bytes:
    return marker + struct.pack(">H", len(payload) + 2) + payload


def jpeg(canary: str, orientation: int = 1, seed: int = 0, progressive: bool = False) -> bytes:
    """A JPEG with EXIF (GPS), XMP, IPTC and a comment, each holding the canary."""
    out = io.BytesIO()
    picture(seed=seed).save(
        out, "JPEG", quality=90, exif=exif(canary, orientation), comment=canary.encode(),
        progressive=progressive,
    )  # fmt: skip
    data = out.getvalue()
    iptc = (
        b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x12\x1c\x02\x50"
        + bytes([0, len(canary)])
        + canary.encode()
    )
    extra = _segment(b"\xff\xe1", b"http://ns.adobe.com/xap/1.0/\x00" + xmp(canary))
    extra += _segment(b"\xff\xed", iptc)
    return data[:2] + extra + data[2:]


def plain_jpeg(seed: int = 0) -> bytes:
    out = io.BytesIO()
    picture(seed=seed).save(out, "JPEG", quality=90)
    return out.getvalue()


def mpo_second_frame(canary: str) -> bytes:
    """A clean first image, then a second frame (as an MPO holds) with EXIF GPS."""
    return plain_jpeg() + jpeg(canary, seed=7)


def pillow_mpo(canary: str) -> bytes:
    """A real MPO, written by Pillow: an MPF index, and EXIF in each frame."""
    out = io.BytesIO()
    picture().save(out, "MPO", save_all=True, append_images=[picture(seed=9)], exif=exif(canary))
    return out.getvalue()


def motion_photo(canary: str) -> bytes:
    """A phone's motion photo: a clean JPEG, then a video whose own metadata names the
    canary (an MP4's udta box), as Google's and Samsung's cameras append it."""
    video = struct.pack(">I4s4sI4s", 20, b"ftyp", b"mp42", 0, b"isom")
    name = b"\xa9nam" + canary.encode()
    udta = struct.pack(">I4s", 8 + len(name), b"udta") + name
    video += struct.pack(">I4s", 8 + len(udta), b"moov") + udta
    return plain_jpeg(seed=3) + video + b"MotionPhoto_Data" + canary.encode()


def png(canary: str, orientation: int = 1) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", canary)
    info.add_itxt("XML:com.adobe.xmp", xmp(canary).decode())
    info.add_text("Comment", canary, zip=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif(canary, orientation))
    data = out.getvalue()
    return data + b"after the end: " + canary.encode()  # bytes after IEND


def webp(canary: str, orientation: int = 1, lossless: bool = False) -> bytes:
    out = io.BytesIO()
    picture().save(
        out, "WEBP", lossless=lossless, quality=80, exif=exif(canary, orientation), xmp=xmp(canary)
    )
    return out.getvalue()


def tiff(canary: str, orientation: int = 1) -> bytes:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[0x013B] = canary
    info[0x010F] = canary
    info[700] = xmp(canary)
    if orientation != 1:
        info[0x0112] = orientation
    out = io.BytesIO()
    picture().save(
        out, "TIFF", tiffinfo=info, exif=exif(canary, orientation), compression="tiff_lzw"
    )
    return out.getvalue()


def gif(canary: str) -> bytes:
    """An animated GIF with a comment, an XMP application block, a vendor's block."""
    out = io.BytesIO()
    frames = [picture(seed=s).convert("P") for s in (0, 40)]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100,
                   comment=canary.encode())  # fmt: skip
    data = out.getvalue()
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + _sub_blocks(xmp(canary)) + b"\x00"
    vendor = b"\x21\xff\x0bACMEVENDOR1" + _sub_blocks(canary.encode()) + b"\x00"
    return data[:-1] + xmp_block + vendor + b"\x3b" + canary.encode()  # and after the end


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(
        bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)
    )


def avif(canary: str, orientation: int = 1) -> bytes:
    out = io.BytesIO()
    picture().save(
        out, "AVIF", quality=90, exif=exif(canary, orientation).tobytes(), xmp=xmp(canary)
    )
    return out.getvalue()


def heic(canary: str, orientation: int = 1) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    picture().save(
        out, "HEIF", quality=90, exif=exif(canary, orientation).tobytes(), xmp=xmp(canary)
    )
    return out.getvalue()


def ico(canary: str) -> bytes:
    """An icon holding a PNG with a text chunk."""
    image = png(canary).split(b"after the end: ")[0]
    entry = struct.pack("<BBBBHHII", 32, 24, 0, 0, 1, 32, len(image), 22)
    return struct.pack("<HHH", 0, 1, 1) + entry + image


def svg(canary: str) -> bytes:
    """An SVG as Inkscape saves it: RDF metadata, sodipodi:namedview, Inkscape's export
    path (a home folder), a comment, and an embedded photo with EXIF."""
    import base64

    photo = base64.b64encode(jpeg(canary)).decode()
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape by {canary} -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:i="http://ns.adobe.com/AdobeIllustrator/10.0/"
   xmlns:sketch="http://www.bohemiancoding.com/sketch/ns"
   width="40" height="30" viewBox="0 0 40 30" sodipodi:docname="{canary}.svg"
   inkscape:export-filename="/home/{canary}/drawing.png" inkscape:version="1.3">
  <title>A drawing</title>
  <desc>Two shapes</desc>
  <sodipodi:namedview id="namedview1" inkscape:current-layer="layer1" inkscape:window-width="1920"
     inkscape:label="{canary}"/>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:creator><cc:Agent><dc:title>{canary}</dc:title>
  </cc:Agent></dc:creator></cc:Work></rdf:RDF></metadata>
  <i:pgf id="adobe_illustrator_pgf">{canary}</i:pgf>
  <g inkscape:label="{canary} layer" inkscape:groupmode="layer" id="layer1" sketch:type="MSPage">
    <rect x="2" y="2" width="20" height="10" fill="#c33"/>
    <circle cx="30" cy="20" r="6" fill="#36c"/>
    <image width="8" height="6" x="0" y="20" xlink:href="data:image/jpeg;base64,{photo}"/>
  </g>
</svg>
""".encode()


def svgz(canary: str) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(
        filename=f"{canary}.svg", mode="wb", fileobj=out, mtime=1234567890
    ) as handle:
        handle.write(svg(canary))
    return out.getvalue()


def pdf(canary: str) -> bytes:
    """A PDF with /Author, /Title, an XMP stream, a page thumbnail and a comment's author."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": canary, "/Title": f"Notes of {canary}", "/Producer": canary})
    writer.xmp_metadata = xmp(canary)
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
            NameObject("/Contents"): TextStringObject("see page 2"),
            NameObject("/T"): TextStringObject(canary),
        }
    )
    writer.add_annotation(page, note)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(parts: dict[str, bytes], stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(
                name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{0}</dc:creator>'
    '<cp:lastModifiedBy>{0}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">'
    "2024-01-01T00:00:00Z</dcterms:created></cp:coreProperties>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
    'openxmlformats.org/officeDocument/2006/extended-properties"><Template>C:\\Users\\{0}\\Normal.dotm'
    "</Template><Company>{0} Ltd</Company><Application>Microsoft Office Word</Application></Properties>"
)
_OOXML = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def ooxml(canary: str, kind: str = "docx") -> bytes:
    """An Office file with docProps naming the canary, a custom property, a thumbnail
    (a JPEG with EXIF), a comment and a tracked change by the canary, and a photo."""
    main, main_type = _OOXML[kind]
    folder = main.split("/")[0]
    body = (
        f'<w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:body><w:p>'
        f'<w:ins w:id="1" w:author="{canary}" w:date="2024-01-01T00:00:00Z"><w:r><w:t>Hello</w:t></w:r></w:ins>'
        "</w:p></w:body></w:document>"
    )
    comments = f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="{canary}" w:initials="ZZ"><w:p/></w:comment></w:comments>'
    people = (
        '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person '
        f'w15:author="{canary}"><w15:presenceInfo w15:providerId="AD" w15:userId="{canary}@example.com"/>'
        "</w15:person></w15:people>"
    )
    xl_comments = f'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>{canary}</author></authors></comments>'
    custom = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
        f'fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Owner"><vt:lpwstr>{canary}</vt:lpwstr></property></Properties>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
        'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
        f'<Override PartName="/{main}" ContentType="{main_type}"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        "</Types>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="{main}"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
        f'<Relationship Id="rId4" Type="{rel}/custom-properties" Target="docProps/custom.xml"/>'
        '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>'
    )
    settings_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/attachedTemplate" '
        f'Target="file:///C:\\Users\\{canary}\\Templates\\Normal.dotm" TargetMode="External"/></Relationships>'
    )
    parts = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": rels.encode(),
        main: body.encode(),
        f"{folder}/comments.xml": (xl_comments if kind == "xlsx" else comments).encode(),
        f"{folder}/people.xml": people.encode(),
        f"{folder}/settings.xml": f'<w:settings xmlns:w="{W}" xmlns:r="{rel}"><w:attachedTemplate r:id="rId1"/></w:settings>'.encode(),
        f"{folder}/_rels/settings.xml.rels": settings_rels.encode(),
        f"{folder}/media/image1.jpeg": jpeg(canary),
        "docProps/core.xml": _CORE.format(canary).encode(),
        "docProps/app.xml": _APP.format(canary).encode(),
        "docProps/custom.xml": custom.encode(),
        "docProps/thumbnail.jpeg": jpeg(canary),
        "customXml/item1.xml": f"<p:properties xmlns:p='urn:x'><DisplayName>{canary}</DisplayName></p:properties>".encode(),
    }
    return _zip(parts)


def odf(canary: str, kind: str = "odt") -> bytes:
    """An OpenDocument with meta.xml naming the canary, an annotation and a tracked
    change by the canary, printer settings, a thumbnail and a photo."""
    mimetype = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}[kind]
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    meta_ns = 'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
    text_ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {office} {dc} {meta_ns} office:version="1.3">'
        f"<office:meta><meta:initial-creator>{canary}</meta:initial-creator><dc:creator>{canary}</dc:creator>"
        f'<meta:generator>LibreOffice</meta:generator><meta:user-defined meta:name="Owner">{canary}</meta:user-defined>'
        "</office:meta></office:document-meta>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {office} {dc} {text_ns} {meta_ns} office:version="1.3">'
        '<office:body><office:text><text:tracked-changes><text:changed-region text:id="c1"><text:insertion>'
        f"<office:change-info><dc:creator>{canary}</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info>"
        "</text:insertion></text:changed-region></text:tracked-changes><text:p>Hello"
        f"<office:annotation><dc:creator>{canary}</dc:creator><meta:creator-initials>ZZ</meta:creator-initials>"
        "<text:p>a note</text:p></office:annotation></text:p></office:text></office:body></office:document-content>"
    )
    settings = (
        f'<office:document-settings {office} xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">'
        f'<config:config-item config:name="PrinterName" config:type="string">{canary} printer</config:config-item>'
        "</office:document-settings>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/>'
        '<manifest:file-entry manifest:full-path="Pictures/photo.jpg" manifest:media-type="image/jpeg"/>'
        "</manifest:manifest>"
    )
    parts = {
        "mimetype": f"application/vnd.oasis.opendocument.{mimetype}".encode(),
        "content.xml": content.encode(),
        "meta.xml": meta.encode(),
        "settings.xml": settings.encode(),
        "Thumbnails/thumbnail.png": png(canary),
        "Pictures/photo.jpg": jpeg(canary),
        "META-INF/manifest.xml": manifest.encode(),
    }
    return _zip(parts, stored=("mimetype",))


# name maker: the kind's usual suffixes, and some a careless or hostile name would have
MAKERS: dict[str, tuple[Callable[[str, random.Random], bytes], tuple[str, ...]]] = {
    "jpeg": (lambda c, r: jpeg(c, r.choice([1, 3, 6, 8]), progressive=r.random() < 0.3),
             ("jpg", "jpeg", "JPG", "jfif", "png", "webp")),
    "mpo": (lambda c, r: mpo_second_frame(c), ("jpg", "mpo.jpg", "JPG")),
    "pillow-mpo": (lambda c, r: pillow_mpo(c), ("jpg", "MPO.jpg")),
    "motion": (lambda c, r: motion_photo(c), ("jpg", "MP.jpg")),
    "png": (lambda c, r: png(c, r.choice([1, 6])), ("png", "PNG", "apng", "jpg")),
    "webp": (lambda c, r: webp(c, r.choice([1, 8]), r.random() < 0.5), ("webp", "png")),
    "tiff": (lambda c, r: tiff(c, r.choice([1, 6])), ("tif", "tiff")),
    "gif": (lambda c, r: gif(c), ("gif", "GIF", "png")),
    "avif": (lambda c, r: avif(c, r.choice([1, 6])), ("avif", "jpg")),
    "heic": (lambda c, r: heic(c), ("heic", "HEIC", "heif")),
    "ico": (lambda c, r: ico(c), ("ico",)),
    "svg": (lambda c, r: svg(c), ("svg", "SVG")),
    "svgz": (lambda c, r: svgz(c), ("svgz",)),
    "pdf": (lambda c, r: pdf(c), ("pdf", "PDF")),
    "docx": (lambda c, r: ooxml(c, "docx"), ("docx",)),
    "xlsx": (lambda c, r: ooxml(c, "xlsx"), ("xlsx",)),
    "pptx": (lambda c, r: ooxml(c, "pptx"), ("pptx",)),
    "odt": (lambda c, r: odf(c, "odt"), ("odt",)),
    "ods": (lambda c, r: odf(c, "ods"), ("ods",)),
}  # fmt: skip


def adversarial_file(rng: random.Random, canary: str, kind: str | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a random kind (or `kind`), carrying `canary` in metadata."""
    kind = kind or rng.choice(sorted(MAKERS))
    make, suffixes = MAKERS[kind]
    data = make(canary, rng)
    assert holds(data, canary), kind
    stem = rng.choice(["photo", "IMG_0042", "scan", "drawing", "notes", "file-1"])
    return f"{stem}-{rng.randrange(1000)}.{rng.choice(suffixes)}", data


def holds(data: bytes, canary: str) -> bool:
    """Whether the canary is in the bytes, or in any part of them once unzipped (a ZIP's
    entries, gzip data), in any letter case."""
    wanted = canary.lower().encode()
    if wanted in data.lower():
        return True
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(holds(archive.read(name), canary) for name in archive.namelist())
    if data[:2] == b"\x1f\x8b":
        return holds(gzip.decompress(data), canary)
    return False
