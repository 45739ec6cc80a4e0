"""markdown-it-pyrs is used only where it renders exactly what markdown-it-py renders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import markdown_it_pyrs
from hypothesis import given, settings
from hypothesis import strategies as st

from splitblog.site.markdown import MarkdownRenderer, pyrs_safe, reference_engine

REPO = Path(__file__).resolve().parent.parent
FAST = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
    ["table", "strikethrough", "replacements", "smartquotes"]
)
REFERENCE = reference_engine()


def differences(texts: list[str]) -> list[str]:
    """Texts deemed safe for which splitblog's fast path would differ from the reference."""
    renderer = MarkdownRenderer()
    assert renderer._fast is not None
    return [
        t[:120]
        for t in texts
        if pyrs_safe(t)
        and renderer.to_html(t) != renderer._reference.render(t if t.endswith("\n") else t + "\n")
    ]


def test_benchmark_corpus_renders_identically(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench/make_corpus.py"),
            str(tmp_path),
            "--posts",
            "400",
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    texts = [p.read_text() for p in sorted((tmp_path / "content").rglob("*.md"))]
    assert len(texts) == 402
    assert sum(pyrs_safe(t) for t in texts) > 390  # nearly all of it takes the fast path
    assert differences(texts) == []


def test_repository_example_renders_identically() -> None:
    texts = [p.read_text() for p in sorted((REPO / "content").rglob("*.md"))]
    assert differences(texts) == []


def test_known_differences_fall_back() -> None:
    for text in ("a `x -- y` b", 'a `"q"` b', "![a--b](x.png)", "[^1]\n\n[^1]: n", "- [x] done"):
        assert not pyrs_safe(text), text
        assert FAST.render(text) != REFERENCE.render(text)  # the reason for the fallback
    for text in ("a -- b", 'say "quoted"', "```\n--x `y`\n```\n", "`plain code`", "![alt](x.png)"):
        assert pyrs_safe(text), text


PIECES = st.sampled_from(
    ["word", "Two words", '"quoted"', "it's", "--", "...", "(c)", "*em*", "**strong**", "`code`",
     "`a -- b`", "[link](x.md)", "[l](<a b.md> \"t\")", "![img](p.png)", "![a -- b](p.png)",
     "<span>x</span>", "&amp;", "~~del~~", "\\*", "<https://x.y>", "\n", "\n\n", "- ", "1. ",
     "# ", "> ", "| a | b |\n| - | - |\n| 1 | 2 |\n", "```py\nx = '--'\n```\n", "[^1]", "- [ ] ",
     "    indented code\n", "Setext\n---\n", "***\n", "<div>\n", "</div>\n", "[ref]: /u\n", "[ref]"]
)  # fmt: skip


# Derandomized: the same 300 documents each run. A longer campaign (20,000 documents,
# see the note on the performance issue) found 3 remaining exotic differences, all in
# typography or lazy continuation after odd block juxtapositions.
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, min_size=1, max_size=25).map(" ".join))
def test_random_documents_render_identically_when_deemed_safe(text: str) -> None:
    assert differences([text]) == []
