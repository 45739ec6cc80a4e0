"""Post bodies: Markdown rendered once per distinct text, then finished per site — each
`.md` link resolved by that site's policy, bundle files located, links to the other
sites' addresses marked noreferrer — with fingerprints that change exactly when what a
page shows of the post can."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from splitblog.cache import MARKDOWN, MARKDOWN_HTML, Cache
from splitblog.config import SiteConfig
from splitblog.model import Entry, Source
from splitblog.site import markdown
from splitblog.site.markdown import RenderedBody
from splitblog.site.markdown_store import MarkdownStore, markdown_key

from .support.plans import finished, project, routed, source

PRO, HOME, FAMILY = "professional", "personal", "family"
SITES = (
    SiteConfig(PRO, "Pro", "https://pro.example.com/", "professional", links=((HOME, "strip"),)),
    SiteConfig(HOME, "Home", "https://home.example.net/blog/", "personal", links=((PRO, "allow"),)),
    SiteConfig(FAMILY, "Family", "https://family.example.org/", "personal"),  # denies every link
)
CONFIG = project(*SITES)
EVERYWHERE = {PRO, HOME, FAMILY}


def only_pro(day: int = 2) -> Source:
    return source("posts/p.md", {PRO}, day, title="Pro Pricing")


def only_home(day: int = 3) -> Source:
    return source("posts/h.md", {HOME}, day, title="Home Hike")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts Markdown was rendered from, in order."""
    seen: list[str] = []
    real = markdown.MarkdownRenderer.render

    def counting(self, source, text, summary):  # type: ignore[no-untyped-def]
        seen.append(text)
        return real(self, source, text, summary)

    monkeypatch.setattr(markdown.MarkdownRenderer, "render", counting)
    return seen


# -- links, per site ---------------------------------------------------------------------------
def test_md_links_follow_each_sites_policy() -> None:
    here = source("posts/here.md", EVERYWHERE, body="[mine](p.md) and [theirs](h.md#top).\n")
    routing = routed(CONFIG, here, only_pro(), only_home())
    pro, problems = finished(CONFIG, routing, PRO)
    assert not problems
    # On its own site: a root-relative link. Toward a "strip" site: the text alone.
    assert pro["posts/here/"].html == '<p><a href="/posts/p/">mine</a> and theirs.</p>\n'
    home, problems = finished(CONFIG, routing, HOME)
    assert not problems
    assert home["posts/here/"].html == (
        '<p><a href="https://pro.example.com/posts/p/" rel="noreferrer">mine</a> and '
        '<a href="/blog/posts/h/#top">theirs</a>.</p>\n'
    )


def test_a_denied_link_is_a_problem_naming_file_and_line_and_is_stripped() -> None:
    here = source("posts/here.md", EVERYWHERE, body="Intro.\n\nSee [mine](p.md).\n")
    bodies, problems = finished(CONFIG, routed(CONFIG, here, only_pro()), FAMILY)
    [problem] = problems
    assert str(problem).startswith(
        "content/posts/here.md:7: link to 'p.md' (only on professional) denied by family's policy"
    )
    assert bodies["posts/here/"].html == "<p>Intro.</p>\n<p>See mine.</p>\n"


def test_a_link_to_a_file_with_errors_of_its_own_is_not_reported_again() -> None:
    here = source("posts/here.md", EVERYWHERE, body="See [mine](p.md).\n")
    routing = routed(CONFIG, here, only_pro())
    bodies, problems = finished(CONFIG, routing, FAMILY, broken=frozenset({"posts/p.md"}))
    assert problems == [] and bodies["posts/here/"].html == "<p>See mine.</p>\n"
    missing = source("posts/here.md", EVERYWHERE, body="See [gone](nope.md).\n")
    _, problems = finished(CONFIG, routed(CONFIG, missing), PRO)
    assert ["no such file" in p.message for p in problems] == [True]


def test_links_in_a_summary_are_resolved_like_the_body() -> None:
    here = source("posts/here.md", EVERYWHERE, summary="Read [mine](p.md).", body="Text.\n")
    routing = routed(CONFIG, here, only_pro())
    pro, _ = finished(CONFIG, routing, PRO)
    assert pro["posts/here/"].summary == '<p>Read <a href="/posts/p/">mine</a>.</p>\n'
    home, _ = finished(CONFIG, routing, HOME)
    assert 'href="https://pro.example.com/posts/p/" rel="noreferrer"' in home["posts/here/"].summary
    _, problems = finished(CONFIG, routing, FAMILY)
    assert [p.message for p in problems] == [
        "link to 'p.md' (only on professional) denied by family's policy"
    ]


def test_links_written_out_to_another_sites_address_follow_the_policy() -> None:
    # Under the separation guarantee an address written out in full is judged like a
    # `.md` link (it used to be kept everywhere, with rel="noreferrer"): professional
    # strips links into home, home allows links into professional.
    body = (
        "[a](https://home.example.net/blog/posts/h/) [b](https://home.example.net/blog) "
        "[c](https://pro.example.com/about/) [d](https://elsewhere.example/)\n"
    )
    routing = routed(CONFIG, source("posts/here.md", {PRO, HOME}, body=body))
    [on_pro] = finished(CONFIG, routing, PRO)[0].values()
    assert on_pro.html == (
        "<p>a b "
        '<a href="https://pro.example.com/about/">c</a> '  # its own address
        '<a href="https://elsewhere.example/">d</a></p>\n'
    )
    [on_home] = finished(CONFIG, routing, HOME)[0].values()
    assert on_home.html == (
        '<p><a href="https://home.example.net/blog/posts/h/">a</a> '
        '<a href="https://home.example.net/blog">b</a> '
        '<a href="https://pro.example.com/about/" rel="noreferrer">c</a> '
        '<a href="https://elsewhere.example/">d</a></p>\n'
    )


# -- bundle files ------------------------------------------------------------------------------
def test_the_bundle_files_a_body_uses_are_listed_once_and_located_per_site() -> None:
    trip = source(
        "posts/trip/index.md",
        {PRO, HOME},
        body="![Sea](sea.jpg)\n\n[The map](map.pdf) and ![Sea again](sea.jpg)\n",
        assets=("map.pdf", "sea.jpg", "unused.png"),
    )
    routing = routed(CONFIG, trip)
    pro, _ = finished(CONFIG, routing, PRO)
    home, _ = finished(CONFIG, routing, HOME)
    files = pro["posts/trip/"].files
    assert sorted(files) == ["map.pdf", "sea.jpg"] and len(files) == 2  # sea.jpg once
    assert home["posts/trip/"].files == files
    assert '<img src="/posts/trip/sea.jpg" alt="Sea"' in pro["posts/trip/"].html
    assert '<a href="/posts/trip/map.pdf">The map</a>' in pro["posts/trip/"].html
    assert '<img src="/blog/posts/trip/sea.jpg" alt="Sea"' in home["posts/trip/"].html
    assert "unused.png" not in pro["posts/trip/"].html


def test_an_image_missing_from_the_bundle_is_a_problem() -> None:
    post = source("posts/lost.md", {PRO}, body="Text.\n\n![Gone](gone.jpg)\n")
    _, problems = finished(CONFIG, routed(CONFIG, post), PRO)
    [problem] = problems
    assert str(problem).startswith("content/posts/lost.md:7: image 'gone.jpg' not found")


# -- canonical ---------------------------------------------------------------------------------
def test_canonical_needs_the_sites_allow() -> None:
    post = source("posts/c.md", EVERYWHERE, canonical=PRO)
    routing = routed(CONFIG, post)
    home, problems = finished(CONFIG, routing, HOME)
    assert home["posts/c/"].canonical == "https://pro.example.com/posts/c/" and not problems
    pro, problems = finished(CONFIG, routing, PRO)
    assert pro["posts/c/"].canonical == "" and not problems  # it is the canonical one
    family, problems = finished(CONFIG, routing, FAMILY)
    assert family["posts/c/"].canonical == ""
    assert ["which family's policy denies" in p.message for p in problems] == [True]


# -- fingerprints ------------------------------------------------------------------------------
def fingerprints(*sources: Source, site: str = PRO) -> dict[str, tuple[str, str]]:
    bodies, _ = finished(CONFIG, routed(CONFIG, *sources), site)
    return {url: (b.fingerprint, b.card_fingerprint) for url, b in bodies.items()}


def test_fingerprints_are_stable_for_the_same_inputs() -> None:
    post = source("posts/a.md", {PRO}, body="Text.\n")
    assert fingerprints(post) == fingerprints(post)


def test_text_below_the_summary_changes_the_page_but_not_the_card() -> None:
    before = source("posts/a.md", {PRO}, body="First.\n\n<!-- more -->\n\nRest.\n")
    after = source("posts/a.md", {PRO}, body="First.\n\n<!-- more -->\n\nRest, edited.\n")
    (page_before, card_before), (page_after, card_after) = (
        fingerprints(before)["posts/a/"],
        fingerprints(after)["posts/a/"],
    )
    assert page_before != page_after
    assert card_before == card_after


@pytest.mark.parametrize(
    "change",
    [{"title": "Another Title"}, {"tags": ("new-tag",)}, {"summary": "Another summary."}],
)
def test_what_lists_show_changes_the_card(change: dict[str, object]) -> None:
    before = fingerprints(source("posts/a.md", {PRO}))["posts/a/"]
    after = fingerprints(source("posts/a.md", {PRO}, **change))["posts/a/"]
    assert before[0] != after[0] and before[1] != after[1]


def test_a_linked_posts_new_address_changes_the_linking_post() -> None:
    """The linking post's own file is unchanged, but its page shows the new URL."""
    here = source("posts/here.md", {PRO}, body="See [p](p.md).\n")
    before = fingerprints(here, source("posts/p.md", {PRO}, 2))
    after = fingerprints(here, source("posts/p.md", {PRO}, 2, slug="moved"))
    assert before["posts/here/"][0] != after["posts/here/"][0]
    assert before["posts/here/"][1] != after["posts/here/"][1]


def test_the_same_post_has_another_fingerprint_on_each_site() -> None:
    post = source("posts/a.md", {PRO, HOME})
    assert fingerprints(post, site=PRO)["posts/a/"] != fingerprints(post, site=HOME)["posts/a/"]


# -- the Markdown store ------------------------------------------------------------------------
def entries(*sources: Source) -> dict[tuple[str, str], Entry]:
    routing = routed(CONFIG, *sources)
    return {(s, e.url): e for s, plan in routing.plans.items() for e in plan.entries}


def test_one_text_on_several_sites_is_rendered_once(renders: list[str]) -> None:
    found = entries(source("posts/a.md", EVERYWHERE, body="Same everywhere.\n"))
    store = MarkdownStore(Cache(None, "t"))
    keys = {store.key(entry) for entry in found.values()}
    assert len(found) == 3 and len(keys) == 1
    bodies = [store.get(entry) for entry in found.values()]
    assert renders == ["Same everywhere.\n"]
    assert bodies[0] is bodies[1] is bodies[2]


def test_only_blocks_make_one_rendering_per_distinct_text(renders: list[str]) -> None:
    body = "Shared.\n\n::: only personal\nFor home.\n:::\n"
    found = entries(source("posts/a.md", EVERYWHERE, body=body))
    store = MarkdownStore(Cache(None, "t"))
    for entry in found.values():
        store.get(entry)
    assert len(renders) == 2  # professional and family read the same text
    assert "For home." in store.html(found[(HOME, "posts/a/")])
    assert "For home." not in store.html(found[(PRO, "posts/a/")])


def test_the_markdown_key_follows_everything_the_html_depends_on() -> None:
    def key(**fields: object) -> str:
        [entry] = entries(source("posts/a.md", {PRO}, **fields)).values()
        return markdown_key(entry)

    plain = key()
    assert key() == plain
    assert key(title="Only The Title") == plain  # the title is not in the body's HTML
    for change in (
        {"body": "Other text.\n"},
        {"summary": "A summary."},
        {"body_line": 9},  # problems name the file's lines
        {"assets": ("a.jpg",)},
    ):
        assert key(**change) != plain, change


def test_bodies_and_html_come_back_from_the_cache(tmp_path: Path, renders: list[str]) -> None:
    [entry] = entries(source("posts/a.md", {PRO}, body="Cached *text*.\n")).values()
    first = Cache(tmp_path / "cache.sqlite", "t")
    store = MarkdownStore(first)
    html = store.html(entry)
    assert html == "<p>Cached <em>text</em>.</p>\n" and len(renders) == 1
    first.commit()
    first.close()

    again = Cache(tmp_path / "cache.sqlite", "t")
    store = MarkdownStore(again)
    assert store.missing([entry]) == []
    assert store.get(entry).summary == "<p>Cached <em>text</em>.</p>"
    # Kept apart from its HTML, which is read only for the pages rendered again.
    assert store.get(entry).html == "" and again.get(MARKDOWN, markdown_key(entry)).html == ""
    assert store.html(entry) == html
    assert len(renders) == 1  # nothing rendered again
    again.close()


def test_html_gone_from_the_cache_is_rendered_again(tmp_path: Path, renders: list[str]) -> None:
    [entry] = entries(source("posts/a.md", {PRO}, body="Text.\n")).values()
    cache = Cache(tmp_path / "cache.sqlite", "t")
    MarkdownStore(cache).get(entry)
    cache.commit()
    key = markdown_key(entry)
    cache.delete(MARKDOWN_HTML, key)
    cache.commit()
    store = MarkdownStore(cache)
    assert store.html(entry) == "<p>Text.</p>\n"
    assert len(renders) == 2
    cache.close()


def test_render_missing_hands_out_only_what_is_not_rendered_yet(renders: list[str]) -> None:
    found = entries(
        *(source(f"posts/p{i}.md", {PRO}, i + 1, body=f"Post {i}.\n") for i in range(5))
    )
    store = MarkdownStore(Cache(None, "t"))
    posts = list(found.values())
    store.get(posts[0])
    handed_out: list[int] = []

    def fan_out(work: Callable[[int], RenderedBody], count: int) -> Iterator[RenderedBody]:
        handed_out.append(count)
        return map(work, range(count))

    store.render_missing(posts, fan_out)
    assert handed_out == [4]  # the first was rendered already
    assert sorted(renders) == [f"Post {i}.\n" for i in range(5)]  # each once
    store.render_missing(posts, fan_out)
    assert handed_out == [4] and store.missing(posts) == []
    assert store.html(posts[3]) == f"<p>{posts[3].text.strip()}</p>\n"
