"""The parts of `serve` that need no server: request paths, ports, watch plans, settling,
the build gate and the state hub."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from splitblog.config import load_config
from splitblog.content_types import content_type
from splitblog.errors import Problem
from splitblog.preview.paths import Found, Missing, Redirect, Refused, resolve
from splitblog.preview.reload import BuildGate, BuildState, Hub, inject
from splitblog.preview.serve import assign_ports, preview_config, url_host
from splitblog.preview.watch import Changes, WatchPlan, watch_plan
from splitblog.theming import SHIPPED

from .conftest import Project


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "out" / "professional"
    (root / "posts" / "hello").mkdir(parents=True)
    (root / "posts" / "hello" / "index.html").write_text("hello")
    (root / "index.html").write_text("home")
    (root / "empty").mkdir()
    (tmp_path / "out" / "secret.txt").write_text("secret")
    return root


def test_resolve_files_folders_and_misses(site: Path) -> None:
    assert resolve(site, "/") == Found(site / "index.html")
    assert resolve(site, "/posts/hello/") == Found(site / "posts/hello/index.html")
    assert resolve(site, "/posts/hello/index.html?x=1#top") == Found(
        site / "posts/hello/index.html"
    )
    assert resolve(site, "/posts/%68ello/") == Found(site / "posts/hello/index.html")
    assert resolve(site, "/posts/hello?page=2") == Redirect("/posts/hello/?page=2")
    assert resolve(site, "/empty/") == Missing()  # a folder without index.html: no listing
    assert resolve(site, "/nope.html") == Missing()


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2fsecret.txt",
        "/.%2e/secret.txt",
        "/posts/../../secret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%00",
        "/index.html%00.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/%c0%ae%c0%ae/secret.txt",
        "secret.txt",
        "http://127.0.0.1/../secret.txt",
    ],
)
def test_resolve_refuses_what_only_an_attack_sends(site: Path, target: str) -> None:
    assert isinstance(resolve(site, target), Refused)


def test_resolve_refuses_a_symbolic_link_out_of_the_site(site: Path) -> None:
    (site / "out").symlink_to(site.parent)
    assert isinstance(resolve(site, "/out/secret.txt"), Refused)


def test_content_types() -> None:
    assert content_type(Path("a.html")) == "text/html; charset=utf-8"
    assert content_type(Path("a.CSS")) == "text/css; charset=utf-8"
    assert content_type(Path("feed.json")) == "application/json; charset=utf-8"
    assert content_type(Path("atom.xml")) == "application/xml; charset=utf-8"
    assert content_type(Path("a.svg")) == "image/svg+xml; charset=utf-8"
    assert content_type(Path("a.webp")) == "image/webp"
    assert content_type(Path("a.jpg")) == "image/jpeg"
    assert content_type(Path("LICENSE")) == "application/octet-stream"


def test_ports_are_consecutive_and_stable() -> None:
    assert assign_ports(["pro", "home"], {}, 8000) == {"pro": 8000, "home": 8001}
    # A site added later gets the next port; the others keep theirs.
    assert assign_ports(["pro", "home", "family"], {"pro": 8000, "home": 8001}, 8000) == {
        "pro": 8000,
        "home": 8001,
        "family": 8002,
    }
    assert assign_ports(["home"], {"pro": 8000, "home": 8001}, 8000) == {"home": 8001}


def test_url_host() -> None:
    assert url_host("127.0.0.1") == "127.0.0.1"
    assert url_host("0.0.0.0") == "127.0.0.1"
    assert url_host("192.168.1.5") == "192.168.1.5"
    assert url_host("::") == "[::1]"
    assert url_host("::1") == "[::1]"


def test_preview_config_changes_only_output_and_addresses(project: Project, tmp_path: Path) -> None:
    config = load_config(project.root / "splitblog.toml")
    preview = preview_config(config, tmp_path / "o", {"professional": 9000, "personal": 9001}, "h")
    assert preview.output_dir == tmp_path / "o"
    assert [s.base_url for s in preview.sites] == ["http://h:9000/", "http://h:9001/"]
    assert [s.name for s in preview.sites] == [s.name for s in config.sites]
    assert preview.sites[0].author == config.sites[0].author
    assert preview.content_dir == config.content_dir


def test_watch_plan_covers_what_a_build_reads(project: Project) -> None:
    project.write("themes/professional/templates/post.html", "x")
    config = load_config(project.root / "splitblog.toml")
    plan = watch_plan(config)
    root = project.root.resolve()
    wants = plan.wants
    assert wants(root / "splitblog.toml")
    assert wants(root / "content" / "posts" / "a.md")
    assert wants(root / "content")  # created or removed whole
    assert wants(root / "themes" / "professional" / "templates" / "post.html")
    assert wants(SHIPPED.resolve() / "personal" / "static" / "css" / "site.css")
    assert wants(SHIPPED.resolve() / "_base" / "templates" / "list.html")
    assert not wants(root / "README.md")
    assert not wants(root / "public" / "professional" / "index.html")
    assert not wants(root / ".splitblog" / "cache.sqlite")
    assert not wants(root / "content" / "posts" / ".a.md.swp")
    assert not wants(root / "content" / ".obsidian" / "workspace.json")
    assert not wants(root / "content" / "posts" / "a.md~")


def test_watch_plan_directories_are_few_and_find_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "content" / "posts").mkdir(parents=True)
    plan = WatchPlan(
        trees=frozenset(
            {tmp_path / "content", tmp_path / "content" / "posts", tmp_path / "themes"}
        ),
        files=frozenset({tmp_path / "splitblog.toml"}),
    )
    # themes/ does not exist: the project folder is watched (not recursively) for it.
    assert plan.directories() == {(tmp_path / "content", True), (tmp_path, False)}


def test_changes_settle_into_one_batch() -> None:
    changes = Changes()

    def burst() -> None:
        for n in range(10):
            changes.add(Path(f"/p/{n}.md"))
            time.sleep(0.01)

    writer = threading.Thread(target=burst)
    writer.start()
    batch = changes.next_batch(settle=0.5, max_delay=30)
    writer.join()
    assert batch == {Path(f"/p/{n}.md") for n in range(10)}
    changes.close()
    assert changes.next_batch() is None


def test_the_gate_holds_requests_while_a_build_runs() -> None:
    gate = BuildGate()
    order: list[str] = []
    building = threading.Event()

    def request() -> None:
        building.wait()
        with gate.reading():
            order.append("read")

    reader = threading.Thread(target=request)
    reader.start()
    with gate.building():
        building.set()
        time.sleep(0.2)  # the reader has had every chance to get in
        order.append("built")
    reader.join(10)
    assert order == ["built", "read"]


def test_the_gate_lets_reads_in_flight_finish_before_a_build() -> None:
    gate = BuildGate()
    order: list[str] = []
    reading = threading.Event()

    def build() -> None:
        reading.wait()
        with gate.building():
            order.append("built")

    builder = threading.Thread(target=build)
    builder.start()
    with gate.reading():
        reading.set()
        time.sleep(0.2)
        order.append("read")
    builder.join(10)
    assert order == ["read", "built"]


def test_the_hub_wakes_waiters_on_a_new_state_only() -> None:
    hub = Hub(BuildState(output="a"))
    version, state = hub.current()
    assert hub.wait_newer(version, timeout=0.01) == (version, state)  # keep-alive
    hub.publish(BuildState(output="a"))  # the same state: nobody is woken
    assert hub.current()[0] == version
    failed = BuildState(output="a", ok=False, problems=(Problem("bad", "x.md", 3),))
    hub.publish(failed)
    assert hub.wait_newer(version, timeout=5) == (version + 1, failed)
    hub.close()
    assert hub.wait_newer(version + 1, timeout=5) is None


def test_state_json_names_file_line_and_message() -> None:
    state = BuildState(output="s.2", ok=False, problems=(Problem("bad YAML", "a.md", 3, hint="h"),))
    assert '"where": "a.md:3"' in state.to_json()
    assert '"message": "bad YAML"' in state.to_json()


def test_inject_puts_the_script_before_the_last_body_end() -> None:
    page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>"
    served = inject(page, "s.1")
    assert served.startswith(b"<html><body><p>&lt;/body&gt;</p><script>")
    assert served.endswith(b"</script>\n</BODY></html>")
    assert b'let shown = "s.1";' in served
    assert inject(b"<p>no body</p>", "s.1").startswith(b"<p>no body</p><script>")


def test_what_the_rebuilds_left_in_cycles_is_freed_once_the_edits_stop() -> None:
    """serve freezes what outlives each rebuild, so no collection sees it; a cycle it
    lets go later is freed by the full collection it makes once the edits stop."""
    import gc
    import weakref

    from splitblog.preview.serve import collect_left_behind

    class Entry:  # a memo's entry that refers to itself
        def __init__(self) -> None:
            self.me = self

    entry = Entry()
    gone = weakref.ref(entry)
    gc.freeze()  # as after a rebuild
    try:
        del entry  # a later rebuild replaced it
        gc.collect()
        assert gone() is not None  # frozen: an ordinary collection never frees it
        collect_left_behind()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_the_build_loop_collects_once_the_edits_stop_and_not_while_they_come(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Edits a little faster than the idle time: a build each, no collection in between
    (a collection holds up the requests of the page just built); then quiet: one."""
    from splitblog.preview import serve
    from splitblog.preview.watch import Changes

    collections: list[int] = []
    builds: list[set[Path]] = []
    monkeypatch.setattr(serve, "IDLE_COLLECT", 1.0)
    monkeypatch.setattr(serve, "collect_left_behind", lambda: collections.append(len(builds)))
    monkeypatch.setattr(serve, "watch_plan", lambda config: None)

    class Previewer:  # builds nothing: records the batches
        config = None
        search_pending = False

        def rebuild(self, batch: set[Path]) -> BuildState:
            builds.append(batch)
            return BuildState(output=str(len(builds)))

    class Watcher:
        def follow(self, plan: object) -> list[Path]:
            return []

    changes = Changes()
    loop = threading.Thread(
        target=serve.build_loop,
        args=(changes, BuildGate(), Hub(BuildState(output="")), Previewer(), Watcher()),
    )
    loop.start()
    try:
        for n in range(3):  # every 0.2 s: never 1 s quiet
            changes.add(tmp_path / f"post{n}.md")
            time.sleep(0.2)
        deadline = time.monotonic() + 10
        while not collections and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        changes.close()
        loop.join(10)
    assert not loop.is_alive()
    assert len(builds) == 3 and collections == [3]
