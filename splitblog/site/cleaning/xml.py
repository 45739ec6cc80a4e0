"""XML read safely, and written back with its prefixes and declarations as they were.

defusedxml reads it first and refuses entity declarations and external references (no
billion laughs, no file read through an entity); lxml then parses it for editing, with
entities, DTDs and the network off, because it keeps every namespace prefix and
declaration as written — which Office needs (`mc:Ignorable` names prefixes that
ElementTree would rename or drop).
"""

from __future__ import annotations

from typing import Any

from splitblog.site.cleaning.sniff import CleanError


def parse(data: bytes, what: str) -> Any:
    """The root element (lxml) of an XML document; CleanError if it is not safe XML."""
    import defusedxml
    import defusedxml.ElementTree as safe
    from lxml import etree

    try:
        safe.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise CleanError(f"{what} declares XML entities or external references") from None
    except (safe.ParseError, ValueError) as exc:
        raise CleanError(f"{what} is not well-formed XML ({exc})") from None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CleanError(f"{what} is not well-formed XML ({exc})") from None


def serialize(root: Any, declaration: bool = True) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=declaration, encoding="UTF-8", standalone=None)


def local(name: Any) -> str:
    """An element's or attribute's name without its namespace ("" for a comment)."""
    return name.rpartition("}")[2] if isinstance(name, str) else ""


def namespace(name: Any) -> str:
    return name[1:].partition("}")[0] if isinstance(name, str) and name[:1] == "{" else ""
