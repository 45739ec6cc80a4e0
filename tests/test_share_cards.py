"""Share cards: og:image from the post's `image:`, else its first photo, else the persona's
avatar — always a file of the same site — with og:image:alt, twitter:card and og:locale."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from .conftest import BASE_CONFIG, Project
from .support.photos import defaults, phone_jpeg

PRO, HOME = "professional", "personal"
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def card(project: Project, site: str, page: str) -> dict[str, str]:
    return dict(META.findall(project.read(site, page)))


@pytest.fixture
def cards(project: Project) -> Project:
    Image.new("RGB", (64, 64), "teal").save(project.root / "pat.png")
    Image.new("RGB", (64, 64), "olive").save(project.root / "patsy.png")
    config = defaults(BASE_CONFIG)
    config = config.replace(
        'email = "pat@pro.example.com"', 'email = "pat@pro.example.com", avatar = "pat.png"'
    )
    config = config.replace(
        'email = "patsy@home.example.net"', 'email = "patsy@home.example.net", avatar = "patsy.png"'
    )
    project.config(config)
    return project


def bundle(project: Project, name: str, audience: str, body: str, front: str = "") -> None:
    project.write(
        f"content/posts/2026-04-01-{name}/index.md",
        f"---\ntitle: {name.title()}\ndate: 2026-04-01\naudience: {audience}\n{front}---\n{body}",
    )


def assert_on_site(project: Project, site: str, url: str, base: str) -> None:
    assert url.startswith(base), url
    assert project.exists(site, url.removeprefix(base)), url


def test_the_first_photo_is_the_card(cards: Project) -> None:
    bundle(cards, "harbour", "all", "Words.\n\n![Boats at dusk](boats.jpg)\n\n![b](nets.jpg)\n")
    cards.write_bytes("content/posts/2026-04-01-harbour/boats.jpg", phone_jpeg(2400, 1600))
    cards.write_bytes("content/posts/2026-04-01-harbour/nets.jpg", phone_jpeg(800, 600, seed=4))
    cards.build()
    for site, base in ((PRO, "https://pro.example.com/"), (HOME, "https://home.example.net/")):
        meta = card(cards, site, "posts/harbour/index.html")
        assert meta["og:image"] == f"{base}posts/harbour/boats.jpg.1600w.jpg"
        assert meta["og:image:alt"] == "Boats at dusk"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:locale"] == "en_US"
        assert_on_site(cards, site, meta["og:image"], base)


def test_the_front_matters_image_comes_first_and_is_published(cards: Project) -> None:
    bundle(
        cards,
        "talk",
        PRO,
        "Slides below.\n\n![stage](stage.jpg)\n",
        "image: cover.jpg\nimage_alt: The title slide\n",
    )
    cards.write_bytes("content/posts/2026-04-01-talk/stage.jpg", phone_jpeg(900, 600))
    cards.write_bytes("content/posts/2026-04-01-talk/cover.jpg", phone_jpeg(1200, 630, seed=5))
    cards.build()
    meta = card(cards, PRO, "posts/talk/index.html")
    assert meta["og:image"] == "https://pro.example.com/posts/talk/cover.jpg.1200w.jpg"
    assert meta["og:image:alt"] == "The title slide"
    assert_on_site(cards, PRO, meta["og:image"], "https://pro.example.com/")
    cards.assert_absent(HOME, "cover.jpg", "stage.jpg")


def test_a_post_without_a_photo_shows_its_own_sites_avatar(cards: Project) -> None:
    cards.post("2026-04-02-plain", "all", title="Plain words")
    cards.build()
    pro = card(cards, PRO, "posts/plain/index.html")
    home = card(cards, HOME, "posts/plain/index.html")
    assert pro["og:image"] == "https://pro.example.com/pat.png"
    assert home["og:image"] == "https://home.example.net/patsy.png"
    assert pro["og:image:alt"] == "Pat Pro" and home["og:image:alt"] == "Patsy"
    assert pro["twitter:card"] == "summary"
    assert card(cards, PRO, "index.html")["og:image"] == "https://pro.example.com/pat.png"
    cards.assert_absent(PRO, "patsy.png")
    cards.assert_absent(HOME, "pat.png")


def test_an_only_block_photo_is_no_card_on_the_other_site(cards: Project) -> None:
    bundle(cards, "mixed", "all", "Shared.\n\n::: only personal\n![kids](kids.jpg)\n:::\n")
    cards.write_bytes("content/posts/2026-04-01-mixed/kids.jpg", phone_jpeg(900, 600))
    cards.build()
    assert (
        card(cards, PRO, "posts/mixed/index.html")["og:image"] == "https://pro.example.com/pat.png"
    )
    assert "kids.jpg" in card(cards, HOME, "posts/mixed/index.html")["og:image"]
    cards.assert_absent(PRO, "kids")


@pytest.mark.parametrize(
    "value",
    ["../2026-04-01-other/x.jpg", "https://home.example.net/patsy.png", "/pat.png", "gone.jpg"],
)
def test_an_image_that_is_not_a_file_of_the_bundle_is_an_error(cards: Project, value: str) -> None:
    bundle(cards, "odd", PRO, "Words.\n", f"image: {value!r}\n")
    result = cards.run("build")
    assert result.exit_code == 1
    assert "content/posts/2026-04-01-odd/index.md:5" in result.output
    assert "not a file of this post's bundle" in result.output


@pytest.mark.parametrize(
    ("language", "locale"),
    [("en", "en_US"), ("de-AT", "de_AT"), ("pt", "pt_BR"), ("en_gb", "en_GB"), ("xx", None)],
)
def test_og_locale_comes_from_the_language(
    project: Project, language: str, locale: str | None
) -> None:
    project.config(
        BASE_CONFIG.replace(
            'theme = "professional"', f'theme = "professional"\nlanguage = "{language}"'
        )
    )
    project.post("2026-04-03-hello", PRO, title="Hello")
    project.build()
    meta = card(project, PRO, "posts/hello/index.html")
    assert meta.get("og:locale") == locale
    assert f'<html lang="{language}">' in project.read(PRO, "posts/hello/index.html")
