"""What a reader of an old blog's export gives the writer, and what an import reports.

Readers (blogger.py, wordpress.py, feed.py, jekyll.py, hugo.py) turn their format into
`Item`s and count what they leave out; the writer (write.py) turns items into files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from splitblog.errors import SplitblogError


class SourceError(SplitblogError):
    """The source cannot be read: nothing is written."""


@dataclass(frozen=True)
class Item:
    """One post or page of the old blog."""

    source_id: str  # stable across exports: the same post is the same file on a re-run
    kind: Literal["post", "page", "section"]  # section: Hugo's _index.md
    title: str
    body: str
    body_format: Literal["html", "markdown"]
    origin: str  # where it was found, for the report ("entry 12", "_posts/x.md")
    date: datetime | None = None
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    summary: str | None = None
    old_urls: tuple[str, ...] = ()  # absolute or root-relative: its old addresses
    slug: str | None = None
    files: tuple[tuple[str, Path], ...] = ()  # bundle files: (name in the bundle, file)
    section: str = ""  # for a section page: its folder ("blog", "posts/travel")
    extra: tuple[tuple[str, Any], ...] = ()  # keys kept as they were (expiryDate …)
    notes: tuple[str, ...] = ()  # what needs the user's attention in it
    # The old site's folder (Jekyll's, Hugo's static/): where a root-relative file of a
    # Markdown body is found, to be copied into the post's bundle.
    local_root: Path | None = None


@dataclass(frozen=True)
class Batch:
    """Everything a reader found in one source."""

    items: tuple[Item, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (what, why)
    left_out: tuple[tuple[str, int], ...] = ()  # (what, how many): comments, settings …
    old_base: str = ""  # the old blog's address (https://x.blogspot.com/), if known


@dataclass
class Report:
    """What an import did, for the terminal (terminal/imports.py)."""

    imported: list[str] = field(default_factory=list)  # files written for the first time
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    left_out: list[tuple[str, int]] = field(default_factory=list)
    attention: list[tuple[str, str]] = field(default_factory=list)  # (file, what)
    audience: tuple[str, ...] = ()  # as given; empty: the posts wait to be tagged
    unassigned: int = 0  # files written without an audience
    default_audience: str | None = None  # the configuration's, which such files then get

    def counts(self) -> dict[str, int]:
        return {
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "needs attention": len(self.attention),
        }
