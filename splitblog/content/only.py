"""`::: only NAME[, NAME]` … `:::` blocks: the part of a post that only some sites show.

Applied to the Markdown text, before any parsing, so every later stage (and every
Markdown engine) sees only what the site may show. Removed lines become empty lines so
that line numbers in later messages still match the file. Fenced code is respected: a
`:::` line inside a code block is code, not a fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = re.compile(r"^ {0,3}(:{3,})[ \t]*only\b[ \t]*(.*?)[ \t]*$")
CLOSE = re.compile(r"^ {0,3}(:{3,})[ \t]*$")
CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class OnlyBlock:
    sites: frozenset[str]
    first_line: int  # 0-based index of the opening fence line in the text
    last_line: int  # 0-based index of the closing fence line (-1: never closed)


def find_blocks(text: str) -> list[OnlyBlock]:
    """Every `::: only` block, outermost first; an unclosed one has last_line -1."""
    if ":::" not in text:
        return []
    blocks: list[OnlyBlock] = []
    stack: list[tuple[int, frozenset[str], int]] = []  # (colons, sites, first line)
    fence = ""
    for index, line in enumerate(text.split("\n")):
        if fence:
            if line.lstrip(" ").startswith(fence) and not line.strip(" ").strip(fence[0]):
                fence = ""
            continue
        match = CODE_FENCE.match(line)
        if match:
            fence = match.group(1)
            continue
        opened = OPEN.match(line)
        if opened:
            names = frozenset(n.strip() for n in opened.group(2).split(",") if n.strip())
            stack.append((len(opened.group(1)), names, index))
            continue
        closed = CLOSE.match(line)
        if closed and stack and len(closed.group(1)) >= stack[-1][0]:
            _colons, names, first = stack.pop()
            blocks.append(OnlyBlock(names, first, index))
    blocks.extend(OnlyBlock(names, first, -1) for _c, names, first in stack)
    return sorted(blocks, key=lambda b: b.first_line)


def visible_text(text: str, site: str) -> str:
    """The text as `site` shows it: foreign blocks blanked, fence lines blanked."""
    blocks = find_blocks(text)
    if not blocks:
        return text
    lines = text.split("\n")
    hidden = [False] * len(lines)
    for block in blocks:
        last = block.last_line if block.last_line >= 0 else len(lines) - 1
        hidden[block.first_line] = hidden[last] = True
        if site not in block.sites:
            for i in range(block.first_line, last + 1):
                hidden[i] = True
    return "\n".join("" if gone else line for line, gone in zip(lines, hidden, strict=True))
