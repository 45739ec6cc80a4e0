"""The one sanctioned crossing between sites: a pure link resolver.

Given where a post is published (the LinkIndex from routing) and the linking site's
policies, a `.md` link becomes a local URL, an allowed URL on another site, a stripped
link, or a problem. It returns URLs, never posts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import Source
from splitblog.routing.plan import LinkIndex

Kind = Literal["local", "allow", "strip"]


@dataclass(frozen=True)
class Ref:
    """A reference in a post's Markdown that splitblog resolves: a `.md` link or a file."""

    kind: Literal["md", "file"]
    target: str  # as written (decoded), e.g. "../2026-01-02-q3.md#costs" or "beach.jpg"
    key: str  # what it points at: a source key, or a bundle file relative to the bundle
    fragment: str  # "#costs" or ""
    line: int  # line in the source file


@dataclass(frozen=True)
class Resolution:
    kind: Kind
    url: str = ""  # the href to write ("" when stripped)


def classify(href: str, source: Source) -> tuple[str, str, str] | None:
    """("md" | "file", key, fragment) for a reference splitblog resolves, else None.

    External URLs, fragments, mailto: and absolute paths that are not `.md` files are
    left as written.
    """
    if not href or href.startswith(("#", "//")) or urlsplit(href).scheme:
        return None
    parts = urlsplit(href)
    path = unquote(parts.path)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path.lower().endswith(".md"):
        if path.startswith("/"):
            key = posixpath.normpath(path.lstrip("/"))
        else:
            key = posixpath.normpath(posixpath.join(source.folder, path))
        return ("md", key, fragment)
    if source.bundle and not path.startswith("/"):
        bundle_file = posixpath.normpath(path)
        if bundle_file in source.assets:
            return ("file", bundle_file, fragment)
    return None


def looks_like_file(href: str) -> bool:
    """A relative reference to something with a file extension (an image, a PDF …)."""
    if not href or href.startswith(("#", "/")) or urlsplit(href).scheme:
        return False
    last = unquote(urlsplit(href).path).rsplit("/", 1)[-1]
    return "." in last.strip(".") and not last.lower().endswith((".html", ".htm"))


def target_key(key: str, index: LinkIndex) -> str | None:
    """The source a `.md` link means: the file itself, or the bundle `x/index.md` for `x.md`."""
    if key in index.known:
        return key
    bundle = key[: -len(".md")] + "/index.md"
    return bundle if bundle in index.known else None


def resolve(
    ref: Ref, source: Source, site: SiteConfig, config: Config, index: LinkIndex
) -> Resolution | Problem:
    """How `site` writes one `.md` link of `source`."""
    key = target_key(ref.key, index)
    where = {"path": source.rel, "line": ref.line}
    if key is None:
        return Problem(
            f"link to '{ref.target}': no such file in content/",
            hint="fix the path (relative to this file, or to content/ with a leading /)",
            **where,
        )
    here = index.urls.get(key, {})
    if site.name in here:
        return Resolution("local", site.href(here[site.name]) + ref.fragment)
    others = sorted(here)
    if not others:
        return Problem(
            f"link to '{ref.target}', which no site publishes (a draft, or dated in the future)",
            hint="remove the link, or build with --drafts / --future to preview",
            **where,
        )
    policies = {other: site.policy_toward(other) for other in others}
    allowed = [o for o in others if policies[o] == "allow"]
    if allowed:
        other = config.site(allowed[0])
        return Resolution("allow", other.url(here[other.name]) + ref.fragment)
    if "strip" in policies.values():
        return Resolution("strip")
    only = " and ".join(others)
    return Problem(
        f"link to '{ref.target}' (only on {only}) denied by {site.name}'s policy",
        hint=f"remove the link, use ::: only, or set [sites.{site.name}.links] "
        f'{others[0]} = "strip"|"allow"',
        **where,
    )


def canonical_url(
    source: Source, site: SiteConfig, config: Config, index: LinkIndex
) -> str | Problem | None:
    """The `<link rel="canonical">` target on another site, when the post names one."""
    if not source.canonical or source.canonical == site.name:
        return None
    other = source.canonical
    url = index.urls.get(source.key, {}).get(other)
    if url is None:
        return Problem(
            f"canonical '{other}' does not publish this post",
            path=source.rel,
            line=source.line_of("canonical"),
            hint="remove canonical, or publish the post there",
        )
    if site.policy_toward(other) != "allow":
        return Problem(
            f"canonical '{other}' is a link to another site, which {site.name}'s policy denies",
            path=source.rel,
            line=source.line_of("canonical"),
            hint=f'set [sites.{site.name}.links] {other} = "allow", or remove canonical',
        )
    return config.site(other).url(url)


def allowed_sites(site: SiteConfig, config: Config) -> tuple[SiteConfig, ...]:
    """The other sites a theme may link to (a "my other blog" footer): policy `allow`."""
    return tuple(
        other
        for other in config.sites
        if other.name != site.name and site.policy_toward(other.name) == "allow"
    )


ANCHOR = re.compile(r'<a href="(https?://[^"]*)"([^>]*)>', re.I)
REL = re.compile(r'\brel="([^"]*)"', re.I)


def other_bases(site: SiteConfig, config: Config) -> tuple[str, ...]:
    """The other sites' addresses, as links written out in full would start."""
    return tuple(o.base_url for o in config.sites if o.name != site.name)


def without_referrer(markup: str, bases: Sequence[str]) -> str:
    """Every link to another site's pages carries rel="noreferrer" — also one written
    as a full URL rather than as a `.md` file — so the other site never learns which of
    your sites its reader came from. (Where the policy is not allow, the audit refuses
    such a link anyway.)"""
    if not bases or not any(base in markup for base in bases):
        return markup

    def add(match: re.Match[str]) -> str:
        href, rest = match.group(1), match.group(2)
        if not any(href.startswith(base) or href == base.rstrip("/") for base in bases):
            return match.group(0)
        rel = REL.search(rest)
        if rel is None:
            return f'<a href="{href}" rel="noreferrer"{rest}>'
        if "noreferrer" in rel.group(1).split():
            return match.group(0)
        values = f"{rel.group(1)} noreferrer".strip()
        return f'<a href="{href}"{rest[: rel.start()]}rel="{values}"{rest[rel.end() :]}>'

    return ANCHOR.sub(add, markup)
