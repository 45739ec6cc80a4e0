"""Configuration: every mistake named by its key path, all in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitblog.config import Author, SiteConfig, load_config
from splitblog.config.schema import options
from splitblog.errors import ConfigError

from .conftest import Project

GOOD = """
[sites.professional]
title = "Pro"
base_url = "https://pro.example.com/"
theme = "professional"
[sites.personal]
title = "Home"
base_url = "https://home.example.net"
theme = "personal"
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "splitblog.toml"
    path.write_text(text)
    return load_config(path)


def messages(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_defaults_and_normalisation(tmp_path: Path) -> None:
    config = load(tmp_path, GOOD)
    assert config.site_names == ("professional", "personal")
    home = config.site("personal")
    assert home.base_url == "https://home.example.net/"  # a trailing slash is added
    assert home.feeds == ("atom", "rss", "json") and home.posts_per_page == 10
    assert home.policy_toward("professional") == "deny"  # the default policy
    assert config.content_dir == tmp_path / "content"
    assert config.output_dir == tmp_path / "public"


def test_full_configuration_is_read(tmp_path: Path) -> None:
    (tmp_path / "me.jpg").write_bytes(b"x")
    config = load(
        tmp_path,
        GOOD
        + """
[sites.professional.author]
name = "Jane"
email = "jane@example.com"
avatar = "me.jpg"
bio = "Hi"
[sites.professional.links]
personal = "strip"
[sites.professional.deploy]
target = "file:///srv/www"
host = "netlify"
max_deletes = 10
""",
    )
    pro = config.site("professional")
    assert pro.author.avatar_name == "me.jpg" and pro.author.bio == "Hi"
    assert pro.policy_toward("personal") == "strip"
    assert pro.deploy and pro.deploy.host == "netlify" and pro.deploy.max_deletes == 10


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('colour = "red"\n', "splitblog.toml: colour: unknown key"),
        ("output = 3\n", "splitblog.toml: output: must be a string, not an integer"),
        (
            'default_audience = "friends"\n',
            "splitblog.toml: default_audience: 'friends' is not a site",
        ),
        ('timezone = "Mars/Olympus"\n', "splitblog.toml: timezone: unknown time zone"),
    ],
)
def test_top_level_errors(tmp_path: Path, extra: str, expected: str) -> None:
    found = messages(tmp_path, extra + GOOD)
    assert any(expected in m for m in found), found


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('base_url = "https://pro.example.com/"', ""), "sites.professional.base_url: missing"),
        (
            ('base_url = "https://pro.example.com/"', 'base_url = "pro.example.com"'),
            "sites.professional.base_url: 'pro.example.com' is not an http(s) URL",
        ),
        (
            ('base_url = "https://pro.example.com/"', 'base_url = "https://pro.example.com/?x=1"'),
            "has a query or fragment",
        ),
        (
            ('theme = "professional"', 'theme = "nosuch"'),
            "sites.professional.theme: no theme 'nosuch'",
        ),
        (('title = "Pro"', "title = 5"), "sites.professional.title: must be a string"),
        (
            ('title = "Pro"', 'title = "Pro"\nposts_per_page = 0'),
            "posts_per_page: must be at least 1",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\nposts_per_page = "ten"'),
            "posts_per_page: must be an integer",
        ),
        (('title = "Pro"', 'title = "Pro"\nfeeds = ["atom", "rdf"]'), "unknown feed 'rdf'"),
        (('title = "Pro"', 'title = "Pro"\nnoindex = "yes"'), "noindex: must be true or false"),
        (('title = "Pro"', 'title = "Pro"\nforbid = "Janey"'), "forbid: must be a list"),
        (
            ('title = "Pro"', 'title = "Pro"\nlinks = { personal = "maybe" }'),
            "sites.professional.links.personal: unknown policy 'maybe'",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\nlinks = { family = "allow" }'),
            "sites.professional.links.family: 'family' is not a site",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\nauthor = { name = "J", avatar = "none.jpg" }'),
            "sites.professional.author.avatar: no file 'none.jpg'",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\nauthor = { nick = "J" }'),
            "sites.professional.author.nick: unknown key",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\ndeploy = { host = "github-pages" }'),
            "sites.professional.deploy.target: missing",
        ),
        (
            ('title = "Pro"', 'title = "Pro"\ndeploy = { target = "x", host = "geocities" }'),
            "unknown host 'geocities'",
        ),
        (('title = "Pro"', 'title = "Pro"\nthem = "x"'), "did you mean 'theme'?"),
        (
            ('base_url = "https://home.example.net"', 'base_url = "https://pro.example.com/"'),
            "sites.personal.base_url: same base_url as sites.professional",
        ),
        (("[sites.personal]", "[sites.all]"), "sites.all: 'all' is reserved"),
        (("[sites.personal]", "[sites.Personal]"), "sites.Personal: a site name must be lowercase"),
    ],
)
def test_site_errors_name_the_key(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    found = messages(tmp_path, GOOD.replace(*change, 1))
    assert any(expected in m for m in found), found


def test_every_error_is_reported_in_one_run(tmp_path: Path) -> None:
    text = GOOD.replace('theme = "professional"', 'theme = "nosuch"\ncolor = 1').replace(
        'base_url = "https://home.example.net"', ""
    )
    found = messages(tmp_path, "mystery = true\n" + text)
    joined = "\n".join(found)
    for key in (
        "mystery",
        "sites.professional.theme",
        "sites.professional.color",
        "sites.personal.base_url",
    ):
        assert key in joined, joined
    assert len(found) == 4


def test_not_toml(tmp_path: Path) -> None:
    found = messages(tmp_path, "[sites.professional\ntitle = 1\n")
    assert "not valid TOML" in found[0] and "line 1" in found[0]


def test_no_sites(tmp_path: Path) -> None:
    assert any("sites: no sites defined" in m for m in messages(tmp_path, 'content = "c"\n'))


def test_cli_reports_config_errors_with_exit_1(project: Project) -> None:
    project.config(GOOD.replace('theme = "professional"', 'theme = "nosuch"'))
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1
    assert "splitblog.toml: sites.professional.theme: no theme 'nosuch'" in result.stderr
    assert "Traceback" not in result.output
    assert project.snapshot() == before


def test_missing_config_file_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from splitblog.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "no splitblog.toml" in result.stderr and "splitblog init" in result.stderr


def test_project_theme_overrides_the_shipped_one(project: Project) -> None:
    project.write("themes/professional/templates/404.html", "custom 404 for {{ site.title }}\n")
    project.post("2026-01-01-a", "professional")
    project.build()
    assert project.read("professional", "404.html") == "custom 404 for Pro Site\n"
    assert "<!doctype html>" in project.read("professional", "posts/a/index.html")


def test_a_project_only_theme_gets_the_shared_templates(project: Project) -> None:
    project.config(GOOD.replace('theme = "professional"', 'theme = "mine"'))
    project.write("themes/mine/templates/post.html", "{{ post.title }}")
    project.post("2026-01-01-a", "professional", title="Mine")
    project.build()
    assert project.read("professional", "posts/a/index.html") == "Mine"
    assert "<!doctype html>" in project.read("professional", "index.html")


def test_a_template_naming_a_missing_template_is_an_error(project: Project) -> None:
    project.write("themes/professional/templates/post.html", '{% extends "layout.html" %}\n')
    project.post("2026-01-01-a", "professional")
    result = project.run("build")
    assert result.exit_code == 1
    assert "template 'layout.html' not found" in result.stderr
    assert "Traceback" not in result.output


def test_the_readme_lists_every_option_as_the_schema_declares_it() -> None:
    """The reference is made from the one declaration of each option: an option added to
    the schema without regenerating the README's table fails here."""
    from splitblog.config.reference import reference

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- options: generated -->\n") + len("<!-- options: generated -->\n")
    end = readme.index("<!-- options: end -->")
    assert readme[start:end] == reference()
    for key in ("base_url", "keep_image_metadata", "max_deletes", "timezone", "avatar"):
        assert f"`{key}`" in readme[start:end]


WRONG = {"string": "1", "integer": '"ten"', "boolean": '"yes"', "list of strings": "[1, 2]"}
EXPECTED = {
    "string": "must be a string, not an integer",
    "integer": "must be an integer, not a string",
    "boolean": "must be true or false, not a string",
    "list of strings": "must be a list of strings",
}
DECLARED = [
    (table, opt.key, opt.kind)
    for table, schema in (("sites.personal", SiteConfig), ("sites.personal.author", Author))
    for _name, opt, _default in options(schema)
    if opt.kind in WRONG
]


@pytest.mark.parametrize("table, key, kind", DECLARED)
def test_every_declared_option_is_type_checked_by_its_key(
    tmp_path: Path, table: str, key: str, kind: str
) -> None:
    """Validation comes from the declarations: each option of a declared kind refuses a
    value of another kind, naming its full key — none is read by hand and forgotten."""
    lines = [line for line in GOOD.splitlines() if not line.startswith(f"{key} =")]
    text = "\n".join(lines) + "\n" + (f"[{table}]\n" if table.endswith("author") else "")
    text += f"{key} = {WRONG[kind]}\n"  # [sites.personal] is the last table: this is in it
    found = messages(tmp_path, text)
    assert any(f"{table}.{key}" in m and EXPECTED[kind] in m for m in found), found
