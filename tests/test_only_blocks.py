"""`::: only` blocks are read by the renderer's own parse (content/only.py).

Each leak the old line scanners let through is built here both ways: the personal text
absent from the professional site (read from the real output files) and present on the
personal one; and each odd spelling of a fence refused — exit 1, the file and line named,
nothing written. Run against the code before this parse, every `test_hidden_*` and
`test_refused_*` case below fails.
"""

from __future__ import annotations

import random

import pytest

from splitblog.audit.tokens import published_on, shown, split_blocks
from splitblog.content.only import parse, view
from splitblog.model import BuildOptions
from splitblog.routing.plan import site_text
from splitblog.site.markdown_store import markdown_key

from .conftest import Project
from .support.adversarial_markdown import adversarial_body, odd_directive
from .support.plans import NOW, source

PRO, HOME = "professional", "personal"
SECRET = "Zanzibar holiday with the twins"
BLOCK = f"::: only personal\n{SECRET}\n:::\n"
FRONT_LINES = 6  # the fixture's front matter and the blank line after it: the body's
# first line is line 7 of the file

# Constructs before a personal block that a line scanner misread as a fence left open.
HIDING = {
    "fence in a list item": "- a list item with code:\n\n  ```\n  x = 1\n\n",
    "inline triple-backtick code": "```inline``` code at the start of a line.\n\n",
    "fence line in an HTML comment": "<!--\n```\n-->\n\n",
    "fence line in <pre>": "<pre>\n```\n</pre>\n\n",
    "closer indented four spaces": "```\ncode\n    ```\n```\n\n",
    "closer followed by a tab": "```\ncode\n```\t\n\n",
    "tilde fence in a quote": "> ~~~\n> code\n\n",
}
# Blocks in places the old scanner did not look, which the parse reads as blocks.
NESTED = {
    "in a list item, four spaces in": f"- item\n\n    ::: only personal\n    {SECRET}\n    :::\n",
    "in a list item": f"- item\n  ::: only personal\n  {SECRET}\n  :::\n- next\n",
    "in a block quote": f"> ::: only personal\n> {SECRET}\n> :::\n",
    "in a quote in a list": f"- item\n\n  > ::: only personal\n  > {SECRET}\n  > :::\n",
    "nested blocks": f":::: only personal, professional\nBoth.\n\n::: only personal\n{SECRET}\n:::\n::::\n",
    "in a footnote": f"Text.[^1]\n\n[^1]: Note.\n\n    ::: only personal\n    {SECRET}\n    :::\n",
    "after a paragraph line": f"A paragraph\n::: only personal\n{SECRET}\n:::\n",
}


def both(project: Project, body: str) -> tuple[str, str]:
    project.post("2026-01-01-post", "all", title="Post", body=body + "\nThe end.\n")
    project.build()
    return project.read(PRO, "posts/post/index.html"), project.read(HOME, "posts/post/index.html")


@pytest.mark.parametrize("before", HIDING.values(), ids=HIDING.keys())
def test_hidden_behind_what_is_no_open_fence(project: Project, before: str) -> None:
    pro, home = both(project, before + BLOCK)
    project.assert_absent(PRO, SECRET)
    assert SECRET in home and "The end." in pro


@pytest.mark.parametrize("body", NESTED.values(), ids=NESTED.keys())
def test_hidden_where_the_parse_nests_it(project: Project, body: str) -> None:
    pro, home = both(project, body)
    project.assert_absent(PRO, SECRET)
    assert SECRET in home and "The end." in pro
    assert "::: only" not in home and ":::" not in pro


def test_a_fence_inside_a_block_does_not_end_it(project: Project) -> None:
    body = f"::: only personal\n```\n:::\n```\n{SECRET}\n:::\n"
    _pro, home = both(project, body)
    project.assert_absent(PRO, SECRET)
    assert SECRET in home and "<code>:::\n</code>" in home


def test_a_fence_in_code_is_code_on_every_site(project: Project) -> None:
    body = "```\n::: only personal\nshown as code\n:::\n```\n\nSee `::: only personal` above.\n"
    pro, home = both(project, body)
    for page in (pro, home):
        assert (
            "::: only personal\nshown as code" in page and "<code>::: only personal</code>" in page
        )


# Lines that look like a fence and are not exactly one: (body, line in the body, message).
ODD = {
    "capital O": ("::: Only personal\nx\n:::\n", 0, "write `only` in small letters"),
    "all capitals": ("::: ONLY personal\nx\n:::\n", 0, "write `only` in small letters"),
    "non-breaking space": (":::\u00a0only personal\nx\n:::\n", 0, "U+00A0"),
    "tab inside": ("::: only\tpersonal\nx\n:::\n", 0, "a tab"),
    "tab in front": ("\t::: only personal\nx\n:::\n", 0, "indented code"),
    "six spaces in a list item": (
        "- item\n\n      ::: only personal\n      x\n",
        2,
        "indented code",
    ),
    "zero-width space": ("\u200b::: only personal\nx\n", 0, "part of a paragraph"),
    "full-width colons": ("：：： only personal\nx\n", 0, "part of a paragraph"),
    "two colons": (":: only personal\nx\n", 0, "part of a paragraph"),
    "trailing colons": ("::: only personal :::\nx\n:::\n", 0, "does not name its sites"),
    "no site": ("::: only\nx\n:::\n", 0, "does not name its sites"),
    "unknown site": ("::: only personl\nx\n:::\n", 0, "unknown site 'personl'"),
    "never closed": ("::: only personal\nx\n", 0, "never closed"),
    "closed with fewer colons": (":::: only personal\nx\n:::\n", 2, "fewer colons"),
    "closer with nothing to close": ("Text.\n\n:::\n", 2, "closes no"),
    "closed outside its list item": ("- ::: only personal\n  x\n:::\n", 0, "never closed"),
    "in an HTML block": ("<div>\n::: only personal\nx\n:::\n</div>\n", 1, "inside an HTML block"),
    "in an HTML comment": ("<!--\n::: only personal\n-->\n", 1, "inside an HTML block"),
    "in a paragraph, indented": ("A paragraph\n    ::: only personal\n", 1, "part of a paragraph"),
    "in a heading": ("# ::: only personal\n", 0, "part of a paragraph"),
    "in a table": ("| a |\n| - |\n| ::: only personal |\n", 2, "part of a paragraph"),
    "another kind of block": ("::: note\nx\n:::\n", 0, "knows no other `:::` block"),
}


@pytest.mark.parametrize(("body", "line", "message"), ODD.values(), ids=ODD.keys())
def test_refused_what_looks_like_a_fence(
    project: Project, body: str, line: int, message: str
) -> None:
    project.post("2026-01-01-post", "all", title="Post", body=body)
    result = project.run("build")
    assert result.exit_code == 1, result.output
    where = f"content/posts/2026-01-01-post.md:{FRONT_LINES + 1 + line}: "
    found = [text for text in result.output.splitlines() if text.startswith(where)]
    assert any(message in text for text in found), result.output
    assert "Traceback" not in result.output
    assert project.snapshot() == {}  # nothing written


def test_the_old_spelling_errors_name_their_lines_too(project: Project) -> None:
    project.post("2026-01-01-post", "all", title="Post", body="One.\n\n::: Only personal\nx\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert "content/posts/2026-01-01-post.md:9: `::: Only personal`" in result.output


# -- every reader takes the one parse ---------------------------------------------------
def test_routing_audit_and_list_read_the_same_blocks(project: Project) -> None:
    body = HIDING["fence in a list item"] + BLOCK
    post = source("posts/p.md", {PRO, HOME}, body=body)
    assert SECRET not in site_text(post, PRO) and SECRET in site_text(post, HOME)
    text, hidden, blocks = split_blocks(post, PRO)
    assert blocks and SECRET not in text and hidden == [SECRET]
    assert shown(post, PRO).hidden == (SECRET,) and shown(post, HOME).hidden == ()
    whole = source("posts/w.md", {PRO, HOME}, body=f"> ::: only personal\n> {SECRET}\n> :::\n>\n")
    assert view(whole, PRO).empty and not published_on(whole, PRO, BuildOptions(now=NOW))
    assert published_on(whole, HOME, BuildOptions(now=NOW))
    project.post("2026-01-01-only-home", "all", title="Only home", body=BLOCK)
    result = project.run("list")
    assert result.exit_code == 0 and "only-block empty" in result.output


def test_a_view_keeps_line_numbers_and_container_markers() -> None:
    post = source(
        "posts/p.md", {PRO, HOME}, body=f"> a\n> ::: only personal\n> {SECRET}\n> :::\n> b\n"
    )
    assert site_text(post, PRO) == "> a\n> \n> \n> \n> b\n"
    assert site_text(post, HOME) == f"> a\n> \n> {SECRET}\n> \n> b\n"


def test_a_stale_parse_is_never_used() -> None:
    post = source("posts/p.md", {PRO, HOME}, body=BLOCK)
    other = source("posts/p.md", {PRO, HOME}, body="Plain.\n", only=parse(BLOCK))
    assert SECRET not in site_text(post, PRO)
    assert site_text(other, PRO) == "Plain.\n"  # the parse of another body is ignored


def test_the_markdown_key_follows_the_sites_view() -> None:
    from splitblog.routing.plan import _entry

    post = source("posts/p.md", {PRO, HOME}, body=BLOCK + "Shared.\n")
    assert markdown_key(_entry(post, PRO)) != markdown_key(_entry(post, HOME))
    moved = source("posts/p.md", {PRO, HOME}, body=BLOCK + "Shared.\n", lines=(("summary", 3),))
    assert markdown_key(_entry(moved, PRO)) != markdown_key(_entry(post, PRO))


# -- adversarial documents ----------------------------------------------------------------
def test_random_adversarial_documents_keep_every_block_on_its_site(project: Project) -> None:
    sites = (PRO, HOME)
    rng = random.Random(20261111)
    serial = iter(range(10**6))

    def canary(site: str) -> str:
        return f"canary{site}{next(serial)}x"

    for number in range(36):
        body = adversarial_body(rng, sites, canary)
        project.post(
            f"2026-01-{number % 28 + 1:02d}-doc{number}", "all", title=f"Doc {number}", body=body
        )
    project.build()
    files = {site: project.files(site) for site in sites}
    for site in sites:
        for other in sites:
            if other == site:
                continue
            for rel, data in files[site].items():
                assert f"canary{other}".encode() not in data, (site, rel)
    assert any(b"canarypersonal" in data for data in files[HOME].values())
    assert any(b"canaryprofessional" in data for data in files[PRO].values())


def test_odd_directives_from_the_generator_are_refused(project: Project) -> None:
    rng = random.Random(7)
    for number in range(8):
        line = odd_directive(rng, HOME)
        project.post(f"2026-01-0{number + 1}-odd{number}", "all", body=f"Text.\n\n{line}\nsecret\n")
    result = project.run("build")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("content/posts/") >= 8
