"""The audit, the second lock: it reads the finished output and finds what routing let
through. Each "routing leak" test breaks the first lock on purpose (routing, or the
choice of files to copy) and shows the audit alone stops the build; the other tests show
what it must not flag.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import replace

import pytest
from PIL import Image

import splitblog.routing.plan as routing
import splitblog.site.markdown as markdown
import splitblog.site.prepare as prepare

from .conftest import Project

PRO, HOME = "professional", "personal"


def minimal_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def set_config(project: Project, old: str, new: str) -> None:
    path = project.root / "splitblog.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def forbid(project: Project, site: str, *words: str) -> None:
    theme = f'theme = "{site}"'
    set_config(project, theme, f"{theme}\nforbid = {list(words)!r}".replace("'", '"'))


def audit_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in result.stderr.splitlines() if line.startswith("audit: ")]


def forget_builds(project: Project) -> None:
    """Drop the build cache, so that a build after a patch is not skipped as up to date
    (its inputs did not change: only splitblog's code did)."""
    for path in (project.root / ".splitblog").glob("cache.sqlite*"):
        path.unlink()


def assert_refused(project: Project, *expected: str) -> list[str]:
    """The build fails with audit findings holding every expected text, writing nothing."""
    forget_builds(project)
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1, result.output
    lines = audit_lines(result)
    for text in expected:
        assert any(text in line for line in lines), (text, result.stderr)
    assert "Traceback" not in result.output
    assert project.snapshot() == before
    return lines


# -- forbid ----------------------------------------------------------------------------------
def test_forbid_fails_on_a_pro_post_with_file_and_line(project: Project) -> None:
    forbid(project, PRO, "Janey")
    project.post("2026-01-02-q3-notes", PRO, title="Q3 notes", body="Numbers.\n\nAs Janey said.\n")
    lines = assert_refused(project)
    assert (
        'audit: professional/posts/q3-notes/index.html contains forbidden "Janey" '
        "(from content/posts/2026-01-02-q3-notes.md:9)"
    ) in lines
    result = project.run("check")
    assert result.exit_code == 1 and 'contains forbidden "Janey"' in result.stderr
    assert not (project.root / "public" / PRO).exists()


def test_forbid_passes_when_the_word_is_only_on_personal(project: Project) -> None:
    forbid(project, PRO, "Janey", "jane.party@example.net")
    project.post("2026-01-01-party", HOME, title="Janey's party", tags=["Janey"],
                 body="Write to jane.party@example.net.\n")  # fmt: skip
    project.post(
        "2026-01-02-mixed",
        "all",
        title="Weekend",
        body="Shared words.\n\n::: only personal\nJaney was there.\n:::\n",
    )
    project.build()
    project.assert_absent(PRO, "Janey", "jane.party")
    assert "Janey was there." in project.read(HOME, "posts/mixed/index.html")


def test_forbid_is_case_insensitive_and_escaped_forms_count(project: Project) -> None:
    forbid(project, PRO, "Tom & Jerry")
    project.post("2026-01-01-a", PRO, title="Cartoons", body="I liked TOM &amp; JERRY.\n")
    assert_refused(project, 'contains forbidden "Tom & Jerry"')


def test_forbid_string_in_a_theme_file_is_found(project: Project) -> None:
    forbid(project, PRO, "Janey")
    project.post("2026-01-01-a", PRO)
    project.write("themes/professional/static/css/extra.css", "/* made for Janey */\n")
    assert_refused(project, 'audit: professional/css/extra.css contains forbidden "Janey"')


def test_file_names_and_gzip_files_are_searched(project: Project) -> None:
    forbid(project, PRO, "Janey")
    project.post("2026-01-01-a", PRO)
    project.write("themes/professional/static/janey-notes.txt", "nothing here\n")
    project.write_bytes("themes/professional/static/data.txt.gz", gzip.compress(b"from Janey"))
    # gzip data is no kind splitblog cleans (its header may name the original file): it
    # is published only when the site says so — and then audited like any other file.
    set_config(
        project, 'theme = "professional"', 'theme = "professional"\npublish_as_is = ["*.gz"]'
    )
    assert_refused(
        project,
        'audit: professional/janey-notes.txt contains forbidden "Janey"',
        'audit: professional/data.txt.gz contains forbidden "Janey"',
    )


# -- personas and addresses --------------------------------------------------------------
def test_the_other_sites_persona_in_a_template_is_found(project: Project) -> None:
    project.post("2026-01-01-a", "all")
    project.write(
        "themes/professional/templates/404.html",
        '{% extends "base.html" %}{% block main %}Ask Patsy: patsy@home.example.net{% endblock %}',
    )
    assert_refused(
        project,
        'audit: professional/404.html contains "Patsy", personal\'s author name',
        'audit: professional/404.html contains "patsy@home.example.net", personal\'s author email',
    )


def test_a_hard_coded_address_of_a_denied_site_is_found(project: Project) -> None:
    project.post("2026-01-01-a", "all")
    project.write(
        "themes/professional/templates/404.html",
        '{% extends "base.html" %}{% block main %}<a href="https://home.example.net/">me</a>'
        "{% endblock %}",
    )
    assert_refused(
        project,
        'audit: professional/404.html contains "home.example.net", personal\'s address '
        "(professional's policy toward it is deny)",
    )
    set_config(
        project,
        "[sites.personal]",
        '[sites.professional.links]\npersonal = "allow"\n\n[sites.personal]',
    )
    project.build()  # allowed: the same footer is fine


def test_short_persona_names_match_whole_words_only(project: Project) -> None:
    set_config(project, 'name = "Patsy"', 'name = "Sam"')
    project.post("2026-01-01-a", PRO, title="Samples", body="A sample size of same-day samples.\n")
    project.build()
    project.post("2026-01-02-b", PRO, title="Notes", body="Then Sam's friend called.\n")
    assert_refused(project, 'contains "Sam", personal\'s author name')


# -- what routing might let through: the audit must stop it on its own ----------------------
def test_routing_leaking_a_post_of_the_other_site_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.post("2026-01-01-mine", PRO, title="Quarterly Report")
    project.post("2026-01-02-secret", HOME, title="Beach Weekend Photos", tags=["hangover"])
    monkeypatch.setattr(routing, "_exclusion", lambda *args: None)  # everything everywhere
    assert_refused(
        project,
        'professional/posts/secret/index.html contains "Beach Weekend Photos", the title of '
        "content/posts/2026-01-02-secret.md, which professional does not publish",
        'contains "posts/secret/", the address of content/posts/2026-01-02-secret.md',
        'contains "hangover", a tag professional shows on no post',
    )


def test_routing_leaking_only_block_text_and_photos_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        """\
        ---
        title: Trip
        date: 2026-01-01
        audience: all
        ---
        We visited the harbour museum and the old lighthouse.

        ::: only personal
        My sister cried at the airport because of the divorce.

        ![the kids](kids.jpg)
        :::
        """,
    )
    Image.new("RGB", (4, 4)).save(project.root / "content/posts/2026-01-01-trip/kids.jpg")
    project.build()
    project.assert_absent(PRO, "divorce", "kids.jpg")
    monkeypatch.setattr(routing, "site_text", lambda source, site: source.body)  # blocks ignored
    # … and the renderer's own refusal of a block that reaches it turned off, so that the
    # audit is the lock left to catch it.
    monkeypatch.setattr(markdown, "might_hold_fence", lambda text: False)
    lines = assert_refused(
        project,
        'professional/posts/trip/index.html contains "My sister cried at the airport because '
        'of the divorce", text of content/posts/2026-01-01-trip/index.md that professional '
        "does not show",
        'audit: professional/posts/trip/kids.jpg contains "posts/trip/kids.jpg", a file of '
        "content/posts/2026-01-01-trip/index.md that professional does not use",
    )
    assert not any(line.startswith("audit: personal/") for line in lines)


def test_copying_a_file_no_page_uses_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![x](beach.png)\n",
    )
    Image.new("RGB", (4, 4)).save(project.root / "content/posts/2026-01-01-trip/beach.png")
    project.write_bytes("content/posts/2026-01-01-trip/passport-scan.pdf", minimal_pdf())
    project.build()
    for site in (PRO, HOME):
        assert not project.exists(site, "posts/trip/passport-scan.pdf")
    real = prepare._copies

    def copy_everything(plan, bodies, inputs, *rest):  # type: ignore[no-untyped-def]
        everything = {
            url: replace(body, files=body.entry.source.assets) for url, body in bodies.items()
        }
        return real(plan, everything, inputs, *rest)

    monkeypatch.setattr(prepare, "_copies", copy_everything)
    assert_refused(
        project,
        'audit: professional/posts/trip/passport-scan.pdf contains "posts/trip/passport-scan.pdf"',
        'audit: personal/posts/trip/passport-scan.pdf contains "posts/trip/passport-scan.pdf"',
    )


def test_routing_showing_another_sites_override_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.post(
        "2026-02-01-talk",
        "all",
        title="Conference Talk Recap",
        tags=["speaking"],
        personal={"title": "My First Big Talk", "slug": "big-talk", "tags": ["stagefright"]},
    )
    project.build()
    real = routing._entry

    def swapped(source, site):  # type: ignore[no-untyped-def]
        other = PRO if site == HOME else HOME
        return replace(real(source, other), site=site)  # each site shows the other's version

    monkeypatch.setattr(routing, "_entry", swapped)
    assert_refused(
        project,
        'professional/posts/big-talk/index.html contains "My First Big Talk", a title '
        "content/posts/2026-02-01-talk.md has on another site only",
        'contains "posts/big-talk/", the address content/posts/2026-02-01-talk.md has on '
        "another site only",
        'contains "stagefright", a tag professional shows on no post',
        'personal/posts/talk/index.html contains "Conference Talk Recap", a title '
        "content/posts/2026-02-01-talk.md has on another site only",
        'personal/posts/talk/index.html contains "posts/talk/", the address '
        "content/posts/2026-02-01-talk.md has on another site only",
        'contains "speaking", a tag personal shows on no post',
    )


def test_a_raw_html_link_to_another_sites_post_file_is_found(project: Project) -> None:
    project.post("2026-01-01-private", HOME, title="Private")
    project.post(
        "2026-01-02-public", PRO, body='See <a class="x" href="2026-01-01-private.md">this</a>.\n'
    )
    # Raw HTML links are resolved and judged like Markdown links now (they used to reach
    # the output unresolved, for the audit to find): the policy refuses it, naming the line.
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert (
        "content/posts/2026-01-02-public.md:7: link to '2026-01-01-private.md' (only on "
        "personal) denied by professional's policy"
    ) in result.output
    assert not project.out(PRO).exists()


# -- what the audit must not flag ---------------------------------------------------------
def test_text_splitblog_writes_itself_is_no_finding(project: Project) -> None:
    """Foreign titles and tags that equal what the build writes on its own — a year in
    the archive, a month, the word "Tagged" of tag pages, the generator's name, the
    element names of feeds — and a foreign page at "page/" beside the own lists' pages."""
    set_config(project, 'theme = "professional"', 'theme = "professional"\nposts_per_page = 1')
    for day in (1, 2, 3):
        project.post(f"2026-01-0{day}-pro{day}", PRO, title=f"Pro post {day}", tags=["work"])
    titles = ("2026", "January 2026", "Tagged", "splitblog", "Page not found")
    for day, title in enumerate(titles, start=1):
        project.post(f"2026-02-0{day}-home{day}", HOME, title=title)
    project.page("page", HOME, title="A page of mine")
    # Tags named like the elements and keys of feeds and sitemaps.
    vocabulary = ["category", "generator", "published", "channel", "guid", "lastmod", "urlset"]
    project.post("2026-03-01-words", HOME, title="Words", tags=[*vocabulary, "encoding", "authors"])
    # … and like the HTML Markdown makes of footnotes and task lists in an own post.
    project.post(
        "2026-03-02-notes", HOME, title="Notes", tags=["footnotes", "checkbox", "disabled"]
    )
    project.post(
        "2026-01-04-claims",
        PRO,
        title="Claims",
        body="A claim[^1].\n\n- [x] done\n\n[^1]: Source.\n",
    )
    project.build()
    assert project.exists(PRO, "page/2/index.html")


def test_a_foreign_title_that_is_also_own_text_is_no_finding(project: Project) -> None:
    project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about Team Offsite Plans.\n")
    project.post("2026-01-02-b", HOME, title="Team Offsite Plans")
    project.build()


@pytest.mark.parametrize(
    "line",
    [
        "Client than [response data](https://example.net/build/table) tone useful here.",
        "Client than [response data][1] tone useful here.\n\n[1]: https://example.net/t",
        "Client than [response data][] tone useful.\n\n[response data]: https://example.net/",
        "Client than [response data](<https://example.net/a b>) tone useful here.",
    ],
)
def test_words_a_link_runs_into_are_own_text_as_a_reader_reads_them(
    project: Project, line: str
) -> None:
    """The page says "response data tone useful": the link's target or label between the
    words is no part of what a reader reads, and a foreign title of those words is no
    finding (a 20,000-post corpus was refused for it)."""
    project.post("2026-01-01-a", "all", title="All issue people", body=f"{line}\n")
    project.post("2026-01-02-b", PRO, title="Data Tone Useful", body="Hello.\n")
    project.build()
    assert "response data</a> tone useful" in project.read(HOME, "posts/a/index.html")


def test_a_preview_asks_again_once_the_own_post_that_explained_a_hit_changes(
    project: Project,
) -> None:
    """A long-lived preview remembers which own post explained a hit; the static file
    that holds the foreign title does not change, the post does: the answer cannot
    stand, and the next rebuild stops on the file."""
    from splitblog.build import build, open_cache
    from splitblog.config import load_config
    from splitblog.errors import AuditError

    project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about Team Offsite Plans.\n")
    project.post("2026-01-02-b", HOME, title="Team Offsite Plans")
    project.write("static/professional/notes.txt", "Agenda: Team Offsite Plans\n")
    config = load_config(project.root / "splitblog.toml")
    cache = open_cache(config, keep=True)
    try:
        build(config, cache=cache, atomic=False)  # explained by the pricing post
        project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about budgets.\n")
        with pytest.raises(AuditError) as raised:
            build(config, cache=cache, atomic=False)
    finally:
        cache.close()
    [problem] = raised.value.problems
    assert problem.message.startswith(
        'audit: professional/notes.txt contains "Team Offsite Plans", the title of '
        "content/posts/2026-01-02-b.md"
    ), problem.message


def test_a_build_asks_again_once_the_own_post_that_explained_a_hit_changes(
    project: Project,
) -> None:
    """The same across `build`s, each its own cache: the answer is kept in the project's
    cache, and falls once the post that gave it changes."""
    project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about Team Offsite Plans.\n")
    project.post("2026-01-02-b", HOME, title="Team Offsite Plans")
    project.write("static/professional/notes.txt", "Agenda: Team Offsite Plans\n")
    project.build()  # explained by the pricing post
    project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about budgets.\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert 'professional/notes.txt contains "Team Offsite Plans"' in result.output


def test_an_explanation_kept_in_the_cache_spares_reading_the_own_text(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second build, in a new process's cache, judges the kept file's hit by the answer
    the first build kept: no piece of the own text is read (at 4,000 posts, reading it
    was 0.8 s of a build after one edit)."""
    from splitblog.audit.tokens import OwnText
    from splitblog.build import build, open_cache
    from splitblog.config import load_config

    project.post("2026-01-01-a", PRO, title="Pricing", body="We talk about Team Offsite Plans.\n")
    project.post("2026-01-02-b", HOME, title="Team Offsite Plans")
    project.write("static/professional/notes.txt", "Agenda: Team Offsite Plans\n")
    project.build()
    read: list[tuple[str, bool]] = []  # the questions that read a piece of own text
    real_answer, real_all = OwnText._answer, OwnText._all

    def answer(self, question):  # type: ignore[no-untyped-def]
        self.asking = question
        return real_answer(self, question)

    def counted(self):  # type: ignore[no-untyped-def]
        for piece in real_all(self):
            read.append(self.asking)
            yield piece

    monkeypatch.setattr(OwnText, "_answer", answer)
    monkeypatch.setattr(OwnText, "_all", counted)
    config = load_config(project.root / "splitblog.toml")
    cache = open_cache(config)  # what a new `build` opens
    try:
        build(config, cache=cache, fresh=True)
    finally:
        cache.close()
    assert ("team offsite plans", False) not in read


# -- photos: metadata left in a published photo ----------------------------------------------
def test_photo_metadata_the_stripping_let_through_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_images import jpeg_with_everything

    set_config(project, 'theme = "personal"', 'theme = "personal"\nkeep_image_metadata = true')
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n![x](photo.jpg)\n",
    )
    project.write_bytes("content/posts/2026-01-01-trip/photo.jpg", jpeg_with_everything())
    project.build()
    monkeypatch.setattr("splitblog.site.files.clean_as", lambda kind, data, *a, **k: data)
    for path in (project.root / ".splitblog/images").iterdir():
        path.unlink()  # the stripped copies the build keeps
    lines = assert_refused(
        project,
        'audit: professional/posts/trip/photo.jpg contains "GPS position", photo metadata '
        "(professional does not set keep_image_metadata)",
        'audit: professional/posts/trip/photo.jpg contains "XMP data"',
        'audit: professional/posts/trip/photo.jpg contains "IPTC data"',
    )
    assert not any(line.startswith("audit: personal/") for line in lines)  # it keeps them


def test_a_photo_the_build_does_not_know_by_its_name_is_read_all_the_same(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_images import assert_clean, jpeg_with_everything

    project.post("2026-01-01-a", PRO)
    project.write_bytes("themes/professional/static/img/header", jpeg_with_everything())
    # Cleaned by what it is, whatever its name says (it says nothing) …
    project.build()
    assert_clean((project.out(PRO) / "img/header").read_bytes())
    # … and read by the audit by what it is, when the cleaning lets it through.
    monkeypatch.setattr("splitblog.site.files.clean_as", lambda kind, data, *a, **k: data)
    for path in (project.root / ".splitblog/images").iterdir():
        path.unlink()
    assert_refused(project, 'audit: professional/img/header contains "GPS position"')


def test_theme_photos_are_published_without_metadata(project: Project) -> None:
    from .test_images import assert_clean, jpeg_with_everything

    project.post("2026-01-01-a", PRO)
    project.write_bytes("themes/professional/static/img/header.jpg", jpeg_with_everything())
    project.build()
    assert_clean((project.out(PRO) / "img/header.jpg").read_bytes())


def test_an_external_link_naming_a_foreign_address_is_no_finding(project: Project) -> None:
    """An absolute URL is written into the page as it is: its path may match the address
    of a page the site does not publish (here /about/) without giving anything away."""
    project.page("about", "professional", title="About The Firm")
    project.post(
        "2026-01-01-x",
        "personal",
        body="See [their page](https://elsewhere.example.org/about/us).\n",
    )
    project.build()
    assert 'href="https://elsewhere.example.org/about/us"' in project.read(
        "personal", "posts/x/index.html"
    )
