"""The Content-Type of a site's file: one table for the preview server and the S3
publisher, so a browser gets the same type from both."""

from __future__ import annotations

import mimetypes
import os
from pathlib import PurePath

# Known types first: the system's mime.types differs between machines.
TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}
TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "image/svg+xml", "application/manifest+json"}
)


def content_type(path: str | os.PathLike[str]) -> str:
    """The type a browser needs, with the charset for text (splitblog writes UTF-8);
    files splitblog does not know get what the system's mime.types says."""
    name = os.fspath(path)
    kind = TYPES.get(PurePath(name).suffix.lower()) or mimetypes.guess_type(name)[0]
    if kind is None:
        return "application/octet-stream"
    if kind.startswith("text/") or kind in TEXT_TYPES or kind.endswith(("+xml", "+json")):
        return f"{kind}; charset=utf-8"
    return kind
