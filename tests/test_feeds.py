"""Atom, RSS, JSON Feed, sitemap and robots.txt for a small hand-built site: what a feed
reader or a crawler gets, read back with feedparser and an XML parser."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from markupsafe import Markup

from splitblog.config import Author, SiteConfig
from splitblog.site import feeds
from splitblog.site.views import Link, PostView

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.com/pro/"  # under a path: relative links must keep it
NASTY = "Fish & <chips> \"quoted\" 'too'"
SITE = SiteConfig(
    "professional",
    "Pat & <Partners>",
    BASE,
    "professional",
    language="en-GB",
    description="Pricing & positioning",
    author=Author("Pat Pro", "pat@example.com", "avatars/pat.jpg"),
)
BODY = (
    '<p>See <a href="../older/">the older post</a>, <img src="chart.png" alt="c">, '
    '<a href="/pro/about/">about</a>, <a href="#notes">notes</a>, '
    '<a href="https://elsewhere.example/x">elsewhere</a> and '
    '<a href="mailto:pat@example.com">mail</a>.</p>'
)


def post(
    slug: str,
    title: str | None = None,
    day: int = 1,
    updated: datetime | None = None,
    tags: tuple[str, ...] = (),
    summary: str = "",
    content: str = "<p>Text.</p>",
) -> PostView:
    return PostView(
        kind="post",
        title=title or slug.title(),
        href=f"/pro/posts/{slug}/",
        url=f"{BASE}posts/{slug}/",
        date=datetime(2026, 1, day, 9, 30, tzinfo=UTC),
        updated=updated,
        tags=tuple(Link(t, f"/pro/tags/{t.lower()}/") for t in tags),
        summary=Markup(summary),
        content=Markup(content),
    )


NEWEST = post(
    "newest",
    NASTY,
    day=20,
    tags=("R&D", "pricing"),
    summary='<p>Short &amp; <a href="../older/">linked</a></p>',
    content=BODY,
)
OLDER = post("older", "The Older Post", day=3, updated=datetime(2026, 2, 1, tzinfo=UTC))
POSTS = [NEWEST, OLDER]


def parsed(data: bytes) -> feedparser.FeedParserDict:
    ET.fromstring(data)  # well-formed XML, or this raises
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.bozo_exception
    return feed


# -- Atom ---------------------------------------------------------------------------------------
def test_atom_describes_the_site_with_absolute_addresses() -> None:
    data = feeds.atom(SITE, POSTS)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = parsed(data)
    assert feed.version == "atom10"
    assert feed.feed.title == "Pat & <Partners>"
    assert feed.feed.subtitle == "Pricing & positioning"
    assert feed.feed.id == BASE
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": f"{BASE}atom.xml",
        "alternate": BASE,
    }
    assert (feed.feed.author_detail.name, feed.feed.author_detail.email) == (
        "Pat Pro",
        "pat@example.com",
    )
    root = ET.fromstring(data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    # The feed changed when its newest change did: OLDER's update, not NEWEST's date.
    assert root.findtext(f"{ATOM}updated") == "2026-02-01T00:00:00+00:00"


def test_atom_entries_are_the_given_posts_in_order() -> None:
    data = feeds.atom(SITE, POSTS)
    feed = parsed(data)
    assert [e.title for e in feed.entries] == [NASTY, "The Older Post"]
    assert [e.id for e in feed.entries] == [f"{BASE}posts/newest/", f"{BASE}posts/older/"]
    assert [e.link for e in feed.entries] == [f"{BASE}posts/newest/", f"{BASE}posts/older/"]
    newest, older = feed.entries
    assert [t.term for t in newest.tags] == ["R&D", "pricing"]
    assert newest.published == "2026-01-20T09:30:00+00:00"
    assert newest.updated == newest.published  # never updated: its date
    assert older.updated == "2026-02-01T00:00:00+00:00"
    summaries = [e.find(f"{ATOM}summary") for e in ET.fromstring(data).iter(f"{ATOM}entry")]
    assert summaries[0] is not None and summaries[1] is None  # none given, none invented


def test_atom_content_links_are_absolute() -> None:
    [entry, _] = parsed(feeds.atom(SITE, POSTS)).entries
    content = entry.content[0].value
    assert entry.content[0].type == "text/html"
    for url in (
        f"{BASE}posts/older/",  # ../older/ from the post's own page
        f"{BASE}posts/newest/chart.png",
        f"{BASE}about/",  # root-relative, the site's path kept
        f"{BASE}posts/newest/#notes",
        "https://elsewhere.example/x",
        "mailto:pat@example.com",
    ):
        assert url in content, url
    assert 'href="../' not in content and 'href="/pro/' not in content
    assert f'<a href="{BASE}posts/older/">linked</a>' in entry.summary


def test_feed_titles_are_escaped_not_interpreted() -> None:
    for make in (feeds.atom, feeds.rss):
        data = make(SITE, POSTS)
        assert b"<chips>" not in data and b"<Partners>" not in data
        assert b"Fish &amp; &lt;chips&gt;" in data
        feed = parsed(data)
        assert feed.entries[0].title == NASTY
        assert feed.feed.title == "Pat & <Partners>"
    data = feeds.json_feed(SITE, POSTS)
    assert json.loads(data)["items"][0]["title"] == NASTY


# -- RSS ----------------------------------------------------------------------------------------
def test_rss_channel_and_items() -> None:
    data = feeds.rss(SITE, POSTS)
    feed = parsed(data)
    assert feed.version == "rss20"
    assert (feed.feed.title, feed.feed.link) == ("Pat & <Partners>", BASE)
    assert feed.feed.language == "en-GB"
    channel = ET.fromstring(data).find("channel")
    assert channel is not None
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None and self_link.get("href") == f"{BASE}rss.xml"
    last_build = channel.findtext("lastBuildDate")
    assert parsedate_to_datetime(last_build) == datetime(2026, 2, 1, tzinfo=UTC)
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [NASTY, "The Older Post"]
    assert [i.findtext("link") for i in items] == [f"{BASE}posts/newest/", f"{BASE}posts/older/"]
    guid = items[0].find("guid")
    assert guid is not None and guid.get("isPermaLink") == "true"
    assert guid.text == f"{BASE}posts/newest/"
    assert parsedate_to_datetime(items[0].findtext("pubDate")) == NEWEST.date
    assert items[0].findtext("author") == "pat@example.com (Pat Pro)"
    assert [c.text for c in items[0].findall("category")] == ["R&D", "pricing"]
    description = items[0].findtext("description")
    assert f'<img src="{BASE}posts/newest/chart.png"' in description
    assert 'href="../older/"' not in description


def test_rss_without_an_email_names_no_author() -> None:
    site = SiteConfig("s", "S", BASE, "professional", author=Author("Only A Name"))
    items = ET.fromstring(feeds.rss(site, POSTS)).findall("channel/item")
    assert [i.find("author") for i in items] == [None, None]  # RSS wants an address there


# -- JSON Feed ----------------------------------------------------------------------------------
def test_json_feed_fields() -> None:
    data = feeds.json_feed(SITE, POSTS)
    assert data.endswith(b"}\n")
    feed = json.loads(data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert (feed["home_page_url"], feed["feed_url"]) == (BASE, f"{BASE}feed.json")
    assert feed["authors"] == [{"name": "Pat Pro", "avatar": f"{BASE}pat.jpg"}]
    assert (feed["language"], feed["description"]) == ("en-GB", "Pricing & positioning")
    newest, older = feed["items"]
    assert newest["id"] == newest["url"] == f"{BASE}posts/newest/"
    assert newest["summary"] == "Short & linked"  # plain text: tags gone, entities read
    assert f'href="{BASE}posts/older/"' in newest["content_html"]
    assert newest["tags"] == ["R&D", "pricing"]
    assert datetime.fromisoformat(newest["date_published"]) == NEWEST.date
    assert "date_modified" not in newest and "summary" not in older
    assert datetime.fromisoformat(older["date_modified"]) == OLDER.updated


def test_json_feed_keeps_text_as_written() -> None:
    site = SiteConfig("s", "Café ☕", BASE, "professional")
    data = feeds.json_feed(site, [post("a", "Über & <b>")])
    assert "Café ☕".encode() in data  # not \\u-escaped
    feed = json.loads(data)
    assert feed["items"][0]["title"] == "Über & <b>"
    # No author configured: the site stands in; no description, no key.
    assert feed["authors"] == [{"name": "Café ☕"}] and "description" not in feed


# -- what every feed shares ---------------------------------------------------------------------
def entry_titles(kind: str, data: bytes) -> list[str]:
    if kind == "json":
        return [item["title"] for item in json.loads(data)["items"]]
    return [entry.title for entry in parsed(data).entries]


MAKERS = {"atom": feeds.atom, "rss": feeds.rss, "json": feeds.json_feed}


@pytest.mark.parametrize("kind", MAKERS)
def test_a_feed_holds_only_the_posts_it_is_given(kind: str) -> None:
    data = MAKERS[kind](SITE, [OLDER])
    assert entry_titles(kind, data) == ["The Older Post"]
    assert b"Fish" not in data and b"newest" not in data and b"R&amp;D" not in data


@pytest.mark.parametrize("kind", MAKERS)
def test_a_feed_holds_the_first_feed_items_posts(kind: str) -> None:
    many = [post(f"p{i}", f"Post {i}", day=28 - i) for i in range(feeds.FEED_ITEMS + 5)]
    titles = entry_titles(kind, MAKERS[kind](SITE, many))
    assert titles == [f"Post {i}" for i in range(feeds.FEED_ITEMS)]


@pytest.mark.parametrize("kind", MAKERS)
def test_a_feed_of_no_posts_is_still_valid(kind: str) -> None:
    data = MAKERS[kind](SITE, [])
    assert entry_titles(kind, data) == []
    if kind == "atom":
        assert ET.fromstring(data).findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"


def test_the_feed_updated_stamp_is_the_latest_of_dates_and_updates() -> None:
    late = post("late", day=5, updated=datetime(2026, 3, 1, 8, tzinfo=UTC) + timedelta(hours=1))
    root = ET.fromstring(feeds.atom(SITE, [NEWEST, late, OLDER]))
    assert root.findtext(f"{ATOM}updated") == "2026-03-01T09:00:00+00:00"


def test_absolutize_leaves_what_is_absolute_or_not_a_page_alone() -> None:
    page = f"{BASE}posts/a/"
    markup = (
        '<a href="">empty</a><a href="b/">b</a><a href="?q=1">q</a>'
        '<img src="//cdn.example.net/x.png"><video poster="still.jpg"></video>'
        '<img src="data:image/png;base64,AAAA"><a href="tel:+4912345">t</a>'
        '<a href="HTTPS://Other.example/">o</a>'
    )
    fixed = feeds.absolutize(markup, page)
    assert '<a href="">empty</a>' in fixed
    assert f'href="{page}b/"' in fixed and f'href="{page}?q=1"' in fixed
    assert 'src="https://cdn.example.net/x.png"' in fixed
    assert f'poster="{page}still.jpg"' in fixed
    assert 'src="data:image/png;base64,AAAA"' in fixed and 'href="tel:+4912345"' in fixed
    assert 'href="HTTPS://Other.example/"' in fixed


# -- sitemap and robots -------------------------------------------------------------------------
def test_sitemap_lists_exactly_the_pages_given() -> None:
    pages = [
        (BASE, datetime(2026, 1, 20, 23, 59, tzinfo=UTC)),
        (f"{BASE}posts/a/", datetime(2026, 1, 3, tzinfo=UTC)),
        (f"{BASE}tags/?sort=a&b", None),
    ]
    data = feeds.sitemap(SITE, pages)
    root = ET.fromstring(data)
    assert root.tag == f"{SITEMAP}urlset"
    urls = [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in root]
    assert urls == [
        (BASE, "2026-01-20"),
        (f"{BASE}posts/a/", "2026-01-03"),
        (f"{BASE}tags/?sort=a&b", None),  # escaped in the file, read back as written
    ]
    assert b"&amp;b" in data
    assert ET.fromstring(feeds.sitemap(SITE, [])).findall(f"{SITEMAP}url") == []


def test_robots_points_at_the_sitemap_or_shuts_everyone_out() -> None:
    assert feeds.robots(SITE) == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n".encode()
    )
    hidden = SiteConfig("personal", "Home", "https://home.example.net/", "personal", noindex=True)
    assert feeds.robots(hidden) == b"User-agent: *\nDisallow: /\n"
