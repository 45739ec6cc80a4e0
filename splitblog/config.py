"""splitblog.toml → a validated Config. Every problem is collected with its key path."""

from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from splitblog.errors import ConfigError, Problems
from splitblog.model import FEED_KINDS, POLICIES, Author, Config, DeployConfig, SiteConfig
from splitblog.theming import theme_exists

CONFIG_NAME = "splitblog.toml"
HOSTS = ("github-pages", "netlify", "cloudflare-pages", "s3")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
# A site's name is also a front-matter key (its override table) and an audience value.
RESERVED_NAMES = frozenset(
    {"all", "title", "date", "audience", "tags", "summary", "slug", "draft", "updated", "canonical"}
)
# …and the name of its output folder, which Windows (a share, a synced folder) cannot
# create under these names whatever follows them.
DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
HOST_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
HOST_NAME = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*\.?$")
# What a URL path may hold as it is (RFC 3986 pchar and "/"), and percent escapes.
URL_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")

TOP_KEYS = ("content", "output", "default_audience", "timezone", "sites")
SITE_KEYS = (
    "title",
    "base_url",
    "theme",
    "language",
    "description",
    "author",
    "feeds",
    "posts_per_page",
    "noindex",
    "forbid",
    "links",
    "keep_image_metadata",
    "deploy",
)
AUTHOR_KEYS = ("name", "email", "avatar", "bio")
DEPLOY_KEYS = ("target", "host", "max_deletes", "endpoint_url", "region", "cache_control")


def find_config(start: Path) -> Path:
    """The splitblog.toml in `start` or the nearest folder above it."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise ConfigError(
        f"no {CONFIG_NAME} in {start} or any folder above it — run `splitblog init DIR` to "
        "create a project, or pass -c CONFIG"
    )


def load_config(path: Path, output: Path | None = None) -> Config:
    """Read and validate a configuration file; raise ConfigError naming every bad key."""
    path = path.resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file — pass -c CONFIG") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path.name}: not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path.name}: not valid TOML: {exc} — fix the syntax (see https://toml.io)"
        ) from None
    return _Reader(path).read(raw, output)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.root = path.parent
        self.problems = Problems()

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.add(message, path=self.path.name, key=key, hint=hint)

    # -- typed getters: each reports a wrong type under the key's full path -----------
    def get(self, table: dict, key: str, where: str, kind: type | tuple, default: Any) -> Any:
        if key not in table:
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value_ok = False
        else:
            value_ok = isinstance(value, kinds)
        if not value_ok:
            names = " or ".join(_type_name(k) for k in kinds)
            self.error(f"{where}{key}", f"must be {names}, not {_type_name(type(value))}")
            return default
        return value

    def text_list(self, table: dict, key: str, where: str, default: tuple) -> tuple[str, ...]:
        value = self.get(table, key, where, list, None)
        if value is None:
            return default
        if not all(isinstance(v, str) for v in value):
            self.error(f"{where}{key}", "must be a list of strings")
            return default
        return tuple(value)

    def unknown_keys(self, table: dict, allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(allowed)}"
                )
                self.error(f"{where}{key}", "unknown key", hint)

    # -- the configuration ---------------------------------------------------------------
    def read(self, raw: dict, output: Path | None) -> Config:
        self.unknown_keys(raw, TOP_KEYS, "")
        content = self.get(raw, "content", "", str, "content")
        out = self.get(raw, "output", "", str, "public")
        timezone = self.get(raw, "timezone", "", str, "UTC")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(
                "timezone", f"unknown time zone '{timezone}'", 'use a name like "Europe/Paris"'
            )
            timezone = "UTC"
        sites_raw = self.get(raw, "sites", "", dict, {})
        if not sites_raw:
            self.error("sites", "no sites defined", "add [sites.professional] and [sites.personal]")
        names = tuple(sites_raw)
        sites = []
        for name, table in sites_raw.items():
            where = f"sites.{name}"
            if not isinstance(table, dict):
                self.error(where, "must be a table", f"write it as [sites.{name}]")
                continue
            sites.append(self.site(name, table, names))
        default_audience = self.get(raw, "default_audience", "", str, None)
        if default_audience is not None and default_audience not in (*names, "all"):
            self.error(
                "default_audience",
                f"'{default_audience}' is not a site",
                f"use one of: {', '.join((*names, 'all'))}",
            )
        self.check_distinct(sites)
        content_dir = (self.root / content).resolve()
        output_dir = (output if output is not None else self.root / out).resolve()
        self.check_folders(content_dir, output_dir, sites, named="content" in raw)
        self.problems.raise_if_any(ConfigError)
        return Config(
            path=self.path,
            root=self.root,
            content_dir=content_dir,
            output_dir=output_dir,
            sites=tuple(sites),
            default_audience=default_audience,
            timezone=timezone,
        )

    def site(self, name: str, table: dict, names: tuple[str, ...]) -> SiteConfig:
        where = f"sites.{name}."
        if not SITE_NAME.match(name):
            self.error(
                f"sites.{name}",
                "a site name must be lowercase letters, digits, '-' or '_'",
                "rename the table, e.g. [sites.personal]",
            )
        elif name in RESERVED_NAMES:
            self.error(
                f"sites.{name}",
                f"'{name}' is reserved (it is a front-matter key or an audience keyword)",
                "choose another name",
            )
        elif name in DEVICE_NAMES:
            self.error(
                f"sites.{name}",
                f"'{name}' is reserved (Windows cannot make a folder of that name)",
                "choose another name",
            )
        self.unknown_keys(table, SITE_KEYS, where)
        title = self.get(table, "title", where, str, name)
        base_url = self.base_url(table, where)
        theme = self.get(table, "theme", where, str, name)
        if not theme_exists(self.root, theme):
            self.error(
                f"{where}theme",
                f"no theme '{theme}'",
                f"use a shipped theme (professional, personal) or create themes/{theme}/templates/",
            )
        feeds = self.text_list(table, "feeds", where, FEED_KINDS)
        for feed in feeds:
            if feed not in FEED_KINDS:
                self.error(f"{where}feeds", f"unknown feed '{feed}'", "use atom, rss and/or json")
        per_page = self.get(table, "posts_per_page", where, int, 10)
        if per_page < 1:
            self.error(f"{where}posts_per_page", f"must be at least 1, not {per_page}")
            per_page = 10
        return SiteConfig(
            name=name,
            title=title,
            base_url=base_url,
            theme=theme,
            language=self.get(table, "language", where, str, "en"),
            description=self.get(table, "description", where, str, ""),
            author=self.author(table, where),
            feeds=tuple(dict.fromkeys(f for f in feeds if f in FEED_KINDS)),
            posts_per_page=per_page,
            noindex=self.get(table, "noindex", where, bool, False),
            forbid=tuple(f for f in self.text_list(table, "forbid", where, ()) if f.strip()),
            links=self.links(name, table, where, names),
            keep_image_metadata=self.get(table, "keep_image_metadata", where, bool, False),
            deploy=self.deploy(table, where),
        )

    def base_url(self, table: dict, where: str) -> str:
        """The site's address, normalised (lowercase scheme and host, a trailing "/").

        Every page, feed, sitemap and robots.txt URL is built from it, so anything a
        browser or a feed reader would choke on is refused here, by its key.
        """
        value = self.get(table, "base_url", where, str, None)
        key = f"{where}base_url"
        if value is None:
            if "base_url" not in table:
                self.error(key, "missing", 'add base_url = "https://example.com/"')
            return "https://example.invalid/"
        parts = urlsplit(value.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.netloc:
            self.error(
                key,
                f"'{value}' is not an http(s) URL",
                'write it in full, e.g. "https://example.com/"',
            )
            return "https://example.invalid/"
        problem = _address_problem(parts.netloc, parts.hostname, parts.path)
        if problem:
            self.error(key, f"'{value}' {problem[0]}", problem[1])
        elif parts.query or parts.fragment or value.rstrip().endswith(("?", "#")):
            self.error(key, f"'{value}' has a query or fragment", "remove it")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return f"{scheme}://{parts.netloc.lower()}{path}"

    def author(self, table: dict, where: str) -> Author:
        raw = self.get(table, "author", where, dict, {})
        where = f"{where}author."
        self.unknown_keys(raw, AUTHOR_KEYS, where)
        avatar = self.get(raw, "avatar", where, str, "")
        if avatar and not (self.root / avatar).is_file():
            self.error(
                f"{where}avatar",
                f"no file '{avatar}'",
                "give a path relative to the folder of splitblog.toml",
            )
        return Author(
            name=self.get(raw, "name", where, str, ""),
            email=self.get(raw, "email", where, str, ""),
            avatar=avatar,
            bio=self.get(raw, "bio", where, str, ""),
        )

    def links(
        self, name: str, table: dict, where: str, names: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        raw = self.get(table, "links", where, dict, {})
        policies = []
        for other, policy in raw.items():
            key = f"{where}links.{other}"
            if other == name:
                self.error(key, "a site needs no policy toward itself", "remove this line")
            elif other not in names:
                self.error(key, f"'{other}' is not a site", f"use one of: {', '.join(names)}")
            elif policy not in POLICIES:
                self.error(key, f"unknown policy {policy!r}", 'use "deny", "strip" or "allow"')
            else:
                policies.append((other, policy))
        return tuple(policies)

    def deploy(self, table: dict, where: str) -> DeployConfig | None:
        raw = self.get(table, "deploy", where, dict, None)
        if raw is None:
            return None
        where = f"{where}deploy."
        self.unknown_keys(raw, DEPLOY_KEYS, where)
        target = self.get(raw, "target", where, str, "")
        if not target:
            self.error(f"{where}target", "missing", 'add target = "file:///srv/www/site"')
        host = self.get(raw, "host", where, str, None)
        if host is not None and host not in HOSTS:
            self.error(f"{where}host", f"unknown host '{host}'", f"use one of: {', '.join(HOSTS)}")
            host = None
        max_deletes = self.get(raw, "max_deletes", where, int, 50)
        if max_deletes < 0:
            self.error(f"{where}max_deletes", "must not be negative")
        return DeployConfig(
            target=target,
            host=host,
            max_deletes=max_deletes,
            endpoint_url=self.get(raw, "endpoint_url", where, str, None),
            region=self.get(raw, "region", where, str, None),
            cache_control=self.get(raw, "cache_control", where, str, None),
        )

    def check_distinct(self, sites: list[SiteConfig]) -> None:
        """Two sites at one address would serve each other's pages: http and https,
        or a default port written out, are the same address."""
        seen: dict[tuple[str, str], str] = {}
        for site in sites:
            address = _address(site.base_url)
            if address in seen:
                self.error(
                    f"sites.{site.name}.base_url",
                    f"same base_url as sites.{seen[address]}",
                    "give every site its own address",
                )
            seen.setdefault(address, site.name)

    def check_folders(
        self, content: Path, output: Path, sites: list[SiteConfig], named: bool
    ) -> None:
        """The content folder, when named, must exist: a misspelt one would build empty
        sites in place of the real ones. And the output must never overwrite what the
        build reads: a site's folder is replaced whole by every build, so a site folder
        that is (or holds) the project, its content or themes would be lost."""
        if content.exists() and not content.is_dir():
            self.error("content", f"'{self.rel(content)}' is not a folder", "name a folder")
        elif named and not content.is_dir():
            self.error(
                "content",
                f"no folder '{self.rel(content)}'",
                "create it (with posts/ and pages/), or fix the path",
            )
        kept = {
            "the project folder": self.root,
            "the content folder": content,
            "the themes folder": self.root / "themes",
            "splitblog's cache": self.root / ".splitblog",
        }
        if output == content or output.is_relative_to(content):
            self.error(
                "output",
                f"'{self.rel(output)}' is inside the content folder",
                'write the output elsewhere, e.g. output = "public"',
            )
            return
        for site in sites:
            folder = output / site.name
            for what, path in kept.items():
                if path == folder or path.is_relative_to(folder):
                    self.error(
                        "output",
                        f"the {site.name} site's folder {self.rel(folder)}/ would replace {what}",
                        'write the output elsewhere, e.g. output = "public"',
                    )
                    break

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix() or "."
        except ValueError:
            return str(path)


def _address(base_url: str) -> tuple[str, str]:
    """(host:port, path) of an address: what two sites must not share."""
    parts = urlsplit(base_url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port if parts.port not in (None, default) else None
    except ValueError:  # reported as an invalid port already
        port = None
    return (f"{host}:{port}" if port else host, parts.path)


def _address_problem(netloc: str, host: str | None, path: str) -> tuple[str, str] | None:
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


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        list: "a list",
        dict: "a table",
        float: "a number",
    }.get(kind, kind.__name__)
