"""The audit reads text as a reader does: a forbidden name in disguise is still found, and
innocent words that merely contain a name, or that the build writes itself, are not
findings. Each disguise below published the name with exit 0 before the audit normalized
what it reads; each innocent project below was refused."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from .conftest import BASE_CONFIG, Project
from .test_audit import HOME, PRO, assert_refused, audit_lines, forbid, set_config

# -- disguises ------------------------------------------------------------------------------
DISGUISES = [
    ("a line break inside the words", "Janey\nSmith"),
    ("capitals", "JANEY SMITH"),
    ("a non-breaking space", "Janey\u00a0Smith"),
    ("two spaces", "Janey  Smith"),
    ("a soft hyphen", "Ja\u00adney Smith"),
    ("a zero-width joiner", "Jan\u200dey Smith"),
    ("a zero-width space", "J\u200baney Smith"),
    ("an entity inside the word", "Ja&#110;ey Smith"),
    ("a named entity", "Janey&nbsp;Smith"),
    ("tags inside the word", "Ja<b>ney</b> <em>Smith</em>"),
    ("a comment inside the word", "Ja<!-- x -->ney Smith"),
    ("full-width letters", "Ｊａｎｅｙ Smith"),
]


@pytest.mark.parametrize("body", [b for _w, b in DISGUISES], ids=[w for w, _b in DISGUISES])
def test_a_forbidden_name_in_disguise_is_found(project: Project, body: str) -> None:
    forbid(project, PRO, "Janey Smith")
    project.post("2026-01-02-notes", PRO, title="Notes", body=f"Numbers.\n\nAs {body} said.\n")
    assert_refused(
        project,
        'audit: professional/posts/notes/index.html contains forbidden "Janey Smith" '
        "(from content/posts/2026-01-02-notes.md:9)",
    )


@pytest.mark.parametrize(
    "written",
    ["ZOË", "Zoe\u0308", "ZOE\u0308", "zoë"],
    ids=["capitals with an accent", "decomposed", "decomposed capitals", "lower case"],
)
def test_letter_case_and_unicode_forms_of_an_accented_name_are_one(
    project: Project, written: str
) -> None:
    forbid(project, PRO, "Zoë")
    project.post("2026-01-02-notes", PRO, title="Notes", body=f"Numbers and {written}.\n")
    assert_refused(project, 'contains forbidden "Zoë"')


def test_the_other_persona_in_disguise_in_a_template_is_found(project: Project) -> None:
    project.post("2026-01-01-a", "all")
    project.write(
        "themes/professional/templates/404.html",
        '{% extends "base.html" %}{% block main %}Ask PAT&shy;SY, or Pat<i>sy</i>{% endblock %}',
    )
    assert_refused(
        project,
        'audit: professional/404.html contains "Patsy", personal\'s author name '
        "(from themes/professional/templates/404.html:1)",
    )


# -- theme files are output, never an excuse -------------------------------------------------
def test_a_theme_file_listing_a_foreign_post_is_found(project: Project) -> None:
    project.post("2026-01-01-mine", PRO, title="Quarterly Report")
    project.post("2026-01-02-secret", HOME, title="Beach Weekend Photos", tags=["hangover"])
    project.write(
        "themes/professional/static/recent.txt",
        "Recent elsewhere: Beach Weekend Photos (hangover) at /posts/secret/\n",
    )
    project.write(
        "themes/professional/static/js/recent.js",
        'const recent = ["Beach Weekend Photos", "/posts/secret/"];\n',
    )
    lines = assert_refused(
        project,
        'audit: professional/recent.txt contains "Beach Weekend Photos", the title of '
        "content/posts/2026-01-02-secret.md, which professional does not publish "
        "(from themes/professional/static/recent.txt:1)",
        'audit: professional/recent.txt contains "hangover", a tag professional shows on no post',
        'audit: professional/js/recent.js contains "Beach Weekend Photos"',
    )
    assert any("recent.txt" in line and '"posts/secret/"' in line for line in lines), lines


# -- what must build ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Max", "May", "Georgia"])
def test_a_persona_named_like_a_common_word_does_not_block_the_other_site(
    project: Project, name: str
) -> None:
    set_config(project, 'name = "Patsy"', f'name = "{name}"')
    project.write(
        "themes/professional/static/css/extra.css",
        '.card { max-width: 40em; font-family: "Georgia", serif; }\n/* may change */\n',
    )
    project.post(
        "2026-05-05-plans",
        PRO,
        title="Plans for the max load",
        body="The max value may rise in may; we may see it.\n\nDate: 5 May 2026.\n",
    )
    project.build()
    assert "May 2026" in project.read(PRO, "posts/plans/index.html")
    # On a site whose posts do not use the word as a word, the name written as a name
    # is found; so is the persona's full name wherever the site uses the word.
    (project.root / "content/posts/2026-05-05-plans.md").unlink()
    project.post("2026-05-06-said", PRO, title="Meeting", body=f"Then {name} said hello.\n")
    assert_refused(project, f'contains "{name}", personal\'s author name')
    set_config(project, f'name = "{name}"', f'name = "{name} Fisher"')
    project.post("2026-05-05-plans", PRO, title="Plans", body="It may rise, at max.\n")
    project.post("2026-05-07-more", PRO, title="More", body=f"I met {name.upper()} FISHER.\n")
    assert_refused(project, f'contains "{name} Fisher", personal\'s author name')


def test_an_allowed_link_whose_address_holds_the_persona_name_is_no_finding(
    project: Project,
) -> None:
    project.config(
        BASE_CONFIG.replace("https://home.example.net/", "https://patsy.example.net/")
        + '\n[sites.professional.links]\npersonal = "allow"\n'
    )
    project.post("2026-01-01-a", PRO, title="Work", body="Work words.\n")
    project.post("2026-01-02-b", HOME, title="Home", body="Home words.\n")
    project.build()
    assert "patsy.example.net" in project.read(PRO, "index.html")  # the theme's "Also by me"


def test_own_text_explains_a_foreign_title_however_it_is_wrapped(project: Project) -> None:
    """Hard-wrapped lines joined into one meta description, a footnote, a heading and its
    generated id, all saying what a foreign post is titled."""
    project.post(
        "2026-01-01-a",
        PRO,
        title="Planning",
        body=(
            "We planned the team\noffsite retreat with\ncare.\n\n"
            "## Team Offsite Retreat\n\nA claim[^1].\n\n[^1]: The team offsite retreat.\n"
        ),
    )
    project.post("2026-01-02-b", HOME, title="Team Offsite Retreat")
    project.build()
    page = project.read(PRO, "posts/a/index.html")
    assert 'id="team-offsite-retreat"' in page


def test_words_that_contain_a_name_or_tag_are_no_finding(project: Project) -> None:
    forbid(project, PRO, "Lexi")
    project.post(
        "2026-01-01-a", PRO, title="Flexibility", body="Flexibility, excerpted and lexical.\n"
    )
    project.post("2026-01-02-b", HOME, title="Private", tags=["excerpt", "lexi"])
    project.build()


def test_a_file_name_that_contains_another_is_no_finding(project: Project) -> None:
    Image.new("RGB", (4, 4)).save(project.root / "me.png")
    set_config(project, 'name = "Patsy"', 'name = "Patsy", avatar = "me.png"')
    project.write(
        "content/posts/2026-01-01-hello/index.md",
        "---\ntitle: Hello\ndate: 2026-01-01\naudience: professional\n---\n![w](welcome.png)\n",
    )
    Image.new("RGB", (4, 4)).save(project.root / "content/posts/2026-01-01-hello/welcome.png")
    project.build()
    assert project.exists(PRO, "posts/hello/welcome.png")


@pytest.mark.parametrize("name", ["robots.txt", "404.html", "sitemap.xml"])
def test_a_foreign_bundle_file_named_like_a_site_file_is_no_finding(
    project: Project, name: str
) -> None:
    project.post("2026-01-01-a", PRO, title="Work")
    project.write(
        "content/posts/2026-01-02-b/index.md",
        f"---\ntitle: Home thing\ndate: 2026-01-02\naudience: personal\n---\n[file]({name})\n",
    )
    project.write(f"content/posts/2026-01-02-b/{name}", "hello\n")
    project.build()


def test_two_sites_on_one_host_are_told_apart_by_their_paths(project: Project) -> None:
    project.config(
        BASE_CONFIG.replace("https://pro.example.com/", "https://example.com/").replace(
            "https://home.example.net/", "https://example.com/janey/"
        )
    )
    project.page("about", PRO, title="About The Firm")
    project.post("2026-01-01-a", HOME, title="Home", body="Home words.\n")
    project.build()  # neither site's own addresses count as the other's
    # Written in a template, where no link policy sees it: the audit tells the sites apart.
    project.write(
        "themes/personal/templates/404.html",
        '{% extends "base.html" %}{% block main %}<a href="https://example.com/about/">x</a>'
        "{% endblock %}",
    )
    lines = assert_refused(project, 'audit: personal/404.html contains "example.com"')
    assert any(
        "professional's address (personal's policy toward it is deny)" in line for line in lines
    )
    assert not any(line.startswith("audit: professional/") for line in lines), lines


def test_findings_name_where_the_hit_comes_from(project: Project) -> None:
    forbid(project, PRO, "Janey")
    project.post("2026-01-01-a", PRO, title="First", body="Clean.\n")
    project.post("2026-01-02-b", PRO, title="Second", body="Line one.\nLine two.\n\nBy Janey.\n")
    project.write("themes/professional/templates/_extra.html", "x\n\nby Janey\n")
    project.write(
        "themes/professional/templates/404.html",
        '{% extends "base.html" %}{% block main %}{% include "_extra.html" %}{% endblock %}',
    )
    result = project.run("build")
    lines = audit_lines(result)
    assert (
        'audit: professional/posts/b/index.html contains forbidden "Janey" '
        "(from content/posts/2026-01-02-b.md:10)"
    ) in lines, lines
    assert any(
        line.startswith("audit: professional/404.html")
        and "(from themes/professional/templates/_extra.html:3)" in line
        for line in lines
    ), lines


def test_own_text_reads_links_as_a_reader_does() -> None:
    """Relative targets (rewritten by the build, never shown as written) are no own text;
    absolute ones are, apart from the words they link; a reference's label is not read."""
    from splitblog.audit.normalize import normalize
    from splitblog.audit.tokens import without_targets

    def read(text: str) -> str:
        return normalize(without_targets(text))

    assert read("See [Letter Error](secret-post.md) now.") == "see letter error now."
    assert "secret-post" not in read("[a](secret-post.md) [b](../x/secret-post.md#top)")
    said = read("Than [response data](https://example.net/build/table) tone useful.")
    assert said.startswith("than response data tone useful.")
    assert said.endswith(" https://example.net/build/table")  # kept, after the words
    assert read("Than [data][1] tone.\n\n[1]: https://example.net/t").startswith("than data tone.")
    assert "secret" not in read("[data][s]\n\n[s]: secret-file.pdf")


def test_a_tables_cells_read_on_from_its_head_to_its_rows_as_the_index_says_them(
    project: Project,
) -> None:
    """Pagefind's extract of a page runs a table's cells together ("Schema Two the"): the
    own text reads them so too (its delimiter row shows nothing), and a foreign title
    of those words is no finding in the search index (the 20,000-post corpus was
    refused for it)."""
    table = "| Throughput | Schema | Two |\n| --- | :---: | ---: |\n| the | 1175 | 2389 |\n"
    project.post("2026-01-01-a", HOME, title="Packages", body=table)
    project.post("2026-01-02-b", PRO, title="Schema Two The", body="Hello.\n")
    project.build()
    assert re.search(r"<th[^>]*>Schema</th>", project.read(HOME, "posts/a/index.html"))
