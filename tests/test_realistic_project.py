"""A realistic project builds with no false finding: several hundred posts of the benchmark
corpus (headings, code, tables, lists, links between posts), hard-wrapped into lines as
people write them, with footnotes, photos carrying EXIF, and both personas named with
common words ("May" and "Max") — every date of May, every "may" and "max" of the prose,
every max-width of the themes is their own site's, not the other persona."""

from __future__ import annotations

import importlib.util
import io
import random
import re
import textwrap
from pathlib import Path

from PIL import Image

from .conftest import Project

REPO = Path(__file__).parent.parent
POSTS = 300


def make_corpus():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench/make_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def photo(rng: random.Random) -> bytes:
    image = Image.new("RGB", (64, 48), (rng.randrange(256), 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # make
    exif[0x0112] = 1
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def realistic(text: str, rng: random.Random, number: int) -> str:
    """Wrap paragraphs at 72 columns, and give some posts a footnote."""
    blocks = []
    for block in text.split("\n\n"):
        plain = block and not block.startswith(("#", "-", "|", "```", "    ", ">", "1."))
        blocks.append(textwrap.fill(block, 72) if plain and "\n" not in block else block)
    if number % 7 == 0:
        blocks.insert(1, "As the report put it[^1], numbers may change.")
        blocks.append("[^1]: A footnote that may be wrapped\n    over two lines.")
    return "\n\n".join(blocks)


def test_several_hundred_realistic_posts_build_with_no_false_finding(tmp_path: Path) -> None:
    corpus = make_corpus()
    rng = random.Random(5)
    posts, pages = corpus.make_posts(POSTS, 7), corpus.pages(7)
    project = Project(tmp_path / "site")
    corpus.write_splitblog(project.root, posts, pages)
    config = (project.root / "splitblog.toml").read_text()
    config = config.replace(
        'theme = "professional"',
        'theme = "professional"\nauthor = { name = "May", email = "may@pro.example.com" }',
    ).replace(
        'theme = "personal"',
        'theme = "personal"\nauthor = { name = "Max", email = "max@me.example.net" }',
    )
    (project.root / "splitblog.toml").write_text(config)
    for number, path in enumerate(sorted((project.root / "content/posts").glob("*.md"))):
        text = path.read_text()
        front, body = text.split("---\n\n", 1)
        body = realistic(body, rng, number)
        if number % 15 == 0:  # a bundle with a photo
            bundle = path.with_suffix("")
            bundle.mkdir()
            body = re.sub(r"\]\((\d{4}-)", r"](../\1", body)  # its links, from one folder down
            (bundle / "index.md").write_text(f"{front}---\n\n![A photo](photo.jpg)\n\n{body}")
            (bundle / "photo.jpg").write_bytes(photo(rng))
            path.unlink()
        else:
            path.write_text(f"{front}---\n\n{body}")
    result = project.run("build")
    assert result.exit_code == 0, result.output[-3000:]
    pro = project.files("professional")
    assert len(pro) > 200
    text = b"\n".join(pro.values()).decode("utf-8", "replace")
    assert re.search(r"\bMay \d{4}\b|\d+ May \d{4}", text), "the corpus has dates in May"
    assert "max-width" in text and " may " in text  # the common words are there
    assert "may@pro.example.com" in text and "max@me.example.net" not in text
