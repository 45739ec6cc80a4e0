"""`init`, `new post`, and a project that builds from an installed (non-editable) package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from splitblog.cli import cli

from .conftest import Project

REPO = Path(__file__).resolve().parent.parent


def test_init_then_build(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for rel in (
        "splitblog.toml",
        ".gitignore",
        "themes/README.md",
        "content/pages/about.md",
    ):
        assert (target / rel).is_file(), rel
    assert ".splitblog/" in (target / ".gitignore").read_text()
    project = Project(target)
    project.build()
    assert project.exists("professional", "posts/roadmaps-are-promises/index.html")
    assert project.exists("personal", "posts/sourdough-starter/index.html")
    assert project.exists("professional", "posts/why-i-write/index.html")
    assert project.exists("personal", "posts/why-i-write/index.html")
    project.assert_absent("professional", "sourdough", "Lexi")


def test_init_never_overwrites(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path / "blog")])
    config = tmp_path / "blog" / "splitblog.toml"
    config.write_text(config.read_text() + "\n# mine\n")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "blog")])
    assert result.exit_code == 1
    assert "already holds a project" in result.stderr
    assert config.read_text().endswith("# mine\n")


def test_new_post(project: Project) -> None:
    result = project.run("new", "post", "Hello World", "--audience", "personal")
    assert result.exit_code == 0, result.output
    expected = f"content/posts/{date.today().isoformat()}-hello-world.md"
    assert result.stdout.strip() == expected
    text = (project.root / expected).read_text()
    assert 'title: "Hello World"' in text and "audience: personal" in text and "draft: true" in text
    assert project.run("check", "--drafts").exit_code == 0
    project.build("--drafts")
    assert project.exists("personal", "posts/hello-world/index.html")
    again = project.run("new", "post", "Hello World", "--audience", "personal")
    assert again.exit_code == 1 and "exists already" in again.stderr


def test_new_post_with_unknown_audience_writes_nothing(project: Project) -> None:
    result = project.run("new", "post", "Oops", "--audience", "friends")
    assert result.exit_code == 1
    assert "unknown audience 'friends'" in result.stderr
    assert not (project.root / "content/posts").exists()
    usage = project.run("new", "post", "No audience")
    assert usage.exit_code == 2


def test_every_command_has_help() -> None:
    for command in (
        ["--help"],
        ["build", "--help"],
        ["check", "--help"],
        ["init", "--help"],
        ["new", "post", "--help"],
    ):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_wheel_ships_themes_and_starter_and_builds_from_it(tmp_path: Path) -> None:
    """Build a wheel, install it (not editable) into a folder, and run init + build
    from there: the themes and the starter project must come from inside the package."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
    )
    [wheel] = wheels.glob("splitblog-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "splitblog/themes/professional/templates/_site.html",
        "splitblog/themes/_base/templates/post.html",
        "splitblog/starter/splitblog.toml",
    ):
        assert needed in names
    site = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    # Run from outside the repository: its splitblog/ folder must not be the one imported,
    # and the themes must come from inside the installed package.
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import splitblog, splitblog.theming as t; print(splitblog.__file__); print(t.SHIPPED)",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    package, shipped = where.stdout.splitlines()
    assert package.startswith(str(site))
    assert shipped == str(site / "splitblog" / "themes")
    blog = tmp_path / "fresh"
    subprocess.run(
        [sys.executable, "-m", "splitblog", "init", str(blog)], env=env, cwd=tmp_path, check=True
    )
    built = subprocess.run(
        [sys.executable, "-m", "splitblog", "build"],
        cwd=blog,
        env=env,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (blog / "public/personal/css/site.css").is_file()
    assert (blog / "public/professional/posts/roadmaps-are-promises/index.html").is_file()


# -- init writes everything or nothing, and never replaces a file (issue 16) ---------------
def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_init_over_a_folder_with_one_file_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    (target / "themes").mkdir(parents=True)
    (target / "themes/README.md").write_text("my notes on themes\n")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 1, result.output
    assert "themes/README.md" in result.output and "Traceback" not in result.output
    assert files_under(target) == {"themes/README.md": b"my notes on themes\n"}
    assert sorted(p.name for p in target.iterdir()) == ["themes"]


def test_init_over_an_existing_avatars_folder(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    (target / "avatars").mkdir(parents=True)
    (target / "avatars/me.jpg").write_bytes(b"my photo")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "avatars/me.jpg").read_bytes() == b"my photo"  # kept, beside the new ones
    Project(target).build()


def test_init_refuses_a_starter_file_that_exists_and_writes_nothing(tmp_path: Path) -> None:
    """An avatars/ that holds a file of the starter's own name: nothing is replaced, and
    nothing else is written either."""
    CliRunner().invoke(cli, ["init", str(tmp_path / "model")])
    starter = sorted(p.name for p in (tmp_path / "model/avatars").iterdir())
    target = tmp_path / "blog"
    (target / "avatars").mkdir(parents=True)
    (target / "avatars" / starter[0]).write_bytes(b"mine")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 1, result.output
    assert f"avatars/{starter[0]}" in result.output and "Traceback" not in result.output
    assert files_under(target) == {f"avatars/{starter[0]}": b"mine"}


def test_init_where_a_folder_must_go_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    target.mkdir()
    (target / "themes").write_text("not a folder\n")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 1 and "themes" in result.output, result.output
    assert "Traceback" not in result.output
    assert files_under(target) == {"themes": b"not a folder\n"}


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    target = tmp_path / "blog"
    target.mkdir()
    (target / ".gitignore").write_text("*.log\n")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").read_text() == "*.log\n"
    assert "public/" in result.output and ".splitblog/" in result.output  # what to add


def test_init_that_fails_half_way_leaves_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A full disk in the middle: what was written is taken back."""
    import errno

    from splitblog import scaffold

    real = scaffold._write_new
    count = {"n": 0}

    def write_then_fail(path: Path, data: bytes) -> None:
        count["n"] += 1
        if count["n"] == 4:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(scaffold, "_write_new", write_then_fail)
    target = tmp_path / "blog"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert not target.exists() or files_under(target) == {}
    assert not target.exists() or not any(target.rglob("*"))
