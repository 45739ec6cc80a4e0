"""A content file's front matter split from its body and loaded — YAML between `---`
lines or TOML between `+++` — with each syntax error on its own line and a hint."""

from __future__ import annotations

import itertools
import re
import tomllib

from splitblog.content.frontmatter import HANDLERS, TooLarge
from splitblog.content.values import forbidden_in
from splitblog.errors import Problems

TOML_HINT = 'check the quoting: text in "…", dates as 2026-11-25, one key = value a line'
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]", re.M)
TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def split(
    text: str, rel: str, kind: str, problems: Problems, lines: dict[str, int]
) -> tuple[dict, str, int]:
    """(front matter, body, the file's line of the body's first line); what is wrong is
    added to `problems`, and each top-level key's line to `lines`."""
    handler = next((h for h in HANDLERS if h.detect(text)), None)
    if handler is None:
        problems.add(
            "no front matter",
            path=rel,
            line=1,
            hint="start the file with a --- block giving at least title"
            + (", date" if kind == "post" else ""),
        )
        return {}, text, 1
    bounds = list(itertools.islice(handler.FM_BOUNDARY.finditer(text), 2))
    if len(bounds) < 2:
        problems.add(
            f"front matter opened with {handler.START_DELIMITER} is never closed",
            path=rel,
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
        problems.add(
            f"front matter is too large: {exc.problem}",
            path=rel,
            line=fm_line + mark.line if mark is not None else fm_line,
            hint="front matter holds a few keys: move long data out of it",
        )
        return {}, body, body_line
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = TOML_LINE.search(message)
        last = fm_line + fm_text.count("\n") - 1  # "at end of document": the last line
        line = fm_line + int(found.group(1)) - 1 if found else last
        problems.add(
            f"front matter is not valid TOML: {TOML_LINE.sub('', message).strip()}",
            path=rel,
            line=line,
            hint=TOML_HINT,
        )
        return {}, body, body_line
    except Exception as exc:  # yaml raises many types; each is a user's syntax error
        mark = getattr(exc, "problem_mark", None)
        line = fm_line + mark.line if mark is not None else fm_line
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and start.line != getattr(mark, "line", None):
            problem += f" ({context} that starts on line {fm_line + start.line})"
        problems.add(
            f"front matter is not valid YAML: {problem}",
            path=rel,
            line=line,
            hint="check the quoting and indentation",
        )
        return {}, body, body_line
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.add(
            "front matter must be a mapping of keys to values",
            path=rel,
            line=fm_line + 1,
            hint="write key: value lines, e.g. title: My post",
        )
        return {}, body, body_line
    for match in TOP_KEY.finditer(fm_text):
        lines.setdefault(match.group(1), fm_line + fm_text.count("\n", 0, match.start()))
    for key, value in meta.items():
        bad = forbidden_in(value) or forbidden_in(key)
        if bad is not None:
            problems.add(
                f"{key} holds the control character U+{ord(bad):04X}",
                path=rel,
                line=lines.get(str(key), 1),
                hint="remove the escape that makes it: web pages and feeds cannot hold it",
            )
    return meta, body, body_line
