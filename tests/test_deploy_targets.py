"""The pure parts of deploying: target URLs → publishers, overlapping targets, content
types, and whose site a sitemap belongs to."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitblog.config import load_config
from splitblog.content_types import content_type
from splitblog.deploy.base import local_files
from splitblog.deploy.identity import check_build, owner
from splitblog.deploy.targets import Target, parse_target

from .conftest import Project


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("file:///srv/www/site", Target("file", "file:///srv/www/site", "/srv/www/site")),
        ("file:///srv/my%20site/", Target("file", "file:///srv/my%20site/", "/srv/my site")),
        (
            "git+file:///repos/site.git#main",
            Target("git", "git+file:///repos/site.git#main", "file:///repos/site.git", "main"),
        ),
        (
            "git+ssh://git@example.com/me/site.git",
            Target(
                "git",
                "git+ssh://git@example.com/me/site.git",
                "ssh://git@example.com/me/site.git",
                "gh-pages",
            ),
        ),
        (
            "git@github.com:me/me.github.io#gh-pages",
            Target(
                "git",
                "git@github.com:me/me.github.io#gh-pages",
                "git@github.com:me/me.github.io",
                "gh-pages",
            ),
        ),
        (
            "deploy@host.example:site.git",
            Target(
                "git", "deploy@host.example:site.git", "deploy@host.example:site.git", "gh-pages"
            ),
        ),
        ("s3://bucket", Target("s3", "s3://bucket", "bucket", "")),
        ("s3://bucket/a/b/", Target("s3", "s3://bucket/a/b/", "bucket", "a/b/")),
        (
            "rsync://host/module/path",
            Target("rsync", "rsync://host/module/path", "rsync://host/module/path/"),
        ),
        (
            "www@host.example:/srv/www",
            Target("rsync", "www@host.example:/srv/www", "www@host.example:/srv/www/"),
        ),
    ],
)
def test_targets_by_scheme(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ftp://host/x", "unknown kind of target"),
        ("/srv/www", "unknown kind of target"),
        ("file://server/share", "a folder on this machine"),
        ("s3:///prefix", "needs a bucket"),
        ("rsync://host", "needs a host and a module"),
        ("git+file:///r.git#-delete", "not a valid branch name"),
        ("git+file:///r.git#a..b", "not a valid branch name"),
        ("git+ftp://host/r.git", "unknown git transport"),
        ("--rsh=evil host:/x", "cannot start with '-'"),
    ],
)
def test_bad_targets(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_target(text)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("s3://b/pro", "s3://b/home", False),
        ("s3://b/pro", "s3://b/professional", False),  # "pro/" is not a prefix of "professional/"
        ("s3://b", "s3://b/home", True),
        ("s3://b/x", "s3://c/x", False),
        ("file:///srv/www", "file:///srv/www/home", True),
        ("file:///srv/www", "file:///srv/www2", False),
        ("git+file:///r.git", "git+file:///r.git#gh-pages", True),
        ("git+file:///r.git#a", "git+file:///r.git#b", False),
        ("rsync://h/m/a", "rsync://h/m/a/b", True),
        ("rsync://h/m/a", "rsync://h/m/ab", False),
        ("file:///srv/www", "s3://srv/www", False),
    ],
)
def test_overlapping_targets(a: str, b: str, overlap: bool) -> None:
    assert parse_target(a).overlaps(parse_target(b)) is overlap
    assert parse_target(b).overlaps(parse_target(a)) is overlap


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("css/site.css", "text/css; charset=utf-8"),
        ("js/app.js", "text/javascript; charset=utf-8"),
        ("atom.xml", "application/xml; charset=utf-8"),
        ("feed.json", "application/json; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("photo.JPG", "image/jpeg"),
        ("fonts/a.woff2", "font/woff2"),
        ("CNAME", "application/octet-stream"),
    ],
)
def test_content_types(path: str, kind: str) -> None:
    assert content_type(path) == kind


def test_the_longest_base_url_owns_a_page(project: Project) -> None:
    project.config(
        text="""\
        [sites.professional]
        title = "Pro"
        base_url = "https://me.github.io/"
        theme = "professional"
        [sites.personal]
        title = "Home"
        base_url = "https://me.github.io/home/"
        theme = "personal"
        """
    )
    config = load_config(project.root / "splitblog.toml")
    assert owner(config, "https://me.github.io/posts/x/") == "professional"
    assert owner(config, "https://me.github.io/home/posts/x/") == "personal"
    assert owner(config, "https://elsewhere.example/") is None


def test_check_build_reads_sitemap_robots_and_cname(project: Project, tmp_path: Path) -> None:
    project.post("2026-01-01-a", "all", title="A")
    project.build()
    config = load_config(project.root / "splitblog.toml")
    pro, home = config.site("professional"), config.site("personal")
    assert check_build(config, pro, local_files(project.out("professional")), "p/") == []
    wrong = check_build(config, pro, local_files(project.out("personal")), "h/")
    assert [p.message for p in wrong] == [
        "h/ is not the professional site's output: its sitemap.xml lists pages of "
        "the personal site (https://home.example.net/)",
        "h/ is not the professional site's output: its robots.txt points at "
        "https://home.example.net/sitemap.xml",
    ]
    (project.out("personal") / "CNAME").write_text("pro.example.com\n")
    assert "its CNAME is pro.example.com" in str(
        check_build(config, home, local_files(project.out("personal")), "h/")[-1]
    )
    (project.out("personal") / "sitemap.xml").unlink()
    assert "it has no sitemap.xml" in str(
        check_build(config, home, local_files(project.out("personal")), "h/")[0]
    )


# -- targets compared by what they resolve to (issue 16) -----------------------------------
@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("rsync://127.0.0.1:8730/m/site", "rsync://localhost:8730/m/site", True),
        ("rsync://127.0.0.1:8730/m/site", "rsync://LocalHost:8730/m/site/", True),
        ("rsync://127.0.0.1/m/site", "rsync://127.0.0.1:873/m/site", True),  # the default port
        ("rsync://127.0.0.1:8730/m/./site", "rsync://127.0.0.1:8730/m/site", True),
        ("rsync://127.0.0.1:8730/m/a/../site", "rsync://127.0.0.1:8730/m/site/x", True),
        ("rsync://127.0.0.1:8730/m/site", "rsync://127.0.0.1:8731/m/site", False),
        ("rsync://127.0.0.1:8730/m/site", "rsync://127.0.0.1:8730/m/site2", False),
        ("www@localhost:/srv/www/", "web@127.0.0.1:/srv/www/home", True),
        ("www@localhost:/srv/www", "file:///srv/www", True),  # over ssh to this machine
        ("s3://b/a/", "s3://b/a", True),
        ("s3://b/a", "s3://b//a//", True),
        ("s3://B/a", "s3://b/a/x", True),
        ("s3://b/a%2Fb", "s3://b/a/b", True),
        ("s3://b/a", "s3://b/ab", False),
        ("git+file:///r.git#x", "git+file:///r.git/#x", True),
        ("git+file:///r.git#x", "git+file:///./r.git#x", True),
        ("git@example.com:me/site.git", "git+ssh://git@example.com/me/site#gh-pages", True),
        ("git@example.com:me/site.git#a", "git+ssh://git@example.com/me/site#b", False),
        ("git+file:///srv/r.git#x", "file:///srv", True),  # a folder deploy over the repository
    ],
)
def test_targets_are_compared_by_what_they_resolve_to(a: str, b: str, overlap: bool) -> None:
    assert parse_target(a).overlaps(parse_target(b)) is overlap
    assert parse_target(b).overlaps(parse_target(a)) is overlap


def test_a_folder_through_a_symbolic_link_is_the_folder(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "www")
    real = parse_target((tmp_path / "www" / "site").as_uri())
    linked = parse_target(f"file://{tmp_path}/link/site")
    assert real.overlaps(linked) and linked.overlaps(real)
    dotted = parse_target(f"file://{tmp_path}/link/./site/../site/")
    assert dotted.overlaps(real)


def test_s3_targets_on_two_stores_are_two_places() -> None:
    from splitblog.deploy.targets import s3_place

    assert s3_place("b", "a/", "http://127.0.0.1:9000") == s3_place(
        "b", "a/", "http://localhost:9000/"
    )
    assert s3_place("b", "a/", "http://127.0.0.1:9000") != s3_place(
        "b", "a/", "http://127.0.0.1:9001"
    )
