"""splitblog.toml → a validated Config. Every problem is collected with its key path.

The options, their types and defaults are schema.py's; what is checked here beyond a
value's type is named by an option's `check` and done by the `check_<name>` method.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import MISSING
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from splitblog.config.addresses import address, address_problem
from splitblog.config.persona import PersonaChecks
from splitblog.config.schema import (
    FEED_KINDS,
    HOSTS,
    PERMALINKS,
    POLICIES,
    Author,
    Config,
    DeployConfig,
    SiteConfig,
    options,
)
from splitblog.errors import ConfigError, Problems
from splitblog.theming import theme_exists

CONFIG_NAME = "splitblog.toml"
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
# A site's name is also a front-matter key (its override table) and an audience value.
RESERVED_NAMES = frozenset(
    {"all", "title", "date", "audience", "tags", "summary", "slug", "draft", "updated", "canonical",
     "aliases", "external_paths"}
)  # fmt: skip
PERMALINK_TOKEN = re.compile(r"\{([^{}]*)\}")
PERMALINK_TOKENS = {"posts": ("year", "month", "day", "slug"), "pages": ("path", "slug")}
# …and the name of its output folder, which Windows (a share, a synced folder) cannot
# create under these names whatever follows them.
DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
AUTHOR = re.compile(r"^\s*[^<>\s][^<>\n]*<[^<>\s]*>\s*$")  # git's "Name <email>"
INVALID = object()  # a value of the wrong type (reported); its default stands in
KINDS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "list of strings": (list,),
    "list of integers": (list,),
    "table": (dict,),
    "string or table": (str, dict),
}


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


class _Reader(PersonaChecks):
    def __init__(self, path: Path):
        self.path = path
        self.root = path.parent
        self.problems = Problems()
        self.names: tuple[str, ...] = ()  # the sites, once known
        self.site_name = ""  # the site whose table is being read

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.add(message, path=self.path.name, key=key, hint=hint)

    # -- reading a table by its declarations -------------------------------------------------
    def table(self, schema: type, raw: dict, where: str) -> dict[str, Any]:
        """The fields of `schema` from a TOML table: each value type-checked, checked
        further where its option says so, else its default; unknown keys named."""
        declared = options(schema)
        self.unknown_keys(raw, tuple(opt.key for _n, opt, _d in declared), where)
        values: dict[str, Any] = {}
        for name, opt, default in declared:
            key = f"{where}{opt.key}"
            value = self.typed(raw[opt.key], opt.kind, key) if opt.key in raw else MISSING
            if value is INVALID:  # said already; the default stands in
                value = MISSING
            elif opt.check:
                value = getattr(self, f"check_{opt.check}")(value, key)
            values[name] = default if value is MISSING else value
        return values

    def typed(self, value: Any, kind: str, key: str) -> Any:
        """`value` when it is of the option's kind; else INVALID, and the problem noted."""
        kinds = KINDS[kind]
        if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
            if not kind.startswith("list of "):
                return value
            item = str if kind == "list of strings" else int
            if all(isinstance(v, item) and not isinstance(v, bool) for v in value):
                return tuple(value)
            self.error(key, f"must be a {kind}")
            return INVALID
        names = " or ".join(_type_name(k) for k in kinds)
        self.error(key, f"must be {names}, not {_type_name(type(value))}")
        return INVALID

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
        values = self.table(Config, raw, "")
        content_dir = (self.root / values["content_dir"]).resolve()
        output_dir = (output if output is not None else self.root / values["output_dir"]).resolve()
        sites = values["sites"]
        self.check_distinct(sites)
        self.check_comment_ties(sites)
        self.check_folders(content_dir, output_dir, sites, named="content" in raw)
        if output is not None:
            configured = (self.root / values["output_dir"]).resolve()
            self.check_nested_output(output_dir, configured, sites)
        self.problems.raise_if_any(ConfigError)
        return Config(
            self.path, self.root, **{**values, "content_dir": content_dir, "output_dir": output_dir}
        )

    def check_content(self, value: Any, key: str) -> Any:
        return value if value is MISSING else Path(value)

    check_output = check_content

    def check_timezone(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(key, f"unknown time zone '{value}'", 'use a name like "Europe/Paris"')
            return MISSING
        return value

    def check_sites(self, value: Any, key: str) -> Any:
        if value is MISSING or not value:
            self.error(key, "no sites defined", "add [sites.professional] and [sites.personal]")
            return ()
        self.names = tuple(value)
        sites = []
        for name, table in value.items():
            if not isinstance(table, dict):
                self.error(f"sites.{name}", "must be a table", f"write it as [sites.{name}]")
                continue
            sites.append(self.site(name, table))
        return tuple(sites)

    def check_default_audience(self, value: Any, key: str) -> Any:
        if value is not MISSING and value not in (*self.names, "all"):
            self.error(
                key, f"'{value}' is not a site", f"use one of: {', '.join((*self.names, 'all'))}"
            )
        return value

    # -- a site --------------------------------------------------------------------------
    def site(self, name: str, table: dict) -> SiteConfig:
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
        self.site_name = name
        self.external: tuple[str, ...] = ()
        values = self.table(SiteConfig, table, f"sites.{name}.")
        values["title"] = values["title"] or name
        self.check_reply_address(table, values, f"sites.{name}.")
        return SiteConfig(name=name, external_paths=self.external, **values)

    def check_base_url(self, value: Any, key: str) -> Any:
        """The site's address, normalised (lowercase scheme and host, a trailing "/").

        Every page, feed, sitemap and robots.txt URL is built from it, so anything a
        browser or a feed reader would choke on is refused here, by its key.
        """
        if value is MISSING:
            self.error(key, "missing", 'add base_url = "https://example.com/"')
            return MISSING
        parts = urlsplit(value.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.netloc:
            self.error(
                key,
                f"'{value}' is not an http(s) URL",
                'write it in full, e.g. "https://example.com/"',
            )
            return MISSING
        problem = address_problem(parts.netloc, parts.hostname, parts.path)
        if problem:
            self.error(key, f"'{value}' {problem[0]}", problem[1])
        elif parts.query or parts.fragment or value.rstrip().endswith(("?", "#")):
            self.error(key, f"'{value}' has a query or fragment", "remove it")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return f"{scheme}://{parts.netloc.lower()}{path}"

    def check_theme(self, value: Any, key: str) -> Any:
        theme = self.site_name if value is MISSING else value
        if not theme_exists(self.root, theme):
            self.error(
                key,
                f"no theme '{theme}'",
                f"use a shipped theme (professional, personal) or create themes/{theme}/templates/",
            )
        return theme

    def check_feeds(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        for feed in value:
            if feed not in FEED_KINDS:
                self.error(key, f"unknown feed '{feed}'", "use atom, rss and/or json")
        return tuple(dict.fromkeys(f for f in value if f in FEED_KINDS))

    def check_per_page(self, value: Any, key: str) -> Any:
        if value is not MISSING and value < 1:
            self.error(key, f"must be at least 1, not {value}")
            return MISSING
        return value

    def check_forbid(self, value: Any, key: str) -> Any:
        return value if value is MISSING else tuple(f for f in value if f.strip())

    def check_image_widths(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        bad = [w for w in value if not 16 <= w <= 8192]
        if bad:
            self.error(
                key,
                f"{bad[0]} is not a width splitblog publishes photos in",
                "give widths in pixels from 16 to 8192, e.g. [480, 960, 1600] (or [] for none)",
            )
            return MISSING
        return tuple(sorted(set(value)))

    def check_publish_as_is(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        for pattern in value:
            if not pattern.strip():
                self.error(key, "an empty pattern", 'write a file-name pattern, e.g. "*.zip"')
            elif pattern.strip("*./") == "":
                self.error(
                    key,
                    f"'{pattern}' names every file: nothing would be refused",
                    'name the kinds to publish as they are, e.g. ["*.zip", "talks/*.key"]',
                )
        return tuple(value)

    def check_links(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        policies = []
        for other, policy in value.items():
            where = f"{key}.{other}"
            if other == "external_paths":
                self.external = self.check_external_paths(policy, where)
            elif other == self.site_name:
                self.error(where, "a site needs no policy toward itself", "remove this line")
            elif other not in self.names:
                self.error(
                    where, f"'{other}' is not a site", f"use one of: {', '.join(self.names)}"
                )
            elif policy not in POLICIES:
                self.error(where, f"unknown policy {policy!r}", 'use "deny", "strip" or "allow"')
            else:
                policies.append((other, policy))
        return tuple(policies)

    def check_external_paths(self, value: Any, key: str) -> tuple[str, ...]:
        """Root-relative paths something else serves on the site's host: an address
        that starts with one of them is not refused as leading nowhere."""
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "must be a list of strings", 'e.g. external_paths = ["/cgi-bin/"]')
            return ()
        for path in value:
            if not path.startswith("/") or path.startswith("//"):
                self.error(key, f"'{path}' is not a root-relative path", 'start it with "/"')
        return tuple(v for v in value if v.startswith("/") and not v.startswith("//"))

    def check_permalinks(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        self.unknown_keys(value, tuple(PERMALINK_TOKENS), f"{key}.")
        patterns = dict(PERMALINKS)
        for kind in PERMALINK_TOKENS:
            if kind not in value:
                continue
            pattern, where = value[kind], f"{key}.{kind}"
            problem = permalink_problem(pattern, PERMALINK_TOKENS[kind])
            if problem:
                self.error(where, problem[0], problem[1])
            else:
                patterns[kind] = pattern
        return tuple(patterns.items())

    def check_author(self, value: Any, key: str) -> Author:
        return Author(**self.table(Author, {} if value is MISSING else value, f"{key}."))

    def check_avatar(self, value: Any, key: str) -> Any:
        if value is not MISSING and value and not (self.root / value).is_file():
            self.error(
                key, f"no file '{value}'", "give a path relative to the folder of splitblog.toml"
            )
        return value

    # -- a site's deploy table -------------------------------------------------------------
    def check_deploy(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        return DeployConfig(**self.table(DeployConfig, value, f"{key}."))

    def check_target(self, value: Any, key: str) -> Any:
        if value is MISSING or not value:
            self.error(key, "missing", 'add target = "file:///srv/www/site"')
        return value

    def check_host(self, value: Any, key: str) -> Any:
        if value is not MISSING and value not in HOSTS:
            self.error(key, f"unknown host '{value}'", f"use one of: {', '.join(HOSTS)}")
            return MISSING
        return value

    def check_deploy_author(self, value: Any, key: str) -> Any:
        if value is not MISSING and not AUTHOR.match(value):
            self.error(
                key,
                f"{value!r} is not an author",
                'write it as git does: author = "Site Publisher <publisher@example.com>"',
            )
            return MISSING
        return value

    def check_max_deletes(self, value: Any, key: str) -> Any:
        if value is not MISSING and value < 0:
            self.error(key, "must not be negative")
        return value

    # -- across options --------------------------------------------------------------------
    def check_distinct(self, sites: tuple[SiteConfig, ...]) -> None:
        """Two sites at one address would serve each other's pages: http and https,
        or a default port written out, are the same address."""
        seen: dict[tuple[str, str], str] = {}
        for site in sites:
            where = address(site.base_url)
            if where in seen:
                self.error(
                    f"sites.{site.name}.base_url",
                    f"same base_url as sites.{seen[where]}",
                    "give every site its own address",
                )
            seen.setdefault(where, site.name)

    def check_folders(
        self, content: Path, output: Path, sites: tuple[SiteConfig, ...], named: bool
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

    def check_nested_output(
        self, output: Path, configured: Path, sites: tuple[SiteConfig, ...]
    ) -> None:
        """An output folder (-o) inside a site folder of the configured output, or
        holding one: one site's build would become files of another site's folder, and
        be published with it (or replace it)."""
        if output == configured:
            return
        for mine in sites:
            for theirs in sites:
                ours, other = output / mine.name, configured / theirs.name
                if ours.is_relative_to(other):
                    relation = "inside"
                elif other.is_relative_to(ours):
                    relation = "holding"
                else:
                    continue
                self.error(
                    "output",
                    f"-o {self.rel(output)} puts the {mine.name} site's folder "
                    f"{self.rel(ours)}/ {relation} the {theirs.name} site's folder "
                    f"{self.rel(other)}/",
                    "write the output to a folder of its own, outside every site's folder",
                )
                return

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix() or "."
        except ValueError:
            return str(path)


def permalink_problem(pattern: Any, tokens: tuple[str, ...]) -> tuple[str, str] | None:
    """(what is wrong, what to do) with a permalink pattern, or None."""
    if not isinstance(pattern, str):
        return "must be a string", 'e.g. posts = "/{year}/{month}/{slug}/"'
    if not pattern.startswith("/") or pattern.startswith("//"):
        return f"'{pattern}' must start with /", 'e.g. "/{year}/{slug}/"'
    if not (pattern.endswith("/") or pattern.endswith(".html")):
        return f"'{pattern}' must end with / or .html", 'e.g. "/{year}/{month}/{slug}.html"'
    unknown = [t for t in PERMALINK_TOKEN.findall(pattern) if t not in tokens]
    if unknown:
        known = ", ".join("{" + t + "}" for t in tokens)
        return f"unknown token {{{unknown[0]}}} in '{pattern}'", f"use {known}"
    if "{slug}" not in pattern:
        return f"'{pattern}' has no {{slug}}: every post would get one address", "add {slug}"
    rest = PERMALINK_TOKEN.sub("x", pattern)
    if any(c in rest for c in "?#\\{} ") or any(s in (".", "..") for s in rest.split("/")):
        return f"'{pattern}' is not a plain path", "use letters, digits, '-', '_', '/' and tokens"
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
