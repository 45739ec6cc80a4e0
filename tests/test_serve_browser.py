"""`splitblog serve` in a real browser: Debian's Chromium driven by Playwright.

The test never navigates after opening a page: every change seen comes from the page's
own live-reload script. A marker set on `window` tells a reload (it is gone) from an
in-place change (it stays).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import Project
from .support.browser import TIMEOUT_MS, new_page
from .support.serving import ServeProcess, record_latency, wait_for
from .test_serve import PRO, small_project, stop_cleanly

POST = "content/posts/2026-01-10-launch-notes.md"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser) as opened:
        yield opened


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Project, ServeProcess]]:
    project = small_project(tmp_path / "site")
    server = ServeProcess(project.root, tmp_path / "serve.log").start()
    try:
        yield project, server
        stop_cleanly(server)
    finally:
        server.kill()


@pytest.fixture(scope="session")
def latency_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "serve-latency.json"


def open_marked(page: Page, url: str) -> None:
    """Open `url` and mark this load of it (an edit saved before the page's event stream
    connects is still seen: the page knows which build it came from)."""
    page.goto(url)
    page.evaluate("window.splitblogTestMarker = 'still the first load'")


def marker(page: Page) -> str | None:
    return page.evaluate("window.splitblogTestMarker")


def title_is(page: Page, title: str) -> Callable[[], None]:
    return lambda: page.wait_for_function(
        "title => document.querySelector('h1')?.textContent === title", arg=title
    )


def test_an_open_page_changes_by_itself_after_an_edit(
    serving: tuple[Project, ServeProcess], page: Page, latency_file: Path
) -> None:
    project, server = serving
    url = f"http://127.0.0.1:{server.port}/posts/launch-notes/"
    open_marked(page, url)
    assert page.text_content("h1") == "Quarterly Launch Notes"
    for n in range(3):
        title = f"Launch Notes, Take {n}"
        saved = time.monotonic()
        project.post("2026-01-10-launch-notes", PRO, title=title)
        title_is(page, title)()
        record_latency(latency_file, "browser: edit → page reloaded", time.monotonic() - saved)
        assert marker(page) is None  # reloaded by its script …
        assert page.url == url  # … in place
        page.evaluate("window.splitblogTestMarker = 'reloaded'")


def test_a_broken_edit_shows_the_overlay_naming_the_file_then_recovers(
    serving: tuple[Project, ServeProcess], page: Page
) -> None:
    project, server = serving
    open_marked(page, f"http://127.0.0.1:{server.port}/posts/launch-notes/")
    project.write(POST, "---\ntitle: [unclosed\ndate: 2026-01-10\naudience: professional\n---\n")
    overlay = page.wait_for_selector("#splitblog-overlay")
    assert overlay is not None
    text = overlay.inner_text()
    assert f"{POST}:" in text and "YAML" in text and "last build failed" in text
    # The page under the overlay is still the last good one, not reloaded.
    assert marker(page) == "still the first load"
    assert page.text_content("h1") == "Quarterly Launch Notes"
    project.post("2026-01-10-launch-notes", PRO, title="Launch Notes, Mended")
    title_is(page, "Launch Notes, Mended")()
    assert page.query_selector("#splitblog-overlay") is None
    assert marker(page) is None


def test_a_tab_opened_after_a_failed_build_shows_the_overlay_at_once(
    serving: tuple[Project, ServeProcess], page: Page
) -> None:
    project, server = serving
    project.write(POST, "---\ntitle: Fine\naudience: professional\ndate: not-a-date\n---\n")
    wait_for(lambda: "Build failed" in server.output, 15, "the failed build")
    # The professional post's own site: a personal tab would say only that another
    # site failed (test_each_port_shows_only_its_own_sites_problems).
    page.goto(f"http://127.0.0.1:{server.port}/")
    overlay = page.wait_for_selector("#splitblog-overlay")
    assert overlay is not None and f"{POST}:" in overlay.inner_text()
    project.post("2026-01-10-launch-notes", PRO, title="Back To Normal")
    page.wait_for_selector("#splitblog-overlay", state="detached")


def test_a_css_change_restyles_the_page_without_reloading_it(
    tmp_path: Path, page: Page, latency_file: Path
) -> None:
    project = small_project(tmp_path / "site")
    css = "themes/professional/static/css/site.css"
    project.write(css, "body { background-color: rgb(1, 2, 3); }\n")
    server = ServeProcess(project.root, tmp_path / "serve.log").start()
    try:
        open_marked(page, f"http://127.0.0.1:{server.port}/")
        background = "getComputedStyle(document.body).backgroundColor"
        assert page.evaluate(background) == "rgb(1, 2, 3)"
        saved = time.monotonic()
        project.write(css, "body { background-color: rgb(4, 5, 6); }\n")
        page.wait_for_function(f"{background} === 'rgb(4, 5, 6)'")
        record_latency(latency_file, "browser: CSS edit → restyled", time.monotonic() - saved)
        assert marker(page) == "still the first load"  # swapped, not reloaded
        stop_cleanly(server)
    finally:
        server.kill()


HOME_POST = "content/posts/2026-01-12-secret-picnic.md"


def test_each_port_shows_only_its_own_sites_problems(
    serving: tuple[Project, ServeProcess], page: Page, browser: Browser
) -> None:
    """The personal site breaks (a denied link, a personal tag) while a professional tab
    is open: the professional tab may say another site failed — no name, no path, no
    text of it — and the personal tab shows everything; so does the terminal."""
    project, server = serving
    open_marked(page, f"http://127.0.0.1:{server.port}/posts/launch-notes/")
    home = browser.new_context()
    home.set_default_timeout(TIMEOUT_MS)
    home_page = home.new_page()
    try:
        home_page.goto(f"http://127.0.0.1:{server.port + 1}/")
        project.write(
            HOME_POST,
            "---\ntitle: Secret Picnic Diary\ndate: 2026-01-12\naudience: personal\n"
            "tags: [hidden-lake]\n---\n\nSee [the launch](nowhere-at-all.md).\n",
        )
        overlay = page.wait_for_selector("#splitblog-overlay")
        assert overlay is not None
        wait_for(lambda: "Build failed" in server.output, 15, "the failed build")
        text = overlay.inner_text()
        for secret in (
            "secret-picnic",
            "Secret Picnic",
            "hidden-lake",
            "nowhere-at-all",
            "personal",
        ):
            assert secret.lower() not in text.lower(), (secret, text)
        assert "another site" in text.lower()
        assert marker(page) == "still the first load"
        # The page's own copy of the state says no more than the overlay does.
        events = page.evaluate(
            "fetch('/__splitblog/events').then(r => r.body.getReader().read())"
            ".then(chunk => new TextDecoder().decode(chunk.value))"
        )
        for secret in ("secret-picnic", "hidden-lake", "nowhere-at-all", "personal"):
            assert secret not in events.lower(), (secret, events)

        home_overlay = home_page.wait_for_selector("#splitblog-overlay")
        assert home_overlay is not None
        assert f"{HOME_POST}:" in home_overlay.inner_text()
        assert "nowhere-at-all.md" in home_overlay.inner_text()
        assert "nowhere-at-all.md" in server.output  # the terminal shows everything

        project.post("2026-01-12-secret-picnic", "personal", title="Secret Picnic Diary")
        page.wait_for_selector("#splitblog-overlay", state="detached")
        home_page.wait_for_selector("#splitblog-overlay", state="detached")
    finally:
        home.close()
