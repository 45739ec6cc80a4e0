"""The second lock: read a site's finished output and look for what must not be there.

The audit does not trust routing: tokens.py works out again, from the raw Sources and the
configuration, what each site publishes and shows, and which texts therefore must not
appear in its output. Each output file is read as its readers meet it (reading.py) and
every token is searched at once in the part of the reading it belongs to (one automaton
over normalized text, whole words only); every address the file points at is resolved
and judged by the site it leads to. Strict hits are always findings; explainable ones
are excused when the site's own content explains them. And every file's structure is
read for metadata left in it (metadata.py), unless the site keeps metadata.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import ahocorasick_rs

from splitblog.audit.metadata import KINDS, metadata_in
from splitblog.audit.normalize import contains_words, normalize, word_at
from splitblog.audit.reading import Reading, read_output
from splitblog.audit.tokens import (
    ADDRESS,
    CALENDAR_WORDS,
    CASED,
    CODE,
    NAME,
    OWN_FILES,
    PROSE,
    STRICT,
    OwnText,
    Shown,
    Token,
    TokenMaker,
    own_piece_key,
    own_pieces,
    published_on,
    shown,
    tokens_digest,
)
from splitblog.config import Config, SiteConfig
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Source
from splitblog.routing.links import normalized, owner_of

Hits = list[tuple[int, int]]  # (token index, 0)
SKIPPED = ("#", "mailto:", "tel:", "data:", "javascript:", "about:", "sms:")
MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)  # for finding a hit's line in a source
LIST_PAGE = re.compile(r"^page/\d+/$")  # the home page list's pages


class SiteAudit:
    """The tokens one site must not contain, and the judge of every hit."""

    def __init__(
        self,
        config: Config,
        site: SiteConfig,
        sources: Sequence[Source],
        options: BuildOptions,
        theme_files: Sequence[Path],
        shipped_theme: Sequence[Path],
        memo: dict | None = None,
        explained: dict | None = None,
    ):
        """`theme_files`: the project's own theme files (searched for where a hit comes
        from, never an excuse); `shipped_theme`: the templates shipped with splitblog,
        whose words are the site's own. `memo`: a dict a long-lived process passes to
        every audit it makes, so that what depends on one source is worked out once.
        `explained`: which own post explained each hit in the builds before (OwnText),
        as the cache keeps it between processes; filled in as hits are explained."""
        memo = memo if memo is not None else {}
        used: set[tuple[str, ...]] = set()
        self.config = config
        self.site = site
        self.sources = sources
        self.theme_files = theme_files
        self.own: dict[str, Shown] = {}
        for source in sources:
            if published_on(source, site.name, options):
                key = ("shown", site.name, source.key, source.digest)
                used.add(key)
                if key not in memo:
                    memo[key] = shown(source, site.name)
                self.own[source.key] = memo[key]
        pieces_memo = memo.setdefault(("own text memo", site.name), {})
        used.add(("own text memo", site.name))
        self.explained = explained if explained is not None else {}
        self._current = frozenset(own_piece_key(site, s) for s in sources if s.key in self.own)
        self.own_text = OwnText(
            own_pieces(site, sources, self.own, shipped_theme, pieces_memo),
            self.explained,
            self._current,
        )
        maker = TokenMaker(config, site, self.own, self.own_text, memo)
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
        metadata = [Token(k, k, STRICT, frozenset(), what) for k in KINDS]
        self.tokens += metadata
        digests = [*maker.digests, tokens_digest(metadata)]
        self.digest = hashlib.blake2b("|".join(digests).encode(), digest_size=16).hexdigest()
        # One automaton finds every text token in every part of a reading.
        self._patterns: dict[str, list[int]] = {}
        self._addresses: dict[str, list[int]] = {}  # site-relative path or base → tokens
        for index, token in enumerate(self.tokens[: self._photos]):
            if ADDRESS in token.scopes:
                self._addresses.setdefault(token.text, []).append(index)
            if token.scopes - {ADDRESS}:
                self._patterns.setdefault(token.text, []).append(index)
        self._texts = list(self._patterns)
        used.add(("automaton", self.digest))
        if ("automaton", self.digest) not in memo:
            memo[("automaton", self.digest)] = _automaton(self._texts)
        self._automaton = memo[("automaton", self.digest)]
        for stale in memo.keys() - used:  # sources edited or gone since the last build
            del memo[stale]
        self._own_files: set[str] | None = None
        self._own_names: set[str] | None = None
        self._judged: dict[object, tuple[int, ...]] = {}  # address → its hits (see scan)

    def explanations(self) -> dict:
        """Which own post explains each hit, for the next build: only the answers that
        still stand (a post edited or gone since explains nothing now)."""
        return {q: key for q, key in self.explained.items() if key in self._current}

    # -- searching ----------------------------------------------------------------------
    def scan(self, path: str, data: bytes) -> Hits:
        """Hits in one output file, by token index."""
        reading = read_output(path, data)
        found: set[int] = set()
        parts = (
            (reading.prose, PROSE),
            (reading.cased, CASED),
            (reading.code, CODE),
            (normalize(path), NAME),
        )
        for part, scope in parts:
            found.update(self._search(part, scope))
        found.update(self._judge_addresses(path, reading))
        # judged by content, whatever the file's name
        left = metadata_in(data, keep_photos=self.site.keep_image_metadata)
        found.update(self._photos + KINDS.index(k) for k in left)
        return [(index, 0) for index in sorted(found)]

    def _search(self, text: str, scope: str) -> Iterable[int]:
        if self._automaton is None or not text:
            return
        for pattern, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            if not word_at(text, start, end):
                continue
            for index in self._patterns[self._texts[pattern]]:
                if scope in self.tokens[index].scopes:
                    if scope == CASED and _in_a_date(text, start, end):
                        continue
                    yield index

    def _judge_addresses(self, path: str, reading: Reading) -> Iterable[int]:
        """Where each address of the file leads: into another site of the project (the
        longest base URL that prefixes it owns it, as the link resolver decides), or to
        a page of this site that is not its own."""
        page = self.site.url(path.removesuffix("index.html"))
        for address in reading.addresses:
            # The same addresses come back on every page (menus, stylesheets, feeds):
            # each is judged once, by page folder only when it is relative.
            key = address if address.startswith(("/", "http:", "https:")) else (page, address)
            if key not in self._judged:
                self._judged[key] = tuple(self._judge(page, address))
            yield from self._judged[key]
        yield from self._under_foreign(path)  # the file's own path

    def _judge(self, page: str, address: str) -> Iterable[int]:
        address = normalized(address)
        if not address or address.lower().startswith(SKIPPED):
            return
        try:
            absolute = urljoin(page, address)
        except ValueError:
            return
        owner = owner_of(absolute, self.config)
        if owner is None:
            return
        if owner.name != self.site.name:
            yield from self._addresses.get(owner.base_url, ())
            return
        where, prefix = unquote(urlsplit(absolute).path), self.site.path_prefix
        yield from self._under_foreign(where[len(prefix) :] if where.startswith(prefix) else "")

    def _under_foreign(self, rel: str) -> Iterable[int]:
        """The foreign addresses a site-relative path is at or under."""
        for step in _prefixes(rel):
            if step in self._own_paths() or LIST_PAGE.match(step):
                break  # the site's own page, or under it: not the foreign one above
            yield from self._addresses.get(step, ())

    # -- judging ------------------------------------------------------------------------
    def findings(
        self, path: str, hits: Sequence[tuple[int, int]], data: bytes | Callable[[], bytes]
    ) -> list[Problem]:
        """The findings among a file's hits (`data` is not needed any more: each hit is
        judged by its token and the site's own text)."""
        problems: dict[str, Problem] = {}
        for index, _offset in hits:
            token = self.tokens[index]
            if token.original in problems or not self._finding(token):
                continue
            problems[token.original] = Problem(self._message(path, token))
        return list(problems.values())

    def _finding(self, token: Token) -> bool:
        if token.mode == STRICT:
            return True
        if ADDRESS in token.scopes or NAME in token.scopes:
            # Pointed at or named: excused only by the site's own page or file there.
            return not (token.text in self._own_paths() or token.text in self._own_file_names())
        return not self.own_text.explains(token.text)

    def _own_paths(self) -> set[str]:
        if self._own_files is None:
            files = {view.path for view in self.own.values()}
            files |= {view.path + name for view in self.own.values() for name in view.files}
            self._own_files = files
        return self._own_files

    def _own_file_names(self) -> set[str]:
        if self._own_names is None:
            names = {normalize(n) for n in OWN_FILES}
            names |= {normalize(Path(n).name) for view in self.own.values() for n in view.files}
            names |= {normalize(p.name) for p in self.theme_files}
            if self.site.author.avatar_name:
                names.add(normalize(self.site.author.avatar_name))
            self._own_names = names
        return self._own_names

    def _message(self, path: str, token: Token) -> str:
        where = f"{self.site.name}/{path}"
        found = self.locate(path, token)
        origin = f" (from {found})" if found else ""
        if token.what == "forbidden":
            return f'audit: {where} contains forbidden "{token.original}"{origin}'
        return f'audit: {where} contains "{token.original}", {token.what}{origin}'

    def locate(self, path: str, token: Token) -> str | None:
        """Where the hit comes from: the first line of the site's own inputs that holds
        the text — the page's own source first, then the theme, then the other sources —
        else the input the token was made from."""
        if PROSE in token.scopes or CASED in token.scopes or CODE in token.scopes:
            found = self._find_in_inputs(path, normalize(token.text))
            if found:
                return found
        return token.origin

    def _find_in_inputs(self, path: str, words: str) -> str | None:
        page = path.removesuffix("index.html")
        own = [s for s in self.sources if s.key in self.own]
        first = [s for s in own if self.own[s.key].path == page]
        for source in first:
            found = self._find_in_source(source, words)
            if found:
                return found
        # The theme file copied to this very path first, then the templates.
        copied = [f for f in self.theme_files if f.as_posix().endswith(f"/static/{path}")]
        for theme_file in (*copied, *self.theme_files):
            try:
                lines = theme_file.read_text(encoding="utf-8").split("\n")
            except (OSError, UnicodeDecodeError):
                continue
            line = _line_holding(lines, words, set())
            if line is not None:
                return f"{self.config.rel(theme_file)}:{line + 1}"
        for source in own:
            found = self._find_in_source(source, words) if source not in first else None
            if found:
                return found
        return None

    def _find_in_source(self, source: Source, words: str) -> str | None:
        view = self.own[source.key]
        line = _line_holding(source.body.split("\n"), words, set(view.hidden))
        if line is not None:
            return f"{source.rel}:{source.body_line + line}"
        override = source.override_for(self.site.name)
        for key, value in (("title", view.title), ("summary", view.summary or "")):
            if contains_words(normalize(value), words):
                named = self.site.name if override and getattr(override, key) else key
                return f"{source.rel}:{source.line_of(named) or 1}"
        return None


def _line_holding(lines: list[str], words: str, skipped: set[str]) -> int | None:
    """The index of the line where `words` (normalized) are — or begin, when a line
    break falls inside them (a hard-wrapped paragraph). Lines are read as the page will
    show them: entities decoded, tags and comments removed."""
    readable = [_readable(line) for line in lines]
    for index, line in enumerate(readable):
        if lines[index] in skipped:
            continue
        if contains_words(line, words):
            return index
        if "<" in lines[index] and contains_words(normalize(html.unescape(lines[index])), words):
            return index  # in the markup itself: an href, an autolink <https://…>
        following = readable[index + 1] if index + 1 < len(lines) else ""
        joined = following and contains_words(line + " " + following, words)
        if joined and not contains_words(following, words):
            return index
    return None


def _readable(line: str) -> str:
    if "<" in line:
        line = MARKUP.sub("", line)
    return normalize(html.unescape(line) if "&" in line else line)


def _in_a_date(text: str, start: int, end: int) -> bool:
    """A month or weekday name beside a number ("May 5", "5 May", "Friday, 5")."""
    if text[start:end].casefold() not in CALENDAR_WORDS:
        return False
    before = text[max(0, start - 3) : start].strip(" ,")
    after = text[end : end + 3].strip(" ,")
    return before[-1:].isdigit() or after[:1].isdigit()


def _prefixes(rel: str) -> Iterable[str]:
    """ "posts/x/photo.jpg" → "posts/x/photo.jpg", "posts/x/", "posts/": the addresses a
    site-relative path is at or under."""
    yield rel
    parts = rel.split("/")
    for end in range(len(parts) - 1, 0, -1):
        yield "/".join(parts[:end]) + "/"


def _automaton(patterns: list[str]) -> ahocorasick_rs.AhoCorasick | None:
    if not patterns:
        return None
    return ahocorasick_rs.AhoCorasick(
        patterns,
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.ContiguousNFA,
    )
