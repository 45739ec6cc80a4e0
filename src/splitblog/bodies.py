"""Post bodies: Markdown rendered once per distinct text (and cached by its hash), then
finished per site — links resolved by that site's policies, bundle files located.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .cache import Cache
from .errors import Problem
from .links import Resolution, canonical_url, other_bases, resolve, without_referrer
from .markdown import ENGINE, MarkdownRenderer, RenderedBody, finalize
from .model import Config, Entry, SiteConfig
from .parallel import fan_out
from .routing import LinkIndex


def markdown_key(entry: Entry) -> str:
    """Everything the rendered HTML depends on (line numbers and bundle files included)."""
    source = entry.source
    digest = hashlib.blake2b(entry.text.encode(), digest_size=16)
    rest = (ENGINE, entry.summary, source.key, source.rel, source.bundle, source.assets)
    digest.update(repr((rest, source.body_line)).encode())
    return digest.hexdigest()


class MarkdownStore:
    """Rendered bodies by markdown key: from this run, the cache, or rendered now."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.bodies: dict[str, RenderedBody] = {}
        self._renderer: MarkdownRenderer | None = None

    def missing(self, entries: Iterable[Entry]) -> list[Entry]:
        """Entries whose text is neither rendered in this run nor cached."""
        wanted = {markdown_key(e): e for e in entries}
        unseen = [k for k in wanted if k not in self.bodies]
        self.bodies.update(self.cache.get_many("md", unseen))
        return [wanted[k] for k in unseen if k not in self.bodies]

    def add(self, key: str, body: RenderedBody) -> None:
        self.bodies[key] = body
        self.cache.put("md", key, body)

    @property
    def renderer(self) -> MarkdownRenderer:
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        return self._renderer

    def get(self, entry: Entry) -> RenderedBody:
        key = markdown_key(entry)
        if key not in self.bodies:
            self.add(key, self.renderer.render(entry.source, entry.text, entry.summary))
        return self.bodies[key]

    def prerender(self, entries: Sequence[Entry], progress: Callable[[int, int], None]) -> None:
        """Render every entry not rendered or cached yet, on every core when many."""
        missing = self.missing(entries)
        renderer = self.renderer

        def render(index: int) -> RenderedBody:
            entry = missing[index]
            return renderer.render(entry.source, entry.text, entry.summary)

        done = fan_out(render, len(missing), lambda n: progress(n, len(missing)))
        for entry, body in zip(missing, done, strict=True):
            self.add(markdown_key(entry), body)


@dataclass(frozen=True)
class Body:
    """One entry's body as one site shows it."""

    entry: Entry
    rendered: RenderedBody
    resolutions: tuple[Resolution | str, ...]
    files: tuple[str, ...]  # bundle files the site copies for it (relative to the bundle)
    canonical: str
    fingerprint: str  # changes whenever what a template could show of it changes
    others: tuple[str, ...] = ()  # the other sites' addresses: links to them get noreferrer

    @property
    def html(self) -> str:
        html = finalize(self.rendered.html, self.rendered, self.resolutions)
        return without_referrer(html, self.others)

    @property
    def summary(self) -> str:
        summary = finalize(self.rendered.summary, self.rendered, self.resolutions)
        return without_referrer(summary, self.others)


def finish(
    entry: Entry,
    rendered: RenderedBody,
    site: SiteConfig,
    config: Config,
    index: LinkIndex,
    broken: frozenset[str],
    file_url: Callable[[Entry, str], str],
) -> tuple[Body, list[Problem]]:
    """Resolve one entry's references for one site; collect what the policies refuse."""
    problems = list(rendered.problems)
    resolutions: list[Resolution | str] = []
    files: list[str] = []
    for ref in rendered.refs:
        if ref.kind == "file":
            resolutions.append(file_url(entry, ref.key))
            files.append(ref.key)
            continue
        outcome = resolve(ref, entry.source, site, config, index)
        if isinstance(outcome, Problem):
            if ref.key not in broken:  # a link to a file with errors of its own: said already
                problems.append(outcome)
            outcome = Resolution("strip")
        resolutions.append(outcome)
    canonical = canonical_url(entry.source, site, config, index)
    if isinstance(canonical, Problem):
        problems.append(canonical)
        canonical = None
    others = other_bases(site, config)
    fingerprint = hashlib.blake2b(
        repr((entry.source.digest, entry.site, entry.url, resolutions, canonical, others)).encode(),
        digest_size=16,
    ).hexdigest()
    body = Body(
        entry,
        rendered,
        tuple(resolutions),
        tuple(dict.fromkeys(files)),
        canonical or "",
        fingerprint,
        others,
    )
    return body, problems
