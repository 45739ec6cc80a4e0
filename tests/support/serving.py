"""A real `splitblog serve` in a subprocess, and small HTTP and SSE clients for it.

The server's output goes to a file, not a pipe: a pipe nobody reads fills up and
blocks the server. Every wait polls against a deadline; nothing sleeps a fixed time.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .processes import free_ports, poll, stop, wait_for

READY = "Watching for changes"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def get(port: int, target: str, timeout: float = 10.0) -> Response:
    """One GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", target)
        reply = connection.getresponse()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read())
    finally:
        connection.close()


def raw_get(port: int, target: bytes, timeout: float = 10.0) -> Response:
    """A GET whose request line is sent byte for byte (NUL bytes, backslashes …)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return Response(status, headers, body)


class EventStream:
    """A client of the server's Server-Sent Events, as the page script is."""

    def __init__(self, port: int, timeout: float = 20.0):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.connection.request("GET", "/__splitblog/events")
        self.reply = self.connection.getresponse()
        assert self.reply.status == 200
        assert self.reply.getheader("Content-Type", "").startswith("text/event-stream")

    def next_state(self) -> dict:
        """The next build state sent (keep-alive comments skipped)."""
        while True:
            line = self.reply.readline()
            if not line:
                raise AssertionError("the event stream ended")
            if line.startswith(b"data: "):
                return json.loads(line[len(b"data: ") :])

    def wait_state(self, check: Callable[[dict], bool], what: str) -> dict:
        def matching() -> dict | None:
            state = self.next_state()  # waits for the server to send one
            return state if check(state) else None

        return wait_for(matching, 20, f"a build state with {what}", interval=0)

    def close(self) -> None:
        self.connection.close()


class ServeProcess:
    """`splitblog serve` on a project, started and stopped like a user would."""

    def __init__(self, root: Path, log: Path, args: tuple[str, ...] = ()):
        self.root = root
        self.log = log
        self.args = args
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, sites: int = 2, attempts: int = 3) -> ServeProcess:
        for _ in range(attempts):
            self.port = free_ports(sites)
            self._launch()
            if self._wait_ready():
                return self
            # Another process took a port between the check and the bind: try others.
            assert "cannot listen" in self.output, self.output
        raise AssertionError(f"serve did not start:\n{self.output}")

    def _launch(self) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
        with self.log.open("wb") as out:
            config = str(self.root / "splitblog.toml")
            command = [sys.executable, "-m", "splitblog", "serve", "-c", config]
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port), "--no-open", *self.args],
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def _wait_ready(self) -> bool:
        """True once serve says it is watching; False if it exited first."""
        process = self.process
        assert process is not None

        def state() -> str | None:
            if process.poll() is not None:
                return "exited"
            return "ready" if READY in self.output else None

        found = poll(state, 30)
        if found is None:
            raise AssertionError(f"serve not ready after 30 s:\n{self.output}")
        return found == "ready"

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def temp_dir(self) -> Path:
        match = re.search(r"Preview folder: (.+) \(removed on exit\)", self.output)
        assert match, self.output
        return Path(match.group(1))

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, how: signal.Signals = signal.SIGINT) -> int:
        """Stop the server as a user would; its exit status."""
        assert self.process is not None
        if not stop(self.process, how, timeout=20):
            raise AssertionError(f"serve ignored {how.name}:\n{self.output}")
        return self.process.returncode

    def kill(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGKILL)


def record_latency(where: Path, name: str, seconds: float) -> None:
    """Print an observed edit-to-new-page latency and add it to a small JSON file."""
    print(f"\nlatency, {name}: {seconds * 1000:.0f} ms")
    data = json.loads(where.read_text()) if where.exists() else {}
    data.setdefault(name, []).append(round(seconds, 4))
    where.write_text(json.dumps(data, indent=2))
