"""`splitblog list` and `splitblog explain`: the real CLI on fixture projects."""

from __future__ import annotations

import re

from click.testing import CliRunner
from PIL import Image

from splitblog.cli import cli

from .conftest import Project

PRO, HOME = "professional", "personal"


def add_links(project: Project, text: str) -> None:
    path = project.root / "splitblog.toml"
    path.write_text(path.read_text() + "\n" + text)


def row(output: str, file: str) -> list[str]:
    """The cells of a table row: columns are separated by two or more spaces."""
    line = next(line for line in output.splitlines() if line.startswith(file))
    return re.split(r"\s{2,}", line.strip())


def test_list_shows_each_source_against_each_site(project: Project) -> None:
    path = project.root / "splitblog.toml"
    path.write_text(
        path.read_text().replace("https://home.example.net/", "https://home.example.net/blog/")
    )
    project.post(
        "2026-01-01-shared", "all", title="Shared [bold]post[/bold]", personal={"slug": "mine"}
    )
    project.post("2026-01-02-work", PRO, title="Work")
    project.post("2026-01-03-wip", PRO, title="Work in progress", draft=True)
    project.post("2099-01-01-later", HOME, title="Later", date="2099-01-01")
    project.post("2026-01-04-family", "all", title="Family", body="::: only personal\nUs.\n:::\n")
    project.page("about", PRO, title="About")
    result = project.run("list")
    assert result.exit_code == 0, result.output
    out = result.stdout
    header = row(out, "file")
    assert header == ["file", "title", PRO, HOME]
    assert row(out, "content/posts/2026-01-01-shared.md") == [
        "content/posts/2026-01-01-shared.md", "Shared [bold]post[/bold]", "/posts/shared/", "/blog/posts/mine/"
    ]  # fmt: skip
    assert row(out, "content/posts/2026-01-02-work.md")[2:] == ["/posts/work/", "— audience"]
    assert row(out, "content/posts/2026-01-03-wip.md")[2:] == ["— draft", "— audience"]
    assert row(out, "content/posts/2099-01-01-later.md")[2:] == ["— audience", "— future"]
    assert row(out, "content/posts/2026-01-04-family.md")[2:] == [
        "— only-block empty",
        "/blog/posts/family/",
    ]
    assert row(out, "content/pages/about.md")[2:] == ["/about/", "— audience"]
    lines = out.splitlines()
    order = [line.split()[0] for line in lines if line.startswith("content/")]
    assert order[-1] == "content/pages/about.md"  # posts first, then pages
    assert lines[-1] == (
        "5 posts, 1 page; professional: 2 posts, 1 page; personal: 2 posts, 0 pages"
    )
    assert not (project.root / "public").exists() and not (project.root / ".splitblog").exists()


def test_list_with_drafts_and_future(project: Project) -> None:
    project.post("2026-01-03-wip", PRO, title="WIP", draft=True)
    project.post("2099-01-01-later", PRO, title="Later", date="2099-01-01")
    out = project.run("list", "--drafts", "--future").stdout
    assert row(out, "content/posts/2026-01-03-wip.md")[2] == "/posts/wip/"
    assert row(out, "content/posts/2099-01-01-later.md")[2] == "/posts/later/"
    out = project.run("list", "--drafts").stdout
    assert row(out, "content/posts/2099-01-01-later.md")[2] == "— future"


def test_list_still_shows_the_readable_files_and_names_the_bad_ones(project: Project) -> None:
    project.post("2026-01-01-good", PRO, title="Good")
    project.write(
        "content/posts/bad.md", "---\ntitle: Bad\ndate: nope\naudience: professional\n---\n"
    )
    result = project.run("list")
    assert result.exit_code == 1
    assert row(result.stdout, "content/posts/2026-01-01-good.md")[2] == "/posts/good/"
    assert "content/posts/bad.md:3: date 'nope' is not a date" in result.stderr
    assert "Traceback" not in result.output


def _explained_project(project: Project) -> None:
    add_links(project, '[sites.professional.links]\npersonal = "strip"\n')
    add_links(project, '[sites.personal.links]\nprofessional = "allow"\n')
    project.post("2026-01-01-pro-only", PRO, title="Pricing")
    project.post("2026-01-02-home-only", HOME, title="Holiday")
    project.post("2026-01-03-draft", "all", title="Draft", draft=True)
    project.write(
        "content/posts/2026-01-04-trip/index.md",
        """\
        ---
        title: Trip notes
        date: 2026-01-04
        audience: all
        tags: [travel]
        personal:
          title: Our trip
          slug: our-trip
          tags: [family]
        ---
        See [pricing](../2026-01-01-pro-only.md) and [the holiday](../2026-01-02-home-only.md).

        ![the beach](beach.jpg) and [the slides](slides.pdf).

        ::: only personal
        ![us](us.png) and [the draft](/posts/2026-01-03-draft.md).
        :::
        """,
    )
    folder = project.root / "content/posts/2026-01-04-trip"
    Image.new("RGB", (3, 3)).save(folder / "beach.jpg")
    Image.new("RGB", (3, 3)).save(folder / "us.png")
    (folder / "slides.pdf").write_bytes(b"%PDF")
    (folder / "notes.txt").write_bytes(b"private")


def test_explain_names_sites_overrides_links_and_files(project: Project) -> None:
    _explained_project(project)
    result = project.run("explain", "content/posts/2026-01-04-trip/index.md")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("content/posts/2026-01-04-trip/index.md\n")
    assert '  post, "Trip notes", dated 2026-01-04, audience: personal, professional\n' in out
    assert "  professional  https://pro.example.com/posts/trip/\n" in out
    assert '  personal      https://home.example.net/posts/our-trip/  (as "Our trip")\n' in out
    assert '  personal: title "Our trip"; slug "our-trip"; tags [family]\n' in out
    assert (
        "  line 11: ../2026-01-01-pro-only.md\n"
        "    professional  local → /posts/pro-only/\n"
        '    personal      allow → https://pro.example.com/posts/pro-only/ (rel="noreferrer")\n'
    ) in out
    assert (
        "  line 11: ../2026-01-02-home-only.md\n"
        "    professional  strip\n"
        "    personal      local → /posts/home-only/\n"
    ) in out
    assert (
        "  line 16: /posts/2026-01-03-draft.md\n"
        "    professional  hidden — in a ::: only block for other sites\n"
        "    personal      error — link to '/posts/2026-01-03-draft.md', which no site "
        "publishes (a draft, or dated in the future) — remove the link, or build with "
        "--drafts / --future to preview\n"
    ) in out
    assert (
        "  beach.jpg\n"
        "    professional  copied, metadata removed (orientation kept)\n"
        "    personal      copied, metadata removed (orientation kept)\n"
    ) in out
    assert (
        "  slides.pdf\n    professional  copied, metadata removed\n"
        "    personal      copied, metadata removed\n"
    ) in out
    assert (
        "  us.png\n"
        "    professional  not copied: its page here does not use it\n"
        "    personal      copied, metadata removed (orientation kept)\n"
    ) in out
    assert "  notes.txt  copied nowhere (no page uses it)\n" in out


def test_explain_shows_deny_and_kept_metadata(project: Project) -> None:
    _explained_project(project)
    path = project.root / "splitblog.toml"
    text = path.read_text().replace('personal = "strip"', 'personal = "deny"')
    path.write_text(
        text.replace('theme = "personal"', 'theme = "personal"\nkeep_image_metadata = true')
    )
    out = project.run("explain", "posts/2026-01-04-trip").stdout  # below content/, a folder
    assert (
        "    professional  deny — link to '../2026-01-02-home-only.md' (only on personal) "
        "denied by professional's policy — remove the link, use ::: only, or set "
        '[sites.professional.links] personal = "strip"|"allow"\n'
    ) in out
    assert "    personal      copied with its metadata (keep_image_metadata)\n" in out


def test_explain_a_post_no_site_publishes(project: Project) -> None:
    project.post("2026-01-01-target", PRO, title="Target")
    project.post(
        "2026-01-03-wip", "all", title="WIP", draft=True, body="[t](2026-01-01-target.md)\n"
    )
    out = project.run("explain", "content/posts/2026-01-03-wip.md").stdout
    assert "  professional  not published: draft\n  personal      not published: draft\n" in out
    assert (
        "    professional  absent — the post is not on this site\n"
        "    personal      absent — the post is not on this site\n"
    ) in out
    out = project.run("explain", "--drafts", "content/posts/2026-01-03-wip.md").stdout
    assert "  professional  https://pro.example.com/posts/wip/\n" in out
    assert "    professional  local → /posts/target/\n" in out
    assert "    personal      deny — " in out


def test_explain_unknown_paths_are_clear_errors(project: Project) -> None:
    project.write(
        "content/posts/2026-01-01-trip/index.md",
        "---\ntitle: T\ndate: 2026-01-01\naudience: all\n---\nx\n",
    )
    project.write_bytes("content/posts/2026-01-01-trip/photo.jpg", b"")
    project.write("content/posts/bad.md", "---\ntitle: [unclosed\n---\n")
    for path, message in (
        ("content/posts/nope.md", "no such file: content/posts/nope.md — give a .md file"),
        ("content/posts/2026-01-01-trip/photo.jpg", "not a post or page: content/posts/2026-01-01-trip/photo.jpg"),
        ("splitblog.toml", "not a post or page: splitblog.toml"),
        ("content/posts/bad.md", "content/posts/bad.md:3: front matter is not valid YAML"),
    ):  # fmt: skip
        result = project.run("explain", path)
        assert result.exit_code == 1, path
        assert message in result.stderr, (path, result.stderr)
        assert "Traceback" not in result.output
    assert project.run("explain").exit_code == 2  # no PATH: a usage error


def test_list_and_explain_have_help() -> None:
    for command in (["list", "--help"], ["explain", "--help"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0 and "Usage:" in result.output, command
        assert "--drafts" in result.output and "--config" in result.output
