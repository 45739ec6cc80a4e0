"""The files a static host reads from a site's root: written into the build output when
the site's deploy table names its host, so the audit sees them like any other file."""

from __future__ import annotations

from urllib.parse import urlsplit

from splitblog.config import SiteConfig
from splitblog.model import Alias
from splitblog.site.aliases import redirect_lines

# Hugo's and WordPress's usual feed addresses, so old subscriptions keep working.
FEED_REDIRECTS = "/feed /atom.xml 301\n/index.xml /rss.xml 301\n"
REDIRECT_FILE_HOSTS = ("netlify", "cloudflare-pages")  # they read a _redirects file
QUERY_HOSTS = ("netlify",)  # …and match a query string in it


def serves_host_only(site: SiteConfig) -> tuple[bool, bool]:
    """(whether the site's host reads a redirect file, whether it matches queries)."""
    host = site.deploy.host if site.deploy else None
    return host in REDIRECT_FILE_HOSTS, host in QUERY_HOSTS


def host_files(site: SiteConfig, aliases: tuple[Alias, ...] = ()) -> dict[str, bytes]:
    host = site.deploy.host if site.deploy else None
    if host == "github-pages":
        return {"CNAME": urlsplit(site.base_url).hostname.encode() + b"\n", ".nojekyll": b""}  # type: ignore[union-attr]
    if host in ("netlify", "cloudflare-pages"):
        headers = "/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n"
        if site.noindex:
            headers += "  X-Robots-Tag: noindex\n"
        # The post's own old addresses first: a host uses the first line that matches.
        redirects = redirect_lines(site, aliases, host in QUERY_HOSTS) + FEED_REDIRECTS
        return {"_headers": headers.encode(), "_redirects": redirects.encode()}
    return {}
