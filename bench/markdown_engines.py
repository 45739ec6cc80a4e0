#!/usr/bin/env python3
"""The Markdown accelerators issue 13 names, against markdown-it-py (splitblog's engine):
speed, divergences and wheels. A benchmark to read, not a test.

    pip install pyromark cmarkgfm comrak markdown-it-pyrs   # those that install here
    python bench/markdown_engines.py --corpus DIR [--wheels]

- divergences: the 652 examples of the CommonMark spec (tests/fixtures), each engine in
  its CommonMark mode against `MarkdownIt("commonmark")`; and the corpus's posts (front
  matter cut off) with tables and strikethrough on, against markdown-it-py with the same
  rules. A document counts as the same only when the HTML is byte for byte the same.
- speed: rendering every post of the corpus once, best of three, in one process.
- `--wheels`: whether pip finds a wheel (no build) for CPython 3.11–3.14 on Linux
  x86_64 and aarch64, macOS arm64 and Windows x86_64 (`pip download --only-binary`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent / "tests/fixtures/commonmark-0.31.2.json"
PLATFORMS = {
    "linux x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "linux aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "macOS arm64": ["macosx_14_0_arm64", "macosx_11_0_arm64"],
    "Windows x86_64": ["win_amd64"],
}
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
Render = Callable[[str], str]


def markdown_it_py() -> tuple[Render, Render]:
    from markdown_it import MarkdownIt

    plain = MarkdownIt("commonmark")
    extended = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return plain.render, extended.render


def markdown_it_pyrs() -> tuple[Render, Render]:
    from markdown_it_pyrs import MarkdownIt

    plain = MarkdownIt("commonmark")
    extended = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return plain.render, extended.render


def pyromark() -> tuple[Render, Render]:
    import pyromark as engine

    extended = engine.Options.ENABLE_TABLES | engine.Options.ENABLE_STRIKETHROUGH
    return engine.html, lambda text: engine.html(text, options=extended)


def cmarkgfm() -> tuple[Render, Render]:
    import cmarkgfm as engine
    from cmarkgfm.cmark import Options

    unsafe = Options.CMARK_OPT_UNSAFE  # raw HTML kept, as markdown-it-py's commonmark does
    return (
        lambda text: engine.markdown_to_html(text, options=unsafe),
        lambda text: engine.github_flavored_markdown_to_html(text, options=unsafe),
    )


def comrak() -> tuple[Render, Render]:
    import comrak as engine

    render = engine.RenderOptions()
    render.unsafe_ = True  # raw HTML kept
    extended = engine.ExtensionOptions()
    extended.table = extended.strikethrough = True
    return (
        lambda text: engine.render_markdown(text, render_options=render),
        lambda text: engine.render_markdown(
            text, extension_options=extended, render_options=render
        ),
    )


# name → (its package on PyPI, its module, how to load it)
ENGINES: dict[str, tuple[str, str, Callable[[], tuple[Render, Render]]]] = {
    "markdown-it-py": ("markdown-it-py", "markdown_it", markdown_it_py),
    "markdown-it-pyrs": ("markdown-it-pyrs", "markdown_it_pyrs", markdown_it_pyrs),
    "pyromark": ("pyromark", "pyromark", pyromark),
    "cmarkgfm": ("cmarkgfm", "cmarkgfm", cmarkgfm),
    "comrak": ("comrak", "comrak", comrak),
}


def posts(corpus: Path) -> list[str]:
    found = []
    for path in sorted((corpus / "content").rglob("*.md")):
        text = path.read_text("utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[1] if "\n---\n" in text else ""
        found.append(text)
    return found


def has_wheels(package: str, python: str, platforms: list[str]) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--python-version", python, "-d", folder, "-q", package]
        for platform in platforms:
            command += ["--platform", platform]
        return subprocess.run(command, capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a make_corpus.py project")
    parser.add_argument("--wheels", action="store_true")
    args = parser.parse_args()
    spec = [e["markdown"] for e in json.loads(SPEC.read_text("utf-8"))["examples"]]
    texts = posts(args.corpus)
    reference_plain, reference_extended = markdown_it_py()
    expected_spec = [reference_plain(t) for t in spec]
    expected_posts = [reference_extended(t) for t in texts]
    rows = []
    for name, (package, module, load) in ENGINES.items():
        try:
            importlib.import_module(module)
            plain, extended = load()
        except ImportError as exc:
            rows.append((name, package, None, None, None, f"not installed here ({exc})"))
            continue
        spec_same = sum(plain(t) == e for t, e in zip(spec, expected_spec, strict=True))
        posts_same = sum(extended(t) == e for t, e in zip(texts, expected_posts, strict=True))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for text in texts:
                extended(text)
            best = min(best, time.perf_counter() - started)
        rows.append((name, package, spec_same, posts_same, best, ""))
    base = next(r[4] for r in rows if r[0] == "markdown-it-py")
    print(f"{len(texts)} posts of {args.corpus}; {len(spec)} CommonMark 0.31.2 examples\n")
    head = "| engine | spec examples byte-identical | corpus posts byte-identical "
    head += "| render all posts | × markdown-it-py |"
    if args.wheels:
        head += " wheels, 3.11–3.14 (Linux x86_64/aarch64, macOS arm64, Windows) |"
    print(head)
    print("| --- " * (6 if args.wheels else 5) + "|")
    for name, package, spec_same, posts_same, seconds, note in rows:
        if seconds is None:
            cells = [name, note, "", "", ""]
        else:
            cells = [
                name,
                f"{spec_same}/{len(spec)}",
                f"{posts_same}/{len(texts)}",
                f"{seconds:.2f} s",
                f"{seconds / base:.2f}",
            ]
        if args.wheels:
            missing = [
                f"{python} {label}"
                for python in PYTHONS
                for label, platforms in PLATFORMS.items()
                if not has_wheels(package, python, platforms)
            ]
            cells.append("all" if not missing else "missing: " + ", ".join(missing))
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
