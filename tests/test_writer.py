"""The writer: each site folder is always the old output or the complete new one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from splitblog.writer import OutputFile, SiteTrees, digest_of

from .conftest import Project
from .support.files import tree
from .support.processes import stop


def files(*pairs: tuple[str, bytes]) -> dict[str, OutputFile]:
    return {path: OutputFile(digest_of(data), data=data) for path, data in pairs}


def test_publish_writes_only_what_changed(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    first = files(("index.html", b"1"), ("posts/a/index.html", b"a"), ("posts/b/index.html", b"b"))
    report = trees.publish(first)
    assert report.written == 3 and tree(trees.live) == {k: v.data for k, v in first.items()}
    second = files(("index.html", b"2"), ("posts/a/index.html", b"a"), ("posts/c/index.html", b"c"))
    trees.publish(second)  # the spare did not exist yet: written in full
    assert tree(trees.live) == {k: v.data for k, v in second.items()}
    third = files(("index.html", b"3"), ("posts/a/index.html", b"a"), ("posts/c/index.html", b"c"))
    report = trees.publish(third)
    # The spare held the first output: index.html changes, b goes, c comes.
    assert (report.written, report.deleted) == (2, 1)
    assert tree(trees.live) == {k: v.data for k, v in third.items()}
    assert not (trees.live / "posts/b").exists()  # emptied folders are pruned


def test_unchanged_files_are_not_touched(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    same = files(("a.html", b"a"), ("b.html", b"b"))
    trees.publish(same)
    trees.publish(same)
    spare_mtimes = {p: (trees.spare / p).stat().st_mtime_ns for p in same}
    report = trees.publish(same)
    assert report.written == 0
    # The spare became the live tree without a single file being rewritten.
    assert {p: (trees.live / p).stat().st_mtime_ns for p in same} == spare_mtimes


def test_reused_files_come_from_the_live_tree(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    trees.publish(files(("a.html", b"one"), ("b.html", b"b")))
    # "a.html is what the live tree holds": no bytes given.
    trees.publish({"a.html": OutputFile(digest_of(b"one")), **files(("b.html", b"B"))})
    assert tree(trees.live) == {"a.html": b"one", "b.html": b"B"}


def test_lost_manifest_is_rebuilt_from_disk(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    trees.publish(files(("a.html", b"1")))
    trees.publish(files(("a.html", b"2"), ("stale.html", b"x")))
    trees.manifest_path.unlink()  # as if a build had been killed mid-way
    (trees.spare / "junk.html").write_bytes(b"left by a killed build")
    trees.publish(files(("a.html", b"3")))
    assert tree(trees.live) == {"a.html": b"3"}
    json.loads(trees.manifest_path.read_text())


def test_file_and_folder_swap_places(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    trees.publish(files(("x", b"file"), ("y/index.html", b"dir")))
    trees.publish(files(("x/index.html", b"now a dir"), ("y", b"now a file")))
    trees.publish(files(("x/index.html", b"now a dir"), ("y", b"now a file")))
    assert tree(trees.live) == {"x/index.html": b"now a dir", "y": b"now a file"}


def test_unsafe_paths_are_refused(tmp_path: Path) -> None:
    from splitblog.errors import OutputError

    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    for bad in ("../escape.html", "/etc/passwd", "a/../../b", "a\\b", "nul\0.html"):
        try:
            trees.publish(files((bad, b"x")))
        except OutputError:
            pass
        else:  # pragma: no cover - the assertion below reports it
            raise AssertionError(f"{bad!r} was written")
    assert not (tmp_path / "public/escape.html").exists()
    assert not (tmp_path / "escape.html").exists()


def test_sigkill_at_any_moment_leaves_old_or_new_output(project: Project, tmp_path: Path) -> None:
    """Kill real builds at many points; each site folder must equal the old or the new build."""

    def write_posts(version: str) -> None:
        for i in range(150):
            project.post(
                f"2025-01-01-post-{i}",
                ["professional", "personal"][i % 2] if i % 3 else "all",
                title=f"Post {i} {version}",
                tags=[f"t{i % 7}"],
                body=f"Version {version} of post {i}.\n\n" + "Words here. " * 40,
            )

    write_posts("old")
    project.build()
    old = {s: tree(project.out(s)) for s in ("professional", "personal")}
    write_posts("new")
    expected_root = tmp_path / "expected"
    project.build("-o", str(expected_root))
    new = {s: tree(expected_root / s) for s in ("professional", "personal")}
    assert old["professional"] != new["professional"]
    command = [
        sys.executable,
        "-m",
        "splitblog",
        "build",
        "-c",
        str(project.root / "splitblog.toml"),
    ]
    outcomes = set()
    delays = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.7, 0.9, 1.2]
    while delays:
        delay = delays.pop(0)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        stop(proc, signal.SIGKILL)
        for site in ("professional", "personal"):
            now = tree(project.out(site))
            assert now in (old[site], new[site]), f"{site} half-written after {delay}s"
            outcomes.add("new" if now == new[site] else "old")
        # Roll back to the old state for the next round, when the build got through.
        if tree(project.out("professional")) == new["professional"]:
            write_posts("old")
            project.build()
            write_posts("new")
        elif not delays and "new" not in outcomes and delay < 10:
            delays.append(delay * 1.5)  # a loaded machine: wait longer until a build gets through
    final = subprocess.run(command, capture_output=True)
    assert final.returncode == 0
    assert {s: tree(project.out(s)) for s in new} == new
    assert sorted(os.listdir(project.root / "public")) == ["personal", "professional"]
    assert "old" in outcomes and "new" in outcomes, outcomes


def test_in_place_updates_write_each_change_once(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "out/site", tmp_path / "spare/site", in_place=True)
    trees.publish(files(("a.html", b"1"), ("b/index.html", b"b")))
    inode = trees.live.stat().st_ino
    report = trees.publish({"a.html": OutputFile(digest_of(b"1")), **files(("c.html", b"c"))})
    assert (report.written, report.deleted, report.unchanged) == (1, 1, 1)
    assert tree(trees.live) == {"a.html": b"1", "c.html": b"c"}
    assert trees.live.stat().st_ino == inode  # the same folder, never swapped
    assert not trees.spare.exists()


def test_trees_share_unchanged_files_without_writing_through_them(tmp_path: Path) -> None:
    trees = SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    trees.publish(files(("a.html", b"one")))
    trees.publish({"a.html": OutputFile(digest_of(b"one"))})  # unchanged: linked, not copied
    assert (trees.live / "a.html").stat().st_ino == (trees.spare / "a.html").stat().st_ino
    trees.publish(files(("a.html", b"two")))
    assert (trees.live / "a.html").read_bytes() == b"two"
    assert (trees.spare / "a.html").read_bytes() == b"one"  # the previous output kept intact
