"""Old HTML bodies → Markdown, by markdownify.

markdownify (MIT, on BeautifulSoup) rather than html2text (GPL-3.0, which a MIT package
cannot take in): it converts element by element through methods a subclass overrides,
which is what keeping some elements as HTML needs. What Markdown cannot say (an iframe,
a video, a table with merged cells, a figure) stays HTML; code blocks keep their
language. Before the conversion every address is rewritten on the parsed tree: a link
to another imported post becomes a link to its `.md` file (so the build's link policies
judge it), a root-relative address becomes absolute on the old blog's host, and an
image may be replaced by its downloaded copy's file name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Tag
from markdownify import MarkdownConverter

from splitblog.importers.links import LinkMap

# Kept as HTML: Markdown has nothing for them.
BLOCKS_KEPT = ("iframe", "video", "audio", "embed", "object", "figure", "details", "dl",
               "form")  # fmt: skip
INLINE_KEPT = ("sup", "sub", "abbr", "mark", "u", "kbd", "small")
DROPPED = ("script", "style", "noscript", "link", "meta")  # never a post's text
ADDRESS_ATTRS = ("href", "src", "poster", "data", "action", "cite")
LANGUAGE = re.compile(r"(?:^|\s)(?:language-|lang-|brush:\s*)([A-Za-z0-9_+#-]+)")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Converted:
    markdown: str
    kept_html: list[str] = field(default_factory=list)  # elements kept as HTML
    dropped: list[str] = field(default_factory=list)  # scripts and styles removed


def convert(
    markup: str,
    links: LinkMap,
    image: Callable[[str], str | None] = lambda url: None,
) -> Converted:
    """Markdown for an old post's HTML; `image(url)` names a downloaded copy, or None."""
    soup = BeautifulSoup(markup, "html.parser")
    result = Converted("")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        if comment.strip().lower() == "more":
            comment.replace_with("\n\n<!--more-->\n\n")  # the summary break, kept
        else:
            comment.extract()
    for name in DROPPED:
        for element in soup.find_all(name):
            result.dropped.append(name)
            element.decompose()
    downloaded: dict[str, str] = {}

    def local(url: str) -> str | None:
        name = image(url)
        if name is not None:
            downloaded[url] = name
        return name

    # Images first: a link to the full-size photo around one (Blogger's way) then
    # leads to the downloaded copy too.
    for element in [*soup.find_all("img"), *soup.find_all(lambda t: t.name != "img")]:
        _rewrite(element, links, local, downloaded)
    converter = _Converter(result, heading_style="ATX", bullets="-",
                           code_language_callback=_language, escape_misc=False)  # fmt: skip
    text = converter.convert_soup(soup)
    text = text.replace("\\<!--more-->", "<!--more-->")
    text = CONTROL.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Converted(text + "\n", result.kept_html, result.dropped)


def _rewrite(
    element: Tag, links: LinkMap, image: Callable[[str], str | None], downloaded: dict[str, str]
) -> None:
    for attr in ADDRESS_ATTRS:
        value = element.get(attr)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        target = links.target(value) if attr == "href" else None
        if target is not None:
            element[attr] = target
            continue
        value = links.absolute(value)
        if value in downloaded:
            value = downloaded[value]
        elif element.name == "img" and attr == "src":
            local = image(value)
            if local is not None:
                value = local
        element[attr] = value
    if element.name == "img" and element.get("srcset"):
        del element["srcset"]  # other sizes on the old host; the build makes its own


def _language(element: Tag) -> str | None:
    for candidate in (element, element.find("code")):
        if isinstance(candidate, Tag):
            classes = " ".join(candidate.get("class") or [])
            found = LANGUAGE.search(classes)
            if found:
                return found.group(1).lower()
    return None


class _Converter(MarkdownConverter):
    def __init__(self, result: Converted, **options: object) -> None:
        super().__init__(**options)
        self.result = result

    def _kept(self, el: Tag, block: bool) -> str:
        self.result.kept_html.append(el.name)
        html = str(el)
        return f"\n\n{html}\n\n" if block else html

    def convert_table(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        merged = el.find(attrs={"colspan": True}) or el.find(attrs={"rowspan": True})
        if merged is not None or el.find("table") is not None:
            return self._kept(el, True)
        return super().convert_table(el, text, parent_tags)

    def convert_span(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text


for _name in BLOCKS_KEPT:
    setattr(
        _Converter, f"convert_{_name}", lambda self, el, text, parent_tags: self._kept(el, True)
    )
for _name in INLINE_KEPT:
    setattr(
        _Converter, f"convert_{_name}", lambda self, el, text, parent_tags: self._kept(el, False)
    )
