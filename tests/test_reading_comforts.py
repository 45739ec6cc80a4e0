"""What readers expect of a blog's theme, in both shipped themes, and never crossing
sites: a table of contents built from the site's own rendering (another site's `::: only`
headings are not in it), related posts and series from the site's own posts, per-tag
feeds holding only the site's posts of that tag, reading time, one <h1> per page, and a
dark variant whose colours are all readable."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

from .conftest import Project
from .support.contrast import COLOUR, contrast, dark_block, variables

THEMES = Path(__file__).parent.parent / "themes"
AA = 4.5  # WCAG 2 AA, normal text


def tree(project: Project, site: str, rel: str) -> LexborHTMLParser:
    return LexborHTMLParser(project.read(site, rel))


def toc_of(project: Project, site: str, rel: str) -> list[tuple[str, str, int]]:
    """(text, href, depth) of each entry of the page's table of contents."""
    nav = tree(project, site, rel).css_first("nav.toc")
    if nav is None:
        return []
    return [
        (a.text(), a.attributes["href"], len([p for p in _parents(a) if p.tag == "ol"]))
        for a in nav.css("a")
    ]


def _parents(node):  # type: ignore[no-untyped-def]
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


# -- table of contents ------------------------------------------------------------------------
BODY = """\
Intro.

## Planning

Some text.

### Budget

::: only personal
## Secret Kitchen Heading

- a list

  ### Nested Hidden Heading
:::

## Results

Done.
"""


def test_the_toc_lists_the_sites_own_headings_and_never_another_sites(project: Project) -> None:
    text = (project.root / "splitblog.toml").read_text()
    (project.root / "splitblog.toml").write_text(
        text.replace('theme = "professional"\n', 'theme = "professional"\ntoc = true\n')
    )
    project.post("2026-01-10-plan", "all", body=BODY, personal={"toc": True})
    project.build()
    pro = toc_of(project, "professional", "posts/plan/index.html")
    assert pro == [
        ("Planning", "#planning", 1),
        ("Budget", "#budget", 2),
        ("Results", "#results", 1),
    ]
    page = tree(project, "professional", "posts/plan/index.html")
    for _text, href, _depth in pro:  # each entry leads to its heading
        assert page.css_first(f"h2{href}, h3{href}") is not None, href
    project.assert_absent("professional", "Secret Kitchen", "Nested Hidden", "secret-kitchen")
    home = [text for text, _h, _d in toc_of(project, "personal", "posts/plan/index.html")]
    assert home == [
        "Planning",
        "Budget",
        "Secret Kitchen Heading",
        "Nested Hidden Heading",
        "Results",
    ]


def test_toc_per_post_either_way_and_none_for_a_single_heading(project: Project) -> None:
    body = "## One\n\ntext\n\n## Two\n\ntext\n"
    project.post("2026-01-10-asks", "professional", body=body, toc=True)
    project.post("2026-01-11-default", "professional", body=body)
    project.post("2026-01-12-single", "professional", body="## Only\n\ntext\n", toc=True)
    project.build()
    assert [t for t, _h, _d in toc_of(project, "professional", "posts/asks/index.html")] == [
        "One",
        "Two",
    ]
    assert toc_of(project, "professional", "posts/default/index.html") == []  # toc is off
    assert toc_of(project, "professional", "posts/single/index.html") == []
    text = (project.root / "splitblog.toml").read_text()
    (project.root / "splitblog.toml").write_text(
        text.replace('theme = "professional"\n', 'theme = "professional"\ntoc = true\n')
    )
    project.post("2026-01-11-default", "professional", body=body, toc=False)
    project.build()
    assert toc_of(project, "professional", "posts/default/index.html") == []
    assert toc_of(project, "professional", "posts/asks/index.html") != []


# -- one h1 -----------------------------------------------------------------------------------
def test_every_page_has_exactly_one_h1_and_a_bodys_headings_move_down(project: Project) -> None:
    project.post(
        "2026-01-10-hashes",
        "all",
        title="The Title",
        body="# A Heading\n\ntext\n\n## Below It\n\n<h1 class='x'>Raw</h1>\n\n###### Deep\n",
        toc=True,
    )
    project.post("2026-01-11-plain", "all", body="## Starts At Two\n\ntext\n")
    project.page("about", "all", body="# About Heading\n")
    project.build()
    for site in ("professional", "personal"):
        for rel, data in project.files(site).items():
            if rel.endswith(".html"):
                assert len(LexborHTMLParser(data.decode()).css("h1")) == 1, (site, rel)
    page = tree(project, "professional", "posts/hashes/index.html")
    assert page.css_first("h1").text() == "The Title"
    assert page.css_first("h2#a-heading") is not None  # `#` → h2, `##` → h3 …
    assert page.css_first("h3#below-it") is not None
    assert page.css_first("h2.x").text() == "Raw"  # a raw <h1> too
    assert page.css_first("h6#deep") is not None  # h6 stays h6
    assert tree(project, "professional", "posts/plain/index.html").css_first("h2#starts-at-two")
    toc = toc_of(project, "professional", "posts/hashes/index.html")
    assert toc == [("A Heading", "#a-heading", 1), ("Below It", "#below-it", 2)]


# -- related posts and series ---------------------------------------------------------------------
def test_related_posts_share_tags_and_stay_on_their_site(project: Project) -> None:
    project.post("2026-01-01-a", "professional", title="Alpha Post", tags=["x", "y", "z"])
    project.post("2026-01-02-b", "professional", title="Bravo Post", tags=["x", "y"])
    project.post("2026-01-03-c", "professional", title="Charlie Post", tags=["x"])
    project.post("2026-01-04-d", "professional", title="Delta Post", tags=["x"])
    project.post("2026-01-05-e", "professional", title="Echo Post", tags=["x"])
    project.post("2026-01-06-f", "professional", title="Foxtrot Post", tags=["other"])
    project.post("2026-01-07-s", "personal", title="Secret Twin", tags=["x", "y", "z"])
    project.post(
        "2026-01-08-shared",
        "all",
        title="Shared Post",
        tags=["q"],
        personal={"tags": ["x", "y", "z"]},
    )
    project.build()
    related = tree(project, "professional", "posts/a/index.html").css("aside.related a")
    # most shared tags first, then the newest; a few, never the post itself
    assert [a.text() for a in related] == ["Bravo Post", "Echo Post", "Delta Post"]
    assert tree(project, "professional", "posts/f/index.html").css_first("aside.related") is None
    for rel, data in project.files("professional").items():
        assert b"Secret Twin" not in data, rel
    shared = [
        a.text()
        for a in tree(project, "professional", "posts/shared/index.html").css("aside.related a")
    ]
    assert shared == []  # its professional tags are its own: q, which no other post has
    home = [
        a.text() for a in tree(project, "personal", "posts/s/index.html").css("aside.related a")
    ]
    assert home == ["Shared Post"]  # on personal it shares x, y, z


def test_a_series_counts_and_links_only_the_sites_own_parts(project: Project) -> None:
    series = "Road Trip"
    project.post("2026-01-01-one", "professional", title="Leg One", series=series)
    project.post("2026-01-02-two", "personal", title="Hidden Leg", series=series)
    project.post("2026-01-03-three", "professional", title="Leg Three", series=series)
    project.post(
        "2026-01-04-four", "all", title="Leg Four", personal={"series": "Other Trip"}, series=series
    )
    project.post("2026-01-05-five", "personal", title="Other Leg", series="Other Trip")
    project.build()
    first = tree(project, "professional", "posts/one/index.html").css_first("aside.series")
    assert first is not None
    assert "Part 1 of 3 in the series Road Trip" in first.text(separator=" ").replace("  ", " ")
    assert [a.text() for a in first.css(".series-parts li")] == ["Leg One", "Leg Three", "Leg Four"]
    assert first.css_first(".series-next").attributes["href"] == "/posts/three/"
    assert first.css_first(".series-prev") is None
    third = tree(project, "professional", "posts/three/index.html").css_first("aside.series")
    assert "Part 2 of 3" in third.text()
    assert third.css_first(".series-prev").attributes["href"] == "/posts/one/"
    assert third.css_first(".series-next").attributes["href"] == "/posts/four/"
    project.assert_absent("professional", "Hidden Leg", "Other Trip", "Other Leg")
    # On personal, "Road Trip" has one part only (no series yet); "Other Trip" has two.
    assert tree(project, "personal", "posts/two/index.html").css_first("aside.series") is None
    other = tree(project, "personal", "posts/four/index.html").css_first("aside.series")
    assert other is not None and "Part 1 of 2 in the series Other Trip" in other.text(
        separator=" "
    ).replace("  ", " ")
    project.assert_absent("personal", "Leg One", "Leg Three")


# -- per-tag feeds -----------------------------------------------------------------------------------
def test_each_tag_has_its_own_valid_feed_of_the_sites_posts(project: Project) -> None:
    project.post("2026-01-01-a", "professional", title="Tagged Work", tags=["Coffee"])
    project.post("2026-01-02-b", "professional", title="Untagged Work", tags=["tea"])
    project.post("2026-01-03-c", "personal", title="Tagged At Home", tags=["coffee"])
    project.post(
        "2026-01-04-d",
        "all",
        title="Everywhere",
        tags=["coffee"],
        body="Full [text](https://example.org/).\n",
    )
    project.build()
    feed = feedparser.parse(project.read("professional", "tags/coffee/atom.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Everywhere", "Tagged Work"]
    assert [e.link for e in feed.entries] == [
        "https://pro.example.com/posts/d/",
        "https://pro.example.com/posts/a/",
    ]
    assert feed.feed.link == "https://pro.example.com/tags/coffee/"
    assert feed.feed.title == "Pro Site: Tagged “coffee”"  # the newest post's spelling
    assert any(
        link.rel == "self" and link.href == "https://pro.example.com/tags/coffee/atom.xml"
        for link in feed.feed.links
    )
    assert "https://example.org/" in feed.entries[0].content[0].value
    home = feedparser.parse(project.read("personal", "tags/coffee/atom.xml"))
    assert not home.bozo and [e.title for e in home.entries] == ["Everywhere", "Tagged At Home"]
    project.assert_absent("professional", "Tagged At Home")
    # linked from the tag page, in its head and in its text
    page = tree(project, "professional", "tags/coffee/index.html")
    head = page.css_first('head link[rel="alternate"][href="/tags/coffee/atom.xml"]')
    assert head is not None and head.attributes["type"] == "application/atom+xml"
    assert page.css_first('main a[href="/tags/coffee/atom.xml"]') is not None
    assert (
        tree(project, "professional", "index.html").css_first('a[href$="/tags/coffee/atom.xml"]')
        is None
    )


def test_no_tag_feed_where_the_site_has_no_atom(project: Project) -> None:
    text = (project.root / "splitblog.toml").read_text()
    (project.root / "splitblog.toml").write_text(
        text.replace('theme = "professional"\n', 'theme = "professional"\nfeeds = ["rss"]\n')
    )
    project.post("2026-01-01-a", "professional", tags=["coffee"])
    project.build()
    assert not project.exists("professional", "tags/coffee/atom.xml")
    assert "atom.xml" not in project.read("professional", "tags/coffee/index.html")


# -- reading time and front matter ----------------------------------------------------------------------
def test_reading_time_counts_the_words_the_site_shows(project: Project) -> None:
    words = " ".join(["word"] * 1000)
    hidden = " ".join(["extra"] * 1000)
    project.post("2026-01-01-long", "all", body=f"{words}\n\n::: only personal\n{hidden}\n:::\n")
    project.post("2026-01-02-short", "professional", body="Three words here.\n")
    project.build()

    def minutes(site: str, rel: str) -> str:
        return tree(project, site, rel).css_first(".reading-time").text().strip(" ·")

    assert minutes("professional", "posts/long/index.html") == "5 min read"  # 1000 / 220
    assert minutes("personal", "posts/long/index.html") == "10 min read"  # 2000 / 220
    assert minutes("professional", "posts/short/index.html") == "1 min read"


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ({"toc": "yes"}, "toc must be true or false, not 'yes'"),
        ({"series": 3}, "series must be text, not 3"),
        ({"series": "  "}, "series must be text"),
        ({"professional": {"toc": 1}}, "professional.toc must be true or false, not 1"),
    ],
)
def test_a_reading_setting_of_the_wrong_kind_names_file_and_line(
    project: Project, front: dict, message: str
) -> None:
    path = project.post("2026-01-01-bad", "professional", **front)
    result = project.run("build")
    assert result.exit_code == 1, result.output
    key = next(iter(front))
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(f"{key}:")
    )
    assert f"content/posts/2026-01-01-bad.md:{line}: {message}" in result.stderr


# -- the dark variant and its colours ------------------------------------------------------------------
# The text colours of each theme on the backgrounds they are shown on.
PAIRS = {
    "professional": [
        ("ink", "paper"), ("ink", "wash"), ("heading", "paper"), ("muted", "paper"),
        ("muted", "wash"), ("accent", "paper"), ("accent", "wash"), ("accent-hover", "paper"),
        ("accent-hover", "wash"), ("on-accent", "accent"), ("ink", "mark"),
    ],
    "personal": [
        ("ink", "paper"), ("ink", "card"), ("heading", "paper"), ("heading", "card"),
        ("muted", "paper"), ("muted", "card"), ("accent", "paper"), ("accent", "card"),
        ("ink", "accent-soft"), ("leaf", "leaf-soft"), ("ink", "leaf-soft"),
        ("accent", "leaf-soft"), ("leaf", "paper"), ("leaf", "card"), ("on-accent", "accent"),
        ("on-accent", "leaf"), ("paper", "ink"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("theme", list(PAIRS))
def test_each_theme_has_a_dark_variant_of_every_colour(theme: str) -> None:
    css = (THEMES / theme / "static/css/site.css").read_text()
    light, _dark = variables(css)
    assert "color-scheme: light dark" in css
    overridden = set(re.findall(r"--([\w-]+)\s*:", dark_block(css)))
    assert set(light) <= overridden, set(light) - overridden  # no light colour left behind
    # …and no colour written in a rule outside the variables, which the dark page would keep
    rules = re.sub(r":root\s*\{[^}]*\}", "", css)
    assert COLOUR.findall(rules) == []
    assert "prefers-color-scheme: dark" in (THEMES / theme / "static/css/code.css").read_text()


@pytest.mark.parametrize("theme", list(PAIRS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_is_readable_on_its_background(theme: str, scheme: str) -> None:
    light, dark = variables((THEMES / theme / "static/css/site.css").read_text())
    colours = light if scheme == "light" else dark
    for text, background in PAIRS[theme]:
        ratio = contrast(colours[text], colours[background])
        assert ratio >= AA, f"{theme} {scheme}: --{text} on --{background} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", list(PAIRS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_code_colour_is_readable_on_the_code_background(theme: str, scheme: str) -> None:
    css = (THEMES / theme / "static/css/code.css").read_text()
    part = dark_block(css) if scheme == "dark" else css.replace(dark_block(css), "")
    background = re.search(r"\.highlight \{ background: (#\w+)", part).group(1)  # type: ignore[union-attr]
    for rule in re.findall(r"^\s*(\.highlight \.\w+ \{[^}]*\})", part, re.M):
        found = re.search(r"(?<![-\w])color: (#\w+)", rule)
        if found is None or "background-color" in rule or rule.startswith(".highlight .w "):
            continue  # no colour of its own; its own background; white space
        ratio = contrast(found.group(1), background)
        assert ratio >= AA, f"{theme} {scheme}: {rule} is {ratio:.2f}:1 on {background}"


def test_pages_say_they_have_both_schemes(project: Project) -> None:
    project.post("2026-01-01-a", "all")
    project.build()
    for site in ("professional", "personal"):
        meta = tree(project, site, "index.html").css_first('meta[name="color-scheme"]')
        assert meta is not None and meta.attributes["content"] == "light dark"
