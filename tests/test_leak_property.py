"""The separation guarantee as a property: for hundreds of random corpora, every byte of
every site's output (file names included) holds every canary the site publishes and no
canary of anything it does not.

Each corpus is drawn from a seed (tests/support/leak_corpus.py) and judged by an
independent oracle (tests/support/leak_oracle.py). Corpora whose links a policy refuses
must fail the build naming each refused link and write nothing; corpora whose `forbid`
words are published must fail the audit on exactly those words; every other corpus must
build, and some are changed and rebuilt in place (a post moved to other sites, or made a
draft) to show that an incremental build leaves nothing of the previous one behind.

Every corpus that builds is also proven independent (noninterference, splitblog/prove/):
each site rebuilt from the corpus with everything foreign to it perturbed is byte for
byte the site that was built. And the proof itself is tested on random corpora: with
routing broken (one foreign post published) or an only-block left in, and the token
audit switched off, the proof must fail every one of them.

    SPLITBLOG_LEAK_CORPORA=2000 python -m pytest tests/test_leak_property.py   # more
    SPLITBLOG_LEAK_SEED=1234 …                                                 # others
"""

from __future__ import annotations

import dataclasses
import os
import random
from pathlib import Path

import pytest

import splitblog.audit.scan
import splitblog.routing.plan
from splitblog.build import build
from splitblog.config import load_config
from splitblog.content.only import parse_of
from splitblog.errors import AuditError, SplitblogError
from splitblog.model import BuildOptions, OnlyBlock
from splitblog.prove import prove_output

from .support.files import tree
from .support.leak_corpus import CANARY, NOW, CorpusSpec, draw, with_audience, write
from .support.leak_oracle import describe, expect, forbidden_hits, link_errors, published
from .support.pagefind import INDEX, readable, stem

CORPORA = int(os.environ.get("SPLITBLOG_LEAK_CORPORA", "240"))
FIRST_SEED = int(os.environ.get("SPLITBLOG_LEAK_SEED", "0"))
BATCH = 12  # corpora per test: a failure names its seed
BATCHES = [range(s, min(s + BATCH, FIRST_SEED + CORPORA)) for s in
           range(FIRST_SEED, FIRST_SEED + CORPORA, BATCH)]  # fmt: skip


def run_build(spec: CorpusSpec, root: Path) -> SplitblogError | None:
    config = load_config(root / "splitblog.toml")
    options = BuildOptions(drafts=spec.drafts, future=spec.future, now=NOW)
    try:
        build(config, options)
    except SplitblogError as error:
        return error
    return None


def leaks(spec: CorpusSpec, root: Path) -> list[str]:
    """Everything wrong with the output of a corpus that built."""
    found: list[str] = []
    for site in spec.names:
        expected = expect(spec, site)
        files = tree(root / "public" / site)
        seen: set[str] = set()
        stems = {stem(token): token for token in expected.present}  # as the index has them
        for path, raw in files.items():
            data = readable(path, raw)  # the search index opened, Pagefind's library skipped
            for match in CANARY.finditer(path.encode()):
                token = match.group().decode()
                if token in expected.present:
                    seen.add(token)
                else:
                    found.append(
                        f"{site}/{path}: file name holds {token} ({describe(spec, token)})"
                    )
            for match in CANARY.finditer(data):
                token = match.group().decode()
                if INDEX.search(path) and token not in expected.present:
                    token = stems.get(token, token)  # a word of the index, by its stem
                if token in expected.present:
                    seen.add(token)
                    continue
                before = expected.exempt.get(token, ())
                start = match.start()
                if any(data[start - len(b) : start] == b.encode() for b in before):
                    continue  # the target's slug inside an allowed link's URL
                found.append(f"{site}/{path} holds {token} ({describe(spec, token)})")
            for host in expected.foreign_hosts:
                if host.encode() in data or host in path:
                    found.append(f"{site}/{path} names {host} (its policy is not allow)")
        for token in sorted(expected.present.keys() - seen):
            found.append(f"{site}: {token} missing ({expected.present[token]})")
        for page, result in expected.links:
            html = files.get(page, b"").decode()
            if result.kind == "local" and f'href="{result.urls[0]}"' not in html:
                found.append(f"{site}/{page}: no local link {result.urls[0]}")
            if result.kind == "allow" and not any(
                f'href="{url}" rel="noreferrer"' in html for url in result.urls
            ):
                found.append(f"{site}/{page}: no rel=noreferrer link to any of {result.urls}")
    return found


def check_corpus(spec: CorpusSpec, root: Path) -> list[str]:
    """Build one corpus and judge it; an empty list means it behaved."""
    write(spec, root)
    refused = link_errors(spec)
    forbidden = forbidden_hits(spec)
    before = tree(root / "public") if refused or forbidden else {}
    error = run_build(spec, root)
    messages = [str(p) for p in error.problems] if error else []
    if refused or forbidden:
        if error is None:
            return [f"built, but should have refused {refused or forbidden}"]
        problems = []
        if tree(root / "public") != before:
            problems.append("a failed build changed public/")
        if refused:
            for key, written in refused:
                if not any(f"content/{key}" in m and f"link to '{written}'" in m for m in messages):
                    problems.append(f"no error for the link to {written} in {key}: {messages}")
            problems += [f"unexpected: {m}" for m in messages if "link to" not in m]
        else:
            for site, word in forbidden:
                wanted = f'contains forbidden "{word}"'
                if not any(m.startswith(f"audit: {site}/") and wanted in m for m in messages):
                    problems.append(f"no audit finding of {word} on {site}: {messages}")
            problems += [f"unexpected: {m}" for m in messages if "forbidden" not in m]
        return problems
    if error is not None:
        return [f"build failed: {m}" for m in messages]
    return leaks(spec, root) or independence(spec, root)


def independence(spec: CorpusSpec, root: Path) -> list[str]:
    """The proof over every site of a corpus that built: [] when each is independent."""
    config = load_config(root / "splitblog.toml")
    options = BuildOptions(drafts=spec.drafts, future=spec.future, now=NOW)
    try:
        prove_output(config, options, spec.names, None)
    except AuditError as error:
        return [str(p) for p in error.problems]
    return []


def mutate(spec: CorpusSpec, seed: int) -> CorpusSpec:
    """The same corpus with one source moved to other sites, or made a draft."""
    rng = random.Random(seed * 7919 + 1)
    source = rng.choice(spec.sources)
    names = list(spec.names)
    audience = tuple(sorted(rng.sample(names, rng.randint(1, len(names)))))
    return with_audience(spec, source.key, audience, draft=rng.random() < 0.3)


@pytest.mark.parametrize("seeds", BATCHES, ids=lambda r: f"seeds{r.start}-{r.stop - 1}")
def test_no_site_shows_what_it_does_not_publish(
    seeds: range, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_property
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SPLITBLOG_WORKERS", "1")
    ran = 0
    # One project folder for the whole batch, each corpus replacing the last: the build
    # cache and the previous output are then in play too, and any stale canary left over
    # from an earlier corpus is a canary the current one does not publish.
    root = tmp_path / "project"
    for seed in seeds:
        spec = draw(seed)
        problems = check_corpus(spec, root)
        ran += 1
        assert not problems, f"seed {seed}:\n" + "\n".join(problems[:20])
        if seed % 3 == 0 and not (link_errors(spec) or forbidden_hits(spec)):
            changed = mutate(spec, seed)
            problems = check_corpus(changed, root)
            ran += 1
            assert not problems, f"seed {seed}, rebuilt after a change:\n" + "\n".join(
                problems[:20]
            )
    record_property("leak_corpora", ran)


# -- the proof, tested on random corpora -------------------------------------------------------
MUTATION_SEEDS = range(FIRST_SEED + 1000, FIRST_SEED + 1030)


def publish_a_foreign_post(spec: CorpusSpec, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Routing broken: the first site also publishes one source it must not (one whose
    links no policy of that site refuses). False when the corpus has none."""
    site = spec.names[0]
    candidates = [
        s
        for s in spec.sources
        if not published(spec, s, site)
        and any(p.only is None or site in p.only for p in s.paras)
        and not any(p.link for p in s.paras)
        and not s.summary_link
    ]
    if not candidates:
        return False
    chosen = candidates[0].key
    exclusion = splitblog.routing.plan._exclusion

    def broken(source, name, options, now):  # type: ignore[no-untyped-def]
        if name == site and source.key == chosen:
            return None
        return exclusion(source, name, options, now)

    monkeypatch.setattr(splitblog.routing.plan, "_exclusion", broken)
    return True


def leave_an_only_block_in(spec: CorpusSpec, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The first site's bodies keep the other sites' only-blocks, as a misparse would.
    Blocks with a link or a file are left alone (a policy could refuse those); False
    when the corpus has no other block for other sites."""
    site = spec.names[0]
    if not any(
        published(spec, s, site)
        and any(
            p.only is not None and site not in p.only and not (p.link or p.image or p.document)
            for p in s.paras
        )
        for s in spec.sources
    ):
        return False
    shown = splitblog.routing.plan.site_text

    def misread(block: OnlyBlock, body: str) -> OnlyBlock:  # the block read as the site's too
        lines = body.split("\n")[block.first : block.last + 1]
        if any("](" in line for line in lines):  # a link a policy might refuse: left alone
            return block
        return dataclasses.replace(block, sites=block.sites | {site})

    def broken(source, name):  # type: ignore[no-untyped-def]
        if name == site:
            only = parse_of(source)
            blocks = tuple(misread(b, source.body) for b in only.blocks)
            source = dataclasses.replace(source, only=dataclasses.replace(only, blocks=blocks))
        return shown(source, name)

    monkeypatch.setattr(splitblog.routing.plan, "site_text", broken)
    return True


@pytest.mark.parametrize("mutation", [publish_a_foreign_post, leave_an_only_block_in])
def test_the_proof_catches_a_broken_routing_on_random_corpora(
    mutation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SPLITBLOG_WORKERS", "1")
    monkeypatch.setattr(splitblog.audit.scan.SiteAudit, "scan", lambda self, path, data: [])
    caught = []
    for seed in MUTATION_SEEDS:
        spec = draw(seed)
        if link_errors(spec) or forbidden_hits(spec):
            continue
        root = tmp_path / f"corpus{seed}"
        write(spec, root)
        with monkeypatch.context() as patch:
            if not mutation(spec, patch):
                continue
            if run_build(spec, root) is not None:
                continue  # the broken routing upset a check of its own: nothing to prove
            found = independence(spec, root)
        assert found, f"seed {seed}: the proof did not see the broken routing"
        assert all(f.startswith("independence: ") for f in found), found
        caught.append(seed)
    assert len(caught) >= 4, f"too few corpora to show anything: {caught}"
