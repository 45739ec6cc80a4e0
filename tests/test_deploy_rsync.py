"""Deploying with rsync to a real rsync daemon (rsync://) on a loopback port, whose
module is a tmp folder the test reads back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import BASE_CONFIG, Project
from .support.deploy import rsync_daemon
from .support.files import stamps, tree
from .support.pagefind import without_search

PRO, HOME = "professional", "personal"


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(rsync://127.0.0.1:PORT/www, the folder the module serves)."""
    folder = tmp_path_factory.mktemp("rsyncd")
    with rsync_daemon(folder) as url:
        yield url, folder / "www"


@pytest.fixture
def rs_project(
    project: Project, daemon: tuple[str, Path], request: pytest.FixtureRequest
) -> tuple[Project, Path]:
    """The professional site deploying to its own folder of the daemon's module."""
    url, root = daemon
    name = request.node.name.replace("[", "-").replace("]", "")
    # no search: its index files are named by content, and would change the counts
    project.config(
        without_search(BASE_CONFIG),
        extra=f'\n[sites.{PRO}.deploy]\ntarget = "{url}/{name}"\nmax_deletes = 3\n',
    )
    project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review")
    project.post("2026-01-02-pricing", PRO, title="Pricing Notes")
    project.post("2026-01-03-beach", HOME, title="Beach Weekend Photos")
    return project, root / name


def deploy(project: Project, *args: str, code: int = 0) -> str:
    result = project.run("deploy", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_rsync_publishes_the_build_and_a_redeploy_changes_nothing(
    rs_project: tuple[Project, Path],
) -> None:
    project, target = rs_project
    deploy(project)
    assert tree(target) == project.files(PRO)
    before = stamps(target)
    output = deploy(project)
    assert stamps(target) == before
    row = next(line.split() for line in output.splitlines() if line.startswith(PRO))
    assert row[1:4] == ["0", "0", str(len(before))]  # uploaded, deleted, unchanged


def test_rsync_uploads_changes_and_deletes_removed_files(rs_project: tuple[Project, Path]) -> None:
    project, target = rs_project
    deploy(project)
    old, before = tree(target), stamps(target)
    project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review", body="New.\n")
    (project.root / "content/posts/2026-01-02-pricing.md").unlink()
    (target / "stray.txt").write_text("not in the build")
    output = deploy(project, "--dry-run")
    assert "delete  posts/pricing/index.html" in output and "delete  stray.txt" in output
    assert "upload  posts/pipeline/index.html" in output
    assert tree(target) == {**old, "stray.txt": b"not in the build"}  # the dry run did nothing

    deploy(project)
    new = tree(target)
    assert new == project.files(PRO)
    changed = {p for p in new if old.get(p) != new[p]}
    rewritten = {p for p, t in stamps(target).items() if before.get(p) != t}
    assert "posts/pipeline/index.html" in changed and rewritten == changed


def test_rsync_respects_max_deletes(rs_project: tuple[Project, Path]) -> None:
    project, target = rs_project
    deploy(project)
    for n in range(4):
        (target / f"old-{n}.html").write_text("old")
    snapshot = tree(target), stamps(target)
    output = deploy(project, code=1)
    assert "refusing to delete 4 files" in output
    assert (tree(target), stamps(target)) == snapshot
    deploy(project, "--force")
    assert tree(target) == project.files(PRO)


def test_missing_rsync_is_one_line(
    rs_project: tuple[Project, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project, _target = rs_project
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = project.run("deploy")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "rsync is not installed — install it (apt-get install rsync, brew install rsync) "
        "and deploy again"
    ]


def test_an_unknown_module_is_one_line(rs_project: tuple[Project, Path]) -> None:
    project, _target = rs_project
    text = (project.root / "splitblog.toml").read_text()
    project.config(text=text.replace("/www/", "/nosuchmodule/"), extra="")
    result = project.run("deploy")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "rsync to rsync://" in lines[0], result.stderr
    assert "nosuchmodule" in lines[0]
