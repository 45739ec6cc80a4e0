"""No site's output carries its internal name (the audience name) or the generator's name
unless the user's own content, or `generator = true`, puts it there (issue 16): the name
"splitblog" alone tells a reader that another blog exists."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from splitblog.cli import cli

from .conftest import Project

SITES = ("atelier", "kitchen")  # words no theme or page would say by chance
SIGNALS = (*SITES, "splitblog", "professional", "personal")

CONFIG = """\
[sites.atelier]
title = "Jo Bloggs"
base_url = "https://jo.example.com/"
theme = "professional"
description = "Consulting notes"
author = { name = "Jo Bloggs", email = "jo@jo.example.com", avatar = "pics/jo.png" }
[sites.atelier.deploy]
target = "file:///tmp/never-deployed-a"
host = "github-pages"

[sites.kitchen]
title = "Jojo at home"
base_url = "https://jojo.example.net/"
theme = "personal"
noindex = true
author = { name = "Jojo", email = "jojo@example.net", avatar = "pics/jojo.png" }
[sites.kitchen.links]
atelier = "allow"
[sites.kitchen.deploy]
target = "file:///tmp/never-deployed-k"
host = "netlify"
"""


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def signals_in(root: Path, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every output file, by name and bytes (case folded), that says one of SIGNALS."""
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        text = rel.lower()
        if path.is_file():
            text += "\n" + path.read_bytes().decode("utf-8", "replace").lower()
        for word in SIGNALS:
            if word in text and word not in allowed:
                found.append(f"{rel}: {word}")
    return found


@pytest.fixture
def named(tmp_path: Path) -> Project:
    project = Project(tmp_path / "site")
    project.config(CONFIG)
    project.write_bytes("pics/jo.png", png("navy"))
    project.write_bytes("pics/jojo.png", png("orange"))
    project.post("2026-01-10-notes", "atelier", title="Notes On Pricing", tags=["pricing"])
    project.post(
        "2026-01-11-bread",
        "kitchen",
        title="Bread Again",
        tags=["baking"],
        body="```python\nprint('code, for the code style sheet')\n```\n",
    )
    project.post("2026-01-12-hello", "all", title="Hello There", aliases=["/old/hello.html"])
    project.page("about", "all", title="About")
    return project


def test_no_output_file_names_a_site_or_the_generator(named: Project) -> None:
    named.build()
    public = named.root / "public"
    kinds = {p.suffix or p.name for p in public.rglob("*") if p.is_file()}
    # Every kind of output file is there to be read: pages, feeds, sitemap, robots,
    # host files, style sheets, the 404 page, copied images.
    for kind in (".html", ".xml", ".json", ".txt", ".css", ".png", "CNAME", "_headers"):
        assert kind in kinds, kinds
    assert (public / "atelier/404.html").is_file() and (public / "kitchen/_redirects").is_file()
    assert signals_in(public / "atelier") == []
    assert signals_in(public / "kitchen") == []


def test_generator_true_announces_the_generator_and_nothing_else(named: Project) -> None:
    config = named.root / "splitblog.toml"
    config.write_text(
        config.read_text().replace('theme = "personal"\n', 'theme = "personal"\ngenerator = true\n')
    )
    named.build()
    assert "<generator>splitblog</generator>" in named.read("kitchen", "rss.xml")
    assert ">splitblog</generator>" in named.read("kitchen", "atom.xml")
    assert signals_in(named.root / "public/atelier") == []
    found = signals_in(named.root / "public/kitchen", allowed=())
    assert found and all(line.endswith(": splitblog") for line in found), found
    feeds = {line.split(":")[0] for line in found}
    assert {f for f in feeds if not f.startswith("tags/")} <= {"rss.xml", "atom.xml"}
    assert all(f.endswith("/atom.xml") for f in feeds if f.startswith("tags/"))  # tag feeds


def test_the_users_own_words_are_theirs_to_publish(named: Project) -> None:
    named.post("2026-01-13-kitchen", "kitchen", title="My Kitchen, Rebuilt With splitblog")
    named.build()
    assert "My Kitchen, Rebuilt With splitblog" in named.read("kitchen", "posts/kitchen/index.html")


def test_a_new_project_publishes_neither_name(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    project = Project(target)
    project.build()
    for site in ("professional", "personal"):
        assert signals_in(project.out(site)) == [], site


def test_the_generator_option_is_in_the_schema(named: Project) -> None:
    config = named.root / "splitblog.toml"
    config.write_text(
        config.read_text().replace("noindex = true\n", 'noindex = true\ngenerator = "yes"\n')
    )
    result = named.run("build")
    assert result.exit_code == 1 and "sites.kitchen.generator" in result.stderr
