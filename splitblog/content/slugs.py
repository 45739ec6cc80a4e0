"""Slugs, and the guard that keeps every output path inside its site's folder."""

from __future__ import annotations

import functools
import hashlib
import re

from slugify import slugify

DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
# A slug written by hand: URL-safe, no dots at the start (no "..", no hidden files).
HAND_SLUG = re.compile(r"^[A-Za-z0-9_~][A-Za-z0-9._~-]*$")
MAX_SLUG_BYTES = 200  # one path segment; file systems allow 255 bytes


@functools.lru_cache(maxsize=65536)  # a pure function called for every tag of every post
def make_slug(text: str) -> str:
    """A transliterated, lowercase, never-empty slug (CJK, RTL and emoji included)."""
    slug = slugify(text, max_length=120, word_boundary=True)
    if slug:
        return slug
    return "x-" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def slug_from_filename(stem: str) -> str:
    """`2026-01-02-q3-notes` → `q3-notes`."""
    return make_slug(DATE_PREFIX.sub("", stem) or stem)


def folder_slug(folder: str) -> str:
    """`Über uns/Team` → `uber-uns/team`: a page's folder as a URL path, each segment
    transliterated like a file name, so no URL, sitemap or feed carries a raw space."""
    return "/".join(make_slug(part) for part in folder.split("/")) if folder else ""


def slug_problem(value: str) -> str | None:
    """Why a hand-written slug cannot be used, or None when it can."""
    if not value:
        return "slug is empty"
    if "\0" in value:
        return "slug contains a NUL character"
    if len(value.encode("utf-8", "surrogatepass")) > MAX_SLUG_BYTES:
        return f"slug is longer than {MAX_SLUG_BYTES} bytes"
    if not HAND_SLUG.match(value):
        return f"slug '{value}' may only use letters, digits, '-', '_', '.', '~'"
    return None


def is_safe_relpath(rel: str) -> bool:
    """True when a site-relative output path stays inside the site's folder.

    Checked on the string, never by touching the disk: no absolute paths, no `..`,
    no backslashes or NULs (a Windows host would read a backslash as a separator), and
    every segment short enough for a file system.
    """
    if not rel or "\0" in rel or "\\" in rel or rel.startswith("/"):
        return False
    # Split by hand: PurePosixPath would drop the empty segment of "a//b" or "x/", and
    # a path that names a folder ("x/") is not a file the writer can write.
    return all(
        part not in ("", ".", "..") and len(part.encode("utf-8", "surrogatepass")) <= 255
        for part in rel.split("/")
    )
