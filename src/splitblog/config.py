"""splitblog.toml → a validated Config. Every problem is collected with its key path."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, Problems
from .model import FEED_KINDS, POLICIES, Author, Config, DeployConfig, SiteConfig
from .theming import theme_exists

CONFIG_NAME = "splitblog.toml"
HOSTS = ("github-pages", "netlify", "cloudflare-pages", "s3")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
# A site's name is also a front-matter key (its override table) and an audience value.
RESERVED_NAMES = frozenset(
    {"all", "title", "date", "audience", "tags", "summary", "slug", "draft", "updated", "canonical"}
)

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
        self.problems.raise_if_any(ConfigError)
        return Config(
            path=self.path,
            root=self.root,
            content_dir=(self.root / content).resolve(),
            output_dir=(output if output is not None else self.root / out).resolve(),
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
        value = self.get(table, "base_url", where, str, None)
        if value is None:
            if "base_url" not in table:
                self.error(f"{where}base_url", "missing", 'add base_url = "https://example.com/"')
            return "https://example.invalid/"
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.error(
                f"{where}base_url",
                f"'{value}' is not an http(s) URL",
                'write it in full, e.g. "https://example.com/"',
            )
        elif parts.query or parts.fragment:
            self.error(f"{where}base_url", f"'{value}' has a query or fragment", "remove it")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return f"{parts.scheme}://{parts.netloc}{path}"

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
        seen: dict[str, str] = {}
        for site in sites:
            if site.base_url in seen:
                self.error(
                    f"sites.{site.name}.base_url",
                    f"same base_url as sites.{seen[site.base_url]}",
                    "give every site its own address",
                )
            seen.setdefault(site.base_url, site.name)


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        list: "a list",
        dict: "a table",
        float: "a number",
    }.get(kind, kind.__name__)
