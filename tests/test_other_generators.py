"""What users of Jekyll, Hugo and WordPress write, understood where it means the same;
warned about where it would be published as plain text; and hints that help."""

from __future__ import annotations

import pytest

from .conftest import Project


def test_published_false_is_a_draft(project: Project) -> None:
    project.post("hidden", audience="personal", published=False)
    project.post("shown", audience="personal", published=True)
    project.build()
    assert not project.exists("personal", "posts/hidden/index.html")
    assert project.exists("personal", "posts/shown/index.html")
    project.build("--drafts")
    assert project.exists("personal", "posts/hidden/index.html")
    listed = project.run("list")
    assert "— draft" in listed.stdout


def test_a_written_draft_key_wins_over_published(project: Project) -> None:
    project.post("both", audience="personal", published=True, draft=True)
    project.build()
    assert not project.exists("personal", "posts/both/index.html")


@pytest.mark.parametrize("key", ["description", "excerpt"])
def test_description_and_excerpt_are_the_summary(project: Project, key: str) -> None:
    project.post(
        "a",
        audience="personal",
        body="First paragraph.\n\nSecond.\n",
        **{key: "The summary, written."},
    )
    project.build()
    assert "The summary, written." in project.read("personal", "index.html")
    assert "First paragraph." not in project.read("personal", "index.html")
    assert '<meta name="description" content="The summary, written.">' in project.read(
        "personal", "posts/a/index.html"
    )


@pytest.mark.parametrize("marker", ["<!--more-->", "<!-- more -->", "<!--   MORE -->"])
def test_more_ends_the_summary_with_or_without_spaces(project: Project, marker: str) -> None:
    project.post(
        "a", audience="personal", body=f"Intro one.\n\nIntro two.\n\n{marker}\n\nRest of it.\n"
    )
    project.build()
    listing = project.read("personal", "index.html")
    assert "Intro two." in listing and "Rest of it." not in listing


def test_a_jekyll_file_name_gives_the_date(project: Project) -> None:
    project.write(
        "content/posts/2019-03-05-title.md", "---\ntitle: T\naudience: personal\n---\nx\n"
    )
    project.write(
        "content/posts/2019-04-01-trip/index.md", "---\ntitle: Trip\naudience: personal\n---\nx\n"
    )
    project.build()
    archive = project.read("personal", "archive/index.html")
    assert "2019" in archive
    feed = project.read("personal", "atom.xml")
    assert "2019-03-05" in feed and "2019-04-01" in feed


@pytest.mark.parametrize("key", ["expiryDate", "expires"])
def test_an_expired_post_leaves_every_site(project: Project, key: str) -> None:
    project.post("old-offer", audience="all", **{key: "2020-01-01"})
    project.post("offer", audience="all", **{key: "2999-01-01"})
    project.build()
    for site in ("personal", "professional"):
        assert not project.exists(site, "posts/old-offer/index.html")
        assert project.exists(site, "posts/offer/index.html")
        project.assert_absent(site, "Old Offer")
    assert "— expired" in project.run("list").stdout


def test_an_expiry_that_comes_due_rebuilds(project: Project) -> None:
    """A build that had nothing to do is not a no-op once a post has expired since."""
    from datetime import UTC, datetime, timedelta

    from splitblog.build import build
    from splitblog.config import load_config
    from splitblog.model import BuildOptions

    soon = datetime.now(UTC) + timedelta(days=1)
    project.post("offer", audience="personal", expiryDate=soon.isoformat())
    config = load_config(project.root / "splitblog.toml")
    build(config, BuildOptions())
    later = build(config, BuildOptions(now=soon + timedelta(hours=1)))
    assert not later.up_to_date
    assert not project.exists("personal", "posts/offer/index.html")


def test_categories_are_tags_and_a_tag_string_is_words(project: Project) -> None:
    project.post("a", audience="personal", tags="travel trains", categories=["Europe"])
    project.post("b", audience="personal", categories="food")
    project.build()
    for tag in ("travel", "trains", "europe", "food"):
        assert project.exists("personal", f"tags/{tag}/index.html"), tag
    assert not project.exists("personal", "tags/travel-trains/index.html")


def test_hugo_index_is_a_section_page_not_a_post(project: Project) -> None:
    project.write(
        "content/posts/_index.md", "---\ntitle: All posts\naudience: personal\n---\nIntro.\n"
    )
    project.write(
        "content/posts/travel/_index.md", "---\ntitle: Travel\naudience: personal\n---\nTrips.\n"
    )
    project.write(
        "content/pages/work/_index.md", "---\ntitle: Work\naudience: personal\n---\nJobs.\n"
    )
    project.post("travel/lisbon", audience="personal")
    project.build()
    assert "All posts" in project.read("personal", "posts/index.html")
    assert "Trips." in project.read("personal", "posts/travel/index.html")
    assert "Jobs." in project.read("personal", "work/index.html")
    assert not project.exists("personal", "posts/index/index.html")
    assert "All posts" not in project.read("personal", "atom.xml")  # not a post
    assert project.exists("personal", "posts/lisbon/index.html")


# -- warnings ----------------------------------------------------------------------------------
def test_keys_of_other_generators_are_warnings(project: Project) -> None:
    project.post("a", audience="personal", layout="post", permalink="/old/a/")
    result = project.build()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: content/posts/a.md:5: 'layout' is a key of another generator; splitblog "
        "ignores it — splitblog picks the template by kind (post.html, page.html); remove it",
        "warning: content/posts/a.md:6: 'permalink' is a key of another generator; splitblog "
        "ignores it — list the old address under aliases, and set the scheme in "
        "[sites.NAME.permalinks]",
    ]
    assert result.exit_code == 0


BODY = """Intro {% include note.html %} and {{ site.title }}.

{{< youtube abc >}}

Inline `{% raw %}` code is fine, and so is this:

```liquid
{% for post in site.posts %}{{ post.title }}{% endfor %}
```

    {{< indented code >}}

<div>{{% notice info %}}</div>
"""


def test_liquid_tags_and_shortcodes_in_a_body_are_warnings_naming_their_line(
    project: Project,
) -> None:
    project.post("a", audience="personal", body=BODY)
    result = project.build()
    found = [
        line.split(" — ")[0] for line in result.stderr.splitlines() if line.startswith("warning:")
    ]
    assert found == [
        "warning: content/posts/a.md:7: a Liquid tag '{% include note.html %}' is published as text",
        "warning: content/posts/a.md:7: a Liquid expression '{{ site.title }}' is published as text",
        "warning: content/posts/a.md:9: a Hugo shortcode '{{< youtube abc >}}' is published as text",
        "warning: content/posts/a.md:19: a Hugo shortcode '{{% notice info %}}' is published as text",
    ]
    assert "{% include note.html %}" in project.read("personal", "posts/a/index.html")


def test_check_prints_the_warnings_too(project: Project) -> None:
    project.post("a", audience="personal", body="{{< youtube abc >}}\n")
    result = project.run("check")
    assert (
        result.exit_code == 0 and "warning: content/posts/a.md:7: a Hugo shortcode" in result.stderr
    )


# -- hints that help -----------------------------------------------------------------------------
def test_an_empty_title_says_write_one(project: Project) -> None:
    project.post("a", audience="personal", title=" ")
    project.write(
        "content/posts/b.md", '---\ntitle: ""\ndate: 2026-01-01\naudience: personal\n---\nx\n'
    )
    result = project.run("build")
    assert "content/posts/b.md:2: title is empty — write one" in result.stderr
    assert "quote it" not in result.stderr


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("March 5, 2019", "write 2019-03-05"),
        ("5 March 2019 10:30", "write 2019-03-05T10:30:00"),
        ("3/5/2019", "write 2019-03-05 or 2019-05-03"),
        ("soon", "write 2026-11-25 or 2026-11-25T09:30:00+01:00"),
    ],
)
def test_a_date_hint_rewrites_the_readers_own_date(
    project: Project, written: str, hint: str
) -> None:
    project.write(
        "content/posts/x.md", f'---\ntitle: X\ndate: "{written}"\naudience: personal\n---\nx\n'
    )
    result = project.run("build")
    assert f"content/posts/x.md:3: date '{written}' is not a date — {hint}" in result.stderr


def test_a_missing_date_with_a_bad_date_in_the_file_name(project: Project) -> None:
    project.write("content/posts/2019-02-30-x.md", "---\ntitle: X\naudience: personal\n---\nx\n")
    result = project.run("build")
    assert (
        "content/posts/2019-02-30-x.md:1: date is missing — the file name starts with "
        "'2019-02-30', which is not a date: fix it, or add date: YYYY-MM-DD"
    ) in result.stderr


def test_toml_errors_say_what_to_do(project: Project) -> None:
    project.write("content/posts/x.md", "+++\ntitle = Hello\n+++\nx\n")
    result = project.run("build")
    assert "content/posts/x.md:2: front matter is not valid TOML" in result.stderr
    assert (
        'check the quoting: text in "…", dates as 2026-11-25, one key = value a line'
        in result.stderr
    )


def test_explain_and_list_never_say_nothing_was_written(project: Project) -> None:
    result = project.run("explain", "content/posts/nope.md")
    assert result.exit_code == 1
    assert "no such file: content/posts/nope.md" in result.stderr
    assert "nothing was written" not in result.stderr
    assert result.stderr.strip().endswith("1 problem found.")
    project.write("content/posts/bad.md", "no front matter\n")
    listed = project.run("list")
    assert listed.exit_code == 1 and "nothing was written" not in listed.stderr


def test_redirect_from_is_aliases(project: Project) -> None:
    project.post("moved", audience="personal", redirect_from=["/2015/old.html"])
    project.build()
    assert "url=https://home.example.net/posts/moved/" in project.read("personal", "2015/old.html")
