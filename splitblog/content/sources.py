"""content/ → Sources: files found, front matter read and checked, one Source per file.

Every problem is reported with its file and line (counted from the top of the file,
front matter included) and collected, so one run names them all.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from splitblog.config import Config
from splitblog.content.generators import (
    ALIAS_KEYS,
    EXPIRY_KEYS,
    LOOKS_DATED,
    SUMMARY_KEYS,
    date_hint,
    file_date,
    first_of,
    foreign_keys,
    template_tags,
    words,
)
from splitblog.content.header import split
from splitblog.content.only import file_problems
from splitblog.content.only import parse as parse_blocks
from splitblog.content.slugs import slug_from_filename, slug_problem
from splitblog.content.values import (
    FORBIDDEN_CHAR,
    forbidden_characters,
    shown,
    yaml_type,
)
from splitblog.content.walk import SourceFile
from splitblog.errors import ContentError, Problem, Problems
from splitblog.model import OnlyParse, Override, Source

KNOWN_KEYS = (
    "title",
    "date",
    "updated",
    "audience",
    "tags",
    "summary",
    "slug",
    "draft",
    "canonical",
    # what other generators call them (content/generators.py)
    "published",
    "categories",
    *SUMMARY_KEYS[1:],
    *EXPIRY_KEYS,
    *ALIAS_KEYS,
)
OVERRIDE_KEYS = ("title", "summary", "tags", "slug", "aliases")


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_source(file: SourceFile, config: Config, data: bytes | None = None) -> Source:
    """Read one content file into a Source, or raise ContentError naming its problems."""
    rel = config.rel(file.path)
    if data is None:
        try:
            data = file.path.read_bytes()
        except OSError as exc:
            raise ContentError(Problem(f"cannot read: {exc.strerror}", path=rel)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            Problem(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                path=rel,
                line=line,
                hint="save the file as UTF-8",
            )
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    forbidden = forbidden_characters(text, rel)
    if forbidden:
        raise ContentError(forbidden)
    # The dates read depend on the time zone too: a page cached under the digest must be
    # made again when it changes, or it keeps the old offset.
    digest = digest_bytes(data + b"\0" + config.timezone.encode())
    return _Parser(file, config, rel, digest).parse(text)


class _Parser:
    def __init__(self, file: SourceFile, config: Config, rel: str, digest: str):
        self.file = file
        self.config = config
        self.rel = rel
        self.digest = digest
        self.problems = Problems()
        self.lines: dict[str, int] = {}

    def error(self, message: str, key: str | None = None, hint: str | None = None) -> None:
        line = self.lines.get(key, 1) if key else 1
        self.problems.add(message, path=self.rel, line=line, hint=hint)

    def parse(self, text: str) -> Source:
        meta, body, body_line = split(text, self.rel, self.file.kind, self.problems, self.lines)
        self.problems.raise_if_any()
        source = self.check(meta, body, body_line)
        self.problems.raise_if_any()
        return source

    # -- fields ------------------------------------------------------------------------
    def check(self, meta: dict, body: str, body_line: int) -> Source:
        is_post = self.file.kind == "post"
        title = self.text(meta, "title", required=True)
        if is_post and meta.get("date") is None and self.named_date() is not None:
            meta = {**meta, "date": self.named_date()}  # Jekyll: the file name's date
        when = self.moment(meta, "date", required=is_post)
        updated = self.moment(meta, "updated", required=False)
        expiry_key, _ = first_of(meta, EXPIRY_KEYS)
        expires = self.moment(meta, expiry_key, required=False) if expiry_key else None
        audience = self.audience(meta)
        no_audience = meta.get("audience") is None and self.config.default_audience is None
        draft = self.flag(meta, "draft", False)
        if "draft" not in meta and "published" in meta:  # Jekyll's published: false
            draft = not self.flag(meta, "published", True)
        slug = self.slug(meta)
        canonical = self.text(meta, "canonical", required=False)
        if canonical is not None and canonical not in audience:
            self.error(
                f"canonical '{canonical}' is not one of this post's sites",
                "canonical",
                f"use one of: {', '.join(sorted(audience)) or 'its audience'}",
            )
        overrides = []
        extra = []
        for key, value in meta.items():
            if key in KNOWN_KEYS:
                continue
            if key in self.config.site_names:
                overrides.append((key, self.override(key, value)))
            else:
                extra.append((str(key), value))
        only = self.only_blocks(body, body_line)
        summary_key, _ = first_of(meta, SUMMARY_KEYS)
        tags = (self.tags(meta, "tags") or ()) + (self.tags(meta, "categories") or ())
        alias_key, _ = first_of(meta, ALIAS_KEYS)
        warnings = foreign_keys(meta, self.lines) + [
            (body_line + line, message, hint) for line, message, hint in template_tags(body)
        ]
        return Source(
            kind="post" if is_post else "page",
            key=self.file.key,
            rel=self.rel,
            title=title or "",
            slug=slug,
            audience=audience,
            body=body,
            body_line=body_line,
            digest=self.digest,
            date=when,
            updated=updated,
            tags=tuple(dict.fromkeys(tags)),
            summary=self.text(meta, summary_key, required=False) if summary_key else None,
            draft=draft,
            canonical=canonical,
            overrides=tuple(overrides),
            extra=tuple(extra),
            bundle=self.file.bundle,
            assets=self.file.assets,
            lines=tuple(self.lines.items()),
            only=only,
            aliases=self.aliases(meta, alias_key) if alias_key else (),
            expires=expires,
            no_audience=no_audience,
            warnings=tuple(sorted(warnings, key=lambda w: w[0])),
        )

    def named_date(self) -> date | None:
        """The date of a Jekyll-style file (or bundle folder) name, if it is a date."""
        stem = self.file.path.parent.name if self.file.bundle else self.file.path.stem
        return file_date(stem)

    def flag(self, meta: dict, key: str, default: bool) -> bool:
        value = meta.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{key} must be true or false, not {value!r}", key, f"write {key}: true")
            return default
        return value

    def aliases(self, meta: dict, key: str, where: str = "") -> tuple[str, ...]:
        """Old addresses: root-relative paths, each served as a redirect (routing)."""
        value = meta.get(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"{where}{key} must be a list of addresses", key.split(".")[0],
                       'e.g. aliases: ["/2009/10/old-title.html"]')  # fmt: skip
            return ()
        kept = []
        for alias in (v.strip() for v in value):
            if not alias.startswith("/") or alias.startswith("//") or "#" in alias:
                self.error(
                    f"{where}{key}: '{alias}' is not an address on the site",
                    where.rstrip(".") or key,
                    "write it from the site's root, as the old blog served it: "
                    "/2009/10/old-title.html",
                )
            elif FORBIDDEN_CHAR.search(alias) or any(c in alias for c in ' \t\n<>"\\'):
                self.error(f"{where}{key}: '{alias}' holds characters an address cannot",
                           where.rstrip(".") or key, "percent-encode them, e.g. %20")  # fmt: skip
            else:
                kept.append(alias)
        return tuple(dict.fromkeys(kept))

    def only_blocks(self, body: str, body_line: int) -> OnlyParse:
        """The body's `::: only` blocks, by the Markdown parse (content/only.py): lines
        that look like a fence but are not one, blocks never closed, unknown sites."""
        only = parse_blocks(body)
        for line, message, hint in file_problems(only, body_line):
            self.problems.add(message, path=self.rel, line=line, hint=hint)
        for block in only.blocks:
            unknown = sorted(block.sites - set(self.config.site_names))
            if unknown:
                self.problems.add(
                    f"`::: only` names unknown site {', '.join(map(repr, unknown))}",
                    path=self.rel,
                    line=body_line + block.first,
                    hint=f"use one of: {', '.join(self.config.site_names)}",
                )
        return only

    def text(self, meta: dict, key: str, required: bool, where: str = "") -> str | None:
        value = meta.get(key)
        if value is None:
            if required:
                self.error(f"{where}{key} is missing", key, f'add {key}: "…" to the front matter')
            return None
        if isinstance(value, str) and required and not value.strip():
            self.error(f"{where}{key} is empty", key.split(".")[0], "write one")
            return None
        if not isinstance(value, str):
            kind = f"a {yaml_type(value)}"
            self.error(
                f"{where}{key} must be text, not {kind}",
                key.split(".")[0],
                f'quote it: {key}: "{value}"' if not isinstance(value, (list, dict)) else None,
            )
            return None
        return value.strip()

    def moment(self, meta: dict, key: str, required: bool) -> datetime | None:
        value = meta.get(key)
        if value is None:
            if required:
                self.error(f"{key} is missing", key, self.missing_date_hint(key))
            return None
        zone = ZoneInfo(self.config.timezone)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=zone)
        if isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=zone)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        self.error(f"{key} {shown(value)} is not a date", key, date_hint(value))
        return None

    def missing_date_hint(self, key: str) -> str:
        """A dated file name's own date (when it is one), else today's."""
        stem = self.file.path.parent.name if self.file.bundle else self.file.path.stem
        if LOOKS_DATED.match(stem):
            return (
                f"the file name starts with '{stem[:10]}', which is not a date: "
                f"fix it, or add {key}: YYYY-MM-DD"
            )
        return f"add {key}: {date.today().isoformat()}"

    def audience(self, meta: dict) -> frozenset[str]:
        sites = self.config.site_names
        value = meta.get("audience")
        if value is None:
            if self.config.default_audience is None:
                return frozenset()  # on no site: routing refuses it (Source.no_audience)
            value = self.config.default_audience
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
            self.error(
                "audience must be a site name, a list of site names, or all",
                "audience",
                f"e.g. audience: [{', '.join(sites)}]",
            )
            return frozenset()
        if "all" in names:
            return frozenset(sites)
        unknown = [n for n in names if n not in sites]
        if unknown:
            self.error(
                f"unknown audience {', '.join(map(repr, unknown))}",
                "audience",
                f"use one of: {', '.join((*sites, 'all'))}",
            )
        return frozenset(n for n in names if n in sites)

    def tags(self, meta: dict, key: str, where: str = "") -> tuple[str, ...] | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = words(value)  # Jekyll's `tags: a b c`
        if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
            self.error(f"{where}{key} must be a list of words", key.split(".")[0], "tags: [a, b]")
            return None
        return tuple(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))

    def slug(self, meta: dict) -> str:
        value = meta.get("slug")
        if value is None:
            stem = self.file.path.parent.name if self.file.bundle else self.file.path.stem
            return slug_from_filename(stem)
        if not isinstance(value, str):
            self.error(f"slug must be text, not {value!r}", "slug")
            return "invalid"
        problem = slug_problem(value)
        if problem:
            self.error(problem, "slug", "use a plain slug such as my-post, or remove it")
            return "invalid"
        return value

    def override(self, site: str, value: Any) -> Override:
        if not isinstance(value, dict):
            self.error(
                f"'{site}' is a site: it must hold that site's overrides",
                site,
                f'e.g. {site}: {{title: "…"}}',
            )
            return Override()
        where = f"{site}."
        for key in value:
            if key in KNOWN_KEYS and key not in OVERRIDE_KEYS:
                # Kept as an unknown key, `personal: {draft: true}` would publish the post
                # on personal all the same: refuse what a site cannot override.
                self.error(
                    f"{where}{key} cannot be set per site (only {', '.join(OVERRIDE_KEYS)} can)",
                    site,
                    "keep a post off a site with audience, or part of it with ::: only"
                    if key in ("draft", "audience")
                    else f"set {key} once, at the top of the front matter",
                )
        slug = value.get("slug")
        if slug is not None:
            problem = slug_problem(slug) if isinstance(slug, str) else "slug must be text"
            if problem:
                self.error(f"{where}{problem}", site)
                slug = None
        return Override(
            title=self.text(value, "title", required=False, where=where),
            summary=self.text(value, "summary", required=False, where=where),
            tags=self.tags(value, "tags", where=where),
            slug=slug,
            extra=tuple((str(k), v) for k, v in value.items() if k not in KNOWN_KEYS),
            aliases=self.aliases(value, "aliases", where=where) if "aliases" in value else (),
        )


def read_or_problems(file: SourceFile, config: Config) -> Source | tuple[Problem, ...]:
    """A Source, or what is wrong with the file (safe to call in a worker process)."""
    try:
        return read_source(file, config)
    except ContentError as exc:
        return exc.problems
