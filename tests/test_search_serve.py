"""Search in `splitblog serve`: each port serves its own site's index, made by the
preview's own build (with the preview's addresses), and made again once the edits stop
(an edit is shown at once; the index it changed follows a moment later)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .support.serving import ServeProcess, get, wait_for
from .test_serve import home_port, pro_port, small_project, start_serve  # noqa: F401

DEADLINE = 30.0


def entry(port: int) -> dict:
    return json.loads(get(port, "/pagefind/pagefind-entry.json").text)


def pages(port: int) -> int | None:
    """How many pages the port's index holds; None while it has none (being made)."""
    response = get(port, "/pagefind/pagefind-entry.json")
    return (
        json.loads(response.text)["languages"]["en"]["page_count"]
        if response.status == 200
        else None
    )


def test_each_port_serves_its_own_index_and_it_follows_edits(
    tmp_path: Path,
    start_serve: Callable[..., ServeProcess],  # noqa: F811
) -> None:
    project = small_project(tmp_path / "site")
    server = start_serve(project)
    pro, home = pro_port(server), home_port(server)
    for port in (pro, home):
        assert get(port, "/search/").status == 200
        assert get(port, "/pagefind/pagefind-ui.js").status == 200
        assert entry(port)["languages"]["en"]["page_count"] == 1
    before = entry(pro)["languages"]["en"]["hash"]
    project.post("2026-01-11-more", "professional", title="Another Launch", body="Gannets.\n")
    wait_for(lambda: get(pro, "/posts/more/").status == 200, DEADLINE, "the new post served")
    wait_for(lambda: pages(pro) == 2, DEADLINE, "the index made again")
    assert entry(pro)["languages"]["en"]["hash"] != before
    assert entry(home)["languages"]["en"]["page_count"] == 1  # the other site's index as it was
