"""Addresses that keep working: permalinks, aliases (redirect pages and `_redirects`),
the files of static/ and static/<site>/, and root-relative addresses that lead nowhere."""

from __future__ import annotations

import pytest

from .conftest import BASE_CONFIG, Project
from .support.adversarial_files import holds, jpeg, pdf

BLOGGER_STYLE = '\n[sites.personal.permalinks]\nposts = "/{year}/{month}/{slug}.html"\n'


# -- permalinks ------------------------------------------------------------------------------
def test_permalinks_with_tokens_and_html_endings(project: Project) -> None:
    project.config(
        BASE_CONFIG,
        BLOGGER_STYLE + 'pages = "/p/{path}{slug}.html"\n'
        '[sites.professional.permalinks]\nposts = "/{year}/{month}/{day}/{slug}/"\n',
    )
    project.post("2009-03-05-old-title", audience="all", date="2009-03-05T10:00:00")
    project.write("content/posts/2009-03-07-trip/index.md",
                  "---\ntitle: Trip\ndate: 2009-03-07\naudience: personal\n---\n![Beach](beach.jpg)\n")  # fmt: skip
    project.write_bytes("content/posts/2009-03-07-trip/beach.jpg", jpeg("TRIPCANARY"))
    project.page("work/cv", audience="all")
    project.build()
    assert "Old Title" in project.read("personal", "2009/03/old-title.html")
    assert "Old Title" in project.read("professional", "2009/03/05/old-title/index.html")
    assert project.exists("personal", "p/work/cv.html")
    assert project.exists("professional", "work/cv/index.html")  # the default for pages
    # A post at a `.html` address keeps its files in a folder of its own name.
    assert not holds(project.files("personal")["2009/03/trip/beach.jpg"], "TRIPCANARY")
    # The page shows the photo at web size, beside it in that folder.
    assert 'src="/2009/03/trip/beach.jpg.32w.jpg"' in project.read("personal", "2009/03/trip.html")
    assert 'href="/2009/03/old-title.html"' in project.read("personal", "index.html")
    sitemap = project.read("personal", "sitemap.xml")
    assert "https://home.example.net/2009/03/old-title.html" in sitemap


def test_two_posts_at_one_permalink_are_an_error_naming_both(project: Project) -> None:
    project.config(BASE_CONFIG, BLOGGER_STYLE)
    project.post("2009-03-05-same", audience="personal")
    project.post("2009-03-20-same", audience="personal")
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "content/posts/2009-03-20-same.md and content/posts/2009-03-05-same.md both write the same "
        "output path on personal: /2009/03/same.html"
    ) in result.stderr or (
        "content/posts/2009-03-05-same.md and content/posts/2009-03-20-same.md both write the same "
        "output path on personal: /2009/03/same.html"
    ) in result.stderr


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('posts = "/{year}/{title}/"', "unknown token {title} in '/{year}/{title}/' — use {year}, {month}, {day}, {slug}"),
        ('posts = "/{year}/"', "'/{year}/' has no {slug}: every post would get one address"),
        ('posts = "{slug}/"', "'{slug}/' must start with /"),
        ('posts = "/{slug}.php"', "'/{slug}.php' must end with / or .html"),
        ('posts = "/../{slug}/"', "'/../{slug}/' is not a plain path"),
        ('posts = "/{path}{slug}/"', "unknown token {path}"),
        ('feeds = "/x/"', "sites.personal.permalinks.feeds: unknown key"),
    ],
)  # fmt: skip
def test_bad_permalinks_name_their_key(project: Project, pattern: str, expected: str) -> None:
    project.config(BASE_CONFIG, f"\n[sites.personal.permalinks]\n{pattern}\n")
    project.post("a", audience="personal")
    result = project.run("build")
    assert result.exit_code == 1
    assert "splitblog.toml: sites.personal.permalinks" in result.stderr
    assert expected in result.stderr, result.stderr


def test_a_slug_cannot_climb_out_of_the_site(project: Project) -> None:
    project.config(BASE_CONFIG, BLOGGER_STYLE)
    project.post("a", audience="personal", slug="../../etc")
    result = project.run("build")
    assert result.exit_code == 1 and "slug '../../etc' may only use" in result.stderr


# -- aliases -----------------------------------------------------------------------------------
def test_aliases_are_redirect_pages_on_the_sites_of_the_post_only(project: Project) -> None:
    project.post("moved", audience="personal",
                 aliases=["/2009/10/old-title.html", "/old/folder/", "/no-slash"])  # fmt: skip
    project.post("work", audience="professional", aliases=["/2010/work.html"])
    project.build()
    page = project.read("personal", "2009/10/old-title.html")
    url = "https://home.example.net/posts/moved/"
    assert '<meta name="robots" content="noindex">' in page
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in page
    assert f'<link rel="canonical" href="{url}">' in page and f'<a href="{url}">Moved</a>' in page
    assert project.exists("personal", "old/folder/index.html")
    assert project.exists("personal", "no-slash/index.html")
    assert not project.exists("professional", "2009/10/old-title.html")
    assert not project.exists("personal", "2010/work.html")
    project.assert_absent("professional", "old-title", "Moved")
    assert project.exists("professional", "2010/work.html")


def test_an_alias_of_a_post_no_site_publishes_is_nowhere(project: Project) -> None:
    project.post("later", audience="personal", draft=True, aliases=["/old-draft.html"])
    project.build()
    assert not project.exists("personal", "old-draft.html")


def test_an_alias_that_collides_with_a_page_names_both(project: Project) -> None:
    project.post("first", audience="personal")
    project.post("second", audience="personal", aliases=["/posts/first/"])
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "the alias '/posts/first/' of content/posts/second.md and content/posts/first.md both "
        "write the same output path on personal: /posts/first/index.html"
    ) in result.stderr or (
        "content/posts/first.md and the alias '/posts/first/' of content/posts/second.md both "
        "write the same output path on personal: /posts/first/index.html"
    ) in result.stderr
    assert "remove the alias, or give the other page another slug" in result.stderr


def test_an_alias_that_collides_with_a_static_file_or_a_generated_page(project: Project) -> None:
    project.post("a", audience="personal", aliases=["/tags/"])
    project.post("b", audience="personal", aliases=["/keybase.html"])
    project.write("static/keybase.html", "<p>proof</p>\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert "the alias '/tags/' of content/posts/a.md and the tag index both write" in result.stderr
    assert (
        "static/keybase.html and the alias '/keybase.html' of content/posts/b.md" in result.stderr
        or (
            "the alias '/keybase.html' of content/posts/b.md and static/keybase.html"
            in result.stderr
        )
    )


def test_an_alias_equal_to_the_posts_own_address_is_ignored(project: Project) -> None:
    project.config(BASE_CONFIG, BLOGGER_STYLE)
    project.post("2009-10-05-same", audience="personal", aliases=["/2009/10/same.html"])
    project.build()
    assert "http-equiv" not in project.read("personal", "2009/10/same.html")


def test_a_per_site_alias_override_adds_to_the_posts_own(project: Project) -> None:
    project.post(
        "shared", audience="all", aliases=["/both.html"], personal={"aliases": ["/home-only.html"]}
    )
    project.build()
    assert project.exists("personal", "both.html") and project.exists("personal", "home-only.html")
    assert project.exists("professional", "both.html")
    assert not project.exists("professional", "home-only.html")
    project.assert_absent("professional", "home-only")


def test_query_and_non_page_aliases_go_to_redirects_only(project: Project) -> None:
    project.config(
        BASE_CONFIG,
        '\n[sites.personal.deploy]\ntarget = "file:///tmp/nowhere"\nhost = "netlify"\n'
        '[sites.professional.deploy]\ntarget = "file:///tmp/nowhere2"\nhost = "cloudflare-pages"\n',
    )
    project.post("x", audience="all", aliases=["/?p=123", "/feed.php", "/old.html"])
    result = project.build()
    home = project.read("personal", "_redirects")
    assert home.startswith(
        "/ p=123 /posts/x/ 301\n/feed.php /posts/x/ 301\n/old.html /posts/x/ 301\n"
    )
    pro = project.read("professional", "_redirects")
    assert "p=123" not in pro and "/feed.php /posts/x/ 301\n" in pro
    assert not any("?" in name or name.endswith(".php") for name in project.files("personal"))
    assert project.exists("personal", "old.html")  # a page too: other hosts serve it
    notes = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert notes == [
        "warning: sites.professional.deploy.host: 1 alias of the professional site cannot be "
        "served by a page (/?p=123): only a host's redirect file can — "
        'set host = "netlify" to serve them from its _redirects file'
    ]


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        (["old.html"], "aliases: 'old.html' is not an address on the site"),
        (["https://old.example.org/x.html"], "is not an address on the site"),
        (["//old.example.org/x.html"], "is not an address on the site"),
        (["/a b.html"], "holds characters an address cannot"),
        ([5], "aliases must be a list of addresses"),
    ],
)
def test_bad_aliases_name_file_and_line(project: Project, aliases: list, expected: str) -> None:
    project.post("x", audience="personal", aliases=aliases)
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/x.md:5: " in result.stderr and expected in result.stderr


def test_alias_pages_are_audited(project: Project) -> None:
    """A redirect page is a page of the site: the audit reads it like every other."""
    project.config(
        BASE_CONFIG.replace(
            'theme = "professional"\n', 'theme = "professional"\nforbid = ["Zanzibar"]\n', 1
        )
    )
    project.post("trip", audience="professional", title="Trip", aliases=["/old.html"],
                 professional={"title": "Trip to Zanzibar"})  # fmt: skip
    result = project.run("build")
    assert result.exit_code == 1
    assert "old.html" in result.stderr and "Zanzibar" in result.stderr


# -- static/ -----------------------------------------------------------------------------------
def test_static_files_go_to_every_site_or_their_own(project: Project) -> None:
    project.write("static/keybase.txt", "proof\n")
    project.write("static/.well-known/security.txt", "Contact: mailto:x@example.org\n")
    project.write_bytes("static/cv.pdf", pdf("CVCANARY"))
    project.write_bytes("static/personal/me.jpg", jpeg("MECANARY"))
    project.write("static/professional/talks/index.html", "<p>Talks</p>\n")
    project.write("static/.DS_Store", "junk")
    project.post("a", audience="all")
    project.build()
    for site in ("personal", "professional"):
        assert project.read(site, "keybase.txt") == "proof\n"
        assert project.exists(site, ".well-known/security.txt")
        assert not holds(project.files(site)["cv.pdf"], "CVCANARY")
        assert not project.exists(site, ".DS_Store")
    assert not holds(project.files("personal")["me.jpg"], "MECANARY")
    assert not project.exists("professional", "me.jpg")
    assert project.exists("professional", "talks/index.html")
    assert not project.exists("personal", "talks/index.html")
    assert not project.exists("personal", "personal/me.jpg")
    # A change in static/ is a change: the next build is not a no-op.
    project.write("static/keybase.txt", "proof 2\n")
    project.build()
    assert project.read("professional", "keybase.txt") == "proof 2\n"


def test_static_files_are_cleaned_or_refused_and_audited(project: Project) -> None:
    project.write_bytes("static/archive.zip", b"PK\x03\x04" + b"\0" * 40)
    project.post("a", audience="all")
    result = project.run("build")
    assert result.exit_code == 1
    assert "static/archive.zip: not published" in result.stderr
    project.config(
        BASE_CONFIG.replace('theme = "personal"\n', 'theme = "personal"\nforbid = ["Pat Pro"]\n')
    )
    (project.root / "static" / "archive.zip").unlink()
    project.write("static/notes.txt", "Written by Pat Pro.\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr and "Pat Pro" in result.stderr


def test_a_static_file_and_a_sites_file_at_one_path_collide(project: Project) -> None:
    project.write("static/cv.txt", "one\n")
    project.write("static/personal/cv.txt", "two\n")
    project.post("a", audience="all")
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "static/personal/cv.txt and static/cv.txt both write the same output path on personal"
        in result.stderr
        or ("static/cv.txt and static/personal/cv.txt both write" in result.stderr)
    )


# -- root-relative addresses -----------------------------------------------------------------------
def test_root_relative_addresses_that_lead_nowhere_are_errors(project: Project) -> None:
    project.post("a", audience="personal",
                 body="![old](/assets/images/x.jpg)\n\n[old post](/2010/02/05/old.html)\n\n<a href='/gone/'>x</a>\n")  # fmt: skip
    result = project.run("build")
    assert result.exit_code == 1
    for line, address in ((7, "/assets/images/x.jpg"), (9, "/2010/02/05/old.html"), (11, "/gone/")):
        assert (
            f"content/posts/a.md:{line}: '{address}' is nothing on this site — make it the alias "
            "of a post, put the file in static/, or list it under [sites.personal.links] "
            "external_paths"
        ) in result.stderr


def test_root_relative_addresses_that_lead_somewhere(project: Project) -> None:
    project.config(
        BASE_CONFIG, '\n[sites.personal.links]\nexternal_paths = ["/cgi-bin/", "/old.png"]\n'
    )
    project.write("static/assets/x.jpg.txt", "x\n")
    project.post("b", audience="personal", aliases=["/2010/02/05/old.html"], tags=["Go"])
    project.page("about", audience="personal")
    project.post(
        "a",
        audience="personal",
        body="[1](/2010/02/05/old.html) [2](/assets/x.jpg.txt) [3](/cgi-bin/run?x=1) "
        "![4](/old.png) [5](/posts/b/) [6](/tags/go/) [7](/) [8](/about) [9](/atom.xml) "
        "[10](/posts/b) [11](/archive/)\n",
    )
    project.build()
    page = project.read("personal", "posts/a/index.html")
    assert 'href="/cgi-bin/run?x=1"' in page and 'src="/old.png"' in page


def test_external_paths_must_be_root_relative(project: Project) -> None:
    project.config(BASE_CONFIG, '\n[sites.personal.links]\nexternal_paths = ["cgi-bin/"]\n')
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "sites.personal.links.external_paths: 'cgi-bin/' is not a root-relative path"
        in result.stderr
    )


@pytest.mark.parametrize("alias", ["/a/%2e%2e/%2e%2e/etc.html", "/a/%2E%2E/x/", "/%00.html"])
def test_an_alias_cannot_climb_out_of_the_site(project: Project, alias: str) -> None:
    project.post("x", audience="personal", aliases=[alias])
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        f"would leave the personal site's folder (the alias '{alias}' of content/posts/x.md)"
        in result.stderr
    )
    assert not project.exists("personal", "")


@pytest.mark.parametrize(
    "written",
    ["![x](\\assets\\x.jpg)", '<img src=" /assets/x.jpg">', "<IMG SRC=/assets/x.jpg>",
     "[x](/assets/x.jpg#part)", "[x]: /assets/x.jpg\n\n[see][x]", "<a href='/assets/x.jpg?v=2'>x</a>"],
)  # fmt: skip
def test_a_root_relative_address_leading_nowhere_however_written(
    project: Project, written: str
) -> None:
    project.post("a", audience="personal", body=written + "\n")
    result = project.run("build")
    assert result.exit_code == 1, result.output
    # Refused either as leading nowhere or (read as relative by the image rule) as an
    # image missing beside the post: never published pointing nowhere.
    assert (
        "is nothing on this site" in result.stderr or "not found next to this post" in result.stderr
    )


def test_a_link_in_static_pointing_outside_the_project_is_refused(
    project: Project, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    (project.root / "static").mkdir()
    (project.root / "static" / "s.txt").symlink_to(secret)
    project.post("a", audience="personal")
    result = project.run("build")
    assert result.exit_code == 1
    assert "static/s.txt: symbolic link points outside the project" in result.stderr


def test_alias_collisions_by_letter_case(project: Project) -> None:
    project.post("a", audience="personal", aliases=["/Old/Page.html"])
    project.post("b", audience="personal", aliases=["/old/page.html"])
    result = project.run("build")
    assert result.exit_code == 1 and "nearly the same (letter case only)" in result.stderr


def test_a_static_file_at_a_theme_files_path_names_both(project: Project) -> None:
    from splitblog.theming import static_files

    theme_file = sorted(static_files(project.root, "personal"))[0]
    project.write(f"static/{theme_file}", "/* mine */\n")
    project.post("a", audience="personal")
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        f"static/{theme_file} and " in result.stderr
        or f"and static/{theme_file} both write" in result.stderr
    )
