"""Markdown → HTML, once per post text, with the references splitblog resolves per site
left as placeholders.

A post is parsed once; the per-site differences (where a `.md` link points, whether it
is stripped, where a bundle file lives) are filled in afterwards by `finalize`, a string
substitution, so a post on two sites costs one parse.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .errors import Problem
from .links import Ref, Resolution, classify, looks_like_file
from .model import Source

ENGINE = "markdown-it-py/1"  # part of cache keys: change it when the output changes
MORE = "<!-- more -->"
# Placeholders: \x02L3\x03 opens link 3, \x02E3\x03 closes it, \x02F3\x03 is file 3's URL.
PLACEHOLDER = re.compile("\x02([LEF])(\\d+)\x03")


@dataclass(frozen=True)
class RenderedBody:
    html: str
    summary: str
    refs: tuple[Ref, ...]
    attrs: tuple[str, ...]  # each ref's other <a> attributes (a title), rendered
    problems: tuple[Problem, ...] = ()


class MarkdownRenderer:
    """The markdown-it-py instance and its plugins, with Pygments for fenced code."""

    def __init__(self) -> None:
        self._highlighted: dict[tuple[str, str], str | None] = {}
        md = MarkdownIt("commonmark", {"typographer": True, "html": True})
        md.enable(["table", "strikethrough", "replacements", "smartquotes"])
        md.use(footnote_plugin).use(tasklists_plugin).use(anchors_plugin, max_level=6)
        md.options["highlight"] = self._highlight
        md.add_render_rule("link_open", _link_open)
        md.add_render_rule("link_close", _link_close)
        self.md = md

    def _highlight(self, code: str, lang: str, _attrs: str) -> str | None:
        if not lang:
            return None
        key = (lang, code)
        if key not in self._highlighted:
            self._highlighted[key] = highlight(code, lang)
        return self._highlighted[key]

    def render(self, source: Source, text: str, summary: str | None) -> RenderedBody:
        """The post's HTML and summary, references replaced by placeholders."""
        refs: list[Ref] = []
        attrs: list[str] = []
        problems: list[Problem] = []
        tokens = self.md.parse(text, {})
        lines = text.split("\n")
        for token in tokens:
            if token.type == "inline" and token.children:
                self._mark(token, lines, source, refs, attrs, problems)
        body = self.md.renderer.render(tokens, self.md.options, {})
        if summary is not None:
            inline = self.md.parseInline(summary, {})
            for token in inline:
                if token.children:
                    self._mark(token, None, source, refs, attrs, problems)
            summary_html = self.md.renderer.render(inline, self.md.options, {})
        elif MORE in body:
            summary_html = body.split(MORE, 1)[0].strip()
        else:
            summary_html = self._first_paragraph(tokens)
        return RenderedBody(body, summary_html, tuple(refs), tuple(attrs), tuple(problems))

    def _first_paragraph(self, tokens: Sequence[Token]) -> str:
        for start, token in enumerate(tokens):
            if token.type == "paragraph_open" and token.level == 0:
                end = next(
                    i for i in range(start, len(tokens)) if tokens[i].type == "paragraph_close"
                )
                return self.md.renderer.render(tokens[start : end + 1], self.md.options, {}).strip()
        return ""

    def _mark(
        self,
        inline: Token,
        lines: list[str] | None,
        source: Source,
        refs: list[Ref],
        attrs: list[str],
        problems: list[Problem],
    ) -> None:
        """Replace resolvable references in one inline token by placeholders."""
        first, last = inline.map if inline.map and lines is not None else (0, 0)
        line_of = _line_finder(lines[first:last] if lines else [], source.body_line + first)
        open_links: list[int] = []
        for child in inline.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                found = classify(href, source)
                if found is None:
                    open_links.append(-1)
                    continue
                index = len(refs)
                kind, key, fragment = found
                refs.append(Ref(kind, _display(href), key, fragment, line_of(href)))  # type: ignore[arg-type]
                attrs.append(_other_attrs(child, "href"))
                child.meta["ref"] = index
                if kind == "file":  # a link to a bundle file: its URL differs per site only
                    child.attrSet("href", f"\x02F{index}\x03")
                    del child.meta["ref"]
                    open_links.append(-1)
                else:
                    open_links.append(index)
            elif child.type == "link_close":
                index = open_links.pop() if open_links else -1
                if index >= 0:
                    child.meta["ref"] = index
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                found = classify(src, source)
                if found and found[0] == "file":
                    child.attrSet("src", f"\x02F{len(refs)}\x03")
                    refs.append(Ref("file", _display(src), found[1], "", line_of(src)))
                    attrs.append("")
                elif looks_like_file(src):
                    problems.append(
                        Problem(
                            f"image '{_display(src)}' not found next to this post",
                            path=source.rel,
                            line=line_of(src),
                            hint="make the post a bundle (a folder with index.md) and put "
                            "the file beside index.md",
                        )
                    )


def _link_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    index = tokens[idx].meta.get("ref")
    if index is None:
        return self.renderToken(tokens, idx, options, env)
    return f"\x02L{index}\x03"


def _link_close(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    index = tokens[idx].meta.get("ref")
    return f"\x02E{index}\x03" if index is not None else "</a>"


def _other_attrs(token: Token, skip: str) -> str:
    return "".join(
        f' {name}="{html.escape(str(value))}"'
        for name, value in token.attrs.items()
        if name != skip
    )


def _display(href: str) -> str:
    return unquote(href)


def _line_finder(lines: list[str], first_line: int) -> Callable[[str], int]:
    """The file line a reference is written on, searching the block's lines in order."""
    position = [0]

    def find(href: str) -> int:
        wanted = {href, _display(href)}
        for offset in range(position[0], len(lines)):
            if any(w and w in lines[offset] for w in wanted):
                position[0] = offset
                return first_line + offset
        return first_line + position[0]

    return find


def highlight(code: str, lang: str) -> str | None:
    """Pygments HTML with CSS classes (the theme ships the stylesheet), or None."""
    from pygments import highlight as pygments_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return None
    inner = pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code class="language-{html.escape(lang)}">{inner}</code></pre>'


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
