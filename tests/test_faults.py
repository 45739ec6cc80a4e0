"""Issue 7, output and faults: a killed, interrupted, starved or doubled build never
leaves a half-written site, and says clearly what went wrong.

The full disk and the read-only folder are real where the tests may mount (they run as
root, as CI does: a tiny tmpfs, a read-only bind mount); where mounting is refused they
are simulated at the writer's boundary, which raises the same OSError a kernel would.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from splitblog import writer
from splitblog.build import run as build_module
from splitblog.errors import OutputError

from .conftest import BASE_CONFIG, Project
from .support.files import tree
from .support.pagefind import without_search
from .support.processes import poll, stop, wait_for

SHIM = Path(__file__).parent / "shim"
SITES = ("professional", "personal")


def sites(project: Project, output: Path | None = None) -> dict[str, dict[str, bytes]]:
    base = output or project.root / "public"
    return {site: tree(base / site) for site in SITES}


def write_posts(project: Project, version: str, count: int = 40) -> None:
    for i in range(count):
        project.post(
            f"2025-01-{i % 28 + 1:02d}-post-{i}",
            ["professional", "personal", "all"][i % 3],
            title=f"Post {i} {version}",
            tags=[f"t{i % 5}"],
            body=f"Version {version} of post {i}.\n\n" + "Words here. " * 60,
        )


def cli(project: Project, *args: str) -> list[str]:
    return [sys.executable, "-m", "splitblog", *args, "-c", str(project.root / "splitblog.toml")]


def run_cli(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(project, *args),
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def try_mount(*args: str) -> bool:
    """Mount, as root in a sandbox that allows it; False where mounting is refused."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def injected(monkeypatch: pytest.MonkeyPatch, code: int) -> Iterator[Callable[[bool], None]]:
    """Where the kernel cannot be asked: every write of the output fails with `code`
    while switched on, as the writer would see it from a full or read-only disk."""
    on = [False]
    real_write, real_swap = writer._write, writer._swap

    def write(target: str, out: writer.OutputFile, live_copy: str) -> os.stat_result:
        if on[0]:
            raise OSError(code, os.strerror(code), target)
        return real_write(target, out, live_copy)

    def swap(new: Path, live: Path) -> None:
        if on[0]:
            raise OSError(code, os.strerror(code), str(live))
        real_swap(new, live)

    monkeypatch.setattr(writer, "_write", write)
    monkeypatch.setattr(writer, "_swap", swap)

    def switch(value: bool) -> None:
        on[0] = value

    yield switch


def assert_clean_failure(result_output: str, code: int, expected: str) -> None:
    assert code == 1, result_output
    assert "Traceback" not in result_output, result_output
    assert expected in result_output, result_output
    assert result_output.rstrip().endswith("1 problem found; nothing was written."), result_output


# -- a full disk -----------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["output", "project"])
def test_full_disk_is_a_clear_error_and_the_old_output_stays(
    tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output (or the whole project, cache included) on a disk that fills up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    real = try_mount("-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk))
    try:
        root = disk / "site" if where == "project" else tmp_path / "site"
        project = Project(root)
        # No search: its index is kept in the cache (1.6 MB here), and a build that finds
        # the disk full drops the cache it cannot write — which would free enough room
        # for the build to succeed, and there would be no full disk left to test.
        project.config(without_search(BASE_CONFIG))
        output = disk / "out" if where == "output" else root / "public"
        write_posts(project, "old")
        assert project.run("build", "-o", str(output)).exit_code == 0
        old = sites(project, output)
        write_posts(project, "new")
        expected = tmp_path / "expected"
        assert project.run("build", "-o", str(expected)).exit_code == 0
        with contextlib.ExitStack() as stack:
            if real:
                filler = disk / "filler"
                free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
                with filler.open("wb") as out:
                    out.truncate(0)
                    out.write(b"\0" * max(0, free - 8192))
                stack.callback(filler.unlink)
            else:
                switch = stack.enter_context(injected(monkeypatch, errno.ENOSPC))
                switch(True)
            result = project.run("build", "-o", str(output))
            assert_clean_failure(result.output, result.exit_code, "No space left on device")
            assert sites(project, output) == old
        result = project.run("build", "-o", str(output))  # space again: the build completes
        assert result.exit_code == 0, result.output
        assert sites(project, output) == sites(project, expected)
    finally:
        if real:
            unmount(disk)


# -- a read-only output folder -------------------------------------------------------------------
def test_read_only_output_is_a_clear_error_and_the_old_output_stays(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_posts(project, "old", 10)
    project.build()
    old = sites(project)
    write_posts(project, "new", 10)
    public = project.root / "public"
    real = try_mount("--bind", str(public), str(public))
    if real and not try_mount("-o", "remount,bind,ro", str(public), str(public)):
        unmount(public)
        real = False
    try:
        with contextlib.ExitStack() as stack:
            if not real:
                stack.enter_context(injected(monkeypatch, errno.EROFS))(True)
            else:
                with pytest.raises(OSError):
                    (public / "probe").write_text("x")  # root cannot write there either
            result = project.run("build")
            assert_clean_failure(result.output, result.exit_code, "Read-only file system")
            assert sites(project) == old
    finally:
        if real:
            unmount(public)
    project.build()
    assert "Post 2 new" in project.read("personal", "posts/post-2/index.html")


def test_a_bind_mounted_output_folder_is_swapped_whole(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """public/ as a bind mount (a container volume): one device number, yet a rename
    across it fails. Builds used to fail at the swap and leave NAME.splitblog-old."""
    write_posts(project, "old", 10)
    project.build()
    public = project.root / "public"
    real = try_mount("--bind", str(public), str(public))
    if not real:  # the same refusal, as the kernel gives it across mounts
        rename = os.rename

        def cross(source: object, target: object) -> None:
            inside = [Path(os.fsdecode(p)).is_relative_to(public) for p in (source, target)]  # type: ignore[arg-type]
            if inside[0] != inside[1]:
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
            rename(source, target)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "rename", cross)
        monkeypatch.setattr(writer, "RENAME_EXCHANGE", -1)  # no atomic exchange either
    try:
        for version in ("new", "newer"):
            write_posts(project, version, 10)
            project.build()
            assert f"Post 2 {version}" in project.read("personal", "posts/post-2/index.html")
        assert sorted(os.listdir(public)) == [".splitblog-trees", "personal", "professional"]
    finally:
        if real:
            unmount(public)


def test_a_failed_fallback_swap_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without renameat2, the swap is three renames; if the second fails, the site
    folder must not be left missing (it was: renamed to NAME.splitblog-old)."""
    trees = writer.SiteTrees(tmp_path / "public/site", tmp_path / "spare/site")
    trees.publish({"a.html": writer.OutputFile(writer.digest_of(b"1"), data=b"1")})
    monkeypatch.setattr(writer.ctypes, "CDLL", lambda *a, **k: object())  # no renameat2
    rename = os.rename

    def failing(source: object, target: object) -> None:
        if Path(os.fsdecode(source)).name == "site" and "spare" in os.fsdecode(source):  # type: ignore[arg-type]
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        rename(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OutputError) as info:
        trees.publish({"a.html": writer.OutputFile(writer.digest_of(b"2"), data=b"2")})
    assert "cross-device" in str(info.value)
    assert tree(trees.live) == {"a.html": b"1"}
    assert sorted(os.listdir(tmp_path / "public")) == ["site"]


@pytest.mark.parametrize("rel", ["x//", "a//b", "a/", "./a", "a/./b", "../a", "a\\b", "/a", ""])
def test_the_path_guard_refuses_paths_that_name_no_file_in_the_site(rel: str) -> None:
    from splitblog.writer import is_safe_relpath

    assert not is_safe_relpath(rel)


# -- Ctrl-C --------------------------------------------------------------------------------------
LEFTOVERS = (".tmp", "probe-", ".splitblog-old", ".splitblog-probe")


def versions(site: dict[str, bytes]) -> set[bytes]:
    """The build versions a site's post pages come from: one, for a whole site."""
    return {m.group(1) for page in site.values() for m in VERSION.finditer(page)}


VERSION = re.compile(rb"Version (\w+) of post")


def test_ctrl_c_at_many_points_cleans_up_and_keeps_every_site_whole(project: Project) -> None:
    write_posts(project, "old", 120)
    project.build()
    outcomes = set()
    for round_, delay in enumerate((0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.7)):
        write_posts(project, f"v{round_}", 120)
        proc = subprocess.Popen(
            cli(project, "build"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # stuck: make it show where, then fail
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate()
            raise AssertionError(f"stuck after Ctrl-C at {delay} s:\n{err}") from None
        assert "Traceback" not in out + err, err
        if proc.returncode == 130:
            assert (
                "Interrupted. Every site folder holds a complete build" in err
                or "Interrupted before the build began; nothing was written." in err
            ), err
            outcomes.add("interrupted")
        else:  # it had finished, or was ending, when the signal came
            assert proc.returncode in (0, -signal.SIGINT), (proc.returncode, err)
            outcomes.add("finished")
        for site, files in sites(project).items():
            assert len(versions(files)) == 1, (site, delay, versions(files))
        left = [str(p) for p in project.root.rglob("*") if any(m in p.name for m in LEFTOVERS)]
        assert not left, left
    assert "interrupted" in outcomes, outcomes
    finished = run_cli(project, "build")  # and the next build completes the job
    assert finished.returncode == 0, finished.stderr
    assert all(versions(files) == {b"v6"} for files in sites(project).values())


# -- two builds at once ---------------------------------------------------------------------------
HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "w")
fcntl.lockf(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(project: Project, seconds: float) -> subprocess.Popen[str]:
    lock = project.root / ".splitblog" / "lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_build_waits_for_the_first(project: Project) -> None:
    write_posts(project, "old", 5)
    holder = hold_lock(project, 1.5)
    started = time.monotonic()
    result = run_cli(project, "build")
    waited = time.monotonic() - started
    holder.wait()
    assert result.returncode == 0, result.stderr
    assert waited >= 1.3, waited  # it did not write while the other held the lock
    assert "Post 2 old" in project.read("personal", "posts/post-2/index.html")


def test_a_build_that_cannot_get_the_lock_refuses_clearly(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_posts(project, "old", 5)
    project.build()
    before = project.snapshot()
    write_posts(project, "new", 5)
    real_lock = build_module.build_lock
    monkeypatch.setattr(
        build_module, "build_lock", lambda config, wait=120.0: real_lock(config, wait=0.3)
    )
    holder = hold_lock(project, 30)
    try:
        result = project.run("build")
    finally:
        stop(holder, signal.SIGKILL)
    assert result.exit_code == 1
    assert "another splitblog build of this project is still running" in result.stderr
    assert ".splitblog/lock" in result.stderr and "Traceback" not in result.output
    assert project.snapshot() == before


def live_sample(project: Project, site: str) -> dict[str, bytes] | None:
    """A site folder read whole while builds may swap it: through a descriptor held on
    the folder, and kept only if that folder was the live one before and after."""
    path = project.root / "public" / site
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return None
    try:
        files = tree(Path(f"/proc/self/fd/{handle}"))
        pinned = os.fstat(handle).st_ino
        return files if os.stat(path).st_ino == pinned else None
    except OSError:  # a file went while being read: the tree was not live, skip it
        return None
    finally:
        os.close(handle)


def test_two_builds_at_once_never_interleave(project: Project, tmp_path: Path) -> None:
    """Two real builds of one project, one with drafts: each site ends as one of them
    whole, and at every moment in between it is the old output or one of the two."""
    write_posts(project, "old", 60)
    for i in range(0, 60, 4):
        project.post(f"2025-02-{i % 28 + 1:02d}-draft-{i}", "all", title=f"Draft {i}", draft=True)
    project.build()
    outputs = [sites(project)]
    write_posts(project, "new", 60)
    for args in (("--drafts",), ()):
        out = tmp_path / f"expected{len(outputs)}"
        assert project.run("build", *args, "-o", str(out)).exit_code == 0
        outputs.append(sites(project, out))
    builds = [
        subprocess.Popen(
            cli(project, "build", *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for args in (("--drafts",), ())
    ]
    samples = 0
    while any(b.poll() is None for b in builds):
        for site in SITES:
            now = live_sample(project, site)
            if now is not None:
                samples += 1
                assert any(now == o[site] for o in outputs), f"{site} is a mixture"
    for b in builds:
        _out, err = b.communicate()
        assert b.returncode == 0, err
    assert samples > 2
    final = sites(project)
    assert final in (outputs[1], outputs[2]), "the last build's output, whole"


# -- SIGKILL at chosen points of the writing --------------------------------------------------------
def test_sigkill_before_any_change_of_the_write_leaves_old_or_new(
    project: Project, tmp_path: Path
) -> None:
    """Kill a real build just before its N-th file-system change, for N spread over all
    of them (the spare's files, deletions, the swap, the manifests): each site folder
    is then the old output or the complete new one, and the next build is exact."""
    write_posts(project, "old", 60)
    project.build()
    old = sites(project)
    write_posts(project, "new", 60)
    assert project.run("build", "-o", str(tmp_path / "expected")).exit_code == 0
    new = sites(project, tmp_path / "expected")
    assert new != old
    saved = tmp_path / "saved"
    shutil.copytree(project.root, saved, symlinks=True)
    env = {
        "PYTHONPATH": f"{SHIM}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "SPLITBLOG_WORKERS": "1",
    }

    def restore() -> None:
        shutil.rmtree(project.root)
        shutil.copytree(saved, project.root, symlinks=True)

    counted = tmp_path / "count"
    assert run_cli(project, "build", SPLITBLOG_TEST_COUNT_TO=str(counted), **env).returncode == 0
    total = int(counted.read_text())
    assert total > 100, total
    points = sorted({*range(1, total, max(1, total // 9)), total - 2, total - 1, total})
    outcomes = set()
    for point in points:
        restore()
        killed = subprocess.run(
            cli(project, "build"),
            capture_output=True,
            env={**os.environ, **env, "SPLITBLOG_TEST_KILL_AT": str(point)},
            start_new_session=True,
            timeout=120,
        )
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        now = sites(project)
        for site in SITES:
            assert now[site] in (old[site], new[site]), f"{site} half-written at change {point}"
            outcomes.add("new" if now[site] == new[site] else "old")
        again = run_cli(project, "build")
        assert again.returncode == 0, again.stderr
        assert sites(project) == new, f"the build after a kill at change {point} is not exact"
    assert outcomes == {"old", "new"}, outcomes


INTERRUPTED_POOL = """
import concurrent.futures.process as process
from splitblog.parallel import fan_out

start = process.ProcessPoolExecutor._start_executor_manager_thread

def interrupted(self):
    if self._executor_manager_thread is None:
        self._launch_processes()  # the workers are forked …
        raise KeyboardInterrupt  # … and Ctrl-C comes before their manager thread starts
    start(self)

process.ProcessPoolExecutor._start_executor_manager_thread = interrupted
try:
    sum(fan_out(lambda i: i, 1000))
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_while_the_workers_start_does_not_hang_the_exit() -> None:
    """Found by the Ctrl-C test: interrupted between forking its workers and starting
    the thread that tells them to stop, a pool left them waiting for work, and Python's
    exit waited for them forever."""
    env = {**os.environ, "SPLITBLOG_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_POOL], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        out, _err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        for pid in (proc.pid, *map(int, children)):
            os.kill(pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("the process never exited: its workers were left waiting") from None
    assert out.strip() == "interrupted" and proc.returncode == 0


ORPHANED_WORKERS = """
import os, sys, time
import splitblog.parallel as parallel

real = parallel._die_with_parent

def late(*args):
    time.sleep(1.5)  # the parent is killed before the worker guards against it
    real(*args)

parallel._die_with_parent = late
print(os.getpid(), flush=True)
list(parallel.fan_out(lambda i: time.sleep(0.05) or i, 400))
"""


def test_workers_of_a_killed_build_die_even_if_it_dies_before_they_start() -> None:
    """A worker that starts after its build was SIGKILLed must not live on (it could
    still be writing into the spare tree the next build uses). It compared its parent
    with the parent it found at start — already init — and so never noticed."""
    env = {**os.environ, "SPLITBLOG_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-c", ORPHANED_WORKERS],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None and int(proc.stdout.readline()) == proc.pid
    children_file = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wait_for(lambda: children_file.read_text().split(), 20, "workers to start", interval=0.01)
    workers = [int(pid) for pid in children_file.read_text().split()]
    stop(proc, signal.SIGKILL)

    def survivors() -> list[int]:
        return [pid for pid in workers if Path(f"/proc/{pid}").exists() and not _zombie(pid)]

    poll(lambda: not survivors(), 10, interval=0.05)
    alive = survivors()
    for pid in alive:  # leave nothing running, then fail
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their killed build"


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return False


# -- file-system failures anywhere: one line, never a traceback ---------------------------------
@pytest.mark.parametrize(
    ("code", "hint"),
    [(errno.ENOSPC, "free some disk space"), (errno.EROFS, "read-only file system")],
)
def test_a_file_system_failure_outside_the_writer_is_one_line(
    project: Project, monkeypatch: pytest.MonkeyPatch, code: int, hint: str
) -> None:
    """The cache folder, Jinja's bytecode cache, the image cache, the lock: whichever
    stage meets the full disk reports it like the writer does."""
    project.post("2026-01-01-a", "all")

    def failing(config: object) -> Path:
        raise OSError(code, os.strerror(code), str(project.root / ".splitblog" / "trees"))

    monkeypatch.setattr(build_module, "spare_root", failing)
    result = project.run("build")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"cannot write {project.root}/.splitblog/trees: "), lines
    assert hint in lines[0] and len(lines) == 2


def test_an_os_error_that_is_a_bug_keeps_its_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.post("2026-01-01-a", "all")

    def failing(config: object) -> Path:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    monkeypatch.setattr(build_module, "spare_root", failing)
    with pytest.raises(OSError):
        project.run("build")


def test_serve_shows_a_full_disk_as_a_problem(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splitblog.config import load_config
    from splitblog.preview import serve

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/preview/x.html")

    monkeypatch.setattr(serve, "build", failing)
    said: list[str] = []
    config = load_config(project.root / "splitblog.toml")
    previewer = serve.Previewer(
        config,
        serve.ServeOptions(),
        tmp_path,
        None,
        lambda *a, **k: said.append(a[0]),  # type: ignore[arg-type]
    )
    state = previewer.rebuild(set())
    assert not state.ok
    assert [p.message for p in state.problems] == [
        "cannot write /preview/x.html: No space left on device"
    ]
    assert any("No space left" in line for line in said)
