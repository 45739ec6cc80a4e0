"""content/ → Sources: files found, front matter read and checked, one Source per file.

Every problem is reported with its file and line (counted from the top of the file,
front matter included) and collected, so one run names them all.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from splitblog.config import Config
from splitblog.content.frontmatter import HANDLERS, TooLarge
from splitblog.content.only import file_problems
from splitblog.content.only import parse as parse_blocks
from splitblog.content.slugs import slug_from_filename, slug_problem
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
)
OVERRIDE_KEYS = ("title", "summary", "tags", "slug")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]", re.M)
TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
# Characters no web page or feed may hold: XML 1.0 forbids the C0 controls (but tab and
# the line ends) and U+FFFE/U+FFFF, so a feed with one is not XML at all. The Markdown
# stage also uses \x02 and \x03 as its own placeholders. Refused where they are written.
FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_REPORTED_LINES = 5  # of one file's lines with a forbidden character


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
    forbidden = _forbidden_characters(text, rel)
    if forbidden:
        raise ContentError(forbidden)
    # The dates read depend on the time zone too: a page cached under the digest must be
    # made again when it changes, or it keeps the old offset.
    digest = digest_bytes(data + b"\0" + config.timezone.encode())
    return _Parser(file, config, rel, digest).parse(text)


def _forbidden_characters(text: str, rel: str) -> list[Problem]:
    """One problem per line (the first few) holding a character pages cannot carry."""
    problems: list[Problem] = []
    if not FORBIDDEN_CHAR.search(text):
        return problems
    for number, line in enumerate(text.split("\n"), start=1):
        found = FORBIDDEN_CHAR.search(line)
        if found is None:
            continue
        problems.append(
            Problem(
                f"control character U+{ord(found.group()):04X} at column {found.start() + 1}",
                path=rel,
                line=number,
                hint="remove it: web pages and feeds cannot hold it",
            )
        )
        if len(problems) == MAX_REPORTED_LINES:
            break
    return problems


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
        meta, body, body_line = self.split(text)
        self.problems.raise_if_any()
        source = self.check(meta, body, body_line)
        self.problems.raise_if_any()
        return source

    def split(self, text: str) -> tuple[dict, str, int]:
        handler = next((h for h in HANDLERS if h.detect(text)), None)
        if handler is None:
            self.problems.add(
                "no front matter",
                path=self.rel,
                line=1,
                hint="start the file with a --- block giving at least title"
                + (", date" if self.file.kind == "post" else ""),
            )
            return {}, text, 1
        bounds = list(itertools.islice(handler.FM_BOUNDARY.finditer(text), 2))
        if len(bounds) < 2:
            self.problems.add(
                f"front matter opened with {handler.START_DELIMITER} is never closed",
                path=self.rel,
                line=1,
                hint=f"end it with a line {handler.START_DELIMITER}",
            )
            return {}, text, 1
        start, end = bounds[0], bounds[1]
        fm_text = text[start.end() : end.start()]
        fm_line = text.count("\n", 0, start.end()) + 1  # line of fm_text's first character
        body_start = end.end() + 1 if text[end.end() : end.end() + 1] == "\n" else end.end()
        body = text[body_start:]
        body_line = text.count("\n", 0, body_start) + 1
        try:
            meta = handler.load(fm_text)
        except TooLarge as exc:
            mark = exc.problem_mark
            self.problems.add(
                f"front matter is too large: {exc.problem}",
                path=self.rel,
                line=fm_line + mark.line if mark is not None else fm_line,
                hint="front matter holds a few keys: move long data out of it",
            )
            return {}, body, body_line
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = TOML_LINE.search(message)
            last = fm_line + fm_text.count("\n") - 1  # "at end of document": the last line
            line = fm_line + int(found.group(1)) - 1 if found else last
            self.problems.add(
                f"front matter is not valid TOML: {TOML_LINE.sub('', message).strip()}",
                path=self.rel,
                line=line,
            )
            return {}, body, body_line
        except Exception as exc:  # yaml raises many types; each is a user's syntax error
            mark = getattr(exc, "problem_mark", None)
            line = fm_line + mark.line if mark is not None else fm_line
            problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
            context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
            if context and start is not None and start.line != getattr(mark, "line", None):
                problem += f" ({context} that starts on line {fm_line + start.line})"
            self.problems.add(
                f"front matter is not valid YAML: {problem}",
                path=self.rel,
                line=line,
                hint="check the quoting and indentation",
            )
            return {}, body, body_line
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            self.problems.add(
                "front matter must be a mapping of keys to values",
                path=self.rel,
                line=fm_line + 1,
                hint="write key: value lines, e.g. title: My post",
            )
            return {}, body, body_line
        for match in TOP_KEY.finditer(fm_text):
            self.lines.setdefault(match.group(1), fm_line + fm_text.count("\n", 0, match.start()))
        for key, value in meta.items():
            bad = _forbidden_in(value) or _forbidden_in(key)
            if bad is not None:
                self.error(
                    f"{key} holds the control character U+{ord(bad):04X}",
                    str(key),
                    "remove the escape that makes it: web pages and feeds cannot hold it",
                )
        return meta, body, body_line

    # -- fields ------------------------------------------------------------------------
    def check(self, meta: dict, body: str, body_line: int) -> Source:
        is_post = self.file.kind == "post"
        title = self.text(meta, "title", required=True)
        when = self.moment(meta, "date", required=is_post)
        updated = self.moment(meta, "updated", required=False)
        audience = self.audience(meta)
        draft = meta.get("draft", False)
        if not isinstance(draft, bool):
            self.error(f"draft must be true or false, not {draft!r}", "draft", "write draft: true")
            draft = False
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
            tags=self.tags(meta, "tags") or (),
            summary=self.text(meta, "summary", required=False),
            draft=draft,
            canonical=canonical,
            overrides=tuple(overrides),
            extra=tuple(extra),
            bundle=self.file.bundle,
            assets=self.file.assets,
            lines=tuple(self.lines.items()),
            only=only,
        )

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
        if not isinstance(value, str) or (required and not value.strip()):
            kind = "empty" if isinstance(value, str) else f"a {_yaml_type(value)}"
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
                self.error(f"{key} is missing", key, f"add {key}: {date.today().isoformat()}")
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
        self.error(
            f"{key} {_shown(value)} is not a date",
            key,
            "write 2026-11-25 or 2026-11-25T09:30:00+01:00",
        )
        return None

    def audience(self, meta: dict) -> frozenset[str]:
        sites = self.config.site_names
        value = meta.get("audience")
        if value is None:
            if self.config.default_audience is None:
                self.error(
                    "audience is missing and the configuration sets no default_audience",
                    "audience",
                    f"add audience: {sites[0]} (or a list, or all)",
                )
                return frozenset()
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
            value = [value]
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
        )


def _forbidden_in(value: Any) -> str | None:
    """The first forbidden character in a front-matter value, however deeply nested."""
    if isinstance(value, str):
        found = FORBIDDEN_CHAR.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return None
    for item in items:
        bad = _forbidden_in(item)
        if bad is not None:
            return bad
    return None


def _shown(value: Any) -> str:
    """A value as the user wrote it, for messages (not Python's repr of a time)."""
    if isinstance(value, time):
        return f"{value.isoformat()} (a time of day)"
    if isinstance(value, str | int | float | list | dict):
        return repr(value)
    return f"({_yaml_type(value)})"


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, date):
        return "date"
    return type(value).__name__


def read_or_problems(file: SourceFile, config: Config) -> Source | tuple[Problem, ...]:
    """A Source, or what is wrong with the file (safe to call in a worker process)."""
    try:
        return read_source(file, config)
    except ContentError as exc:
        return exc.problems
