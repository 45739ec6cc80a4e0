"""Front-matter values as messages show them, and the characters no page may hold."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from splitblog.errors import Problem

# Characters no web page or feed may hold: XML 1.0 forbids the C0 controls (but tab and
# the line ends) and U+FFFE/U+FFFF, so a feed with one is not XML at all. The Markdown
# stage also uses \x02 and \x03 as its own placeholders. Refused where they are written.
FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_REPORTED_LINES = 5  # of one file's lines with a forbidden character


def forbidden_characters(text: str, rel: str) -> list[Problem]:
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


def forbidden_in(value: Any) -> str | None:
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
        bad = forbidden_in(item)
        if bad is not None:
            return bad
    return None


def shown(value: Any) -> str:
    """A value as the user wrote it, for messages (not Python's repr of a time)."""
    if isinstance(value, time):
        return f"{value.isoformat()} (a time of day)"
    if isinstance(value, str | int | float | list | dict):
        return repr(value)
    return f"({yaml_type(value)})"


def yaml_type(value: Any) -> str:
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
