"""Downloads: a feed given by its URL, and the images of posts (--download-images).

urllib of the standard library, with a timeout and a size bound; a download that fails
is a reason (said in the report), never an exception past this module. What comes back
as an image must be one splitblog can clean (site/cleaning): anything else is refused
here, before it reaches content/.
"""

from __future__ import annotations

import posixpath
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from splitblog.site.cleaning import NAMES, PHOTOS, CleanError, clean_as, kind_of

TIMEOUT = 15.0  # seconds for one request
MAX_IMAGE = 50 * 1024 * 1024
MAX_FEED = 64 * 1024 * 1024
IMAGE_KINDS = frozenset(PHOTOS) | {"svg"}
USER_AGENT = "Mozilla/5.0 (compatible; blog import)"  # names no generator
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "gif": ".gif", "svg": ".svg",
              "avif": ".avif", "heic": ".heic", "tiff": ".tif", "ico": ".ico"}  # fmt: skip


class FetchError(Exception):
    """Why a download failed, as the report says it."""


def get(url: str, limit: int) -> bytes:
    """The bytes at an http(s) URL, or FetchError saying why not."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"no answer ({exc.reason})") from None
    except (TimeoutError, OSError, ValueError) as exc:
        raise FetchError(f"no answer ({exc})") from None
    if len(data) > limit:
        raise FetchError(f"larger than {limit // 2**20} MB")
    return data


@dataclass(frozen=True)
class Image:
    name: str  # its file name in the post's bundle
    data: bytes


def fetch_image(url: str, taken: set[str]) -> Image:
    """An image from the old blog, named for the bundle (a name not in `taken`)."""
    data = get(url, MAX_IMAGE)
    kind = kind_of(data)
    if kind not in IMAGE_KINDS:
        raise FetchError(f"not an image ({NAMES.get(kind, 'a file of unknown kind')})")
    try:  # the build cleans it for every site: one it could not clean is not taken
        clean_as(kind, data)
    except CleanError as exc:
        raise FetchError(f"{NAMES.get(kind, 'an image')} splitblog cannot clean: {exc}") from None
    name = _name(url, kind)
    stem, dot, ext = name.rpartition(".")
    number = 2
    while name.lower() in taken:
        name = f"{stem}-{number}{dot}{ext}"
        number += 1
    taken.add(name.lower())
    return Image(name, data)


def _name(url: str, kind: str) -> str:
    last = posixpath.basename(unquote(urlsplit(url).path)) or "image"
    stem = SAFE_NAME.sub("-", last.rpartition(".")[0] or last).strip("-._")[:80] or "image"
    return stem + EXTENSIONS.get(kind, ".img")
