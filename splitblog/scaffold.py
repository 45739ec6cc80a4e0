"""`splitblog init` and `splitblog new post`: files a user starts from."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

from splitblog.config import CONFIG_NAME, Config
from splitblog.content.slugs import make_slug
from splitblog.errors import ConfigError, ContentError, Problem
from splitblog.theming import SHIPPED

STARTER = Path(__file__).parent / "starter"
GITIGNORE = "public/\n.splitblog/\n"
THEMES_README = """\
# Themes

This project uses splitblog's two shipped themes, `professional` and `personal`.
To change one file of a theme, copy it from the installed theme into the same place
here and edit the copy, for example:

    themes/professional/static/css/site.css
    themes/personal/templates/_site.html     (header and footer)
    themes/personal/templates/card.html      (a post in lists)

Everything you do not copy keeps coming from the installed theme:
{shipped}
"""


def create_project(directory: Path) -> list[str]:
    """Write the starter project into `directory`: every file or none, never replacing
    one. Returns notes for the user (a .gitignore of theirs that was left alone)."""
    if (directory / CONFIG_NAME).exists() or (directory / "content").exists():
        raise ConfigError(
            Problem(
                f"{directory} already holds a project",
                path=str(directory),
                hint="choose an empty or new folder; init never overwrites",
            )
        )
    files = _starter_files()
    notes = []
    if (directory / ".gitignore").exists() or (directory / ".gitignore").is_symlink():
        del files[".gitignore"]  # the user's own: left as it is
        notes.append("Your .gitignore was left as it is: add public/ and .splitblog/ to it.")
    folders = ["themes/professional", "themes/personal"]
    clashes = _clashes(directory, files, folders)
    if clashes:
        raise ConfigError(
            Problem(
                f"{directory} already holds {', '.join(clashes)}; init writes nothing "
                "rather than replace or mix with them",
                path=str(directory),
                hint="choose an empty or new folder, or move them away",
            )
        )
    made: list[Path] = []  # what this init created, to take back if it fails half way
    try:
        for folder in folders:
            _make_folders(directory / folder, made)
        for rel, data in files.items():
            _make_folders((directory / rel).parent, made)
            _write_new(directory / rel, data)
            made.append(directory / rel)
    except OSError as exc:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        raise ConfigError(
            Problem(
                f"cannot write the new project: {exc.strerror or exc}",
                path=str(exc.filename or directory),
                hint="nothing was left behind; fix the cause (space, permissions) and run "
                "init again",
            )
        ) from None
    return notes


def _starter_files() -> dict[str, bytes]:
    """Every file init writes, by its path in the project."""
    files = {
        path.relative_to(STARTER).as_posix(): path.read_bytes()
        for path in sorted(STARTER.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    # The themes are used from the installed package, so they improve with splitblog;
    # a file put in themes/NAME/ overrides the shipped file of the same name.
    files["themes/README.md"] = THEMES_README.format(shipped=SHIPPED).encode()
    files[".gitignore"] = GITIGNORE.encode()
    return files


def _clashes(directory: Path, files: dict[str, bytes], folders: list[str]) -> list[str]:
    """What stands in the way: a file (or link) where init writes a file, anything but a
    folder where it needs one."""
    clashes = []
    if directory.exists() and not directory.is_dir():
        return [str(directory)]
    needed = {f for f in folders}
    for rel in files:
        parent = Path(rel).parent
        while parent != Path("."):
            needed.add(parent.as_posix())
            parent = parent.parent
    for rel in sorted(needed):
        path = directory / rel
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            clashes.append(rel)
    for rel in files:
        path = directory / rel
        if path.exists() or path.is_symlink():
            clashes.append(rel)
    return clashes


def _make_folders(folder: Path, made: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never over a file that appeared meanwhile."""
    with path.open("xb") as handle:
        handle.write(data)


def create_post(
    config: Config, title: str, audiences: tuple[str, ...], today: date | None = None
) -> Path:
    """Write a new draft post and return its path; refuse unknown audiences."""
    unknown = [a for a in audiences if a not in (*config.site_names, "all")]
    if unknown:
        raise ContentError(
            Problem(
                f"unknown audience {', '.join(map(repr, unknown))}",
                hint=f"use one of: {', '.join((*config.site_names, 'all'))}",
            )
        )
    today = today or date.today()
    slug = make_slug(title)
    path = config.content_dir / "posts" / f"{today.isoformat()}-{slug}.md"
    if path.exists():
        raise ContentError(
            Problem(
                "a post with this name exists already",
                path=config.rel(path),
                hint="choose another title",
            )
        )
    audience = audiences[0] if len(audiences) == 1 else "[" + ", ".join(audiences) + "]"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {today.isoformat()}\n"
        f"audience: {audience}\n"
        "tags: []\n"
        "draft: true\n"
        "---\n\n"
        "Write here. Remove `draft: true` when it is ready.\n",
        encoding="utf-8",
    )
    return path
