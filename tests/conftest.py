"""Fixture projects in a tmp folder, built with the real CLI, read back from disk."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from splitblog.cli import cli

from .support.files import tree
from .support.pagefind import readable

# The fixtures publish each photo's original (cleaned) beside its widths, so that the tests
# of cleaning read the cleaned originals; tests/test_photos.py builds with the defaults.
BASE_CONFIG = """\
[sites.professional]
title = "Pro Site"
base_url = "https://pro.example.com/"
theme = "professional"
author = { name = "Pat Pro", email = "pat@pro.example.com" }
publish_originals = true

[sites.personal]
title = "Home Site"
base_url = "https://home.example.net/"
theme = "personal"
author = { name = "Patsy", email = "patsy@home.example.net" }
publish_originals = true
"""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Project:
    """A splitblog project in a tmp folder."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    # -- writing sources -------------------------------------------------------------------
    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def config(self, text: str = BASE_CONFIG, extra: str = "") -> None:
        self.write("splitblog.toml", textwrap.dedent(text) + textwrap.dedent(extra))

    def post(
        self,
        name: str,
        audience: object = "professional",
        title: str | None = None,
        date: str | None = None,
        body: str = "Some words.\n",
        folder: str = "posts",
        **front: object,
    ) -> Path:
        """A post (or, with folder="pages", a page) with YAML front matter."""
        meta = {"title": title or name.replace("-", " ").title(), "audience": audience}
        if date is None:  # the file name's date, as a user would write it
            date = name[:10] if re.match(r"\d{4}-\d{2}-\d{2}-", name) else "2026-01-15"
        if folder == "posts" and date:
            meta["date"] = date
        meta.update(front)
        lines = ["---"] + [f"{k}: {json.dumps(v, default=str)}" for k, v in meta.items()] + ["---"]
        rel = f"content/{folder}/{name}" + ("" if name.endswith(".md") else ".md")
        return self.write(rel, "\n".join(lines) + "\n\n" + textwrap.dedent(body))

    def page(self, name: str, audience: object = "professional", **kw: object) -> Path:
        return self.post(name, audience, folder="pages", date="", **kw)

    # -- running ---------------------------------------------------------------------------
    def run(self, *args: str) -> Run:
        runner = CliRunner()
        command = list(args)
        known = ("build", "check", "list", "explain", "new", "deploy", "import")
        if command and command[0] in known and "-c" not in command:
            insert = 2 if command[0] == "new" else 1
            command[insert:insert] = ["-c", str(self.root / "splitblog.toml")]
        result = runner.invoke(cli, command, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    def build(self, *args: str) -> Run:
        result = self.run("build", *args)
        assert result.exit_code == 0, result.output
        return result

    # -- reading output ---------------------------------------------------------------------
    def out(self, site: str) -> Path:
        return self.root / "public" / site

    def read(self, site: str, rel: str) -> str:
        return (self.out(site) / rel).read_text(encoding="utf-8")

    def exists(self, site: str, rel: str) -> bool:
        return (self.out(site) / rel).exists()

    def files(self, site: str) -> dict[str, bytes]:
        return tree(self.out(site))

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file under public/ with its bytes and mtime: to prove nothing changed."""
        return tree(self.root / "public", lambda p: (p.read_bytes(), p.stat().st_mtime_ns))

    def assert_absent(self, site: str, *needles: str) -> None:
        """No output file of `site` contains any needle — in its bytes or its name (in the
        search index: in what its compressed files hold)."""
        for rel, raw in self.files(site).items():
            data = readable(rel, raw)
            for needle in needles:
                assert needle.encode() not in data, f"{needle!r} found in {site}/{rel}"
                assert needle not in rel, f"{needle!r} in the file name {site}/{rel}"

    def contains_anywhere(self, site: str, needle: str) -> bool:
        return any(needle.encode() in data for data in self.files(site).values())


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium, one per test module that asks for it (support/browser.py)."""
    from .support.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = Project(tmp_path / "site")
    proj.config()
    return proj


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say how many random corpora the property-based leak test built (tests record it
    with record_property("leak_corpora", n); under xdist the reports carry it here)."""
    total = sum(
        value
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", ())
        if name == "leak_corpora"
    )
    if total:
        terminalreporter.write_line(f"leak test: {total} random corpora built and checked")
