"""Search in `splitblog serve`: each port serves its own site's index, made by the
preview's own build (with the preview's addresses), and made again after an edit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .support.serving import ServeProcess, get, wait_for
from .test_serve import home_port, pro_port, small_project, start_serve  # noqa: F401

DEADLINE = 30.0


def entry(port: int) -> dict:
    return json.loads(get(port, "/pagefind/pagefind-entry.json").text)


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
    wait_for(lambda: entry(pro)["languages"]["en"]["page_count"] == 2, DEADLINE, "index rebuilt")
    assert entry(pro)["languages"]["en"]["hash"] != before
    assert entry(home)["languages"]["en"]["page_count"] == 1  # the other site's index as it was
