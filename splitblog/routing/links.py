"""The one sanctioned crossing between sites: a pure link resolver.

Given where a post is published (the LinkIndex from routing) and the linking site's
policies, a `.md` link becomes a local URL, an allowed URL on another site, a stripped
link, or a problem. It returns URLs, never posts.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import Source
from splitblog.routing.plan import LinkIndex

Kind = Literal["local", "allow", "strip", "keep"]


@dataclass(frozen=True)
class Ref:
    """A reference in a post's Markdown that splitblog resolves: a `.md` link or a file."""

    kind: Literal["md", "file", "url"]
    target: str  # as written (decoded), e.g. "../2026-01-02-q3.md#costs" or "beach.jpg";
    # for "url": the address as the browser reads it, written back as it is
    key: str  # what it points at: a source key, a bundle file relative to the bundle, or
    # for "url" the address
    fragment: str  # "#costs" or ""
    line: int  # line in the source file
    # Can the element tell the browser not to send the referrer (an <a>, an <img> …)?
    # An address of another site where it cannot (a <video poster>, CSS) is refused.
    hides_referrer: bool = True


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


def normalized(address: str) -> str:
    """An address as a browser reads it: ASCII tabs and line breaks removed, leading and
    trailing spaces and control characters stripped, backslashes read as slashes (as the
    URL standard does for http(s) and relative addresses)."""
    address = address.strip("".join(map(chr, range(33)))).translate(NO_TAB_OR_NEWLINE)
    scheme = urlsplit(address).scheme.lower() if ":" in address else ""
    if scheme in ("", "http", "https"):
        address = address.replace("\\", "/")
    return address


NO_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def classify_address(href: str, source: Source) -> tuple[str, str, str] | None:
    """Like `classify`, and ("url", address, "") for every other address a browser
    follows: absolute (http, https, //host), root-relative and relative. Each is judged
    per site (`resolve_address`): it may point into another site of the project."""
    found = classify(href, source)
    if found is not None:
        return found
    address = normalized(href)
    if not address or address.startswith("#"):
        return None
    scheme = urlsplit(address).scheme.lower() if ":" in address else ""
    if scheme and scheme not in ("http", "https"):
        return None  # mailto:, tel:, data: … lead to no site
    return ("url", address, "")


def owner_of(address: str, config: Config) -> SiteConfig | None:
    """The site an absolute address belongs to: the one whose base_url is the longest
    prefix of it (host compared without letter case or default port, the path decoded),
    so that https://example.com/ and https://example.com/janey/ are told apart."""
    host, path = _host_and_path(address)
    if host is None:
        return None
    best: SiteConfig | None = None
    best_length = -1
    for site in config.sites:
        site_host, site_path = _host_and_path(site.base_url)
        if site_host != host:
            continue
        prefix = site_path.rstrip("/")
        if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > best_length:
            best, best_length = site, len(prefix)
    return best


@functools.lru_cache(maxsize=1 << 16)  # the sites' own base URLs, asked for every link
def _host_and_path(address: str) -> tuple[str | None, str]:
    try:
        parts = urlsplit(address)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        return None, ""
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None, ""
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    host = unquote(hostname).rstrip(".").lower()
    if port not in (None, default):
        host = f"{host}:{port}"
    path = posixpath.normpath(unquote(parts.path) or "/")
    path = "/" + path.lstrip("/") if path != "." else "/"
    return host, path.casefold()


Place = Literal["this site", "another site", "outside"]
# With a host: "https://" alone or "https:///x" are relative to the page for urljoin (and
# the tabs and line breaks it drops could hide where the host begins).
ABSOLUTE_HTTP = re.compile(r"https?://[^/?#\\\t\r\n]", re.IGNORECASE)


def place_of(address: str, page_url: str, site: SiteConfig, config: Config) -> tuple[Place, str]:
    """Where an address written on a page of `site` (at absolute `page_url`) leads: to
    this site, to another site of the project (its name), or outside the project."""
    # An absolute http(s) address with a host is its own join (urljoin only splits and
    # reassembles it): most links of a post are, and urljoin is a good part of resolving
    # them (tests/test_routing.py compares the two on any spelling).
    try:
        absolute = address if ABSOLUTE_HTTP.match(address) else urljoin(page_url, address)
    except ValueError:  # "http://[oops": no address a browser could follow
        return "outside", ""
    owner = owner_of(absolute, config)
    if owner is None:
        return "outside", ""
    if owner.name == site.name:
        return "this site", site.name
    return "another site", owner.name


def is_page(address: str, page_url: str, site: SiteConfig, index: LinkIndex) -> bool:
    """Whether an address of this site is one of its posts or pages (by routing's URLs)."""
    path = urlsplit(urljoin(page_url, address)).path
    prefix = site.path_prefix
    if not path.startswith(prefix):
        return False
    rel = unquote(path[len(prefix) :])
    return any(urls.get(site.name) == rel for urls in index.urls.values())


def resolve_address(
    ref: Ref,
    source: Source,
    page_url: str,
    site: SiteConfig,
    config: Config,
    served: Callable[[str], bool] | None = None,
) -> Resolution | Problem:
    """How `site` writes an address that is not a `.md` link or a bundle file: as it is
    when it leads outside the project or into the site itself; by the site's policy
    toward the site it leads into otherwise (allow: kept, and told not to send the
    referrer; strip: removed; deny: a problem naming the file and line)."""
    place, owner = place_of(ref.target, page_url, site, config)
    if place == "outside":
        return Resolution("keep", ref.target)
    if place == "this site":
        root_relative = ref.target.startswith("/") and not ref.target.startswith("//")
        if root_relative and served is not None and not served(ref.target):
            return Problem(
                f"'{ref.target}' is nothing on this site",
                path=source.rel,
                line=ref.line,
                hint="make it the alias of a post, put the file in static/, or list it "
                f"under [sites.{site.name}.links] external_paths",
            )
        return Resolution("local", ref.target)
    policy = site.policy_toward(owner)
    if policy == "allow":
        return Resolution("allow", ref.target)
    if policy == "strip":
        return Resolution("strip")
    return Problem(
        f"link to '{ref.target}', an address of the {owner} site, denied by {site.name}'s policy",
        path=source.rel,
        line=ref.line,
        hint=f'remove it, use ::: only, or set [sites.{site.name}.links] {owner} = "strip"|"allow"',
    )
