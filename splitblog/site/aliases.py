"""Redirect pages at a post's old addresses, on the sites that publish it.

Each is a small page of the site itself (`noindex`, a `<meta http-equiv="refresh">`, a
canonical link and a plain link, for a reader whose browser does not follow the
refresh), made by the normal build: audited like every page, and covered by the
independence proof.
"""

from __future__ import annotations

import hashlib
from html import escape

from splitblog.config import SiteConfig
from splitblog.model import Alias

MOVED = "This page has moved to"  # the text a redirect page shows (the audit reads it)


def redirect_page(site: SiteConfig, alias: Alias) -> bytes:
    target = escape(site.url(alias.target))
    title = escape(alias.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(site.language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        "</head>\n"
        f'<body><p>{MOVED} <a href="{target}">{title}</a>.</p></body>\n'
        "</html>\n"
    ).encode()


def alias_key(site: SiteConfig, alias: Alias) -> str:
    """Changes whenever the page would (the build reuses an unchanged one)."""
    parts = (site.base_url, site.language, alias.path, alias.target, alias.title, MOVED)
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def redirect_lines(site: SiteConfig, aliases: tuple[Alias, ...], queries: bool) -> str:
    """The `_redirects` lines of a site's aliases (Netlify's and Cloudflare's format):
    `FROM TO 301`; with `queries`, an alias with a query string as Netlify matches one
    (`/ p=123 /posts/x/ 301`); without, those are left out (the host cannot serve them)."""
    lines = []
    for alias in aliases:
        path, _, query = alias.address.partition("?")
        if any(c.isspace() for c in alias.address):
            continue  # refused by the content stage; never a line a host misreads
        target = site.href(alias.target)
        if query:
            if not queries:
                continue
            pairs = " ".join(p for p in query.split("&") if p)
            lines.append(f"{_under(site, path or '/')} {pairs} {target} 301")
        else:
            lines.append(f"{_under(site, path)} {target} 301")
    return "".join(f"{line}\n" for line in dict.fromkeys(lines))


def _under(site: SiteConfig, path: str) -> str:
    """An alias (written from the site's root) as the host sees it: under the site's path."""
    return site.path_prefix.rstrip("/") + path
