"""Whose site is this? Answered from the files only a build of that site writes: its
sitemap.xml (every page under its own base_url), robots.txt (its own sitemap's URL) and,
for GitHub Pages, CNAME (its own host name).

Asked twice before anything is uploaded: of the folder about to be published (a
swapped or stale public/<site>/ is refused) and of what the target already holds (a
target that holds another site of this project is refused, so two targets swapped in
the configuration cannot publish one audience over the other).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from splitblog.config import Config, SiteConfig
from splitblog.deploy.base import LocalFile
from splitblog.errors import Problem

LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")
SITEMAP_LINE = re.compile(rb"^Sitemap:\s*(\S+)", re.MULTILINE)


def owners(config: Config, sitemap: bytes) -> set[str | None]:
    """The sites whose base_url each page of a sitemap falls under (None: no site's)."""
    urls = [html.unescape(m.decode("utf-8", "replace")) for m in LOC.findall(sitemap)]
    return {owner(config, url) for url in urls}


def owner(config: Config, url: str) -> str | None:
    """The site with the longest base_url that `url` is under (a site may live below
    another's address: https://me.github.io/ and https://me.github.io/blog/)."""
    under = [s for s in config.sites if url.startswith(s.base_url)]
    return max(under, key=lambda s: len(s.base_url)).name if under else None


def check_build(
    config: Config, site: SiteConfig, files: Mapping[str, LocalFile], where: str
) -> list[Problem]:
    """Problems if the built folder `where` is not `site`'s output."""
    hint = "run `splitblog build`, then deploy again; nothing was uploaded"

    def wrong(why: str) -> Problem:
        return Problem(f"{where} is not the {site.name} site's output: {why}", hint=hint)

    if "sitemap.xml" not in files:
        return [wrong("it has no sitemap.xml")]
    found = owners(config, files["sitemap.xml"].source.read_bytes())
    problems = []
    if found != {site.name}:
        others = sorted(_name(config, s) for s in found - {site.name})
        problems.append(wrong(f"its sitemap.xml lists pages of {', '.join(others) or 'no site'}"))
    if "robots.txt" in files:
        line = SITEMAP_LINE.search(files["robots.txt"].source.read_bytes())
        if line and line[1].decode("utf-8", "replace") != site.url("sitemap.xml"):
            problems.append(wrong(f"its robots.txt points at {line[1].decode(errors='replace')}"))
    if "CNAME" in files:
        host = files["CNAME"].source.read_bytes().decode("utf-8", "replace").strip()
        if host != urlsplit(site.base_url).hostname:
            problems.append(wrong(f"its CNAME is {host}"))
    return problems


def check_target(
    config: Config, site: SiteConfig, sitemap: bytes | None, target: str
) -> Problem | None:
    """A problem if the target holds another site of this project."""
    if sitemap is None:
        return None
    others = sorted(s for s in owners(config, sitemap) if s not in (None, site.name))
    if not others:
        return None
    return Problem(
        f"{target} holds the {others[0]} site (its sitemap.xml lists "
        f"{config.site(others[0]).base_url}); refusing to publish the {site.name} site there",
        key=f"sites.{site.name}.deploy.target",
        hint="give each site its own target",
    )


def _name(config: Config, name: str | None) -> str:
    if name is None:
        return "another address"
    return f"the {name} site ({config.site(name).base_url})"
