"""Addresses in raw HTML, found by a real tokenizer (the standard library's HTMLParser).

Raw HTML in a post is read once by HTMLParser and written out again from what it
understood: every start tag with its attributes double-quoted and escaped, text escaped,
comments made unambiguous. So the browser reads exactly the tags and attributes that were
judged here — an odd quoting, spacing or letter case, an unfinished comment or a tag the
tokenizer sees differently from a browser cannot smuggle an address past the judgement,
whatever Python version's tokenizer did the reading.

An address is any attribute value that a browser fetches or follows (the list is
ADDRESS_ATTRIBUTES), a candidate of a `srcset`, a URL of `ping`/`archive`, the `url=` of
a `<meta http-equiv=refresh>`, and every `url(…)` and string of CSS in a `style`
attribute or a `<style>` element. No regular expressions read HTML here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it.common.utils import escapeHtml

# attribute → the tags it is an address on (None: on every tag). Lists and CSS below.
ADDRESS_ATTRIBUTES: dict[str, frozenset[str] | None] = {
    "href": None,  # a, area, link, base, and SVG's a, use, image, feImage
    "xlink:href": None,
    "src": None,  # img, script, iframe, frame, embed, audio, video, source, track, input
    "data": frozenset({"object"}),
    "action": None,  # form
    "formaction": None,  # button, input
    "poster": None,  # video
    "cite": None,  # blockquote, q, ins, del
    "background": None,  # body, table, td, th
    "longdesc": None,  # img, frame, iframe
    "lowsrc": None,
    "dynsrc": None,
    "codebase": None,  # object, applet
    "classid": frozenset({"object"}),
    "manifest": frozenset({"html"}),
    "profile": frozenset({"head"}),
    "icon": None,  # menuitem, command
    "usemap": None,
    "value": frozenset({"param"}),  # <param name=movie value=…>
    "itemid": None,
}
LISTS = {"srcset": ",", "imagesrcset": ",", "ping": " ", "archive": " "}
CSS_ATTRIBUTES = frozenset({"style"})
# Elements whose navigation or fetch can be told not to send the referrer.
REL_TAGS = frozenset({"a", "area", "form"})  # rel="noreferrer"
POLICY_TAGS = frozenset({"img", "iframe", "script", "link"})  # referrerpolicy
ASCII_WHITESPACE = " \t\n\f\r"


@dataclass(frozen=True)
class Slot:
    """Where one address sits: an attribute (whole, one list item, or one CSS url)."""

    attr: int  # index into the tag's attributes
    url: str  # as the browser reads it (entities decoded)
    item: int = -1  # the list item or CSS piece, -1 for the whole value


@dataclass(frozen=True)
class StartTag:
    """A start tag as the tokenizer read it."""

    name: str
    attrs: tuple[tuple[str, str | None], ...]
    closed: bool  # written <x … />
    line: int  # 0-based line in the HTML text


@dataclass(frozen=True)
class Parsed:
    """HTML as a sequence of canonical text and start tags, and what cannot be published."""

    parts: tuple[str | StartTag, ...]
    problems: tuple[tuple[int, str, str], ...]  # (0-based line, message, hint)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str | StartTag] = []
        self.problems: list[tuple[int, str, str]] = []
        self._raw: str | None = None  # inside <script>/<style>: text is not escaped
        self.styles: list[int] = []  # indexes of the parts that are <style> text

    def _line(self) -> int:
        return self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)
        if tag in ("script", "style"):
            self._raw = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if tag == "base":
            self.problems.append(
                (
                    self._line(),
                    "a <base> tag changes what every address on the page means",
                    "remove it; write each address in full instead",
                )
            )
        if any(name == "srcdoc" for name, _value in attrs):
            self.problems.append(
                (
                    self._line(),
                    "an <iframe srcdoc> holds a page of its own, whose addresses splitblog "
                    "cannot judge",
                    "put that page in a file of the bundle and use src",
                )
            )
        self.parts.append(StartTag(tag, tuple(attrs), closed, self._line()))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._raw == "style":
            self.styles.append(len(self.parts))
        self.parts.append(data if self._raw else escapeHtml(data).replace("&quot;", '"'))

    def handle_comment(self, data: str) -> None:
        self.parts.append(comment(data))

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype"):
            self.parts.append(f"<!{escapeHtml(decl)}>")

    def handle_pi(self, data: str) -> None:
        self.parts.append(comment(data))  # a browser reads <?…> as a comment

    def unknown_decl(self, data: str) -> None:
        self.parts.append(comment(data))  # <![CDATA[…]]> too, outside SVG and MathML

    def handle_entityref(self, name: str) -> None:  # only without convert_charrefs
        self.parts.append(f"&amp;{name}")

    def handle_charref(self, name: str) -> None:  # only without convert_charrefs
        self.parts.append(f"&amp;#{name}")


def comment(text: str) -> str:
    """An HTML comment no browser can end early or late (`<!-->`, `--!>` …)."""
    if text.strip().lower() == "more":
        return "<!-- more -->"  # the summary marker, however it was spaced
    safe = text.replace("-", "\u2010").replace("<", "\u2039").replace(">", "\u203a")
    return f"<!--{safe}-->"


def parse(text: str) -> Parsed:
    reader = _Reader()
    reader.feed(text)
    left = reader.rawdata  # what the tokenizer could not finish: an unclosed tag or comment
    if left.lstrip(ASCII_WHITESPACE).startswith("<") and len(left.strip()) > 1:
        line = text[: len(text) - len(left)].count("\n")
        reader.problems.append(
            (
                line,
                "an unfinished HTML tag or comment (a '<' without its '>')",
                "finish it, or write &lt; for a '<' that is text",
            )
        )
        reader.rawdata = ""
    reader.close()
    parts = reader.parts
    for index in reader.styles:  # CSS of a <style> element: its url()s are addresses
        css = parts[index]
        assert isinstance(css, str)
        parts[index] = StartTag("#css", (("style", css),), False, 0)
    return Parsed(tuple(parts), tuple(reader.problems))


# -- the addresses of one tag ----------------------------------------------------------
def slots(tag: StartTag) -> list[Slot]:
    """Every address in the tag, in order."""
    found: list[Slot] = []
    names = {name for name, _v in tag.attrs}
    for index, (name, value) in enumerate(tag.attrs):
        if value is None:
            continue
        tags = ADDRESS_ATTRIBUTES.get(name, ())
        if tags is None or (tags and tag.name in tags):
            found.append(Slot(index, value))
        elif name in LISTS:
            for item, (url, _rest) in enumerate(split_list(value, LISTS[name])):
                found.append(Slot(index, url, item))
        elif name in CSS_ATTRIBUTES or tag.name == "#css":
            for item, piece in enumerate(css_pieces(value)):
                if isinstance(piece, Url):
                    found.append(Slot(index, piece.url, item))
        elif tag.name == "meta" and name == "content" and "http-equiv" in names:
            url = refresh_url(value)
            if url is not None:
                found.append(Slot(index, url))
    return found


def rebuild(tag: StartTag, value_of: Callable[[Slot], str | None]) -> StartTag:
    """The tag with each address replaced by value_of(slot); None drops the attribute (or
    the list item, or leaves an empty url())."""
    by_attr: dict[int, list[Slot]] = {}
    for slot in slots(tag):
        by_attr.setdefault(slot.attr, []).append(slot)
    attrs: list[tuple[str, str | None]] = []
    for index, (name, value) in enumerate(tag.attrs):
        found = by_attr.get(index)
        if not found or value is None:
            attrs.append((name, value))
            continue
        if found[0].item < 0:
            new = value_of(found[0])
            if new is None:
                continue
            if tag.name == "meta":
                new = replace_refresh(value, new)
            attrs.append((name, new))
        elif name in LISTS:
            items = split_list(value, LISTS[name])
            kept = []
            for slot in found:
                url = value_of(slot)
                if url is not None:
                    kept.append(url + items[slot.item][1])
            attrs.append((name, (", " if LISTS[name] == "," else " ").join(kept)))
        else:
            pieces = css_pieces(value)
            urls = {slot.item: value_of(slot) for slot in found}
            out = []
            for item, piece in enumerate(pieces):
                if isinstance(piece, Url):
                    out.append(piece.write(urls.get(item) or ""))
                else:
                    out.append(piece)
            attrs.append((name, "".join(out)))
    return StartTag(tag.name, tuple(attrs), tag.closed, tag.line)


def with_referrer_hidden(tag: StartTag) -> StartTag:
    """The tag told not to send the referrer where it leads (rel merged, not replaced)."""
    attrs = list(tag.attrs)
    if tag.name in REL_TAGS:
        rel = next((i for i, (n, _v) in enumerate(attrs) if n == "rel"), None)
        if rel is None:
            attrs.append(("rel", "noreferrer"))
        else:
            values = (attrs[rel][1] or "").split()
            if "noreferrer" not in values:
                attrs[rel] = ("rel", " ".join([*values, "noreferrer"]))
    if tag.name in POLICY_TAGS:
        attrs = [(n, v) for n, v in attrs if n != "referrerpolicy"]
        attrs.append(("referrerpolicy", "no-referrer"))
    return StartTag(tag.name, tuple(attrs), tag.closed, tag.line)


def hides_referrer(tag_name: str) -> bool:
    return tag_name in REL_TAGS or tag_name in POLICY_TAGS


def write(tag: StartTag) -> str:
    if tag.name == "#css":
        return str(tag.attrs[0][1])
    attrs = "".join(
        f" {name}" if value is None else f' {name}="{escapeHtml(value)}"'
        for name, value in tag.attrs
        if name and not any(c in name for c in "\"'<>=/ \t\n\f\r")  # no name ends a tag
    )
    return f"<{tag.name}{attrs}{' /' if tag.closed else ''}>"


def canonical(text: str, value_of: Callable[[StartTag, Slot], str | None] | None = None) -> str:
    """The HTML written out again from its tokens, each address through value_of."""
    out = []
    for part in parse(text).parts:
        if isinstance(part, str):
            out.append(part)
            continue
        tag = part
        if value_of is not None and slots(tag):
            tag = rebuild(tag, lambda slot, tag=tag: value_of(tag, slot))
        out.append(write(tag))
    return "".join(out)


# -- lists, refresh, CSS -----------------------------------------------------------------
def split_list(value: str, separator: str) -> list[tuple[str, str]]:
    """(url, what follows it) for each item: srcset candidates with their descriptors
    (HTML's "parse a srcset attribute", simplified), or space-separated URLs."""
    items: list[tuple[str, str]] = []
    if separator == " ":
        return [(part, "") for part in value.split()]
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos] in ASCII_WHITESPACE or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and value[pos] not in ASCII_WHITESPACE:
            pos += 1
        url = value[start:pos]
        if not url:
            break
        if url.endswith(","):
            items.append((url.rstrip(","), ""))
            continue
        start, depth = pos, 0
        while pos < end and (value[pos] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[pos], 0)
            pos += 1
        descriptor = value[start:pos].strip(ASCII_WHITESPACE)
        items.append((url, f" {descriptor}" if descriptor else ""))
    return items


def refresh_url(content: str) -> str | None:
    """The address of `<meta http-equiv=refresh content="5; url=…">`, if it has one."""
    rest = content.lstrip(ASCII_WHITESPACE)
    pos = 0
    while pos < len(rest) and (rest[pos].isdigit() or rest[pos] == "."):
        pos += 1
    rest = rest[pos:].lstrip(ASCII_WHITESPACE)
    if rest[:1] in (";", ","):
        rest = rest[1:].lstrip(ASCII_WHITESPACE)
    if rest[:3].lower() == "url":
        after = rest[3:].lstrip(ASCII_WHITESPACE)
        if after.startswith("="):
            rest = after[1:].lstrip(ASCII_WHITESPACE)
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        rest = rest.split(quote, 1)[0]
    return rest.strip(ASCII_WHITESPACE) or None


def replace_refresh(content: str, url: str) -> str:
    delay = ""
    for char in content.lstrip(ASCII_WHITESPACE):
        if not (char.isdigit() or char == "."):
            break
        delay += char
    return f"{delay or '0'}; url={url}"


@dataclass(frozen=True)
class Url:
    """An address in CSS: url(…) or a string (image-set("…"), @import "…")."""

    url: str
    form: str  # "url" or the quote character

    def write(self, url: str) -> str:
        escaped = url.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
        return f'url("{escaped}")' if self.form == "url" else f'"{escaped}"'


def css_pieces(css: str) -> list[str | Url]:
    """CSS as literal text and addresses. Every string counts as an address (image-set and
    @import take strings); CSS escapes are decoded, so `u\\72l(` is still url(."""
    pieces: list[str | Url] = []
    text: list[str] = []
    pos, end = 0, len(css)

    def flush() -> None:
        if text:
            pieces.append("".join(text))
            text.clear()

    while pos < end:
        char = css[pos]
        if css.startswith("/*", pos):
            close = css.find("*/", pos + 2)
            pos = end if close < 0 else close + 2
            text.append(" ")
            continue
        if char in ("'", '"'):
            value, pos = _css_string(css, pos + 1, char)
            flush()
            pieces.append(Url(value, char))
            continue
        name, after = _css_ident(css, pos)
        if name and name.lower() == "url" and after < end and css[after] == "(":
            value, pos = _css_url(css, after + 1)
            flush()
            if isinstance(value, Url):
                pieces.append(value)
            else:
                pieces.append(Url(value, "url"))
            continue
        if name:
            text.append(css[pos:after])
            pos = after
            continue
        text.append(char)
        pos += 1
    flush()
    return pieces


def _css_escape(css: str, pos: int) -> tuple[str, int]:
    """The character a backslash escape at css[pos] (the backslash) stands for."""
    pos += 1
    digits = ""
    while pos < len(css) and len(digits) < 6 and css[pos] in "0123456789abcdefABCDEF":
        digits += css[pos]
        pos += 1
    if digits:
        if pos < len(css) and css[pos] in ASCII_WHITESPACE:
            pos += 1
        code = int(digits, 16)
        return (chr(code) if 0 < code <= 0x10FFFF else "\ufffd"), pos
    if pos < len(css):
        return css[pos], pos + 1
    return "", pos


def _css_ident(css: str, pos: int) -> tuple[str, int]:
    name = []
    while pos < len(css):
        char = css[pos]
        if char == "\\":
            decoded, pos = _css_escape(css, pos)
            name.append(decoded)
        elif char.isalnum() or char in "-_" or ord(char) > 0x7F:
            name.append(char)
            pos += 1
        else:
            break
    return "".join(name), pos


def _css_string(css: str, pos: int, quote: str) -> tuple[str, int]:
    value = []
    while pos < len(css) and css[pos] != quote:
        if css[pos] == "\\":
            if css[pos + 1 : pos + 2] == "\n":
                pos += 2
                continue
            decoded, pos = _css_escape(css, pos)
            value.append(decoded)
        elif css[pos] == "\n":
            break  # a bad string ends at the line's end
        else:
            value.append(css[pos])
            pos += 1
    return "".join(value), pos + 1


def _css_url(css: str, pos: int) -> tuple[str | Url, int]:
    while pos < len(css) and css[pos] in ASCII_WHITESPACE:
        pos += 1
    if pos < len(css) and css[pos] in ("'", '"'):
        value, pos = _css_string(css, pos + 1, css[pos])
        close = css.find(")", pos)
        return Url(value, "url"), len(css) if close < 0 else close + 1
    value = []
    while pos < len(css) and css[pos] != ")":
        if css[pos] == "\\":
            decoded, pos = _css_escape(css, pos)
            value.append(decoded)
        else:
            value.append(css[pos])
            pos += 1
    return "".join(value).strip(ASCII_WHITESPACE), pos + 1
