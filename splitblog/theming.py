"""Where a theme's files come from: the project's themes/NAME/ first, then the shipped one.

A project overrides one file by putting a file of the same name in its own themes/NAME/;
everything else falls through to the theme shipped with splitblog, and then to the
shared `_base` templates both shipped themes are built on.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def _shipped() -> Path:
    """The shipped themes: inside the package in an installed wheel (pyproject's
    force-include puts the repository's themes/ there), else the repository's own
    themes/ folder beside the package (a source checkout or an editable install)."""
    package = Path(__file__).parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


SHIPPED = _shipped()
BASE_THEME = "_base"
# The shared _base templates extend base.html: every theme brings its own.
REQUIRED_TEMPLATES = (
    "base.html",
    "post.html",
    "page.html",
    "list.html",
    "tags.html",
    "archive.html",
    "404.html",
)


def theme_roots(project: Path, name: str) -> list[Path]:
    """The theme's folders, most specific first, each listed once."""
    candidates = [project / "themes" / name, SHIPPED / name, SHIPPED / BASE_THEME]
    roots: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in {r.resolve() for r in roots}:
            roots.append(folder)
    return roots


def theme_exists(project: Path, name: str) -> bool:
    if not name or name.startswith((".", "_")) or "/" in name or "\\" in name:
        return False
    return (project / "themes" / name).is_dir() or (SHIPPED / name).is_dir()


def template_dirs(project: Path, name: str) -> list[Path]:
    return [
        root / "templates" for root in theme_roots(project, name) if (root / "templates").is_dir()
    ]


def missing_templates(project: Path, name: str) -> list[str]:
    dirs = template_dirs(project, name)
    return [t for t in REQUIRED_TEMPLATES if not any((d / t).is_file() for d in dirs)]


def static_files(project: Path, name: str) -> dict[str, Path]:
    """Site-relative path → file, the project's files winning over the shipped ones."""
    files: dict[str, Path] = {}
    for root in reversed(theme_roots(project, name)):
        static = root / "static"
        for folder, _dirs, names in os.walk(static):
            for file_name in names:
                path = Path(folder) / file_name
                files[path.relative_to(static).as_posix()] = path
    return files


def theme_files(project: Path, name: str) -> list[Path]:
    """Every file of the theme (templates and static), for watching and fingerprints."""
    found = []
    for root in theme_roots(project, name):
        for folder, _dirs, names in os.walk(root):
            found.extend(Path(folder) / n for n in names)
    return sorted(found)


SHIPPED_TEXT = (".html", ".css", ".js", ".xml", ".txt", ".svg", ".json")


def theme_parts(project: Path, name: str) -> tuple[list[Path], list[Path]]:
    """(the project's own files of the theme, the shipped text files it falls back on):
    the audit reads the first as output, and takes the words of the second — templates,
    stylesheets and their comments — as splitblog's own."""
    own, shipped = [], []
    for root in theme_roots(project, name):
        is_shipped = root.resolve().is_relative_to(SHIPPED.resolve())
        for folder, _dirs, names in os.walk(root):
            for file_name in names:
                path = Path(folder) / file_name
                if not is_shipped:
                    own.append(path)
                elif path.suffix in SHIPPED_TEXT:
                    shipped.append(path)
    return sorted(own), sorted(shipped)


def templates_digest(project: Path, name: str) -> str:
    """Changes when any template of the theme changes: part of every page's cache key."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in template_dirs(project, name):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
