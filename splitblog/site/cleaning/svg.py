"""SVG: drawn as it was, with none of what its editor remembered.

Dropped: `<metadata>` (the RDF with author, licence, dates), comments, processing
instructions (but xml-stylesheet), and every element and attribute outside the
namespaces that draw — SVG, XLink, XML, XHTML and MathML (inside foreignObject) — so
Inkscape's and Sodipodi's (`sodipodi:namedview`, `sodipodi:docname`,
`inkscape:export-filename` with its home-folder path), Illustrator's (`i:pgf`, the
whole .ai document), Sketch's, Figma's, Affinity's, RDF and Dublin Core are all gone,
and so are editors not yet heard of. Kept: everything that draws, `<title>` and
`<desc>` (text a reader is shown; the audit reads it). Photos embedded as data: URLs
are cleaned like any photo.

An SVG with a script, an event handler (onload=…), a javascript: address or an
embedded frame is refused: such a file runs code on the site's own address when opened,
and code can assemble at display time text that no audit of the file can see.
"""

from __future__ import annotations

import base64
import gzip
import re
import zlib
from collections.abc import Callable

from splitblog.site.cleaning.sniff import CleanError
from splitblog.site.cleaning.xml import local, namespace, parse, serialize

SVG_NS = "http://www.w3.org/2000/svg"
DRAWING = frozenset(
    {
        SVG_NS,
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/XML/1998/namespace",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/1998/Math/MathML",
    }
)
ACTIVE = frozenset({"script", "handler", "iframe", "object", "embed", "frame", "listener"})
_SCRIPT_URL = re.compile(r"(java|vb)script:|data:text/html|data:application/xhtml", re.I)
_IGNORED = re.compile(r"[\s\x00-\x1f]+")
_DATA_IMAGE = re.compile(r"^\s*data:image/[a-z0-9.+-]+;base64,", re.I)
MAX_UNZIPPED = 64 << 20

Cleaner = Callable[[bytes], bytes]


def clean(data: bytes, photo: Cleaner) -> bytes:
    """`photo` cleans the photos embedded in it (bytes of any raster kind → cleaned)."""
    from lxml import etree

    root = parse(data, "the SVG")
    if local(root.tag) != "svg":
        raise CleanError("an SVG whose root element is not <svg>")
    bare = namespace(root.tag) == ""  # an SVG without xmlns: its elements have none
    for node in list(root.iter()):
        if not isinstance(node.tag, str):  # comments and processing instructions
            if not _stylesheet(node):
                _remove(node)
            continue
        name = local(node.tag).lower()
        if name in ACTIVE:
            raise CleanError(f"an SVG with a <{local(node.tag)}> element (it would run code)")
        space = namespace(node.tag)
        if name == "metadata" or not (space in DRAWING or (bare and not space)):
            _remove(node)
            continue
        for attr, value in list(node.attrib.items()):
            if local(attr).lower().startswith("on"):
                raise CleanError(f"an SVG with an event handler ({local(attr)}=…)")
            if _SCRIPT_URL.search(_IGNORED.sub("", value)):
                raise CleanError(f"an SVG with a script address in {local(attr)}=…")
            if namespace(attr) and namespace(attr) not in DRAWING:
                del node.attrib[attr]
            elif local(attr) == "href" and _DATA_IMAGE.match(value):
                node.attrib[attr] = _clean_data_url(value, photo)
    etree.cleanup_namespaces(root)
    return serialize(root)  # the root alone: comments and instructions around it are left out


def _stylesheet(node) -> bool:  # type: ignore[no-untyped-def]
    from lxml import etree

    return isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet"


def _remove(node) -> None:  # type: ignore[no-untyped-def]
    """Take a node out, keeping the text that follows it (its tail) in place."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _clean_data_url(value: str, photo: Cleaner) -> str:
    head, _, payload = value.partition(",")
    try:
        data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    except ValueError:
        raise CleanError("an SVG with a damaged embedded photo (bad base64)") from None
    return head.strip() + "," + base64.b64encode(photo(data)).decode("ascii")


def clean_svgz(data: bytes, photo: Cleaner) -> bytes:
    unzip = zlib.decompressobj(wbits=31)
    try:
        svg = unzip.decompress(data, MAX_UNZIPPED)
    except zlib.error:
        raise CleanError("a damaged .svgz (not gzip data)") from None
    if unzip.unconsumed_tail:
        raise CleanError(f"a .svgz larger than {MAX_UNZIPPED >> 20} MiB unzipped")
    # mtime=0 and no file name: gzip's header would otherwise say when and from what
    return gzip.compress(clean(svg, photo), mtime=0)
