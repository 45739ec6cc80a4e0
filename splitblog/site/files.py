"""The files a site copies: its theme's static files, its author's avatar, and the bundle
files its own pages use — each cleaned of its metadata, or refused.

A site publishes a file only if splitblog can clean it (site/cleaning/), or it has
nothing to clean (UTF-8 text, web fonts), or the site's `publish_as_is` patterns name
it. Cleaned files are kept under .splitblog/images, by the digest of the original's
content and the cleaners' version, so a photo is cleaned once for every site and build.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from splitblog.cache import FILES, Cache
from splitblog.errors import Problem
from splitblog.site.cleaning import (
    NAMES,
    PHOTOS,
    PLAIN,
    CleanError,
    Mismatch,
    clean_as,
    cleaner_key,
    decide,
    kind_of,
)
from splitblog.writer import OutputFile, digest_of, file_digest

# A file's stamp changes whenever its content may have: a rewrite that puts back the
# size and mtime (os.utime, touch -r, cp -p) still changes its ctime, which no user
# call can set, and a file replaced by another has another inode. Windows gives neither
# (st_ctime is the creation time there): its files are hashed on every build.
TRUST_STAMPS = os.name != "nt"


@dataclass(frozen=True)
class Wanted:
    """One file a site copies."""

    out_path: str  # where it goes on the site
    source: Path
    label: str  # how messages name it: the file, or the configuration key of an avatar
    used_by: str | None = None  # the post or page whose bundle it is (for messages)
    keep_metadata: bool = False  # the site's keep_image_metadata (photos only)


class FileDigests:
    """Digests and kinds of source files, recomputed only when a file's stamp — size,
    mtime, ctime, inode, device — changes (a photo restored from a backup with `cp -a`
    has its old size and mtime; only the ctime and inode tell that it is another file);
    the kind of each content by its digest."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.known: dict[str, tuple[tuple[int, ...], str]] = cache.get(FILES, "digests") or {}
        self.kinds: dict[str, str] = cache.get(FILES, "kinds") or {}
        # photos' upright (width, height, animated) by digest, for site/photos.py
        self.sizes: dict[str, tuple[int, int, bool]] = cache.get(FILES, "sizes") or {}
        self.changed = False

    def digest(self, path: Path) -> str:
        info = path.stat()
        stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        key = str(path)
        have = self.known.get(key)
        if TRUST_STAMPS and have is not None and have[0] == stamp:
            return have[1]
        value = file_digest(path)
        self.known[key] = (stamp, value)
        self.changed = True
        return value

    def kind(self, digest: str, data: bytes) -> str:
        """What the content of that digest is (sniff.kind_of), remembered by digest."""
        if digest not in self.kinds:
            self.kinds[digest] = kind_of(data)
            self.changed = True
        return self.kinds[digest]

    def save(self) -> None:
        if self.changed:
            self.cache.put(FILES, "digests", self.known)
            self.cache.put(FILES, "kinds", self.kinds)
            self.cache.put(FILES, "sizes", self.sizes)


class Copier:
    """OutputFiles for copied files; cleaned once and kept in the cache folder."""

    def __init__(
        self,
        digests: FileDigests,
        image_dir: Path | None,
        publish_as_is: tuple[str, ...] = (),
        site: str = "NAME",
    ):
        self.digests = digests
        self.image_dir = image_dir  # None: clean in memory, write nothing (check)
        self.publish_as_is = publish_as_is
        self.site = site

    def copy(self, want: Wanted) -> OutputFile | Problem:
        path = want.source
        try:
            original = self.digests.digest(path)
            data: bytes | None = None
            kind = self.digests.kinds.get(original)
            if kind is None:
                data = path.read_bytes()
                kind = self.digests.kind(original, data)
        except OSError as exc:
            return self._problem(want, f"cannot read this file: {exc.strerror or exc}", None)
        try:
            kind = decide(kind, path.name)
        except Mismatch as exc:
            return self._problem(want, f"not published: {exc}", exc.hint)
        except CleanError as exc:
            return self._as_is(want, original) or self._problem(
                want, f"not published: {exc}", exc.hint
            )
        if kind in PLAIN or (want.keep_metadata and kind in PHOTOS):
            return OutputFile(original, copy_from=path)  # nothing to clean, or kept
        stem = f"{original}-{cleaner_key()}{path.suffix.lower()}"
        cached = self.image_dir / stem if self.image_dir is not None else None
        if cached is not None and cached.is_file():
            return OutputFile(self.digests.digest(cached), copy_from=cached)
        try:
            cleaned = clean_as(kind, data if data is not None else path.read_bytes())
        except CleanError as exc:
            return self._as_is(want, original) or self._problem(
                want, f"not published: {NAMES.get(kind, 'a file')} splitblog cannot clean: {exc}",
                exc.hint,
            )  # fmt: skip
        except OSError as exc:
            return self._problem(want, f"cannot read this file: {exc.strerror or exc}", None)
        if cached is None:
            return OutputFile(digest_of(cleaned), data=cleaned)
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(stem + ".tmp")
        tmp.write_bytes(cleaned)
        tmp.replace(cached)
        return OutputFile(digest_of(cleaned), copy_from=cached)

    def _as_is(self, want: Wanted, digest: str) -> OutputFile | None:
        """The file as it is, when one of the site's publish_as_is patterns names it."""
        if publish_as_is(self.publish_as_is, want):
            return OutputFile(digest, copy_from=want.source)
        return None

    def _problem(self, want: Wanted, message: str, hint: str | None) -> Problem:
        if want.used_by:
            message = f"{message} (used by {want.used_by})"
        if hint:
            hint = hint.replace("the site's publish_as_is", f"sites.{self.site}.publish_as_is")
        return Problem(message, path=want.label, hint=hint)


def publish_as_is(patterns: Iterable[str], want: Wanted) -> bool:
    """Whether a pattern names the file: a pattern without "/" is matched against its
    name, one with "/" against the end of its path in the project or on the site
    ("talks/*.key" names content/talks/2024-pitch/deck.key); in any letter case, `*`
    matching across folders as in fnmatch."""
    name = want.source.name.lower()
    tails: list[str] = []
    for path in (want.label.lower(), want.out_path.lower()):
        parts = path.split("/")
        tails += ["/".join(parts[i:]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.lower().lstrip("/")
        candidates = tails if "/" in pattern else [name]
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return True
    return False


def copy_all(
    copier: Copier, wanted: Iterable[Wanted]
) -> tuple[dict[str, tuple[OutputFile, str]], list[Problem]]:
    """The files a site copies → output files (by output path, with their label) and
    the problems of those it cannot publish."""
    files: dict[str, tuple[OutputFile, str]] = {}
    problems: list[Problem] = []
    for want in wanted:
        made = copier.copy(want)
        if isinstance(made, Problem):
            problems.append(made)
        else:
            files[want.out_path] = (made, want.label)
    return files, problems
