"""Post bodies: Markdown rendered once per distinct text (and cached by its hash), then
finished per site — links resolved by that site's policies, bundle files located.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from splitblog.cache import Cache
from splitblog.errors import Problem
from splitblog.model import Config, Entry, SiteConfig
from splitblog.parallel import fan_out
from splitblog.routing.links import (
    Resolution,
    canonical_url,
    other_bases,
    resolve,
    without_referrer,
)
from splitblog.routing.plan import LinkIndex
from splitblog.site.markdown import ENGINE, MarkdownRenderer, RenderedBody, finalize


def markdown_key(entry: Entry) -> str:
    """Everything the rendered HTML depends on (line numbers and bundle files included)."""
    source = entry.source
    digest = hashlib.blake2b(entry.text.encode(), digest_size=16)
    rest = (ENGINE, entry.summary, source.key, source.rel, source.bundle, source.assets)
    digest.update(repr((rest, source.body_line)).encode())
    return digest.hexdigest()


class MarkdownStore:
    """Rendered bodies by markdown key: from this run, the cache, or rendered now.

    What every build needs of every post — its references and summary — is kept apart
    from its HTML, which is fetched only for the pages that are rendered again: a
    rebuild after one edit does not read every post's HTML back from the cache.
    """

    def __init__(self, cache: Cache):
        self.cache = cache
        self.bodies: dict[str, RenderedBody] = {}  # without their HTML
        self.htmls: dict[str, str] = {}
        self._renderer: MarkdownRenderer | None = None
        # (file, site, its digest, its bundle's files) → markdown key: hashed once per
        # build, or once per edit in a process that keeps the cache (serve).
        self._keys: dict[tuple[object, ...], str] = cache.memo("markdown keys")

    def key(self, entry: Entry) -> str:
        """The entry's markdown key (a hash of its whole text)."""
        source = entry.source
        ident = (source.key, entry.site, source.digest, source.assets)
        if ident not in self._keys:
            self._keys[ident] = markdown_key(entry)
        return self._keys[ident]

    def missing(self, entries: Iterable[Entry]) -> list[Entry]:
        """Entries whose text is neither rendered in this run nor cached."""
        wanted = {self.key(e): e for e in entries}
        unseen = [k for k in wanted if k not in self.bodies]
        self.bodies.update(self.cache.get_many("md", unseen))
        return [wanted[k] for k in unseen if k not in self.bodies]

    def add(self, key: str, body: RenderedBody) -> None:
        self.bodies[key] = replace(body, html="")
        self.htmls[key] = body.html
        self.cache.put("md", key, self.bodies[key])
        self.cache.put("mdhtml", key, body.html)

    def html(self, entry: Entry) -> str:
        key = self.key(entry)
        if key not in self.htmls:
            cached = self.cache.get("mdhtml", key)
            if cached is None:  # gone from the cache: render it again
                self.add(key, self.renderer.render(entry.source, entry.text, entry.summary))
            else:
                self.htmls[key] = cached
        return self.htmls[key]

    @property
    def renderer(self) -> MarkdownRenderer:
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        return self._renderer

    def get(self, entry: Entry) -> RenderedBody:
        key = self.key(entry)
        if key not in self.bodies:
            self.add(key, self.renderer.render(entry.source, entry.text, entry.summary))
        return self.bodies[key]

    def prerender(self, entries: Sequence[Entry], progress: Callable[[int, int], None]) -> None:
        """Render every entry not rendered or cached yet, on every core when many."""
        missing = self.missing(entries)
        if not missing:
            return
        renderer = self.renderer

        def render(index: int) -> RenderedBody:
            entry = missing[index]
            return renderer.render(entry.source, entry.text, entry.summary)

        done = fan_out(render, len(missing), lambda n: progress(n, len(missing)))
        for entry, body in zip(missing, done, strict=True):
            self.add(self.key(entry), body)


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
    others: tuple[str, ...] = ()  # the other sites' addresses: links to them get noreferrer

    @property
    def html(self) -> str:
        html = finalize(self.load_html(), self.rendered, self.resolutions)
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
    load_html: Callable[[], str],
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
    source = entry.source
    others = other_bases(site, config)
    targets = "\x1f".join(r if isinstance(r, str) else f"{r.kind}:{r.url}" for r in resolutions)
    shown = f"{entry.site}\x1e{entry.url}\x1e{targets}\x1e{canonical}\x1e{others}"
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
        others,
    )
    return body, problems


def _digest(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode() + b"\x1d")
    return digest.hexdigest()
