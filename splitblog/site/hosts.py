"""The files a static host reads from a site's root: written into the build output when
the site's deploy table names its host, so the audit sees them like any other file."""

from __future__ import annotations

from urllib.parse import urlsplit

from splitblog.config import SiteConfig

# Hugo's and WordPress's usual feed addresses, so old subscriptions keep working.
FEED_REDIRECTS = "/feed /atom.xml 301\n/index.xml /rss.xml 301\n"


def host_files(site: SiteConfig) -> dict[str, bytes]:
    host = site.deploy.host if site.deploy else None
    if host == "github-pages":
        return {"CNAME": urlsplit(site.base_url).hostname.encode() + b"\n", ".nojekyll": b""}  # type: ignore[union-attr]
    if host in ("netlify", "cloudflare-pages"):
        headers = "/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n"
        if site.noindex:
            headers += "  X-Robots-Tag: noindex\n"
        return {"_headers": headers.encode(), "_redirects": FEED_REDIRECTS.encode()}
    return {}
