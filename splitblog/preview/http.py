"""One small HTTP server per site: it serves that site's preview folder and nothing else,
adds the live-reload script to the HTML it sends, and streams build states to the tabs.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from splitblog.content_types import content_type
from splitblog.errors import Problem
from splitblog.preview.paths import (
    Found,
    Redirect,
    Refused,
    Resolution,
    resolve,
    split_target,
)
from splitblog.preview.reload import EVENTS_PATH, RESERVED_PREFIX, BuildGate, Hub, inject

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream: finds closed tabs

NO_BUILD_YET = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>No preview yet</title></head>
<body><h1>No preview yet</h1>
<p>This site has not been built successfully yet. This page reloads by itself once it is.</p>
</body></html>
"""


class SiteServer(ThreadingHTTPServer):
    """Serves one site's folder; every request thread is a daemon (event streams never end)."""

    daemon_threads = True
    # A page pulls its stylesheets, images and feed at once, from every open tab: the
    # socketserver default of 5 pending connections makes the rest wait for a SYN retry.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], name: str, root: Path, gate: BuildGate, hub: Hub):
        self.address_family = _family(address[0])
        self.name = name  # the site: its tabs get its own problems only
        self.root = root
        self.gate = gate
        self.hub = hub
        super().__init__(address, SiteHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A tab closed or reloaded mid-response is normal here, not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "splitblog-preview"
    # Headers and body go out in two writes: with Nagle's algorithm the second waits for
    # the client's delayed ACK of the first, adding ~40 ms to every response.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build results, not one line per request."""

    # -- responses -----------------------------------------------------------------------
    def _respond(self, with_body: bool) -> None:
        path, _query = split_target(self.path)
        if path == EVENTS_PATH and with_body:
            self._stream_events()
            return
        if path.startswith(RESERVED_PREFIX):
            self._send(HTTPStatus.NOT_FOUND, TEXT, b"not found\n", with_body)
            return
        server = self.server
        with server.gate.reading():
            found = resolve(server.root, self.path) if server.root.is_dir() else None
            data, status, kind = self._read(found)
            output = server.hub.state.output
        if kind.startswith("text/html"):
            data = inject(data, output)
        location = found.location if isinstance(found, Redirect) else None
        self._send(status, kind, data, with_body, location)

    def _read(self, found: Resolution | None) -> tuple[bytes, int, str]:
        """The body, status and type of a response, read while no build can swap files."""
        match found:
            case None:
                return NO_BUILD_YET, HTTPStatus.SERVICE_UNAVAILABLE, HTML
            case Refused(reason):
                return f"bad request: {reason}\n".encode(), HTTPStatus.BAD_REQUEST, TEXT
            case Redirect():
                return b"", HTTPStatus.MOVED_PERMANENTLY, ""
            case Found(path):
                try:
                    return path.read_bytes(), HTTPStatus.OK, content_type(path)
                except OSError:
                    pass  # gone since it was resolved: not found
        try:
            page = (self.server.root / "404.html").read_bytes()
        except OSError:
            page = b"<!doctype html><title>Not found</title><h1>Not found</h1>\n"
        return page, HTTPStatus.NOT_FOUND, HTML

    def _send(
        self,
        status: HTTPStatus | int,
        kind: str,
        data: bytes,
        with_body: bool,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def _stream_events(self) -> None:
        """Server-Sent Events: the current build state at once (a tab opened after a
        failed build shows its overlay straight away), then every new one."""
        hub = self.server.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            version, state = hub.current()
            site = self.server.name
            self.wfile.write(b"retry: 500\n\n" + _event(state.to_json(site)))
            self.wfile.flush()
            while True:
                newer = hub.wait_newer(version, KEEPALIVE)
                if newer is None:  # the server is stopping
                    return
                if newer[0] == version:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    version, state = newer
                    self.wfile.write(_event(state.to_json(site)))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the tab was closed


def _event(data: str) -> bytes:
    return b"data: " + data.encode() + b"\n\n"


class SiteServers:
    """The running servers, one per site, on the ports the build loop assigns."""

    def __init__(self, bind: str, output: Path, gate: BuildGate, hub: Hub):
        self.bind = bind
        self.output = output
        self.gate = gate
        self.hub = hub
        self._servers: dict[str, SiteServer] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._started = False

    def ensure(self, ports: Mapping[str, int]) -> list[Problem]:
        """Listen for exactly the sites in `ports`; a port that cannot be had is a problem."""
        problems = []
        for name in list(self._servers):
            if name not in ports:  # a site removed from the configuration
                self._stop(name)
        for name, port in ports.items():
            if name in self._servers:
                continue
            try:
                if port > 65535:
                    raise OSError(f"no port left above {port - 1}")
                server = SiteServer(
                    (self.bind, port), name, self.output / name, self.gate, self.hub
                )
            except OSError as exc:
                problems.append(
                    Problem(
                        f"cannot listen on {self.bind}:{port} for {name}: {exc.strerror or exc}",
                        hint="stop what uses that port, or pass another --port",
                    )
                )
                continue
            self._servers[name] = server
            if self._started:
                self._run(name)
        return problems

    def start(self) -> None:
        self._started = True
        for name in self._servers:
            if name not in self._threads:
                self._run(name)

    def _run(self, name: str) -> None:
        thread = threading.Thread(
            target=self._servers[name].serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"serve-{name}",
            daemon=True,
        )
        self._threads[name] = thread
        thread.start()

    def _stop(self, name: str) -> None:
        server = self._servers.pop(name)
        thread = self._threads.pop(name, None)
        if thread is not None and thread.ident is not None:  # started (shutdown() would
            server.shutdown()  # wait forever for a serve_forever that never ran)
            thread.join()
        server.server_close()

    def close(self) -> None:
        for name in list(self._servers):
            self._stop(name)
