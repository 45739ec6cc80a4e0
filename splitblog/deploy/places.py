"""Where a deploy target really writes: targets are compared by what they resolve to,
not by how they are spelt, so two sites can never be published into one place.

    a folder      its real path (symbolic links, `.` and `..` resolved)
    a host        its addresses (`localhost`, `127.0.0.1` and `::1` are this machine;
                  an ssh alias is what `ssh -G` says it stands for)
    S3            the store (its endpoint, resolved like a host), bucket and prefix
                  (`a`, `a/` and `/a//` are one prefix)
    git           the repository (a local one by its real path) and the branch

Two places overlap when one space holds both and one path is inside the other. Where a
name cannot be resolved it stands for itself, so the comparison never gets looser than
the spelling. An rsync or ssh target on this machine is a folder of this machine, and a
local git repository is a folder too: a folder target over it would replace it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import posixpath
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

LOCAL = frozenset({"this machine"})
RESOLVE_SECONDS = 3.0


@dataclass(frozen=True)
class Place:
    space: tuple[object, ...]  # ("fs",), ("rsyncd", hosts, port), ("ssh", hosts), …
    path: tuple[str, ...]

    def overlaps(self, other: Place) -> bool:
        if not _same_space(self.space, other.space):
            return False
        shorter = min(len(self.path), len(other.path))
        return self.path[:shorter] == other.path[:shorter]


def _same_space(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    if len(a) != len(b) or a[0] != b[0]:
        return False
    for mine, theirs in zip(a[1:], b[1:], strict=True):
        if isinstance(mine, frozenset) and isinstance(theirs, frozenset):
            if not mine & theirs:  # host names: one address in common is one host
                return False
        elif mine != theirs:
            return False
    return True


# -- the kinds of place ---------------------------------------------------------------------
def folder_place(path: str) -> Place:
    return Place(("fs",), _parts(os.path.realpath(path)))


def rsync_daemon_place(host: str, port: int | None, path: str) -> Place:
    return Place(("rsyncd", hosts(host), port or 873), _parts(path))


def ssh_place(user: str | None, host: str, path: str) -> Place:
    """A folder on a host reached over ssh (rsync's `user@host:/path`)."""
    name, _port = ssh_host(host)
    where = hosts(name)
    if not path.startswith("/"):  # relative to the user's home there
        path = f"/~{user or ''}/{path}"
    if where == LOCAL and path.startswith("/") and not path.startswith("/~"):
        return folder_place(path)
    return Place(("ssh", where), _parts(path))


def git_places(remote: str, branch: str) -> tuple[Place, Place | None]:
    """The branch of the repository, and the folder a local repository occupies."""
    if remote.startswith("file://"):
        folder = os.path.realpath(unquote(urlsplit(remote).path))
        return Place(("git", ("fs", _parts(folder))), (branch,)), folder_place(folder)
    if "://" in remote:
        parts = urlsplit(remote)
        host = parts.hostname or ""
        if parts.scheme == "ssh":
            host = ssh_host(host)[0]
        path = unquote(parts.path)
    else:  # scp-like: [user@]host:path
        head, _, path = remote.partition(":")
        host = ssh_host(head.rpartition("@")[2])[0]
    return Place(("git", (hosts(host), _repository(path))), (branch,)), None


def s3_place(bucket: str, prefix: str, endpoint: str | None) -> Place:
    keys = [p.casefold() for p in unquote(prefix).split("/") if p not in ("", ".")]
    return Place(("s3", _store(endpoint), bucket.lower()), tuple(keys))


# -- resolving --------------------------------------------------------------------------------
def hosts(name: str) -> frozenset[str]:
    """The addresses a host name stands for; LOCAL for this machine."""
    name = name.strip().strip("[]").rstrip(".").lower()
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        found = _lookup(name)
        if not found:
            return frozenset({f"name:{name}"})
        return frozenset().union(*(_address(a) for a in found))
    return _address(str(literal))


def _address(text: str) -> frozenset[str]:
    address = ipaddress.ip_address(text.partition("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified:
        return LOCAL
    return frozenset({str(address)})


def _lookup(name: str) -> set[str]:
    """getaddrinfo, given a few seconds at most (it has no timeout of its own)."""
    found: set[str] = set()

    def run() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            found.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(RESOLVE_SECONDS)
    return set(found) if not thread.is_alive() else set()


def ssh_host(alias: str) -> tuple[str, int]:
    """The host (and port) an ssh alias stands for, as `ssh -G` resolves ~/.ssh/config."""
    ssh = shutil.which("ssh")
    if ssh is None or alias.startswith("-"):
        return alias, 22
    try:
        result = subprocess.run(
            [ssh, "-G", "--", alias], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return alias, 22
    options = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line.strip())
    port = options.get("port", "22")
    return options.get("hostname", alias), int(port) if port.isdigit() else 22


def _store(endpoint: str | None) -> tuple[object, ...]:
    if not endpoint:
        return ("aws",)
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    default = 80 if parts.scheme == "http" else 443
    return (hosts(parts.hostname or ""), parts.port or default)


def _repository(path: str) -> str:
    path = posixpath.normpath("/" + path.lstrip("/")).lstrip("/").lower()
    return path.removeprefix("~/").removesuffix("/").removesuffix(".git")


def _parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in posixpath.normpath("/" + path).split("/") if p)
