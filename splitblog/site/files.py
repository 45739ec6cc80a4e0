"""The files a site copies: its theme's static files, its author's avatar, and the bundle
files its own pages use — photos with their metadata stripped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from splitblog.cache import FILES, Cache
from splitblog.errors import Problem
from splitblog.site.cleaning import STRIP_VERSION, ImageError, is_image, strip_metadata
from splitblog.writer import OutputFile, digest_of, file_digest


class FileDigests:
    """Digests of source files, recomputed when a file's stamp changes: its size, mtime,
    ctime or inode (a photo restored from a backup with `cp -a` has its old size and
    mtime; only the ctime and inode tell that it is another file)."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.known: dict[str, tuple[tuple[int, ...], str]] = cache.get(FILES, "digests") or {}
        self.changed = False

    def digest(self, path: Path) -> str:
        info = path.stat()
        stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        key = str(path)
        have = self.known.get(key)
        if have is not None and have[0] == stamp:
            return have[1]
        value = file_digest(path)
        self.known[key] = (stamp, value)
        self.changed = True
        return value

    def save(self) -> None:
        if self.changed:
            self.cache.put(FILES, "digests", self.known)


class Copier:
    """OutputFiles for copied files; images stripped once and kept in the cache folder."""

    def __init__(self, digests: FileDigests, image_dir: Path | None):
        self.digests = digests
        self.image_dir = image_dir  # None: strip in memory, write nothing (check)

    def copy(self, path: Path, strip: bool, label: str) -> OutputFile | Problem:
        if not (strip and is_image(path.name)):
            return OutputFile(self.digests.digest(path), copy_from=path)
        original = self.digests.digest(path)
        stem = f"{original}-{STRIP_VERSION}{path.suffix.lower()}"
        if self.image_dir is not None:
            cached = self.image_dir / stem
            if cached.is_file():
                return OutputFile(self.digests.digest(cached), copy_from=cached)
        try:
            stripped = strip_metadata(path.read_bytes(), path.name)
        except (ImageError, OSError, SyntaxError) as exc:
            return Problem(
                f"cannot read this image: {exc}",
                path=label,
                hint="re-export it as a JPEG, PNG, WebP or TIFF, or remove it",
            )
        if self.image_dir is None:
            return OutputFile(digest_of(stripped), data=stripped)
        self.image_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.image_dir / (stem + ".tmp")
        tmp.write_bytes(stripped)
        tmp.replace(self.image_dir / stem)
        return OutputFile(digest_of(stripped), copy_from=self.image_dir / stem)


def copy_all(
    copier: Copier, wanted: Iterable[tuple[str, Path, bool, str]]
) -> tuple[dict[str, tuple[OutputFile, str]], list[Problem]]:
    """(output path, source file, strip metadata?, label) → output files and problems."""
    files: dict[str, tuple[OutputFile, str]] = {}
    problems: list[Problem] = []
    for out_path, source, strip, label in wanted:
        made = copier.copy(source, strip, label)
        if isinstance(made, Problem):
            problems.append(made)
        else:
            files[out_path] = (made, label)
    return files, problems
