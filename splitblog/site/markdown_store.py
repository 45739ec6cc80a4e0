"""Rendered Markdown by text: each distinct text is rendered once and kept in the cache
by the hash of everything its HTML depends on, so a post on two sites, or unchanged since
the last build, is not rendered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from splitblog.cache import MARKDOWN, MARKDOWN_HTML, MARKDOWN_KEYS, Cache
from splitblog.model import Entry
from splitblog.site.markdown import ENGINE, MarkdownRenderer, RenderedBody

# Runs work(0) … work(n - 1), in order, maybe on several cores (parallel.fan_out, with
# the build's progress attached).
FanOut = Callable[[Callable[[int], RenderedBody], int], Iterator[RenderedBody]]


def markdown_key(entry: Entry) -> str:
    """Everything the rendered HTML depends on: the site's text (its `::: only` view),
    the summary and the line it is on, where the file is (relative links, messages), its
    bundle files, the first line of the body, and the engine with its version and rules.
    Not the configuration: the HTML leaves every address to be judged per site."""
    source = entry.source
    digest = hashlib.blake2b(entry.text.encode(), digest_size=16)
    rest = (ENGINE, entry.summary, source.key, source.rel, source.bundle, source.assets)
    digest.update(repr((rest, source.body_line, source.line_of("summary"))).encode())
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
        self._keys: dict[tuple[object, ...], str] = cache.memo(MARKDOWN_KEYS)

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
        self.bodies.update(self.cache.get_many(MARKDOWN, unseen))
        return [wanted[k] for k in unseen if k not in self.bodies]

    def add(self, key: str, body: RenderedBody) -> None:
        self.bodies[key] = replace(body, html="")
        self.htmls[key] = body.html
        self.cache.put(MARKDOWN, key, self.bodies[key])
        self.cache.put(MARKDOWN_HTML, key, body.html)

    def html(self, entry: Entry) -> str:
        key = self.key(entry)
        if key not in self.htmls:
            cached = self.cache.get(MARKDOWN_HTML, key)
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

    def render_missing(self, entries: Sequence[Entry], fan_out: FanOut) -> None:
        """Render every entry not rendered or cached yet (`fan_out` spreads the work)."""
        missing = self.missing(entries)
        if not missing:
            return
        renderer = self.renderer

        def render(index: int) -> RenderedBody:
            entry = missing[index]
            return renderer.render(entry.source, entry.text, entry.summary)

        for entry, body in zip(missing, fan_out(render, len(missing)), strict=True):
            self.add(self.key(entry), body)
