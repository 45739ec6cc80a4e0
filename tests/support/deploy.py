"""Real deploy targets for the deploy tests, started and stopped by the tests: a moto S3
server and an rsync daemon on free loopback ports, bare git repositories; and helpers
that read a target back to compare it with the build."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

from .processes import free_ports, poll, stop

STARTUP_SECONDS = 60.0  # a loaded two-core machine can take a while to import moto


def _listening(port: int, process: subprocess.Popen) -> bool:  # type: ignore[type-arg]
    """True once something accepts connections on the port; False if the process
    exited first or nothing listened within STARTUP_SECONDS."""

    def state() -> str | None:
        if process.poll() is not None:
            return "exited"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return "listening"
        return None

    return poll(state, STARTUP_SECONDS, interval=0.1) == "listening"


@contextlib.contextmanager
def _server(command: Callable[[int], list[str]], log: Path) -> Iterator[int]:
    """Run `command(port)` on a free port until it listens (another process may take
    the port first: try again); yield the port; stop the server however the test ends."""
    for _attempt in range(3):
        port = free_ports()
        with log.open("ab") as out:
            process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT)
        if _listening(port, process):
            break
        stop(process)
    else:
        raise RuntimeError(f"{command(0)[0]} did not start: {log.read_text(errors='replace')}")
    try:
        yield port
    finally:
        stop(process)


@contextlib.contextmanager
def moto_server(folder: Path) -> Iterator[str]:
    """moto's S3 server on a free loopback port; yields its endpoint URL."""

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]

    with _server(command, folder / "moto.log") as port:
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def rsync_daemon(folder: Path) -> Iterator[str]:
    """An rsync daemon serving the writable module "www" (folder/www); yields
    rsync://127.0.0.1:PORT/www."""
    root = folder / "www"
    root.mkdir(parents=True, exist_ok=True)
    conf = folder / "rsyncd.conf"
    # Only root may name the user the daemon runs as (a normal user's daemon cannot call
    # setgroups, and runs as that user anyway).
    ids = f"uid = {os.getuid()}\ngid = {os.getgid()}\n" if os.geteuid() == 0 else ""
    conf.write_text(f"use chroot = false\n{ids}\n[www]\npath = {root}\nread only = false\n")

    def command(port: int) -> list[str]:
        return [
            "rsync",
            "--daemon",
            "--no-detach",
            "--address=127.0.0.1",
            f"--port={port}",
            f"--config={conf}",
            f"--log-file={folder / 'rsyncd.log'}",
        ]

    with _server(command, folder / "rsyncd.out") as port:
        yield f"rsync://127.0.0.1:{port}/www"


# -- reading targets back (a folder target: support.files.tree and stamps) ------------------
def git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Tester", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="Tester", GIT_COMMITTER_EMAIL="t@example.com")
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def branch_files(repo: Path, branch: str) -> dict[str, bytes]:
    """The whole tree of a branch of a (bare) repository, read with git archive."""
    data = subprocess.run(
        ["git", "--git-dir", str(repo), "archive", "--format=tar", branch],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        return {
            m.name: archive.extractfile(m).read()  # type: ignore[union-attr]
            for m in archive.getmembers()
            if m.isfile()
        }
