#!/usr/bin/env python3
"""Editing while previewing, side by side: `splitblog serve` against `hugo server` on the
same corpus and the same post — from saving the post to its new page served over HTTP.
A benchmark to read, not a test with a threshold.

    python bench/serve_latency.py --posts 4000 [--edits 10] [--rounds 2] [--work DIR]
    python bench/serve_latency.py --posts 20000 --only splitblog

Generates (once) the corpus of bench/run.py in WORK (a splitblog project and the same
posts as two Hugo sites), picks a post that is on both sites, and runs the servers in
alternating rounds (splitblog first in odd rounds, Hugo first in even ones, so a machine
getting busier affects both alike). Hugo serves each site with its own `hugo server`
(two processes, as splitblog serves each site on its own port); each edit appends a
unique sentence to the post (in splitblog's project, or in both Hugo sites' copies of it)
and polls the post's page on every site until both serve it. The first edit after a
server starts is reported apart (splitblog fills its spare tree then, Hugo warms up).
The post is restored after each round.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from run import HERE, Bench

SITES = ("professional", "personal")


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):  # not up yet, or cut off mid-rewrite
        return ""
    finally:
        connection.close()


def wait_until(check, timeout: float = 900.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.002)


@dataclass
class Server:
    """One tool's preview of both sites: its processes, the post file(s) an edit writes,
    and each site's port."""

    name: str
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]
    posts: list[Path]
    ports: list[int]

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.unlink(missing_ok=True)


def _log() -> Path:
    return Path(tempfile.mkstemp(suffix=".log")[1])


def start_splitblog(bench: Bench, post: str, port: int) -> Server:
    log = _log()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "splitblog", "serve", "--port", str(port), "--no-open"],
            cwd=bench.project,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server("splitblog serve", [process], [log], [], [port, port + 1])
    server.posts = [bench.project / "content/posts" / post]
    wait_until(lambda: "Watching for changes" in log.read_text() or _died(process, log))
    return server


def start_hugo(bench: Bench, post: str, port: int) -> Server:
    processes, logs, posts = [], [], []
    for offset, site in enumerate(SITES):
        folder = bench.work / f"hugo-{site}"
        log = _log()
        with log.open("wb") as out:
            command = [bench.hugo, "server", "-s", str(folder), "--port", str(port + offset)]
            processes.append(
                subprocess.Popen(
                    [*command, "--bind", "127.0.0.1", "--quiet"],
                    cwd=folder,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        logs.append(log)
        posts.append(folder / "content/posts" / post)
    server = Server("hugo server", processes, logs, posts, [port, port + 1])
    for process, log in zip(processes, logs, strict=True):
        wait_until(lambda p=process, lg=log: _died(p, lg) or _answers(server, lg))
    return server


def _answers(server: Server, log: Path) -> bool:
    index = server.logs.index(log)
    return "<html" in fetch(server.ports[index], "/")


def _died(process: subprocess.Popen[bytes], log: Path) -> bool:
    if process.poll() is not None:
        raise SystemExit(f"the server stopped:\n{log.read_text()[-2000:]}")
    return False


def edit_rounds(server: Server, path: str, edits: int) -> list[float]:
    originals = [post.read_bytes() for post in server.posts]
    latencies = []
    try:
        for n in range(edits):
            probe = f"Latency probe {n} {time.time_ns()}"
            saved = time.monotonic()
            for post, original in zip(server.posts, originals, strict=True):
                post.write_bytes(original + f"\n{probe}\n".encode())
            for port in server.ports:
                wait_until(lambda p=port, w=probe: w in fetch(p, path))
            latencies.append(time.monotonic() - saved)
            print(f"  {server.name}: edit {n}: {latencies[-1] * 1000:.0f} ms", flush=True)
            time.sleep(0.5)  # an author's pause: the next save is a separate change
    finally:
        for post, original in zip(server.posts, originals, strict=True):
            post.write_bytes(original)
        time.sleep(1.0)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", choices=["splitblog", "hugo"])
    args = parser.parse_args()
    work = (args.work or HERE / f"work-serve-{args.posts}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.posts, with_pelican=False)
    if not (bench.project / "splitblog.toml").exists():
        bench.prepare()
    # A post on both sites, in the middle of the corpus (the same one in every round).
    both = [
        p.name
        for p in sorted((bench.project / "content/posts").glob("*.md"))
        if "audience: [professional, personal]" in p.read_text(encoding="utf-8")
    ]
    post = both[len(both) // 2]
    path = "/posts/" + post.removesuffix(".md")[11:] + "/"
    print(f"{args.posts} posts; editing {post} → {path} on both sites", flush=True)
    starts = {"splitblog": start_splitblog, "hugo": start_hugo}
    tools = [args.only] if args.only else ["splitblog", "hugo"]
    firsts: dict[str, list[float]] = {t: [] for t in tools}
    others: dict[str, list[float]] = {t: [] for t in tools}
    for number in range(1, args.rounds + 1):
        order = tools if number % 2 else tools[::-1]
        print(f"round {number}/{args.rounds}", flush=True)
        for tool in order:
            if tool == "splitblog":  # a preview starts from nothing: its own cold build
                shutil.rmtree(bench.project / ".splitblog", ignore_errors=True)
            started = time.monotonic()
            server = starts[tool](bench, post, args.port)
            print(f"  {server.name}: ready in {time.monotonic() - started:.1f} s", flush=True)
            try:
                latencies = edit_rounds(server, path, args.edits)
            finally:
                server.stop()
            firsts[tool].append(latencies[0])
            others[tool].extend(latencies[1:])
    print(f"\n{args.posts} posts, {args.rounds} rounds of {args.edits} edits, both sites")
    print("| server | first edit (median) | other edits: median (min–max) | × hugo server |")
    print("| --- | --- | --- | --- |")
    medians = {t: statistics.median(others[t]) for t in tools if others[t]}
    for tool in tools:
        if not others[tool]:
            continue
        ratio = f"{medians[tool] / medians['hugo']:.2f}" if "hugo" in medians else "–"
        print(
            f"| {'splitblog serve' if tool == 'splitblog' else 'hugo server'} | "
            f"{statistics.median(firsts[tool]) * 1000:.0f} ms | "
            f"{medians[tool] * 1000:.0f} ms ({min(others[tool]) * 1000:.0f}–"
            f"{max(others[tool]) * 1000:.0f}) | {ratio} |"
        )


if __name__ == "__main__":
    main()
