"""Small projects built by hand for the stage tests: Sources as the content stage reads
them, routed by the real router, and one site's bodies finished as the build finishes
them. No file is read and no build is run."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from splitblog.cache import Cache
from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Source
from splitblog.routing.plan import Routing, route
from splitblog.site.bodies import Body, finish
from splitblog.site.markdown_store import MarkdownStore

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def source(key: str, audience: Iterable[str], day: int = 1, **fields: Any) -> Source:
    """A post ("posts/…") or a page ("pages/…") as content/ would give it; a bundle's key
    ends in "/index.md" and its slug is its folder's name. Posts are dated 2026-01-`day`,
    bodies start on line 5, and the digest follows everything given, as a file's hash
    follows its bytes."""
    kind = "page" if key.startswith("pages/") else "post"
    bundle = key.removesuffix("/index.md") if key.endswith("/index.md") else None
    slug = fields.pop("slug", (bundle or key.removesuffix(".md")).rsplit("/", 1)[-1])
    title = fields.pop("title", slug.title())
    body = fields.pop("body", "Body.\n")
    body_line = fields.pop("body_line", 5)
    fields.setdefault("date", None if kind == "page" else datetime(2026, 1, day, tzinfo=UTC))
    fields.setdefault("bundle", bundle)
    sites = frozenset(audience)
    given = (key, title, slug, sorted(sites), body, body_line, sorted(fields.items()))
    digest = hashlib.blake2b(repr(given).encode(), digest_size=16).hexdigest()
    return Source(
        kind, key, f"content/{key}", title, slug, sites, body, body_line, digest, **fields
    )


def project(*sites: SiteConfig, root: Path = Path("/p")) -> Config:
    """A configuration of these sites; nothing need exist at `root` (the shipped themes
    are used)."""
    return Config(root / "splitblog.toml", root, root / "content", root / "public", sites)


def routed(config: Config, *sources: Source, options: BuildOptions | None = None) -> Routing:
    """The sources routed as a build routes them (at NOW), refusing any collision."""
    routing, problems = route(config, sources, options or BuildOptions(now=NOW))
    assert not any(problems.values()), problems
    return routing


def finished(
    config: Config,
    routing: Routing,
    site: str,
    store: MarkdownStore | None = None,
    broken: frozenset[str] = frozenset(),
) -> tuple[dict[str, Body], list[Problem]]:
    """Every entry of one site's plan finished as the build finishes it — bodies by
    entry URL — and what the site's policies refuse. A bundle file is linked beside its
    entry's page."""
    plan = routing.plans[site]
    store = store if store is not None else MarkdownStore(Cache(None, "tests"))
    bodies: dict[str, Body] = {}
    problems: list[Problem] = []
    for entry in plan.entries:
        body, found = finish(
            entry,
            store.get(entry),
            plan.site,
            config,
            routing.links,
            broken,
            lambda entry, name: plan.site.href(entry.url + name),
            functools.partial(store.html, entry),
        )
        bodies[entry.url] = body
        problems.extend(found)
    return bodies, problems
