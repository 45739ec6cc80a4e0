"""Which file a preview request names — and the refusal of every request that would
name one outside the site's folder.

A request path is decoded once, split into segments, and refused outright when it holds
what only an attack needs (a `..` segment however encoded, a backslash, a NUL byte,
invalid UTF-8, a leading `//`). What remains is joined under the site's folder and
resolved, and the resolved path must still be inside it (`Path.is_relative_to`, never a
string-prefix test), which also stops symbolic links pointing out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes


@dataclass(frozen=True)
class Found:
    path: Path


@dataclass(frozen=True)
class Redirect:
    location: str  # a folder asked for without its slash: "/posts/x" → "/posts/x/"


@dataclass(frozen=True)
class Missing:
    """Nothing there: the site's own 404 page."""


@dataclass(frozen=True)
class Refused:
    reason: str


Resolution = Found | Redirect | Missing | Refused


def split_target(target: str) -> tuple[str, str]:
    """(path, "?query") of a request target; the query is kept only for redirects."""
    path, _, query = target.partition("#")[0].partition("?")
    return path, f"?{query}" if query else ""


def segments_of(path: str) -> list[str] | Refused:
    """The decoded segments of a URL path, or why it is refused."""
    if not path.startswith("/"):
        return Refused("the path must start with /")
    if path.startswith("//"):
        return Refused("an absolute file path")
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return Refused("not UTF-8")
    if "\x00" in decoded:
        return Refused("a NUL byte")
    if "\\" in decoded:
        return Refused("a backslash")
    if decoded.startswith("//"):
        return Refused("an absolute file path")
    parts = decoded.split("/")
    if ".." in parts:
        return Refused("a parent-folder segment")
    return [p for p in parts if p not in ("", ".")]


def resolve(root: Path, target: str) -> Resolution:
    """What the request target `target` names inside the site folder `root`."""
    path, query = split_target(target)
    segments = segments_of(path)
    if isinstance(segments, Refused):
        return segments
    base = root.resolve()
    candidate = base.joinpath(*segments).resolve()
    if not candidate.is_relative_to(base):
        return Refused("outside the site")
    if candidate.is_dir():
        if segments and not path.endswith("/"):
            return Redirect("/" + "/".join(quote(s) for s in segments) + "/" + query)
        candidate = candidate / "index.html"  # never a listing of the folder
    if candidate.is_file():
        return Found(candidate)
    return Missing()
