"""Both shipped themes in a real browser (Debian's Chromium through Playwright), at a
desktop and a phone width, light and dark: the repository's own example blog, built by
the CLI, each page served from the output folder at the site's own address.

Screenshots go to $SPLITBLOG_SCREENSHOTS (or the test's tmp folder) to be looked at; what
is asserted here is what a person looking at them checks: the page never scrolls sideways,
a wide table scrolls inside its own box and is not cut off, the dark variant is dark, one
<h1>, and no page asks any other host for anything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route

from .conftest import Project
from .support.browser import TIMEOUT_MS

REPO = Path(__file__).parent.parent
SITES = {"professional": "https://janedoe.com/", "personal": "https://janey.example.net/"}
PAGES = {
    "professional": {
        "home": "",
        "plan": "posts/the-one-page-marketing-plan/",  # a table, a series, related, comments
        "pricing": "posts/pricing-pages-that-convert/",  # a table of contents
        "utm": "posts/naming-utm-parameters/",  # code, and a five-column table of codes
        "tag": "tags/strategy/",
    },
    "personal": {
        "home": "",
        "lisbon": "posts/a-week-in-lisbon/",  # a five-column table, contents, photos
        "two-blogs": "posts/why-i-keep-two-blogs/",
        "wide": "posts/wide-table/",  # the table the personal theme once cut off at 1280 px
    },
}
WIDE_TABLE = """\
| campaign | source | medium | content | landing page |
| --- | --- | --- | --- | --- |
| `2026-q1-pricing-launch` | `newsletter-february` | `email` | `hero-button-variant-b` | `https://janey.example.net/bread/sourdough/` |
| `2026-q1-pricing-launch` | `instagram-stories` | `paid-social` | `carousel-card-three` | `https://janey.example.net/travel/lisbon/` |
"""
TABLES = {  # the pages with a table, and whether it has five columns
    ("professional", "plan"): False,
    ("professional", "utm"): True,
    ("personal", "lisbon"): True,
    ("personal", "wide"): True,
}
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's example blog, built by the CLI into a tmp folder."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    for part in ("content", "avatars"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "splitblog.toml", root / "splitblog.toml")
    project = Project(root)
    project.post("2026-02-20-wide-table", "personal", title="A wide table", body=WIDE_TABLE)
    project.build()
    return project


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SPLITBLOG_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Served:
    """Every request of a page answered from the site's output folder; a request to any
    other address is refused and remembered."""

    def __init__(self, example: Project, site: str):
        self.folder = example.out(site)
        self.base = SITES[site]
        self.foreign: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if not url.startswith(self.base):
            self.foreign.append(url)
            route.abort()
            return
        rel = urlsplit(url).path.lstrip("/")
        path = self.folder / rel
        if path.is_dir() or not rel:
            path = path / "index.html"
        if not path.is_file():
            route.fulfill(status=404, body="not found")
            return
        route.fulfill(path=str(path))


def open_page(browser: Browser, example: Project, site: str, rel: str, width: int, scheme: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, device_scale_factor=1
    )
    context.set_default_timeout(TIMEOUT_MS)
    served = Served(example, site)
    context.route("**/*", served)
    page = context.new_page()
    page.goto(SITES[site] + rel)
    page.wait_for_load_state("load")
    return context, page, served


def overflow(page: Page, selector: str) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the first element the selector finds."""
    return page.eval_on_selector(selector, "e => [e.scrollWidth, e.clientWidth]")


CASES = [
    (site, name, width, scheme)
    for site, pages in PAGES.items()
    for name in pages
    for width in WIDTHS
    for scheme in ("light", "dark")
]


@pytest.mark.parametrize(("site", "name", "width", "scheme"), CASES)
def test_each_page_at_each_width_light_and_dark(
    browser: Browser, example: Project, shots: Path, site: str, name: str, width: str, scheme: str
) -> None:
    context, page, served = open_page(
        browser, example, site, PAGES[site][name], WIDTHS[width], scheme
    )
    try:
        page.screenshot(path=str(shots / f"{site}-{name}-{width}-{scheme}.png"), full_page=True)
        # The page itself never scrolls sideways, whatever its tables and code hold.
        scroll, client = overflow(page, "html")
        assert scroll <= client, f"{site} {name} at {width}: the page is {scroll}px wide"
        assert page.locator("h1").count() == 1
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert (sum(channels) / 3 < 64) == (scheme == "dark"), background
        # Nothing is fetched from anywhere but the site (comments by email, no fonts).
        assert served.foreign == []
    finally:
        context.close()


@pytest.mark.parametrize(("site", "name"), list(TABLES))
def test_a_table_fits_on_a_desktop_and_scrolls_in_its_own_box_on_a_phone(
    browser: Browser, example: Project, site: str, name: str
) -> None:
    for width in (1280, 390):
        context, page, _served = open_page(
            browser, example, site, PAGES[site][name], width, "light"
        )
        try:
            box, shown = overflow(page, ".table-wrap")
            if width == 1280:  # all of it in view: nothing cut off at the text's edge
                assert box <= shown, (site, name, width, box, shown)
            elif TABLES[(site, name)]:  # five columns on a phone: the box scrolls …
                assert box > shown, (site, name, width, box, shown)
            # … and holds every column: its last cell ends inside the box's scroll range
            right = page.eval_on_selector(
                ".table-wrap",
                "w => w.querySelector('tr > :last-child').getBoundingClientRect().right"
                " - w.getBoundingClientRect().left + w.scrollLeft",
            )
            assert right <= box + 1, (site, name, width, right, box)
        finally:
            context.close()
