"""`::: only NAME[, NAME]` … `:::` blocks: the part of a post that only some sites show.

The blocks are found by the Markdown parse that renders the post (`engine()`, the one
markdown-it configuration splitblog has), as a block rule of its own: a fence, a list, a
quote or an HTML block around a `:::` line means what it means to the renderer, because
it is the renderer that reads it. The content stage parses each body once (`parse`) and
keeps the result on its Source; routing, the audit and `list`/`explain` take each site's
view from it (`view`), and the Markdown stage renders that view.

A site's view blanks exactly the lines the parse gives to other sites' blocks (and every
block's own `:::` lines), keeping line numbers and the containers' markers (a list item's
`- `, a quote's `> `). Why blank text rather than render the token stream without the
foreign blocks: the renderer then never sees a foreign block at all, so nothing in one —
a reference definition `[x]: /address`, a footnote, an abbreviation — can reach the
site's HTML through markdown-it's document-wide state (filtering tokens would leave those
collected from the whole text). The price is that a block's absence can change the
layout around it (a list becomes loose), never what is shown.

Where a block may stand: wherever a paragraph may start — at the top, in a list item, in
a block quote, in a footnote, nested in another block — opened and closed in the same
container. A line that looks like a fence but is not exactly one (another letter case, a
non-breaking space, a tab, a name list the grammar does not allow, a closer with nothing
to close, an unclosed block, a `:::` line in an HTML block, an indented code block, a
paragraph, a heading or a table) is a problem naming its line: it would be published as
text on every site. Inside a fenced code block or a code span it is code, and fine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from splitblog.model import OnlyBlock, OnlyParse, Source

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

# The grammar of an opening line after its colons: `only`, then site names separated by
# commas, with plain spaces only. (Plain text, not HTML: a regular expression is right.)
OPENER = re.compile(r" *only +([^\s,]+(?: *, *[^\s,]+)*) *")
CLOSER_REST = re.compile(r" *")
# What makes a line look like a fence, once NFKC-normalised, case-folded and stripped of
# every kind of space: three colons, or two and the word only.
LOOKS = re.compile(r"^(?::{3}|:{2,}\s*only\b)", re.I)
ONLY = "only_open", "only_close"


def engine(only_blocks: bool = True) -> MarkdownIt:
    """The one Markdown parser: CommonMark with raw HTML, typography, tables,
    strikethrough, footnotes and task lists — and the `::: only` block rule."""
    # Imported here: a build that parses no Markdown does not pay for the import.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"typographer": True, "html": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(tasklists_plugin)
    if only_blocks:
        md.block.ruler.before(
            "fence", "only", _fence_line, {"alt": ["paragraph", "reference", "blockquote", "list"]}
        )
        md.core.ruler.after("block", "only_unclosed", _unclosed)
    return md


@functools.cache
def _parser() -> MarkdownIt:
    return engine()


def looks_like_fence(line: str) -> bool:
    """Whether a reader would take the line for a fence: NFKC-normalised, case-folded,
    invisible characters dropped, leading spaces of every kind stripped."""
    text = unicodedata.normalize("NFKC", line).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").lstrip()
    return bool(LOOKS.match(text))


def might_hold_fence(body: str) -> bool:
    """A cheap test that lets most bodies skip the parse: no fence can be in them."""
    if "::" in body:
        return True
    return not body.isascii() and "::" in unicodedata.normalize("NFKC", body)


def file_problems(only: OnlyParse, body_line: int) -> list[tuple[int, str, str]]:
    """The parse's problems with file lines (counted from the top of the file)."""

    def line(match: re.Match[str]) -> str:
        return str(body_line + int(match.group(1)))

    return [
        (body_line + number, OTHER_LINE.sub(line, message), hint)
        for number, message, hint in only.problems
    ]


OTHER_LINE = re.compile(r"\{line:(\d+)\}")


def parse(body: str) -> OnlyParse:
    """The body's blocks and problems, by the renderer's own parse."""
    if not might_hold_fence(body):
        return OnlyParse(body)
    env: dict[str, Any] = {}
    tokens = _parser().parse(body, env)
    state = _state(env)
    check_tokens(tokens, env)
    blocks = tuple(sorted(state.blocks, key=lambda b: b.first))
    problems = tuple(sorted(set(state.problems)))
    return OnlyParse(body, blocks, problems)


def parse_of(source: Source) -> OnlyParse:
    """The source's parse; made now when the source carries none for its body (a Source
    not made by the content stage, or one whose body was replaced)."""
    only = source.only
    if only is not None and (only.body is source.body or only.body == source.body):
        return only
    return parse(source.body)


@dataclass(frozen=True)
class View:
    """What one site shows of a body."""

    text: str  # the body, the other sites' blocks and every block's fences blanked
    hidden: tuple[str, ...]  # the text of the lines it does not show (fences left out)
    has_blocks: bool

    @functools.cached_property
    def empty(self) -> bool:
        """It has blocks and shows nothing (asked of the parse: only markers are left)."""
        return self.has_blocks and _shows_nothing(self.text)


def view(source: Source, site: str) -> View:
    only = parse_of(source)
    body = source.body
    if not only.blocks:
        return View(body, (), False)
    cut: dict[int, int] = {}  # line → where its blanked part starts (offset in the body)
    fences: set[int] = set()
    hidden_lines: set[int] = set()
    for block in only.blocks:
        fences.update((block.first, block.last))
        for line, start, _end in block.spans:
            if site not in block.sites or line in (block.first, block.last):
                cut[line] = min(start, cut.get(line, start))
                if site not in block.sites:
                    hidden_lines.add(line)
    ends = {line: end for block in only.blocks for line, _start, end in block.spans}
    lines = body.split("\n")
    starts = _line_offsets(lines)
    hidden = []
    for line, start in cut.items():
        column = start - starts[line]
        removed = lines[line][column : ends[line] - starts[line]]
        if line in hidden_lines and line not in fences and removed.strip():
            hidden.append(removed)
        lines[line] = lines[line][:column]
    return View("\n".join(lines), tuple(hidden), True)


def _shows_nothing(text: str) -> bool:
    """Whether a text renders to no content at all: blank, or only the markers of a list
    or quote whose content was blanked (asked of the parse, not guessed from the text)."""
    if not text.strip():
        return True
    for token in _parser().parse(text, {}):
        if token.type == "inline" and token.content.strip():
            return False
        if token.type in ("fence", "code_block", "html_block", "hr", "footnote_block_open"):
            return False
    return True


def all_shown(source: Source) -> str:
    """The body with every block's content kept and only the fence lines blanked."""
    only = parse_of(source)
    lines = source.body.split("\n")
    starts = _line_offsets(lines)
    for block in only.blocks:
        for line, start, _end in block.spans:
            if line in (block.first, block.last):
                lines[line] = lines[line][: start - starts[line]]
    return "\n".join(lines)


def _line_offsets(lines: list[str]) -> list[int]:
    starts = [0]
    for text in lines[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    return starts


# -- the block rule ------------------------------------------------------------------------
@dataclass
class _Open:
    sites: frozenset[str]
    line: int
    colons: int
    container: int  # index of the innermost container token it opened in (-1: the top)


class _State:
    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.blocks: list[OnlyBlock] = []
        self.problems: list[tuple[int, str, str]] = []
        self.claimed: set[int] = set()  # lines the rule read as a fence (valid or not)


def _state(env: dict[str, Any]) -> _State:
    found = env.get("only")
    if found is None:
        found = env["only"] = _State()
    return found


def _container(tokens: list[Token]) -> int:
    """The index of the innermost container token still open (-1 at the top level)."""
    depth = 0
    for index in range(len(tokens) - 1, -1, -1):
        nesting = tokens[index].nesting
        if nesting < 0:
            depth += 1
        elif nesting > 0:
            if depth == 0:
                return index
            depth -= 1
    return -1


def _fence_line(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code (checked in check_tokens)
    begin = state.bMarks[start_line] + state.tShift[start_line]
    text = state.src[begin : state.eMarks[start_line]]
    if not text.startswith(":::"):
        return False
    if silent:  # it ends a paragraph, a list item or a quote: every such line is read
        return True
    only = _state(state.env)
    only.claimed.add(start_line)
    colons = len(text) - len(text.lstrip(":"))
    rest = text[colons:]
    state.line = start_line + 1
    if CLOSER_REST.fullmatch(rest):
        _close(state, only, start_line, colons)
        return True
    opened = OPENER.fullmatch(rest)
    if opened is None:
        only.problems.append((start_line, *_what_is_wrong(text)))
        return True
    names = frozenset(name.strip() for name in opened.group(1).split(","))
    only.stack.append(_Open(names, start_line, colons, _container(state.tokens)))
    token = state.push("only_open", "", 0)
    token.map = [start_line, start_line + 1]
    token.info = ", ".join(sorted(names))
    return True


def _close(state: StateBlock, only: _State, line: int, colons: int) -> None:
    here = _container(state.tokens)
    if not only.stack:
        only.problems.append(
            (line, "`:::` closes no `::: only` block", "remove it, or open the block above it")
        )
        return
    top = only.stack[-1]
    if top.container != here:
        only.problems.append(
            (
                line,
                f"`:::` is not in the list item or quote where the `::: only` block of line "
                f"{{line:{top.line}}} opens",
                "close a block where it opens: at the same indentation, in the same list "
                "item or quote",
            )
        )
        return
    if colons < top.colons:
        only.problems.append(
            (
                line,
                f"`{':' * colons}` has fewer colons than the `::: only` line "
                f"{{line:{top.line}}} it would close",
                f"close it with {':' * top.colons}",
            )
        )
        return
    only.stack.pop()
    spans = tuple(
        (number, state.bMarks[number] + state.tShift[number], state.eMarks[number])
        for number in range(top.line, line + 1)
    )
    only.blocks.append(OnlyBlock(top.sites, top.line, line, spans))
    token = state.push("only_close", "", 0)
    token.map = [line, line + 1]


def _what_is_wrong(text: str) -> tuple[str, str]:
    shown = text if len(text) <= 60 else text[:57] + "…"
    usage = "write `::: only NAME` or `::: only NAME, NAME` (plain spaces), and `:::` to close"
    odd = sorted({c for c in text if c.isspace() and c != " "} | {c for c in text if _odd(c)})
    if odd:
        names = ", ".join(_char_name(c) for c in odd)
        return f"`{shown}` holds {names}, not a plain space", usage
    words = text.lstrip(":").split()
    if words and words[0].lower() == "only" and words[0] != "only":
        return f"`{shown}`: write `only` in small letters", usage
    if words and words[0] == "only":
        return f"`{shown}` does not name its sites as `NAME, NAME`", usage
    return (
        f"`{shown}` is not a `::: only` line (splitblog knows no other `:::` block)",
        usage + "; to show the colons as text, write \\:::",
    )


def _odd(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp") and char != " "


def _char_name(char: str) -> str:
    if char == "\t":
        return "a tab"
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a space').lower()})"


def _unclosed(state: Any) -> None:
    only = _state(state.env)
    for block in only.stack:
        only.problems.append(
            (
                block.line,
                "`::: only` block is never closed (or closed outside the list item or quote "
                "it opens in)",
                "end it with ::: at the same indentation",
            )
        )
    only.stack.clear()


# -- lines that look like fences where the rule cannot read them ------------------------------
def check_tokens(tokens: list[Token], env: dict[str, Any]) -> None:
    """Record the lines that look like fences where the block rule cannot read them."""
    only = _state(env)
    for token in tokens:
        if token.map is None:
            continue
        first = token.map[0]
        if token.type in ("html_block", "code_block"):
            for offset, line in enumerate(token.content.split("\n")):
                if looks_like_fence(line) and first + offset not in only.claimed:
                    where = "an HTML block" if token.type == "html_block" else "indented code"
                    hint = (
                        "leave a blank line between the HTML and the block"
                        if token.type == "html_block"
                        else "remove the indentation (four spaces or a tab make it code), or "
                        "fence the code with ``` to show it"
                    )
                    message = f"a `::: only` line inside {where} is published as text"
                    only.problems.append((first + offset, message, hint))
        elif token.type == "inline":
            for offset in _line_starts(token):
                only.problems.append(
                    (
                        first + offset,
                        "a line that looks like a `::: only` fence is part of a paragraph, "
                        "heading or table here, and would be published as text",
                        "start the block on a line of its own, after a blank line, indented "
                        "no more than its container; to show it as text, write \\:::",
                    )
                )


def _line_starts(token: Token) -> list[int]:
    """The lines of an inline token (a paragraph, heading or table cell) that start like
    a fence, as written: a code span or an escape (`\\:::`) at the start is no fence."""
    return [
        number for number, line in enumerate(token.content.split("\n")) if looks_like_fence(line)
    ]
