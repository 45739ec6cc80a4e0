"""Every file of one site's build as a task — its path, a key that changes whenever its
bytes could, and how to make them — built from the site's plan and finished bodies only,
and rendered with the shipped themes."""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from splitblog.config import DeployConfig, SiteConfig
from splitblog.model import Source
from splitblog.routing.links import allowed_sites
from splitblog.site import feeds
from splitblog.site.pages import PageTask, SitePages, menu_links
from splitblog.site.templates import environment
from splitblog.site.views import site_view

from .support.plans import finished, project, routed, source

PRO, HOME = "professional", "personal"
# Under a path: every href must carry /pro/, every feed and sitemap URL the whole base.
PRO_SITE = SiteConfig(PRO, "Pro & Co", "https://example.com/pro/", "professional", posts_per_page=2)
HOME_SITE = SiteConfig(HOME, "Home", "https://home.example.net/", "personal")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def corpus(**changes: dict[str, object]) -> list[Source]:
    """Five professional posts (p0 oldest … p4 newest), two pages, and one personal post;
    `changes` gives some of them other front matter, by slug."""
    fields: dict[str, dict[str, object]] = {
        f"p{i}": {"title": f"Post {i}", "tags": ("odd",) if i % 2 else ("even",)} for i in range(5)
    }
    fields["p4"]["tags"] = ("even", "news")
    fields["p2"]["body"] = "Its summary.\n\n<!-- more -->\n\nThe rest of post 2.\n"
    for slug, change in changes.items():
        fields[slug] = {**fields[slug], **change}
    sources = [source(f"posts/{s}.md", {PRO}, int(s[1]) + 1, **f) for s, f in fields.items()]
    return [
        *sources,
        source("pages/about.md", {PRO}, title="About Us"),
        source("pages/work/cv.md", {PRO}, title="CV"),
        source("posts/secret.md", {HOME}, 9, title="Home Secret"),
    ]


def site_pages(sources: list[Source], site: SiteConfig = PRO_SITE, key: str = "k") -> SitePages:
    config = project(site, HOME_SITE)
    routing = routed(config, *sources)
    plan = routing.plans[site.name]
    bodies, problems = finished(config, routing, site.name)
    assert not problems
    view = site_view(plan.site, menu_links(plan), allowed_sites(plan.site, config))
    env = functools.cache(lambda: environment(config, plan.site, None))
    return SitePages(config, plan, bodies, view, env, key)


def tasks(pages: SitePages) -> dict[str, PageTask]:
    made = pages.tasks()
    by_path = {task.path: task for task in made}
    assert len(by_path) == len(made), "two tasks write one path"
    return by_path


def text(pages: SitePages, path: str) -> str:
    return tasks(pages)[path].render().decode()


def keys(pages: SitePages) -> dict[str, str]:
    return {path: task.key for path, task in tasks(pages).items()}


@pytest.fixture(scope="module")
def pages() -> SitePages:
    return site_pages(corpus())


# -- which files -------------------------------------------------------------------------------
def test_the_tasks_are_every_file_of_the_site_and_nothing_else(pages: SitePages) -> None:
    assert set(tasks(pages)) == {
        *(f"posts/p{i}/index.html" for i in range(5)),
        "about/index.html",
        "work/cv/index.html",
        "index.html",  # five posts, two a page
        "page/2/index.html",
        "page/3/index.html",
        "tags/even/index.html",  # p0, p2, p4
        "tags/even/page/2/index.html",
        "tags/odd/index.html",  # p1, p3
        "tags/news/index.html",
        "tags/even/atom.xml",  # each tag's own feed
        "tags/odd/atom.xml",
        "tags/news/atom.xml",
        "tags/index.html",
        "archive/index.html",
        "search/index.html",  # the search page (search = true, the default)
        "404.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
    }


def test_only_the_sites_feeds_and_its_hosts_files() -> None:
    site = replace(PRO_SITE, feeds=("rss",), deploy=DeployConfig("file:///srv", "github-pages"))
    made = tasks(site_pages(corpus(), site))
    assert [p for p in made if p.endswith((".xml", ".json"))] == ["rss.xml", "sitemap.xml"]
    assert made["CNAME"].render() == b"example.com\n"
    assert made[".nojekyll"].render() == b""


def test_no_page_shows_anything_of_another_site(pages: SitePages) -> None:
    for path, task in tasks(pages).items():
        data = task.render()
        assert b"Home Secret" not in data and b"secret" not in data, path
        assert b"home.example.net" not in data, path


# -- what the pages show -----------------------------------------------------------------------
def test_a_post_page_links_its_older_and_newer_neighbours(pages: SitePages) -> None:
    middle = text(pages, "posts/p2/index.html")
    assert '<h1 class="p-name">Post 2</h1>' in middle
    assert "The rest of post 2." in middle
    assert 'class="post-nav-prev" href="/pro/posts/p1/" rel="prev"' in middle  # older
    assert 'class="post-nav-next" href="/pro/posts/p3/" rel="next"' in middle  # newer
    assert '<link rel="canonical" href="https://example.com/pro/posts/p2/">' in middle
    assert '<a href="/pro/tags/even/" rel="tag">even</a>' in middle
    newest, oldest = text(pages, "posts/p4/index.html"), text(pages, "posts/p0/index.html")
    assert 'rel="next"' not in newest and 'href="/pro/posts/p3/" rel="prev"' in newest
    assert 'rel="prev"' not in oldest and 'href="/pro/posts/p1/" rel="next"' in oldest


def test_a_page_has_no_neighbours_and_every_page_has_the_menu(pages: SitePages) -> None:
    about = text(pages, "about/index.html")
    assert "About Us" in about and 'class="post-nav' not in about
    for path in ("index.html", "posts/p0/index.html", "404.html"):
        page = text(pages, path)
        assert '<a href="/pro/about/">About Us</a>' in page, path
        assert '<a href="/pro/work/cv/">CV</a>' in page, path


def card_titles(markup: str) -> list[str]:
    return re.findall(r'<li class="post-card">\s*<article>\s*<h2><a href="[^"]*">([^<]*)<', markup)


def test_the_home_pages_hold_their_share_newest_first(pages: SitePages) -> None:
    first, second, third = (
        text(pages, p) for p in ("index.html", "page/2/index.html", "page/3/index.html")
    )
    assert card_titles(first) == ["Post 4", "Post 3"]
    assert card_titles(second) == ["Post 2", "Post 1"]
    assert card_titles(third) == ["Post 0"]
    assert 'href="/pro/page/2/" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/pro/" rel="prev"' in second and 'href="/pro/page/3/" rel="next"' in second
    assert "Page 3 of 3" in third and 'rel="next"' not in third
    # A card shows the summary, not the rest of the post.
    assert "Its summary." in second and "The rest of post 2." not in second


def test_tag_pages_hold_only_their_tags_posts(pages: SitePages) -> None:
    even = text(pages, "tags/even/index.html")
    assert card_titles(even) == ["Post 4", "Post 2"]
    assert card_titles(text(pages, "tags/even/page/2/index.html")) == ["Post 0"]
    assert card_titles(text(pages, "tags/odd/index.html")) == ["Post 3", "Post 1"]
    assert "Posts tagged <em>even</em>" in even
    assert 'href="/pro/tags/even/page/2/" rel="next"' in even
    index = text(pages, "tags/index.html")
    counts = re.findall(r'<a href="([^"]*)">([^<]*)</a> <span class="count">(\d+)</span>', index)
    assert counts == [
        ("/pro/tags/even/", "even", "3"),
        ("/pro/tags/news/", "news", "1"),
        ("/pro/tags/odd/", "odd", "2"),
    ]


def test_the_archive_lists_every_post_under_its_year() -> None:
    last = source("posts/old.md", {PRO}, title="Last Year", date=datetime(2025, 12, 31, tzinfo=UTC))
    archive = text(site_pages([*corpus(), last]), "archive/index.html")
    assert re.findall(r'<h2 id="year-(\d+)">', archive) == ["2026", "2025"]
    _, this_year, last_year = re.split(r'<h2 id="year-\d+">', archive)
    listed = r'<time datetime="[^"]*">[^<]*</time> <a href="([^"]*)">([^<]*)</a>'
    assert re.findall(listed, this_year) == [
        (f"/pro/posts/p{i}/", f"Post {i}") for i in (4, 3, 2, 1, 0)
    ]
    assert re.findall(listed, last_year) == [("/pro/posts/old/", "Last Year")]


def test_titles_are_escaped_on_every_page_that_shows_them() -> None:
    nasty = 'Fish & <chips> "now"'
    pages = site_pages(corpus(p4={"title": nasty}))
    for path in ("posts/p4/index.html", "posts/p3/index.html", "index.html", "archive/index.html"):
        page = text(pages, path)
        assert "<chips>" not in page, path
        assert "Fish &amp; &lt;chips&gt;" in page, path
    feed = json.loads(text(pages, "feed.json"))
    assert feed["items"][0]["title"] == nasty


def test_the_404_page(pages: SitePages) -> None:
    page = text(pages, "404.html")
    assert "<title>Page not found · Pro &amp; Co</title>" in page


# -- feeds, sitemap, robots ----------------------------------------------------------------------
def test_feeds_carry_the_newest_posts_with_their_whole_text(pages: SitePages) -> None:
    atom = ET.fromstring(tasks(pages)["atom.xml"].render())
    ns = "{http://www.w3.org/2005/Atom}"
    entries = atom.findall(f"{ns}entry")
    assert [e.findtext(f"{ns}title") for e in entries] == [f"Post {i}" for i in (4, 3, 2, 1, 0)]
    assert entries[0].findtext(f"{ns}id") == "https://example.com/pro/posts/p4/"
    assert "The rest of post 2." in (entries[2].findtext(f"{ns}content") or "")
    assert [i["title"] for i in json.loads(text(pages, "feed.json"))["items"]][:2] == [
        "Post 4",
        "Post 3",
    ]


def test_feeds_hold_at_most_feed_items_posts() -> None:
    many = [source(f"posts/n{i}.md", {PRO}, i + 1, title=f"N{i}") for i in range(25)]
    feed = json.loads(text(site_pages(many), "feed.json"))
    assert [i["title"] for i in feed["items"]] == [f"N{i}" for i in range(24, 4, -1)]
    assert len(feed["items"]) == feeds.FEED_ITEMS


def test_the_sitemap_names_every_page_once_with_its_date(pages: SitePages) -> None:
    root = ET.fromstring(tasks(pages)["sitemap.xml"].render())
    found = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    base = "https://example.com/pro/"
    assert found == {
        base: "2026-01-05",  # the newest post's date
        **{f"{base}posts/p{i}/": f"2026-01-0{i + 1}" for i in range(5)},
        f"{base}about/": None,
        f"{base}work/cv/": None,
        f"{base}tags/": None,
        f"{base}archive/": None,
        f"{base}tags/even/": "2026-01-05",
        f"{base}tags/news/": "2026-01-05",
        f"{base}tags/odd/": "2026-01-04",
    }
    assert len(root) == len(found)


def test_robots_names_the_sitemap(pages: SitePages) -> None:
    assert text(pages, "robots.txt").endswith("Sitemap: https://example.com/pro/sitemap.xml\n")


# -- keys: what a rebuild renders again ----------------------------------------------------------
def changed(before: SitePages, after: SitePages) -> set[str]:
    old, new = keys(before), keys(after)
    assert old.keys() == new.keys()
    return {path for path in old if old[path] != new[path]}


def test_the_same_inputs_give_the_same_keys(pages: SitePages) -> None:
    assert changed(pages, site_pages(corpus())) == set()


def test_a_change_below_the_summary_renders_the_post_and_the_feeds_again(
    pages: SitePages,
) -> None:
    body = "Its summary.\n\n<!-- more -->\n\nThe rest, rewritten.\n"
    assert changed(pages, site_pages(corpus(p2={"body": body}))) == {
        "posts/p2/index.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "tags/even/atom.xml",  # its tag's feed holds the whole post too
    }


def test_a_new_title_renders_every_page_that_shows_it(pages: SitePages) -> None:
    assert changed(pages, site_pages(corpus(p2={"title": "Post Two"}))) == {
        "posts/p2/index.html",
        "posts/p1/index.html",  # its newer neighbour is named there
        "posts/p3/index.html",  # and its older one
        "posts/p0/index.html",  # and the posts it is related to (tag "even")
        "posts/p4/index.html",
        "page/2/index.html",
        "tags/even/index.html",
        "tags/even/atom.xml",
        "archive/index.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
    }


def test_another_site_key_renders_everything_again(pages: SitePages) -> None:
    again = site_pages(corpus(), key="another theme or configuration")
    assert changed(pages, again) == set(keys(pages))


def test_a_key_matches_what_its_task_renders(pages: SitePages) -> None:
    """Any two tasks with one key render the same bytes: a key never hides a change."""
    edited = site_pages(corpus(p2={"title": "Post Two"}, p0={"tags": ("odd",)}))
    for before, after in ((pages, edited), (edited, pages)):
        old, new = tasks(before), tasks(after)
        for path, task in new.items():
            if path in old and task.key == old[path].key:
                assert task.render() == old[path].render(), path


def test_a_tag_renamed_by_another_post_renders_the_posts_that_show_it() -> None:
    """p4 (the newest) spells the tag "Odd", so every post tagged odd shows "Odd"; once
    p4 drops it, p1 and p3 show "odd" — their pages must be rendered again."""
    before = site_pages(corpus(p4={"tags": ("even", "Odd")}))
    after = site_pages(corpus(p4={"tags": ("even",)}))
    for path in ("posts/p1/index.html", "posts/p3/index.html"):
        assert ">Odd</a>" in text(before, path) and ">odd</a>" in text(after, path)
        assert keys(before)[path] != keys(after)[path], path


# The edits the key tests make, each from the same site (the module's fixture).
EDITS = {
    "below the summary": {"p2": {"body": "Its summary.\n\n<!-- more -->\n\nRewritten.\n"}},
    "the summary": {"p2": {"body": "A new summary.\n\n<!-- more -->\n\nThe rest.\n"}},
    "a whole body": {"p3": {"body": "Nothing as it was.\n"}},
    "a title": {"p2": {"title": "Post Two"}},
    "a tag": {"p0": {"tags": ("odd",)}},
    "a tag's spelling": {"p4": {"tags": ("even", "Odd")}},
    "nothing": {},
}


@pytest.mark.parametrize("edit", EDITS)
def test_the_record_gives_every_page_the_key_working_it_out_gives(
    pages: SitePages, edit: str
) -> None:
    """The dependency record (PageRecord): after any edit, the pages read from the last
    build's record have the keys of the pages worked out from nothing, page for page;
    and the record it leaves is the record a build from nothing leaves."""
    _tasks, record = pages.tasks_since(None)
    edited = site_pages(corpus(**EDITS[edit]))
    kept, left = edited.tasks_since(record)
    fresh, from_nothing = site_pages(corpus(**EDITS[edit])).tasks_since(None)
    assert [(t.path, t.key, t.indexed) for t in kept] == [(t.path, t.key, t.indexed) for t in fresh]
    assert left == from_nothing


def test_a_page_the_record_keeps_renders_as_when_worked_out(pages: SitePages) -> None:
    """A page kept by its record is rendered after all when its file is missing from the
    output: it renders the bytes the page worked out from nothing does."""
    _tasks, record = pages.tasks_since(None)
    edited = site_pages(corpus(**EDITS["below the summary"]))
    kept, _record = edited.tasks_since(record)
    fresh = {t.path: t for t in site_pages(corpus(**EDITS["below the summary"])).tasks()}
    for path in ("index.html", "tags/odd/index.html", "archive/index.html", "posts/p1/index.html"):
        [task] = [t for t in kept if t.path == path]
        assert task.render() == fresh[path].render(), path


def test_a_body_changed_in_part_is_the_same_body_but_that_part(pages: SitePages) -> None:
    body = next(iter(pages.bodies.values()))
    photos = object()
    assert body.but(photos=photos) == replace(body, photos=photos)
    assert body.but(photos=photos).photos is photos and body.photos is not photos


# -- views -----------------------------------------------------------------------------------------
def test_views_give_templates_root_relative_and_absolute_addresses(pages: SitePages) -> None:
    entry = next(e for e in pages.plan.posts if e.slug == "p2")
    view = pages.view(entry, full=True)
    assert (view.kind, view.title, view.href, view.url) == (
        "post",
        "Post 2",
        "/pro/posts/p2/",
        "https://example.com/pro/posts/p2/",
    )
    assert [(t.title, t.href) for t in view.tags] == [("even", "/pro/tags/even/")]
    assert view.description == "Its summary."
    assert "The rest of post 2." in view.content
    assert pages.view(entry, full=False).content == ""  # lists never carry the whole text
    card = pages.listed(entry).card
    assert '<a href="/pro/posts/p2/">Post 2</a>' in card
    assert pages.listed(entry) is pages.listed(entry)  # one card per post and build


def test_the_menu_is_the_sites_pages_in_address_order(pages: SitePages) -> None:
    assert [(link.title, link.href) for link in menu_links(pages.plan)] == [
        ("About Us", "/pro/about/"),
        ("CV", "/pro/work/cv/"),
    ]
