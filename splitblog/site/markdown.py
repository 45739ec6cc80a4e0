"""Markdown → HTML, once per post text, with the references splitblog resolves per site
left as placeholders.

A post is parsed once; what differs per site (where a `.md` link points, whether it is
stripped, where a bundle file lives, whether an address leads into another site) is
filled in afterwards by `finalize`, so a post on two sites costs one parse.

markdown-it-py is the one engine (content/only.py makes it, `::: only` rule included):
what decides what a site shows — a link, an only-block — is recognised by the parse that
renders it. Everything splitblog adds is done on markdown-it's tokens, in its own render
rules: heading ids, code highlighting, link and image references, and every address in
raw HTML (read by a real tokenizer, site/html_addresses.py).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML

from splitblog.content.only import check_tokens, engine, might_hold_fence
from splitblog.errors import Problem
from splitblog.model import Source
from splitblog.routing.links import Ref, Resolution, classify_address, looks_like_file
from splitblog.site import html_addresses as raw
from splitblog.site.html_addresses import Slot, StartTag

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Part of every Markdown cache key: HTML rendered by another version of the engine, its
# plugins or the highlighter is never reused. Bump the first part when splitblog's own
# processing of the HTML changes.
ENGINE = "splitblog-md/5 " + " ".join(
    f"{name}={version(name)}" for name in ("markdown-it-py", "mdit-py-plugins", "pygments")
)
MORE = "<!-- more -->"
# Placeholders in splitblog's own output (content cannot hold \x02 or \x03): \x02L3\x03
# opens link 3, \x02E3\x03 closes it, \x02F3\x03 is file 3's URL, \x02T3\x03 is raw tag 3,
# \x02U3\x03 is ref 3's URL inside a raw tag; \x02P\x03 … \x02Q\x03 mark the first paragraph.
PLACEHOLDER = re.compile("\x02([LEFT])(\\d+)\x03")
VALUE = re.compile("\x02U(\\d+)\x03")
FIRST, FIRST_END = "\x02P\x03", "\x02Q\x03"
# Attributes that name a page but are never fetched or followed by the browser by
# themselves: no referrer goes with them.
NOT_FETCHED = frozenset({"cite", "longdesc", "itemid", "usemap", "profile"})


@dataclass(frozen=True)
class RenderedBody:
    html: str
    summary: str
    refs: tuple[Ref, ...]
    attrs: tuple[str, ...]  # each ref's other <a> attributes (a title), rendered
    problems: tuple[Problem, ...] = ()
    tags: tuple[StartTag, ...] = ()  # raw tags holding references, as \x02U…\x03
    # The body's headings as rendered (level after demotion, id, plain text): what a
    # table of contents lists, taken from the text this site shows and nothing else.
    headings: tuple[tuple[int, str, str], ...] = ()


def reference_engine(only_blocks: bool = True) -> MarkdownIt:
    """The engine as it parses (content/only.py), without splitblog's render rules."""
    return engine(only_blocks)


class MarkdownRenderer:
    """Renders post texts; Pygments colours fenced code (the theme ships the CSS).

    `only_blocks=False` leaves the `::: only` rule out (for the CommonMark check, which
    shows that the rule changes nothing on a text without `:::`)."""

    def __init__(self, only_blocks: bool = True) -> None:
        self._engine = engine(only_blocks)
        self._engine.core.ruler.push("splitblog_lines", _inline_lines)
        self._engine.core.ruler.push("splitblog_headings", _demote_headings)
        for name in ("link", "image", "autolink", "html_inline"):
            self._engine.inline.ruler.at(name, _positioned(self._engine, name))
        for name, rule in RULES.items():
            self._engine.add_render_rule(name, rule)
        self._engine.options["highlight"] = self._highlight
        self._highlighted: dict[tuple[str, str], str] = {}
        self._highlighter: Highlighter | None = None  # Pygments is imported on first use

    def to_html(self, text: str) -> str:
        """The engine's HTML for a Markdown text, references left as they are."""
        if not text.endswith("\n"):
            text += "\n"
        return self._engine.render(text).replace(FIRST, "").replace(FIRST_END, "")

    def render(self, source: Source, text: str, summary: str | None) -> RenderedBody:
        """The post's HTML and summary, references replaced by placeholders."""
        marker = _Marker(source, source.body_line)
        body, first = self._process(text, marker)
        if summary is not None:
            summary_marker = _Marker(source, source.line_of("summary") or 1, marker)
            summary_html, _first = self._process(summary, summary_marker)
        elif MORE in body:
            summary_html = body.split(MORE, 1)[0].strip()
        else:
            summary_html = first
        return RenderedBody(body, summary_html, tuple(marker.refs), tuple(marker.attrs),
                            tuple(marker.problems), tuple(marker.tags),
                            tuple(marker.headings))  # fmt: skip

    def _process(self, text: str, marker: _Marker) -> tuple[str, str]:
        """(the HTML, its first top-level paragraph)."""
        if not text.endswith("\n"):
            text += "\n"
        env: dict[str, Any] = {"splitblog": marker}
        tokens = self._engine.parse(text, env)
        if might_hold_fence(text):
            marker.check(tokens, env)
        markup = self._engine.renderer.render(tokens, self._engine.options, env)
        first = ""
        if FIRST in markup:
            first = markup.split(FIRST, 1)[1].split(FIRST_END, 1)[0]
            markup = markup.replace(FIRST, "").replace(FIRST_END, "")
        return markup, first

    def _highlight(self, code: str, lang: str, _attrs: Any) -> str:
        if not lang:
            return ""
        key = (lang, code)
        if key not in self._highlighted:
            if self._highlighter is None:
                self._highlighter = Highlighter()
            self._highlighted[key] = self._highlighter.highlight(code, lang) or ""
        return self._highlighted[key]


# -- where each inline token starts --------------------------------------------------------
def _positioned(md: MarkdownIt, name: str) -> Any:
    """The inline rule `name`, noting where in its paragraph each token it makes starts."""
    ruler = md.inline.ruler
    rule = ruler.__rules__[ruler.__find__(name)].fn

    def wrapped(state: Any, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent:
            for token in state.tokens[count:]:
                token.meta.setdefault("pos", start)
        return bool(found)

    return wrapped


def _demote_headings(state: Any) -> None:
    """The page's title is its one <h1>: a text that uses `#` headings has each of its
    headings moved one level down (`#` → h2, `##` → h3 …, h6 stays h6), so its outline
    keeps its shape; a text whose headings start at `##` is left as written."""
    headings = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if not any(t.tag == "h1" for t in headings):
        return
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _inline_lines(state: Any) -> None:
    """Give each positioned inline token the line (of the text) it starts on."""
    for token in state.tokens:
        if token.type != "inline" or not token.map or not token.children:
            continue
        for child in token.children:
            pos = child.meta.get("pos")
            if pos is not None:
                child.meta["line"] = token.map[0] + token.content.count("\n", 0, pos)


# -- the render rules -------------------------------------------------------------------------
class _Marker:
    """Collects one text's references and puts placeholders in their place."""

    def __init__(self, source: Source, first_line: int, shared: _Marker | None = None):
        self.source = source
        self.first_line = first_line
        self.refs: list[Ref] = shared.refs if shared else []
        self.attrs: list[str] = shared.attrs if shared else []
        self.tags: list[StartTag] = shared.tags if shared else []
        self.problems: list[Problem] = shared.problems if shared else []
        self.slugs: set[str] = set()
        self.headings: list[tuple[int, str, str]] = []  # this text's own, not shared
        self.links: list[int | None] = []  # open Markdown links: their ref, if any
        self.first = "before"  # the first top-level paragraph: before, in, after

    def problem(self, message: str, line: int, hint: str | None = None) -> None:
        self.problems.append(
            Problem(message, path=self.source.rel, line=self.first_line + line, hint=hint)
        )

    def check(self, tokens: list[Token], env: dict[str, Any]) -> None:
        """A fence that reaches the renderer (in a summary, or a text not made by
        routing) is refused, as the content stage refuses one in a body."""
        check_tokens(tokens, env)
        only = env["only"]  # made by check_tokens when the engine has no block rule
        for line, message, hint in only.problems:
            self.problem(message, line, hint)
        for block in only.blocks:
            self.problem(
                "`::: only` block in a text that is shown on every site",
                block.first,
                "use ::: only in the body, not in the front matter",
            )

    def ref(self, kind: str, target: str, key: str, fragment: str, line: int, hides: bool) -> int:
        self.refs.append(Ref(kind, target, key, fragment, self.first_line + line, hides))  # type: ignore[arg-type]
        self.attrs.append("")
        return len(self.refs) - 1

    def address(self, href: str, line: int, hides: bool, image: bool = False) -> int | None:
        """A ref for an address splitblog resolves per site, else None. An image's
        relative file that is not in the post's bundle is a problem."""
        found = classify_address(href, self.source)
        if found is None:
            return None
        kind, key, fragment = found
        if image and kind == "url" and looks_like_file(href):
            self.problem(
                f"image '{unquote(href)}' not found next to this post",
                line,
                "make the post a bundle (a folder with index.md) and put the file beside index.md",
            )
            return None
        target = key if kind == "url" else unquote(href)
        return self.ref(kind, target, key, fragment, line, hides)

    def raw_html(self, text: str, line: int) -> str:
        """Raw HTML written out again from its tokens, each address a reference."""
        parsed = raw.parse(text)
        for offset, message, hint in parsed.problems:
            self.problem(message, line + offset, hint)
        out = []
        for part in parsed.parts:
            if isinstance(part, str):
                out.append("</h2>" if part == "</h1>" else part)
                continue
            found: list[int] = []

            def value_of(slot: Slot, tag: StartTag = part, found: list[int] = found) -> str:
                name = tag.attrs[slot.attr][0]
                hides = name in NOT_FETCHED or (
                    raw.hides_referrer(tag.name) and name not in ("style", "ping", "content")
                )
                image = tag.name == "img" and name == "src"
                index = self.address(slot.url, line + tag.line, hides, image)
                if index is None:
                    return slot.url
                found.append(index)
                return f"\x02U{index}\x03"

            if part.name == "h1":  # the page's title is its one <h1>
                part = replace(part, name="h2")
            tag = raw.rebuild(part, value_of) if raw.slots(part) else part
            if found:
                self.tags.append(tag)
                out.append(f"\x02T{len(self.tags) - 1}\x03")
            else:
                out.append(raw.write(tag))
        return "".join(out)


def _marker(env: dict[str, Any]) -> _Marker | None:
    return env.get("splitblog")


def _line(token: Token) -> int:
    if token.map:
        return token.map[0]
    return int(token.meta.get("line", 0))


def _heading_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    marker = _marker(env)
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if marker is not None and inline is not None and inline.children is not None:
        text = "".join(
            "\n" if c.type in ("softbreak", "hardbreak") else c.content
            for c in inline.children
            if c.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        slug = base = heading_slug(text) or "section"
        number = 1
        while slug in marker.slugs:
            slug = f"{base}-{number}"
            number += 1
        marker.slugs.add(slug)
        tokens[idx].attrSet("id", slug)
        marker.headings.append((int(tokens[idx].tag[1]), slug, " ".join(text.split())))
    return self.renderToken(tokens, idx, options, env)


def _paragraph_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    marker = _marker(env)
    out = self.renderToken(tokens, idx, options, env)
    if marker is not None and marker.first == "before" and tokens[idx].level == 0:
        marker.first = "in"
        return FIRST + out
    return out


def _paragraph_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    marker = _marker(env)
    out = self.renderToken(tokens, idx, options, env)
    if marker is not None and marker.first == "in" and tokens[idx].level == 0:
        marker.first = "after"
        return out.rstrip("\n") + FIRST_END + out[len(out.rstrip("\n")) :]
    return out


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    marker = _marker(env)
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    index = marker.address(href, _line(token), True) if marker is not None else None
    if marker is None or index is None:
        if marker is not None:
            marker.links.append(None)
        return self.renderToken(tokens, idx, options, env)
    rest = "".join(
        f' {name}="{escapeHtml(str(value))}"'
        for name, value in token.attrs.items()
        if name != "href"
    )
    marker.attrs[index] = rest
    if marker.refs[index].kind == "file":  # a link to a bundle file: only its URL differs
        marker.links.append(None)
        return f'<a href="\x02F{index}\x03"{rest}>'
    marker.links.append(index)
    return f"\x02L{index}\x03"


def _link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    marker = _marker(env)
    index = marker.links.pop() if marker is not None and marker.links else None
    return "</a>" if index is None else f"\x02E{index}\x03"


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    marker = _marker(env)
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    index = marker.address(src, _line(token), True, image=True) if marker is not None else None
    if marker is None or index is None:
        return RendererHTML.image(self, tokens, idx, options, env)
    alt = self.renderInlineAsText(token.children or [], options, env)
    attrs: list[tuple[str, str | None]] = [("src", f"\x02U{index}\x03"), ("alt", alt)]
    attrs += [(n, str(v)) for n, v in token.attrs.items() if n not in ("src", "alt")]
    marker.tags.append(StartTag("img", tuple(attrs), bool(options.get("xhtmlOut")), 0))
    return f"\x02T{len(marker.tags) - 1}\x03"


def _html(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    marker = _marker(env)
    token = tokens[idx]
    if marker is None:
        return token.content
    return marker.raw_html(token.content, _line(token))


def _nothing(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return ""


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    # A box of its own that scrolls sideways: a wide table never widens the page.
    return '<div class="table-wrap">\n' + self.renderToken(tokens, idx, options, env)


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


RULES = {
    "heading_open": _heading_open,
    "table_open": _table_open,
    "table_close": _table_close,
    "paragraph_open": _paragraph_open,
    "paragraph_close": _paragraph_close,
    "link_open": _link_open,
    "link_close": _link_close,
    "image": _image,
    "html_block": _html,
    "html_inline": _html,
    "only_open": _nothing,
    "only_close": _nothing,
}


def heading_slug(text: str) -> str:
    """GitHub-style ids, as markdown-it's anchors plugin makes them."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", text.strip().lower()).replace(" ", "-")


@functools.cache
def _reader() -> MarkdownIt:
    return engine()


def references(text: str) -> list[str]:
    """Every address a Markdown text's links, images and raw HTML hold, as written (the
    renderer's tokens and tokenizer, without resolving anything)."""
    found: list[str] = []

    def html_addresses(markup: str) -> None:
        for part in raw.parse(markup).parts:
            if isinstance(part, StartTag):
                found.extend(slot.url for slot in raw.slots(part))

    for token in _reader().parse(text, {}):
        if token.type == "html_block":
            html_addresses(token.content)
        for child in token.children or ():
            if child.type == "link_open":
                found.append(str(child.attrGet("href") or ""))
            elif child.type == "image":
                found.append(str(child.attrGet("src") or ""))
            elif child.type == "html_inline":
                html_addresses(child.content)
    return found


class Highlighter:
    """Pygments with CSS classes; one formatter, and each lexer looked up once."""

    def __init__(self) -> None:
        from pygments.formatters import HtmlFormatter

        self._formatter = HtmlFormatter(nowrap=True)
        self._lexers: dict[str, object] = {}

    def highlight(self, code: str, lang: str) -> str | None:
        """HTML for the code, or None for a language Pygments does not know."""
        from pygments import highlight
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        if lang not in self._lexers:
            try:
                self._lexers[lang] = get_lexer_by_name(lang)
            except ClassNotFound:
                self._lexers[lang] = None
        lexer = self._lexers[lang]
        if lexer is None:
            return None
        inner = highlight(code, lexer, self._formatter)  # type: ignore[arg-type]
        language = html.escape(lang)
        return f'<pre class="highlight"><code class="language-{language}">{inner}</code></pre>'


class Photos(Protocol):
    """A site's photos, as finalize asks about them (site/photos.py SitePhotos)."""

    def img(self, tag: StartTag) -> str | None: ...  # an <img> of a photo, as it is shown
    def address(self, url: str) -> str: ...  # where any other reference to it points


@dataclass
class _Filled:
    resolutions: Sequence[Resolution | str]
    crossed: bool = field(default=False)

    def value_of(self, slot: Slot) -> str | None:
        found = VALUE.fullmatch(slot.url)
        if found is None:
            return slot.url
        target = self.resolutions[int(found.group(1))]
        if isinstance(target, str):
            return target
        if target.kind == "strip":
            return None
        self.crossed = self.crossed or target.kind == "allow"
        return target.url


def finalize(
    text: str,
    rendered: RenderedBody,
    resolutions: Sequence[Resolution | str],
    photos: Photos | None = None,
) -> str:
    """Fill one site's link and file URLs into rendered HTML (body or summary).

    `resolutions[i]` is a Resolution for a `.md` or address ref and a URL string for a
    file ref. A link to another site (`allow`) is told not to send the referrer.
    `photos`: the site's photos at web size — an <img> of one becomes its <picture>, and
    any other reference to one points where `photos.address` says."""
    if "\x02" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        part, index = match.group(1), int(match.group(2))
        if part == "T":
            filled = _Filled(resolutions)
            tag = raw.rebuild(rendered.tags[index], filled.value_of)
            if filled.crossed:
                tag = raw.with_referrer_hidden(tag)
            if photos is None:
                return raw.write(tag)
            if tag.name == "img":
                shown = photos.img(tag)
                if shown is not None:
                    return shown
            return raw.write(raw.rebuild(tag, lambda slot: photos.address(slot.url)))
        target = resolutions[index]
        if part == "F":
            url = target if isinstance(target, str) else target.url
            return html.escape(photos.address(url) if photos is not None else url)
        assert isinstance(target, Resolution)
        if target.kind == "strip":
            return ""
        if part == "E":
            return "</a>"
        rel = ' rel="noreferrer"' if target.kind == "allow" else ""
        return f'<a href="{html.escape(target.url)}"{rel}{rendered.attrs[index]}>'

    return PLACEHOLDER.sub(fill, text)
