"""A post's addresses on a site: its permalink, and its old addresses (aliases) as the
redirects the site serves.

Pure functions of one entry and its site's patterns: routing calls them for each site
that publishes the post, so an alias exists only where its post does.
"""

from __future__ import annotations

import posixpath
from datetime import datetime
from urllib.parse import unquote, urlsplit

from splitblog.model import Alias, Entry

# Old addresses a static file can serve as a redirect page: a folder, or an HTML file.
# Any other (`/feed.php`, `/?p=123`) only a host's redirect file can serve.
PAGE_ENDINGS = (".html", ".htm")


def permalink(pattern: str, slug: str, date: datetime | None, path: str) -> str:
    """The site-relative URL a pattern gives (`/{year}/{month}/{slug}.html` →
    `2009/10/old-title.html`); `{month}` and `{day}` are two digits."""
    values = {"slug": slug, "path": path}
    if date is not None:
        values |= {"year": f"{date.year:04d}", "month": f"{date.month:02d}",
                   "day": f"{date.day:02d}"}  # fmt: skip
    url = pattern
    for token, value in values.items():
        url = url.replace("{" + token + "}", value)
    # `/{path}{slug}/` with no path must not make a "//"; a page has no date to give.
    while "//" in url:
        url = url.replace("//", "/")
    return url.lstrip("/")


def alias_path(address: str) -> tuple[str, bool]:
    """(the output file of an alias's redirect page, or "" when only a host's redirect
    file can serve it; whether it has a query string)."""
    parts = urlsplit(address)
    if parts.query or address.endswith("?"):
        return "", True
    path = unquote(parts.path).lstrip("/")
    last = path.rpartition("/")[2]
    if not path or path.endswith("/"):
        return path + "index.html", False
    if last.lower().endswith(PAGE_ENDINGS):
        return path, False
    if "." in last:  # /feed.php: a host would serve a file of that name as a download
        return "", False
    return path + "/index.html", False


def aliases_of(entry: Entry) -> list[Alias]:
    """The redirects of one entry on its site; one equal to its own address is dropped."""
    found = []
    own = posixpath.normpath("/" + entry.url) if entry.url else "/"
    for address in entry.aliases:
        path, query = alias_path(address)
        if not query and (path == entry.output_path or posixpath.normpath(
                unquote(urlsplit(address).path)) == own):  # fmt: skip
            continue
        found.append(Alias(address, path, entry.url, entry.title, entry.source.rel,
                           query or not path))  # fmt: skip
    return found
