"""Each persona's own face: its profiles (author.links, rel="me") and its comments, shown
on its own site only; the other persona's profiles and comment repository are audit
findings wherever they are written; two sites on one comment repository or server are a
configuration error naming both."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from .conftest import Project

CONFIG = """\
[sites.professional]
title = "Pro Site"
base_url = "https://pro.example.com/"
theme = "professional"
{pro}

[sites.professional.author]
name = "Pat Pro"
email = "pat@pro.example.com"
links = {{ linkedin = "https://www.linkedin.com/in/pat-pro/", mastodon = "https://hachyderm.io/@patpro" }}

[sites.personal]
title = "Home Site"
base_url = "https://home.example.net/"
theme = "personal"
{home}

[sites.personal.author]
name = "Patsy"
email = "patsy@home.example.net"
links = {{ flickr = "https://www.flickr.com/photos/patsy-bakes/", mastodon = "https://mastodon.social/@patsy", "my band" = "https://patsy.bandcamp.com/" }}
"""
PRO_LINKS = ("https://www.linkedin.com/in/pat-pro/", "https://hachyderm.io/@patpro")
HOME_LINKS = (
    "https://www.flickr.com/photos/patsy-bakes/",
    "https://mastodon.social/@patsy",
    "https://patsy.bandcamp.com/",
)
GISCUS = (
    'comments = {{ provider = "giscus", repo = "{repo}", repo_id = "{repo_id}", '
    'category = "Comments", category_id = "DIC_kw{repo_id}" }}'
)


def configure(project: Project, pro: str = "", home: str = "") -> None:
    project.config(CONFIG.format(pro=pro, home=home))


def pages(project: Project, site: str) -> dict[str, str]:
    return {
        rel: data.decode() for rel, data in project.files(site).items() if rel.endswith(".html")
    }


def html(project: Project, site: str, rel: str) -> LexborHTMLParser:
    return LexborHTMLParser(project.read(site, rel))


@pytest.fixture
def two(project: Project) -> Project:
    configure(project)
    project.post("2026-01-10-work", "professional", title="Work & Play: “Notes”")
    project.post("2026-01-11-home", "personal", title="Sourdough Day")
    project.post("2026-01-12-both", "all", title="For Everyone", personal={"title": "For Friends"})
    project.page("about", "all")
    return project


# -- profiles ------------------------------------------------------------------------------
def test_profiles_are_shown_with_rel_me_on_their_own_site_only(two: Project) -> None:
    two.build()
    for site, mine, theirs in (
        ("professional", PRO_LINKS, HOME_LINKS),
        ("personal", HOME_LINKS, PRO_LINKS),
    ):
        for rel in pages(two, site):
            if rel == "404.html" or rel.startswith("posts/") or rel == "index.html":
                tree = html(two, site, rel)
                shown = {a.attributes["href"]: a for a in tree.css('a[rel="me"]')}
                assert set(shown) == set(mine), (site, rel)
                heads = {link.attributes["href"] for link in tree.css('head link[rel="me"]')}
                assert heads == set(mine), (site, rel)
        two.assert_absent(site, *theirs, *(t.split("://")[1].rstrip("/") for t in theirs))
    home = html(two, "personal", "index.html")
    labels = {a.text() for a in home.css('a[rel="me"]')}
    assert labels == {"Flickr", "Mastodon", "my band"}  # known names get their label
    pro = html(two, "professional", "index.html")
    assert {a.text() for a in pro.css('a[rel="me"]')} == {"LinkedIn", "Mastodon"}


FOREIGN_PROFILES = {
    "a Markdown link": "[me](https://www.flickr.com/photos/patsy-bakes/)",
    "without www or the final slash": "[me](https://flickr.com/photos/patsy-bakes)",
    "http, in capitals": "<a href='HTTP://WWW.FLICKR.COM/photos/PATSY-bakes/'>x</a>",
    "written as text": "I post at flickr.com/photos/patsy-bakes now.",
    "behind entities": "I post at flickr&#46;com/photos/patsy&#45;bakes now.",
    "as a fediverse handle": "Say hi: @patsy@mastodon.social!",
    "its mastodon address": "<https://mastodon.social/@patsy>",
    "an unknown profile name": "My music: patsy.bandcamp.com",
    "in a front-matter summary": None,
}


@pytest.mark.parametrize("how", list(FOREIGN_PROFILES))
def test_another_personas_profile_typed_in_a_post_is_refused(two: Project, how: str) -> None:
    body = FOREIGN_PROFILES[how]
    if body is None:
        two.post("2026-01-13-leak", "professional", summary="See flickr.com/photos/patsy-bakes")
    else:
        two.post("2026-01-13-leak", "professional", body=body + "\n")
    result = two.run("build")
    assert result.exit_code == 1, result.output
    assert "personal's" in result.stderr and "profile" in result.stderr, result.stderr
    assert "content/posts/2026-01-13-leak.md" in result.stderr
    assert not (two.root / "public" / "professional").exists()  # nothing written


def test_the_other_way_round_too_and_a_shared_profile_is_no_finding(project: Project) -> None:
    configure(project)
    project.post("2026-01-13-leak", "personal", body="Work: linkedin.com/in/pat-pro\n")
    result = project.run("build")
    assert result.exit_code == 1 and "professional's linkedin profile" in result.stderr
    # A profile both personas list (as with a shared email) identifies neither.
    config = project.root / "splitblog.toml"
    config.write_text(
        config.read_text().replace(
            '"my band" = ', 'linkedin = "https://www.linkedin.com/in/pat-pro/", x = '
        )
    )
    project.build()


def test_a_profile_must_be_a_web_address(project: Project) -> None:
    configure(project)
    config = project.root / "splitblog.toml"
    config.write_text(
        config.read_text().replace('"https://hachyderm.io/@patpro"', '"hachyderm.io/@patpro"')
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "sites.professional.author.links.mastodon: 'hachyderm.io/@patpro' is not an http(s) address"
        in result.stderr
    )


# -- comments -------------------------------------------------------------------------------
def test_email_is_the_default_a_reply_link_with_the_posts_own_title(two: Project) -> None:
    two.build()
    reply = html(two, "professional", "posts/work/index.html").css_first(".comments .reply a")
    assert reply is not None
    assert reply.attributes["href"] == (
        "mailto:pat@pro.example.com?subject=Work%20%26%20Play%3A%20%E2%80%9CNotes%E2%80%9D"
    )
    assert reply.text() == "Reply by email"
    friends = html(two, "personal", "posts/both/index.html").css_first(".reply a")
    assert friends is not None  # the site's own persona and the site's own title
    assert friends.attributes["href"] == "mailto:patsy@home.example.net?subject=For%20Friends"
    for site in ("professional", "personal"):
        for rel, text in pages(two, site).items():  # on post pages only
            assert ('class="comments"' in text) == rel.startswith("posts/"), (site, rel)
    two.assert_absent("professional", "patsy@home.example.net", "For Friends")


def test_off_shows_nothing_and_comments_false_turns_one_post_off(project: Project) -> None:
    configure(project, home='comments = "off"')
    project.post("2026-01-10-work", "professional", title="Talk To Me")
    project.post("2026-01-11-quiet", "professional", title="Quiet One", comments=False)
    project.post("2026-01-12-both", "all", title="Shared", professional={"comments": False})
    project.post("2026-01-13-home", "personal", title="Home Post")
    project.build()
    assert 'class="comments"' in project.read("professional", "posts/work/index.html")
    assert 'class="comments"' not in project.read("professional", "posts/quiet/index.html")
    assert 'class="comments"' not in project.read("professional", "posts/both/index.html")
    for text in pages(project, "personal").values():
        assert 'class="comments"' not in text and "mailto:patsy@home.example.net?" not in text


SERVICES = {
    "giscus": (
        GISCUS.format(repo="patpro/site-talk", repo_id="R_kgDO1") + "\n"
        'comments_policy = "Be kind; unkind comments are removed."',
        "https://giscus.app/client.js",
        {"data-repo": "patpro/site-talk", "data-repo-id": "R_kgDO1", "data-mapping": "pathname",
         "data-loading": "lazy", "crossorigin": "anonymous"},
    ),
    "utterances": (
        'comments = { provider = "utterances", repo = "patpro/site-talk", label = "comment" }',
        "https://utteranc.es/client.js",
        {"repo": "patpro/site-talk", "issue-term": "pathname", "label": "comment",
         "crossorigin": "anonymous"},
    ),
    "isso": (
        'comments = { provider = "isso", url = "https://talk.pro.example.com" }',
        "https://talk.pro.example.com/js/embed.min.js",
        {"data-isso": "https://talk.pro.example.com/"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_embedded_service_only_on_its_sites_post_pages(two: Project, service: str) -> None:
    setting, script, attributes = SERVICES[service]
    configure(two, pro=setting)
    two.build()
    tree = html(two, "professional", "posts/work/index.html")
    tag = tree.css_first(".comments script")
    assert tag is not None and tag.attributes["src"] == script
    for name, value in attributes.items():
        assert tag.attributes[name] == value, name
    if service == "isso":
        assert tree.css_first(".comments #isso-thread") is not None
    if service == "giscus":
        policy = tree.css_first(".comments .comments-policy")
        assert policy is not None and policy.text() == "Be kind; unkind comments are removed."
    host = script.split("/")[2]
    for rel, data in two.files("professional").items():  # no other page asks the service
        fetched = host.encode() in data
        assert fetched == (rel.startswith("posts/") and rel.endswith(".html")), rel
    two.assert_absent("personal", host, "patpro/site-talk", "talk.pro.example.com")
    assert "mailto:" not in tree.css_first(".comments").html  # the service replaces email


@pytest.mark.parametrize(
    ("pro", "home", "tie"),
    [
        (GISCUS.format(repo="pat/talk", repo_id="R_1"), GISCUS.format(repo="pat/talk", repo_id="R_2"), "the repository pat/talk"),
        (GISCUS.format(repo="pat/talk", repo_id="R_1"), 'comments = { provider = "utterances", repo = "PAT/Talk" }', "the repository PAT/Talk"),
        (GISCUS.format(repo="pat/work", repo_id="R_1"), GISCUS.format(repo="pat/home", repo_id="R_2"), "the GitHub account pat"),
        (GISCUS.format(repo="pro/work", repo_id="R_1"), GISCUS.format(repo="home/talk", repo_id="R_1"), "the repository id R_1"),
        ('comments = { provider = "isso", url = "https://talk.example.org/pro/" }', 'comments = { provider = "isso", url = "http://TALK.example.org:80/home" }', "the server"),
    ],
)  # fmt: skip
def test_two_sites_on_one_comment_repository_or_server_is_an_error_naming_both(
    two: Project, pro: str, home: str, tie: str
) -> None:
    configure(two, pro=pro, home=home)
    result = two.run("build")
    assert result.exit_code == 1, result.output
    assert "splitblog.toml: sites.personal.comments:" in result.stderr
    assert tie in result.stderr and "sites.professional's" in result.stderr
    assert "ties their personas together" in result.stderr
    assert "Traceback" not in result.output
    assert not (two.root / "public" / "professional").exists()


def test_two_sites_with_services_of_their_own_build(two: Project) -> None:
    configure(
        two,
        pro=GISCUS.format(repo="patpro/talk", repo_id="R_1"),
        home='comments = { provider = "isso", url = "https://talk.home.example.net/" }',
    )
    two.build()
    assert "giscus.app" in two.read("professional", "posts/work/index.html")
    assert "talk.home.example.net/js/embed.min.js" in two.read("personal", "posts/home/index.html")


def test_the_other_sites_comment_repository_written_in_a_post_is_a_finding(two: Project) -> None:
    configure(two, home=GISCUS.format(repo="patsy-bakes/crumbs", repo_id="R_9"))
    two.post("2026-01-13-leak", "professional", body="Issues: github.com/patsy-bakes/crumbs\n")
    result = two.run("build")
    assert result.exit_code == 1 and "personal's comments" in result.stderr, result.output


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('comments = "maybe"', "sites.professional.comments: unknown comments setting 'maybe'"),
        ('comments = { provider = "disqus" }', "sites.professional.comments.provider: unknown comment service 'disqus'"),
        ('comments = { repo = "a/b" }', "sites.professional.comments.provider: missing"),
        ('comments = { provider = "giscus", repo = "a/b" }', "sites.professional.comments.repo_id: missing"),
        ('comments = { provider = "utterances", repo = "not a repo" }', "sites.professional.comments.repo: 'not a repo' is not a repository"),
        ('comments = { provider = "utterances", repo = "a/b", colour = "red" }', "sites.professional.comments.colour: unknown key"),
        ('comments = { provider = "isso" }', "sites.professional.comments.url: missing"),
        ('comments = { provider = "isso", url = "ftp://x.example/" }', "sites.professional.comments.url: 'ftp://x.example/' is not an http(s) address"),
        ("comments = 3", "sites.professional.comments: must be a string or a table, not an integer"),
    ],
)  # fmt: skip
def test_a_bad_comments_setting_names_its_key(two: Project, setting: str, message: str) -> None:
    configure(two, pro=setting)
    result = two.run("build")
    assert result.exit_code == 1 and message in result.stderr, result.stderr


def test_email_comments_need_an_email_and_a_post_setting_must_be_true_or_false(
    project: Project,
) -> None:
    project.config(
        CONFIG.format(pro='comments = "email"', home="").replace(
            'email = "pat@pro.example.com"\n', ""
        )
    )
    result = project.run("build")
    assert 'sites.professional.comments: "email" needs the persona\'s email' in result.stderr
    configure(project)
    path = project.post("2026-01-10-work", "professional", comments="no")
    result = project.run("build")
    assert result.exit_code == 1
    line = path.read_text().splitlines().index('comments: "no"') + 1
    assert (
        f"content/posts/2026-01-10-work.md:{line}: comments must be true or false" in result.stderr
    )
