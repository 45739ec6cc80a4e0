"""Reading an export's XML safely: defusedxml refuses entity declarations (a "billion
laughs") and external references, the size is bounded, and every failure is one line
naming the file (and the line, where the parser knows it)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from splitblog.errors import Problem
from splitblog.importers.model import SourceError

MAX_BYTES = 512 * 1024 * 1024  # larger than any blog's export: past it, refused
DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                Problem(
                    f"the export is {size / 2**20:,.0f} MB, more than splitblog reads "
                    f"({MAX_BYTES / 2**20:,.0f} MB)",
                    path=label,
                    hint="export the blog in parts (by year), and import each",
                )
            )
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(
            Problem(f"cannot read: {exc.strerror or exc}", path=label, hint="check the path")
        ) from None


def parse_xml(data: bytes, label: str) -> ET.Element:
    """The document's root element, or SourceError with one clear line."""
    if len(data) > MAX_BYTES:
        raise SourceError(Problem("the export is too large", path=label))
    if not data.startswith(BOMS) and not DECLARED.match(data):
        # No declared encoding: XML is then UTF-8, and expat's "invalid token" would say
        # nothing of why. Name the byte and what to do.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SourceError(
                Problem(
                    f"not UTF-8 (byte 0x{data[exc.start]:02x}) and no encoding declared",
                    path=label,
                    line=line,
                    hint='save it as UTF-8, or start it with <?xml version="1.0" '
                    'encoding="ISO-8859-1"?> naming its encoding',
                )
            ) from None
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SourceError(
            Problem(
                f"the export declares entities or external references ({type(exc).__name__}); "
                "splitblog does not expand them",
                path=label,
                hint="a real export has none: check that this is the file the blog exported",
            )
        ) from None
    except ET.ParseError as exc:
        line, _column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":")[0]
        raise SourceError(
            Problem(
                f"not well-formed XML: {reason}",
                path=label,
                line=line,
                hint="the file is damaged or cut short: export it again",
            )
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding Python does not know
        raise SourceError(
            Problem(f"cannot read the XML: {exc}", path=label, hint="save it as UTF-8")
        ) from None


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def child(element: ET.Element, name: str) -> ET.Element | None:
    """The first child of that local name, in any namespace."""
    for sub in element:
        if local(sub.tag) == name:
            return sub
    return None


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [sub for sub in element if local(sub.tag) == name]


def text(element: ET.Element, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""
