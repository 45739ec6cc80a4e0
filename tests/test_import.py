"""`splitblog import`, end to end through the CLI, on exports written in the real formats
(tests/fixtures/import/): import → refused until tagged → tagged → built → each old
address redirects to the new one on that site only → links judged by the policies →
downloaded images cleaned → a second run changes nothing and leaves edited posts alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import BASE_CONFIG, Project
from .support.adversarial_files import holds, jpeg, png
from .support.files import tree
from .support.http_files import serving

FIXTURES = Path(__file__).parent / "fixtures" / "import"
# Everything the exports hold that is not the blogger's own writing: never imported.
OTHERS = ("Commenter Carl", "carl.commenter@example.com", "Lovely tomatoes", "Dora Another",
          "dora@example.com", "Rita Reader", "rita.reader@example.com", "Great numbers",
          "Gus Guest", "guest.writer@example.com", "jane.private@example.org",
          "janey.old@example.org", "Janey Oldname", "b:skin", "Notes from the garden")  # fmt: skip


def export(tmp_path: Path, name: str, server: str = "http://127.0.0.1:9") -> Path:
    """A fixture export with the test server's address in place of {{SERVER}}."""
    path = tmp_path / name
    path.write_text((FIXTURES / name).read_text(encoding="utf-8").replace("{{SERVER}}", server))
    return path


def content_text(project: Project) -> str:
    return "\n".join(
        data.decode("utf-8", "replace") for data in tree(project.root / "content").values()
    )


def set_audience(path: Path, audience: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nslug:", f"\naudience: {audience}\nslug:", 1), encoding="utf-8")


def photos() -> dict[str, bytes]:
    return {
        "/photos/beach.jpg": jpeg("BEACHGPSCANARY"),
        "/wp-content/uploads/2019/03/chart.png": png("CHARTCANARY"),
        "/photos/fake.jpg": b"<html><body>Not an image at all</body></html>",
        "/feed.xml": (FIXTURES / "feed.xml").read_bytes(),
    }


# -- Blogger ---------------------------------------------------------------------------------
def test_blogger_import_tag_build_redirect_and_reimport(project: Project, tmp_path: Path) -> None:
    project.config(
        BASE_CONFIG,
        '\n[sites.personal.permalinks]\nposts = "/{year}/{month}/{slug}.html"\n'
        'pages = "/p/{slug}.html"\n',
    )
    with serving(photos()) as (server, asked):
        source = export(tmp_path, "blogger.xml", server)
        result = project.run("import", "blogger", str(source), "--download-images")
    assert result.exit_code == 0, result.output
    assert "Imported 4, updated 0, unchanged 0, skipped 1" in result.stdout
    assert "entry 7: an untitled draft" in result.stdout
    assert "2 comments" in result.stdout and "2 settings" in result.stdout
    assert "1 templates" in result.stdout
    assert re.search(r"gone\.jpg not downloaded: the server answered 404", result.stdout)
    assert "raw HTML kept (iframe, table)" in result.stdout
    assert "/photos/beach.jpg" in asked
    posts = project.root / "content" / "posts"
    tomatoes = posts / "2009-10-05-first-tomatoes" / "index.md"
    seeds = posts / "2010-03-14-seeds-for-next-year.md"
    compost = posts / "2011-06-01-half-written-thoughts-on-compost.md"
    about = project.root / "content" / "pages" / "about.md"
    assert {p.exists() for p in (tomatoes, seeds, compost, about)} == {True}
    assert (tomatoes.parent / "beach.jpg").read_bytes() == jpeg("BEACHGPSCANARY")
    written = content_text(project)
    for other in OTHERS:
        assert other not in written, other
    text = tomatoes.read_text()
    assert "audience" not in text  # never guessed
    assert (
        "tags:\n- garden\n- tomatoes\n" in text
        and "aliases:\n- /2009/10/first-tomatoes.html" in text
    )
    assert "```python\ndef ripe(t):" in text and "[![The beach](beach.jpg)](beach.jpg)" in text
    assert "draft: true" in compost.read_text()
    # A link to another imported post (written on another country's blogspot domain)
    # became a link to its file, which the build's policies judge.
    assert "[the first tomatoes](/posts/2009-10-05-first-tomatoes.md)" in seeds.read_text()
    assert "[note about me](/pages/about.md)" in seeds.read_text()

    # Untagged: the build refuses each published post or page, one line each; the draft
    # without an audience stops nothing.
    refused = project.run("build")
    assert refused.exit_code == 1
    lines = [line for line in refused.stderr.splitlines() if "audience is missing" in line]
    assert sorted(line.split(":")[0] for line in lines) == [
        "content/pages/about.md",
        "content/posts/2009-10-05-first-tomatoes/index.md",
        "content/posts/2010-03-14-seeds-for-next-year.md",
    ]
    assert not project.exists("personal", "") and not project.exists("professional", "")
    listed = project.run("list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.count("no audience") == 8  # 4 files × 2 sites

    # Tagged: the seeds post for the professional site, the rest for personal.
    set_audience(tomatoes, "personal")
    set_audience(about, "personal")
    set_audience(seeds, "professional")
    denied = project.run("build")
    assert denied.exit_code == 1
    assert (
        "content/posts/2010-03-14-seeds-for-next-year.md:14: link to "
        "'/posts/2009-10-05-first-tomatoes.md' (only on personal) denied by professional's policy"
    ) in denied.stderr
    project.config(
        BASE_CONFIG,
        '\n[sites.personal.permalinks]\nposts = "/{year}/{month}/{slug}.html"\n'
        'pages = "/p/{slug}.html"\n[sites.professional.links]\npersonal = "strip"\n',
    )
    project.build()
    # personal keeps Blogger's addresses: the old address is the post itself.
    page = project.read("personal", "2009/10/first-tomatoes.html")
    assert "The first tomatoes" in page and "http-equiv" not in page
    assert project.exists("personal", "p/about.html")
    # professional has its own addresses: the old one redirects, on that site only.
    redirect = project.read("professional", "2010/03/seeds-for-next-year.html")
    new = "https://pro.example.com/posts/seeds-for-next-year/"
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in redirect
    assert f'<link rel="canonical" href="{new}">' in redirect
    assert '<meta name="robots" content="noindex">' in redirect and f'<a href="{new}">' in redirect
    assert not project.exists("personal", "2010/03/seeds-for-next-year.html")
    assert not project.exists("professional", "2009/10/first-tomatoes.html")
    # The link to the personal post was stripped by professional's policy: text kept.
    seeds_page = project.read("professional", "posts/seeds-for-next-year/index.html")
    assert "the first tomatoes" in seeds_page and "first-tomatoes" not in seeds_page
    # The downloaded photo is published cleaned, beside the post.
    published = (project.out("personal") / "2009/10/first-tomatoes/beach.jpg").read_bytes()
    assert not holds(published, "BEACHGPSCANARY") and b"GPS" not in published
    for site in ("professional", "personal"):
        project.assert_absent(site, *OTHERS)

    # A second run: the same files, nothing added, the user's audience kept.
    before = tree(project.root / "content")
    again = project.run("import", "blogger", str(source))
    assert again.exit_code == 0, again.output
    assert "Imported 0, updated 1, unchanged 3, skipped 1" in again.stdout  # the photo stays
    after = tree(project.root / "content")
    assert after.keys() == before.keys()
    assert "audience: personal" in tomatoes.read_text()
    # A post edited since is left alone, and said so; the exit status stays 0.
    seeds.write_text(seeds.read_text().replace("Saved seeds", "Kept seeds"))
    edited = seeds.read_bytes()
    third = project.run("import", "blogger", str(source))
    assert third.exit_code == 0, third.output
    assert (
        "content/posts/2010-03-14-seeds-for-next-year.md: edited since it was imported: "
        "left as it is"
    ) in third.stdout
    assert seeds.read_bytes() == edited


# -- WordPress ---------------------------------------------------------------------------------
def test_wordpress_import_with_audience(project: Project, tmp_path: Path) -> None:
    project.config(
        BASE_CONFIG, '\n[sites.professional.deploy]\ntarget = "file:///tmp/x"\nhost = "netlify"\n'
    )
    with serving(photos()) as (server, _asked):
        source = export(tmp_path, "wordpress.xml", server)
        result = project.run("import", "wordpress", str(source), "--audience", "professional",
                             "--download-images")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Imported 5, updated 0, unchanged 0, skipped 1" in result.stdout
    assert "item 7 (Acme Corp): of type 'portfolio'" in result.stdout
    assert "1 attachments" in result.stdout and "1 comments" in result.stdout
    assert "2 author names and emails" in result.stdout and "1 menu items" in result.stdout
    written = content_text(project)
    for other in OTHERS:
        assert other not in written, other
    posts = project.root / "content" / "posts"
    q3 = (posts / "2019-03-05-q3-campaign-results" / "index.md").read_text()
    assert "audience:\n- professional\n" in q3
    assert "tags:\n- Campaigns\n- Q3\n- results\n" in q3  # categories and tags
    assert "summary: Q3 beat its target." in q3
    assert "- /2019/03/05/q3-campaign-results/\n- /?p=123\n" in q3
    assert "![Chart](chart.png)" in q3  # root-relative: fetched from the old blog's host
    assert "[plan for Q4](/posts/2019-04-01-planning-q4.md)" in q3
    assert "[the same by id](/posts/2019-04-01-planning-q4.md)" in q3
    assert "```sql\nSELECT sum(clicks) FROM q3;\n```" in q3
    assert "Uncategorized" not in written
    private = (posts / "2019-04-02-salary-negotiations.md").read_text()
    draft = (posts / "2019-05-01-ideas-for-2020.md").read_text()
    assert "draft: true" in private and "draft: true" in draft
    assert "aliases" not in private  # never public: no old address to keep
    result = project.build()
    assert "warning" not in result.stderr  # netlify serves the /?p= aliases
    redirects = project.read("professional", "_redirects")
    assert "/ p=123 /posts/q3-campaign-results/ 301\n" in redirects
    assert "/ page_id=2 /about/ 301\n" in redirects
    assert "/2019/03/05/q3-campaign-results/ /posts/q3-campaign-results/ 301\n" in redirects
    assert project.exists("professional", "2019/03/05/q3-campaign-results/index.html")
    assert not project.exists("professional", "posts/salary-negotiations/index.html")
    assert not project.contains_anywhere("professional", "Only for me")
    chart = (project.out("professional") / "posts/q3-campaign-results/chart.png").read_bytes()
    assert not holds(chart, "CHARTCANARY")
    q4 = project.read("professional", "posts/q3-campaign-results/index.html")
    assert 'href="/posts/planning-q4/"' in q4


def test_query_aliases_without_a_redirect_file_are_said_once(
    project: Project, tmp_path: Path
) -> None:
    source = export(tmp_path, "wordpress.xml")
    assert project.run("import", "wordpress", str(source), "-a", "professional").exit_code == 0
    result = project.build()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: sites.professional.deploy.host: 3 aliases of the professional site cannot be "
        "served by a page (/?p=124, /?p=123, /?page_id=2): only a host's redirect file can — "
        'set host = "netlify" to serve them from its _redirects file'
    ]
    assert not any("?" in name for name in project.files("professional"))


# -- Jekyll and Hugo -------------------------------------------------------------------------------
def test_jekyll_site_import(project: Project) -> None:
    result = project.run("import", "jekyll", str(FIXTURES / "jekyll"), "-a", "professional")
    assert result.exit_code == 0, result.output
    assert "Imported 4, updated 0, unchanged 0, skipped 0" in result.stdout
    posts = project.root / "content" / "posts"
    old = (posts / "2010-02-05-old-post" / "index.md").read_text()
    assert "date: '2010-02-05T00:00:00'" in old  # from the file name
    assert "tags:\n- marketing\n- funnels\n- work\n" in old  # space-separated, and categories
    assert "aliases:\n- /2010/02/05/old-post.html\n" in old  # _config.yml's permalink
    assert "[the newer one](/posts/2011-05-01-newer.md)" in old  # {% post_url %}
    assert "![diagram](diagram.png)" in old and '```ruby\nputs "hi"\n```' in old
    assert "layout" not in old
    assert (posts / "2010-02-05-old-post" / "diagram.png").exists()
    newer = (posts / "2011-05-01-newer.md").read_text()
    assert "aliases:\n- /newer-post/\n" in newer  # the post's own permalink
    assert "summary: The newer one, in short." in newer
    assert "[the old one](/posts/2010-02-05-old-post.md)" in newer
    assert "draft: true" in (posts / "2012-01-01-hidden.md").read_text()  # published: false
    drafts = [p for p in posts.iterdir() if p.name.endswith("-a-draft.md")]
    assert len(drafts) == 1 and "draft: true" in drafts[0].read_text()
    built = project.build()
    warning = [line for line in built.stderr.splitlines() if "Liquid" in line]
    assert warning == [
        "warning: content/posts/2011-05-01-newer.md:14: a Liquid tag '{% include note.html %}' "
        "is published as text — splitblog does not run it: it is published as written; write "
        "what it makes (Markdown or HTML), or put it in a code span if it is meant as text"
    ]
    assert project.exists("professional", "2010/02/05/old-post.html")
    assert project.exists("professional", "newer-post/index.html")
    image = (project.out("professional") / "posts/old-post/diagram.png").read_bytes()
    assert not holds(image, "JEKYLLCANARY")
    assert not project.exists("professional", "posts/hidden/index.html")


def test_hugo_content_import(project: Project) -> None:
    result = project.run("import", "hugo", str(FIXTURES / "hugo" / "content"), "-a", "personal")
    assert result.exit_code == 0, result.output
    assert "Imported 7, updated 0, unchanged 0, skipped 1" in result.stdout
    assert "_index.md: the home page's text" in result.stdout
    content = project.root / "content"
    first = (content / "posts" / "2020-01-05-first" / "index.md").read_text()
    assert "updated: '2020-01-06T10:00:00+01:00'" in first  # lastmod
    assert "summary: A first post, described." in first
    assert "- /old/first-post/\n- /2020/01/first.html\n" in first
    assert "![](map.png)" in first and "[trip](/posts/2020-02-01-a-trip.md)" in first
    assert (content / "posts" / "2020-01-05-first" / "map.png").exists()  # from static/
    trip = content / "posts" / "2020-02-01-a-trip"
    assert (trip / "view.png").exists() and "slug: a-trip" in (trip / "index.md").read_text()
    assert (content / "pages" / "blog" / "_index.md").exists()
    assert (content / "pages" / "posts" / "_index.md").exists()
    assert (
        "expiryDate: '2020-04-01T00:00:00'"
        in (content / "posts" / "2020-03-01-expired.md").read_text()
    )
    assert "TOML front matter" in (content / "pages" / "about.md").read_text()
    built = project.build()
    shortcodes = [line for line in built.stderr.splitlines() if "shortcode" in line]
    assert shortcodes == [
        "warning: content/posts/2020-02-01-a-trip/index.md:17: a Hugo shortcode "
        "'{{< youtube w7Ft2ymGmfc >}}' is published as text — splitblog does not run it: it is "
        "published as written; write what it makes (Markdown or HTML), or put it in a code "
        "span if it is meant as text"
    ]
    assert "The blog section" in project.read("personal", "blog/index.html")
    assert "All the posts" in project.read("personal", "posts/index.html")
    redirect = project.read("personal", "old/first-post/index.html")
    assert 'content="0; url=https://home.example.net/posts/first/"' in redirect
    assert project.exists("personal", "2020/01/first.html")
    assert not project.exists("personal", "posts/expired/index.html")  # expiryDate passed
    assert not project.exists("personal", "posts/draft/index.html")
    assert not project.exists("professional", "old/first-post/index.html")
    assert not project.contains_anywhere("personal", "HUGOVIEWCANARY")


# -- feeds -------------------------------------------------------------------------------------
def test_feed_from_a_file_and_from_a_url(project: Project) -> None:
    result = project.run("import", "feed", str(FIXTURES / "feed.xml"), "-a", "professional")
    assert result.exit_code == 0, result.output
    assert "Imported 2, updated 0, unchanged 0, skipped 0" in result.stdout
    funnels = (project.root / "content/posts/2021-01-10-funnels.md").read_text()
    assert "[retention](/posts/2021-02-01-retention.md)" in funnels
    assert "aliases:\n- /2021/01/funnels/\n" in funnels
    assert "notes.jane@example.org" not in content_text(project)
    with serving(photos()) as (server, asked):
        again = project.run("import", "feed", f"{server}/feed.xml", "-a", "professional")
    assert again.exit_code == 0, again.output
    assert "Imported 0, updated 0, unchanged 2" in again.stdout and asked == ["/feed.xml"]
    project.build()
    assert project.exists("professional", "2021/01/funnels/index.html")


# -- what goes wrong ----------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol3;</title></entry></feed>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&secret;</title></entry></feed>
"""


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("blogger", (FIXTURES / "blogger.xml").read_bytes()[:3000],
         "blogger.xml:40: not well-formed XML: unclosed token — the file is damaged or cut short"),
        ("blogger", BILLION_LAUGHS.encode(),
         "blogger.xml: the export declares entities or external references (EntitiesForbidden)"),
        ("feed", EXTERNAL.encode(),
         "blogger.xml: the export declares entities or external references (EntitiesForbidden)"),
        ("blogger", "<feed xmlns='http://www.w3.org/2005/Atom'><title>Café</title></feed>".encode("latin-1"),
         "blogger.xml:1: not UTF-8 (byte 0xe9) and no encoding declared — save it as UTF-8"),
        ("blogger", (FIXTURES / "wordpress.xml").read_bytes(),
         "blogger.xml: not a Blogger export (its root element is <rss>, not <feed>)"),
        ("wordpress", (FIXTURES / "feed.xml").read_bytes(),
         "blogger.xml: not a WordPress export (no <rss><channel> with a <wp:wxr_version>)"),
        ("feed", b"<html><body>hello</body></html>",
         "blogger.xml: not an RSS or Atom feed (its root element is <html>)"),
    ],
)  # fmt: skip
def test_a_bad_export_is_one_line_and_writes_nothing(
    project: Project, tmp_path: Path, kind: str, data: bytes, expected: str
) -> None:
    source = tmp_path / "blogger.xml"
    source.write_bytes(data)
    project.post("mine", body="My own post.\n")
    before = tree(project.root / "content")
    result = project.run("import", kind, str(source), "-a", "personal")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1] == "1 problem found; nothing was written."
    assert lines[0].replace(str(tmp_path) + "/", "").startswith(expected), lines[0]
    assert tree(project.root / "content") == before


def test_a_huge_export_is_refused(project: Project, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from splitblog.importers import xmlread

    monkeypatch.setattr(xmlread, "MAX_BYTES", 1000)
    source = export(tmp_path, "blogger.xml")
    result = project.run("import", "blogger", str(source))
    assert result.exit_code == 1
    assert (
        "more than splitblog reads" in result.stderr and "export the blog in parts" in result.stderr
    )
    assert not (project.root / "content" / "posts").exists()


def test_a_feed_url_that_does_not_answer(project: Project) -> None:
    with serving({}) as (server, _asked):
        missing = project.run("import", "feed", f"{server}/nothing.xml")
    dead = project.run("import", "feed", "http://127.0.0.1:9/feed.xml")
    assert missing.exit_code == dead.exit_code == 1
    assert "cannot fetch the feed: the server answered 404" in missing.stderr
    assert "cannot fetch the feed: no answer" in dead.stderr
    assert not (project.root / "content").exists()


def test_an_export_in_another_encoding_is_read_by_its_declaration(
    project: Project, tmp_path: Path
) -> None:
    text = (FIXTURES / "feed.xml").read_text().replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    text = text.replace("Notes on funnels", "Café notes on funnels")
    source = tmp_path / "latin.xml"
    source.write_bytes(text.encode("latin-1"))
    result = project.run("import", "feed", str(source), "-a", "professional")
    assert result.exit_code == 0, result.output
    assert "title: Café notes on funnels" in content_text(project)


def test_an_image_that_is_not_an_image_is_listed(project: Project, tmp_path: Path) -> None:
    with serving(photos()) as (server, _asked):
        feed = tmp_path / "feed.xml"
        feed.write_text(
            '<rss version="2.0"><channel><title>T</title><link>https://old.example.org/</link>'
            f"<item><title>Pics</title><link>https://old.example.org/pics/</link>"
            f"<pubDate>Tue, 05 Mar 2019 09:30:00 +0000</pubDate><description>&lt;img "
            f'src="{server}/photos/fake.jpg"&gt;&lt;img src="{server}/photos/beach.jpg"&gt;'
            "</description></item></channel></rss>"
        )
        result = project.run("import", "feed", str(feed), "--download-images", "-a", "personal")
    assert result.exit_code == 0, result.output
    assert (
        f"image {server}/photos/fake.jpg not downloaded: not an image (UTF-8 text)" in result.stdout
    )
    bundle = project.root / "content" / "posts" / "2019-03-05-pics"
    assert sorted(p.name for p in bundle.iterdir()) == ["beach.jpg", "index.md"]
    assert f"{server}/photos/fake.jpg" in (bundle / "index.md").read_text()


def test_unknown_audience_is_refused_before_reading(project: Project) -> None:
    result = project.run("import", "feed", str(FIXTURES / "feed.xml"), "-a", "friends")
    assert result.exit_code == 1
    assert "unknown audience 'friends' — use one of: professional, personal, all" in result.stderr
    assert not (project.root / "content").exists()


def test_aliases_two_posts_claim_are_left_out_and_listed(project: Project, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    item = ("<item><title>{0}</title><link>https://old.example.org/{1}</link><guid>{0}</guid>"
            "<pubDate>Tue, 05 Mar 2019 09:30:00 +0000</pubDate><description>x</description></item>")  # fmt: skip
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><link>https://old.example.org/</link>'
        + item.format("One", "same/")
        + item.format("Two", "same/")
        + item.format("Tags", "tags/")
        + "</channel></rss>"
    )
    result = project.run("import", "feed", str(feed), "-a", "personal")
    assert result.exit_code == 0, result.output
    assert (
        "old address /same/ left out: content/posts/2019-03-05-same.md has it too" in result.stdout
    )
    assert "old address /tags/ left out: splitblog makes a page there" in result.stdout
    project.build()


def test_a_jekyll_link_home_needs_no_attention(project: Project) -> None:
    result = project.run("import", "jekyll", str(FIXTURES / "jekyll"))
    assert result.exit_code == 0, result.output
    assert "leads nowhere" not in result.stdout
    assert "4 files written without an audience" in result.stdout


TAKEOUT = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:blogger="http://schemas.google.com/blogger/2018">
<id>tag:blogger.com,1999:blog-42</id>
<title>Takeout blog</title>
<link rel="alternate" type="text/html" href="https://takeout.blogspot.com/"/>
<entry>
  <id>tag:blogger.com,1999:blog-42.post-1</id>
  <blogger:type>POST</blogger:type><blogger:status>LIVE</blogger:status>
  <blogger:filename>/2018/05/spring.html</blogger:filename>
  <author><name>Owner Name</name></author>
  <title>Spring</title><content type="html">&lt;p&gt;Blossoms.&lt;/p&gt;</content>
  <published>2018-05-01T10:00:00Z</published><category term="seasons"/>
</entry>
<entry>
  <id>tag:blogger.com,1999:blog-42.post-2</id>
  <blogger:type>COMMENT</blogger:type><blogger:parent>tag:blogger.com,1999:blog-42.post-1</blogger:parent>
  <author><name>Takeout Commenter</name></author>
  <title>Nice</title><content type="html">Nice blossoms, from Takeout Commenter</content>
</entry>
<entry>
  <id>tag:blogger.com,1999:blog-42.post-3</id>
  <blogger:type>POST</blogger:type><blogger:status>DELETED</blogger:status>
  <title>Gone</title><content type="html">gone</content><published>2018-06-01T10:00:00Z</published>
</entry>
</feed>
"""


def test_blogger_takeout_format(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "feed.atom"
    source.write_text(TAKEOUT)
    result = project.run("import", "blogger", str(source), "-a", "personal")
    assert result.exit_code == 0, result.output
    assert "Imported 1, updated 0, unchanged 0, skipped 1" in result.stdout
    assert "entry 3: deleted on Blogger" in result.stdout and "1 comments" in result.stdout
    text = content_text(project)
    assert "Takeout Commenter" not in text and "Owner Name" not in text
    assert "aliases:\n- /2018/05/spring.html\n" in text and "- seasons" in text


def test_a_long_front_matter_does_not_hide_the_import_id(project: Project, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    tags = "".join(f'<category term="a-rather-long-tag-number-{n}"/>' for n in range(800))
    feed.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://x.example.org/"/>'
        "<entry><id>one</id><title>Long</title><published>2020-01-01T00:00:00Z</published>"
        f'<link href="https://x.example.org/long/"/>{tags}'
        "<content type='html'>&lt;p&gt;Body.&lt;/p&gt;</content></entry></feed>"
    )
    assert project.run("import", "feed", str(feed)).exit_code == 0
    written = next((project.root / "content" / "posts").iterdir()).read_text()
    assert written.index("import_id:") > 8192  # past what a first block read would see
    again = project.run("import", "feed", str(feed))
    assert "Imported 0, updated 0, unchanged 1" in again.stdout
    assert len(list((project.root / "content" / "posts").iterdir())) == 1
