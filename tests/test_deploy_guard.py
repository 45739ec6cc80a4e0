"""What a deploy may publish, as whom, where, and what it may delete (issue 16): the
machine's git identity never reaches a site's history, one place spelt two ways is
recognised as one, and a first deploy never deletes what was there before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Project
from .support.deploy import branch_files, git, rsync_daemon
from .support.files import stamps, tree

PRO, HOME = "professional", "personal"
NAMES = ("professional", "personal", "splitblog", "Patsy", "home.example.net")


def deploy_table(site: str, target: str, extra: str = "") -> str:
    return f'\n[sites.{site}.deploy]\ntarget = "{target}"\n{extra}'


def posts(project: Project) -> None:
    project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review")
    project.post("2026-01-02-beach", HOME, title="Beach Weekend Photos")


# -- the git identity ----------------------------------------------------------------------------
@pytest.fixture
def machine_is_the_personal_persona(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A HOME whose ~/.gitconfig (and the shell's variables) name the personal persona,
    and a time zone that says where the machine is."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Patsy\n\temail = patsy@home.example.net\n[commit]\n\tgpgsign = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("EMAIL", "patsy@home.example.net")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "Patsy")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "patsy@home.example.net")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)


@pytest.mark.usefixtures("machine_is_the_personal_persona")
@pytest.mark.parametrize("author", [None, "Site Publisher <publisher@pro.example.com>"])
def test_a_git_deploy_commits_as_the_site_never_as_the_machine(
    project: Project, tmp_path: Path, author: str | None
) -> None:
    repo = tmp_path / "pro.git"
    git("init", "--quiet", "--bare", str(repo))
    extra = f'author = "{author}"\n' if author else ""
    project.config(extra=deploy_table(PRO, f"git+{repo.as_uri()}#gh-pages", extra))
    posts(project)
    result = project.run("deploy")
    assert result.exit_code == 0, result.output
    project.post("2026-01-03-more", PRO, title="More Pipeline")
    assert project.run("deploy").exit_code == 0
    log = git(
        "--git-dir",
        str(repo),
        "log",
        "--format=%an <%ae>|%cn <%ce>|%ad|%s%n%b",
        "--date=raw",
        "gh-pages",
    )
    expected = author or "Pat Pro <pat@pro.example.com>"
    lines = [line for line in log.splitlines() if "|" in line]
    assert len(lines) == 2, log
    for line in lines:
        who, committer, date, _message = line.split("|", 3)
        assert who == expected and committer == expected, line
        assert date.endswith("+0000"), line  # not the machine's time zone
    raw = git("--git-dir", str(repo), "log", "--format=raw", "gh-pages")
    for needle in NAMES:
        assert needle.lower() not in log.lower(), needle
        assert needle.lower() not in raw.lower(), needle
    assert "gpgsig" not in raw


def test_a_bad_deploy_author_is_a_configuration_error(project: Project, tmp_path: Path) -> None:
    project.config(
        extra=deploy_table(PRO, f"git+{(tmp_path / 'r.git').as_uri()}", 'author = "nobody"\n')
    )
    result = project.run("deploy")
    assert result.exit_code == 1 and "sites.professional.deploy.author" in result.stderr


# -- one place spelt two ways ------------------------------------------------------------------------
def same_place_refused(project: Project, *watched: Path) -> str:
    before = {w: (tree(w), stamps(w)) for w in watched}
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "sites.professional.deploy.target" in result.stderr
    assert "sites.personal.deploy.target" in result.stderr
    assert not (project.root / "public").exists()  # refused before anything was built
    assert {w: (tree(w), stamps(w)) for w in watched} == before
    return result.stderr


@pytest.mark.parametrize("spelling", ["symlink", "dot", "dotdot", "inside-through-link"])
def test_one_folder_spelt_two_ways_is_refused(
    project: Project, tmp_path: Path, spelling: str
) -> None:
    www = tmp_path / "www"
    (www / "site").mkdir(parents=True)
    (tmp_path / "link").symlink_to(www)
    first = (www / "site").as_uri()
    second = {
        "symlink": f"file://{tmp_path}/link/site",
        "dot": f"file://{www}/./site/",
        "dotdot": f"file://{www}/site/../site",
        "inside-through-link": f"file://{tmp_path}/link/site/personal",
    }[spelling]
    project.config(extra=deploy_table(PRO, first) + deploy_table(HOME, second))
    posts(project)
    same_place_refused(project, www)


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("rsyncd")
    with rsync_daemon(folder) as url:
        yield url, folder / "www"


@pytest.mark.parametrize("other", ["localhost", "LOCALHOST", "127.0.0.1/./"])
def test_one_rsync_module_spelt_two_ways_is_refused(
    project: Project, daemon: tuple[str, Path], other: str
) -> None:
    url, root = daemon
    port = url.rsplit(":", 1)[1].split("/")[0]
    (root / "site").mkdir(exist_ok=True)
    (root / "site/keep.txt").write_text("the first site's file\n")
    host, _, dot = other.partition("/")
    second = f"rsync://{host}:{port}/www/{dot}site"
    project.config(extra=deploy_table(PRO, f"{url}/site") + deploy_table(HOME, second))
    posts(project)
    same_place_refused(project, root / "site")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("s3://bucket/a/", "s3://bucket/a"),
        ("s3://bucket/a", "s3://bucket//a//"),
        ("s3://bucket/a", "s3://Bucket/a/b"),
        ("s3://bucket/a%2Fb", "s3://bucket/a/b"),
    ],
)
def test_one_s3_prefix_spelt_two_ways_is_refused(project: Project, a: str, b: str) -> None:
    project.config(extra=deploy_table(PRO, a) + deploy_table(HOME, b))
    posts(project)
    same_place_refused(project)


def test_one_git_repository_spelt_two_ways_is_refused(project: Project, tmp_path: Path) -> None:
    repo = tmp_path / "site.git"
    git("init", "--quiet", "--bare", str(repo))
    (tmp_path / "alias.git").symlink_to(repo)
    project.config(
        extra=deploy_table(PRO, f"git+{repo.as_uri()}#pages")
        + deploy_table(HOME, f"git+file://{tmp_path}/./alias.git/#pages")
    )
    posts(project)
    same_place_refused(project, repo)


def test_two_branches_of_one_repository_are_two_places(project: Project, tmp_path: Path) -> None:
    repo = tmp_path / "site.git"
    git("init", "--quiet", "--bare", str(repo))
    project.config(
        extra=deploy_table(PRO, f"git+{repo.as_uri()}#pro")
        + deploy_table(HOME, f"git+{repo.as_uri()}#home")
    )
    posts(project)
    result = project.run("deploy")
    assert result.exit_code == 0, result.output
    assert branch_files(repo, "pro") == project.files(PRO)
    assert branch_files(repo, "home") == project.files(HOME)


# -- a first deploy into a target that holds files ----------------------------------------------------
THEIRS = {
    ".htaccess": b"Options -Indexes\n",
    ".well-known/security.txt": b"Contact: mailto:security@example.com\n",
    "downloads/a.pdf": b"%PDF-1.4 a",
    "downloads/b.pdf": b"%PDF-1.4 b",
    "downloads/c.pdf": b"%PDF-1.4 c",
}


def test_a_first_deploy_into_a_folder_that_holds_files_refuses(
    project: Project, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    for rel, data in THEIRS.items():
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        (www / rel).write_bytes(data)
    project.config(extra=deploy_table(PRO, www.as_uri()))
    posts(project)
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert str(www) in result.stderr and "--force" in result.stderr
    assert ".htaccess" in result.stderr and "Traceback" not in result.output
    assert tree(www) == THEIRS
    dry = project.run("deploy", "--dry-run")  # a dry run says so too, and changes nothing
    assert dry.exit_code == 1 and tree(www) == THEIRS

    forced = project.run("deploy", "--force")
    assert forced.exit_code == 0, forced.output
    assert tree(www) == project.files(PRO)
    # From now on it is splitblog's target: a stray file is deleted like any other.
    (www / "stray.html").write_text("left over")
    assert project.run("deploy").exit_code == 0
    assert tree(www) == project.files(PRO)


def test_a_first_deploy_into_an_existing_branch_refuses(project: Project, tmp_path: Path) -> None:
    repo = tmp_path / "site.git"
    git("init", "--quiet", "--bare", "--initial-branch=gh-pages", str(repo))
    scratch = tmp_path / "scratch"
    git("init", "--quiet", "--initial-branch=gh-pages", str(scratch))
    (scratch / "index.html").write_text("my old site\n")
    (scratch / "resume.pdf").write_bytes(b"%PDF-1.4")
    git("add", ".", cwd=scratch)
    git("commit", "--quiet", "-m", "old site", cwd=scratch)
    git("push", "--quiet", str(repo), "gh-pages", cwd=scratch)
    tip = git("--git-dir", str(repo), "rev-parse", "gh-pages")
    project.config(extra=deploy_table(PRO, f"git+{repo.as_uri()}"))
    posts(project)
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert "resume.pdf" in result.stderr and "--force" in result.stderr
    assert git("--git-dir", str(repo), "rev-parse", "gh-pages") == tip
    assert project.run("deploy", "--force").exit_code == 0
    assert branch_files(repo, "gh-pages") == project.files(PRO)


def test_a_first_deploy_into_an_empty_or_new_target_needs_no_force(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    project.config(
        extra=deploy_table(PRO, (tmp_path / "empty").as_uri())
        + deploy_table(HOME, (tmp_path / "new").as_uri())
    )
    posts(project)
    assert project.run("deploy").exit_code == 0
    assert tree(tmp_path / "new") == project.files(HOME)


# -- exactly the files of the build --------------------------------------------------------------
def test_a_file_changed_after_the_build_is_never_published(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something writes into the output between the build and the upload."""
    from splitblog.deploy import run as run_module

    www = tmp_path / "www"
    project.config(extra=deploy_table(PRO, www.as_uri()))
    posts(project)
    real_build = run_module.build

    def build_then_tamper(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_build(*args, **kwargs)
        (project.out(PRO) / "index.html").write_text("Beach Weekend Photos")
        (project.out(PRO) / "extra.html").write_text("Patsy")
        return result

    monkeypatch.setattr(run_module, "build", build_then_tamper)
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert "public/professional/" in result.stderr and "Traceback" not in result.output
    assert not www.exists()


def test_a_file_changed_behind_the_builds_back_is_never_published(
    project: Project, tmp_path: Path
) -> None:
    """Same size, same mtime, other bytes: only a reading of the bytes can tell."""
    www = tmp_path / "www"
    project.config(extra=deploy_table(PRO, www.as_uri()))
    posts(project)
    project.build()
    page = project.root / "public/professional/index.html"
    info = page.stat()
    data = page.read_bytes().replace(
        b"Quarterly Pipeline Review", b"Beach Weekend Photos".ljust(25)
    )
    assert len(data) == info.st_size
    page.write_bytes(data)
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert "index.html" in result.stderr and "Traceback" not in result.output
    assert not www.exists()


def test_a_deploy_audits_even_when_the_build_believes_nothing_changed(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the no-op check ever be fooled, the deploy still builds and audits."""
    from splitblog.build import run as build_run

    www = tmp_path / "www"
    project.config(extra=deploy_table(PRO, www.as_uri()))
    posts(project)
    project.post("2026-01-05-diary", "all", title="Diary Of Garden Things")
    project.build()
    project.post("2026-01-05-diary", HOME, title="Diary Of Garden Things")
    monkeypatch.setattr(build_run, "still_current", lambda *args, **kwargs: True)
    assert "Nothing changed" in project.build().output  # the fooled check
    result = project.run("deploy")
    assert result.exit_code == 0, result.output
    published = tree(www)
    assert published and not any(b"Diary Of Garden" in data for data in published.values())
