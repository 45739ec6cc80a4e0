"""Every address in raw HTML goes through the resolution and policy of Markdown links.

Raw HTML is read by a real tokenizer (site/html_addresses.py) and written out again from
what it read, so any quoting, spacing or letter case is judged; absolute and
root-relative addresses into another site of the project are judged by the linking
site's policy (the longest base_url owns an address: two sites may share a host); every
link to another site carries rel="noreferrer". Against the code before, each
`test_refused_*`, `test_stripped_*` and `test_referrer_*` case fails.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from splitblog.site.feeds import absolutize
from splitblog.site.html_addresses import canonical, css_pieces, split_list

from .conftest import Project

PRO, HOME = "professional", "personal"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


ONE_HOST = """\
[sites.professional]
title = "Pro Site"
base_url = "https://example.com/"
theme = "professional"
author = {{ name = "Pat Pro", email = "pat@pro.example.com" }}
links = {{ personal = "{pro}" }}

[sites.personal]
title = "Home Site"
base_url = "https://example.com/janey/"
theme = "personal"
author = {{ name = "Patsy", email = "patsy@home.example.net" }}
links = {{ professional = "{home}" }}
"""
LINE = 7  # the body's first line in the fixture's files

# A raw link to the personal-only post, written every way HTML allows.
FORMS = {
    "double-quoted": '<a href="2026-01-01-private.md">x</a>',
    "single-quoted": "<a href='2026-01-01-private.md'>x</a>",
    "unquoted": "<a href=2026-01-01-private.md>x</a>",
    "spaced": '<a  class="c"  href = "2026-01-01-private.md" >x</a>',
    "upper case": '<A HREF="2026-01-01-private.md">x</A>',
    "tab and newline": '<a\thref\n="2026-01-01-private.md">x</a>',
    "object data": '<object data="2026-01-01-private.md"></object>',
    "form action": '<form action="2026-01-01-private.md"><button>go</button></form>',
    "button formaction": '<button formaction="2026-01-01-private.md">go</button>',
    "srcset list": '<img src="https://img.example.org/a.png" srcset="https://img.example.org/b.png 1x, 2026-01-01-private.md 2x" alt="">',
    "style url()": "<span style=\"background:url('2026-01-01-private.md')\">s</span>",
    "style url() unquoted": '<span style="background:url(2026-01-01-private.md)">s</span>',
    "style with an escape": '<span style="background:u\\72l(2026-01-01-private.md)">s</span>',
    "meta refresh": '<meta http-equiv="refresh" content="0; url=2026-01-01-private.md">',
    "video poster": '<video poster="2026-01-01-private.md"></video>',
    "blockquote cite": '<blockquote cite="2026-01-01-private.md">q</blockquote>',
    "inside a paragraph": 'Words <a title="t" href=2026-01-01-private.md>x</a> more.',
}


def private_and_public(project: Project, body: str) -> None:
    project.post("2026-01-01-private", HOME, title="Private")
    project.post("2026-01-02-public", PRO, title="Public", body=body + "\n")


@pytest.mark.parametrize("markup", FORMS.values(), ids=FORMS.keys())
def test_refused_a_raw_link_to_a_post_the_site_does_not_publish(
    project: Project, markup: str
) -> None:
    private_and_public(project, markup)
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert (
        f"content/posts/2026-01-02-public.md:{LINE}: link to '2026-01-01-private.md' (only on "
        "personal) denied by professional's policy"
    ) in result.output
    assert project.snapshot() == {} and "Traceback" not in result.output


@pytest.mark.parametrize("markup", FORMS.values(), ids=FORMS.keys())
def test_stripped_a_raw_link_under_strip(project: Project, markup: str) -> None:
    project.config(extra='\n[sites.professional.links]\npersonal = "strip"\n')
    private_and_public(project, markup)
    project.build()
    project.assert_absent(PRO, "2026-01-01-private", "posts/private/", "home.example.net")


def test_a_raw_link_to_an_own_post_is_resolved_in_every_form(project: Project) -> None:
    project.post("2026-01-01-other", "all", title="Other")
    body = " ".join(
        f.replace("2026-01-01-private.md", "2026-01-01-other.md") for f in FORMS.values()
    )
    project.post("2026-01-02-public", "all", title="Public", body=body + "\n")
    project.build()
    page = project.read(PRO, "posts/public/index.html")
    assert page.count('"/posts/other/"') >= 8 and "2026-01-01-other.md" not in page
    assert "url(&quot;/posts/other/&quot;)" in page and "0; url=/posts/other/" in page
    assert "https://img.example.org/b.png 1x, /posts/other/ 2x" in page


# -- addresses into the other site, two sites on one host --------------------------------
INTO_PRO = {
    "absolute": '<a href="https://example.com/posts/work/">w</a>',
    "root-relative": "<a href=/posts/work/>w</a>",
    "scheme-relative": "<a href='//EXAMPLE.com:443/posts/work/'>w</a>",
    "upper-case host": '<a href="HTTPS://Example.COM/posts/work/">w</a>',
    "backslashes": '<a href="https:\\\\example.com\\posts\\work/">w</a>',
    "dot segments": '<a href="/janey/../posts/work/">w</a>',
    "relative climb": '<a href="../../../posts/work/">w</a>',
    "markdown": "[w](https://example.com/posts/work/)",
    "markdown root-relative": "[w](/posts/work/)",
    "img": '<img src="/posts/work/photo.jpg" alt="">',
}


def one_host(project: Project, pro: str = "deny", home: str = "deny") -> None:
    project.config(ONE_HOST.format(pro=pro, home=home))
    project.post("2026-01-01-work", PRO, title="Work")


@pytest.mark.parametrize("markup", INTO_PRO.values(), ids=INTO_PRO.keys())
def test_refused_an_address_of_the_other_site_on_the_same_host(
    project: Project, markup: str
) -> None:
    one_host(project)
    project.post("2026-01-02-diary", HOME, title="Diary", body=markup + "\n")
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert f"content/posts/2026-01-02-diary.md:{LINE}: link to '" in result.output
    assert "an address of the professional site, denied by personal's policy" in result.output
    assert project.snapshot() == {}


def test_an_address_of_the_site_itself_on_the_same_host_is_fine(project: Project) -> None:
    one_host(project)
    body = '<a href="/janey/posts/diary/">me</a> [me](https://example.com/janey/) <a href=/janey>x</a>\n'
    project.post("2026-01-02-diary", HOME, title="Diary", body=body)
    project.build()
    page = project.read(HOME, "posts/diary/index.html")
    assert (
        '<a href="/janey/posts/diary/">me</a>' in page
        and "noreferrer" not in page.split("<footer")[0]
    )


REFERRER = {
    "another attribute first": '<a class="x" href="https://example.com/posts/work/">w</a>',
    "single-quoted": "<a href='https://example.com/posts/work/'>w</a>",
    "unquoted, with a rel": "<a rel=me href=https://example.com/posts/work/>w</a>",
    "rel noreferrer already": '<a rel="noreferrer nofollow" href="https://example.com/posts/work/">w</a>',
    "root-relative": "<a href=/posts/work/>w</a>",
    "markdown": "[w](https://example.com/posts/work/)",
    "area": '<map name="m"><area href="https://example.com/posts/work/" alt="w"></map>',
}


@pytest.mark.parametrize("markup", REFERRER.values(), ids=REFERRER.keys())
def test_referrer_hidden_on_every_link_to_the_other_site(project: Project, markup: str) -> None:
    one_host(project, home="allow")
    project.post("2026-01-02-diary", HOME, title="Diary", body=markup + "\n")
    project.build()
    page = project.read(HOME, "posts/diary/index.html")
    body = page.split('class="post-body', 1)[1].split("</div>", 1)[0]
    [tag] = [t for t in body.split("<") if "posts/work/" in t]
    assert "noreferrer" in tag and tag.count("noreferrer") == 1, tag


def test_referrer_policy_on_an_image_of_the_other_site(project: Project) -> None:
    one_host(project, home="allow")
    project.post("2026-01-02-diary", HOME, title="Diary", body="![w](https://example.com/w.png)\n")
    project.build()
    page = project.read(HOME, "posts/diary/index.html")
    assert '<img src="https://example.com/w.png" alt="w" referrerpolicy="no-referrer" />' in page


def test_refused_where_the_referrer_cannot_be_hidden_even_under_allow(project: Project) -> None:
    one_host(project, home="allow")
    body = '<video poster="https://example.com/p.png"></video>\n'
    project.post("2026-01-02-diary", HOME, title="Diary", body=body)
    result = project.run("build")
    assert result.exit_code == 1
    assert "cannot be told not to send the referrer" in result.output


def test_stripped_addresses_of_the_other_site_lose_the_attribute_not_the_text(
    project: Project,
) -> None:
    one_host(project, home="strip")
    body = "<a class=k href=/posts/work/>kept text</a> [md](/posts/work/) <img srcset='/posts/work/a.png 2x, https://img.example.org/b.png 1x' src=https://img.example.org/b.png alt=''>\n"
    project.post("2026-01-02-diary", HOME, title="Diary", body=body)
    project.build()
    page = project.read(HOME, "posts/diary/index.html")
    assert '<a class="k">kept text</a> md <img srcset="https://img.example.org/b.png 1x"' in page
    project.assert_absent(HOME, "/posts/work/")


def test_the_other_sites_address_on_another_host_is_judged_too(project: Project) -> None:
    project.post("2026-01-01-home", HOME, title="Home")
    body = "<a href=https://home.example.net/posts/home/>x</a>\n"
    project.post("2026-01-02-pro", PRO, title="Pro", body=body)
    result = project.run("build")
    assert result.exit_code == 1 and "an address of the personal site" in result.output


# -- the tokenizer's reading is what the browser gets ------------------------------------
def test_a_comment_a_browser_ends_early_cannot_hide_a_link(project: Project) -> None:
    # HTML ends `<!-->` at once; some Python versions read a comment up to the next `-->`.
    # Written out again, the browser reads what splitblog read: one harmless comment.
    one_host(project)
    body = '<!--> <a href="https://example.com/posts/work/">w</a> -->\n\nText.\n'
    project.post("2026-01-02-diary", HOME, title="Diary", body=body)
    result = project.run("build")
    if result.exit_code == 0:
        project.assert_absent(HOME, '<a href="https://example.com/posts/work/"')
    else:  # refused by the policy, or by the audit, which reads comments too
        assert "denied by personal's policy" in result.output or (
            "audit: personal/posts/diary/index.html" in result.output
            and "which personal does not publish" in result.output
        ), result.output


def test_refused_an_unfinished_tag_and_a_base(project: Project) -> None:
    project.post("2026-01-02-a", PRO, title="A", body="<div title='x\n\nText.\n")
    project.post("2026-01-03-b", PRO, title="B", body='<base href="https://home.example.net/">\n')
    result = project.run("build")
    assert result.exit_code == 1
    assert "content/posts/2026-01-02-a.md:7: an unfinished HTML tag" in result.output
    assert "content/posts/2026-01-03-b.md:7: a <base> tag" in result.output


def test_the_line_of_a_raw_link_is_its_own(project: Project) -> None:
    project.post("2026-01-01-private", HOME, title="Private")
    body = "One.\n\nTwo <b>x</b>\nthree <a\nhref=2026-01-01-private.md>y</a>\n\n<div>\n\n<p>\n<img src=2026-01-01-private.md>\n</p>\n"
    project.post("2026-01-02-public", PRO, title="Public", body=body)
    result = project.run("build")
    lines = [text.split(":")[1] for text in result.output.splitlines() if "denied" in text]
    assert lines == [str(LINE + 3), str(LINE + 9)], result.output


# -- bundle files in raw HTML --------------------------------------------------------------
def test_bundle_files_in_raw_html_are_copied_only_where_shown(project: Project) -> None:
    body = (
        "<img src=sea.jpg alt=''> <img srcset='hill.jpg 2x, sea.jpg 1x' src=sea.jpg alt=''>\n\n"
        "::: only personal\n<a href='kids.jpg'>kids</a>\n:::\n"
    )
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        f"---\ntitle: Trip\ndate: 2026-01-01\naudience: all\n---\n{body}",
    )
    for name in ("sea.jpg", "hill.jpg", "kids.jpg"):
        project.write_bytes(f"content/posts/2026-01-01-trip/{name}", jpeg())
    project.build()
    assert project.exists(PRO, "posts/trip/sea.jpg") and project.exists(PRO, "posts/trip/hill.jpg")
    assert not project.exists(PRO, "posts/trip/kids.jpg") and project.exists(
        HOME, "posts/trip/kids.jpg"
    )
    page = project.read(PRO, "posts/trip/index.html")
    assert 'srcset="/posts/trip/hill.jpg 2x, /posts/trip/sea.jpg 1x"' in page


# -- the tokenizer's helpers, and feeds ----------------------------------------------------------
def test_feeds_make_every_address_absolute() -> None:
    markup = "<img srcset='a.jpg 1x, /b.jpg 2x' src=c.jpg><a href='../x/'>x</a><video poster=p.png></video>"
    page = "https://example.com/posts/p/"
    assert absolutize(markup, page) == (
        '<img srcset="https://example.com/posts/p/a.jpg 1x, https://example.com/b.jpg 2x" '
        'src="https://example.com/posts/p/c.jpg"><a href="https://example.com/posts/x/">x</a>'
        '<video poster="https://example.com/posts/p/p.png"></video>'
    )


def test_the_tokenizer_helpers() -> None:
    assert split_list("a.jpg 1x,b.jpg 2x, c.jpg", ",") == [
        ("a.jpg", " 1x"),
        ("b.jpg", " 2x"),
        ("c.jpg", ""),
    ]
    assert split_list("a,b.jpg 2x", ",") == [("a,b.jpg", " 2x")]
    pieces = css_pieces("a:url( 'x' ); b: URL(y); c: image-set(\"z\" 1x) /* url(no) */")
    urls = [p.url for p in pieces if not isinstance(p, str)]
    assert urls == ["x", "y", "z"]
    assert (
        canonical("<P CLASS=a>x &amp; y</P><!-- more -->")
        == '<p class="a">x &amp; y</p><!-- more -->'
    )
