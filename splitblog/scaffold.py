"""`splitblog init` and `splitblog new post`: files a user starts from."""

from __future__ import annotations

import json
import shutil
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


def create_project(directory: Path) -> None:
    """Copy the starter project and both shipped themes; never overwrite anything."""
    if (directory / CONFIG_NAME).exists() or (directory / "content").exists():
        raise ConfigError(
            Problem(
                f"{directory} already holds a project",
                path=str(directory),
                hint="choose an empty or new folder; init never overwrites",
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    for item in STARTER.iterdir():
        target = directory / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=False)
        else:
            shutil.copy2(item, target)
    # The themes are used from the installed package, so they improve with splitblog;
    # a file put in themes/NAME/ overrides the shipped file of the same name.
    for theme in ("professional", "personal"):
        (directory / "themes" / theme).mkdir(parents=True, exist_ok=True)
    (directory / "themes" / "README.md").write_text(THEMES_README.format(shipped=SHIPPED))
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE)


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
