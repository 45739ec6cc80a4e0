"""What makes a base_url an address every browser and feed reader takes, and when two
sites' addresses are one."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

HOST_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
HOST_NAME = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*\.?$")
# What a URL path may hold as it is (RFC 3986 pchar and "/"), and percent escapes.
URL_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")


def address(base_url: str) -> tuple[str, str]:
    """(host:port, path) of an address: what two sites must not share."""
    parts = urlsplit(base_url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port if parts.port not in (None, default) else None
    except ValueError:  # reported as an invalid port already
        port = None
    return (f"{host}:{port}" if port else host, parts.path)


def address_problem(netloc: str, host: str | None, path: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) with a base_url's host, port or path, or None."""
    if "@" in netloc:
        return "holds a user name or password", "remove it: every page would publish it"
    if not host:
        return "has no host name", 'write it in full, e.g. "https://example.com/"'
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return "has an invalid host name", "check the spelling"
        return "has a non-ASCII host name", f"write it as {ascii_host}"
    if ":" in host:  # an IPv6 address, written in brackets
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return "has an invalid host name", "check the spelling"
    elif not HOST_NAME.match(host):
        return "has an invalid host name", "a host name has only letters, digits, '-' and '.'"
    try:
        port = urlsplit(f"//{netloc}").port
    except ValueError:  # not a number, or past 65535
        port = -1
    if port is not None and not 1 <= port <= 65535:
        return "has an invalid port", "use a port from 1 to 65535, or none"
    if not URL_PATH.match(path):
        return "has characters a URL path cannot hold", "percent-encode them, e.g. %20 for a space"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "has a '.' or '..' segment in its path", "write the path it leads to"
    return None
