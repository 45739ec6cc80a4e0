"""A site publishes a file only if splitblog can clean it — end to end, through the CLI.

Every kind splitblog cleans is published without the secret planted in its metadata and
still opens; the audit reads every kind by itself when a cleaner is bypassed; kinds it
cannot clean stop the build naming the file and the post, unless `publish_as_is` names
them; a name that lies about a file is refused; a file rewritten behind the cache's
back (same size, same mtime) is cleaned and audited again.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import zipfile

import pytest
from PIL import Image

from .conftest import Project
from .support.adversarial_files import MAKERS, adversarial_file, holds, jpeg, plain_jpeg

PRO, HOME = "professional", "personal"
BUNDLE = "content/posts/2026-01-01-trip"
POST = f"{BUNDLE}/index.md"
KINDS = {  # kind → the file name it is published under
    "jpeg": "photo.jpg",
    "mpo": "pair.jpg",
    "pillow-mpo": "stereo.mpo.jpg",
    "motion": "PXL_0001.MP.jpg",
    "png": "shot.png",
    "webp": "web.webp",
    "tiff": "scan.tif",
    "gif": "loop.gif",
    "avif": "new.avif",
    "heic": "iphone.heic",
    "ico": "icon.ico",
    "svg": "drawing.svg",
    "svgz": "small.svgz",
    "pdf": "slides.pdf",
    "docx": "letter.docx",
    "xlsx": "sums.xlsx",
    "pptx": "talk.pptx",
    "odt": "essay.odt",
    "ods": "table.ods",
}


def canary(kind: str) -> str:
    return f"Qx{kind.replace('-', '')}Secret"


def bundle(project: Project, files: dict[str, bytes], audience: str = "all") -> None:
    links = "\n".join(f"- [{name}]({name})" for name in files)
    project.write(POST, f"---\ntitle: Trip\ndate: 2026-01-01\naudience: {audience}\n---\n{links}\n")
    for name, data in files.items():
        project.write_bytes(f"{BUNDLE}/{name}", data)


def every_kind() -> dict[str, bytes]:
    rng = random.Random(5)
    return {name: MAKERS[kind][0](canary(kind), rng) for kind, name in KINDS.items()}


def set_site(project: Project, site: str, line: str) -> None:
    path = project.root / "splitblog.toml"
    text = path.read_text()
    anchor = f'theme = "{site}"'
    path.write_text(text.replace(anchor, f"{anchor}\n{line}", 1))


def assert_opens(name: str, data: bytes) -> None:
    """The published file is still a file of its kind that its readers open."""
    suffix = name.rsplit(".", 1)[1]
    if suffix in ("jpg", "png", "webp", "tif", "gif", "avif", "heic", "ico"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            assert image.size[0] > 0
    elif suffix == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1 and not reader.metadata and reader.xmp_metadata is None
    elif suffix in ("docx", "xlsx", "pptx", "odt", "ods"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
    elif suffix in ("svg", "svgz"):
        import gzip

        import defusedxml.ElementTree as ET

        root = ET.fromstring(gzip.decompress(data) if suffix == "svgz" else data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_every_kind_is_published_without_its_metadata(project: Project) -> None:
    files = every_kind()
    for kind, name in KINDS.items():
        assert holds(files[name], canary(kind)), kind  # planted
    bundle(project, files)
    project.build()
    for site in (PRO, HOME):
        for kind, name in KINDS.items():
            published = (project.out(site) / "posts/trip" / name).read_bytes()
            assert not holds(published, canary(kind)), (site, name)
            assert_opens(name, published)
    # the orientation is the one piece kept: the photo still shows the right way up
    for name in ("shot.png", "web.webp"):
        with Image.open(project.out(PRO) / "posts/trip" / name) as image:
            assert image.getexif().get(0x0112, 1) in (1, 6, 8)
    cached = list((project.root / ".splitblog/images").iterdir())
    assert len(cached) == len(KINDS)  # cleaned once for both sites


def test_orientation_is_kept(project: Project) -> None:
    bundle(project, {"up.jpg": jpeg("QxRotSecret", orientation=6)})
    project.build()
    published = (project.out(PRO) / "posts/trip/up.jpg").read_bytes()
    assert b"QxRotSecret" not in published
    with Image.open(io.BytesIO(published)) as image:
        assert image.getexif()[0x0112] == 6


def test_the_audit_reads_every_kind_when_a_cleaner_lets_it_through(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle(project, every_kind())
    monkeypatch.setattr("splitblog.site.files.clean_as", lambda kind, data, *a, **k: data)
    result = project.run("build")
    assert result.exit_code == 1, result.output
    audit = [line for line in result.stderr.splitlines() if line.startswith("audit: ")]
    for name in KINDS.values():
        assert any(f"professional/posts/trip/{name} contains" in line for line in audit), name
        assert any(f"personal/posts/trip/{name} contains" in line for line in audit), name
    assert not project.out(PRO).exists()  # nothing written


def test_documents_are_cleaned_and_read_where_a_site_keeps_photo_metadata(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_site(project, HOME, "keep_image_metadata = true")
    files = {"photo.jpg": jpeg("QxKeptSecret"), "slides.pdf": every_kind()["slides.pdf"]}
    bundle(project, files)
    project.build()
    home = project.out(HOME) / "posts/trip"
    assert (home / "photo.jpg").read_bytes() == files["photo.jpg"]  # kept, as asked
    assert not holds((home / "slides.pdf").read_bytes(), canary("pdf"))  # always cleaned
    assert not holds((project.out(PRO) / "posts/trip/photo.jpg").read_bytes(), "QxKeptSecret")
    monkeypatch.setattr("splitblog.site.files.clean_as", lambda kind, data, *a, **k: data)
    for kept in (project.root / ".splitblog").iterdir():  # the caches, not the writer's record
        if kept.name != "trees":
            shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
    result = project.run("build")
    assert result.exit_code == 1
    assert "audit: personal/posts/trip/slides.pdf contains" in result.stderr
    assert "audit: personal/posts/trip/photo.jpg" not in result.stderr


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("archive.zip", b"PK\x03\x04" + bytes(26) + b"not office"),
        ("keynote.key", b"\x00\x01binary keynote"),
        ("README", b"plain text with no extension\n"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isom" + bytes(8)),
        ("data.bin", random.Random(3).randbytes(64)),
    ],
    ids=["zip", "keynote", "no-suffix", "video", "binary"],
)
def test_a_kind_splitblog_cannot_clean_stops_the_build(
    project: Project, name: str, data: bytes
) -> None:
    project.post("2026-01-02-other", PRO, title="Other")
    project.build()
    before = project.files(PRO)
    bundle(project, {name: data})
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert f"{BUNDLE}/{name}: not published" in result.stderr
    assert f"(used by {POST})" in result.stderr
    assert "publish_as_is" in result.stderr and "Traceback" not in result.output
    assert project.files(PRO) == before  # the previous output untouched


def test_publish_as_is_publishes_what_its_patterns_name(project: Project) -> None:
    files = {
        "archive.zip": b"PK\x05\x06" + bytes(18),
        "deck.key": b"\x00\x01keynote",
        "README": b"notes\n",
    }
    set_site(project, PRO, 'publish_as_is = ["*.ZIP", "trip/*.key", "readme"]')
    bundle(project, files, audience="professional")
    project.build()
    for name, data in files.items():
        assert (project.out(PRO) / "posts/trip" / name).read_bytes() == data


def test_publish_as_is_is_per_site(project: Project) -> None:
    set_site(project, PRO, 'publish_as_is = ["*.zip"]')
    bundle(project, {"archive.zip": b"PK\x05\x06" + bytes(18)})
    result = project.run("build")
    assert result.exit_code == 1
    assert "sites.personal.publish_as_is" in result.stderr
    assert "sites.professional.publish_as_is" not in result.stderr


@pytest.mark.parametrize("pattern", ["*", "**", "*.*", ""])
def test_a_pattern_that_names_everything_is_refused(project: Project, pattern: str) -> None:
    set_site(project, PRO, f'publish_as_is = ["{pattern}"]')
    result = project.run("build")
    assert result.exit_code == 1
    said = "an empty pattern" if not pattern else f"'{pattern}' names every file"
    assert f"sites.professional.publish_as_is: {said}" in result.stderr


def test_a_file_with_the_wrong_extension_is_cleaned_as_what_it_is(project: Project) -> None:
    files = {
        "really-a-jpeg.png": jpeg("QxJpegAsPng"),
        "photo.jfif": jpeg("QxJfif"),
        "header": jpeg("QxNoSuffix"),
        "png-as.jpg": MAKERS["png"][0]("QxPngAsJpg", random.Random(1)),
        "webp-as.png": MAKERS["webp"][0]("QxWebpAsPng", random.Random(1)),
    }
    bundle(project, files)
    project.build()
    for name in files:
        published = (project.out(PRO) / "posts/trip" / name).read_bytes()
        for secret in ("QxJpegAsPng", "QxJfif", "QxNoSuffix", "QxPngAsJpg", "QxWebpAsPng"):
            assert not holds(published, secret), (name, secret)
        assert_opens("x.jpg", published)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("photo.jpg", b"<!doctype html><script>alert(1)</script>", "its name says a JPEG"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "its name says a PNG"),
        ("paper.pdf", b"%PDX not a pdf", "its name says a PDF"),
        ("style.css", b"\xff\xd8\xff\xe0 a JPEG named .css", "its name says text"),
        ("font.woff2", b"<html></html>", "its name says a web font"),
        ("logo.svg", b"\x89PNG\r\n\x1a\n", "its name says an SVG"),
    ],
)
def test_a_name_that_lies_about_the_file_is_refused_even_as_is(
    project: Project, name: str, data: bytes, said: str
) -> None:
    set_site(project, PRO, f'publish_as_is = ["{name}"]')
    set_site(project, HOME, f'publish_as_is = ["{name}"]')
    bundle(project, {name: data})
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert f"{BUNDLE}/{name}: not published: {said}" in result.stderr


def test_text_and_fonts_are_published_as_they_are_and_text_must_be_utf8(
    project: Project,
) -> None:
    files = {
        "notes.txt": "Grüße\n".encode(),
        "data.csv": b"a,b\n1,2\n",
        "card.vcf": b"BEGIN:VCARD\nEND:VCARD\n",
        "font.woff2": b"wOF2" + bytes(40),
        "page.html": b"<!doctype html><p>hi</p>",
    }
    bundle(project, files)
    project.build()
    for name, data in files.items():
        assert (project.out(PRO) / "posts/trip" / name).read_bytes() == data
    bundle(project, {"latin.txt": "Grüße\n".encode("latin-1")})
    result = project.run("build")
    assert result.exit_code == 1
    assert f"{BUNDLE}/latin.txt: not published: it is text, but not UTF-8" in result.stderr


def test_theme_files_and_avatars_are_held_to_the_same_rule(project: Project) -> None:
    project.post("2026-01-01-a", PRO)
    project.write_bytes("themes/professional/static/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(20))
    project.write_bytes("avatars/me.heic", b"\x00\x00\x00\x18ftypmp42" + bytes(12))
    path = project.root / "splitblog.toml"
    path.write_text(
        path.read_text().replace(
            'email = "pat@pro.example.com" }',
            'email = "pat@pro.example.com", avatar = "avatars/me.heic" }',
        )
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert "themes/professional/static/.DS_Store: not published" in result.stderr
    assert (
        "avatars/me.heic: not published: its name says a HEIC/HEIF but it is a video "
        "(used by sites.professional.author.avatar)" in result.stderr
    )


def _same_size(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    """Two JPEGs padded (with a comment, which cleaning drops) to the same length."""
    pad = len(a) - len(b)
    comment = lambda n: b"\xff\xfe" + (n + 2).to_bytes(2, "big") + b"p" * n  # noqa: E731
    if pad > 0:
        b = b[:2] + comment(pad - 4) + b[2:] if pad >= 4 else b
    elif pad < 0:
        a = a[:2] + comment(-pad - 4) + a[2:]
    assert len(a) == len(b)
    return a, b


def _rewrite_behind_the_cache(path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    info = path.stat()
    assert len(data) == info.st_size
    path.write_bytes(data)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and mtime as before


def test_a_photo_rewritten_with_the_same_size_and_mtime_is_cleaned_again(
    project: Project,
) -> None:
    first, second = _same_size(plain_jpeg(seed=1), plain_jpeg(seed=99))
    bundle(project, {"photo.jpg": first})
    project.build()
    _rewrite_behind_the_cache(project.root / BUNDLE / "photo.jpg", second)
    post = project.root / POST
    post.write_text(post.read_text() + "\nOne more line.\n")  # so the build is no no-op
    project.build()
    published = (project.out(PRO) / "posts/trip/photo.jpg").read_bytes()
    with Image.open(io.BytesIO(published)) as shown, Image.open(io.BytesIO(second)) as wanted:
        assert shown.tobytes() == wanted.tobytes()  # the new photo, not the old one's copy


def test_a_file_rewritten_with_the_same_size_and_mtime_is_audited_again(
    project: Project,
) -> None:
    set_site(project, PRO, 'forbid = ["Janey"]')
    bundle(project, {"notes.txt": b"written by Alice\n"}, audience="professional")
    project.build()
    _rewrite_behind_the_cache(project.root / BUNDLE / "notes.txt", b"written by Janey\n")
    post = project.root / POST
    post.write_text(post.read_text() + "\nOne more line.\n")
    shutil.rmtree(project.root / "public")  # a fresh output: every file is written again
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert 'audit: professional/posts/trip/notes.txt contains forbidden "Janey"' in result.stderr


def test_random_adversarial_files_publish_none_of_their_secrets(project: Project) -> None:
    rng = random.Random(20260101)
    files: dict[str, bytes] = {}
    secrets: dict[str, str] = {}
    for index in range(36):
        secret = f"Qz{index}Canary{rng.randrange(10**6)}"
        name, data = adversarial_file(rng, secret)
        name = f"{index}-{name}"
        files[name], secrets[name] = data, secret
    bundle(project, files)
    project.build()
    for site in (PRO, HOME):
        output = project.files(site)
        for name, secret in secrets.items():
            assert f"posts/trip/{name}" in output
            leaks = [path for path, data in output.items() if holds(data, secret)]
            assert not leaks, (name, leaks)
