"""The no-op check: whether anything a build reads, or the output it left, has changed
since the last build.

Two locks, each enough on its own against a restored backup (`cp -a content ../bak`, …,
the backup copied back): the inputs are compared by stamps a copy cannot bring back
(ctime and inode besides size and mtime), and each site's output tree by the digest of
what the writer recorded leaving there — never by the folder's inode number, which two
swaps bring back — with every recorded file still of the size and mtime it was written
with.

Kept free of heavy imports: a rebuild with nothing to do walks content/ and stops.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from splitblog import __version__
from splitblog.config import Config
from splitblog.content.walk import STATIC, stamp_of, tree_stamps
from splitblog.model import BuildOptions, Source
from splitblog.theming import theme_files
from splitblog.writer import Manifest, SiteTrees, manifest_digest


def input_fingerprint(config: Config, options: BuildOptions, sites: Sequence[str]) -> str:
    """Changes whenever anything a build reads changes, or is replaced by a copy."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, options.drafts, options.future, tuple(sites))).encode())
    digest.update(repr(config).encode())
    digest.update(repr(stamp_of(config.path.stat())).encode())
    digest.update(repr(tree_stamps(config.content_dir)).encode())
    digest.update(repr(tree_stamps(config.root / STATIC)).encode())
    for theme in sorted({s.theme for s in config.sites}):
        for path in theme_files(config.root, theme):
            digest.update(repr((str(path), stamp_of(path.stat()))).encode())
    for site in config.sites:
        if site.author.avatar:
            info = (config.root / site.author.avatar).stat()
            digest.update(repr((site.author.avatar, stamp_of(info))).encode())
    return digest.hexdigest()


def still_current(
    state: dict,
    fingerprint: str,
    config: Config,
    sites: Sequence[str],
    options: BuildOptions,
    spares: Path,
) -> bool:
    if state.get("fingerprint") != fingerprint:
        return False
    due = state.get("next_change")
    if due is not None and options.now is not None and options.now.timestamp() >= due:
        return False  # a post dated in the future has come due
    trees: Mapping[str, str] = state.get("trees", {})
    for name in sites:
        recorded = SiteTrees(config.output_dir / name, spares / name).recorded_live()
        if recorded is None or trees.get(name) != manifest_digest(recorded):
            return False
        if not _unchanged(config.output_dir / name, recorded):
            return False
    return True


def tree_digests(config: Config, sites: Sequence[str], spares: Path) -> dict[str, str | None]:
    """Each site's output tree as the writer recorded leaving it, by content."""
    digests: dict[str, str | None] = {}
    for name in sites:
        recorded = SiteTrees(config.output_dir / name, spares / name).recorded_live()
        digests[name] = manifest_digest(recorded) if recorded is not None else None
    return digests


def _unchanged(root: Path, manifest: Manifest) -> bool:
    """Every file the writer left is there, of the size and mtime it was written with
    (one stat each; a file added since changes nothing a no-op would do)."""
    base = str(root)
    for path, entry in manifest.items():
        try:
            info = os.stat(f"{base}/{path}")
        except OSError:
            return False
        if info.st_size != entry[1] or info.st_mtime_ns != entry[2]:
            return False
    return True


def next_change(sources: Sequence[Source], options: BuildOptions) -> float | None:
    """When the next future-dated post comes due, or the next post expires, changing
    the output by itself."""
    if options.now is None:
        return None
    now = options.now
    due = [s.expires.timestamp() for s in sources if s.expires is not None and s.expires > now]
    if not options.future:
        due += [s.date.timestamp() for s in sources if s.date is not None and s.date > now]
    return min(due) if due else None
