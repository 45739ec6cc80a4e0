"""An output file read back as its readers meet it: the text they read (prose), the rest of
what the file holds (code: markup attributes, CSS and JavaScript syntax), and every address
it points at. The audit matches names and titles in the prose, and forbidden strings,
emails and addresses everywhere.

HTML is parsed by lexbor (selectolax), an HTML5 parser in C, so what counts as text is
what a browser makes of the markup — an entity, a tag inside a word (`Ja<b>ney</b>`) or
a comment included; block-level elements separate words, inline ones do not. Feeds and
SVG are read as XML, JSON Feed as JSON; in CSS only comments are prose (`max-width` and
`font-family: Georgia` are syntax), in JavaScript comments and string literals. A search
index (Pagefind's files, gzip-compressed) is opened: its fragments are JSON (each page's
text, title and address), its index and meta files CBOR, whose every string (the words
indexed, one by one) is read as text.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from splitblog.audit.normalize import normalize

# Between blocks: a character no token holds, so no name or title is matched across two
# blocks ("About" ending a menu and "Me Memory Train" the heading after it).
BOUNDARY = "\ue000"
# Elements whose boundaries separate words for a reader.
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "option",
        "title",
        "head",
        "body",
        "html",
        "meta",
        "link",
        "img",
        "input",
        "textarea",
        "select",
        "button",
        "label",
        "caption",
        "col",
        "colgroup",
        "picture",
        "source",
        "video",
        "audio",
        "iframe",
        "object",
        "embed",
        "canvas",
        "svg",
        "math",
        "time",
    ]
)
# Attributes whose value is an address (a list of them for srcset).
ADDRESS = frozenset(
    [
        "href",
        "src",
        "srcset",
        "data",
        "action",
        "formaction",
        "poster",
        "cite",
        "background",
        "longdesc",
        "manifest",
        "codebase",
        "archive",
        "usemap",
        "icon",
        "xlink:href",
        "ping",
        "imagesrcset",
    ]
)
# Attributes that are markup's own vocabulary, not text anybody reads.
SYNTAX = frozenset(
    [
        "class",
        "id",
        "rel",
        "type",
        "lang",
        "dir",
        "charset",
        "http-equiv",
        "name",
        "property",
        "itemprop",
        "itemtype",
        "itemscope",
        "role",
        "width",
        "height",
        "loading",
        "decoding",
        "sizes",
        "media",
        "crossorigin",
        "integrity",
        "target",
        "referrerpolicy",
        "datetime",
        "colspan",
        "rowspan",
        "scope",
        "headers",
        "align",
        "valign",
        "for",
        "method",
        "enctype",
        "autocomplete",
        "tabindex",
        "hidden",
        "async",
        "defer",
        "nomodule",
        "xmlns",
        "xmlns:xlink",
        "version",
        "viewbox",
        "preserveaspectratio",
        "fill",
        "stroke",
        "d",
        "transform",
    ]
)
TEXT_FILES = (".txt", ".md", ".csv", ".ics", ".vcf", ".webmanifest")
URL_IN_TEXT = re.compile(r"(?:https?:)?//[^\s\"'<>()\[\]{}]+|\bmailto:[^\s\"'<>]+", re.I)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# JavaScript comments and string literals (template literals included); an approximation
# of its grammar that errs towards reading more as text, never less.
JS_TEXT = re.compile(
    r"/\*.*?\*/|//[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", re.S
)
META_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
PAGEFIND = (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")
PAGEFIND_MAGIC = b"pagefind_dcd"  # what each of Pagefind's files starts with, once unzipped


@dataclass(frozen=True)
class Reading:
    prose: str  # normalized: what a reader reads
    cased: str  # the same, letter case kept
    code: str  # normalized: everything else in the file
    addresses: tuple[str, ...]  # as written (decoded from the markup), in file order


class _Collector:
    def __init__(self) -> None:
        self.prose: list[str] = []
        self.asides: list[str] = []  # prose that is not in the page's flow (comments)
        self.code: list[str] = []
        self.addresses: list[str] = []

    def reading(self) -> Reading:
        prose = "".join(self.prose) + BOUNDARY + BOUNDARY.join(self.asides)
        return Reading(
            normalize(prose),
            normalize(prose, fold=False),
            normalize(" ".join(self.code)),
            tuple(a for a in self.addresses if a),
        )

    def text(self, value: str) -> None:
        self.prose.append(value)
        if "/" in value:
            self.addresses.extend(m.group() for m in URL_IN_TEXT.finditer(value))

    def syntax(self, value: str) -> None:
        self.code.append(value)
        if "/" in value:
            self.addresses.extend(m.group() for m in URL_IN_TEXT.finditer(value))

    def address(self, value: str, listed: bool = False) -> None:
        self.code.append(value)
        if listed:  # srcset: "a.png 1x, b.png 480w"
            for part in value.split(","):
                if part.strip():
                    self.addresses.append(part.split()[0])
        else:
            self.addresses.append(value.strip())

    # -- languages inside files ------------------------------------------------------
    def css(self, text: str) -> None:
        self.code.append(text)
        for comment in CSS_COMMENT.findall(text):
            self.text(" " + comment[2:-2] + " ")
        for match in CSS_URL.finditer(text):
            self.addresses.append(match.group(2).strip())

    def javascript(self, text: str) -> None:
        self.code.append(text)
        for match in JS_TEXT.finditer(text):
            self.text(" " + match.group()[1:-1] + " ")

    def json(self, text: str) -> None:
        try:
            value = json.loads(text)
        except ValueError:
            self.text(text)
            return
        self._json_value(value, "")

    def _json_value(self, value: object, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.syntax(str(k))
                self._json_value(v, str(k))
        elif isinstance(value, list):
            for v in value:
                self._json_value(v, key)
        elif isinstance(value, str):
            if key.endswith("_html"):
                self.html(value)
            elif key in ("url", "id", "external_url", "image", "banner_image", "avatar",
                         "icon", "favicon", "home_page_url", "feed_url", "@id"):  # fmt: skip
                self.address(value)
            else:
                self.text(" " + value + " ")
        elif value is not None:
            self.syntax(str(value))

    def html(self, markup: str) -> None:
        from selectolax.lexbor import LexborHTMLParser

        root = LexborHTMLParser(markup).root
        if root is not None:
            self._tree(root)

    def _tree(self, root) -> None:  # type: ignore[no-untyped-def]
        """One pass over the document in order (lexbor's traversal, flat: every page has
        hundreds of nodes). A block element starting separates words; one ending is
        followed by another block or by nothing in the pages the themes make."""
        inside = ""  # "style" or "script": the element whose text comes next
        script_type = ""
        prose, asides = self.prose, self.asides
        for node in root.traverse(include_text=True):
            tag = node.tag
            if tag == "-text":
                text = node.text(deep=False)
                if inside == "style":
                    self.css(text)
                elif inside == "script":
                    self.json(text) if script_type.endswith("json") else self.javascript(text)
                else:
                    self.text(text)
                continue
            inside = ""
            if tag == "-comment":  # not shown, so it joins no word; read all the same
                asides.append((node.html or "").removeprefix("<!--").removesuffix("-->"))
                continue
            if tag in BLOCK:
                prose.append(BOUNDARY)
            elif tag == "br":
                prose.append(" ")
            attributes = node.attributes
            if attributes:
                for name, value in attributes.items():
                    self._attribute(tag, name.lower(), value or "", attributes)
            if tag in ("style", "script"):
                inside = tag
                script_type = ((attributes or {}).get("type") or "").lower()
            elif tag == "template":
                self.html(node.html or "")

    def _attribute(self, tag: str, name: str, value: str, attributes: dict) -> None:
        if name in ADDRESS:
            self.address(value, listed=name.endswith("srcset"))
        elif name == "style":
            self.css(value)
        elif name.startswith("on"):
            self.javascript(value)
        elif tag == "meta" and name == "content":
            if (attributes.get("http-equiv") or "").lower() == "refresh":
                found = META_REFRESH.search(value)
                if found:
                    self.address(found.group(1))
            elif value.startswith(("http://", "https://", "/")):
                self.address(value)
            else:
                self.text(" " + value + " ")
        elif name in SYNTAX:
            self.syntax(value)
        else:  # alt, title, aria-label, placeholder, value, data-* …: read or shown
            self.text(" " + value + " ")

    def xml(self, text: str) -> None:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            self.text(text)
            return
        for element in root.iter():
            for name, value in element.attrib.items():
                local = name.rsplit("}", 1)[-1].lower()
                if local in ADDRESS or local in ("uri", "url"):
                    self.address(value)
                elif local == "style":
                    self.css(value)
                else:
                    self.syntax(value)
            local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            content = element.text or ""
            if local in ("loc", "uri", "id", "link", "guid", "icon", "logo", "url"):
                self.address(content)
            elif local in ("content", "summary", "description", "subtitle") and "<" in content:
                self.html(content)  # HTML carried as text: read it as HTML
            elif local == "style":
                self.css(content)
            elif local == "script":
                self.javascript(content)
            else:
                self.text(" " + content + " ")
            self.text(" " + (element.tail or "") + " ")


def read_output(path: str, data: bytes) -> Reading:
    """The reading of one output file (its name is read by the caller)."""
    collector = _Collector()
    _read_into(collector, path.lower(), data)
    return collector.reading()


def _read_into(collector: _Collector, path: str, data: bytes) -> None:
    if path.endswith(PAGEFIND):
        _pagefind(collector, path, data)
        return
    if path.endswith((".gz", ".svgz")):
        with contextlib.suppress(OSError, EOFError):
            inner = gzip.decompress(data)
            _read_into(collector, path.removesuffix(".gz").replace(".svgz", ".svg"), inner)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # a binary file: its metadata is read by metadata.py, its name by the caller
    if path.endswith((".html", ".htm")):
        collector.html(text)
    elif path.endswith((".xml", ".svg", ".atom", ".rss")):
        collector.xml(text)
    elif path.endswith(".json"):
        collector.json(text)
    elif path.endswith(".css"):
        collector.css(text)
    elif path.endswith((".js", ".mjs")):
        collector.javascript(text)
    else:  # robots.txt, _headers, _redirects, CNAME, .txt and any other text
        collector.text(text)


def _pagefind(collector: _Collector, path: str, data: bytes) -> None:
    """A file of a Pagefind index. One that does not unzip or parse is read as text all
    the same (never skipped: what the audit cannot take apart it still searches)."""
    try:
        inner = gzip.decompress(data)
    except (OSError, EOFError):
        inner = data
    inner = inner.removeprefix(PAGEFIND_MAGIC)
    if path.endswith(".pf_fragment"):
        collector.json(inner.decode("utf-8", "replace"))
        return
    try:
        strings = cbor_strings(inner)
    except (IndexError, ValueError):
        collector.text(inner.decode("utf-8", "replace"))
        return
    for text in strings:  # each word on its own: no name is matched across two
        collector.text(BOUNDARY + text + BOUNDARY)


def cbor_strings(data: bytes) -> list[str]:
    """Every text and byte string of a CBOR value (RFC 8949), in order: the words and
    names of Pagefind's index. Raises IndexError or ValueError for what is not CBOR."""
    found: list[str] = []
    pos, items = 0, 1  # items still to read at this level, flattened
    end = len(data)
    while items and pos < end:
        items -= 1
        head = data[pos]
        pos += 1
        if head < 0x18:  # a small unsigned integer, most of an index: nothing to read
            continue
        major, info = head >> 5, head & 0x1F
        if info < 24:
            value = info
        elif info == 24:  # one byte, then two: read without a call (most of the rest)
            value = data[pos]
            pos += 1
        elif info == 25:
            value = data[pos] << 8 | data[pos + 1]
            pos += 2
        elif info <= 27:
            size = 1 << (info - 24)
            if pos + size > end:
                raise IndexError("truncated")
            value = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        elif info == 31 and major in (2, 3, 4, 5):
            raise ValueError("indefinite lengths are not written by Pagefind")
        else:
            raise ValueError(f"reserved additional information {info}")
        if major in (2, 3):
            if pos + value > end:
                raise IndexError("truncated")
            found.append(data[pos : pos + value].decode("utf-8", "replace"))
            pos += value
        elif major == 4:
            items += value
        elif major == 5:
            items += 2 * value
        elif major == 6:
            items += 1  # a tag: its value follows
    return found
