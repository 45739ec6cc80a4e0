"""The no-op check: whether anything a build reads has changed since the last build.

Kept free of heavy imports: a rebuild with nothing to do walks content/ and stops.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from splitblog import __version__
from splitblog.config import Config
from splitblog.content.walk import tree_stamps
from splitblog.model import BuildOptions, Source
from splitblog.theming import theme_files


def input_fingerprint(config: Config, options: BuildOptions, sites: Sequence[str]) -> str:
    """Changes whenever anything a build reads changes (by size and mtime)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, options.drafts, options.future, tuple(sites))).encode())
    digest.update(repr(config).encode())
    stat = config.path.stat()
    digest.update(repr((stat.st_size, stat.st_mtime_ns)).encode())
    digest.update(repr(tree_stamps(config.content_dir)).encode())
    for theme in sorted({s.theme for s in config.sites}):
        for path in theme_files(config.root, theme):
            info = path.stat()
            digest.update(repr((str(path), info.st_size, info.st_mtime_ns)).encode())
    for site in config.sites:
        if site.author.avatar:
            info = (config.root / site.author.avatar).stat()
            digest.update(repr((site.author.avatar, info.st_size, info.st_mtime_ns)).encode())
    return digest.hexdigest()


def still_current(
    state: dict, fingerprint: str, config: Config, sites: Sequence[str], options: BuildOptions
) -> bool:
    if state.get("fingerprint") != fingerprint:
        return False
    due = state.get("next_change")
    if due is not None and options.now is not None and options.now.timestamp() >= due:
        return False  # a post dated in the future has come due
    trees = state.get("trees", {})
    return all(
        trees.get(n) is not None and trees[n] == tree_id(config.output_dir / n) for n in sites
    )


def next_change(sources: Sequence[Source], options: BuildOptions) -> float | None:
    """When the next future-dated post comes due, changing the output by itself."""
    if options.future or options.now is None:
        return None
    due = [s.date.timestamp() for s in sources if s.date is not None and s.date > options.now]
    return min(due) if due else None


def tree_id(path: Path) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}"
