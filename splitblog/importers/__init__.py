"""`splitblog import KIND SOURCE`: an existing blog's posts brought into content/.

One reader per format turns the source into items (blogger.py, wordpress.py, feed.py,
jekyll.py, hugo.py); write.py turns them into Markdown files. An import never guesses an
audience: without --audience the posts are written with none, and the build refuses
them until each is tagged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from splitblog.config import Config
from splitblog.errors import ContentError, Problem
from splitblog.importers.model import Batch, Report

KINDS = ("blogger", "wordpress", "jekyll", "hugo", "feed")
FOLDERS = ("jekyll", "hugo")  # their SOURCE is a folder; the others a file (feed: or a URL)


def run_import(
    config: Config,
    kind: str,
    source: str,
    audience: tuple[str, ...] = (),
    download_images: bool = False,
    fetch: Callable[..., Any] | None = None,
) -> Report:
    from splitblog.importers.fetch import fetch_image
    from splitblog.importers.write import Options, write

    unknown = [a for a in audience if a not in (*config.site_names, "all")]
    if unknown:
        raise ContentError(
            Problem(
                f"unknown audience {', '.join(map(repr, unknown))}",
                hint=f"use one of: {', '.join((*config.site_names, 'all'))}",
            )
        )
    batch = read(kind, source)
    options = Options(tuple(dict.fromkeys(audience)), download_images)
    return write(config, batch, options, fetch or fetch_image)


def read(kind: str, source: str) -> Batch:
    """The items of one source, or SourceError (one line) when it cannot be read."""
    from splitblog.importers import blogger, feed, hugo, jekyll, wordpress
    from splitblog.importers.model import SourceError

    label = source
    if kind == "feed":
        return feed.read(source, label)
    path = Path(source)
    if not path.exists():
        raise SourceError(Problem("no such file or folder", path=label, hint="check the path"))
    if kind in FOLDERS and not path.is_dir():
        raise SourceError(Problem(f"a {kind} import reads a folder", path=label,
                                   hint="give the site's folder"))  # fmt: skip
    if kind not in FOLDERS and path.is_dir():
        raise SourceError(Problem(f"a {kind} import reads the export file, not a folder",
                                   path=label))  # fmt: skip
    readers = {"blogger": blogger.read, "wordpress": wordpress.read, "jekyll": jekyll.read,
               "hugo": hugo.read}  # fmt: skip
    return readers[kind](path, label)
