"""Photos at web size: widths never above the original, WebP and the photo's own format,
no metadata in any variant, orientation applied, the original only when asked, a cache
that is reused and invalidated, nothing of one site's photos on another, the same bytes
from two builds."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image

from splitblog.audit.metadata import metadata_in
from splitblog.site import photo_encode

from .conftest import BASE_CONFIG, Project
from .support.files import tree
from .support.photos import defaults, phone_jpeg, scene, secrets_in

PRO, HOME = "professional", "personal"
POST = "content/posts/2026-03-01-beach/index.md"
PICTURE = re.compile(r"<picture>.*?</picture>", re.S)


def beach(project: Project, photo: bytes, body: str = "![The sea at dawn](beach.jpg)\n") -> None:
    project.write(
        POST,
        f"---\ntitle: Beach day\ndate: 2026-03-01\naudience: personal\n---\nA day out.\n\n{body}",
    )
    project.write_bytes("content/posts/2026-03-01-beach/beach.jpg", photo)


def variants(project: Project, site: str, name: str = "beach.jpg") -> dict[str, bytes]:
    return {
        path: data
        for path, data in project.files(site).items()
        if path.startswith(f"posts/beach/{name}.")
    }


@pytest.fixture
def photos(project: Project) -> Project:
    project.config(defaults(BASE_CONFIG))
    return project


def test_a_gps_photo_is_published_in_its_widths_with_no_metadata(photos: Project) -> None:
    beach(photos, phone_jpeg(1200, 900))
    photos.build()
    made = variants(photos, HOME)
    # 480 and 960 are below the original; 1600 is not: the original's own width instead
    assert sorted(made) == [
        f"posts/beach/beach.jpg.{w}w.{fmt}" for w in (1200, 480, 960) for fmt in ("jpg", "webp")
    ]
    for path, data in made.items():
        width = int(re.search(r"\.(\d+)w\.", path).group(1))
        image = Image.open(io.BytesIO(data))
        assert image.format == ("WEBP" if path.endswith(".webp") else "JPEG")
        assert image.size == (width, round(900 * width / 1200)), path
        assert secrets_in(data) == [], path
        assert metadata_in(data) == [], path  # the audit's own reading agrees
    assert not photos.exists(HOME, "posts/beach/beach.jpg")  # no original unless asked
    page = photos.read(HOME, "posts/beach/index.html")
    (picture,) = PICTURE.findall(page)
    assert '<source type="image/webp"' in picture
    img = re.search(r"<img [^>]*>", picture).group()
    assert 'src="/posts/beach/beach.jpg.960w.jpg"' in img
    assert 'width="1200" height="900"' in img and 'alt="The sea at dawn"' in img
    assert 'loading="lazy"' in img and 'decoding="async"' in img and "sizes=" in img
    widths = [int(w) for w in re.findall(r" (\d+)w\b", picture)]
    assert sorted(widths) == [480, 480, 960, 960, 1200, 1200]  # never above the original
    for url in re.findall(r'(?:src|srcset)="([^"]+)"', picture):
        for candidate in url.split(", "):
            assert photos.exists(HOME, candidate.split()[0].lstrip("/"))
    photos.assert_absent(PRO, "beach")


def test_a_photo_smaller_than_every_width_is_never_enlarged(photos: Project) -> None:
    beach(photos, phone_jpeg(300, 200))
    photos.build()
    assert sorted(variants(photos, HOME)) == [
        "posts/beach/beach.jpg.300w.jpg",
        "posts/beach/beach.jpg.300w.webp",
    ]
    assert 'width="300" height="200"' in photos.read(HOME, "posts/beach/index.html")


def test_the_original_is_published_only_when_asked(photos: Project) -> None:
    photos.config(
        defaults(BASE_CONFIG).replace(
            'theme = "personal"', 'theme = "personal"\npublish_originals = true'
        )
    )
    beach(photos, phone_jpeg(800, 600), "![sea](beach.jpg)\n\n[the full photo](beach.jpg)\n")
    photos.build()
    original = photos.files(HOME)["posts/beach/beach.jpg"]
    assert secrets_in(original) == []  # cleaned, as every copied file
    page = photos.read(HOME, "posts/beach/index.html")
    assert 'href="/posts/beach/beach.jpg"' in page  # a link to the photo: the original
    assert "beach.jpg.800w.webp" in page


def test_a_link_to_a_photo_leads_to_its_widest_variant_without_originals(photos: Project) -> None:
    beach(photos, phone_jpeg(2000, 1500), '[see it](beach.jpg) <a href="beach.jpg">raw</a>\n')
    photos.build()
    page = photos.read(HOME, "posts/beach/index.html")
    assert page.count('href="/posts/beach/beach.jpg.1600w.jpg"') == 2
    assert 'href="/posts/beach/beach.jpg"' not in page


def test_image_widths_empty_publishes_the_cleaned_original_as_it_is(photos: Project) -> None:
    photos.config(
        defaults(BASE_CONFIG).replace('theme = "personal"', 'theme = "personal"\nimage_widths = []')
    )
    beach(photos, phone_jpeg(800, 600))
    photos.build()
    assert list(variants(photos, HOME)) == []
    assert secrets_in(photos.files(HOME)["posts/beach/beach.jpg"]) == []
    assert 'src="/posts/beach/beach.jpg"' in photos.read(HOME, "posts/beach/index.html")


def test_orientation_is_applied_to_the_pixels(photos: Project) -> None:
    stored = Image.new("RGB", (40, 20), "red")
    stored.paste((0, 0, 255), (20, 0, 40, 20))  # left half red, right half blue
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise: the left half on top
    stored.save(out, "JPEG", quality=95, exif=exif)
    beach(photos, out.getvalue())
    photos.build()
    for path, data in variants(photos, HOME).items():
        image = Image.open(io.BytesIO(data)).convert("RGB")
        assert image.size == (20, 40), path
        assert 0x0112 not in image.getexif(), path
        top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
        assert top[0] > 200 and top[2] < 60, (path, top)  # red
        assert bottom[2] > 200 and bottom[0] < 60, (path, bottom)  # blue
    assert 'width="20" height="40"' in photos.read(HOME, "posts/beach/index.html")


def test_png_keeps_its_transparency_and_format(photos: Project) -> None:
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    image.paste(scene(300, 200).convert("RGBA"), (0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    photos.write(
        POST, "---\ntitle: Logo\ndate: 2026-03-01\naudience: personal\n---\n![logo](logo.png)\n"
    )
    photos.write_bytes("content/posts/2026-03-01-beach/logo.png", out.getvalue())
    photos.build()
    made = variants(photos, HOME, "logo.png")
    assert sorted(made) == sorted(
        f"posts/beach/logo.png.{w}w.{f}" for w in (480, 600) for f in ("png", "webp")
    )
    for data in made.values():
        shown = Image.open(io.BytesIO(data))
        assert shown.mode in ("RGBA", "LA", "P") and shown.getchannel("A").getextrema()[0] == 0


def test_avif_when_the_site_asks_and_pillow_writes_it(photos: Project) -> None:
    if not photo_encode.avif_written():
        pytest.skip("this Pillow does not write AVIF")
    photos.config(
        defaults(BASE_CONFIG).replace('theme = "personal"', 'theme = "personal"\nimage_avif = true')
    )
    beach(photos, phone_jpeg(1000, 750))
    photos.build()
    made = variants(photos, HOME)
    avif = {p: d for p, d in made.items() if p.endswith(".avif")}
    assert sorted(avif) == sorted(f"posts/beach/beach.jpg.{w}w.avif" for w in (480, 960, 1000))
    for data in avif.values():
        assert metadata_in(data) == [] and secrets_in(data) == []
    assert '<source type="image/avif"' in photos.read(HOME, "posts/beach/index.html")


def test_gif_and_svg_pass_through_cleaned(photos: Project) -> None:
    out = io.BytesIO()
    Image.new("P", (30, 30)).save(out, "GIF", comment=b"owner Jane Secret Doe")
    photos.write(
        POST,
        "---\ntitle: Anim\ndate: 2026-03-01\naudience: personal\n---\n![a](dance.gif) ![b](shape.svg)\n",
    )
    photos.write_bytes("content/posts/2026-03-01-beach/dance.gif", out.getvalue())
    photos.write(
        "content/posts/2026-03-01-beach/shape.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><metadata>Jane Secret Doe</metadata><rect width="4" height="4"/></svg>',
    )
    photos.build()
    files = photos.files(HOME)
    assert (
        "posts/beach/dance.gif" in files
        and b"Jane Secret Doe" not in files["posts/beach/dance.gif"]
    )
    assert b"Jane Secret Doe" not in files["posts/beach/shape.svg"]
    assert not [p for p in files if p.startswith("posts/beach/dance.gif.")]
    assert 'src="/posts/beach/dance.gif"' in photos.read(HOME, "posts/beach/index.html")


def test_a_photo_of_one_site_is_never_on_another(photos: Project) -> None:
    photos.write(
        "content/posts/2026-03-02-mixed/index.md",
        """\
        ---
        title: Mixed
        date: 2026-03-02
        audience: all
        ---
        Shared words.

        ::: only personal
        ![kids](kids-at-home.jpg)

        <img src="garden-party.jpg" alt="x">

        [link](kids-at-home.jpg)
        :::
        """,
    )
    photos.write_bytes(
        "content/posts/2026-03-02-mixed/kids-at-home.jpg", phone_jpeg(900, 600, seed=2)
    )
    photos.write_bytes(
        "content/posts/2026-03-02-mixed/garden-party.jpg", phone_jpeg(700, 500, seed=3)
    )
    beach(photos, phone_jpeg(1000, 800))  # a personal-only post's photo
    photos.build()
    home = photos.files(HOME)
    assert "posts/mixed/kids-at-home.jpg.900w.webp" in home
    assert "posts/mixed/garden-party.jpg.700w.jpg" in home
    photos.assert_absent(PRO, "kids-at-home", "garden-party", "beach")
    assert not [p for p in photos.files(PRO) if p.endswith((".webp", ".jpg"))]


def test_variants_are_cached_and_made_again_only_when_the_photo_or_a_setting_changes(
    photos: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[int, str]] = []
    real = photo_encode.encode

    def counting(path, wanted):  # type: ignore[no-untyped-def]
        made.extend(wanted)
        return real(path, wanted)

    monkeypatch.setattr(photo_encode, "encode", counting)
    beach(photos, phone_jpeg(1200, 900))
    photos.build()
    assert sorted(made) == sorted((w, f) for w in (480, 960, 1200) for f in ("jpeg", "webp"))
    cached = sorted((photos.root / ".splitblog/photos").iterdir())
    assert len(cached) == 6
    first = variants(photos, HOME)

    made.clear()  # the post's text changes: the page is made again, not its photo
    photos.write(POST, photos.root.joinpath(POST).read_text().replace("A day out.", "A day off."))
    photos.build()
    assert made == [] and variants(photos, HOME) == first

    made.clear()  # a setting changes: only the new width is made
    photos.config(
        defaults(BASE_CONFIG).replace(
            'theme = "personal"', 'theme = "personal"\nimage_widths = [480, 720]'
        )
    )
    photos.build()
    assert sorted(made) == [(720, "jpeg"), (720, "webp")]
    assert sorted(variants(photos, HOME)) == [
        f"posts/beach/beach.jpg.{w}w.{f}" for w in (480, 720) for f in ("jpg", "webp")
    ]

    made.clear()  # another photo under the same name: every width made again
    photos.write_bytes("content/posts/2026-03-01-beach/beach.jpg", phone_jpeg(1200, 600, seed=9))
    photos.build()
    assert sorted(made) == sorted((w, f) for w in (480, 720) for f in ("jpeg", "webp"))
    assert 'width="720" height="360"' in photos.read(HOME, "posts/beach/index.html")


def test_two_builds_from_scratch_give_the_same_bytes(photos: Project) -> None:
    beach(photos, phone_jpeg(1700, 1100))
    photos.write(
        "content/posts/2026-03-03-words.md",
        "---\ntitle: Words\ndate: 2026-03-03\naudience: all\n---\nQuiet harbour mornings.\n",
    )
    photos.config(
        defaults(BASE_CONFIG).replace('theme = "personal"', 'theme = "personal"\nimage_avif = true')
    )
    photos.build()
    first = {site: tree(photos.out(site)) for site in (PRO, HOME)}
    shutil.rmtree(photos.root / "public")
    shutil.rmtree(photos.root / ".splitblog")
    photos.build()
    second = {site: tree(photos.out(site)) for site in (PRO, HOME)}
    assert any(p.endswith(".webp") for p in first[HOME])
    assert any(p.startswith("pagefind/fragment/") for p in first[HOME])
    assert first == second


def test_feeds_point_at_a_variant_by_its_absolute_url(photos: Project) -> None:
    beach(photos, phone_jpeg(1200, 900))
    photos.build()
    atom = photos.read(HOME, "atom.xml")
    assert "https://home.example.net/posts/beach/beach.jpg.960w.jpg" in atom
    assert 'src="/posts' not in atom and "src=&quot;/posts" not in atom


def test_a_photo_pillow_cannot_decode_stops_the_build(photos: Project) -> None:
    data = phone_jpeg(1200, 900)
    beach(photos, data[: len(data) // 3])  # its header intact, its pixels cut short
    before = photos.snapshot()
    result = photos.run("build")
    assert result.exit_code == 1, result.output
    assert "content/posts/2026-03-01-beach/beach.jpg" in result.output
    assert "Traceback" not in result.output
    assert photos.snapshot() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["480"]', "must be a list of integers"),
        ("[0, 960]", "0 is not a width"),
        ('"960"', "must be a list"),
    ],
)
def test_image_widths_must_be_widths(photos: Project, value: str, message: str) -> None:
    photos.config(
        defaults(BASE_CONFIG).replace(
            'theme = "personal"', f'theme = "personal"\nimage_widths = {value}'
        )
    )
    result = photos.run("build")
    assert result.exit_code == 1
    assert "sites.personal.image_widths" in result.output and message in result.output


def test_a_sites_photos_and_index_do_not_depend_on_another_sites_posts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What the independence proof asks of them: the same own inputs give the same bytes,
    whatever the other site's posts, photos and settings."""

    stage = phone_jpeg(1300, 900, seed=7)  # one file for both (its grain is random)

    def project(name: str, foreign: bool) -> Project:
        made = Project(tmp_path / name)
        config = defaults(BASE_CONFIG)
        if foreign:
            config = config.replace('title = "Home Site"', 'title = "Another Home"')
            config = config.replace('theme = "personal"', 'theme = "personal"\nimage_avif = true')
        made.config(config)
        made.write(
            "content/posts/2026-03-05-talk/index.md",
            "---\ntitle: Talk\ndate: 2026-03-05\naudience: professional\n---\nSlides and a stage.\n\n![stage](stage.jpg)\n",
        )
        made.write_bytes("content/posts/2026-03-05-talk/stage.jpg", stage)
        if foreign:
            beach(made, phone_jpeg(1800, 1200, seed=8), "![sea](beach.jpg)\n\nPrivate words.\n")
            made.write_bytes("content/posts/2026-03-05-talk/unused.jpg", phone_jpeg(50, 50))
        made.build()
        return made

    plain, other = project("plain", False), project("other", True)
    mine = {
        p: d for p, d in tree(plain.out(PRO)).items() if p.startswith(("pagefind/", "posts/talk/"))
    }
    assert any(p.endswith(".webp") for p in mine) and any(
        p.startswith("pagefind/fragment/") for p in mine
    )
    theirs = {
        p: d for p, d in tree(other.out(PRO)).items() if p.startswith(("pagefind/", "posts/talk/"))
    }
    assert mine == theirs


def test_the_independence_proof_holds_with_photos_on_both_sites(photos: Project) -> None:
    """`check` rebuilds each site with the other site's posts and photos perturbed: the
    variants, pages and index of each site come out byte for byte the same."""
    photos.write(
        "content/posts/2026-03-02-mixed/index.md",
        "---\ntitle: Mixed\ndate: 2026-03-02\naudience: all\n---\nShared.\n\n![quay](quay.jpg)\n\n"
        "::: only personal\n![kids](kids-at-home.jpg)\n:::\n",
    )
    photos.write_bytes("content/posts/2026-03-02-mixed/quay.jpg", phone_jpeg(900, 600, seed=2))
    photos.write_bytes(
        "content/posts/2026-03-02-mixed/kids-at-home.jpg", phone_jpeg(700, 500, seed=3)
    )
    beach(photos, phone_jpeg(1000, 800))  # a personal-only post's photo
    result = photos.run("check")
    assert result.exit_code == 0, result.output
    assert re.search(r"Independence proven: professional \(\d+ files\), personal", result.output)
