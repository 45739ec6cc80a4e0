"""Issue 7: every bad input is a clear error — file, line or key, exit 1, no traceback,
public/ byte for byte as it was — and every odd but valid input builds.

Each table row is one case of the issue. A project is built once with good content;
then the case's files are written and `splitblog build` runs again through the CLI.
"""

from __future__ import annotations

import os
import re
import xml.dom.minidom
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from .conftest import BASE_CONFIG, Project

FM = "---\ntitle: {title}\ndate: 2026-01-10\naudience: all\n---\n"
GOOD = FM.format(title="Good") + "Body.\n"


@pytest.fixture
def built(project: Project) -> Project:
    """A project with one post on both sites, built: the output every failure must keep."""
    project.write("content/posts/2026-01-05-kept.md", FM.format(title="Kept post") + "Kept.\n")
    project.build()
    return project


def fails(project: Project, *expected: str) -> str:
    """Build; it must fail with exit 1, each `expected` text in its errors, no traceback,
    every line of its errors naming where, and public/ exactly as before."""
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    problems = result.stderr.strip().splitlines()[:-1]  # the last line is the count
    assert problems, result.stderr
    for line in problems:
        assert re.match(r"^(content/|themes/|splitblog\.toml: |/)", line), line
    assert result.stderr.strip().splitlines()[-1].endswith("nothing was written.")
    assert project.snapshot() == before, "public/ changed"
    return result.stderr


# -- content: each case a file (or files) and what the error must say ----------------------
Files = dict[str, bytes | str]
CONTENT_ERRORS: list[tuple[str, Files, tuple[str, ...]]] = [
    (
        "malformed YAML, with its line",
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\ntags: [x, y\naudience: all\n---\n"
        },
        ("content/posts/a.md:5: front matter is not valid YAML",),
    ),
    (
        "malformed TOML, with its line",
        {"content/posts/a.md": '+++\ntitle = "T"\ndate = 2026-01-01\naudience = \n+++\n'},
        ("content/posts/a.md:4: front matter is not valid TOML",),
    ),
    (
        "unterminated YAML front matter",
        {"content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\nBody\n"},
        ("content/posts/a.md:1: front matter opened with --- is never closed",),
    ),
    (
        "unterminated TOML front matter",
        {"content/posts/a.md": '+++\ntitle = "T"\n'},
        ("content/posts/a.md:1: front matter opened with +++ is never closed",),
    ),
    ("an empty file", {"content/posts/a.md": ""}, ("content/posts/a.md:1: no front matter",)),
    (
        "a tab in YAML indentation",
        {"content/posts/a.md": "---\ntitle: T\n\tdate: 2026-01-01\naudience: all\n---\n"},
        ("content/posts/a.md:3: front matter is not valid YAML: found a tab character",),
    ),
    (
        "a key written twice",
        {"content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\ntitle: U\naudience: all\n---\n"},
        ("content/posts/a.md:4: front matter is not valid YAML: key 'title' is written twice",),
    ),
    (
        "non-UTF-8 bytes (an error, not a guess)",
        {"content/posts/a.md": b"---\ntitle: T\ndate: 2026-01-01\naudience: all\n---\ncaf\xe9\n"},
        ("content/posts/a.md:6: not UTF-8 text (byte 0xe9) — save the file as UTF-8",),
    ),
    (
        "UTF-16 is not UTF-8 either",
        {"content/posts/a.md": GOOD.encode("utf-16")},
        ("content/posts/a.md:1: not UTF-8 text (byte 0xff)",),
    ),
    (
        "a title that is a number",
        {"content/posts/a.md": "---\ntitle: 2026\ndate: 2026-01-01\naudience: all\n---\n"},
        ('content/posts/a.md:2: title must be text, not a number — quote it: title: "2026"',),
    ),
    (
        "a title that is a list",
        {"content/posts/a.md": "---\ntitle: [a, b]\ndate: 2026-01-01\naudience: all\n---\n"},
        ("content/posts/a.md:2: title must be text, not a list",),
    ),
    (
        "a title that is null",
        {"content/posts/a.md": "---\ntitle: null\ndate: 2026-01-01\naudience: all\n---\n"},
        ("content/posts/a.md:2: title is missing",),
    ),
    (
        "a title that is true",
        {"content/posts/a.md": "---\ntitle: yes\ndate: 2026-01-01\naudience: all\n---\n"},
        ("content/posts/a.md:2: title must be text, not a true/false value",),
    ),
    (
        "a date that is a word",
        {"content/posts/a.md": "---\ntitle: T\ndate: yesterday\naudience: all\n---\n"},
        ("content/posts/a.md:3: date 'yesterday' is not a date",),
    ),
    (
        "an impossible date",
        {"content/posts/a.md": "---\ntitle: T\ndate: 2026-02-30\naudience: all\n---\n"},
        ("content/posts/a.md:3: date '2026-02-30' is not a date",),
    ),
    (
        "an impossible date in TOML",
        {"content/posts/a.md": '+++\ntitle = "T"\ndate = 2026-02-30\naudience = "all"\n+++\n'},
        ("content/posts/a.md:3: front matter is not valid TOML: Invalid date",),
    ),
    (
        "an impossible time",
        {"content/posts/a.md": "---\ntitle: T\ndate: '2026-01-01T25:00'\naudience: all\n---\n"},
        ("content/posts/a.md:3: date '2026-01-01T25:00' is not a date",),
    ),
    (
        "a time of day without a date",
        {"content/posts/a.md": '+++\ntitle = "T"\ndate = 10:00:00\naudience = "all"\n+++\n'},
        ("content/posts/a.md:3: date 10:00:00 (a time of day) is not a date",),
    ),
    (
        'draft: "no" (a string, not false)',
        {
            "content/posts/a.md": '---\ntitle: T\ndate: 2026-01-01\naudience: all\ndraft: "no"\n---\n'
        },
        ("content/posts/a.md:5: draft must be true or false, not 'no'",),
    ),
    (
        "tags that are a mapping",
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\ntags: {a: 1}\n---\n"
        },
        ("content/posts/a.md:5: tags must be a list of words",),
    ),
    (
        "a slug with ../",
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\nslug: ../up\n---\n"
        },
        ("content/posts/a.md:5: slug '../up' may only use letters",),
    ),
    (
        "an absolute slug",
        {"content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\nslug: /etc\n---\n"},
        ("content/posts/a.md:5: slug '/etc' may only use letters",),
    ),
    (
        "a slug with NUL",
        {
            "content/posts/a.md": '---\ntitle: T\ndate: 2026-01-01\naudience: all\nslug: "a\\0b"\n---\n'
        },
        ("content/posts/a.md:5: slug holds the control character U+0000",),
    ),
    (
        "a slug over 255 bytes",
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\nslug: "
            + "é" * 130
            + "\n---\n"
        },
        ("content/posts/a.md:5: slug is longer than 200 bytes",),
    ),
    (
        "a per-site slug with ../",
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-01-01\naudience: all\n"
            "personal: {slug: ../../x}\n---\n"
        },
        ("content/posts/a.md:5: personal.slug '../../x' may only use",),
    ),
    (
        "names that differ only by case",
        {"content/posts/Hello.md": GOOD, "content/posts/hello.md": GOOD},
        ("content/posts/Hello.md", "content/posts/hello.md", "both write the same output path"),
    ),
    (
        "hand-written slugs that differ only by case",
        {
            "content/posts/a.md": FM.replace("audience", "slug: Trip\naudience").format(title="A"),
            "content/posts/b.md": FM.replace("audience", "slug: trip\naudience").format(title="B"),
        },
        ("nearly the same (letter case only)", "/posts/Trip/index.html vs /posts/trip/index.html"),
    ),
    (
        "file names that are one name in two Unicode forms",
        {"content/posts/\u00e9t\u00e9.md": GOOD, "content/posts/e\u0301te\u0301.md": GOOD},
        ("both write the same output path", "/posts/ete/index.html"),
    ),
    (
        "a control character in the body (it broke the Markdown stage)",
        {"content/posts/a.md": GOOD + "a \x02L0\x03 b\n"},
        ("content/posts/a.md:7: control character U+0002 at column 3",),
    ),
    (
        "a form feed in the body (feeds would not be XML)",
        {"content/posts/a.md": GOOD + "page\x0cbreak\n"},
        ("content/posts/a.md:7: control character U+000C at column 5",),
    ),
    (
        "a control character escaped in a quoted title",
        {"content/posts/a.md": '---\ntitle: "bell\\a"\ndate: 2026-01-01\naudience: all\n---\n'},
        ("content/posts/a.md:2: title holds the control character U+0007",),
    ),
    (
        "an only-block never closed, with CRLF line ends",
        {"content/posts/a.md": GOOD.replace("\n", "\r\n") + "::: only personal\r\nsecret\r\n"},
        ("content/posts/a.md:7: `::: only` block is never closed",),
    ),
    (
        "an only-block naming no known site, with lone CR line ends",
        {"content/posts/a.md": GOOD.replace("\n", "\r") + "::: only family\rx\r:::\r"},
        ("content/posts/a.md:7: `::: only` names unknown site 'family'",),
    ),
    (
        "a link to a missing post on line 10,007 of a 10,000-line post",
        {
            "content/posts/a.md": GOOD
            + "".join(f"line {i}\n" for i in range(10_000))
            + "[x](nope.md)\n"
        },
        ("content/posts/a.md:10007: link to 'nope.md': no such file in content/",),
    ),
    (
        "every problem of several files in one run",
        {
            "content/posts/a.md": "---\ntitle: 5\ndate: soon\naudience: all\n---\n",
            "content/pages/b.md": "---\ntitle: B\naudience: friends\n---\n",
        },
        (
            "content/posts/a.md:2: title must be text",
            "content/posts/a.md:3: date 'soon' is not a date",
            "content/pages/b.md:3: unknown audience 'friends'",
        ),
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in CONTENT_ERRORS], ids=[c[0] for c in CONTENT_ERRORS]
)
def test_content_errors(built: Project, files: Files, expected: tuple[str, ...]) -> None:
    for rel, data in files.items():
        built.write_bytes(rel, data if isinstance(data, bytes) else data.encode())
    fails(built, *expected)


# -- symbolic links: one pointing outside the project is an error, never followed -----------
def link(project: Project, rel: str, target: Path | str) -> None:
    path = project.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def replace_with_link(project: Project, rel: str, target: Path) -> None:
    (project.root / rel).rename(project.root / "moved-away")
    link(project, rel, target)


SECRET = "---\ntitle: Secret diary\ndate: 2026-01-01\naudience: all\n---\nSECRET-WORDS\n"
SYMLINKS: list[tuple[str, Callable[[Project, Path], None], str]] = [
    (
        "a post linked from outside",
        lambda p, out: link(p, "content/posts/evil.md", out / "secret.md"),
        "content/posts/evil.md: symbolic link points outside the project",
    ),
    (
        "a folder linked from outside",
        lambda p, out: link(p, "content/posts/evil", out),
        "content/posts/evil: symbolic link points outside the project",
    ),
    (
        "the posts section linked from outside",
        lambda p, out: replace_with_link(p, "content/posts", out),
        "content/posts: symbolic link points outside the project",
    ),
    (
        "a bundle file linked from outside",
        lambda p, out: (
            p.write("content/posts/trip/index.md", GOOD + "![x](photo.png)\n")
            and link(p, "content/posts/trip/photo.png", out / "secret.md")
        ),
        "content/posts/trip/photo.png: symbolic link points outside the project",
    ),
    (
        "a link in a loop",
        lambda p, out: link(p, "content/posts/loop.md", "loop.md"),
        "content/posts/loop.md: symbolic link loops back on itself",
    ),
    (
        "a link to nothing",
        lambda p, out: link(p, "content/posts/gone.md", "gone-for-good.md"),
        "content/posts/gone.md: cannot read: No such file or directory",
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"), [c[1:] for c in SYMLINKS], ids=[c[0] for c in SYMLINKS]
)
def test_symbolic_links_out_are_errors_never_published(
    built: Project, tmp_path: Path, make: Callable[[Project, Path], None], expected: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET)
    make(built, outside)
    fails(built, expected)
    assert not built.contains_anywhere("personal", "SECRET-WORDS")


def test_a_symbolic_link_inside_the_project_is_followed(built: Project) -> None:
    built.write("notes/shared.md", FM.format(title="Shared note") + "Shared.\n")
    link(built, "content/posts/shared.md", built.root / "notes/shared.md")
    built.build()
    assert "Shared note" in built.read("personal", "posts/shared/index.html")


# -- configuration ----------------------------------------------------------------------------
CONFIG_ERRORS: list[tuple[str, str, tuple[str, ...]]] = [
    ("not TOML", "this: is yaml\n", ("splitblog.toml: not valid TOML",)),
    (
        "a wrong type",
        BASE_CONFIG.replace('title = "Pro Site"', "title = 5"),
        ("splitblog.toml: sites.professional.title: must be a string, not an integer",),
    ),
    (
        "zero posts_per_page",
        BASE_CONFIG + "posts_per_page = 0\n",
        ("splitblog.toml: sites.personal.posts_per_page: must be at least 1, not 0",),
    ),
    (
        "negative posts_per_page",
        BASE_CONFIG + "posts_per_page = -5\n",
        ("splitblog.toml: sites.personal.posts_per_page: must be at least 1, not -5",),
    ),
    (
        "a base_url without a scheme",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"pro.example.com"'),
        ("splitblog.toml: sites.professional.base_url: 'pro.example.com' is not an http(s) URL",),
    ),
    (
        "a base_url with a query",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"https://pro.example.com/?ref=1"'),
        ("sites.professional.base_url: 'https://pro.example.com/?ref=1' has a query or fragment",),
    ),
    (
        "a base_url with a password",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"https://me:pw@pro.example.com/"'),
        ("sites.professional.base_url: 'https://me:pw@pro.example.com/' holds a user name",),
    ),
    (
        "a base_url with a space",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"https://pro.example.com/my blog/"'),
        ("sites.professional.base_url: 'https://pro.example.com/my blog/' has characters",),
    ),
    (
        "a base_url with an impossible port",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"https://pro.example.com:99999/"'),
        ("sites.professional.base_url: 'https://pro.example.com:99999/' has an invalid port",),
    ),
    (
        "a base_url with a non-ASCII host",
        BASE_CONFIG.replace('"https://pro.example.com/"', '"https://bücher.example/"'),
        ("has a non-ASCII host name — write it as xn--bcher-kva.example",),
    ),
    (
        "two sites with the same base_url",
        BASE_CONFIG.replace('"https://home.example.net/"', '"https://pro.example.com/"'),
        ("splitblog.toml: sites.personal.base_url: same base_url as sites.professional",),
    ),
    (
        "two sites with the same base_url spelt differently",
        BASE_CONFIG.replace('"https://home.example.net/"', '"http://PRO.example.com:80"'),
        ("splitblog.toml: sites.personal.base_url: same base_url as sites.professional",),
    ),
    (
        "a site named like a reserved front-matter key",
        BASE_CONFIG.replace("[sites.personal]", "[sites.tags]"),
        ("splitblog.toml: sites.tags: 'tags' is reserved",),
    ),
    (
        "a site named like a reserved device name",
        BASE_CONFIG.replace("[sites.personal]", "[sites.nul]"),
        ("splitblog.toml: sites.nul: 'nul' is reserved (Windows cannot make a folder",),
    ),
    (
        "a site whose output folder would replace the content",
        'output = "."\n' + BASE_CONFIG.replace("[sites.personal]", "[sites.content]"),
        ("splitblog.toml: output: the content site's folder content/ would replace the content",),
    ),
    (
        "the output inside the content folder",
        'output = "content/site"\n' + BASE_CONFIG,
        ("splitblog.toml: output: 'content/site' is inside the content folder",),
    ),
    (
        "a content folder that does not exist",
        'content = "contnet"\n' + BASE_CONFIG,
        ("splitblog.toml: content: no folder 'contnet'",),
    ),
    (
        "a theme that does not exist",
        BASE_CONFIG.replace('theme = "personal"', 'theme = "nosuch"'),
        ("splitblog.toml: sites.personal.theme: no theme 'nosuch'",),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CONFIG_ERRORS], ids=[c[0] for c in CONFIG_ERRORS]
)
def test_configuration_errors(built: Project, text: str, expected: tuple[str, ...]) -> None:
    built.write("splitblog.toml", text)
    fails(built, *expected)
    assert (built.root / "content/posts/2026-01-05-kept.md").is_file()


def test_base_url_with_a_path_is_in_every_url(project: Project) -> None:
    """https://user.github.io/blog/: every page, feed, sitemap and robots.txt URL has
    /blog/ — and no root-relative URL of the site lacks it."""
    project.config(BASE_CONFIG.replace("https://pro.example.com/", "https://user.github.io/blog/"))
    project.post("2026-01-02-first", "professional", title="First", tags=["Go"])
    project.post(
        "2026-01-03-second",
        "professional",
        title="Second",
        body="See [first](../2026-01-02-first.md) and ![pic](pic.png).\n",
    )
    (project.root / "content/posts/2026-01-03-second.md").rename(
        project.root / "content/posts/2026-01-03-second.md.tmp"
    )
    bundle = project.root / "content/posts/2026-01-03-second"
    bundle.mkdir()
    (project.root / "content/posts/2026-01-03-second.md.tmp").rename(bundle / "index.md")
    Image.new("RGB", (4, 4), "red").save(bundle / "pic.png")
    project.page("about", "professional", title="About")
    project.build()
    files = project.files("professional")
    absolute = re.compile(rb"https?://[^\s\"'<>)]+")
    rooted = re.compile(rb"""(?:href|src|action|content)=["'](/[^"']*)""")
    checked = 0
    for rel, data in files.items():
        if not rel.endswith((".html", ".xml", ".json", ".txt")):
            continue
        for url in absolute.findall(data):
            if b"user.github.io" in url:
                assert url.startswith(b"https://user.github.io/blog/"), (rel, url)
                checked += 1
        for url in rooted.findall(data):
            assert url.startswith(b"/blog/"), (rel, url)
            checked += 1
    assert checked > 50
    robots = project.read("professional", "robots.txt")
    assert "Sitemap: https://user.github.io/blog/sitemap.xml" in robots
    sitemap = project.read("professional", "sitemap.xml")
    assert "<loc>https://user.github.io/blog/posts/first/</loc>" in sitemap
    page = project.read("professional", "posts/second/index.html")
    # the photo is shown at web size: its widths are under the path too
    assert 'href="/blog/posts/first/"' in page and 'src="/blog/posts/second/pic.png.' in page
    for feed in ("atom.xml", "rss.xml"):
        assert "https://user.github.io/blog/posts/second/pic.png" in project.read(
            "professional", feed
        )
    assert '"feed_url": "https://user.github.io/blog/feed.json"' in project.read(
        "professional", "feed.json"
    )


# -- templates ----------------------------------------------------------------------------------
TEMPLATE_ERRORS: list[tuple[str, dict[str, str | bytes], tuple[str, ...]]] = [
    (
        "a syntax error",
        {"post.html": "one\n{% if %}\n"},
        ("themes/professional/templates/post.html:2: template syntax error",),
    ),
    (
        "an undefined variable",
        {"post.html": "one\ntwo\n{{ no_such_name }}\n"},
        ("themes/professional/templates/post.html:3: template error: 'no_such_name' is undefined",),
    ),
    (
        "an undefined attribute, not a silent blank",
        {"post.html": "{{ post.subtitle }}\n"},
        ("themes/professional/templates/post.html:1: template error:", "no attribute 'subtitle'"),
    ),
    (
        "a missing included template, named with the line that includes it",
        {"post.html": "one\n{% include 'sidebar.html' %}\n"},
        ("themes/professional/templates/post.html:2: template 'sidebar.html' not found",),
    ),
    (
        "a template that extends itself",
        {"post.html": "{% extends 'post.html' %}\n"},
        ("themes/professional/templates/post.html:1: template error: it calls itself",),
    ),
    (
        "a division by zero",
        {"list.html": "one\n{{ 1 / 0 }}\n"},
        ("themes/professional/templates/list.html:2: template error: division by zero",),
    ),
    (
        "an error in the site-wide fragments",
        {"_site.html": "{% set header %}\n{{ site.nope }}\n{% endset %}\n"},
        ("themes/professional/templates/_site.html:2: template error:",),
    ),
    (
        "an error in an included template",
        {"post.html": "{% include 'part.html' %}\n", "part.html": "a\nb\n{{ nope }}\n"},
        ("themes/professional/templates/part.html:3: template error: 'nope' is undefined",),
    ),
    (
        "a template that is not UTF-8",
        {"post.html": b"one\ncaf\xe9 {{ post.title }}\n"},
        ("themes/professional/templates/post.html:2: template is not UTF-8 text (byte 0xe9)",),
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in TEMPLATE_ERRORS], ids=[c[0] for c in TEMPLATE_ERRORS]
)
def test_template_errors(
    built: Project, files: dict[str, str | bytes], expected: tuple[str, ...]
) -> None:
    for name, text in files.items():
        built.write_bytes(
            f"themes/professional/templates/{name}",
            text if isinstance(text, bytes) else text.encode(),
        )
    fails(built, *expected)


# -- odd but valid content builds, and says the right things ------------------------------------
def valid_xml(project: Project, site: str) -> None:
    for feed in ("atom.xml", "rss.xml", "sitemap.xml"):
        xml.dom.minidom.parseString(project.files(site)[feed])


def test_bom_crlf_and_lone_cr_also_inside_only_fences(project: Project) -> None:
    body = "Intro.\n\n::: only personal\nHOME-ONLY\n:::\n\nOutro.\n"
    post = FM.format(title="Endings") + body
    project.write_bytes(
        "content/posts/crlf.md", b"\xef\xbb\xbf" + post.replace("\n", "\r\n").encode()
    )
    project.write_bytes(
        "content/posts/cr.md", post.replace("Endings", "Lone").replace("\n", "\r").encode()
    )
    project.build()
    for slug in ("crlf", "cr"):
        assert "HOME-ONLY" in project.read("personal", f"posts/{slug}/index.html")
        pro = project.read("professional", f"posts/{slug}/index.html")
        assert "HOME-ONLY" not in pro and "Outro." in pro and ":::" not in pro
    assert "\ufeff" not in project.read("personal", "posts/crlf/index.html")
    project.assert_absent("professional", "HOME-ONLY")


def test_tabs_in_values_and_body(project: Project) -> None:
    project.write(
        "content/posts/tabs.md",
        "---\ntitle:\tTabbed\ndate:\t2026-01-02\naudience: all\n---\n\n\tcode line\n",
    )
    project.build()
    page = project.read("personal", "posts/tabs/index.html")
    assert "<h1" in page and "Tabbed" in page and "<pre><code>code line" in page


def test_a_file_that_is_only_front_matter(project: Project) -> None:
    project.write_bytes(
        "content/posts/only.md", b"---\ntitle: Only\ndate: 2026-01-02\naudience: all\n---"
    )
    project.build()
    assert "Only" in project.read("personal", "posts/only/index.html")


def test_a_5_mb_post_and_a_10000_line_post(project: Project) -> None:
    paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "\n\n"
    big = FM.format(title="Big") + paragraph * (5_000_000 // len(paragraph) + 1)
    assert len(big.encode()) > 5_000_000
    project.write("content/posts/big.md", big)
    project.write(
        "content/posts/long.md",
        FM.format(title="Long") + "".join(f"Line {i}.\n\n" for i in range(10_000)) + "THE-END\n",
    )
    project.build()
    assert project.read("personal", "posts/big/index.html").count("<p>Lorem") > 4000
    assert "THE-END" in project.read("personal", "posts/long/index.html")
    valid_xml(project, "personal")


def test_unicode_everywhere_with_transliterated_never_empty_slugs(project: Project) -> None:
    titles = {
        "東京の夏.md": "東京の夏",
        "שלום עולם.md": "שלום עולם",
        "Café Crème ÄÖ.md": "e\u0301le\u0300ve — combining",
        "🎉🎉.md": "🎉 party 🎉",
        "My Trip To Paris.md": "My Trip",
        "___.md": "Underscores",
    }
    for name, title in titles.items():
        project.write(
            f"content/posts/{name}",
            f'---\ntitle: "{title}"\ndate: 2026-01-02\naudience: all\ntags: ["日本", "עברית", "🎉", "Émile"]\n---\n{title}\n',
        )
    project.write(
        "content/pages/Über uns/Das Team.md", "---\ntitle: Team\naudience: all\n---\nHallo.\n"
    )
    project.build()
    posts = sorted(p.name for p in (project.out("personal") / "posts").iterdir())
    assert len(posts) == len(titles)
    for slug in posts:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug), slug
    assert {"dong-jing-noxia", "shlvm-vlm", "cafe-creme-ao", "my-trip-to-paris"} <= set(posts)
    assert sum(slug.startswith("x-") for slug in posts) == 2  # 🎉🎉 and ___: never empty
    tags = sorted(p.name for p in (project.out("personal") / "tags").iterdir() if p.is_dir())
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", t) for t in tags) and len(tags) == 4, tags
    assert project.exists("personal", "uber-uns/das-team/index.html")
    assert "<loc>https://home.example.net/uber-uns/das-team/</loc>" in project.read(
        "personal", "sitemap.xml"
    )
    page = project.read("personal", "posts/shlvm-vlm/index.html")
    assert "שלום עולם" in page
    valid_xml(project, "personal")


def test_upper_case_md_extension_is_a_post(project: Project) -> None:
    project.write("content/posts/Shouting.MD", FM.format(title="Loud") + "Hi.\n")
    project.build()
    assert "Loud" in project.read("personal", "posts/shouting/index.html")


def test_the_time_zone_setting_decides_dates_and_the_future(project: Project) -> None:
    """A date without an offset is in the project's time zone, for its page and for
    "future": at 12:00 UTC on 2026-01-10 it is already the 11th in Kiritimati (+14)."""
    from datetime import UTC, datetime

    from splitblog.build import build
    from splitblog.config import load_config
    from splitblog.model import BuildOptions

    project.config('timezone = "Pacific/Kiritimati"\n' + BASE_CONFIG)
    project.write(
        "content/posts/today.md", "---\ntitle: Today there\ndate: 2026-01-11\naudience: all\n---\n"
    )
    project.write(
        "content/posts/later.md", "---\ntitle: Later\ndate: 2026-01-11T03:00\naudience: all\n---\n"
    )
    project.write(
        "content/posts/zoned.md",
        "---\ntitle: Zoned\ndate: 2026-01-10T13:00:00Z\naudience: all\n---\n",
    )
    config = load_config(project.root / "splitblog.toml")
    build(config, BuildOptions(now=datetime(2026, 1, 10, 12, tzinfo=UTC)))
    assert project.exists("personal", "posts/today/index.html")  # 10:00 UTC on the 10th
    assert not project.exists("personal", "posts/later/index.html")  # 13:00 UTC: not yet
    assert not project.exists("personal", "posts/zoned/index.html")  # 13:00 UTC: not yet
    page = project.read("personal", "posts/today/index.html")
    assert "2026-01-11T00:00:00+14:00" in page
    project.config('timezone = "America/Los_Angeles"\n' + BASE_CONFIG)
    build(
        load_config(project.root / "splitblog.toml"),
        BuildOptions(now=datetime(2026, 1, 11, 7, tzinfo=UTC)),
    )
    assert not project.exists("personal", "posts/today/index.html")  # 08:00 UTC on the 11th
    assert project.exists("personal", "posts/zoned/index.html")


def test_a_new_time_zone_remakes_the_pages_whose_dates_it_changes(project: Project) -> None:
    """Pages are cached by what they show: the time zone is part of a post's dates."""
    project.write("content/posts/a.md", FM.format(title="Dated"))
    project.build()
    assert 'datetime="2026-01-10T00:00:00+00:00"' in project.read("personal", "posts/a/index.html")
    project.config('timezone = "Asia/Tokyo"\n' + BASE_CONFIG)
    project.build()
    page = project.read("personal", "posts/a/index.html")
    assert 'datetime="2026-01-10T00:00:00+09:00"' in page, "a stale page from the cache"


def test_no_output_path_leaves_the_site_folder(project: Project) -> None:
    """Every file under public/ is inside a site folder; nothing was written elsewhere."""
    project.write("content/pages/a..b/x.md", "---\ntitle: Dots\naudience: all\n---\n")
    project.write("content/posts/..md", FM.format(title="Dotdot"))
    project.build()
    public = project.root / "public"
    for folder, _dirs, names in os.walk(public):
        for name in names:
            rel = Path(folder, name).relative_to(public).parts
            assert rel[0] in ("professional", "personal", ".splitblog-trees"), rel
    assert sorted(os.listdir(project.root)) == [".splitblog", "content", "public", "splitblog.toml"]


def test_a_theme_missing_a_required_template_names_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped _base templates fill every gap of a project's theme, so a required
    template can only go missing from the shipped set itself: as if splitblog required
    one (here, feature.html) that no folder of the theme has."""
    from splitblog import theming

    monkeypatch.setattr(
        theming, "REQUIRED_TEMPLATES", (*theming.REQUIRED_TEMPLATES, "feature.html")
    )
    project.write("content/posts/a.md", GOOD)
    fails(
        project,
        "themes/professional/templates/feature.html: theme 'professional' has no template "
        "feature.html",
    )
