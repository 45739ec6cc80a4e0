"""The `::: only` rule changes nothing on Markdown that has no `:::` line: all 652
examples of the CommonMark spec 0.31.2 (tests/fixtures/commonmark-0.31.2.json, CC-BY-SA
4.0) render the same through splitblog's renderer with and without the rule — the same
tokens, the same HTML, references and problems."""

from __future__ import annotations

import json
from pathlib import Path

from splitblog.content.only import engine, parse
from splitblog.site.markdown import MarkdownRenderer

from .support.plans import source

SPEC = json.loads((Path(__file__).parent / "fixtures/commonmark-0.31.2.json").read_text("utf-8"))
EXAMPLES = SPEC["examples"]


def test_the_fixture_is_the_whole_spec() -> None:
    assert len(EXAMPLES) == 652 and [e["example"] for e in EXAMPLES] == list(range(1, 653))


def test_the_only_rule_changes_no_example_without_three_colons() -> None:
    with_rule, without = MarkdownRenderer(), MarkdownRenderer(only_blocks=False)
    parse_with, parse_without = engine(), engine(only_blocks=False)
    changed, colons = [], []
    for example in EXAMPLES:
        text = example["markdown"]
        if ":::" in text:
            colons.append(example["example"])
            continue
        post = source("posts/spec.md", {"professional"}, body=text)
        a, b = with_rule.render(post, text, None), without.render(post, text, None)
        tokens_a = [(t.type, t.map, t.content) for t in parse_with.parse(text)]
        tokens_b = [(t.type, t.map, t.content) for t in parse_without.parse(text)]
        if (a.html, a.summary, a.refs, a.tags, a.problems) != (
            b.html, b.summary, b.refs, b.tags, b.problems
        ) or tokens_a != tokens_b:  # fmt: skip
            changed.append(example["example"])
    assert changed == [] and colons == []  # no example of the spec has `:::`


def test_no_spec_example_is_taken_for_a_block_or_refused() -> None:
    found = [
        e["example"]
        for e in EXAMPLES
        if parse(e["markdown"]).blocks or parse(e["markdown"]).problems
    ]
    assert found == []
