"""Front matter that would make a build hang or crash — a YAML alias bomb, a recursive
alias, absurd nesting in YAML or TOML — is one clear error naming the file and line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import Project


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines)


CASES = [
    (
        "yaml alias bomb",
        "---\ntitle: Laughs\ndate: 2026-01-02\naudience: all\n" + _bomb() + "\n---\nx\n",
        "front matter is too large: more than 10,000 values",
        9,  # the key whose value passes the bound: e (9 × 7,381 values)
    ),
    (
        "recursive alias",
        "---\ntitle: Loop\ndate: 2026-01-02\naudience: all\nloop: &l [*l]\n---\nx\n",
        "front matter is too large: a value that contains itself",
        5,
    ),
    (
        "deep yaml",
        "---\ntitle: Deep\ndate: 2026-01-02\naudience: all\nx: "
        + "[" * 60
        + "]" * 60
        + "\n---\nx\n",
        "front matter is too large: values nested more than 50 deep",
        None,
    ),
    (
        "deep toml",
        "+++\ntitle = 'Deep'\ndate = 2026-01-02\naudience = 'all'\nx = "
        + "[" * 5000
        + "]" * 5000
        + "\n+++\nx\n",
        "front matter is too large: values nested more than 50 deep",
        None,
    ),
    (
        "wide toml",
        "+++\ntitle = 'Wide'\ndate = 2026-01-02\naudience = 'all'\nx = ["
        + ", ".join(["1"] * 20000)
        + "]\n+++\nx\n",
        "front matter is too large: more than 10,000 values",
        None,
    ),
]


@pytest.mark.parametrize("text, message, line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_front_matter_past_its_bounds_is_one_clear_error(
    project: Project, text: str, message: str, line: int | None
) -> None:
    project.post("2026-01-01-fine", "all")
    project.build()
    before = project.snapshot()
    project.write("content/posts/2026-01-02-bad.md", text)
    # Through a real process with a timeout: a hang or a crash must fail the test, not it.
    result = subprocess.run(
        [sys.executable, "-m", "splitblog", "build"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    where = "content/posts/2026-01-02-bad.md" + (f":{line}:" if line else ":")
    assert where in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert project.snapshot() == before


def test_anchors_and_aliases_of_a_normal_size_still_work(project: Project) -> None:
    project.post("2026-01-01-fine", "all", body="x\n")
    project.write(
        "content/posts/2026-01-02-alias.md",
        "---\ntitle: Aliases\ndate: 2026-01-02\naudience: all\n"
        "base: &base {place: Lisbon}\nplaces: [*base, *base]\ntags: [a, b]\n---\nBody.\n",
    )
    project.build()
    assert "Aliases" in project.read("professional", "posts/alias/index.html")
