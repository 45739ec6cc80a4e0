"""PDF: rewritten by pypdf without its metadata.

Dropped: the document information dictionary (author, title, subject, keywords,
creator, producer, dates), the document's XMP stream and every other object's
(/Metadata on pages, images and forms — Photoshop and Illustrator put XMP on each), the
applications' private data (/PieceInfo: Illustrator keeps the whole .ai document there),
page thumbnails (/Thumb), /LastModified, the authors and dates of annotations (comments'
/T, /M, /CreationDate; form fields keep their /T, which is their name), the file /ID
(derived from the path and time it was saved) and every object nothing refers to any
more — the old versions an incremental save leaves behind are not written. Kept:
everything that draws the pages. An encrypted PDF, or one carrying attached files
(which could be of any kind), cannot be cleaned.
"""

from __future__ import annotations

import io
from typing import Any

from splitblog.site.cleaning.sniff import CleanError

DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/Thumb", "/LastModified")
ANNOTATION_KEYS = ("/T", "/M", "/CreationDate")


def clean(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise CleanError("an encrypted PDF")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.xmp_metadata = None
        writer._ID = None  # type: ignore[assignment]  # derived from the saving machine
        root = writer.root_object
        names = root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names.get_object():
            raise CleanError("a PDF with attached files (remove the attachments)")
        if "/AF" in root:
            raise CleanError("a PDF with associated files (remove the attachments)")
        _scrub(root, set())
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except CleanError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CleanError(f"a PDF pypdf cannot read ({exc})") from None
    except RecursionError:
        raise CleanError("a PDF nested too deeply to read") from None


def _scrub(node: Any, seen: set[int]) -> None:
    """Every dictionary reachable from `node`, without the keys that hold metadata."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = item.idnum
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            for key in DROPPED_KEYS:
                item.pop(key, None)
            if item.get("/Type") == "/Annot" or ("/Subtype" in item and "/Rect" in item):
                if item.get("/Subtype") == "/FileAttachment":
                    raise CleanError("a PDF with an attached file (remove the attachment)")
                if item.get("/Subtype") != "/Widget":
                    for key in ANNOTATION_KEYS:
                        item.pop(key, None)
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
