"""`splitblog deploy` end to end with file:// targets (tmp folders): incremental
uploads, deletions, dry runs, max_deletes, the build and audit gate, one site's output
only ever on its own target. The other schemes have their own test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitblog.deploy import folder as folder_module
from splitblog.deploy import run as run_module

from .conftest import BASE_CONFIG, Project
from .support.files import stamps, tree
from .support.pagefind import without_search

PRO, HOME = "professional", "personal"
PRO_TITLE, HOME_TITLE = "Quarterly Pipeline Review", "Beach Weekend Photos"


def deploy_table(site: str, target: str, extra: str = "") -> str:
    return f'\n[sites.{site}.deploy]\ntarget = "{target}"\n{extra}'


@pytest.fixture
def targets(project: Project, tmp_path: Path) -> tuple[Path, Path]:
    """Both sites with posts, each deploying to its own tmp folder."""
    pro, home = tmp_path / "www-pro", tmp_path / "www-home"
    project.config(extra=deploy_table(PRO, pro.as_uri()) + deploy_table(HOME, home.as_uri()))
    project.post("2026-01-01-pipeline", PRO, title=PRO_TITLE, tags=["sales"])
    project.post("2026-01-02-pricing", PRO, title="Pricing Notes", tags=["sales"])
    project.post("2026-01-03-beach", HOME, title=HOME_TITLE, tags=["travel"])
    project.post("2026-01-04-hello", "all", title="Hello Everyone")
    return pro, home


def deploy(project: Project, *args: str, code: int = 0) -> str:
    result = project.run("deploy", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_deploy_publishes_exactly_the_build_and_a_redeploy_changes_nothing(
    project: Project, targets: tuple[Path, Path]
) -> None:
    pro, home = targets
    deploy(project)
    assert tree(pro) == project.files(PRO)
    assert tree(home) == project.files(HOME)
    before = {site: stamps(t) for site, t in ((PRO, pro), (HOME, home))}

    output = deploy(project)
    assert stamps(pro) == before[PRO] and stamps(home) == before[HOME]
    rows = [line.split() for line in output.splitlines() if line.startswith((PRO, HOME))]
    assert [row[1:3] for row in rows] == [["0", "0"], ["0", "0"]], output  # uploaded, deleted


def test_only_changed_files_are_uploaded_and_removed_ones_deleted(
    project: Project, targets: tuple[Path, Path]
) -> None:
    pro, _home = targets
    deploy(project)
    old, before = tree(pro), stamps(pro)
    project.post("2026-01-01-pipeline", PRO, title=PRO_TITLE, body="New words.\n", tags=["sales"])
    (project.root / "content/posts/2026-01-02-pricing.md").unlink()
    deploy(project)
    new, after = tree(pro), stamps(pro)
    assert new == project.files(PRO)
    assert "posts/pricing/index.html" in old and "posts/pricing/index.html" not in new
    changed = {path for path in new if old.get(path) != new[path]}
    rewritten = {path for path in after if before.get(path) != after[path]}
    assert "posts/pipeline/index.html" in changed
    assert rewritten == changed  # exactly the files whose bytes differ
    assert {"css/site.css", "404.html"} <= new.keys() - rewritten


def test_dry_run_lists_every_file_and_changes_nothing(
    project: Project, targets: tuple[Path, Path]
) -> None:
    pro, home = targets
    output = deploy(project, "--dry-run")
    assert not pro.exists() and not home.exists()
    for path in project.files(PRO):
        assert f"upload  {path}  (" in output
    count = len(project.files(PRO))
    assert f"{count} to upload" in output and "Dry run: no target was changed." in output

    deploy(project)
    (project.root / "content/posts/2026-01-02-pricing.md").unlink()
    snapshot = tree(pro), stamps(pro)
    output = deploy(project, "--dry-run", "--site", PRO)
    assert "delete  posts/pricing/index.html" in output
    assert (tree(pro), stamps(pro)) == snapshot
    assert "posts/pricing/index.html" in tree(pro)


def test_more_deletions_than_max_deletes_are_refused_unless_forced(
    project: Project, tmp_path: Path
) -> None:
    pro = tmp_path / "www-pro"
    # no search: its index files are named by content, and would change the count
    project.config(
        without_search(BASE_CONFIG), extra=deploy_table(PRO, pro.as_uri(), "max_deletes = 2\n")
    )
    for n in range(1, 5):
        project.post(f"2026-02-0{n}-note-{n}", PRO, title=f"Note {n}")
    deploy(project)
    for n in range(2, 5):
        (project.root / f"content/posts/2026-02-0{n}-note-{n}.md").unlink()
    doomed = [f"posts/note-{n}/index.html" for n in range(2, 5)]
    snapshot = tree(pro), stamps(pro)

    output = deploy(project, code=1)
    assert "refusing to delete 3 files" in output and "max_deletes = 2" in output
    assert len(output.strip().splitlines()) == 1
    assert (tree(pro), stamps(pro)) == snapshot

    output = deploy(project, "--dry-run")
    assert "a deploy would refuse: 3 deletions" in output
    assert all(f"delete  {path}" in output for path in doomed)

    deploy(project, "--force")
    assert tree(pro) == project.files(PRO)
    assert not any(path in tree(pro) for path in doomed)


def test_an_audit_failure_leaves_every_target_untouched(
    project: Project, targets: tuple[Path, Path]
) -> None:
    deploy(project)
    snapshot = {t: (tree(t), stamps(t)) for t in targets}
    project.config(
        extra="",
        text=project.root.joinpath("splitblog.toml")
        .read_text()
        .replace('theme = "professional"', 'theme = "professional"\nforbid = ["Bobcat"]'),
    )
    project.post("2026-01-05-zoo", PRO, title="Zoo Trip", body="We saw a Bobcat.\n")
    project.post("2026-01-06-more", HOME, title="More Home News")
    output = deploy(project, code=1)
    assert "Bobcat" in output
    assert {t: (tree(t), stamps(t)) for t in targets} == snapshot


def test_a_build_error_leaves_every_target_untouched(
    project: Project, targets: tuple[Path, Path]
) -> None:
    deploy(project)
    snapshot = {t: (tree(t), stamps(t)) for t in targets}
    project.post("2026-01-07-broken", PRO, title="Broken", body="[gone](missing.md)\n")
    output = deploy(project, code=1)
    assert "missing.md" in output
    assert {t: (tree(t), stamps(t)) for t in targets} == snapshot


def test_site_option_deploys_that_site_only(project: Project, targets: tuple[Path, Path]) -> None:
    pro, home = targets
    deploy(project, "--site", PRO)
    assert tree(pro) == project.files(PRO)
    assert not home.exists()
    for data in tree(pro).values():
        for needle in (HOME_TITLE, "Patsy", "home.example.net", "beach"):
            assert needle.encode() not in data


def test_a_swapped_output_folder_is_refused(
    project: Project, targets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something swaps public/professional and public/personal after the build (a
    stray script, a sync tool): the deploy must notice and publish neither."""
    real_build = run_module.build

    def build_then_swap(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_build(*args, **kwargs)
        public = project.root / "public"
        (public / PRO).rename(public / "swap")
        (public / HOME).rename(public / PRO)
        (public / "swap").rename(public / HOME)
        return result

    monkeypatch.setattr(run_module, "build", build_then_swap)
    output = deploy(project, code=1)
    assert "public/professional/ is not the professional site's output" in output
    assert "https://home.example.net/" in output
    assert not targets[0].exists() and not targets[1].exists()


def test_a_target_holding_another_site_is_refused(
    project: Project, targets: tuple[Path, Path]
) -> None:
    """The two targets swapped in the configuration: each holds the other site."""
    pro, home = targets
    deploy(project)
    snapshot = {t: (tree(t), stamps(t)) for t in targets}
    project.config(extra=deploy_table(PRO, home.as_uri()) + deploy_table(HOME, pro.as_uri()))
    output = deploy(project, code=1)
    assert "holds the personal site" in output and "sites.professional.deploy.target" in output
    assert {t: (tree(t), stamps(t)) for t in targets} == snapshot


def test_a_site_without_deploy_table(project: Project, tmp_path: Path) -> None:
    pro = tmp_path / "www-pro"
    project.config(extra=deploy_table(PRO, pro.as_uri()))
    project.post("2026-01-01-pipeline", PRO, title=PRO_TITLE)
    output = deploy(project, "--site", HOME, code=1)
    assert "sites.personal.deploy: no deploy table" in output
    assert not pro.exists()
    output = deploy(project)
    assert "personal: no [sites.personal.deploy] table; not deployed." in output
    assert tree(pro) == project.files(PRO)


def test_no_deploy_table_at_all(project: Project) -> None:
    output = deploy(project, code=1)
    assert "no site has a deploy table" in output


@pytest.mark.parametrize(
    ("pro", "home", "message"),
    [
        (
            "file:///srv/www",
            "file:///srv/www/home",
            "sites.personal.deploy.target: publishes to where sites.professional.deploy.target",
        ),
        ("ftp://example.com/x", "file:///srv/home", "unknown kind of target 'ftp://example.com/x'"),
        ("file://server/share", "file:///srv/home", "a folder on this machine"),
    ],
)
def test_bad_targets_are_configuration_errors(
    project: Project, pro: str, home: str, message: str
) -> None:
    project.config(extra=deploy_table(PRO, pro) + deploy_table(HOME, home))
    output = deploy(project, code=1)
    assert "sites.professional.deploy.target" in output and message in output
    assert not (project.root / "public").exists()  # stopped before building


@pytest.mark.parametrize("where", ["public/personal", "public", "", ".."])
def test_a_folder_target_must_not_hold_the_project_or_its_output(
    project: Project, where: str
) -> None:
    target = (project.root / where).resolve()
    project.config(extra=deploy_table(PRO, target.as_uri()))
    output = deploy(project, code=1)
    assert "sites.professional.deploy.target" in output
    assert "is in the build output or holds the project" in output
    assert not (project.root / "public").exists()


def test_an_interrupted_deploy_is_completed_by_the_next(
    project: Project, targets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pro, _home = targets
    deploy(project, "--site", PRO)
    project.post("2026-01-01-pipeline", PRO, title=PRO_TITLE, body="Rewritten.\n", tags=["sales"])
    (project.root / "content/posts/2026-01-02-pricing.md").unlink()
    project.post("2026-01-08-new", PRO, title="Brand New Post")
    real_upload = folder_module.FolderPublisher._upload
    calls: list[str] = []

    def upload_then_die(self, file):  # type: ignore[no-untyped-def]
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(file.path)
        real_upload(self, file)

    with monkeypatch.context() as patch:
        patch.setattr(folder_module.FolderPublisher, "_upload", upload_then_die)
        result = project.run("deploy", "--site", PRO)
    assert result.exit_code == 130 and "deploy` again completes it" in result.output
    assert tree(pro) != project.files(PRO)  # half done: two uploads, no deletions
    assert "posts/pricing/index.html" in tree(pro)

    # Also damage the target by hand: the next deploy compares with what is really there.
    (pro / "css/site.css").write_text("tampered")
    (pro / "stray.html").write_text("left over")
    output = deploy(project, "--site", PRO)
    assert tree(pro) == project.files(PRO)
    assert not list(pro.rglob("*.splitblog-upload"))
    assert "professional" in output
