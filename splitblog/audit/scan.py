"""The second lock: read a site's finished output and look for what must not be there.

The audit does not trust routing: tokens.py works out again, from the raw Sources
and the configuration, what each site publishes and shows, and which texts therefore must
not appear in its output. This module searches every byte of every output file (file
names included, .gz files opened) for those texts at once, and judges each hit: strict
tokens (personas, addresses, forbid strings) are always findings; explainable ones are
excused when the site's own text explains them, or when they are a foreign post's
address inside a link the site's policy allows. And it reads every photo's structure
(metadata.py) for metadata left in it, unless the site keeps metadata.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import ahocorasick_rs

from splitblog.audit.metadata import KINDS, metadata_in
from splitblog.audit.tokens import (
    EXPLAINABLE,
    STRICT,
    Shown,
    Token,
    TokenMaker,
    own_corpus,
    published_on,
    shown,
)
from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Source


class SiteAudit:
    """The tokens one site must not contain, and the judge of every hit."""

    def __init__(
        self,
        config: Config,
        site: SiteConfig,
        sources: Sequence[Source],
        options: BuildOptions,
        theme_text: str,
        memo: dict | None = None,
    ):
        """`memo`: a dict a long-lived process passes to every audit it makes, so that
        what only depends on one source (and on the site) is worked out once."""
        memo = memo if memo is not None else {}
        used: set[tuple[str, ...]] = set()
        self.site = site
        self.sources = sources
        self.own: dict[str, Shown] = {}
        for source in sources:
            if published_on(source, site.name, options):
                key = ("shown", site.name, source.key, source.digest)
                used.add(key)
                if key not in memo:
                    memo[key] = shown(source, site.name)
                self.own[source.key] = memo[key]
        self.theme_text = theme_text
        self.allowed_bases = [
            o.base_url
            for o in config.sites
            if o.name != site.name and site.policy_toward(o.name) == "allow"
        ]
        maker = TokenMaker(config, site, self.own, memo)
        self.tokens = maker.make(sources)
        used |= maker.used
        # Files are read, not searched: one token per kind of metadata, after the
        # searched ones (where the site keeps photos' metadata, only documents are read).
        self._photos = len(self.tokens)
        what = (
            f"document metadata ({site.name} keeps only photos' metadata)"
            if site.keep_image_metadata
            else f"photo metadata ({site.name} does not set keep_image_metadata)"
        )
        self.tokens = [*self.tokens, *(Token(k, k, STRICT, True, what) for k in KINDS)]
        self.digest = hashlib.blake2b(
            repr([(t.text, t.mode, t.folded, t.bounded) for t in self.tokens]).encode(),
            digest_size=16,
        ).hexdigest()
        # One automaton over lower-cased bytes finds every token; a hit on a token that
        # must match exactly is then checked against the original bytes.
        self._patterns: dict[bytes, list[int]] = {}
        for index, token in enumerate(self.tokens[: self._photos]):
            self._patterns.setdefault(token.text.encode().lower(), []).append(index)
        self._lowered = list(self._patterns)
        used.add(("automaton", self.digest))
        if ("automaton", self.digest) not in memo:
            memo[("automaton", self.digest)] = _automaton(self._lowered)
        self._automaton = memo[("automaton", self.digest)]
        for stale in memo.keys() - used:  # sources edited or gone since the last build
            del memo[stale]
        self._explained: dict[str, bool] = {}
        self._corpus: Iterator[str] | None = None  # the own text, read as far as needed
        self._corpus_read: list[str] = []

    # -- searching ----------------------------------------------------------------------
    def scan(self, path: str, data: bytes) -> list[tuple[int, int]]:
        """Hits in one output file: (token index, offset); offset -1 is the file's name."""
        hits: list[tuple[int, int]] = []
        for blob, offset_base in self._blobs(path, data):
            hits.extend(self._search(blob, offset_base))
        # judged by content, whatever the file's name
        found = metadata_in(data, keep_photos=self.site.keep_image_metadata)
        hits.extend((self._photos + KINDS.index(k), 0) for k in found)
        return sorted(set(hits))

    def _blobs(self, path: str, data: bytes) -> Iterable[tuple[bytes, int]]:
        yield path.encode(), -1
        yield data, 0
        if path.endswith((".gz", ".svgz")):
            with contextlib.suppress(OSError, EOFError):
                yield gzip.decompress(data), 0

    def _search(self, blob: bytes, base: int) -> Iterable[tuple[int, int]]:
        if self._automaton is None:
            return
        found = self._automaton.find_matches_as_indexes(blob.lower(), overlapping=True)
        for pattern, start, end in found:
            for index in self._patterns[self._lowered[pattern]]:
                token = self.tokens[index]
                if not token.folded and blob[start:end] != token.text.encode():
                    continue
                if token.bounded and not _whole_word(blob, start, end):
                    continue
                yield index, start if base == 0 else -1

    def _token(self, index: int) -> Token:
        return self.tokens[index]

    # -- judging ------------------------------------------------------------------------
    def findings(
        self,
        path: str,
        hits: Sequence[tuple[int, int]],
        data: bytes | Callable[[], bytes] | None,
    ) -> list[Problem]:
        """The findings among a file's hits. `data` may be a function that reads the
        file: it is called only when a hit must be looked at in place."""
        problems: dict[str, Problem] = {}
        for index, offset in hits:
            token = self._token(index)
            if token.original in problems:
                continue
            if token.mode == EXPLAINABLE:
                if self._explained_by_own(token.original):
                    continue
                if callable(data):
                    data = data()
                if data is not None and offset >= 0 and self._allowed_link(data, offset):
                    continue
            problems[token.original] = Problem(self._message(path, token))
        return list(problems.values())

    def _allowed_link(self, data: bytes, offset: int) -> bool:
        """A foreign post's address right after an allowed site's base URL is an allowed
        cross-site link, not a leak."""
        return any(
            data[max(0, offset - len(base)) : offset] == base.encode()
            for base in self.allowed_bases
        )

    def _explained_by_own(self, text: str) -> bool:
        """Whether the site's own text holds `text`. The own text is made piece by piece
        and only as far as needed: a hit is usually explained by the theme or the first
        posts, and a rebuild after one edit should not remake the whole of it."""
        if text not in self._explained:
            self._explained[text] = any(text in part for part in self._own_parts())
        return self._explained[text]

    def _own_parts(self) -> Iterator[str]:
        yield from self._corpus_read
        if self._corpus is None:
            self._corpus = own_corpus(self.site, self.sources, self.own, self.theme_text)
        for part in self._corpus:
            self._corpus_read.append(part)
            yield part

    def _message(self, path: str, token: Token) -> str:
        where = f"{self.site.name}/{path}"
        if token.what == "forbidden":
            found = self._find_in_sources(token.original)
            origin = f" (from {found})" if found else ""
            return f'audit: {where} contains forbidden "{token.original}"{origin}'
        return f'audit: {where} contains "{token.original}", {token.what}'

    def _find_in_sources(self, text: str) -> str | None:
        """Where an own source holds a forbidden text: the first line, or its title."""
        wanted = text.lower()
        for source in self.sources:
            view = self.own.get(source.key)
            if view is None:
                continue
            for number, line in enumerate(source.body.split("\n")):
                if wanted in line.lower() and line not in view.hidden:
                    return f"{source.rel}:{source.body_line + number}"
            if wanted in view.title.lower():
                override = source.override_for(self.site.name)
                key = self.site.name if override and override.title else "title"
                return f"{source.rel}:{source.line_of(key) or 1}"
        return None


def _whole_word(blob: bytes, start: int, end: int) -> bool:
    """True when the match is not part of a longer word ("Sam" in "Sam's" or "Sam’s",
    not in "sample"): the characters on either side are not letters or digits."""
    before = blob[max(0, start - 4) : start].decode("utf-8", "ignore")[-1:]
    after = blob[end : end + 4].decode("utf-8", "ignore")[:1]
    return not any(c.isalnum() or c == "_" for c in (before, after))


def _automaton(patterns: list[bytes]) -> ahocorasick_rs.BytesAhoCorasick | None:
    if not patterns:
        return None
    # The contiguous NFA scans a third faster than the default here, and builds as fast.
    return ahocorasick_rs.BytesAhoCorasick(
        patterns,
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.ContiguousNFA,
    )
