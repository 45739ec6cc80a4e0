"""Reading content files: front matter, fields, and errors with file and line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from splitblog.config import Config, load_config
from splitblog.content.sources import read_source
from splitblog.content.walk import SourceFile, discover
from splitblog.errors import ContentError
from splitblog.model import Source

CONFIG = """
default_audience = "personal"
timezone = "Europe/Paris"
[sites.professional]
title = "Pro"
base_url = "https://pro.example.com/"
[sites.personal]
title = "Home"
base_url = "https://home.example.net/"
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "splitblog.toml").write_text(CONFIG)
    return load_config(tmp_path / "splitblog.toml")


def read(config: Config, text: str | bytes, name: str = "posts/x.md", kind: str = "post") -> Source:
    path = config.content_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(data)
    return read_source(SourceFile(path, name, kind, None, (), (0, 0, 0)), config)


def problems(config: Config, text: str | bytes, **kw: str) -> list[str]:
    with pytest.raises(ContentError) as info:
        read(config, text, **kw)
    return [str(p) for p in info.value.problems]


def test_yaml_fields(config: Config) -> None:
    source = read(
        config,
        "---\ntitle: Hello\ndate: 2026-03-01\naudience: [professional, personal]\n"
        "tags: [a, b, a]\nsummary: Short.\nslug: hi-there\nupdated: 2026-03-02T10:00:00+01:00\n"
        "mood: happy\npersonal:\n  title: Hi\n  colour: red\n---\n\nBody line.\n",
        name="posts/2026-03-01-hello.md",
    )
    assert source.title == "Hello" and source.slug == "hi-there"
    assert source.audience == {"professional", "personal"}
    assert source.tags == ("a", "b")
    assert source.summary == "Short."
    assert source.date == datetime(2026, 3, 1, tzinfo=source.date.tzinfo)
    assert source.date.utcoffset() == timedelta(hours=1)  # the project's time zone (Paris, winter)
    assert source.updated is not None and source.updated.utcoffset() == timedelta(hours=1)
    assert dict(source.extra) == {"mood": "happy"}
    override = source.override_for("personal")
    assert (
        override is not None
        and override.title == "Hi"
        and dict(override.extra) == {"colour": "red"}
    )
    assert source.body == "\nBody line.\n" and source.body_line == 14


def test_toml_front_matter(config: Config) -> None:
    source = read(
        config, '+++\ntitle = "T"\ndate = 2026-01-01T08:00:00Z\naudience = "all"\n+++\nB\n'
    )
    assert source.audience == {"professional", "personal"}
    assert source.date == datetime(2026, 1, 1, 8, tzinfo=UTC)


def test_slug_from_file_name_drops_the_date(config: Config) -> None:
    assert (
        read(
            config, "---\ntitle: T\ndate: 2026-01-01\n---\n", name="posts/2026-01-01-My Trip.md"
        ).slug
        == "my-trip"
    )


def test_default_audience(config: Config) -> None:
    assert read(config, "---\ntitle: T\ndate: 2026-01-01\n---\n").audience == {"personal"}


def test_date_with_offset_is_kept(config: Config) -> None:
    source = read(config, "---\ntitle: T\ndate: '2026-05-01T09:30:00-04:00'\n---\n")
    assert source.date is not None and source.date.utcoffset() == timedelta(hours=-4)
    assert source.date.astimezone(UTC).hour == 13


def test_bom_and_crlf(config: Config) -> None:
    source = read(
        config, "\ufeff---\r\ntitle: T\r\ndate: 2026-01-01\r\n---\r\nLine one.\rLine two.\r\n"
    )
    assert source.title == "T" and source.body == "Line one.\nLine two.\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: [unclosed\ndate: 2026-01-01\n---\n",
            "x.md:3: front matter is not valid YAML: did not find expected ',' or ']' (while parsing "
            "a flow sequence that starts on line 2)",
        ),
        (
            "---\ntitle: T\ndate: 2026-01-01\n",
            "x.md:1: front matter opened with --- is never closed",
        ),
        ("Just text, no front matter.\n", "x.md:1: no front matter"),
        ("---\ndate: 2026-01-01\n---\n", "x.md:1: title is missing"),
        ("---\ntitle: 2026\ndate: 2026-01-01\n---\n", "x.md:2: title must be text, not a number"),
        ("---\ntitle: [a, b]\ndate: 2026-01-01\n---\n", "x.md:2: title must be text, not a list"),
        ("---\ntitle:\ndate: 2026-01-01\n---\n", "x.md:2: title is missing"),
        ("---\ntitle: T\n---\n", "x.md:1: date is missing"),
        ("---\ntitle: T\ndate: tomorrow\n---\n", "x.md:3: date 'tomorrow' is not a date"),
        ("---\ntitle: T\ndate: 2026-02-30\n---\n", "x.md:3: date '2026-02-30' is not a date"),
        (
            "---\ntitle: T\ndate: 2026-01-01\naudience: friends\n---\n",
            "x.md:4: unknown audience 'friends'",
        ),
        ("---\ntitle: T\ndate: 2026-01-01\naudience: []\n---\n", "x.md:4: audience must be"),
        (
            "---\ntitle: T\ndate: 2026-01-01\ndraft: 'no'\n---\n",
            "x.md:4: draft must be true or false",
        ),
        ("---\ntitle: T\ndate: 2026-01-01\ntags: {a: 1}\n---\n", "x.md:4: tags must be a list"),
        (
            "---\ntitle: T\ndate: 2026-01-01\nslug: ../../etc\n---\n",
            "x.md:4: slug '../../etc' may only use",
        ),
        ("---\ntitle: T\ndate: 2026-01-01\nslug: /abs\n---\n", "x.md:4: slug '/abs' may only use"),
        (
            "---\ntitle: T\ndate: 2026-01-01\nslug: " + "a" * 300 + "\n---\n",
            "longer than 200 bytes",
        ),
        ("---\ntitle: T\ndate: 2026-01-01\ncanonical: family\n---\n", "x.md:4: canonical 'family'"),
        ("---\ntitle: T\ndate: 2026-01-01\npersonal: yes\n---\n", "x.md:4: 'personal' is a site"),
        (
            "---\ntitle: T\ndate: 2026-01-01\npersonal:\n  draft: true\n---\n",
            "x.md:4: personal.draft cannot be set per site (only title, summary, tags, slug, aliases can) "
            "— keep a post off a site with audience, or part of it with ::: only",
        ),
        (
            "---\ntitle: T\ndate: 2026-01-01\npersonal: {audience: professional}\n---\n",
            "x.md:4: personal.audience cannot be set per site",
        ),
        (
            "---\ntitle: T\ndate: 2026-01-01\npersonal: {date: 2027-01-01}\n---\n",
            "x.md:4: personal.date cannot be set per site",
        ),
        (
            "---\ntitle: T\ndate: 2026-01-01\n---\n\n::: only family\nx\n:::\n",
            "x.md:6: `::: only` names unknown site 'family'",
        ),
        (
            "---\ntitle: T\ndate: 2026-01-01\n---\n\n::: only personal\nnever closed\n",
            "x.md:6: `::: only` block is never closed",
        ),
        (
            '+++\ntitle = "T"\ndate = 2026-01-01\nbad = [\n+++\n',
            "x.md:4: front matter is not valid TOML",
        ),
        ("---\n- a\n- b\n---\n", "x.md:2: front matter must be a mapping"),
    ],
)
def test_front_matter_errors_name_file_and_line(config: Config, text: str, expected: str) -> None:
    found = problems(config, text)
    assert any(expected in p for p in found), found
    assert all(p.startswith("content/posts/x.md:") for p in found)


def test_all_errors_of_one_file(config: Config) -> None:
    found = problems(config, "---\ntitle: 5\ndate: soon\naudience: friends\ndraft: 1\n---\n")
    assert len(found) == 4


def test_non_utf8_names_the_file(config: Config) -> None:
    found = problems(config, b"---\ntitle: caf\xe9\ndate: 2026-01-01\n---\n")
    assert found == ["content/posts/x.md:2: not UTF-8 text (byte 0xe9) — save the file as UTF-8"]


def test_missing_audience_without_default(tmp_path: Path) -> None:
    """Read, a post without an audience is on no site (an import leaves posts so, to be
    tagged); the build refuses it with one line (routing.plan.unassigned)."""
    from splitblog.model import BuildOptions
    from splitblog.routing.plan import unassigned

    (tmp_path / "splitblog.toml").write_text(CONFIG.replace('default_audience = "personal"', ""))
    config = load_config(tmp_path / "splitblog.toml")
    source = read(config, "---\ntitle: T\ndate: 2026-01-01\n---\n")
    assert source.no_audience and source.audience == frozenset()
    assert [str(p) for p in unassigned([source], BuildOptions())] == [
        "content/posts/x.md:1: audience is missing and the configuration sets no default_audience"
        " — add audience: with a site's name (or a list, or all)"
    ]


def test_pages_need_no_date(config: Config) -> None:
    page = read(config, "---\ntitle: About\n---\nHi\n", name="pages/about.md", kind="page")
    assert page.kind == "page" and page.date is None


def test_discover_posts_pages_bundles(config: Config) -> None:
    root = config.content_dir
    for rel in (
        "posts/a.md",
        "posts/2026/b.md",
        "posts/trip/index.md",
        "posts/trip/photo.jpg",
        "posts/trip/img/map.png",
        "posts/.hidden.md",
        "posts/c.md~",
        "pages/about.md",
        "posts/notes.txt",
        "drafts/elsewhere.md",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    files, found = discover(config)
    assert not found
    by_key = {f.key: f for f in files}
    assert set(by_key) == {"posts/a.md", "posts/2026/b.md", "posts/trip/index.md", "pages/about.md"}
    trip = by_key["posts/trip/index.md"]
    assert trip.bundle == "posts/trip" and trip.assets == ("img/map.png", "photo.jpg")
    assert by_key["pages/about.md"].kind == "page"


def test_symlink_outside_the_project_is_refused(config: Config, tmp_path: Path) -> None:
    outside = tmp_path.parent / "outside-secret.md"
    outside.write_text("---\ntitle: Secret\ndate: 2026-01-01\n---\n")
    (config.content_dir / "posts").mkdir(parents=True)
    (config.content_dir / "posts/link.md").symlink_to(outside)
    files, found = discover(config)
    assert not files
    assert [str(p) for p in found] == [
        "content/posts/link.md: symbolic link points outside the project; it is not published"
        " — copy the file into content/ instead"
    ]
