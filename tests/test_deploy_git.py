"""Deploying to a branch of a real bare repository (`git init --bare`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Project
from .support.deploy import branch_files, git

PRO, HOME = "professional", "personal"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A bare repository with a `main` branch holding the user's sources."""
    repo = tmp_path / "site.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(repo))
    scratch = tmp_path / "scratch"
    git("init", "--quiet", "--initial-branch=main", str(scratch))
    (scratch / "README.md").write_text("the sources\n")
    git("add", "README.md", cwd=scratch)
    git("commit", "--quiet", "-m", "sources", cwd=scratch)
    git("push", "--quiet", str(repo), "main", cwd=scratch)
    return repo


@pytest.fixture
def gh_project(project: Project, bare: Path) -> Project:
    """The personal site on GitHub Pages (gh-pages of `bare`), a post on each site."""
    project.config(
        extra=f'\n[sites.{HOME}.deploy]\ntarget = "git+{bare.as_uri()}"\nhost = "github-pages"\n'
    )
    project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review")
    project.post("2026-01-02-beach", HOME, title="Beach Weekend Photos")
    project.post("2026-01-03-bread", HOME, title="Sourdough Diary")
    return project


def deploy(project: Project, *args: str, code: int = 0) -> str:
    result = project.run("deploy", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def refs(repo: Path) -> dict[str, str]:
    lines = git("--git-dir", str(repo), "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split() for line in lines.splitlines())


def test_the_branch_holds_exactly_the_build(gh_project: Project, bare: Path) -> None:
    main = refs(bare)["refs/heads/main"]
    deploy(gh_project)
    files = branch_files(bare, "gh-pages")
    assert files == gh_project.files(HOME)
    assert files["CNAME"] == b"home.example.net\n" and files[".nojekyll"] == b""
    assert b"Quarterly Pipeline Review" not in b"".join(files.values())
    assert refs(bare)["refs/heads/main"] == main
    assert set(refs(bare)) == {"refs/heads/main", "refs/heads/gh-pages"}
    message = git("--git-dir", str(bare), "log", "-1", "--format=%B", "gh-pages")
    # Names no site (issue 16: the audience names are the user's private vocabulary).
    assert message.startswith("Publish") and "personal" not in message


def test_a_redeploy_with_no_change_makes_no_commit(gh_project: Project, bare: Path) -> None:
    deploy(gh_project)
    first = refs(bare)["refs/heads/gh-pages"]
    output = deploy(gh_project)
    assert refs(bare)["refs/heads/gh-pages"] == first
    assert "personal" in output

    (gh_project.root / "content/posts/2026-01-03-bread.md").unlink()
    gh_project.post("2026-01-02-beach", HOME, title="Beach Weekend Photos", body="Sunburn.\n")
    deploy(gh_project)
    second = refs(bare)["refs/heads/gh-pages"]
    assert second != first
    assert git("--git-dir", str(bare), "rev-parse", f"{second}^") == first
    files = branch_files(bare, "gh-pages")
    assert files == gh_project.files(HOME)
    assert "posts/bread/index.html" not in files


def test_the_users_working_tree_is_untouched(gh_project: Project, bare: Path) -> None:
    """The project is itself a git repository with work in progress."""
    root = gh_project.root
    (root / ".gitignore").write_text("/public/\n/.splitblog/\n")
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", ".gitignore", "splitblog.toml", "content", cwd=root)
    git("commit", "--quiet", "-m", "my blog", cwd=root)
    gh_project.post("2026-01-04-draft", HOME, title="Work In Progress", draft=True)
    (root / "splitblog.toml").write_text((root / "splitblog.toml").read_text() + "\n# edited\n")
    git("remote", "add", "origin", bare.as_uri(), cwd=root)

    def state() -> tuple[str, ...]:
        return (
            git("status", "--porcelain", "--untracked-files=all", cwd=root),
            git("ls-files", "--stage", cwd=root),  # the index
            git("rev-parse", "HEAD", cwd=root),
            git("for-each-ref", cwd=root),
            git("stash", "list", cwd=root),
            git("config", "--local", "--list", cwd=root),
        )

    before = state()
    deploy(gh_project)
    assert state() == before
    assert branch_files(bare, "gh-pages") == gh_project.files(HOME)


def test_a_named_branch_and_an_existing_history(gh_project: Project, bare: Path) -> None:
    gh_project.config(extra=f'\n[sites.{PRO}.deploy]\ntarget = "git+{bare.as_uri()}#www"\n')
    deploy(gh_project, "--site", PRO)
    assert branch_files(bare, "www") == gh_project.files(PRO)
    assert "refs/heads/gh-pages" not in refs(bare)


def test_a_rejected_push_is_one_line(gh_project: Project, bare: Path) -> None:
    hook = bare / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = gh_project.run("deploy")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "git push to" in lines[0] and "was rejected" in lines[0]
    assert "Traceback" not in result.output
    assert "refs/heads/gh-pages" not in refs(bare)


def test_an_unreachable_repository_is_one_line(gh_project: Project, tmp_path: Path) -> None:
    missing = (tmp_path / "nowhere.git").as_uri()
    gh_project.config(extra=f'\n[sites.{HOME}.deploy]\ntarget = "git+{missing}#gh-pages"\n')
    result = gh_project.run("deploy")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nowhere.git" in lines[0], result.stderr
