"""One test per way other tools leak (issue 3's opening paragraph), and each link policy
in each direction — in post bodies, summaries, list pages, feeds and the theme's footer.
"""

from __future__ import annotations

import io
import json
import re

import feedparser
import pytest
from PIL import Image

from .conftest import Project
from .test_images import (
    ARTIST,
    SERIAL,
    XMP,
    assert_clean,
    exif,
    jpeg_with_everything,
    picture,
)

PRO, HOME = "professional", "personal"
OTHER = {PRO: HOME, HOME: PRO}
BASE = {PRO: "https://pro.example.com/", HOME: "https://home.example.net/"}
HOST = {PRO: "pro.example.com", HOME: "home.example.net"}


def policy(project: Project, site: str, other: str, value: str) -> None:
    path = project.root / "splitblog.toml"
    path.write_text(path.read_text() + f'\n[sites.{site}.links]\n{other} = "{value}"\n')


def every_file(project: Project, site: str) -> str:
    return "\n".join(data.decode("utf-8", "replace") for data in project.files(site).values())


# -- tags: nothing for a tag only hidden posts use -------------------------------------------
def test_a_tag_used_only_by_hidden_posts_makes_nothing(project: Project) -> None:
    project.post("2026-01-01-shown", PRO, title="Shown", tags=["strategy"])
    project.post("2026-01-02-other", HOME, title="Other", tags=["kayaking"])
    project.post("2026-01-03-draft", PRO, title="Draft", tags=["layoffs"], draft=True)
    project.post("2099-01-04-later", PRO, title="Later", tags=["acquisition"], date="2099-01-04")
    project.post(
        "2026-01-05-both",
        "all",
        title="Both",
        tags=["shared"],
        professional={"tags": ["strategy"]},  # professional shows its own tags instead
    )
    project.build()
    for tag in ("kayaking", "layoffs", "acquisition", "shared"):
        assert not project.exists(PRO, f"tags/{tag}/index.html")
        project.assert_absent(PRO, tag)
    sitemap = project.read(PRO, "sitemap.xml")
    assert set(re.findall(r"<loc>https://pro.example.com/tags/(.*?)</loc>", sitemap)) == {
        "",
        "strategy/",
    }
    assert project.exists(HOME, "tags/kayaking/index.html")
    assert project.exists(HOME, "tags/shared/index.html")
    project.assert_absent(HOME, "strategy", "layoffs", "acquisition")


# -- photos: no GPS, owner or serial in a bundle's original -----------------------------------
def _png() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ARTIST)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif(3))
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", lossless=True, exif=exif(8), xmp=XMP)
    return out.getvalue()


def _tiff() -> bytes:
    from PIL import TiffImagePlugin

    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[0x013B] = ARTIST
    info[700] = XMP
    info[0x0112] = 6
    out = io.BytesIO()
    picture().save(out, "TIFF", tiffinfo=info, exif=exif(6), compression="tiff_lzw")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "orientation"),
    [
        ("photo.jpg", jpeg_with_everything, 6),
        ("photo.png", _png, 3),
        ("photo.webp", _webp, 8),
        ("scan.tif", _tiff, 6),
    ],
)
def test_bundle_photos_are_published_without_metadata(
    project: Project, name: str, make, orientation: int
) -> None:  # type: ignore[no-untyped-def]
    original = make()
    assert ARTIST.encode() in original
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        f"---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![the beach]({name})\n",
    )
    project.write_bytes(f"content/posts/2026-01-01-trip/{name}", original)
    project.build()
    for site in (PRO, HOME):
        published = (project.out(site) / f"posts/trip/{name}").read_bytes()
        assert_clean(published)
        assert SERIAL.encode() not in published and b"xmpmeta" not in published
        image, before = Image.open(io.BytesIO(published)), Image.open(io.BytesIO(original))
        # (read before the pixels: Pillow turns a TIFF upright, dropping the tag, on load)
        tiff_tag = image.tag_v2.get(0x0112) if name.endswith(".tif") else None
        assert (tiff_tag or image.getexif().get(0x0112)) == orientation
        assert image.tobytes() == before.tobytes()  # the same pixels


def test_keep_image_metadata_is_per_site(project: Project) -> None:
    path = project.root / "splitblog.toml"
    path.write_text(
        path.read_text().replace(
            'theme = "professional"', 'theme = "professional"\nkeep_image_metadata = true'
        )
    )
    original = jpeg_with_everything()
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![x](photo.jpg)\n",
    )
    project.write_bytes("content/posts/2026-01-01-trip/photo.jpg", original)
    project.build()
    assert (project.out(PRO) / "posts/trip/photo.jpg").read_bytes() == original
    assert_clean((project.out(HOME) / "posts/trip/photo.jpg").read_bytes())


# -- files: only what the site's own pages use ------------------------------------------------
def test_a_bundle_file_nothing_uses_is_copied_nowhere(project: Project) -> None:
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        """\
        ---
        title: Trip
        date: 2026-01-01
        audience: all
        ---
        ![the beach](beach.png)

        ::: only personal
        ![us](us.png)
        :::
        """,
    )
    folder = project.root / "content/posts/2026-01-01-trip"
    for name in ("beach.png", "us.png", "passport.png"):
        Image.new("RGB", (3, 3)).save(folder / name)
    project.write_bytes("content/posts/2026-01-01-trip/notes.txt", b"hotel booking code")
    project.build()
    # each photo: its original (the fixtures publish originals) and its one width (3 px)
    # in its own format and WebP
    assert sorted(p for p in project.files(PRO) if p.startswith("posts/trip/")) == [
        "posts/trip/beach.png",
        "posts/trip/beach.png.3w.png",
        "posts/trip/beach.png.3w.webp",
        "posts/trip/index.html",
    ]
    assert sorted(p for p in project.files(HOME) if p.startswith("posts/trip/")) == [
        "posts/trip/beach.png",
        "posts/trip/beach.png.3w.png",
        "posts/trip/beach.png.3w.webp",
        "posts/trip/index.html",
        "posts/trip/us.png",
        "posts/trip/us.png.3w.png",
        "posts/trip/us.png.3w.webp",
    ]
    for site in (PRO, HOME):
        project.assert_absent(site, "passport", "notes.txt", "hotel booking code")
    project.assert_absent(PRO, "us.png")


# -- no cross-site metadata --------------------------------------------------------------
def test_no_hreflang_alternate_or_shared_sitemap_even_when_allowed(project: Project) -> None:
    policy(project, PRO, HOME, "allow")
    policy(project, HOME, PRO, "allow")
    project.post("2026-01-01-both", "all", title="On both", canonical=PRO, tags=["x"])
    project.post("2026-01-02-mine", HOME, title="Mine")
    project.page("about", "all", title="About")
    project.build()
    for site in (PRO, HOME):
        text = every_file(project, site)
        assert "hreflang" not in text.lower()
        for tag in re.findall(r"<link[^>]*>", text):
            if "alternate" in tag:
                href = re.search(r'href="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
                assert href.startswith(("/", BASE[site])), (site, tag)
        sitemap = project.read(site, "sitemap.xml")
        assert HOST[OTHER[site]] not in sitemap
        assert all(loc.startswith(BASE[site]) for loc in re.findall(r"<loc>(.*?)</loc>", sitemap))
        for name in ("atom.xml", "rss.xml"):
            feed = feedparser.parse(project.read(site, name))
            assert all(e.link.startswith(BASE[site]) for e in feed.entries)
    # The one sanctioned mention: canonical, on the site that is not canonical.
    home = project.read(HOME, "posts/both/index.html")
    assert '<link rel="canonical" href="https://pro.example.com/posts/both/">' in home


# -- links to posts a site does not publish -------------------------------------------------
@pytest.mark.parametrize(
    ("front", "flag"), [({"draft": True}, "--drafts"), ({"date": "2099-01-01"}, "--future")]
)
def test_a_link_to_a_draft_or_future_post_is_a_link_to_no_post(
    project: Project, front: dict, flag: str
) -> None:
    policy(project, PRO, HOME, "strip")
    project.post("2026-01-01-hidden", "all", title="Hidden", **front)
    project.post("2026-01-02-public", PRO, body="Soon: [the plan](2026-01-01-hidden.md).\n")
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "content/posts/2026-01-02-public.md:7: link to '2026-01-01-hidden.md', which no site "
        "publishes (a draft, or dated in the future)"
    ) in result.stderr
    assert project.snapshot() == before
    project.build(flag)
    assert 'href="/posts/hidden/"' in project.read(PRO, "posts/public/index.html")


def test_a_link_in_an_only_block_is_judged_on_its_sites_only(project: Project) -> None:
    project.post("2026-01-01-private", HOME, title="Family Stuff")
    project.post(
        "2026-01-02-mixed",
        "all",
        title="Mixed",
        body="Shared.\n\n::: only personal\nSee [family stuff](2026-01-01-private.md).\n:::\n",
    )
    project.build()  # professional denies links to personal, but never sees this one
    assert 'href="/posts/private/"' in project.read(HOME, "posts/mixed/index.html")
    project.assert_absent(PRO, "private", "Family Stuff", "family stuff")


# -- each policy, each direction, everywhere a link's HTML goes ---------------------------
def _linking_project(project: Project, site: str, value: str | None) -> None:
    other = OTHER[site]
    if value:
        policy(project, site, other, value)
    project.post("2026-01-01-target", other, title="Target Post")
    project.post(
        "2026-01-02-source",
        site,
        title="Source Post",
        summary="In short: [the target](2026-01-01-target.md#top) matters.",
        body="Intro.\n\nRead [the target](2026-01-01-target.md#top) first.\n",
    )


@pytest.mark.parametrize("site", [PRO, HOME])
def test_deny_is_the_default_and_names_file_line_and_fix(project: Project, site: str) -> None:
    _linking_project(project, site, None)
    result = project.run("build")
    assert result.exit_code == 1
    other = OTHER[site]
    assert (
        f"content/posts/2026-01-02-source.md:10: link to '2026-01-01-target.md#top' (only on "
        f"{other}) denied by {site}'s policy — remove the link, use ::: only, or set "
        f'[sites.{site}.links] {other} = "strip"|"allow"'
    ) in result.stderr
    assert "content/posts/2026-01-02-source.md:5: link to '2026-01-01-target.md#top'" in (
        result.stderr
    )  # the summary's link, at the summary's line
    policy(project, site, other, "deny")
    assert project.run("build").exit_code == 1


@pytest.mark.parametrize("site", [PRO, HOME])
def test_strip_keeps_the_text_and_drops_the_link_everywhere(project: Project, site: str) -> None:
    _linking_project(project, site, "strip")
    project.build()
    page = project.read(site, "posts/source/index.html")
    assert "Read the target first." in page
    assert "In short: the target matters." in project.read(site, "index.html")
    for name in ("atom.xml", "rss.xml", "feed.json"):
        feed = project.read(site, name)
        assert "the target" in feed and "target/" not in feed
    project.assert_absent(site, "posts/target/", HOST[OTHER[site]], "Target Post")


@pytest.mark.parametrize("site", [PRO, HOME])
def test_allow_links_to_the_other_site_with_noreferrer_everywhere(
    project: Project, site: str
) -> None:
    _linking_project(project, site, "allow")
    project.build()
    url = BASE[OTHER[site]] + "posts/target/#top"
    anchor = f'<a href="{url}" rel="noreferrer">the target</a>'
    assert f"Read {anchor} first." in project.read(site, "posts/source/index.html")
    assert f"In short: {anchor} matters." in project.read(site, "index.html")
    for name in ("atom.xml", "rss.xml"):
        entry = feedparser.parse(project.read(site, name)).entries[0]
        assert anchor in entry.content[0].value if name == "atom.xml" else anchor in entry.summary
    atom = feedparser.parse(project.read(site, "atom.xml")).entries[0]
    assert anchor in atom.summary
    item = json.loads(project.read(site, "feed.json"))["items"][0]
    assert anchor in item["content_html"]
    project.assert_absent(site, "Target Post")  # the target's title never crosses
    footer = f'<a href="{BASE[OTHER[site]]}" rel="noreferrer">{HOST[OTHER[site]]}</a>'
    assert footer in project.read(site, "index.html")  # the theme's "also by me"


@pytest.mark.parametrize("value", ["deny", "strip"])
def test_the_theme_links_to_the_other_site_only_where_allowed(project: Project, value: str) -> None:
    policy(project, PRO, HOME, value)
    policy(project, HOME, PRO, "allow")
    project.post("2026-01-01-a", "all")
    project.build()
    project.assert_absent(PRO, HOST[HOME], "Also by me")
    assert '<a href="https://pro.example.com/" rel="noreferrer">pro.example.com</a>' in (
        project.read(HOME, "posts/a/index.html")
    )


def test_with_three_sites_allow_wins_then_strip_then_deny(project: Project) -> None:
    path = project.root / "splitblog.toml"
    path.write_text(
        path.read_text()
        + '\n[sites.family]\ntitle = "Fam"\nbase_url = "https://fam.example.org/"\n'
        'theme = "personal"\n'
    )
    policy(project, PRO, HOME, "strip")
    path.write_text(path.read_text() + 'family = "allow"\n')  # [sites.professional.links]
    project.post("2026-01-01-both", [HOME, "family"], title="Elsewhere")
    project.post("2026-01-02-only-home", HOME, title="Home only")
    project.post(
        "2026-01-03-source",
        PRO,
        body="A [one](2026-01-01-both.md) and [two](2026-01-02-only-home.md).\n",
    )
    project.build()
    page = project.read(PRO, "posts/source/index.html")
    assert '<a href="https://fam.example.org/posts/both/" rel="noreferrer">one</a>' in page
    assert "and two." in page
    project.assert_absent(PRO, HOST[HOME], "only-home")


# -- personas ------------------------------------------------------------------------
def test_personas_never_cross(project: Project) -> None:
    Image.new("RGB", (4, 4), "blue").save(project.root / "pat-headshot.png")
    Image.new("RGB", (4, 4), "pink").save(project.root / "patsy-selfie.png")
    path = project.root / "splitblog.toml"
    text = path.read_text()
    text = text.replace('email = "pat@pro.example.com"', 'email = "pat@pro.example.com", '
                        'avatar = "pat-headshot.png", bio = "Pricing consultant"')  # fmt: skip
    text = text.replace('email = "patsy@home.example.net"', 'email = "patsy@home.example.net", '
                        'avatar = "patsy-selfie.png", bio = "Knits and kayaks"')  # fmt: skip
    path.write_text(text)
    project.post("2026-01-01-a", "all", title="Hello")
    project.build()
    mine = {
        PRO: ("Pat Pro", "pat@pro.example.com", "pat-headshot.png", "Pricing consultant"),
        HOME: ("Patsy", "patsy@home.example.net", "patsy-selfie.png", "Knits and kayaks"),
    }
    for site in (PRO, HOME):
        name, email, avatar, bio = mine[site]
        page = project.read(site, "posts/a/index.html")
        assert name in page and avatar in page and bio in page
        assert '"author": {"@type": "Person", "name": "' + name + '"}' in page
        assert f"<name>{name}</name>" in project.read(site, "atom.xml")
        assert f"<author>{email} ({name})</author>" in project.read(site, "rss.xml")
        authors = json.loads(project.read(site, "feed.json"))["authors"]
        assert authors == [{"name": name, "avatar": BASE[site] + avatar}]
        assert project.exists(site, avatar)
        other = mine[OTHER[site]]
        project.assert_absent(site, *other)


def test_a_link_written_as_the_other_sites_url_gets_noreferrer_too(project: Project) -> None:
    policy(project, PRO, HOME, "allow")
    project.post(
        "2026-01-01-a",
        PRO,
        summary="See [my other blog](https://home.example.net/).",
        body='My [garden](https://home.example.net/posts/garden/#may), <a href="https://home'
        '.example.net" rel="me">me</a> and [a shop](https://example.org/).\n',
    )
    project.build()
    page = project.read(PRO, "posts/a/index.html")
    assert (
        '<a href="https://home.example.net/posts/garden/#may" rel="noreferrer">garden</a>' in page
    )
    assert '<a href="https://home.example.net" rel="me noreferrer">me</a>' in page
    assert '<a href="https://example.org/">a shop</a>' in page  # other addresses: as written
    card = '<a href="https://home.example.net/" rel="noreferrer">my other blog</a>'
    assert card in project.read(PRO, "index.html")
    item = json.loads(project.read(PRO, "feed.json"))["items"][0]
    assert (
        'href="https://home.example.net/posts/garden/#may" rel="noreferrer"' in item["content_html"]
    )
