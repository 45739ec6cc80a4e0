"""Slugs, and the guard that keeps every output path inside its site's folder."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

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


# Characters a slug would drop that tell tags apart ("C", "C#" and "C++" are three tags).
TAG_WORDS = (("#", " sharp "), ("+", " plus "))


@functools.lru_cache(maxsize=65536)  # asked for every tag of every post, many times a build
def tag_slug(name: str) -> str:
    """A tag's slug: its address on a site is tags/<slug>/."""
    for char, word in TAG_WORDS:
        name = name.replace(char, word)
    return make_slug(name)


def tag_identity(name: str) -> str:
    """Names written differently that are one tag ("Go" and "go"): compared this way."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


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
