"""The search box in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright) on the built site served by a plain local HTTP server — type a word, see
the post; and no request leaves the site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import Project
from .support.browser import new_page
from .support.http_files import serving_folder

PRO, HOME = "professional", "personal"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser, viewport={"width": 1280, "height": 900}) as opened:
        yield opened


@pytest.fixture
def built(project: Project) -> Project:
    project.post(
        "2026-05-01-kayak",
        HOME,
        title="Kayaking the fjord",
        body="We paddled past puffins at dawn.\n",
    )
    project.post(
        "2026-05-02-bread", HOME, title="Sourdough notes", body="The starter smelled of apples.\n"
    )
    project.post(
        "2026-05-03-work", PRO, title="Quarterly planning", body="Puffins are not on the roadmap.\n"
    )
    project.build()
    return project


@pytest.fixture
def served(built: Project) -> Iterator[str]:
    with serving_folder(built.out(HOME)) as address:
        yield address


def test_typing_a_word_in_the_header_box_finds_the_post(page: Page, served: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served + "/posts/bread/")
    page.fill("#site-search", "puffins")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=puffins")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert result.inner_text() == "Kayaking the fjord"
    assert result.get_attribute("href") == "/posts/kayak/"
    titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
    assert "Quarterly planning" not in titles  # the other site's post is in its index only
    result.click()
    page.wait_for_url("**/posts/kayak/")
    assert all(url.startswith(served) for url in requests), [
        u for u in requests if not u.startswith(served)
    ]


def test_typing_on_the_search_page_updates_the_results(page: Page, served: str) -> None:
    page.goto(served + "/search/")
    box = page.locator(".pagefind-ui__search-input")
    box.fill("apples")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert result.inner_text() == "Sourdough notes"
    box.fill("roadmap")
    page.locator(".pagefind-ui__message").filter(has_text="No results").wait_for()


def test_the_search_page_carries_no_preview_machinery(built: Project) -> None:
    text = (Path(built.out(HOME)) / "search/index.html").read_text()
    assert "EventSource" not in text and "livereload" not in text.lower()


def test_a_site_whose_index_comes_in_parts_finds_a_post_of_every_part(
    project: Project, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splitblog.site import search

    monkeypatch.setattr(search, "PART_PAGES", 2)  # twelve posts: four parts
    for n in range(12):
        project.post(
            f"2026-06-{n + 1:02d}-walk{n}", HOME, title=f"Walk {n}", body=f"Uniq{n}word trail.\n"
        )
    project.build()
    by_number = search.parts(f"posts/walk{n}/index.html" for n in range(12))
    assert len(by_number) == 4
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    with serving_folder(project.out(HOME)) as address:
        page.goto(address + "/search/")
        box = page.locator(".pagefind-ui__search-input")
        for paths in by_number.values():  # a post of each part, the first and the merged
            n = int(paths[0].removeprefix("posts/walk").removesuffix("/index.html"))
            box.fill(f"uniq{n}word")
            message = page.locator(".pagefind-ui__message")
            message.filter(has_text=f"1 result for uniq{n}word").wait_for()
            result = page.locator(".pagefind-ui__result-link").first
            assert result.inner_text() == f"Walk {n}"
            assert result.get_attribute("href") == f"/posts/walk{n}/"
        box.fill("trail")  # a word of every post: results from all four parts at once
        page.locator(".pagefind-ui__message").filter(has_text="12 results for trail").wait_for()
    assert not missing, missing  # every part is whole: nothing it asks for is absent
