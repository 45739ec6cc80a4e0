"""What other generators' users write, read where it means the same to splitblog — and
said, as a warning, where it would be published as plain text.

Jekyll, Hugo, Pelican and WordPress exports use other names for splitblog's keys
(`published: false` for a draft, `excerpt` for the summary, `categories` beside tags, a
date in the file name). Those are understood. A key only another generator acts on
(`layout`, `permalink`) or a Liquid tag or Hugo shortcode in a body would be published as
it is written: each is a warning naming its file and line, never an error (the post may
mean it, e.g. a post about Liquid).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

# A Jekyll-style file name: the date gives the post's date when the front matter has none.
FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:-|$)")
LOOKS_DATED = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
SUMMARY_KEYS = ("summary", "description", "excerpt")  # the first one written is the summary
EXPIRY_KEYS = ("expiryDate", "expirydate", "expires")
ALIAS_KEYS = ("aliases", "redirect_from")  # Hugo's, and jekyll-redirect-from's
# Keys that only another generator acts on, with what a splitblog user writes instead.
FOREIGN_KEYS = {
    "layout": "splitblog picks the template by kind (post.html, page.html); remove it",
    "permalink": "list the old address under aliases, and set the scheme in "
    "[sites.NAME.permalinks]",
    "url": "list the old address under aliases, and set the scheme in [sites.NAME.permalinks]",
    "menu": "pages are the menu: put the page under content/pages/",
    "weight": "splitblog orders posts by date and pages by address; remove it",
}
# In a body's text (never in code): Hugo shortcodes, then Liquid tags and outputs.
TEMPLATE_TAGS = (
    (re.compile(r"\{\{[<%].*?[%>]\}\}"), "a Hugo shortcode"),
    (re.compile(r"\{%.*?%\}"), "a Liquid tag"),
    (re.compile(r"\{\{.*?\}\}"), "a Liquid expression"),
)
TEMPLATE_HINT = (
    "splitblog does not run it: it is published as written; write what it makes "
    "(Markdown or HTML), or put it in a code span if it is meant as text"
)


def file_date(stem: str) -> date | None:
    """The date a Jekyll-style name starts with (`2019-03-05-title`), if it is one."""
    found = FILE_DATE.match(stem)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def first_of(meta: dict, keys: tuple[str, ...]) -> tuple[str | None, Any]:
    """(the key, its value) of the first of `keys` the front matter has."""
    for key in keys:
        if meta.get(key) is not None:
            return key, meta[key]
    return None, None


def words(value: str) -> list[str]:
    """Jekyll's `tags: a b c` and `categories: x y`: a string is space-separated words."""
    return value.split()


def date_hint(value: object) -> str:
    """How to write a date the reader wrote another way: their own date rewritten
    (`March 5, 2019` → `2019-03-05`) where it can be read, else an example."""
    example = "write 2026-11-25 or 2026-11-25T09:30:00+01:00"
    if not isinstance(value, str) or not value.strip():
        return example
    from dateutil import parser

    try:
        # Two readings that differ in the day and month (3/5/2019) are ambiguous:
        # the hint then names both rather than guess one.
        first = parser.parse(value, default=datetime(2000, 1, 1))
        second = parser.parse(value, default=datetime(2000, 1, 1), dayfirst=True)
    except (ValueError, OverflowError, parser.ParserError):
        return example
    shown = [_iso(first)] if first == second else [_iso(first), _iso(second)]
    return "write " + " or ".join(dict.fromkeys(shown))


def _iso(moment: datetime) -> str:
    if moment.time() == datetime.min.time() and moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat()


def foreign_keys(meta: dict, lines: dict[str, int]) -> list[tuple[int, str, str]]:
    """(line, message, hint) for each key only another generator understands."""
    return [
        (lines.get(key, 1), f"'{key}' is a key of another generator; splitblog ignores it", hint)
        for key, hint in FOREIGN_KEYS.items()
        if key in meta
    ]


def template_tags(body: str) -> list[tuple[int, str, str]]:
    """(0-based body line, message, hint) for each shortcode or Liquid tag in the body's
    text, by the renderer's own parse: inside code (a fence, an indented block, a code
    span) it is code, and meant."""
    if "{{" not in body and "{%" not in body:
        return []
    found: list[tuple[int, str, str]] = []
    for line, text in _text_lines(_parser().parse(body, {})):
        for pattern, what in TEMPLATE_TAGS:
            for match in pattern.finditer(text):
                found.append((line, f"{what} {_short(match.group())} is published as text",
                              TEMPLATE_HINT))  # fmt: skip
            text = pattern.sub(" ", text)  # a shortcode is not a Liquid expression too
    return found


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "…")


def _text_lines(tokens: list[Token]) -> list[tuple[int, str]]:
    """(line, text) of the body's prose: inline text by the line it stands on, and raw
    HTML blocks line by line; code is left out."""
    lines: list[tuple[int, str]] = []
    for token in tokens:
        if token.map is None:
            continue
        if token.type == "html_block":
            for offset, text in enumerate(token.content.split("\n")):
                lines.append((token.map[0] + offset, text))
        elif token.type == "inline" and token.children is not None:
            line, parts = token.map[0], []
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    lines.append((line, "".join(parts)))
                    line, parts = line + 1, []
                elif child.type in ("text", "html_inline"):
                    parts.append(child.content)
                elif child.type == "code_inline":
                    parts.append(" ")
            lines.append((line, "".join(parts)))
    return lines


@functools.cache
def _parser():  # type: ignore[no-untyped-def]
    from splitblog.content.only import engine

    return engine()
