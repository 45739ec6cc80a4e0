"""Post bodies as one site shows them: the rendered Markdown (markdown_store.py) with its
links resolved by that site's policies and its bundle files located.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import Entry
from splitblog.routing.links import Resolution, canonical_url, resolve, resolve_address
from splitblog.routing.plan import LinkIndex
from splitblog.site.markdown import RenderedBody, finalize


@dataclass(frozen=True)
class Body:
    """One entry's body as one site shows it."""

    entry: Entry
    rendered: RenderedBody  # without its HTML (see load_html)
    resolutions: tuple[Resolution | str, ...]
    files: tuple[str, ...]  # bundle files the site copies for it (relative to the bundle)
    canonical: str
    fingerprint: str  # changes whenever anything a template could show of it changes
    card_fingerprint: str  # changes when what lists show of it changes (not its text)
    load_html: Callable[[], str]
    photos: Any = None  # the site's photos at web size (markdown.Photos), once known

    @property
    def html(self) -> str:
        return finalize(self.load_html(), self.rendered, self.resolutions, self.photos)

    def but(self, **changes: Any) -> Body:
        """The body with some of its parts changed: dataclasses.replace without running
        __init__ again. Every build gives each body the site's photos, and replace()
        there and for the bodies kept was a tenth of a preview's rebuild at 4,000 posts."""
        changed = object.__new__(Body)
        changed.__dict__.update(self.__dict__, **changes)
        return changed

    @property
    def summary(self) -> str:
        return finalize(self.rendered.summary, self.rendered, self.resolutions, self.photos)


def finish(
    entry: Entry,
    rendered: RenderedBody,
    site: SiteConfig,
    config: Config,
    index: LinkIndex,
    broken: frozenset[str],
    file_url: Callable[[Entry, str], str],
    load_html: Callable[[], str],
    served: Callable[[str], bool] | None = None,
) -> tuple[Body, list[Problem]]:
    """Resolve one entry's references for one site; collect what the policies refuse.

    Every reference goes through the one resolver (routing/links.py): `.md` links by the
    post they name, addresses by the site they lead into — written in Markdown or in raw
    HTML alike."""
    problems = list(rendered.problems)
    resolutions: list[Resolution | str] = []
    files: list[str] = []
    page_url = site.url(entry.url)
    for ref in rendered.refs:
        if ref.kind == "file":
            resolutions.append(file_url(entry, ref.key))
            files.append(ref.key)
            continue
        if ref.kind == "url":
            outcome = resolve_address(ref, entry.source, page_url, site, config, served)
        else:
            outcome = resolve(ref, entry.source, site, config, index)
        if isinstance(outcome, Resolution) and outcome.kind == "allow" and not ref.hides_referrer:
            outcome = Problem(
                f"'{ref.target}' leads to another site from a place that cannot be told not "
                "to send the referrer (that site would learn where its reader came from)",
                path=entry.source.rel,
                line=ref.line,
                hint="link to it with <a href> or a Markdown link instead",
            )
        if isinstance(outcome, Problem):
            if ref.kind != "md" or ref.key not in broken:  # a file with errors: said already
                problems.append(outcome)
            outcome = Resolution("strip")
        resolutions.append(outcome)
    image = card_image(entry)
    if isinstance(image, Problem):
        problems.append(image)
    elif image:
        files.append(image)
    canonical = canonical_url(entry.source, site, config, index)
    if isinstance(canonical, Problem):
        problems.append(canonical)
        canonical = None
    source = entry.source
    targets = "\x1f".join(r if isinstance(r, str) else f"{r.kind}:{r.url}" for r in resolutions)
    shown = f"{entry.site}\x1e{entry.url}\x1e{targets}\x1e{canonical}"
    listed = f"{entry.title}\x1e{source.date}\x1e{source.updated}\x1e{entry.tags}"
    body = Body(
        entry,
        rendered,
        tuple(resolutions),
        tuple(dict.fromkeys(files)),
        canonical or "",
        _digest(source.digest, shown),
        _digest(shown, listed, rendered.summary),
        load_html,
    )
    return body, problems


def card_image(entry: Entry) -> str | Problem | None:
    """The bundle file the `image:` front matter names for the post's share card, if any.
    Only a file of the post's own bundle: an address elsewhere could lead anywhere."""
    value = dict(entry.extra).get("image")
    if value is None:
        return None
    source = entry.source
    name = value.strip().removeprefix("./") if isinstance(value, str) else None
    if name and name in source.assets:
        return name
    return Problem(
        f"image: {value!r} is not a file of this post's bundle",
        path=source.rel,
        line=source.line_of("image"),
        hint="name a photo in the post's folder (beside index.md), e.g. image: cover.jpg",
    )


def _digest(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode() + b"\x1d")
    return digest.hexdigest()
