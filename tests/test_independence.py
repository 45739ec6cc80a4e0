"""The independence proof (splitblog/prove/) end to end through the CLI: an innocent
project is proven; real dependences on foreign inputs — planted in the code, with the
token audit switched off so that only the proof can see them — are each caught by
`check`, skipped by `check --quick`, and stop `deploy` before anything is uploaded
(also when its build had nothing to do)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import splitblog.audit.scan
import splitblog.routing.plan
import splitblog.site.prepare
from splitblog.config import load_config
from splitblog.config.schema import Author, DeployConfig, SiteConfig, options
from splitblog.content.only import all_shown
from splitblog.model import BuildOptions, TagPlan
from splitblog.prove import perturb_config
from splitblog.prove.garble import Garbler
from splitblog.routing.plan import route

from .conftest import Project
from .support.files import tree

PRO, HOME = "professional", "personal"
SECRET = "posts/2026-02-01-lake-weekend.md"
LINKS = """
[sites.professional.links]
personal = "deny"
[sites.personal.links]
professional = "allow"
"""


@pytest.fixture
def innocent(project: Project) -> Project:
    """Both sites with what makes a project interesting to prove: shared posts with
    overrides and only-blocks, an allowed link and a canonical link, tags on both
    sides, a draft and a future post, a bundle with a photo, pages."""
    project.config(extra=LINKS)
    project.post("2026-01-05-pipeline", PRO, title="Pipeline Review", tags=["sales", "notes"])
    project.post(
        "2026-01-10-hello",
        "all",
        title="Hello Everyone",
        tags=["notes"],
        canonical=PRO,
        personal={"title": "Hello friends", "tags": ["family"]},
        body="""\
        Shared words.

        ::: only personal
        Only for my friends: the lake cabin key is under the blue pot.
        :::

        ::: only professional
        Only for clients: my rates go up in March.
        :::
        """,
    )
    project.post(
        "2026-02-01-lake-weekend",
        HOME,
        title="Lake Weekend",
        tags=["travel", "notes"],
        body="Swimming all day.\n",
    )
    project.post(
        "2026-02-02-see-work",
        HOME,
        title="See my work",
        body="My [hello post](2026-01-10-hello.md) and [pipeline](2026-01-05-pipeline.md).\n",
    )
    project.post("2026-02-03-draft", PRO, title="Unfinished Plan", draft=True)
    project.post("2030-01-01-later", HOME, title="Future Trip", date="2030-01-01")
    project.write("content/posts/2026-01-20-photos/index.md", _bundle("Photo Day", HOME))
    project.write_bytes("content/posts/2026-01-20-photos/beach.png", _png())
    project.write("content/posts/2026-01-21-office/index.md", _bundle("Office Day", PRO))
    project.write_bytes("content/posts/2026-01-21-office/desk.png", _png())
    project.page("about", PRO, title="About Me")
    project.page("about-home", HOME, title="About Home")
    return project


def _bundle(title: str, audience: str) -> str:
    name = "beach" if audience == HOME else "desk"
    return (
        f"---\ntitle: {title}\ndate: 2026-01-20\naudience: {audience}\n---\n\n"
        f"A picture: ![a {name}]({name}.png)\n"
    )


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (6, 4), (200, 30, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def no_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token audit finds nothing: only the proof stands between a leak and exit 0."""
    monkeypatch.setattr(splitblog.audit.scan.SiteAudit, "scan", lambda self, path, data: [])


def check(project: Project, *args: str, code: int) -> str:
    result = project.run("check", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def findings(output: str, site: str = PRO) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"independence: {site}/")]


# -- the innocent project -----------------------------------------------------------------------
def test_an_innocent_project_is_proven_and_check_writes_nothing(innocent: Project) -> None:
    output = check(innocent, code=0)
    assert re.search(r"Independence proven: professional \(\d+ files\), personal \(\d+", output)
    assert not (innocent.root / "public").exists()
    assert not (innocent.root / ".splitblog").exists()


def test_check_site_proves_that_site_only(innocent: Project) -> None:
    output = check(innocent, "--site", HOME, code=0)
    assert "Independence proven: personal (" in output and "professional (" not in output


def test_check_quick_skips_the_proof(innocent: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import splitblog.prove.independence as proof

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("--quick ran the proof")

    monkeypatch.setattr(proof, "prove", refuse)
    output = check(innocent, "--quick", code=0)
    assert "Independence not proven (--quick)" in output


def test_a_check_after_a_build_leaves_the_output_and_the_cache_as_they_were(
    innocent: Project,
) -> None:
    innocent.build()
    before = innocent.snapshot()
    cache = tree(innocent.root / ".splitblog" / "trees")
    check(innocent, code=0)
    assert "Nothing changed" in innocent.build().stdout  # the inputs were only read
    assert innocent.snapshot() == before
    assert tree(innocent.root / ".splitblog" / "trees") == cache
    assert not list((innocent.root / ".splitblog").glob("proof-*"))


def test_innocent_projects_of_other_shapes_are_proven(project: Project) -> None:
    """No false finding where a site legitimately depends on what the proof keeps: a
    `strip` link to a foreign post (its target must exist and stay foreign), two sites
    on one host (the longest base_url owns an address), TOML front matter, a content
    folder of another name, pages in folders, keys
    splitblog does not know, text that is not ASCII."""
    project.config(
        """\
        content = "writing"

        [sites.professional]
        title = "Pro Site"
        base_url = "https://example.com/"
        theme = "professional"
        author = { name = "Pat Pro", email = "pat@example.com" }

        [sites.professional.links]
        personal = "strip"

        [sites.personal]
        title = "Home Site"
        base_url = "https://example.com/janey/"
        theme = "personal"
        author = { name = "Patsy", email = "patsy@example.net" }

        [sites.personal.links]
        professional = "allow"
        """
    )
    write = project.write
    write(
        "writing/posts/2026-01-05-pipeline.md",
        '+++\ntitle = "Pipeline Review"\ndate = 2026-01-05\naudience = "professional"\n'
        "+++\n\nSee [my weekend](2026-02-01-lake.md) and [the team](/pages/work/team.md).\n",
    )
    write(
        "writing/posts/2026-02-01-lake.md",
        "---\ntitle: Lake Wëekend — Ωμέγα\ndate: 2026-02-01\naudience: personal\nlayout: post\n"
        "mood: happy\nrating: 4\n---\n\nSwimming, with [my work](2026-01-05-pipeline.md).\n",
    )
    write(
        "writing/posts/2026-02-02-notes.md",
        "---\ntitle: Notes\ndate: 2026-02-02\naudience: [personal, professional]\n"
        "professional: {slug: pro-notes, summary: For clients}\n"
        "personal: {slug: home-notes, title: Home notes}\n---\n\n"
        "Words for both.\n\n::: only personal\nFor the family: [lake](2026-02-01-lake.md).\n:::\n",
    )
    write(
        "writing/pages/work/team.md",
        "---\ntitle: Team\naudience: professional\n---\n\nWe are three.\n",
    )
    write(  # linked from professional (strip) as "2026-02-03-trip.md": the bundle's folder
        "writing/posts/2026-02-03-trip/index.md",
        "---\ntitle: Trip\ndate: 2026-02-03\naudience: personal\n---\n\nAway.\n",
    )
    write(
        "writing/posts/2026-02-04-plans.md",
        "---\ntitle: Plans\ndate: 2026-02-04\naudience: professional\n---\n\n"
        "Not [that journey](2026-02-03-trip.md).\n",
    )
    write("writing/pages/home/me.md", "---\ntitle: Me\naudience: personal\n---\n\nHello.\n")
    output = check(project, code=0)
    assert "Independence proven: professional" in output


# -- real dependences, each caught by the proof alone ---------------------------------------------
def count_posts_in_templates(monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    """A template global that counts every post file of the project, and a theme
    template that prints it: a dependence on foreign posts through the file system."""
    made = splitblog.site.prepare.environment

    def environment(config, site, cache_dir):  # type: ignore[no-untyped-def]
        env = made(config, site, cache_dir)
        env.globals["project_posts"] = len(list((config.content_dir / "posts").rglob("*.md")))
        return env

    monkeypatch.setattr(splitblog.site.prepare, "environment", environment)
    project.write(
        "themes/professional/templates/404.html",
        "{% extends 'base.html' %}{% block main %}Lost? We have "
        "{{ project_posts }} posts.{% endblock %}",
    )


def publish_one_foreign_post(monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    """Routing broken: the lake weekend (personal only) is also on professional."""
    exclusion = splitblog.routing.plan._exclusion

    def broken(source, site, options, now):  # type: ignore[no-untyped-def]
        if site == PRO and source.title != "Hello Everyone" and "2026-02-01-" in source.key:
            return None
        return exclusion(source, site, options, now)

    monkeypatch.setattr(splitblog.routing.plan, "_exclusion", broken)


def leave_only_blocks_in(monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    """The body stage broken: professional keeps the other sites' `::: only` blocks (the
    fence lines blanked, their text shown)."""
    shown = splitblog.routing.plan.site_text

    def broken(source, site):  # type: ignore[no-untyped-def]
        return all_shown(source) if site == PRO else shown(source, site)

    monkeypatch.setattr(splitblog.routing.plan, "site_text", broken)


def show_foreign_tags(monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    """The tag index of professional lists a tag of a personal post (as a filter that
    read every post's tags, not its own site's, would)."""

    def broken(config, sources, options, *args, **kwargs):  # type: ignore[no-untyped-def]
        routing, problems = route(config, sources, options, *args, **kwargs)
        plan = routing.plans[PRO]
        foreign = sorted({t for s in sources if PRO not in s.audience for t in s.tags})
        extra = tuple(TagPlan(t, t.lower(), f"tags/{t.lower()}/", plan.posts[:1]) for t in foreign)
        plans = {**routing.plans, PRO: dataclasses.replace(plan, tags=plan.tags + extra)}
        return dataclasses.replace(routing, plans=plans), problems

    monkeypatch.setattr(splitblog.routing.plan, "route", broken)


def show_denied_sites(monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    """The policy filter of theme links broken: professional's "Also by me" footer
    names personal, whose address and title its `deny` policy keeps from it."""

    def every_other(site, config):  # type: ignore[no-untyped-def]
        return tuple(other for other in config.sites if other.name != site.name)

    monkeypatch.setattr(splitblog.site.prepare, "allowed_sites", every_other)


LEAKS = {
    "a template counting every post": (count_posts_in_templates, "404.html"),
    "routing publishing a foreign post": (publish_one_foreign_post, ""),
    "an only-block of another site left in": (leave_only_blocks_in, "posts/hello/index.html"),
    "a foreign tag in the tag index": (show_foreign_tags, "tags/index.html"),
    "a theme shown a site its policy denies": (show_denied_sites, "index.html"),
}


@pytest.mark.parametrize("leak", LEAKS, ids=list(LEAKS))
def test_each_dependence_is_caught_by_the_proof_with_the_audit_off(
    innocent: Project, no_audit: None, monkeypatch: pytest.MonkeyPatch, leak: str
) -> None:
    plant, page = LEAKS[leak]
    plant(monkeypatch, innocent)
    assert check(innocent, "--quick", code=0)  # the normal checks see nothing
    output = check(innocent, code=1)
    found = findings(output)
    assert found, output
    if page:
        assert any(line.startswith(f"independence: {PRO}/{page} differs") for line in found)
    assert "when what it must not know changes" in found[0]
    assert "found; nothing was written." in output
    assert not (innocent.root / "public").exists()


def test_a_finding_shows_the_text_that_differs(
    innocent: Project, no_audit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    leave_only_blocks_in(monkeypatch, innocent)
    output = check(innocent, code=1)
    at = output.index(f"independence: {PRO}/posts/hello/index.html differs")
    shown = output[at : at + 600]
    assert "\n    - " in shown and "\n    + " in shown
    assert "lake cabin key" in shown  # the original's foreign text, where it leaked


def test_a_site_that_cannot_be_built_without_a_foreign_file_is_a_finding(
    innocent: Project, no_audit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme that reads a personal post's file: the perturbed copy has renamed it, so
    professional's build fails there — its success depends on a foreign input."""
    made = splitblog.site.prepare.environment

    def environment(config, site, cache_dir):  # type: ignore[no-untyped-def]
        env = made(config, site, cache_dir)
        env.globals["peek"] = lambda: (config.content_dir / SECRET).read_text()[:1]
        return env

    monkeypatch.setattr(splitblog.site.prepare, "environment", environment)
    innocent.write(
        "themes/professional/templates/404.html",
        "{% extends 'base.html' %}{% block main %}{{ peek() and '' }}{% endblock %}",
    )
    output = check(innocent, code=1)
    assert (
        "independence: the professional site cannot be built when what it must not know changes"
        in output
    )
    assert "the build failed" in output


# -- deploy --------------------------------------------------------------------------------------
def with_targets(project: Project, tmp_path: Path) -> tuple[Path, Path]:
    pro, home = tmp_path / "www-pro", tmp_path / "www-home"
    project.config(
        extra=LINKS
        + f'\n[sites.professional.deploy]\ntarget = "{pro.as_uri()}"\n'
        + f'\n[sites.personal.deploy]\ntarget = "{home.as_uri()}"\n'
    )
    return pro, home


def test_deploy_proves_before_uploading(
    innocent: Project, no_audit: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pro, home = with_targets(innocent, tmp_path)
    result = innocent.run("deploy")
    assert result.exit_code == 0, result.output
    assert tree(pro) == innocent.files(PRO)
    before = tree(pro), tree(home)

    innocent.post("2026-03-01-new", PRO, title="A New Post")  # something to upload
    publish_one_foreign_post(monkeypatch, innocent)
    result = innocent.run("deploy")
    assert result.exit_code == 1, result.output
    assert findings(result.output), result.output
    assert (tree(pro), tree(home)) == before  # nothing uploaded, to either target


def test_deploy_proves_even_when_the_build_had_nothing_to_do(
    innocent: Project, no_audit: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pro, _home = with_targets(innocent, tmp_path)
    leave_only_blocks_in(monkeypatch, innocent)
    innocent.build()  # the leaky output is built (the audit is off) …
    result = innocent.run("deploy")  # … and the deploy's own build is a no-op
    assert result.exit_code == 1, result.output
    assert findings(result.output), result.output
    assert not pro.exists() or not tree(pro)


# -- what the perturbation covers -----------------------------------------------------------------
def test_every_option_of_a_site_has_a_perturbation_rule() -> None:
    """A new option is never left unperturbed by oversight: name it in perturb_config."""
    assert {o.key for _n, o, _d in options(SiteConfig)} == set(perturb_config.RULES)
    assert {o.key for _n, o, _d in options(Author)} == set(perturb_config.AUTHOR_RULES)
    assert {o.key for _n, o, _d in options(DeployConfig)} == set(perturb_config.DEPLOY_RULES)


def test_the_perturbed_copy_changes_what_is_foreign_and_keeps_what_is_known(
    innocent: Project, tmp_path: Path
) -> None:
    from splitblog.listing import read_project
    from splitblog.prove.perturb import perturb

    config = load_config(innocent.root / "splitblog.toml")
    options = BuildOptions(now=datetime(2026, 6, 1, tzinfo=UTC))
    routing = read_project(config, options).routing
    done = perturb(config, routing, PRO, options, tmp_path / "copy", seed=7)
    copy = load_config(done.config_path)
    copied = read_project(copy, options)
    assert not copied.problems
    # professional publishes the same files, at the same addresses
    urls = {e.source.key: e.url for e in routing.plans[PRO].entries}
    assert {e.source.key: e.url for e in copied.routing.plans[PRO].entries} == urls
    # personal's posts are renamed and retitled, but personal's base_url is not
    # professional's to know (deny) and moves; professional's own settings stay
    titles = {s.title for s in copied.routing.sources}
    assert not titles & {"Lake Weekend", "Photo Day", "About Home", "Unfinished Plan"}
    assert not (tmp_path / "copy" / "content" / SECRET).exists()
    assert done.added and done.removed
    assert copy.site(PRO) == config.site(PRO)
    home, original = copy.site(HOME), config.site(HOME)
    for field in ("title", "base_url", "description", "theme", "language", "posts_per_page"):
        assert getattr(home, field) != getattr(original, field), field
    assert home.author.name != original.author.name
    assert home.author.email != original.author.email
    # in the shared post: personal's block and override changed, professional's kept
    text = (tmp_path / "copy" / "content/posts/2026-01-10-hello.md").read_text()
    assert "lake cabin key" not in text and "Hello friends" not in text
    assert "Only for clients: my rates go up in March." in text
    assert "::: only personal" in text


def test_for_personal_the_allowed_sites_addresses_are_kept(
    innocent: Project, tmp_path: Path
) -> None:
    from splitblog.listing import read_project
    from splitblog.prove.perturb import perturb

    config = load_config(innocent.root / "splitblog.toml")
    options = BuildOptions(now=datetime(2026, 6, 1, tzinfo=UTC))
    routing = read_project(config, options).routing
    done = perturb(config, routing, HOME, options, tmp_path / "copy", seed=7)
    copy = load_config(done.config_path)
    assert copy.site(PRO).base_url == config.site(PRO).base_url  # personal allows it
    copied = read_project(copy, options).routing
    # professional's posts keep their files and addresses (personal may link to them)
    assert copied.links.urls["posts/2026-01-05-pipeline.md"] == {PRO: "posts/pipeline/"}
    assert "Pipeline Review" not in {s.title for s in copied.sources}


def test_dates_keep_their_side_of_now_and_text_its_shape() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    garble = Garbler(3, now, UTC)
    for _ in range(50):
        assert garble.moment(date(2026, 5, 31)) < date(2026, 5, 31)
        assert garble.moment(datetime(2026, 6, 2, tzinfo=UTC)) > datetime(2026, 6, 2, tzinfo=UTC)
        slug = garble.letters("my-post_2.x~1")
        assert re.fullmatch(r"[a-z]{2}-[a-z]{4}_\d\.[a-z]~\d", slug) and slug != "my-post_2.x~1"
    assert garble.iso("2026-01-02") != "2026-01-02" and len(garble.iso("2026-01-02") or "") == 10
    assert garble.name("2026-01-02-trip.md").startswith("2026-01-02-")
    assert garble.name("2026-01-02-trip.md").endswith(".md")
    body = garble.body("::: only personal\nSome words here\n:::\n")
    assert body.startswith("::: only personal\n") and "Some words here" not in body
