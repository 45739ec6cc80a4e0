"""The package's layers, checked by import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package under `root`, with `root`'s own pyproject.toml."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )


def test_the_stages_are_layers() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_backwards_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract bites: routing importing the audit (a later stage) is refused, and so is
    the site stage reaching the reader of every content file."""
    copy = tmp_path / "repo"
    shutil.copytree(
        REPO / "splitblog", copy / "splitblog", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    plan = copy / "splitblog/routing/plan.py"
    plan.write_text(plan.read_text() + "\nfrom splitblog.audit import scan  # noqa\n")
    pages = copy / "splitblog/site/pages.py"
    pages.write_text(pages.read_text() + "\nfrom splitblog.content import sources  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout
    assert "0 kept, 2 broken" in result.stdout
    assert "splitblog.routing.plan -> splitblog.audit.scan" in result.stdout
    assert "splitblog.site.pages -> splitblog.content.sources" in result.stdout
