"""The separation guarantee on adversarial random corpora: posts whose bodies hide other
sites' blocks behind everything that fooled the old scanners (tests/support/
adversarial_markdown.py), bundle files of every kind carrying secrets in their metadata
(tests/support/adversarial_files.py), and forbidden names in every disguise. Each corpus
must build; no site may hold another site's canary, any file's secret, or a disguised
forbidden name; every site's own canaries must be there; and each site must be proven
independent of everything foreign to it (noninterference, splitblog/prove/).

    SPLITBLOG_ADVERSARIAL_CORPORA=500 python -m pytest tests/test_leak_adversarial.py
"""

from __future__ import annotations

import os
import random
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from splitblog.build import build
from splitblog.config import load_config
from splitblog.errors import AuditError, SplitblogError
from splitblog.model import BuildOptions
from splitblog.prove import prove_output

from .support.adversarial_files import adversarial_file, holds
from .support.adversarial_markdown import adversarial_body
from .support.files import tree

CORPORA = int(os.environ.get("SPLITBLOG_ADVERSARIAL_CORPORA", "36"))
BATCH = 6
SITES = ("professional", "personal")
FORBIDDEN = "Janey Quill"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
# The forbidden name as a careless (or clever) post writes it: each must be stopped.
DISGUISES = (
    "Janey\nQuill", "JANEY QUILL", "Janey\u00a0Quill", "Janey  Quill", "Ja\u00adney Quill",
    "Jan\u200dey Quill", "Ja&#110;ey Quill", "Ja<b>ney</b> Quill", "Ｊａｎｅｙ Quill",
    "Janey&nbsp;Quill", "Ja<!-- -->ney Quill",
)  # fmt: skip
CONFIG = """\
[sites.professional]
title = "Pro"
base_url = "https://pro.example.com/"
theme = "professional"
author = {{ name = "Pat Pro", email = "pat@pro.example.com" }}
forbid = ["{forbidden}"]

[sites.personal]
title = "Home"
base_url = "https://home.example.net/"
theme = "personal"
author = {{ name = "Patsy Home", email = "patsy@home.example.net" }}
"""


def canaries(rng: random.Random, number: int) -> dict[str, str]:
    return {site: f"zq{site[:3]}{number}x{rng.randrange(10**6)}" for site in SITES}


def write_corpus(root: Path, seed: int) -> tuple[dict[str, set[str]], set[str]]:
    """A corpus of posts on both sites; returns (site → the canaries it must show, every
    file secret)."""
    rng = random.Random(seed)
    (root / "content/posts").mkdir(parents=True)
    (root / "splitblog.toml").write_text(CONFIG.format(forbidden=FORBIDDEN))
    shown: dict[str, set[str]] = {site: set() for site in SITES}
    secrets: set[str] = set()
    for number in range(rng.randint(2, 5)):
        marks = canaries(rng, number)
        body = adversarial_body(rng, SITES, lambda site, marks=marks: marks[site])
        for site in SITES:
            if marks[site] in body:
                shown[site].add(marks[site])
        folder = root / f"content/posts/2026-01-{number + 1:02d}-post-{number}"
        folder.mkdir()
        files = []
        for index in range(rng.randint(0, 2)):
            secret = f"zqfile{number}x{index}x{rng.randrange(10**6)}"
            name, data = adversarial_file(rng, secret)
            (folder / name).write_bytes(data)
            files.append(name)
            secrets.add(secret)
        links = "".join(f"[file {i}]({name})\n\n" for i, name in enumerate(files))
        front = f"---\ntitle: Post {number}\ndate: 2026-01-{number + 1:02d}\naudience: all\n---\n"
        (folder / "index.md").write_text(front + links + body)
    # A personal post may say the name the professional site forbids, in any disguise.
    disguise = rng.choice(DISGUISES)
    (root / "content/posts/2026-02-01-friends.md").write_text(
        "---\ntitle: Friends\ndate: 2026-02-01\naudience: personal\n---\n"
        + textwrap.fill(f"Dinner with {disguise} and others.", 30)
        + "\n"
    )
    return shown, secrets


def check(root: Path) -> list[str]:
    config = load_config(root / "splitblog.toml")
    options = BuildOptions(now=NOW)  # one 'now' for the build and the proof
    try:
        build(config, options)
        prove_output(config, options, SITES, None)
    except AuditError as error:
        return [str(p) for p in error.problems]
    except SplitblogError as error:
        return [f"build failed: {p}" for p in error.problems]
    return []


@pytest.mark.parametrize(
    "seeds",
    [range(s, min(s + BATCH, CORPORA)) for s in range(0, CORPORA, BATCH)],
    ids=lambda r: f"seeds{r.start}-{r.stop - 1}",
)
def test_adversarial_corpora_build_clean_and_independent(
    seeds: range, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPLITBLOG_WORKERS", "1")
    for seed in seeds:
        root = tmp_path / f"corpus{seed}"
        shown, secrets = write_corpus(root, seed)
        problems = check(root)
        assert not problems, f"seed {seed}:\n" + "\n".join(problems[:10])
        for site in SITES:
            files = tree(root / "public" / site)
            blob = b"\n".join(files.values())
            for other in SITES:
                for mark in shown[other]:
                    present = mark.encode() in blob
                    assert present == (other == site), (seed, site, mark)
            for secret in secrets:
                assert not any(holds(data, secret) for data in files.values()), (seed, secret)
        pro = b"\n".join(tree(root / "public/professional").values()).lower()
        assert b"quill" not in pro, seed


@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_disguised_forbidden_name_in_an_own_post_is_stopped(
    tmp_path: Path, disguise: str
) -> None:
    root = tmp_path / "project"
    write_corpus(root, 7)
    (root / "content/posts/2026-02-02-work.md").write_text(
        "---\ntitle: Work\ndate: 2026-02-02\naudience: professional\n---\n"
        + textwrap.fill(f"A meeting with {disguise} today.", 24)
        + "\n"
    )
    problems = check(root)
    assert any(f'contains forbidden "{FORBIDDEN}"' in p for p in problems), problems
    assert not (root / "public/professional").exists()
