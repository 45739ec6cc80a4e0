"""What the Jekyll and Hugo readers share: front matter in YAML, TOML or JSON (read with
the bounded loaders of the content stage), and the old site's configuration."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from splitblog.content.frontmatter import HANDLERS
from splitblog.errors import Problem
from splitblog.importers.model import SourceError

JSON_START = re.compile(r"^\s*\{")
MARKUP = (".md", ".markdown", ".mdown", ".html", ".htm")


def split(path: Path, label: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of an old site's content file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            Problem(f"not UTF-8 text (byte at {exc.start})", path=label, hint="save it as UTF-8")
        ) from None
    except OSError as exc:
        raise SourceError(Problem(f"cannot read: {exc.strerror}", path=label)) from None
    text = text.replace("\r\n", "\n")
    if JSON_START.match(text):  # Hugo: a JSON object, then the body
        try:
            meta, end = json.JSONDecoder().raw_decode(text.lstrip())
        except ValueError as exc:
            raise SourceError(
                Problem(f"front matter is not valid JSON: {exc}", path=label)
            ) from None
        offset = len(text) - len(text.lstrip())
        return (meta if isinstance(meta, dict) else {}), text[offset + end :].lstrip("\n")
    for handler in HANDLERS:
        if not handler.detect(text):
            continue
        bounds = list(handler.FM_BOUNDARY.finditer(text))[:2]
        if len(bounds) < 2:
            break
        try:
            meta = handler.load(text[bounds[0].end() : bounds[1].start()]) or {}
        except (tomllib.TOMLDecodeError, Exception) as exc:  # YAML raises many types
            reason = str(exc).split("\n")[0]
            raise SourceError(
                Problem(f"front matter cannot be read: {reason}", path=label,
                        hint="fix it in the old site, then import again")
            ) from None  # fmt: skip
        return (meta if isinstance(meta, dict) else {}), text[bounds[1].end() :].lstrip("\n")
    return {}, text


def moment(value: Any) -> datetime | None:
    """A front-matter date as YAML or TOML gives it (a date, a datetime, text)."""
    from splitblog.importers.dates import parse_date

    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        return parse_date(value) or _jekyll_time(value)
    return None


def _jekyll_time(value: str) -> datetime | None:
    """Jekyll's `2019-03-05 10:20:00 +0100`."""
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None


def word_list(value: Any) -> list[str]:
    """Tags or categories: a list, or Jekyll's space-separated string."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def read_config(folder: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """The old site's configuration file (the first of `names` that exists), or {}."""
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            if name.endswith(".toml"):
                data = tomllib.loads(text)
            elif name.endswith(".json"):
                data = json.loads(text)
            else:
                data = HANDLERS[0].load(text)
        except Exception:  # a configuration we cannot read only loses the old addresses
            return {}
        return data if isinstance(data, dict) else {}
    return {}
