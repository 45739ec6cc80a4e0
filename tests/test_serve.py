"""`splitblog serve` end to end: the real server in a subprocess, spoken to over HTTP.

One server on an unchanging project answers the read-only questions (both sites, 404s,
links, path traversal); each editing test starts its own.
"""

from __future__ import annotations

import io
import json
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from splitblog.theming import SHIPPED

from .conftest import BASE_CONFIG, Project
from .support.serving import EventStream, ServeProcess, get, raw_get, record_latency, wait_for

PRO, HOME = "professional", "personal"
CONFIG = (
    BASE_CONFIG.replace(
        'author = { name = "Pat Pro", email = "pat@pro.example.com" }',
        'author = { name = "Pat Pro", email = "pat@pro.example.com", avatar = "avatars/pat-face.png" }',
    )
    + '\n[sites.personal.links]\nprofessional = "allow"\n'
)
REAL_HOSTS = ("pro.example.com", "home.example.net")
# Namespaces and vocabularies that feeds and pages name but never link to.
VOCABULARY_HOSTS = {"www.w3.org", "www.sitemaps.org", "jsonfeed.org", "schema.org", "purl.org"}
SECRET = "PICNIC-ONLY-WORDS"
DEADLINE = 15.0  # seconds: generous, for a loaded two-core machine


def png(color: str = "red") -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(data, "PNG")
    return data.getvalue()


def example(root: Path) -> Project:
    """Two sites; personal may link to professional, not the other way round."""
    project = Project(root)
    project.config(CONFIG)
    project.write_bytes("avatars/pat-face.png", png("blue"))
    project.post("2026-01-10-launch-notes", PRO, title="Quarterly Launch Notes")
    project.post(
        "2026-01-11-photo-walk/index",
        PRO,
        title="Photo Walk",
        date="2026-01-11",
        body="A walk.\n\n![The harbour](harbour.png)\n",
    )
    project.write_bytes("content/posts/2026-01-11-photo-walk/harbour.png", png())
    project.post(
        "2026-01-12-secret-picnic",
        HOME,
        title="Secret Picnic Diary",
        body=f"Only friends read about {SECRET}.\n",
    )
    project.post(
        "2026-01-13-where-i-work",
        HOME,
        title="Where I Work",
        body="See [my launch notes](2026-01-10-launch-notes.md).\n",
    )
    project.post("2026-01-14-hello-everyone", "all", title="Hello Everyone")
    return project


def stop_cleanly(server: ServeProcess) -> None:
    """Stopped like a user does: exit status 0, no traceback, nothing left behind."""
    temp = server.temp_dir
    code = server.stop()
    assert code == 0, server.output
    assert "Traceback" not in server.output
    assert not temp.exists(), f"{temp} was left behind"
    trees = server.root / ".splitblog" / "trees"
    assert not trees.exists() or not any(trees.iterdir()), "spare trees left in .splitblog/"


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    started: list[ServeProcess] = []

    def start(project: Project, *args: str, sites: int = 2) -> ServeProcess:
        log = tmp_path / f"serve-{len(started)}.log"
        server = ServeProcess(project.root, log, args)
        started.append(server)
        return server.start(sites)

    yield start
    for server in started:
        try:
            stop_cleanly(server)
        finally:
            server.kill()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("serve-shared")
    project = example(root / "site")
    server = ServeProcess(project.root, root / "serve.log").start()
    try:
        yield server
        stop_cleanly(server)
    finally:
        server.kill()


@pytest.fixture(scope="session")
def latency_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "serve-latency.json"


def pro_port(server: ServeProcess) -> int:
    return server.port


def home_port(server: ServeProcess) -> int:
    return server.port + 1


# -- serving ------------------------------------------------------------------------------------
def test_prints_each_site_with_its_preview_address(shared: ServeProcess) -> None:
    assert f"{PRO} → http://127.0.0.1:{shared.port}/" in shared.output
    assert f"{HOME} → http://127.0.0.1:{shared.port + 1}/" in shared.output


def test_serves_both_sites_each_on_its_own_port(shared: ServeProcess) -> None:
    pro = get(pro_port(shared), "/")
    home = get(home_port(shared), "/")
    assert pro.status == home.status == 200
    assert "<title>Pro Site</title>" in pro.text and "Quarterly Launch Notes" in pro.text
    assert "<title>Home Site</title>" in home.text and "Secret Picnic Diary" in home.text
    assert "Home Site" not in pro.text


def test_reload_script_only_in_what_is_served(shared: ServeProcess) -> None:
    served = get(pro_port(shared), "/posts/launch-notes/").text
    on_disk = (shared.temp_dir / PRO / "posts/launch-notes/index.html").read_text()
    assert "/__splitblog/events" in served
    assert served.index("EventSource") < served.rindex("</body>")
    assert "__splitblog" not in on_disk and "EventSource" not in on_disk
    css = get(pro_port(shared), "/css/site.css")
    assert b"EventSource" not in css.body


def test_unknown_paths_get_each_sites_own_404(shared: ServeProcess) -> None:
    pro = get(pro_port(shared), "/no/such/page/")
    home = get(home_port(shared), "/no-such-file.txt")
    assert pro.status == home.status == 404
    assert pro.headers["content-type"] == "text/html; charset=utf-8"
    assert "Page not found" in pro.text and "Pro Site" in pro.text
    assert "Page not found" in home.text and "Home Site" in home.text
    assert "Home Site" not in pro.text and "Pro Site" not in home.text
    assert "EventSource" in pro.text  # a 404 tab reloads too, once the page exists


def test_folders_serve_their_index_and_are_never_listed(shared: ServeProcess) -> None:
    port = pro_port(shared)
    moved = get(port, "/posts/launch-notes?x=1")
    assert moved.status == 301
    assert moved.headers["location"] == "/posts/launch-notes/?x=1"
    assert "Quarterly Launch Notes" in get(port, "/posts/launch-notes/").text
    folder = get(port, "/posts/")  # a folder without index.html
    assert folder.status == 404
    assert "launch-notes" not in folder.text.split("<main", 1)[-1].split("</main>")[0]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/feed.json", "application/json; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/posts/photo-walk/harbour.png", "image/png"),
        ("/pat-face.png", "image/png"),
    ],
)
def test_content_types(shared: ServeProcess, path: str, kind: str) -> None:
    reply = get(pro_port(shared), path)
    assert reply.status == 200, path
    assert reply.headers["content-type"] == kind


def crawl(port: int, limit: int = 60) -> dict[str, str]:
    """Every page, feed and file a site's pages lead to (same site only): path → text."""
    seen: dict[str, str] = {}
    queue = ["/", "/atom.xml", "/rss.xml", "/feed.json", "/sitemap.xml", "/robots.txt"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        reply = get(port, path)
        assert reply.status == 200, (port, path)
        seen[path] = reply.text
        if not reply.headers["content-type"].startswith("text/html"):
            continue
        for ref in re.findall(r'(?:href|src)="([^"]+)"', reply.text):
            parts = urlsplit(ref)
            on_site = parts.scheme in ("", "http") and parts.netloc in ("", f"127.0.0.1:{port}")
            if on_site and parts.path.startswith("/"):
                queue.append(parts.path)
    return seen


def test_every_link_stylesheet_image_and_feed_url_stays_on_the_preview(
    shared: ServeProcess,
) -> None:
    pro, home = pro_port(shared), home_port(shared)
    allowed = {pro: {f"127.0.0.1:{pro}"}, home: {f"127.0.0.1:{home}", f"127.0.0.1:{pro}"}}
    for port in (pro, home):
        pages = crawl(port)
        assert len(pages) > 8
        for path, text in pages.items():
            for host in REAL_HOSTS:
                assert f"//{host}" not in text, f"{port}{path} links to the real {host}"
            for url in re.findall(r"https?://[^\s\"'<>)\\]+", text):
                netloc = urlsplit(url).netloc
                if netloc not in VOCABULARY_HOSTS:
                    assert netloc in allowed[port], f"{port}{path} links off the preview: {url}"
    page = get(pro, "/posts/photo-walk/").text
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    images = re.findall(r'<img[^>]* src="([^"]+)"', page)
    assert stylesheets and len(images) >= 2  # the avatar and the post's photo
    for ref in stylesheets + images:
        assert get(pro, ref).status == 200, ref


def test_an_allowed_cross_site_link_goes_to_the_other_preview_port(shared: ServeProcess) -> None:
    page = get(home_port(shared), "/posts/where-i-work/").text
    link = re.search(r'<a href="([^"]+)"[^>]*>my launch notes</a>', page)
    assert link, page
    assert link.group(1) == f"http://127.0.0.1:{pro_port(shared)}/posts/launch-notes/"
    assert 'rel="noreferrer"' in link.group(0)
    assert get(pro_port(shared), urlsplit(link.group(1)).path).status == 200


def test_a_personal_only_post_is_never_served_on_the_professional_port(
    shared: ServeProcess,
) -> None:
    assert get(home_port(shared), "/posts/secret-picnic/").status == 200
    assert get(pro_port(shared), "/posts/secret-picnic/").status == 404
    for path, text in crawl(pro_port(shared)).items():
        assert "Secret Picnic" not in text and SECRET not in text, path
        assert f":{home_port(shared)}" not in text, path  # deny: no link to personal at all


def traversal_targets(shared: ServeProcess) -> list[bytes]:
    """About a hundred requests that try to reach a file outside the professional folder."""
    dots = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", ".%2E", "%2E.", "..%00", "%c0%ae%c0%ae"]
    dots += ["..%c0%af", "%252e%252e", "%%32%65%%32%65"]
    seps = ["/", "%2f", "%2F", "\\", "%5c", "%5C", "%252f"]
    names = ["canary.txt", "personal/posts/secret-picnic/index.html", "etc/passwd"]
    project = str(shared.root / "canary.txt").lstrip("/")
    targets = []
    for i, (dot, sep) in enumerate((d, s) for d in dots for s in seps):
        name = names[i % len(names)]
        depth = 1 if name != "etc/passwd" else 12
        targets.append("/" + (dot + sep) * depth + name.replace("/", sep))
    targets += [
        "//etc/passwd",
        "///etc/passwd",
        "/%2fetc%2fpasswd",
        "/%2F%2Fetc/passwd",
        "/etc/passwd",
        "//" + project,
        "/%2f" + project.replace("/", "%2f"),
        "/" + "../" * 12 + project,
        "/posts/../../canary.txt",
        "/posts/%2e%2e/%2e%2e/canary.txt",
        "/posts/launch-notes/../../../canary.txt",
        "/....//....//canary.txt",
        "/..;/..;/canary.txt",
        "/.../canary.txt",
        "/index.html%00../../canary.txt",
        "/%00",
        "/\x00/../canary.txt",
        "\\..\\canary.txt",
        "/..\\..\\canary.txt",
        "http://127.0.0.1/../canary.txt",
        "file:///etc/passwd",
        "*",
        "/escape/canary.txt",
        "/escape/personal/posts/secret-picnic/index.html",
        "/%65scape/canary.txt",
    ]
    return [t.encode("latin-1") for t in targets]


def test_path_traversal_never_serves_a_file_outside_the_site(shared: ServeProcess) -> None:
    temp = shared.temp_dir
    outside = {
        "next to the output": "CANARY-BESIDE-THE-OUTPUT",
        "in the project": "CANARY-IN-THE-PROJECT",
        "the other site": SECRET,
        "the system": "root:x:0:0",
    }
    (temp / "canary.txt").write_text(outside["next to the output"])
    (shared.root / "canary.txt").write_text(outside["in the project"])
    # A symbolic link inside the site's folder pointing out of it is not followed out.
    (temp / PRO / "escape").symlink_to(temp)
    targets = traversal_targets(shared)
    assert len(targets) >= 100
    for target in targets:
        reply = raw_get(pro_port(shared), target)
        for where, canary in outside.items():
            assert canary.encode() not in reply.body, f"{target!r} served a file {where}"
        assert reply.status in (400, 404), (target, reply.status)
    assert get(pro_port(shared), "/").status == 200  # and the server is still up
    (temp / PRO / "escape").unlink()


# -- rebuilding -----------------------------------------------------------------------------------
def small_project(root: Path) -> Project:
    project = Project(root)
    project.config(CONFIG)
    project.write_bytes("avatars/pat-face.png", png("blue"))
    project.post("2026-01-10-launch-notes", PRO, title="Quarterly Launch Notes")
    project.post("2026-01-12-secret-picnic", HOME, title="Secret Picnic Diary")
    return project


def test_an_edited_title_is_served_within_seconds(
    tmp_path: Path, start_serve: Callable[..., ServeProcess], latency_file: Path
) -> None:
    project = small_project(tmp_path / "site")
    project.post("2026-01-15-draft-idea", PRO, title="A Draft Idea", draft=True)
    server = start_serve(project, "--drafts")
    port = pro_port(server)
    assert "A Draft Idea" in get(port, "/").text  # --drafts reaches the build
    for n in range(3):
        title = f"Launch Notes Revised {n}"
        saved = time.monotonic()
        project.post("2026-01-10-launch-notes", PRO, title=title)
        wait_for(lambda t=title: t in get(port, "/posts/launch-notes/").text, DEADLINE, title)
        record_latency(latency_file, "http: title edit → new page served", time.monotonic() - saved)
        assert title in get(port, "/").text
    assert title not in get(home_port(server), "/").text
    # A theme folder that did not exist at start is noticed, and watched from then on.
    for words in ("Lost in space", "Lost in time"):
        lost = '{% extends "base.html" %}{% block main %}<h1>' + words + "</h1>{% endblock %}"
        project.write("themes/professional/templates/404.html", lost)
        wait_for(lambda w=words: w in get(port, "/nowhere/").text, DEADLINE, words)


def test_a_new_post_appears_and_a_deleted_one_is_gone(
    tmp_path: Path, start_serve: Callable[..., ServeProcess], latency_file: Path
) -> None:
    project = small_project(tmp_path / "site")
    server = start_serve(project)
    port = pro_port(server)
    assert get(port, "/posts/fresh-thoughts/").status == 404
    saved = time.monotonic()
    path = project.post("2026-02-01-fresh-thoughts", PRO, title="Fresh Thoughts")
    wait_for(lambda: get(port, "/posts/fresh-thoughts/").status == 200, DEADLINE, "new post")
    record_latency(latency_file, "http: new post → served", time.monotonic() - saved)
    assert "Fresh Thoughts" in get(port, "/").text
    assert get(home_port(server), "/posts/fresh-thoughts/").status == 404
    path.unlink()
    gone = wait_for(
        lambda: (r := get(port, "/posts/fresh-thoughts/")).status == 404 and r,
        DEADLINE,
        "deleted post to 404",
    )
    assert "Page not found" in gone.text
    assert "Fresh Thoughts" not in get(port, "/").text


def test_broken_front_matter_keeps_serving_shows_the_error_and_recovers(
    tmp_path: Path, start_serve: Callable[..., ServeProcess]
) -> None:
    project = small_project(tmp_path / "site")
    server = start_serve(project)
    port = pro_port(server)
    events = EventStream(port)
    first = events.next_state()
    assert first["ok"] and first["problems"] == []
    broken = "---\ntitle: [unclosed\ndate: 2026-01-10\naudience: professional\n---\n\nText.\n"
    project.write("content/posts/2026-01-10-launch-notes.md", broken)
    failed = events.wait_state(lambda s: not s["ok"], "the failure")
    assert failed["output"] == first["output"]  # still the last good output
    (problem,) = failed["problems"]
    assert re.fullmatch(r"content/posts/2026-01-10-launch-notes\.md:\d+", problem["where"])
    assert "YAML" in problem["message"]
    wait_for(lambda: problem["where"] in server.output, DEADLINE, "the problem in the terminal")
    assert server.alive()
    assert "Quarterly Launch Notes" in get(port, "/posts/launch-notes/").text
    # A tab opened now learns of the failure at once; one of the other site learns only
    # that another site failed (issue 16: each port shows only its own site's problems).
    late = EventStream(port)
    assert late.next_state()["problems"] == failed["problems"]
    late.close()
    other = EventStream(home_port(server))
    told = other.next_state()
    assert not told["ok"] and told["problems"] == [] and told["elsewhere"]
    assert "launch-notes" not in json.dumps(told)
    other.close()
    project.post("2026-01-10-launch-notes", PRO, title="Launch Notes, Fixed")
    fixed = events.wait_state(lambda s: s["ok"], "the recovery")
    assert fixed["problems"] == [] and fixed["output"] != first["output"]
    assert "Launch Notes, Fixed" in get(port, "/posts/launch-notes/").text
    events.close()


def test_a_configuration_change_is_applied_and_its_errors_shown(
    tmp_path: Path, start_serve: Callable[..., ServeProcess]
) -> None:
    project = small_project(tmp_path / "site")
    server = start_serve(project)
    port = pro_port(server)
    events = EventStream(port)
    events.next_state()
    project.config(CONFIG.replace('title = "Pro Site"', 'title = "Pro Site Renamed"'))
    wait_for(lambda: "Pro Site Renamed" in get(port, "/").text, DEADLINE, "the new title")
    project.config(CONFIG.replace('theme = "professional"', 'theme = "professional"\nbogus = 1'))
    failed = events.wait_state(lambda s: not s["ok"], "the configuration error")
    assert failed["problems"][0]["where"] == "splitblog.toml: sites.professional.bogus"
    assert "unknown key" in failed["problems"][0]["message"]
    # A content edit while the configuration is broken does not hide its error.
    project.post("2026-01-12-secret-picnic", HOME, title="Secret Picnic Diary, Again")
    wait_for(lambda: server.output.count("sites.professional.bogus") >= 2, DEADLINE, "rebuild")
    late = EventStream(port)
    assert not late.next_state()["ok"]
    late.close()
    project.config(CONFIG)
    events.wait_state(lambda s: s["ok"], "the recovery")
    assert "<title>Pro Site</title>" in get(port, "/").text
    events.close()


def test_a_css_only_change_is_announced_as_one(
    tmp_path: Path, start_serve: Callable[..., ServeProcess]
) -> None:
    project = small_project(tmp_path / "site")
    css = "themes/professional/static/css/site.css"
    project.write(css, "body { color: black; }\n")
    server = start_serve(project)
    events = EventStream(pro_port(server))
    before = events.next_state()
    project.write(css, "body { color: rebeccapurple; }\n")
    after = events.wait_state(lambda s: s["output"] != before["output"], "a new build")
    assert after["css_only"] and after["previous"] == before["output"]
    assert b"rebeccapurple" in get(pro_port(server), "/css/site.css").body
    project.post("2026-01-10-launch-notes", PRO, title="Not Only Style")
    last = events.wait_state(lambda s: s["output"] != after["output"], "a new build")
    assert not last["css_only"]
    events.close()


def test_sigterm_stops_it_cleanly(tmp_path: Path) -> None:
    project = small_project(tmp_path / "site")
    server = ServeProcess(project.root, tmp_path / "serve.log").start()
    try:
        temp = server.temp_dir
        assert temp.is_dir()
        assert server.stop(signal.SIGTERM) == 0
        assert not temp.exists()
        assert "Traceback" not in server.output and "Stopped" in server.output
    finally:
        server.kill()


def test_stopping_during_a_rebuild_lets_it_finish_then_cleans_up(tmp_path: Path) -> None:
    project = small_project(tmp_path / "site")
    # Nested loops: the sandbox refuses a range() of more than 100,000 items.
    slow = (
        '{% if "Slow" in post.title %}{% for i in range(3000) %}{% for j in range(5000) %}'
        "{% endfor %}{% endfor %}{% endif %}"
    )
    template = (SHIPPED / "_base" / "templates" / "post.html").read_text()
    project.write("themes/professional/templates/post.html", template + slow)
    server = ServeProcess(project.root, tmp_path / "serve.log").start()
    try:
        temp = server.temp_dir
        project.post("2026-01-10-launch-notes", PRO, title="Slow Launch Notes")

        def building() -> bool:  # a request waits while a build runs
            try:
                get(pro_port(server), "/", timeout=0.3)
            except TimeoutError:
                return True
            return False

        wait_for(building, DEADLINE, "the slow rebuild to start")
        assert server.stop() == 0
        output = server.output
        assert "rebuilt in" in output.split("Stopping")[1], output  # finished, not cut off
        assert "Build failed" not in output and "Traceback" not in output
        assert not temp.exists()
        assert not any((project.root / ".splitblog" / "trees").iterdir())
    finally:
        server.kill()


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    project = small_project(tmp_path / "site")
    first = ServeProcess(project.root, tmp_path / "first.log").start()
    try:
        second = ServeProcess(project.root, tmp_path / "second.log")
        second.port = first.port  # taken by the first server
        second._launch()
        assert second.process is not None
        assert second.process.wait(timeout=30) == 1
        assert f"cannot listen on 127.0.0.1:{first.port}" in second.output
        assert "Traceback" not in second.output
        assert first.alive()
    finally:
        stop_cleanly(first)
        first.kill()


def test_a_failed_first_build_then_a_site_added_on_the_next_port(
    tmp_path: Path, start_serve: Callable[..., ServeProcess]
) -> None:
    project = small_project(tmp_path / "site")
    post = project.post("2026-01-16-for-family", "family", title="Family Dinner")
    server = start_serve(project, sites=3)  # a third port kept free for the family site
    assert "unknown audience 'family'" in server.output
    waiting = get(pro_port(server), "/")  # nothing built yet: a page that waits for it
    assert waiting.status == 503 and "EventSource" in waiting.text
    third = server.port + 2
    family = '\n[sites.family]\ntitle = "Family Site"\nbase_url = "https://family.example.org/"\ntheme = "personal"\n'
    project.config(CONFIG + family)
    wait_for(lambda: f"family → http://127.0.0.1:{third}/" in server.output, DEADLINE, "new site")
    home = wait_for(lambda: (r := get(third, "/")).status == 200 and r, DEADLINE, "family site")
    assert "Family Dinner" in home.text and "Quarterly Launch Notes" not in home.text
    assert "Quarterly Launch Notes" in get(pro_port(server), "/").text
    post.unlink()
    project.config(CONFIG)
    wait_for(lambda: server.output.count("reloaded") >= 2, DEADLINE, "the site removed")
    with pytest.raises(OSError):
        get(third, "/", timeout=2)
