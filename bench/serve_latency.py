#!/usr/bin/env python3
"""Edit-to-new-page latency of `splitblog serve`: from saving a post to the new page
being served over HTTP. A benchmark to read, not a test with a threshold.

    python bench/serve_latency.py PROJECT_DIR POST_FILE [--edits 10] [--port 8765]

Starts `splitblog serve` on PROJECT_DIR, then edits POST_FILE (a path below the project)
EDITS times, each time adding a unique sentence to its body and polling the post's page
until the sentence is served. Prints each latency and the median; the first edit after
start is reported apart (the writer fills its spare tree then). The post is restored.
"""

from __future__ import annotations

import argparse
import http.client
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until(check, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.002)


def post_url(post: Path) -> tuple[str, int]:
    """The post's path on the preview, and which site (0: the first) serves it."""
    text = post.read_text(encoding="utf-8")
    slug = re.search(r"^slug:\s*(\S+)", text, re.M)
    name = post.parent.name if post.name == "index.md" else post.stem
    path = "/posts/" + (slug.group(1) if slug else re.sub(r"^\d{4}-\d{2}-\d{2}-", "", name)) + "/"
    audience = re.search(r"^audience:\s*(.+)$", text, re.M)
    first_site = (
        audience is None or "professional" in audience.group(1) or "all" in audience.group(1)
    )
    return path, 0 if first_site else 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("post", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    project = args.project.resolve()
    post = project / args.post
    path, site = post_url(post)
    port = args.port + site
    original = post.read_bytes()
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "splitblog", "serve", "--port", str(args.port), "--no-open"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.monotonic()
        wait_until(lambda: "Watching for changes" in log.read_text())
        print(f"server ready in {time.monotonic() - started:.2f} s; editing {args.post} → {path}")
        latencies = []
        for n in range(args.edits):
            probe = f"Latency probe {n} {time.time_ns()}"
            saved = time.monotonic()
            post.write_bytes(original + f"\n{probe}\n".encode())
            wait_until(lambda p=probe: p in fetch(port, path))
            latencies.append(time.monotonic() - saved)
            print(f"edit {n}: {latencies[-1] * 1000:.0f} ms")
            time.sleep(0.3)  # an author's pause; lets the next save be a separate change
        rest = latencies[1:] or latencies
        print(
            f"first edit: {latencies[0] * 1000:.0f} ms; median of the other {len(rest)}: "
            f"{statistics.median(rest) * 1000:.0f} ms (min {min(rest) * 1000:.0f}, "
            f"max {max(rest) * 1000:.0f})"
        )
        builds = re.findall(r"rebuilt in ([\d.]+) s", log.read_text())
        if builds:
            print(
                f"build() time as the server reports it, median: "
                f"{statistics.median(float(b) for b in builds) * 1000:.0f} ms"
            )
    finally:
        post.write_bytes(original)
        time.sleep(0.5)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.unlink()


if __name__ == "__main__":
    main()
