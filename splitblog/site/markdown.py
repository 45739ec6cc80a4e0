"""Markdown → HTML, once per post text, with the references splitblog resolves per site
left as placeholders.

A post is parsed once; what differs per site (where a `.md` link points, whether it is
stripped, where a bundle file lives) is filled in afterwards by `finalize`, a string
substitution, so a post on two sites costs one parse.

markdown-it-py is the one engine: what decides what a site shows (a link, an only-block)
must be recognised by the parse that renders it, so no second engine renders posts.
Everything after the engine — heading ids, code highlighting, link placeholders,
summaries — is done here on its HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING
from urllib.parse import unquote

from splitblog.errors import Problem
from splitblog.model import Source
from splitblog.routing.links import Ref, Resolution, classify, looks_like_file

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Part of every Markdown cache key: HTML rendered by another version of the engine, its
# plugins or the highlighter is never reused. Bump the first part when splitblog's own
# processing of the HTML changes.
ENGINE = "splitblog-md/3 " + " ".join(
    f"{name}={version(name)}" for name in ("markdown-it-py", "mdit-py-plugins", "pygments")
)
MORE = "<!-- more -->"
# Placeholders: \x02L3\x03 opens link 3, \x02E3\x03 closes it, \x02F3\x03 is file 3's URL.
PLACEHOLDER = re.compile("\x02([LEF])(\\d+)\x03")

HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
CODE_BLOCK = re.compile(r'<pre><code class="language-([^"]+)">(.*?)</code></pre>', re.S)
LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)
IMAGE = re.compile(r'(<img src=")([^"]*)(")')
TAG = re.compile(r"<[^>]+>")
BLOCK_TAG = re.compile(
    r"<(/?)(p|blockquote|ul|ol|li|table|section|div|pre|dl|details|figure)\b[^>]*>"
)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    summary: str
    refs: tuple[Ref, ...]
    attrs: tuple[str, ...]  # each ref's other <a> attributes (a title), rendered
    problems: tuple[Problem, ...] = ()


def reference_engine() -> MarkdownIt:
    # Imported here: a rebuild that renders no Markdown does not pay for the import.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"typographer": True, "html": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    return md.use(footnote_plugin).use(tasklists_plugin)


class MarkdownRenderer:
    """Renders post texts; Pygments colours fenced code (the theme ships the CSS)."""

    def __init__(self) -> None:
        self._engine = reference_engine()
        self._highlighted: dict[tuple[str, str], str] = {}
        self._highlighter: Highlighter | None = None  # Pygments is imported on first use

    def to_html(self, text: str) -> str:
        """The engine's HTML for a Markdown text, before splitblog's own processing."""
        if not text.endswith("\n"):
            text += "\n"
        return self._engine.render(text)

    def render(self, source: Source, text: str, summary: str | None) -> RenderedBody:
        """The post's HTML and summary, references replaced by placeholders."""
        marker = _Marker(source, text)
        body = self._process(self.to_html(text), marker)
        if summary is not None:
            summary_html = self._process(self.to_html(summary), _Marker(source, summary, marker))
        elif MORE in body:
            summary_html = body.split(MORE, 1)[0].strip()
        else:
            summary_html = first_paragraph(body)
        return RenderedBody(body, summary_html, tuple(marker.refs), tuple(marker.attrs),
                            tuple(marker.problems))  # fmt: skip

    def _process(self, markup: str, marker: _Marker) -> str:
        markup = add_heading_ids(markup)
        markup = CODE_BLOCK.sub(self._highlight, markup)
        markup = LINK.sub(marker.link, markup)
        return IMAGE.sub(marker.image, markup)

    def _highlight(self, match: re.Match[str]) -> str:
        lang, code = html.unescape(match.group(1)), match.group(2)
        key = (lang, code)
        if key not in self._highlighted:
            if self._highlighter is None:
                self._highlighter = Highlighter()
            highlighted = self._highlighter.highlight(html.unescape(code), lang)
            self._highlighted[key] = highlighted or match.group(0)
        return self._highlighted[key]


class _Marker:
    """Finds the references in one text's HTML and puts placeholders in their place."""

    def __init__(self, source: Source, text: str, shared: _Marker | None = None):
        self.source = source
        self.lines = text.split("\n")
        self.first_line = source.body_line if shared is None else (source.line_of("summary") or 1)
        self.refs: list[Ref] = shared.refs if shared else []
        self.attrs: list[str] = shared.attrs if shared else []
        self.problems: list[Problem] = shared.problems if shared else []
        self._seen: dict[str, int] = {}

    def line_of(self, href: str) -> int:
        """The file line of the n-th reference to `href` (searching its written forms)."""
        wanted = [w for w in dict.fromkeys((href, unquote(href), html.unescape(href))) if w]
        nth = self._seen.get(href, 0)
        self._seen[href] = nth + 1
        found = 0
        for number, line in enumerate(self.lines):
            hits = max(line.count(w) for w in wanted)
            if found + hits > nth:
                return self.first_line + number
            found += hits
        return self.first_line

    def link(self, match: re.Match[str]) -> str:
        href, rest, inner = html.unescape(match.group(1)), match.group(2), match.group(3)
        found = classify(href, self.source)
        if found is None:
            return match.group(0)
        kind, key, fragment = found
        index = len(self.refs)
        self.refs.append(Ref(kind, unquote(href), key, fragment, self.line_of(match.group(1))))  # type: ignore[arg-type]
        self.attrs.append(rest)
        if kind == "file":  # a link to a bundle file: only its URL differs per site
            return f'<a href="\x02F{index}\x03"{rest}>{inner}</a>'
        return f"\x02L{index}\x03{inner}\x02E{index}\x03"

    def image(self, match: re.Match[str]) -> str:
        src = html.unescape(match.group(2))
        found = classify(src, self.source)
        if found and found[0] == "file":
            index = len(self.refs)
            self.refs.append(Ref("file", unquote(src), found[1], "", self.line_of(match.group(2))))
            self.attrs.append("")
            return f"{match.group(1)}\x02F{index}\x03{match.group(3)}"
        if looks_like_file(src):
            self.problems.append(
                Problem(
                    f"image '{unquote(src)}' not found next to this post",
                    path=self.source.rel,
                    line=self.line_of(match.group(2)),
                    hint="make the post a bundle (a folder with index.md) and put the file "
                    "beside index.md",
                )
            )
        return match.group(0)


def heading_slug(text: str) -> str:
    """GitHub-style ids, as markdown-it's anchors plugin makes them."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", text.strip().lower()).replace(" ", "-")


def add_heading_ids(markup: str) -> str:
    used: set[str] = set()

    def add(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        slug = base = heading_slug(html.unescape(TAG.sub("", inner))) or "section"
        number = 1
        while slug in used:
            slug = f"{base}-{number}"
            number += 1
        used.add(slug)
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    return HEADING.sub(add, markup) if "<h" in markup else markup


def first_paragraph(markup: str) -> str:
    """The first top-level <p>…</p> of rendered HTML ("" when there is none)."""
    depth = 0
    for match in BLOCK_TAG.finditer(markup):
        closing, tag = match.group(1), match.group(2)
        if tag == "p" and not closing and depth == 0:
            end = markup.find("</p>", match.end())
            return markup[match.start() : end + 4] if end >= 0 else ""
        if tag != "p":
            depth += -1 if closing else 1
    return ""


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


def finalize(text: str, rendered: RenderedBody, resolutions: Sequence[Resolution | str]) -> str:
    """Fill one site's link and file URLs into rendered HTML (body or summary).

    `resolutions[i]` is a Resolution for a `.md` ref and a URL string for a file ref.
    """
    if "\x02" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        part, index = match.group(1), int(match.group(2))
        target = resolutions[index]
        if part == "F":
            return html.escape(target if isinstance(target, str) else target.url)
        assert isinstance(target, Resolution)
        if target.kind == "strip":
            return ""
        if part == "E":
            return "</a>"
        rel = ' rel="noreferrer"' if target.kind == "allow" else ""
        return f'<a href="{html.escape(target.url)}"{rel}{rendered.attrs[index]}>'

    return PLACEHOLDER.sub(fill, text)
