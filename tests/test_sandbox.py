"""Themes run in Jinja's sandbox: a template sees its own site's data, and nothing of
Python's internals or of the file system — so it cannot reach a post routing kept off
its site. Each case is a theme template that tries, and a build that refuses it."""

from __future__ import annotations

import os

import pytest

from .conftest import Project

SECRET = "Diary of a secret weekend"


@pytest.fixture
def secret_project(project: Project) -> Project:
    project.post("2026-01-02-work", "professional", body="Quarterly numbers.\n")
    project.post("2026-01-03-diary", "personal", title=SECRET, body=f"{SECRET}, all of it.\n")
    project.build()  # the shipped themes build in the sandbox
    return project


ESCAPES = [
    # Python's internals, the classic ways out of a template to os and open()
    ("{{ lipsum.__globals__['os'].popen('cat content/posts/*.md').read() }}", "lipsum"),
    ("{{ cycler.__init__.__globals__.os.listdir('.') }}", "cycler"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ joiner.__init__.__globals__ }}", "joiner"),
    ("{{ namespace.__init__.__globals__['__builtins__'] }}", "namespace"),
    ("{{ site.__class__.__init__.__globals__ }}", "site"),
    ("{{ (site|attr('__class__')).__mro__ }}", "attr filter"),
    ("{% for k in range.__self__.__dict__ %}{{ k }}{% endfor %}", "range"),
]


@pytest.mark.parametrize("template, _why", ESCAPES, ids=[why for _t, why in ESCAPES])
def test_a_template_cannot_reach_python_internals(
    secret_project: Project, template: str, _why: str
) -> None:
    project = secret_project
    before = project.snapshot()
    project.write("themes/professional/templates/404.html", "<h1>Lost</h1>\n" + template + "\n")
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "themes/professional/templates/404.html:2: template error" in result.stderr
    assert "Traceback" not in result.output
    assert project.snapshot() == before  # nothing written
    project.assert_absent("professional", SECRET)


@pytest.mark.parametrize(
    "include",
    [
        "../../../content/posts/2026-01-03-diary.md",
        "/etc/passwd",
        "..\\\\..\\\\..\\\\content\\\\posts\\\\2026-01-03-diary.md",
        "templates/../../../../content/posts/2026-01-03-diary.md",
    ],
)
def test_a_template_cannot_include_a_file_outside_the_theme(
    secret_project: Project, include: str
) -> None:
    project = secret_project
    project.write(
        "themes/professional/templates/404.html", f'<h1>Lost</h1>\n{{% include "{include}" %}}\n'
    )
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "themes/professional/templates/404.html:2: template" in result.stderr
    assert "not found" in result.stderr
    project.assert_absent("professional", SECRET)


def test_a_template_linked_to_a_post_is_refused(secret_project: Project) -> None:
    """A symbolic link in the theme's folder to a file outside it (here: a personal post)
    is not read as a template, included or not."""
    project = secret_project
    templates = project.root / "themes/professional/templates"
    templates.mkdir(parents=True, exist_ok=True)
    os.symlink(project.root / "content/posts/2026-01-03-diary.md", templates / "aside.html")
    project.write("themes/professional/templates/404.html", '{% include "aside.html" %}\n')
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "template 'aside.html' leads outside the theme" in result.stderr
    assert "Traceback" not in result.output
    project.assert_absent("professional", SECRET)


def test_templates_cannot_change_the_data_they_are_given(secret_project: Project) -> None:
    """The immutable sandbox: a template that tries to add to a list it was given (to
    carry something from one page to the next) is refused."""
    project = secret_project
    project.write(
        "themes/professional/templates/list.html",
        "<h1>Posts</h1>\n{% set _ = posts.append(posts[0]) %}{{ posts|length }}\n",
    )
    result = project.run("build")
    assert result.exit_code == 1, result.output
    assert "themes/professional/templates/list.html:2: template error" in result.stderr
    assert "sandbox refused" in result.stderr
