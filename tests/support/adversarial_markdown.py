"""Post bodies an adversary would write against `::: only` blocks and link judging.

`adversarial_body(rng, sites, canary)` returns a Markdown body that a correct build
publishes (exit 0) on every site of `sites`, and in which the string `canary(site)`
stands only where no site but `site` may show it: inside `::: only site` blocks — hidden
behind constructs that fooled the old line scanners (a fence opened in a list item, a
line that starts with inline triple-backtick code, a fence line in an HTML comment or in
`<pre>`, a closer indented four spaces or followed by a tab), nested in lists, quotes and
other blocks, and in raw HTML addresses of every attribute form (quoted, single-quoted,
unquoted, spaced, upper-case, srcset lists, style url()) inside such blocks. Everything
outside the blocks is innocent text, code and HTML that holds odd directive spellings
only where they are code (a fenced block, a code span), so the body still builds.

A check built on it: for every site S and every other site T, no output file of T holds
canary(S); every site's own canaries are there (a block that swallowed the rest of the
document would hide them). `odd_directive(rng, site)` gives a line that must be refused
(exit 1) wherever it stands outside code.
"""

from __future__ import annotations

import random
from collections.abc import Callable

# Constructs before a block that a line scanner misreads as an open fence (or a fence
# that never closes), while markdown-it reads them as what they are.
DECOYS = (
    "- a list item with code:\n\n  ```\n  x = 1\n\n",  # a fence closed by its list item
    "```inline``` code at the start of a line.\n\n",  # a code span, not a fence
    "<!--\n```\n-->\n\n",  # a fence line in an HTML comment
    "<pre>\n```\n</pre>\n\n",  # … and in <pre>
    "```\ncode\n    ```\n```\n\n",  # a closer indented four spaces is code
    "```\ncode\n```\t\n\n",  # a closer followed by a tab is a closer
    "~~~\n::: only {other}\n~~~\n\n",  # a directive in code is code
    "Text with `::: only {other}` in a code span.\n\n",
    "    indented code\n\n",
    "> a quote\n> with two lines\n\n",
    "1. one\n2. two\n\n",
)
# Odd spellings of a fence, only as code (outside code each is refused).
ODD = ("::: Only {site}", "::: ONLY {site}", ":::\u00a0only {site}", "::: only\t{site}",
       "\u200b::: only {site}", "：：： only {site}", ":: only {site}", "::: only {site} :::")  # fmt: skip
ODD_AS_CODE = ("```\n{line}\n```\n\n", "`{line}`\n\n", "~~~~\n{line}\n~~~~\n\n")
# Raw HTML carrying a canary in an address, in every attribute form.
RAW = (
    '<a href="https://example.org/{c}">x</a>',
    "<a href='https://example.org/{c}'>x</a>",
    "<a href=https://example.org/{c}>x</a>",
    '<a class="k"  href = "https://example.org/{c}" >x</a>',
    '<A HREF="https://example.org/{c}">x</A>',
    '<img src="https://img.example.org/a.jpg" srcset="https://img.example.org/{c}.jpg 2x, '
    'https://img.example.org/b.jpg 1x" alt="">',
    "<span style=\"background: url('https://img.example.org/{c}.png')\">s</span>",
    '<object data="https://example.org/{c}.svg"></object>',
    '<form action="https://example.org/{c}"><button>go</button></form>',
)


def adversarial_body(
    rng: random.Random, sites: tuple[str, ...], canary: Callable[[str], str]
) -> str:
    """A body that builds on every site of `sites` (at least two), with canary(S) only
    inside blocks that only S shows. See the module's docstring."""
    assert len(sites) >= 2, sites
    parts = ["An innocent first paragraph that every site shows.\n\n"]
    for _ in range(rng.randint(2, 6)):
        site = rng.choice(sites)
        other = rng.choice([s for s in sites if s != site])
        parts.append(rng.choice(DECOYS).format(other=other))
        if rng.random() < 0.3:
            line = rng.choice(ODD).format(site=other)
            parts.append(rng.choice(ODD_AS_CODE).format(line=line))
        parts.append(_block(rng, site, sites, canary))
    parts.append("A last paragraph that every site shows.\n")
    return "".join(parts)


def _block(
    rng: random.Random, site: str, sites: tuple[str, ...], canary: Callable[[str], str]
) -> str:
    secret = canary(site)
    number = rng.randrange(10**6)
    content = rng.choice(
        (
            f"{secret} in a paragraph.\n",
            f"- a list item with {secret}\n- and another\n",
            f"```\n:::\n{secret} in code after a colon line\n```\n",
            f"> {secret} quoted\n",
            f"Some words.\n\n{rng.choice(RAW).format(c=secret)}\n\n",  # an HTML block
            # ends at a blank line only: a `:::` right under it would be HTML text
            f"A line with {rng.choice(RAW).format(c=secret)} inline.\n",
            f"A note.[^n{number}]\n\n[^n{number}]: {secret} in a footnote only it defines.\n",
            f"[a reference][r{number}]\n\n[r{number}]: https://example.org/{secret}\n",
        )
    )
    colons = ":" * rng.randint(3, 5)
    block = f"{colons} only {site}\n{content}{colons}\n"
    where = rng.random()
    if where < 0.2:  # in a list item
        inner = "".join(f"  {line}\n" if line else "\n" for line in block.rstrip("\n").split("\n"))
        return f"- an item\n\n{inner}\n"
    if where < 0.35:  # in a block quote
        return "".join(f"> {line}\n" for line in block.rstrip("\n").split("\n")) + "\n"
    if where < 0.5:  # in a wider block, which the other sites of it see
        wider = ", ".join(dict.fromkeys([site, rng.choice(sites)]))
        outer = ":" * (len(colons) + 1)
        return f"{outer} only {wider}\nShared words.\n\n{block}{outer}\n\n"
    return block + "\n"


def odd_directive(rng: random.Random, site: str) -> str:
    """A line that looks like a fence but is not exactly one: refused outside code."""
    return rng.choice(ODD).format(site=site)
