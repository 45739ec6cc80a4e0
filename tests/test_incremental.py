"""Correctness under caching: after any sequence of edits, a rebuild that uses the cache
writes exactly what a cold build of the same sources writes, byte for byte."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Project
from .support.files import tree

REPO = Path(__file__).resolve().parent.parent
SITES = ("professional", "personal")


def cold_build(project: Project, scratch: Path) -> dict[str, dict[str, bytes]]:
    """The same sources built from nothing, in another folder."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in ("splitblog.toml", "content", "themes"):
        source = project.root / name
        if source.is_dir():
            shutil.copytree(source, scratch / name)
        elif source.exists():
            shutil.copy2(source, scratch / name)
    cold = Project(scratch)
    cold.build()
    return {site: tree(cold.out(site)) for site in SITES}


@pytest.fixture
def corpus(tmp_path: Path) -> Project:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench/make_corpus.py"),
            str(tmp_path / "site"),
            "--posts",
            "36",
            "--seed",
            "3",
        ],
        check=True,
        capture_output=True,
    )
    project = Project(tmp_path / "site")
    config = (project.root / "splitblog.toml").read_text()
    config = config.replace('personal = "deny"', 'personal = "strip"')
    config = config.replace('professional = "deny"', 'professional = "allow"')
    (project.root / "splitblog.toml").write_text(config)
    return project


def posts(project: Project) -> list[Path]:
    return sorted((project.root / "content/posts").glob("*.md"))


# -- the edits a user makes ---------------------------------------------------------------
def edit_body(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    post.write_text(post.read_text() + f"\nA new closing line {rng.randrange(10**6)}.\n")
    return f"body of {post.name}"


def edit_first_paragraph(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    text = post.read_text()
    head, _, body = text.partition("\n---\n")
    post.write_text(f"{head}\n---\nA brand new opening paragraph {rng.randrange(10**6)}.\n\n{body}")
    return f"summary of {post.name}"


def edit_title(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    text = re.sub(
        r"^title: .*$",
        f'title: "Renamed {rng.randrange(10**6)}"',
        post.read_text(),
        count=1,
        flags=re.M,
    )
    post.write_text(text)
    return f"title of {post.name}"


def edit_audience(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    audience = rng.choice(["professional", "personal", "[professional, personal]"])
    post.write_text(
        re.sub(r"^audience: .*$", f"audience: {audience}", post.read_text(), count=1, flags=re.M)
    )
    return f"audience of {post.name} → {audience}"


def edit_tags(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    tags = ", ".join(rng.sample(["alpha", "beta", "gamma", "python", "travel"], 2))
    post.write_text(re.sub(r"^tags: .*$", f"tags: [{tags}]", post.read_text(), count=1, flags=re.M))
    return f"tags of {post.name}"


def unlink(project: Project, post: Path) -> None:
    """Links to a post that is going away become plain text (what a user would do)."""
    for other in posts(project):
        text = other.read_text()
        if f"]({post.name})" in text:
            other.write_text(re.sub(rf"\[([^\]]*)\]\({re.escape(post.name)}\)", r"\1", text))


def toggle_draft(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    unlink(project, post)
    text = post.read_text()
    if "\ndraft: true\n" in text:
        post.write_text(text.replace("\ndraft: true\n", "\n", 1))
    else:
        post.write_text(text.replace("\n---\n", "\ndraft: true\n---\n", 1))
    return f"draft of {post.name}"


def delete_post(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    unlink(project, post)
    post.unlink()
    return f"deleted {post.name}"


def rename_post(project: Project, rng: random.Random) -> str:
    post = rng.choice(posts(project))
    target = post.with_name("2026-05-05-renamed-" + str(rng.randrange(10**6)) + ".md")
    for other in posts(project):
        text = other.read_text()
        if f"]({post.name})" in text:
            other.write_text(text.replace(f"]({post.name})", f"]({target.name})"))
    post.rename(target)
    return f"renamed {post.name}"


def add_post(project: Project, rng: random.Random) -> str:
    number = rng.randrange(10**6)
    audience = rng.choice(["professional", "personal", "all"])
    project.post(
        f"2025-0{rng.randrange(1, 9)}-1{rng.randrange(10)}-added-{number}",
        audience,
        title=f"Added {number}",
        tags=["alpha"],
        body=f"Fresh post {number}.\n\n::: only personal\nFamily note {number}.\n:::\n",
    )
    return f"added post {number} for {audience}"


def edit_template(project: Project, rng: random.Random) -> str:
    from splitblog.theming import SHIPPED

    target = project.root / "themes/personal/templates/card.html"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / "_base/templates/card.html", target)
    target.write_text(target.read_text() + f"<!-- {rng.randrange(10**6)} -->\n")
    return "card.html of the personal theme"


def edit_config(project: Project, rng: random.Random) -> str:
    config = project.root / "splitblog.toml"
    per_page = rng.choice([3, 5, 10])
    text = re.sub(
        r"posts_per_page = \d+", f"posts_per_page = {per_page}", config.read_text(), count=1
    )
    config.write_text(
        text.replace('title = "Bench Personal"', f'title = "Home {rng.randrange(99)}"')
    )
    return f"configuration: posts_per_page = {per_page}"


EDITS: list[Callable[[Project, random.Random], str]] = [
    edit_body,
    edit_first_paragraph,
    edit_title,
    edit_audience,
    edit_tags,
    toggle_draft,
    delete_post,
    rename_post,
    add_post,
    edit_template,
    edit_config,
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_then_cached_rebuild_equals_cold_build(
    corpus: Project, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    corpus.build()
    done = []
    for step in range(7):
        done.append(rng.choice(EDITS)(corpus, rng))
        result = corpus.run("build")
        assert result.exit_code == 0, (done, result.output)
        expected = cold_build(corpus, tmp_path / f"cold-{step}")
        for site in SITES:
            assert tree(corpus.out(site)) == expected[site], f"{site} differs after {done}"


def test_every_kind_of_edit_once(corpus: Project, tmp_path: Path) -> None:
    rng = random.Random(7)
    corpus.build()
    for edit in EDITS:
        what = edit(corpus, rng)
        assert corpus.run("build").exit_code == 0, what
        expected = cold_build(corpus, tmp_path / "cold")
        for site in SITES:
            assert tree(corpus.out(site)) == expected[site], f"{site} differs after {what}"
        assert_the_kept_records_are_fresh(corpus, what)


def assert_the_kept_records_are_fresh(project: Project, what: str) -> None:
    """The pages' dependency records the project's cache keeps equal records worked out
    from nothing: every page's key and reads, whichever way the rebuild came to them."""
    from splitblog.build import open_cache
    from splitblog.config import load_config

    config = load_config(project.root / "splitblog.toml")
    cache = open_cache(config)
    try:
        assert page_records(cache, config) == fresh_page_records(config), f"after {what}"
    finally:
        cache.close()


def test_audience_change_moves_the_post(corpus: Project) -> None:
    corpus.post("2025-03-03-mover", "professional", title="The Moving Post")
    corpus.build()
    assert corpus.exists("professional", "posts/mover/index.html")
    corpus.post("2025-03-03-mover", "personal", title="The Moving Post")
    corpus.build()
    assert corpus.exists("personal", "posts/mover/index.html")
    assert not corpus.exists("professional", "posts/mover/index.html")
    corpus.assert_absent("professional", "The Moving Post", "posts/mover")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong-rows"])
def test_a_damaged_cache_is_ignored(corpus: Project, tmp_path: Path, damage: str) -> None:
    corpus.build()
    edit_title(corpus, random.Random(1))
    database = corpus.root / ".splitblog/cache.sqlite"
    if damage == "truncate":
        data = database.read_bytes()
        database.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        database.write_bytes(b"this is not a database" * 100)
    else:  # a valid database whose rows do not unpickle
        with sqlite3.connect(database) as db:
            db.execute("UPDATE kv SET value = x'00112233' WHERE ns != ''")
    for extra in ("cache.sqlite-wal", "cache.sqlite-shm"):
        (corpus.root / ".splitblog" / extra).unlink(missing_ok=True)
    result = corpus.run("build")
    assert result.exit_code == 0, result.output
    expected = cold_build(corpus, tmp_path / "cold")
    for site in SITES:
        assert tree(corpus.out(site)) == expected[site]


def preview_rebuilds_equal_cold_builds(
    corpus: Project, tmp_path: Path, edits: list[Callable[[Project, random.Random], str]], seed: int
) -> None:
    """What serve does: one cache kept in memory across rebuilds (with its memos of
    entries, Markdown keys, resolved bodies, related posts, audit tokens and manifests),
    output updated in place — after each edit, the preview equals a cold build."""
    from dataclasses import replace

    from splitblog.build import build, open_cache
    from splitblog.config import load_config

    rng = random.Random(seed)
    preview = tmp_path / "preview"
    config = replace(load_config(corpus.root / "splitblog.toml"), output_dir=preview)
    cache = open_cache(config, keep=True)
    try:
        build(config, cache=cache, atomic=False)
        done = []
        for step, edit in enumerate(edits):
            done.append(edit(corpus, rng))
            config = replace(load_config(corpus.root / "splitblog.toml"), output_dir=preview)
            build(config, cache=cache, atomic=False)
            expected = cold_build(corpus, tmp_path / f"cold-{step}")
            for site in SITES:
                assert tree(preview / site) == expected[site], f"{site} differs after {done}"
            assert page_records(cache, config) == fresh_page_records(config), f"after {done}"
    finally:
        cache.close()


def page_records(cache, config) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """Each site's pages' dependency record as a kept cache holds it (site/pages.py):
    every page, the key it has, and what it read."""
    from splitblog.build.sites import site_cache_key
    from splitblog.cache import RECORDS

    records = {site: cache.get(RECORDS, site_cache_key(config, site)) for site in SITES}
    return {
        site: (r.shape, r.marks, r.recipes, r.paths, r.keys, r.indexed, r.readers)
        for site, r in records.items()
        if r is not None
    }


def fresh_page_records(config) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """The same records worked out from nothing: `check` with a new cache of its own."""
    from splitblog.build import build, open_cache

    cache = open_cache(config, keep=True)
    try:
        build(config, write=False, cache=cache)
        return page_records(cache, config)
    finally:
        cache.close()


@pytest.mark.parametrize("seed", [4, 5])
def test_preview_rebuilds_with_a_kept_cache_equal_cold_builds(
    corpus: Project, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    preview_rebuilds_equal_cold_builds(
        corpus, tmp_path, [rng.choice(EDITS) for _ in range(6)], seed
    )


def test_every_kind_of_edit_once_in_a_preview(corpus: Project, tmp_path: Path) -> None:
    """Each edit the memos could miss — a title or tags other posts' related lists show,
    a post renamed or deleted that other posts link to, the configuration — once."""
    preview_rebuilds_equal_cold_builds(corpus, tmp_path, EDITS, seed=8)


def test_a_preview_follows_a_linked_post_of_the_other_site_that_moves(
    corpus: Project, tmp_path: Path
) -> None:
    """A personal post links (allowed) to a professional one, which then gets a new
    address: nothing of the personal site changed but the link index, and its page must
    point to the new address (a body kept by its own inputs alone would keep the old)."""
    corpus.post("2025-01-01-target", "professional", title="The Target")
    corpus.post(
        "2025-01-02-pointer",
        "personal",
        title="The Pointer",
        body="See [the target](2025-01-01-target.md).\n",
    )

    def move_target(project: Project, rng: random.Random) -> str:
        project.post("2025-01-01-target", "professional", title="The Target", slug="moved")
        return "the target's slug"

    preview_rebuilds_equal_cold_builds(corpus, tmp_path, [move_target], seed=9)
    assert "/posts/moved/" in (tmp_path / "preview/personal/posts/pointer/index.html").read_text()


def test_every_kind_of_edit_once_in_a_preview_with_the_index_in_parts(
    corpus: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with each site's search index in parts (about 22 pages a site, 4 pages
    a part): the parts a rebuild makes again and those it keeps are, together, the cold
    build's index byte for byte after every kind of edit."""
    from splitblog.site import search

    monkeypatch.setattr(search, "PART_PAGES", 4)
    preview_rebuilds_equal_cold_builds(corpus, tmp_path, EDITS, seed=9)
    for site in SITES:
        parts = [
            p for p in (tmp_path / "preview" / site / "pagefind").iterdir() if p.name.isdigit()
        ]
        assert len(parts) >= 2, site  # the index was in parts all along


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page a build works out (its key, and how to render it), as site:path."""
    from splitblog.site.pages import SitePages

    found: list[str] = []
    real_make = SitePages.make

    def counted(self, recipe):  # type: ignore[no-untyped-def]
        task = real_make(self, recipe)
        found.append(f"{self.site.name}:{task.path}")
        return task

    monkeypatch.setattr(SitePages, "make", counted)
    return found


def check_the_record_at_work(
    corpus: Project, made: list[str], rebuild: Callable[[], object]
) -> None:
    """After an edit of one post's closing lines, the pages worked out again are those
    that read the post in full (its page, the feeds that hold it) — not its lists, whose
    cards do not change, nor any other page. After an edit of its title, every page of
    its site is (a title is in the site's shape)."""
    post = corpus.post("2025-01-01-edited", "professional", title="Edited Post", tags=["alpha"])
    rebuild()
    every = {path for path in made if path.startswith("professional:")}
    assert len(every) > 40
    made.clear()
    post.write_text(post.read_text() + "\nA closing line.\n\nAnd one more.\n")
    rebuild()
    assert "professional:posts/edited/index.html" in made
    assert not any(path.startswith("personal:") for path in made)  # not its site's post
    lists = [p for p in made if "tags/alpha/index.html" in p or p.endswith(":index.html")]
    assert lists == [], made  # its card (title, summary) is as it was
    assert len(made) < len(every) / 10, made
    made.clear()
    post.write_text(post.read_text().replace("Edited Post", "Renamed Post"))
    rebuild()
    assert {path for path in made if path.startswith("professional:")} == every


def test_a_text_edit_works_out_only_the_pages_that_show_the_post_in_a_preview(
    corpus: Project, tmp_path: Path, made: list[str]
) -> None:
    from dataclasses import replace

    from splitblog.build import build, open_cache
    from splitblog.config import load_config

    preview = tmp_path / "preview"
    config = replace(load_config(corpus.root / "splitblog.toml"), output_dir=preview)
    cache = open_cache(config, keep=True)
    try:
        check_the_record_at_work(corpus, made, lambda: build(config, cache=cache, atomic=False))
        assert page_records(cache, config) == fresh_page_records(config)
    finally:
        cache.close()
    expected = cold_build(corpus, tmp_path / "cold")
    assert tree(preview / "professional") == expected["professional"]


def test_a_text_edit_works_out_only_the_pages_that_show_the_post_in_a_build(
    corpus: Project, tmp_path: Path, made: list[str]
) -> None:
    """The same across processes: the record is kept in the project's cache."""

    check_the_record_at_work(corpus, made, corpus.build)
    assert_the_kept_records_are_fresh(corpus, "a title edit")
    expected = cold_build(corpus, tmp_path / "cold")
    assert tree(corpus.out("professional")) == expected["professional"]


def test_a_build_after_a_text_edit_resolves_the_edited_posts_links_alone(
    corpus: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bodies the last build resolved are kept in the project's cache, one row per
    entry: a new `build` (its own cache, as a new process opens it) resolves the links of
    the edited post alone, on the one site that shows it — and after a change every body
    depends on (a post's new address in the link index), every post's again."""
    from splitblog.site import prepare

    resolved: list[str] = []
    real_finish = prepare.finish

    def counted(entry, *args, **kwargs):  # type: ignore[no-untyped-def]
        resolved.append(f"{entry.site}:{entry.source.key}")
        return real_finish(entry, *args, **kwargs)

    monkeypatch.setattr(prepare, "finish", counted)
    post = corpus.post("2025-01-01-edited", "professional", title="Edited Post")
    corpus.build()
    every = len(resolved)
    resolved.clear()
    post.write_text(post.read_text() + "\nA closing line.\n")
    corpus.build()
    assert resolved == ["professional:posts/2025-01-01-edited.md"]
    resolved.clear()
    corpus.post("2025-01-01-edited", "professional", title="Edited Post", slug="moved")
    corpus.build()
    assert len(resolved) == every
    expected = cold_build(corpus, tmp_path / "cold")
    for site in SITES:
        assert tree(corpus.out(site)) == expected[site]
