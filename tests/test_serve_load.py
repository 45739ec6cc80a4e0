"""Issue 7, serve under load: while posts are edited and rebuilt, ~50 threads hammering
both preview ports get no 5xx, no connection resets, and never a half-written page.

Loopback only, and bounded: a fixed number of requests, each with a timeout, and the
whole test under a deadline.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from pathlib import Path

from .conftest import BASE_CONFIG, Project
from .support.serving import ServeProcess, get, wait_for

THREADS = 50
REQUESTS_PER_THREAD = 60  # 3,000 requests in all
DEADLINE = 90.0  # seconds for the whole load
EDITS = 8
POSTS = 20
EDITION = re.compile(rb"Edition (\d+) of post (\d+)\.")
MARKER = re.compile(rb"Marker (\d+)-(\d+) ends")


def write_posts(project: Project, edition: int) -> None:
    for i in range(POSTS):
        project.post(
            f"2026-01-{i + 1:02d}-post-{i}",
            "all",
            title=f"Post {i} edition {edition}",
            body=f"Edition {edition} of post {i}.\n\n"
            + "Filler words. " * 400
            + f"\n\nMarker {edition}-{i} ends.\n",
        )


def check_page(path: str, status: int, body: bytes) -> str | None:
    """What is wrong with one response, or None."""
    if status >= 500:
        return f"{path}: status {status}"
    if path.startswith("/posts/"):
        if status != 200:
            return f"{path}: status {status}"
        starts, ends = set(EDITION.findall(body)), MARKER.findall(body)
        if len(starts) != 1 or len(ends) != 1:
            return f"{path}: beginnings {starts}, ends {ends} (half-written?)"
        (edition, post), (marker_edition, marker_post) = starts.pop(), ends[0]
        if edition != marker_edition or post != marker_post:
            return f"{path}: start of edition {edition}, end of edition {marker_edition}"
        title = re.search(rb"<title>Post (\d+) edition (\d+)", body)
        if title is None or title.group(2) != edition:
            return f"{path}: title and body from different builds"
        if not body.rstrip().endswith(b"</html>"):
            return f"{path}: does not end with </html>"
    return None


def test_both_ports_under_load_while_posts_are_rebuilt(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    project.config(BASE_CONFIG)
    write_posts(project, 0)
    server = ServeProcess(project.root, tmp_path / "serve.log").start()
    ports = (server.port, server.port + 1)
    paths = [f"/posts/post-{i}/" for i in range(POSTS)] + ["/", "/tags/", "/atom.xml", "/nope/"]
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + DEADLINE

    def client(number: int) -> None:
        for n in range(REQUESTS_PER_THREAD):
            if time.monotonic() > stop_at:
                with lock:
                    problems.append(f"client {number}: out of time after {n} requests")
                return
            port = ports[(number + n) % 2]
            path = paths[(number * 7 + n) % len(paths)]
            # The preview speaks HTTP/1.0: one connection per request, as browsers make
            # many of them at once.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", path)
                reply = connection.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException) as exc:  # a reset, a refusal …
                with lock:
                    problems.append(f"client {number}: {path} on {port}: {exc!r}")
                continue
            finally:
                connection.close()
            with lock:
                statuses[reply.status] += 1
                wrong = check_page(path, reply.status, body)
                if wrong:
                    problems.append(wrong)

    def editor() -> None:
        for edition in range(1, EDITS + 1):
            write_posts(project, edition)
            time.sleep(0.7)

    try:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
        edits = threading.Thread(target=editor)
        started = time.monotonic()
        edits.start()
        for thread in threads:
            thread.start()
        for thread in (*threads, edits):
            thread.join(timeout=max(1.0, stop_at - time.monotonic() + 5))
            assert not thread.is_alive(), "a client is stuck"
        elapsed = time.monotonic() - started
        assert not problems, "\n".join(problems[:20])
        assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
        assert set(statuses) <= {200, 404}, statuses
        # The edits were really served: the last edition appears once the rebuilds settle.
        wait_for(
            lambda: b"Edition 8 of post 3." in get(ports[1], "/posts/post-3/").body,
            30,
            "the last edition",
        )
        assert server.output.count("rebuilt in") >= 2, server.output
        print(f"\n{sum(statuses.values())} requests in {elapsed:.1f} s: {dict(statuses)}")
    finally:
        server.stop()
        server.kill()
