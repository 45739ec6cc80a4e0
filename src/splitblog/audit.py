"""The second lock: read a site's finished output and look for what must not be there.

The audit does not trust routing. From the raw Sources and the configuration it works
out again, on its own, what each site publishes, and then searches every byte of the
site's output (file names included, .gz files opened) for:

- what identifies a post or page the site does not publish: its title, its URL, its
  bundle files' names, and tags only such posts use — unless the site's own sources
  contain the same text (a foreign title that is also an ordinary phrase of an own post
  is not a leak);
- the other sites' author name, email and avatar file;
- the other sites' addresses, where this site's policy toward them is not `allow`;
- the site's own `forbid` strings.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import ahocorasick_rs
from markupsafe import escape

from .errors import Problem
from .model import BuildOptions, Config, SiteConfig, Source
from .only import find_blocks, visible_text
from .slugs import make_slug

MIN_TITLE = 3  # shorter titles ("Hi") would match everywhere and identify nothing
REF = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:src|href)=[\"']([^\"']+)")

# What a token is, and how a hit on it is judged.
EXPLAINABLE = "explainable"  # a finding unless the site's own sources hold the text
STRICT = "strict"  # always a finding (personas, addresses, forbid)


@dataclass(frozen=True)
class Token:
    text: str  # what the output is searched for (one escaping of the original)
    original: str  # the text as written in the source or configuration
    mode: str
    folded: bool  # matched case-insensitively (ASCII)
    what: str  # "the title of content/posts/x.md, which professional does not publish"
    source: str | None = None  # a source to point at, for forbid strings


def published_on(source: Source, site: str, options: BuildOptions) -> bool:
    """The audit's own reading of the front matter (deliberately not routing's)."""
    now = options.now or datetime.now(UTC)
    if site not in source.audience or (source.draft and not options.drafts):
        return False
    if source.date is not None and source.date > now and not options.future:
        return False
    return not (find_blocks(source.body) and not visible_text(source.body, site).strip())


def _post_path(source: Source, slug: str) -> str:
    if source.kind == "post":
        return f"posts/{slug}/"
    folder = source.key.removeprefix("pages/").rpartition("/")[0]
    if source.bundle:
        folder = folder.rpartition("/")[0]
    return f"{folder}/{slug}/" if folder else f"{slug}/"


def _variants(text: str) -> set[str]:
    """The forms a text takes in the output: as is, escaped by Jinja (markupsafe), by
    markdown-it and html.escape, by ElementTree (text and attributes), and in JSON."""
    forms = {
        text,
        str(escape(text)),
        html.escape(text),
        html.escape(text, quote=False),
        html.escape(text, quote=False).replace('"', "&quot;"),
        json.dumps(text, ensure_ascii=False)[1:-1],
    }
    return {f for f in forms if f}


def _refs(text: str) -> set[str]:
    found = set()
    for match in REF.finditer(text):
        ref = match.group(1) or match.group(2)
        found.add(ref.split("#")[0].split("?")[0].rsplit("/", 1)[-1])
    return found


class SiteAudit:
    """The tokens one site must not contain, and the judge of every hit."""

    def __init__(
        self,
        config: Config,
        site: SiteConfig,
        sources: Sequence[Source],
        options: BuildOptions,
        theme_text: str,
    ):
        self.site = site
        self.sources = sources
        self.own = [s for s in sources if published_on(s, site.name, options)]
        self.own_keys = {s.key for s in self.own}
        self.theme_text = theme_text
        self.allowed_bases = [
            o.base_url
            for o in config.sites
            if o.name != site.name and site.policy_toward(o.name) == "allow"
        ]
        self.tokens = self._tokens(config)
        self.digest = hashlib.blake2b(
            repr([(t.text, t.mode, t.folded) for t in self.tokens]).encode(), digest_size=16
        ).hexdigest()
        # One automaton over lower-cased bytes finds every token; a hit on a token that
        # must match exactly is then checked against the original bytes.
        self._patterns: dict[bytes, list[int]] = {}
        for index, token in enumerate(self.tokens):
            self._patterns.setdefault(token.text.encode().lower(), []).append(index)
        self._lowered = list(self._patterns)
        self._automaton = _automaton(self._lowered)
        self._corpus: str | None = None
        self._explained: dict[str, bool] = {}

    # -- what must not appear --------------------------------------------------------
    def _tokens(self, config: Config) -> list[Token]:
        site = self.site
        tokens: list[Token] = []
        own_tag_slugs = {make_slug(t) for s in self.own for t in self._own_tags(s)}
        foreign_tags: dict[str, str] = {}
        for source in self.sources:
            overrides = dict(source.overrides)
            if source.key in self.own_keys:
                mine = overrides.get(site.name)
                hidden_titles = {
                    o.title for n, o in overrides.items() if n != site.name and o.title
                }
                if mine and mine.title and mine.title != source.title:
                    hidden_titles.add(source.title)
                hidden_titles.discard(mine.title if mine and mine.title else source.title)
                what = f"a title {source.rel} has on another site only"
                tokens.extend(self._title_tokens(hidden_titles, what))
                tokens.extend(self._hidden_files(source, what=source.rel))
                continue
            reason = f"{source.rel}, which {site.name} does not publish"
            titles = {source.title} | {o.title for o in overrides.values() if o.title}
            tokens.extend(self._title_tokens(titles, f"the title of {reason}"))
            slugs = {source.slug} | {o.slug for o in overrides.values() if o.slug}
            for slug in slugs:
                tokens.append(
                    Token(
                        _post_path(source, slug),
                        _post_path(source, slug),
                        EXPLAINABLE,
                        False,
                        f"the address of {reason}",
                    )
                )
            for asset in source.assets:
                name = asset.rsplit("/", 1)[-1]
                tokens.append(Token(name, name, EXPLAINABLE, False, f"a file of {reason}"))
            for tag in source.tags + tuple(t for o in overrides.values() for t in (o.tags or ())):
                foreign_tags.setdefault(make_slug(tag), tag)
        for slug, tag in foreign_tags.items():
            if slug not in own_tag_slugs:
                what = f"a tag only posts {site.name} does not publish use"
                tokens.append(Token(f"tags/{slug}/", f"tags/{slug}/", EXPLAINABLE, False, what))
                if len(tag) >= MIN_TITLE:
                    tokens.extend(Token(v, tag, EXPLAINABLE, False, what) for v in _variants(tag))
        for other in config.sites:
            if other.name == site.name:
                continue
            persona = other.author
            for field, value, mine in (
                ("name", persona.name, site.author.name),
                ("email", persona.email, site.author.email),
                ("avatar", persona.avatar_name, site.author.avatar_name),
            ):
                if value and value.lower() not in mine.lower():
                    what = f"{other.name}'s author {field}"
                    tokens.extend(Token(v, value, STRICT, True, what) for v in _variants(value))
            if site.policy_toward(other.name) != "allow":
                address = other.base_url.split("://", 1)[1].rstrip("/")
                if address not in site.base_url:
                    policy = site.policy_toward(other.name)
                    what = f"{other.name}'s address ({site.name}'s policy toward it is {policy})"
                    tokens.append(Token(address, address, STRICT, True, what))
        for word in site.forbid:
            tokens.extend(Token(v, word, STRICT, True, "forbidden") for v in _variants(word))
        return tokens

    def _own_tags(self, source: Source) -> tuple[str, ...]:
        override = source.override_for(self.site.name)
        return override.tags if override and override.tags is not None else source.tags

    def _title_tokens(self, titles: Iterable[str], what: str) -> list[Token]:
        return [
            Token(v, title, EXPLAINABLE, False, what)
            for title in titles
            if len(title.strip()) >= MIN_TITLE
            for v in _variants(title)
        ]

    def _hidden_files(self, source: Source, what: str) -> list[Token]:
        """Bundle files an own post uses only inside other sites' `::: only` blocks."""
        if not source.assets or not find_blocks(source.body):
            return []
        shown = _refs(visible_text(source.body, self.site.name))
        names = {a.rsplit("/", 1)[-1] for a in source.assets}
        hidden = (_refs(source.body) & names) - shown
        reason = f"a file of {what} used only on other sites"
        return [Token(name, name, EXPLAINABLE, False, reason) for name in sorted(hidden)]

    # -- searching ----------------------------------------------------------------------
    def scan(self, path: str, data: bytes) -> list[tuple[int, int]]:
        """Hits in one output file: (token index, offset); offset -1 is the file's name."""
        hits: list[tuple[int, int]] = []
        for blob, offset_base in self._blobs(path, data):
            hits.extend(self._search(blob, offset_base))
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
                if token.folded or blob[start:end] == token.text.encode():
                    yield index, start if base == 0 else -1

    def _token(self, index: int) -> Token:
        return self.tokens[index]

    # -- judging ------------------------------------------------------------------------
    def findings(
        self, path: str, hits: Sequence[tuple[int, int]], data: bytes | None
    ) -> list[Problem]:
        problems: dict[str, Problem] = {}
        for index, offset in hits:
            token = self._token(index)
            if token.original in problems:
                continue
            if token.mode == EXPLAINABLE:
                if self._explained_by_own(token.original):
                    continue
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
        if text not in self._explained:
            self._explained[text] = text in self.corpus
        return self._explained[text]

    @property
    def corpus(self) -> str:
        """Everything the site legitimately shows, as written in its own sources."""
        if self._corpus is None:
            site = self.site
            parts = [
                self.theme_text,
                site.title,
                site.description,
                site.author.name,
                site.author.bio,
                site.base_url,
            ]
            for source in self.own:
                override = source.override_for(site.name)
                slug = (override and override.slug) or source.slug
                parts += [
                    source.title,
                    visible_text(source.body, site.name),
                    _post_path(source, slug),
                ]
                parts += [str(v) for _k, v in source.extra]
                if override:
                    parts += [
                        override.title or "",
                        override.summary or "",
                        *(str(v) for _k, v in override.extra),
                    ]
                parts += [source.summary or "", *self._own_tags(source), *source.assets]
                parts += [f"tags/{make_slug(t)}/" for t in self._own_tags(source)]
            self._corpus = "\n".join(parts)
        return self._corpus

    def _message(self, path: str, token: Token) -> str:
        where = f"{self.site.name}/{path}"
        if token.what == "forbidden":
            found = self._find_in_sources(token.original)
            origin = f" (from {found})" if found else ""
            return f'audit: {where} contains forbidden "{token.original}"{origin}'
        return f'audit: {where} contains "{token.original}", {token.what}'

    def _find_in_sources(self, text: str) -> str | None:
        wanted = text.lower()
        for source in self.own:
            body = visible_text(source.body, self.site.name)
            for number, line in enumerate(body.split("\n")):
                if wanted in line.lower():
                    return f"{source.rel}:{source.body_line + number}"
            if wanted in source.title.lower():
                return f"{source.rel}:{source.line_of('title') or 1}"
        return None


def _automaton(patterns: list[bytes]) -> ahocorasick_rs.BytesAhoCorasick | None:
    if not patterns:
        return None
    return ahocorasick_rs.BytesAhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)


def audit_site(auditor: SiteAudit, files: Mapping[str, bytes]) -> list[Problem]:
    """Every finding in a complete set of output files (path → bytes)."""
    problems: list[Problem] = []
    for path in sorted(files):
        data = files[path]
        hits = auditor.scan(path, data)
        if hits:
            problems.extend(auditor.findings(path, hits, data))
    return problems
