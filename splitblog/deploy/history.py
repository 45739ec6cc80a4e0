"""Which targets this project has deployed to: a first deploy into a target that holds
files splitblog did not put there (an .htaccess, a .well-known/ folder, downloads) would
delete them, so it is refused, naming them, unless --force.

A target counts as this site's when the project's record says splitblog deployed the
site there, or when the sitemap.xml the target holds is this site's (a deploy from
another clone, a CI runner with no record). The record lives in the project's
.splitblog/ folder, never on the target: a marker file there would be published.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from splitblog.config import Config, SiteConfig
from splitblog.deploy.base import Plan
from splitblog.deploy.identity import owners
from splitblog.errors import Problem

RECORD = "deployed.json"
SHOWN = 5


def _record(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def first_deploy_problem(
    config: Config, folder: Path, site: SiteConfig, url: str, plan: Plan, sitemap: bytes | None
) -> Problem | None:
    """A problem if the plan deletes files from a target this site was never deployed to."""
    if not plan.delete:
        return None
    if _record(folder).get(url) == site.name:
        return None
    if sitemap is not None and owners(config, sitemap) == {site.name}:
        return None
    more = f" and {len(plan.delete) - SHOWN} more" if len(plan.delete) > SHOWN else ""
    return Problem(
        f"{url} holds files splitblog did not put there ({', '.join(plan.delete[:SHOWN])}"
        f"{more}); a first deploy of the {site.name} site would delete them",
        key=f"sites.{site.name}.deploy.target",
        hint="move them away (or deploy to an empty target), or deploy with --force "
        "to replace them",
    )


def remember(folder: Path, site: str, url: str) -> None:
    """Record that `site` is deployed to `url` (before the upload: an interrupted first
    deploy is completed by the next without --force)."""
    record = _record(folder)
    if record.get(url) == site:
        return
    record[url] = site
    with contextlib.suppress(OSError):  # only a convenience: --force does without it
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / (RECORD + ".tmp")
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True))
        os.replace(temporary, folder / RECORD)
