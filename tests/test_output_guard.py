"""What a build may trust and what it may delete (issue 16): a restored backup is never
taken for "nothing changed", an output folder inside another site's folder is refused,
and files splitblog did not write are never deleted without --force."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import Project
from .support.files import tree

PRO, HOME = "professional", "personal"
SECRET = "Secret Diary Entry"
DIARY = "content/posts/2026-01-11-diary.md"


def cp_a(source: Path, target: Path) -> None:
    """`cp -a`, as a user restores a backup: mtimes come back, inodes and ctimes do not."""
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)


def deploy_table(site: str, target: Path) -> str:
    return f'\n[sites.{site}.deploy]\ntarget = "{target.as_uri()}"\n'


def set_audience(project: Project, audience: str) -> None:
    """Rewrite the diary's audience keeping the file's size (YAML ignores the padding)."""
    path = project.root / DIARY
    text = path.read_text()
    for old in ("audience: personal", "audience: all     "):
        text = text.replace(old, f"audience: {audience}".ljust(len(old)))
    path.write_text(text)


@pytest.fixture
def diary_project(project: Project, tmp_path: Path) -> Project:
    project.config(extra=deploy_table(PRO, tmp_path / "www-pro"))
    project.post("2026-01-10-work", PRO, title="Work Post")
    project.write(
        DIARY, f"---\ntitle: {SECRET}\ndate: 2026-01-11\naudience: personal\n---\n\nHidden.\n"
    )
    return project


def restore_sequence(project: Project, backup: Path, whole_folder: bool) -> None:
    """The issue's sequence: back up content/ while the diary is personal, make it `all`,
    build the professional site twice (its folder swaps twice, so its inode comes back),
    then restore the backup."""
    project.build()
    cp_a(project.root / "content", backup)
    set_audience(project, "all")
    project.build("--site", PRO)
    assert SECRET in project.read(PRO, "posts/diary/index.html")
    diary = project.root / DIARY
    diary.write_text(diary.read_text().replace("Hidden.", "Hidden!"))  # the same size again
    project.build("--site", PRO)
    if whole_folder:
        shutil.rmtree(project.root / "content")
        cp_a(backup, project.root / "content")
    else:  # one file copied over the other: same inode, same size, the old mtime
        cp_a(backup / "posts/2026-01-11-diary.md", project.root / DIARY)


@pytest.mark.parametrize("whole_folder", [True, False], ids=["folder", "one-file"])
@pytest.mark.parametrize("then", ["build", "deploy"])
def test_a_restored_backup_is_not_taken_for_up_to_date(
    diary_project: Project, tmp_path: Path, then: str, whole_folder: bool
) -> None:
    project = diary_project
    restore_sequence(project, tmp_path / "bak", whole_folder)
    if whole_folder:
        restored = (project.root / "content/posts/2026-01-10-work.md").stat()
        backed = (tmp_path / "bak/posts/2026-01-10-work.md").stat()
        assert restored.st_mtime_ns == backed.st_mtime_ns  # what fooled the old check

    checked = project.run("check")
    assert checked.exit_code == 1, checked.output
    assert "public/professional/" in checked.stderr and "posts/diary/index.html" in checked.stderr
    assert "Traceback" not in checked.output

    result = project.run(then)
    assert result.exit_code == 0, result.output
    assert "Nothing changed" not in result.output
    assert not project.exists(PRO, "posts/diary/index.html")
    project.assert_absent(PRO, SECRET, "Hidden.")
    if then == "deploy":
        published = tree(tmp_path / "www-pro")
        assert published == project.files(PRO)
        assert not any(SECRET.encode() in data for data in published.values())
    assert project.run("check").exit_code == 0


def test_a_rebuild_with_nothing_changed_is_still_a_no_op(diary_project: Project) -> None:
    """The stronger check costs no rebuilds: an untouched project stays up to date."""
    diary_project.build()
    assert "Nothing changed" in diary_project.build().output
    os.utime(diary_project.root / DIARY)  # touched, not changed: a rebuild that writes nothing
    rebuilt = diary_project.build().output
    assert "Nothing changed" in diary_project.build().output, rebuilt


def test_a_file_edited_in_the_output_is_noticed(diary_project: Project) -> None:
    """An output file changed by hand (same size): the build is no longer a no-op, and
    it refuses to replace a file it did not write."""
    project = diary_project
    project.build()
    page = project.out(PRO) / "posts/work/index.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"Work Post", b"Work Text"))
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "public/professional/" in result.stderr and "posts/work/index.html" in result.stderr
    assert page.read_bytes() != data  # left as the user made it
    assert project.run("build", "--force").exit_code == 0
    assert page.read_bytes() == data


# -- an output folder inside another site's folder -----------------------------------------
@pytest.mark.parametrize(
    "inside", ["public/professional", "public/personal/old", "public/./professional"]
)
def test_an_output_folder_inside_a_site_folder_is_refused(
    diary_project: Project, tmp_path: Path, inside: str
) -> None:
    project = diary_project
    project.build()
    before = tree(project.root / "public")
    result = project.run("build", "-o", str(project.root / inside))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "output" in result.stderr and "inside" in result.stderr
    assert tree(project.root / "public") == before  # nothing written there

    deployed = project.run("deploy")
    assert deployed.exit_code == 0, deployed.output
    published = tree(tmp_path / "www-pro")
    assert published == project.files(PRO)
    assert not any(path.startswith((f"{PRO}/", f"{HOME}/")) for path in published)
    assert not any(SECRET.encode() in data for data in published.values())


def test_an_output_folder_holding_a_site_folder_is_refused(diary_project: Project) -> None:
    """The other way round: the configured output is inside a site folder of -o's."""
    project = diary_project
    config = project.root / "splitblog.toml"
    config.write_text('output = "public/personal/archive"\n' + config.read_text())
    result = project.run("build", "-o", str(project.root / "public"))
    assert result.exit_code == 1, result.output
    assert "public/personal" in result.stderr and "Traceback" not in result.output
    assert not (project.root / "public").exists()


def test_a_site_copied_into_another_sites_folder_is_never_deployed(
    diary_project: Project, tmp_path: Path
) -> None:
    """The attacker's version of -o: the personal site copied by hand into the
    professional folder after a build. The deploy publishes the build's files only."""
    project = diary_project
    project.build()
    shutil.copytree(project.out(HOME), project.out(PRO) / HOME)
    result = project.run("deploy")
    assert result.exit_code == 1, result.output
    assert "public/professional/" in result.stderr and f"{HOME}/404.html" in result.stderr
    assert not (tmp_path / "www-pro").exists()


# -- files splitblog did not write -------------------------------------------------------------
def test_files_in_a_site_folder_are_never_deleted_without_force(project: Project) -> None:
    project.post("2026-01-10-work", PRO, title="Work Post")
    diary = project.write_bytes("public/personal/notes/diary.txt", b"my own notes\n")
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "public/personal/" in result.stderr and "notes/diary.txt" in result.stderr
    assert "--force" in result.stderr and "Traceback" not in result.output
    assert tree(project.root / "public") == {"personal/notes/diary.txt": b"my own notes\n"}
    # Twice: the first refusal changed nothing for the second to delete.
    assert project.run("build").exit_code == 1
    assert diary.read_bytes() == b"my own notes\n"

    forced = project.run("build", "--force")
    assert forced.exit_code == 0, forced.output
    assert not diary.exists() and project.exists(HOME, "index.html")
    assert "notes/diary.txt" not in project.files(HOME)
    project.build("--force")  # a second forced build: the old file does not come back
    assert "notes/diary.txt" not in project.files(HOME)


def test_a_file_added_after_a_build_is_not_deleted(project: Project) -> None:
    project.post("2026-01-10-work", PRO, title="Work Post")
    project.build()
    added = project.write_bytes("public/professional/taxes/return.pdf", b"%PDF-1.4 mine")
    project.post("2026-01-12-more", PRO, title="More Work")
    result = project.run("build")
    assert result.exit_code == 1 and "taxes/return.pdf" in result.stderr, result.output
    assert added.read_bytes() == b"%PDF-1.4 mine"
    assert not project.exists(PRO, "posts/more/index.html")  # nothing touched


def test_output_option_over_a_folder_of_the_users(project: Project, tmp_path: Path) -> None:
    """`-o ~/home` over an existing home/personal/taxes/return.pdf."""
    home = tmp_path / "home"
    (home / "personal/taxes").mkdir(parents=True)
    (home / "personal/taxes/return.pdf").write_bytes(b"%PDF-1.4")
    project.post("2026-01-10-work", PRO, title="Work Post")
    result = project.run("build", "-o", str(home))
    assert result.exit_code == 1, result.output
    assert f"{home}/personal/" in result.stderr and "taxes/return.pdf" in result.stderr
    assert tree(home) == {"personal/taxes/return.pdf": b"%PDF-1.4"}


def test_an_empty_site_folder_is_no_ones(project: Project) -> None:
    (project.root / "public/personal/empty").mkdir(parents=True)
    project.post("2026-01-10-work", PRO, title="Work Post")
    assert project.run("build").exit_code == 0


def test_check_between_an_edit_and_a_build_passes(diary_project: Project) -> None:
    """An out-of-date folder is no problem for `check`; only one that holds what the
    site must not show (the restored-backup case above) is."""
    diary_project.build()
    diary_project.post("2026-01-10-work", PRO, title="Work Post, Edited")
    result = diary_project.run("check")
    assert result.exit_code == 0, result.output
