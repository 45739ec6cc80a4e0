"""End-to-end: the real CLI on fixture projects, reading the real output files."""

from __future__ import annotations

import json
import re

import feedparser

from .conftest import Project
from .support.leak_corpus import pdf_naming

PRO, HOME = "professional", "personal"


def test_audiences_single_list_and_all(project: Project) -> None:
    project.post("2026-01-01-pro-only", PRO, title="Quarterly Pipeline Review")
    project.post("2026-01-02-home-only", HOME, title="Beach Weekend Photos")
    project.post("2026-01-03-both-list", [PRO, HOME], title="Listed On Both")
    project.post("2026-01-04-both-all", "all", title="Everyone Reads This")
    project.build()
    assert project.exists(PRO, "posts/pro-only/index.html")
    assert project.exists(HOME, "posts/home-only/index.html")
    for site in (PRO, HOME):
        assert project.exists(site, "posts/both-list/index.html")
        assert project.exists(site, "posts/both-all/index.html")
    project.assert_absent(PRO, "Beach Weekend Photos", "home-only")
    project.assert_absent(HOME, "Quarterly Pipeline Review", "pro-only")
    assert "Everyone Reads This" in project.read(HOME, "index.html")


def test_drafts_and_future_posts_need_their_flags(project: Project) -> None:
    project.post("2026-01-01-ready", PRO, title="Ready Post")
    project.post("2026-01-02-wip", PRO, title="Draft Secret", draft=True)
    project.post("2099-01-01-later", PRO, title="Future Secret", date="2099-01-01")
    project.build()
    project.assert_absent(PRO, "Draft Secret", "Future Secret", "posts/wip", "posts/later")
    assert "posts/wip/" not in project.read(PRO, "sitemap.xml")
    project.build("--drafts")
    assert project.exists(PRO, "posts/wip/index.html")
    assert not project.exists(PRO, "posts/later/index.html")
    project.build("--future")
    assert project.exists(PRO, "posts/later/index.html")
    assert not project.exists(PRO, "posts/wip/index.html")
    project.build("--drafts", "--future")
    assert project.exists(PRO, "posts/wip/index.html") and project.exists(
        PRO, "posts/later/index.html"
    )


def test_future_uses_the_date_time_and_its_offset(project: Project) -> None:
    project.post("soon", PRO, title="Soon Post", date="2099-06-01T09:00:00+02:00")
    project.post("past", PRO, title="Past Post", date="2020-06-01T09:00:00+02:00")
    project.build()
    assert project.exists(PRO, "posts/past/index.html")
    assert not project.exists(PRO, "posts/soon/index.html")


def test_per_site_overrides(project: Project) -> None:
    project.post(
        "2026-02-01-talk",
        "all",
        title="Conference Talk Recap",
        tags=["speaking"],
        personal={"title": "My First Big Talk", "tags": ["nerves"], "mood": "giddy"},
    )
    project.build()
    assert "Conference Talk Recap" in project.read(PRO, "posts/talk/index.html")
    home = project.read(HOME, "posts/talk/index.html")
    assert "My First Big Talk" in home
    project.assert_absent(HOME, "Conference Talk Recap", "speaking")
    project.assert_absent(PRO, "My First Big Talk", "nerves")
    assert project.exists(HOME, "tags/nerves/index.html")
    assert project.exists(PRO, "tags/speaking/index.html")


def test_only_blocks_appear_on_the_named_sites(project: Project) -> None:
    project.post(
        "2026-02-02-mixed",
        "all",
        body="""\
        Shared opening.

        ::: only personal
        Family canary sentence.
        :::

        ::: only professional, personal
        Both canary sentence.
        :::

        ```
        ::: only personal
        code is not a fence
        :::
        ```
        """,
    )
    project.build()
    pro = project.read(PRO, "posts/mixed/index.html")
    home = project.read(HOME, "posts/mixed/index.html")
    assert "Shared opening." in pro and "Shared opening." in home
    assert "Family canary sentence." in home
    project.assert_absent(PRO, "Family canary sentence.")
    assert "Both canary sentence." in pro and "Both canary sentence." in home
    assert "code is not a fence" in pro  # inside a code block, ::: is code
    assert ":::" not in re.sub(r"<pre.*?</pre>", "", home, flags=re.S)


def test_post_made_only_of_foreign_blocks_is_not_published(project: Project) -> None:
    project.post(
        "2026-02-03-family",
        "all",
        title="Family Only Really",
        body="::: only personal\nAll of it.\n:::\n",
    )
    project.build()
    assert project.exists(HOME, "posts/family/index.html")
    project.assert_absent(PRO, "Family Only Really")


def test_pages_are_per_site_and_in_the_menu(project: Project) -> None:
    project.page("about", PRO, title="About The Firm")
    project.page("about-me", HOME, title="About Me Personally")
    project.page("work/cv", PRO, title="Curriculum")
    project.build()
    assert project.exists(PRO, "about/index.html")
    assert project.exists(PRO, "work/cv/index.html")
    assert project.exists(HOME, "about-me/index.html")
    assert 'href="/about/"' in project.read(PRO, "index.html")
    project.assert_absent(PRO, "About Me Personally", "about-me")
    project.assert_absent(HOME, "About The Firm", "Curriculum")


def test_tags_are_per_site(project: Project) -> None:
    project.post("2026-03-01-a", PRO, title="Alpha", tags=["strategy", "shared"])
    project.post("2026-03-02-b", HOME, title="Beta", tags=["hiddenhobby", "shared"])
    project.build()
    assert project.exists(PRO, "tags/strategy/index.html")
    assert not project.exists(PRO, "tags/hiddenhobby/index.html")
    project.assert_absent(PRO, "hiddenhobby")
    assert project.exists(HOME, "tags/hiddenhobby/index.html")
    shared = project.read(PRO, "tags/shared/index.html")
    assert "Alpha" in shared and "Beta" not in shared
    assert "strategy" in project.read(PRO, "tags/index.html")


def test_pagination_counts(project: Project) -> None:
    for i in range(23):
        project.post(f"2025-01-{i + 1:02d}-p{i}", PRO, title=f"Numbered {i:02d}", tags=["many"])
    project.post("2025-02-01-h", HOME, title="Lonely")
    project.build()
    for n in (2, 3):
        assert project.exists(PRO, f"page/{n}/index.html")
        assert project.exists(PRO, f"tags/many/page/{n}/index.html")
    assert not project.exists(PRO, "page/4/index.html")
    assert not project.exists(HOME, "page/2/index.html")
    first = project.read(PRO, "index.html")
    assert first.count('class="post-card"') == 10
    assert project.read(PRO, "page/3/index.html").count('class="post-card"') == 3
    assert "Numbered 22" in first  # newest first
    assert 'href="/page/2/"' in first


def test_posts_per_page_from_config(project: Project) -> None:
    project.config(extra="")
    text = (
        (project.root / "splitblog.toml")
        .read_text()
        .replace('theme = "professional"', 'theme = "professional"\nposts_per_page = 2')
    )
    (project.root / "splitblog.toml").write_text(text)
    for i in range(5):
        project.post(f"2025-01-0{i + 1}-q{i}", PRO)
    project.build()
    assert project.exists(PRO, "page/3/index.html") and not project.exists(PRO, "page/4/index.html")


def test_slugs_from_file_names_front_matter_and_bundles(project: Project) -> None:
    project.post("2026-04-01-Hello World Again", PRO, title="One")
    project.post("2026-04-02-whatever", PRO, title="Two", slug="chosen-slug")
    project.write(
        "content/posts/2026-04-03-trip/index.md",
        "---\ntitle: Three\ndate: 2026-04-03\naudience: professional\n---\nHi\n",
    )
    project.post("2026-04-04-日本の旅", PRO, title="Four")
    project.build()
    assert project.exists(PRO, "posts/hello-world-again/index.html")
    assert project.exists(PRO, "posts/chosen-slug/index.html")
    assert project.exists(PRO, "posts/trip/index.html")
    slugged = [p for p in project.files(PRO) if p.startswith("posts/ri-ben-")]
    assert slugged, sorted(project.files(PRO))


def test_bundle_files_are_copied_only_where_used(project: Project) -> None:
    project.write(
        "content/posts/2026-05-01-holiday/index.md",
        """\
        ---
        title: Holiday
        date: 2026-05-01
        audience: all
        ---
        Shared text with [the slides](slides.pdf).

        ::: only personal
        ![A family photo](family.png)
        :::
        """,
    )
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(
        project.root / "content/posts/2026-05-01-holiday/family.png"
    )
    project.write_bytes("content/posts/2026-05-01-holiday/slides.pdf", pdf_naming("slides"))
    project.write_bytes("content/posts/2026-05-01-holiday/unused-notes.txt", b"private notes")
    project.build()
    assert project.exists(HOME, "posts/holiday/family.png")
    assert project.exists(HOME, "posts/holiday/slides.pdf")
    assert project.exists(PRO, "posts/holiday/slides.pdf")
    assert not project.exists(PRO, "posts/holiday/family.png")
    for site in (PRO, HOME):
        assert not project.exists(site, "posts/holiday/unused-notes.txt")
        project.assert_absent(site, "private notes")
    project.assert_absent(PRO, "family.png")
    # shown at web size: the page's <img> is the photo's own width (4 px: never enlarged)
    assert 'src="/posts/holiday/family.png.4w.png"' in project.read(
        HOME, "posts/holiday/index.html"
    )
    assert not project.exists(PRO, "posts/holiday/family.png.4w.png")


def test_two_sources_on_one_url_name_both_files(project: Project) -> None:
    project.post("2026-01-01-same", PRO, title="First")
    project.post("2026-02-01-same", PRO, title="Second")
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/2026-01-01-same.md" in result.stderr
    assert "content/posts/2026-02-01-same.md" in result.stderr
    assert "/posts/same/index.html" in result.stderr
    assert project.snapshot() == before


def test_a_page_cannot_take_a_generated_path(project: Project) -> None:
    project.page("tags", PRO, title="My Tags Page")
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/pages/tags.md" in result.stderr and "tag index" in result.stderr


def test_case_only_differences_collide(project: Project) -> None:
    project.post("a", PRO, slug="Report")
    project.post("b", PRO, slug="report")
    result = project.run("build")
    assert result.exit_code == 1
    assert "letter case" in result.stderr


def test_links_between_posts_resolve_on_each_site(project: Project) -> None:
    project.post("2026-01-01-target", "all", title="Target")
    project.post(
        "2026-01-02-source",
        "all",
        body="See [the target](2026-01-01-target.md#part) and [root](/posts/2026-01-01-target.md).\n",
    )
    project.build()
    for site in (PRO, HOME):
        html = project.read(site, "posts/source/index.html")
        assert '<a href="/posts/target/#part">the target</a>' in html
        assert '<a href="/posts/target/">root</a>' in html


def test_link_to_missing_file_names_file_and_line(project: Project) -> None:
    project.post("2026-01-02-source", PRO, body="Intro.\n\nSee [gone](nope.md) here.\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/2026-01-02-source.md:9: link to 'nope.md'" in result.stderr


def test_link_to_a_post_of_another_site_is_denied_by_default(project: Project) -> None:
    project.post("2026-01-01-private", HOME, title="Private")
    project.post("2026-01-02-public", PRO, body="Look at [this](2026-01-01-private.md).\n")
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "content/posts/2026-01-02-public.md:7: link to '2026-01-01-private.md' (only on personal) "
        "denied by professional's policy — remove the link, use ::: only, or set "
        '[sites.professional.links] personal = "strip"|"allow"'
    ) in result.stderr
    assert "Traceback" not in result.output
    assert project.snapshot() == before


def test_every_problem_of_a_run_is_reported_together(project: Project) -> None:
    project.write("content/posts/bad-yaml.md", "---\ntitle: [unclosed\n---\nx\n")
    project.post("no-date", PRO, date="")
    project.post("bad-audience", "friends")
    project.post("links", PRO, body="[x](missing.md)\n")
    result = project.run("build")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert len(lines) == 4, result.stderr
    assert any(line.startswith("content/posts/bad-yaml.md:") for line in lines)
    assert any("date is missing" in line for line in lines)
    assert any("unknown audience 'friends'" in line for line in lines)
    assert any("missing.md" in line for line in lines)
    assert "Traceback" not in result.output


def test_feeds_hold_only_the_sites_posts_newest_first(project: Project) -> None:
    project.post(
        "2026-01-01-old", PRO, title="Old Pro", body="See ![x](https://cdn.example.com/x.png)\n"
    )
    project.post("2026-03-01-new", PRO, title="New Pro", body="Link [there](2026-01-01-old.md).\n")
    project.post("2026-02-01-mine", HOME, title="Home Secret Post")
    project.build()
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse(project.read(PRO, name))
        assert not feed.bozo, feed.bozo_exception
        assert [e.title for e in feed.entries] == ["New Pro", "Old Pro"]
        assert all(e.link.startswith("https://pro.example.com/posts/") for e in feed.entries)
    data = json.loads(project.read(PRO, "feed.json"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in data["items"]] == ["New Pro", "Old Pro"]
    assert 'href="https://pro.example.com/posts/old/"' in data["items"][0]["content_html"]
    atom = project.read(PRO, "atom.xml")
    assert "https://pro.example.com/posts/old/" in atom and 'href="/posts/' not in atom
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert "Home Secret Post" not in project.read(PRO, name)
        assert "Home Secret Post" in project.read(HOME, name)
    assert "<name>Pat Pro</name>" in atom


def test_sitemap_lists_exactly_the_sites_urls(project: Project) -> None:
    project.post("2026-01-01-a", PRO, title="A", tags=["t"])
    project.post("2026-01-02-b", HOME, title="B")
    project.page("about", PRO, title="About")
    project.build()
    sitemap = project.read(PRO, "sitemap.xml")
    urls = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert urls == {
        "https://pro.example.com/",
        "https://pro.example.com/posts/a/",
        "https://pro.example.com/about/",
        "https://pro.example.com/tags/",
        "https://pro.example.com/tags/t/",
        "https://pro.example.com/archive/",
    }
    assert "home.example.net" not in sitemap and "hreflang" not in sitemap


def test_robots_and_noindex(project: Project) -> None:
    text = (project.root / "splitblog.toml").read_text()
    text = text.replace('theme = "personal"', 'theme = "personal"\nnoindex = true')
    (project.root / "splitblog.toml").write_text(text)
    project.post("2026-01-01-a", "all")
    project.build()
    assert project.read(HOME, "robots.txt") == "User-agent: *\nDisallow: /\n"
    assert '<meta name="robots" content="noindex' in project.read(HOME, "posts/a/index.html")
    robots = project.read(PRO, "robots.txt")
    assert "Allow: /" in robots and "Sitemap: https://pro.example.com/sitemap.xml" in robots
    assert "noindex" not in project.read(PRO, "posts/a/index.html")


def test_canonical_points_at_the_named_site(project: Project) -> None:
    text = (
        project.root / "splitblog.toml"
    ).read_text() + '\n[sites.personal.links]\nprofessional = "allow"\n'
    (project.root / "splitblog.toml").write_text(text)
    project.post("2026-01-01-cross", "all", canonical="professional")
    project.build()
    home = project.read(HOME, "posts/cross/index.html")
    assert '<link rel="canonical" href="https://pro.example.com/posts/cross/">' in home
    pro = project.read(PRO, "posts/cross/index.html")
    assert '<link rel="canonical" href="https://pro.example.com/posts/cross/">' in pro


def test_canonical_to_a_denied_site_is_an_error(project: Project) -> None:
    project.post("2026-01-01-cross", "all", canonical="professional")
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/2026-01-01-cross.md:5: canonical 'professional'" in result.stderr


def test_html_special_characters_are_escaped_everywhere(project: Project) -> None:
    nasty = '<script>alert(1)</script> & "q"'
    project.post("2026-01-01-x", PRO, title=nasty, tags=["<b>tag</b>"], summary='Sum <i>&</i> "m"')
    project.build()
    for rel in (
        "posts/x/index.html",
        "index.html",
        "archive/index.html",
        "tags/b-tag-b/index.html",
    ):
        html = project.read(PRO, rel)
        assert "<script>alert(1)</script>" not in html, rel
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html, rel
    for name in ("atom.xml", "rss.xml"):
        raw = project.read(PRO, name)
        assert "<script>" not in raw
        feed = feedparser.parse(raw)
        assert not feed.bozo
        assert feed.entries[0].title == nasty
    assert json.loads(project.read(PRO, "feed.json"))["items"][0]["title"] == nasty


def test_failed_build_leaves_public_byte_identical(project: Project) -> None:
    project.post("2026-01-01-a", PRO, title="Good")
    project.build()
    before = project.snapshot()
    assert before
    project.post("2026-01-02-b", PRO, title="Also good")
    project.write(
        "content/posts/broken.md", "---\ntitle: x\ndate: nope\naudience: professional\n---\n"
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/broken.md:3: date 'nope' is not a date" in result.stderr
    assert project.snapshot() == before


def test_check_writes_nothing(project: Project) -> None:
    project.post("2026-01-01-a", PRO)
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.stdout
    assert not (project.root / "public").exists()
    assert not (project.root / ".splitblog").exists()
    project.post("2026-01-02-b", PRO, body="[x](gone.md)\n")
    result = project.run("check")
    assert result.exit_code == 1 and "gone.md" in result.stderr
    assert not (project.root / "public").exists()


def test_site_option_builds_one_site_and_leaves_the_other(project: Project) -> None:
    project.post("2026-01-01-a", "all", title="Version One")
    project.build()
    home_before = project.files(HOME)
    project.post("2026-01-01-a", "all", title="Version Two")
    project.build("--site", "professional")
    assert "Version Two" in project.read(PRO, "posts/a/index.html")
    assert project.files(HOME) == home_before
    result = project.run("build", "--site", "nosuch")
    assert result.exit_code == 1 and "no site named 'nosuch'" in result.stderr


def test_output_option(project: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project.post("2026-01-01-a", PRO)
    target = tmp_path / "elsewhere"
    project.build("-o", str(target))
    assert (target / "professional/posts/a/index.html").is_file()
    assert not (project.root / "public").exists()


def test_markdown_features(project: Project) -> None:
    project.post(
        "2026-01-01-md",
        PRO,
        body="""\
        ## A "quoted" heading

        | a | b |
        | - | - |
        | 1 | 2 |

        ~~gone~~ and a note[^n].

        - [x] done
        - [ ] todo

        ```python
        def greet(name):
            return f"hi {name}"
        ```

        [^n]: The note.
        """,
    )
    project.build()
    html = project.read(PRO, "posts/md/index.html")
    assert '<h2 id="a-quoted-heading">A “quoted” heading</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<s>gone</s>" in html
    assert 'class="footnote-ref"' in html and "The note." in html
    assert 'type="checkbox"' in html
    assert '<pre class="highlight"><code class="language-python"><span class="k">def</span>' in html
    code_css = (project.out(PRO) / "css/code.css").read_text()
    # once for the light page, once inside the dark variant
    assert code_css.count("\n.highlight .k {") == 1 and code_css.count("\n  .highlight .k {") == 1


def test_summary_sources(project: Project) -> None:
    project.post(
        "2026-01-01-a",
        PRO,
        title="Explicit",
        summary="The given summary.",
        body="First paragraph A.\n",
    )
    project.post(
        "2026-01-02-b", PRO, title="More", body="Before more.\n\n<!-- more -->\n\nAfter more.\n"
    )
    project.post("2026-01-03-c", PRO, title="First", body="Para one.\n\nPara two.\n")
    project.build()
    home = project.read(PRO, "index.html")
    assert "The given summary." in home and "First paragraph A." not in home
    assert "Before more." in home and "After more." not in home
    assert "Para one." in home and "Para two." not in home


def test_unknown_front_matter_keys_reach_templates(project: Project) -> None:
    project.config(extra="")
    project.write(
        "themes/professional/templates/post.html",
        "{{ post.title }}|{{ post.extra.mood }}|{{ post.extra.rating }}\n",
    )
    project.post("2026-01-01-a", PRO, title="Extra", mood="cheerful", rating=5)
    project.build()
    assert project.read(PRO, "posts/a/index.html") == "Extra|cheerful|5\n"
    # The rest of the theme still comes from the shipped one, file by file.
    assert "<!doctype html>" in project.read(PRO, "index.html")


def test_toml_front_matter(project: Project) -> None:
    project.write(
        "content/posts/2026-01-01-toml.md",
        '+++\ntitle = "From TOML"\ndate = 2026-01-01T10:00:00+01:00\naudience = ["professional"]\n'
        'tags = ["x"]\n+++\n\nBody.\n',
    )
    project.build()
    assert "From TOML" in project.read(PRO, "posts/toml/index.html")


def test_persona_of_each_site(project: Project) -> None:
    project.post("2026-01-01-a", "all")
    project.build()
    assert "Pat Pro" in project.read(PRO, "index.html")
    assert "Patsy" in project.read(HOME, "index.html")
    project.assert_absent(PRO, "Patsy", "patsy@home.example.net")
    project.assert_absent(HOME, "Pat Pro", "pat@pro.example.com")


def test_python_dash_m_runs_the_cli(project: Project) -> None:
    import subprocess
    import sys

    project.post("2026-01-01-a", PRO)
    result = subprocess.run(
        [sys.executable, "-m", "splitblog", "build", "-c", str(project.root / "splitblog.toml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert project.exists(PRO, "posts/a/index.html")
    usage = subprocess.run(
        [sys.executable, "-m", "splitblog", "build", "--nope"], capture_output=True
    )
    assert usage.returncode == 2


def test_host_files_for_github_pages_and_netlify(project: Project) -> None:
    text = (project.root / "splitblog.toml").read_text()
    text = text.replace('theme = "personal"', 'theme = "personal"\nnoindex = true')
    text += '\n[sites.professional.deploy]\ntarget = "file:///tmp/x"\nhost = "github-pages"\n'
    text += '\n[sites.personal.deploy]\ntarget = "file:///tmp/y"\nhost = "netlify"\n'
    (project.root / "splitblog.toml").write_text(text)
    project.post("2026-01-01-a", "all")
    project.build()
    assert project.read(PRO, "CNAME") == "pro.example.com\n"
    assert project.read(PRO, ".nojekyll") == ""
    assert not project.exists(PRO, "_headers")
    assert "X-Robots-Tag: noindex" in project.read(HOME, "_headers")
    assert "/feed /atom.xml 301" in project.read(HOME, "_redirects")
    assert not project.exists(HOME, "CNAME")
