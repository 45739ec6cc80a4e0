"""Old addresses: which imported post an address of the old blog means, and the
root-relative addresses of old HTML made absolute on the old blog's host."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

# Addresses of pages splitblog makes: an old address there is never an alias.
MADE = re.compile(
    r"^/(?:index\.html?)?$|^/(?:tags|archive|page|pagefind)(?:/|$)|"
    r"^/(?:atom\.xml|rss\.xml|feed\.json|sitemap\.xml|robots\.txt|404\.html)$"
)

# Blogger serves one blog under every country's domain (x.blogspot.de, x.blogspot.co.uk).
BLOGSPOT = re.compile(r"^(.+)\.blogspot\.[a-z.]+$")


def host_key(host: str) -> str:
    host = host.lower().rstrip(".").removeprefix("www.")
    found = BLOGSPOT.match(host)
    return f"{found.group(1)}.blogspot.com" if found else host


def address_key(address: str, base: str = "") -> str | None:
    """One spelling of an address for every way the old blog wrote it: scheme, `www.`,
    a blogspot country domain, a trailing slash or `index.html`, `?m=1` (Blogger's
    mobile view) and the fragment do not matter; WordPress's `?p=123` does."""
    if base:
        address = urljoin(base, address)
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return None
    odd = parts.scheme not in ("http", "https", "") or (not parts.netloc and not base)
    if odd and not address.startswith("/"):
        return None
    host = host_key(parts.hostname or "") if parts.netloc else ""
    path = posixpath.normpath(unquote(parts.path) or "/")
    path = re.sub(r"/index\.html?$", "/", path).rstrip("/") or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("m="))
    return f"{host}{path.casefold()}" + (f"?{query}" if query else "")


def root_path(address: str) -> str | None:
    """The path (and query) of an old address, as an alias on the new site."""
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return None
    path = parts.path or "/"
    if not path.startswith("/"):
        return None
    alias = path + (f"?{parts.query}" if parts.query else "")
    if any(c.isspace() or c in '<>"\\' for c in alias) or "\x00" in alias:
        return None
    return alias


class LinkMap:
    """Old addresses of the imported posts → their new files (keys below content/)."""

    def __init__(self, base: str = "") -> None:
        self.base = base  # the old blog's address: what root-relative addresses meant
        self.by_address: dict[str, str] = {}

    def add(self, address: str, key: str) -> None:
        found = address_key(address, self.base)
        if found is not None:
            self.by_address.setdefault(found, key)
        if self.base and address.startswith("/"):
            return
        # An absolute address of the old blog is also meant when written root-relative.
        parts = urlsplit(address)
        if parts.netloc:
            path_only = address_key(parts.path + (f"?{parts.query}" if parts.query else ""))
            if path_only is not None:
                self.by_address.setdefault(path_only, key)

    def target(self, address: str) -> str | None:
        """`/posts/2019-03-05-x.md#part` for an address of an imported post, else None."""
        fragment = urlsplit(address).fragment if "#" in address else ""
        found = address_key(address, self.base)
        key = self.by_address.get(found) if found else None
        if key is None and address.startswith("/") and not address.startswith("//"):
            key = self.by_address.get(address_key(address) or "")
        if key is None:
            return None
        return f"/{key}" + (f"#{fragment}" if fragment else "")

    def absolute(self, address: str) -> str:
        """A root-relative address made absolute on the old blog's host (when known)."""
        if self.base and address.startswith("/") and not address.startswith("//"):
            if MADE.match(urlsplit(address).path):  # the home page, a tag: the new site's
                return address
            return urljoin(self.base, address)
        return address
