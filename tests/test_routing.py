"""Routing: the audience partition, URLs, tags, pagination, collisions — decided once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from hypothesis import given, settings
from hypothesis import strategies as st

from splitblog.config import Config, SiteConfig
from splitblog.content.only import parse as parse_blocks
from splitblog.model import BuildOptions, Override, Source
from splitblog.routing.links import (
    Ref,
    Resolution,
    canonical_url,
    classify,
    owner_of,
    place_of,
    resolve,
)
from splitblog.routing.plan import AUDIENCE, DRAFT, EMPTY, FUTURE, paginate, route, site_text

from .support.plans import NOW, source

SITES = (
    SiteConfig(
        "professional",
        "Pro",
        "https://pro.example.com/",
        "professional",
        posts_per_page=2,
        links=(("personal", "strip"),),
    ),
    SiteConfig(
        "personal",
        "Home",
        "https://home.example.net/blog/",
        "personal",
        links=(("professional", "allow"),),
    ),
)
CONFIG = Config(Path("/p/splitblog.toml"), Path("/p"), Path("/p/content"), Path("/p/public"), SITES)


def plans(*sources: Source, options: BuildOptions | None = None):  # type: ignore[no-untyped-def]
    routing, problems = route(CONFIG, sources, options or BuildOptions(now=NOW))
    return routing, problems


def test_partition_by_audience() -> None:
    routing, problems = plans(
        source("posts/a.md", {"professional"}, 1),
        source("posts/b.md", {"personal"}, 2),
        source("posts/c.md", {"professional", "personal"}, 3),
    )
    assert not any(problems.values())
    assert [e.slug for e in routing.plans["professional"].posts] == ["c", "a"]  # newest first
    assert [e.slug for e in routing.plans["personal"].posts] == ["c", "b"]
    assert routing.reasons["posts/b.md"] == {"professional": AUDIENCE}
    assert routing.links.urls["posts/c.md"] == {"professional": "posts/c/", "personal": "posts/c/"}


def test_drafts_and_future_with_and_without_flags() -> None:
    draft = source("posts/d.md", {"professional"}, draft=True)
    future = Source(
        **{
            **source("posts/f.md", {"professional"}).__dict__,
            "date": datetime(2027, 1, 1, tzinfo=UTC),
        }
    )
    routing, _ = plans(draft, future)
    assert routing.plans["professional"].posts == ()
    assert routing.reasons["posts/d.md"]["professional"] == DRAFT
    assert routing.reasons["posts/f.md"]["professional"] == FUTURE
    routing, _ = plans(draft, future, options=BuildOptions(drafts=True, future=True, now=NOW))
    assert {e.slug for e in routing.plans["professional"].posts} == {"d", "f"}


def test_overrides_apply_per_site() -> None:
    post = source(
        "posts/o.md",
        {"professional", "personal"},
        tags=("work",),
        overrides=(("personal", Override(title="Fun", tags=("play",), slug="fun")),),
    )
    routing, _ = plans(post)
    pro, home = routing.plans["professional"].posts[0], routing.plans["personal"].posts[0]
    assert (pro.title, pro.tags, pro.url) == ("O", ("work",), "posts/o/")
    assert (home.title, home.tags, home.url) == ("Fun", ("play",), "posts/fun/")
    assert [t.name for t in routing.plans["personal"].tags] == ["play"]


def test_only_blocks_and_empty_posts() -> None:
    body = "Shared.\n\n::: only personal\nSecret.\n:::\n"
    only = "::: only personal\nAll mine.\n:::\n"
    routing, _ = plans(
        source("posts/m.md", {"professional", "personal"}, body=body),
        source("posts/e.md", {"professional", "personal"}, body=only),
    )
    pro = {e.slug: e for e in routing.plans["professional"].posts}
    assert "Secret." not in pro["m"].text and "Shared." in pro["m"].text
    assert "e" not in pro and routing.reasons["posts/e.md"]["professional"] == EMPTY
    home = {e.slug: e for e in routing.plans["personal"].posts}
    assert "Secret." in home["m"].text and "All mine." in home["e"].text


def test_tags_belong_to_each_site() -> None:
    routing, _ = plans(
        source("posts/a.md", {"professional"}, tags=("Go", "go", "shared")),
        source("posts/b.md", {"personal"}, tags=("hobby", "shared")),
    )
    pro_tags = {t.slug: t for t in routing.plans["professional"].tags}
    assert set(pro_tags) == {"go", "shared"} and len(pro_tags["go"].posts) == 1
    assert "hobby" not in pro_tags


def test_pagination() -> None:
    posts = [source(f"posts/p{i}.md", {"professional"}, i + 1) for i in range(5)]
    routing, _ = plans(*posts)
    home = routing.plans["professional"].home
    assert [(p.url, len(p.posts)) for p in home] == [("", 2), ("page/2/", 2), ("page/3/", 1)]
    assert (
        home[0].next_url == "page/2/" and home[2].prev_url == "page/2/" and home[2].next_url is None
    )
    assert [p.url for p in paginate("tags/x/", [], 10)] == ["tags/x/"]


def test_pages_keep_their_folder() -> None:
    routing, _ = plans(
        source("pages/about.md", {"professional"}), source("pages/work/cv.md", {"professional"})
    )
    assert [e.url for e in routing.plans["professional"].pages] == ["about/", "work/cv/"]


def test_collisions_name_both_sources() -> None:
    _, problems = plans(
        source("posts/a.md", {"professional"}, slug="same"),
        source("posts/b.md", {"professional"}, slug="same"),
    )
    [problem] = problems["professional"]
    assert "content/posts/b.md and content/posts/a.md both write the same output path" in str(
        problem
    )
    assert problems["personal"] == []


def test_only_block_parsing() -> None:
    text = "a\n::: only personal, family\nb\n::::\n``` \n::: only x\n```\n:::: only personal\nc\n"
    only = parse_blocks(text)
    assert [(sorted(b.sites), b.first, b.last) for b in only.blocks] == [
        (["family", "personal"], 1, 3),
    ]
    assert [line for line, _message, _hint in only.problems] == [7]  # never closed
    body = "x\n::: only personal\ny\n:::\nz"
    assert (
        site_text(source("posts/x.md", {"professional", "personal"}, body=body), "professional")
        == "x\n\n\n\nz"
    )
    assert (
        site_text(source("posts/x.md", {"professional", "personal"}, body=body), "personal")
        == "x\n\ny\n\nz"
    )


def test_link_resolution_per_policy() -> None:
    here = source("posts/here.md", {"professional", "personal"})
    routing, _ = plans(
        here,
        source("posts/p.md", {"professional"}),
        source("posts/h.md", {"personal"}),
        source("posts/d.md", {"personal"}, draft=True),
    )
    pro, home = SITES
    index = routing.links

    def ref(target: str) -> Ref:
        kind, key, fragment = classify(target, here)  # type: ignore[misc]
        return Ref(kind, target, key, fragment, 9)  # type: ignore[arg-type]

    assert resolve(ref("p.md#x"), here, pro, CONFIG, index) == Resolution("local", "/posts/p/#x")
    assert resolve(ref("h.md"), here, pro, CONFIG, index) == Resolution("strip")
    allowed = resolve(ref("p.md"), here, home, CONFIG, index)
    assert allowed == Resolution("allow", "https://pro.example.com/posts/p/")
    assert resolve(ref("h.md"), here, home, CONFIG, index) == Resolution("local", "/blog/posts/h/")
    missing = resolve(ref("nope.md"), here, home, CONFIG, index)
    assert "content/posts/here.md:9: link to 'nope.md': no such file" in str(missing)
    draft = resolve(ref("d.md"), here, home, CONFIG, index)
    assert "which no site publishes" in str(draft)
    assert classify("https://x.example.com/a.md", here) is None
    assert classify("#frag", here) is None and classify("mailto:a@b.c", here) is None


def test_canonical_needs_allow() -> None:
    post = source("posts/c.md", {"professional", "personal"}, canonical="professional")
    routing, _ = plans(post)
    pro, home = SITES
    assert canonical_url(post, home, CONFIG, routing.links) == "https://pro.example.com/posts/c/"
    assert canonical_url(post, pro, CONFIG, routing.links) is None
    other = Source(**{**post.__dict__, "canonical": "personal"})
    assert "policy denies" in str(canonical_url(other, pro, CONFIG, routing.links))


# An absolute http(s) address skips urljoin when its site is looked up (place_of): the
# site it leads to must be the one the join would have given, for any spelling of it.
ADDRESS_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("./-_~%:@;?#&=+!$,'()*[]\\ \t")
    + ["%2e", "%2F", "..", "//", "home.example.net", "pro.example.com"]
)


@settings(max_examples=600, deadline=None)
@given(
    scheme=st.sampled_from(["http://", "https://", "HTTPS://", "hTTp://"]),
    rest=st.lists(ADDRESS_CHARS, max_size=14).map("".join),
    page=st.sampled_from(["https://pro.example.com/posts/a/", "https://home.example.net/blog/x/"]),
)
def test_an_absolute_address_leads_where_its_join_leads(scheme: str, rest: str, page: str) -> None:
    address = scheme + rest
    site = SITES[0] if "pro." in page else SITES[1]
    try:
        joined = owner_of(urljoin(page, address), CONFIG)
    except ValueError:  # urljoin refuses it (a bad IPv6 host): it leads nowhere
        joined = None
    expected = (
        ("outside", "")
        if joined is None
        else (
            ("this site", site.name) if joined.name == site.name else ("another site", joined.name)
        )
    )
    assert place_of(address, page, site, CONFIG) == expected
