"""The audit's own reading of the sources: what one site must not contain, and what
explains a hit on it.

Which sources a site publishes and what it shows of each (overrides, `::: only` blocks,
the bundle files its text uses) is worked out here from the raw Sources and the
configuration, apart from routing (the `::: only` blocks from the one parse the renderer
uses, content/only.py), so that a mistake in routing or in the choice of files to copy
shows up as output the audit does not expect.

Every token is normalized (normalize.py) and matched as whole words in one part of an
output file's reading (reading.py): PROSE (what a reader reads), CODE (markup attributes,
CSS and JavaScript syntax), NAME (the file's own path), or ADDRESS (an address the file
points at, resolved against the page: matched by where it leads, not by its spelling).

- explainable: what identifies a post or page the site does not publish (its title, its
  address, its file names, tags only such posts use), or what an own post shows only on
  other sites (another site's title, slug or tags for it, the text of `::: only` blocks
  naming other sites, bundle files the site's text does not use). A hit is excused when
  the site's own content says the same words — its posts and pages, its configuration,
  splitblog's own wording, the shipped themes — never by the project's own theme files,
  which are output like any other (a theme file cannot explain itself).
- strict: the other sites' personas and addresses (where the policy is not `allow`) and
  the site's own `forbid` strings. Never excused. A persona's one-word name that the
  site's own content also uses as a word ("May", "Max", "Georgia") identifies nobody
  there and is not searched on its own; a name of several words always is.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import posixpath
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from splitblog.audit.normalize import contains_words, normalize
from splitblog.audit.reading import read_output
from splitblog.config import FEED_FILES, Config, SiteConfig
from splitblog.content.only import view
from splitblog.content.slugs import tag_slug
from splitblog.model import BuildOptions, Source
from splitblog.routing.links import owner_of
from splitblog.site.markdown import references
from splitblog.site.pages import GENERATED_TITLES
from splitblog.site.persona import label
from splitblog.site.views import FEED_LABELS

MIN_TITLE = 3  # shorter titles ("Hi") would match everywhere and identify nothing
MIN_NAME = 6  # a file name token ("x.md" would match everywhere)
# A run of words taken from the `::: only` blocks an own post shows on other sites only —
# text with no title or address of its own to give it away: at least three words and
# fifteen characters. (A foreign post is given away by its title, address, tags and
# files; the independence proof of `check` sees the rest.)
RUN = re.compile(r"\w+(?:[ \t]+\w+){2,}")
MIN_RUN = 15
# Link targets a build rewrites (relative links: `.md` files, bundle files), which the
# output never shows as written: left out of the own text. Absolute URLs are kept, apart
# from the words around them: a reader reads "[response data](https://…) tone" as
# "response data tone". A reference's label ("[data][1]") is not read either.
ABSOLUTE = r"(?!\s*<?(?:[A-Za-z][A-Za-z0-9+.-]*:|//))"
RELATIVE_TARGET = re.compile(ABSOLUTE + r"[^)]*")
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:" + ABSOLUTE + r".*$", re.M)
REFERENCE_LABEL = re.compile(r"\]\[[^\]]*\]")
# A line of dashes, colons and pipes only (a table's delimiter row, a rule, a heading's
# underline) shows no text: a table's cells read on from its head to its first row, as
# Pagefind's extract of the page says them ("| Schema | Two |", "| the |").
RULE_LINE = re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.M)
MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)  # raw HTML tags: the text between stays
# Emphasis, code and link brackets abut the words they mark; quote, list, heading and
# table marks stand apart from them.
# (A table of ASCII characters to ASCII characters or none, which str.translate applies
# thirty times faster than the same mapping given as a dict of strings.)
MARKS = str.maketrans("()|#>", "     ", "*_`~[]")

# Text the build writes by itself in its pages: a foreign title such as "Tagged" is no
# leak when the site shows it for this reason. Taken from pages.py and views.py, as what
# feeds, sitemap, robots.txt and host files write is taken from feeds.py and hosts.py.
GENERATED = (*GENERATED_TITLES, *FEED_LABELS.values())
# Files every site has, whatever its posts: a foreign bundle file of one of these names
# (robots.txt, 404.html) is no leak when the site's own file is found.
OWN_FILES = (
    "index.html", "404.html", "robots.txt", "sitemap.xml", *FEED_FILES.values(),
    "CNAME", ".nojekyll", "_headers", "_redirects",
)  # fmt: skip
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Every construct whose HTML carries words of its own (classes, attributes, elements).
MARKDOWN_SAMPLE = """# h

a[^n] ~~s~~ **b** *i* `c` <https://x.example> ![i](i.png "t")

- [x] done
- [ ] todo

1. one

> q

| a | b |
|:- | -:|
| 1 | 2 |

```python
x = 1
```

---

[^n]: note.
"""

EXPLAINABLE = "explainable"
STRICT = "strict"
PROSE, CODE, NAME, ADDRESS = "prose", "code", "name", "address"
CASED = "cased"  # the prose with its letter case: for one-word names (see _name_tokens)
# Month and weekday names, which the build writes in dates ("May 5, 2026").
CALENDAR_WORDS = frozenset(w.casefold() for w in (*calendar.month_name, *calendar.day_name) if w)
EVERYWHERE = frozenset({PROSE, CODE, NAME})
PROFILE_SCOPES = frozenset({PROSE, CODE})  # read, or in an attribute (an href, data-repo)
HANDLE = re.compile(r"^/@([\w.-]+)$")  # a fediverse profile's path: /@name


@dataclass(frozen=True)
class Token:
    text: str  # normalized (for ADDRESS tokens: a site-relative path, or a site's base URL)
    original: str  # the text as written in the source or configuration
    mode: str  # EXPLAINABLE or STRICT
    scopes: frozenset[str]  # the parts of a reading it is matched in
    what: str  # "the title of content/posts/x.md, which professional does not publish"
    origin: str | None = None  # "file:line" of the input it comes from, when known


def tokens_digest(tokens: Sequence[Token]) -> str:
    """What a run of tokens searches for, as a digest. The digest of a site's tokens is
    that of its runs' digests: a rebuild hashes again only the runs of the sources that
    changed, not every token of the site."""
    searched = repr([(t.text, t.mode, sorted(t.scopes), t.what) for t in tokens])
    return hashlib.blake2b(searched.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Shown:
    """What a site shows of one of its own sources, by the audit's reading."""

    title: str
    slug: str
    path: str  # site-relative URL, e.g. "posts/x/"
    tags: tuple[str, ...]
    summary: str | None
    text: str  # the body without the blocks for other sites
    hidden: tuple[str, ...]  # the lines of those blocks
    files: frozenset[str]  # bundle files the text and summary refer to


# -- the audit's reading of a source -------------------------------------------------------
def split_blocks(source: Source, site: str) -> tuple[str, list[str], bool]:
    """(the text `site` shows, the lines it does not, whether there were blocks).

    From the one parse of `::: only` blocks (content/only.py), the one the renderer
    uses: a second reading of Markdown would disagree with the renderer somewhere, and
    that disagreement would be a leak the audit then explains away."""
    seen = view(source, site)
    return seen.text, list(seen.hidden), seen.has_blocks


def published_on(source: Source, site: str, options: BuildOptions) -> bool:
    """The audit's own reading of the front matter (deliberately not routing's)."""
    now = options.now or datetime.now(UTC)
    if site not in source.audience or (source.draft and not options.drafts):
        return False
    if source.date is not None and source.date > now and not options.future:
        return False
    return not view(source, site).empty


def post_path(source: Source, slug: str) -> str:
    if source.kind == "post":
        return f"posts/{slug}/"
    folder = source.key.removeprefix("pages/").rpartition("/")[0]
    if source.bundle:
        folder = folder.rpartition("/")[0]
    return f"{folder}/{slug}/" if folder else f"{slug}/"


def file_refs(text: str) -> set[str]:
    """Relative file references in Markdown, as paths below the post's folder: every
    address of its links, images and raw HTML, as the renderer's own tokens give them."""
    found = set()
    for ref in references(text):
        path = unquote(ref.split("#")[0].split("?")[0])
        if path and not path.startswith("/") and "://" not in path:
            found.add(posixpath.normpath(path))
    return found


def shown(source: Source, site: str) -> Shown:
    override = source.override_for(site)
    slug = (override and override.slug) or source.slug
    tags = override.tags if override and override.tags is not None else source.tags
    summary = (override and override.summary) or source.summary
    text, hidden, _blocks = split_blocks(source, site)
    files = (
        file_refs(text + "\n" + (summary or "")) & set(source.assets) if source.assets else set()
    )
    # the share card's `image:` (a file of the bundle, or the build refuses it)
    image = dict(source.extra).get("image")
    if isinstance(image, str) and image.strip().removeprefix("./") in source.assets:
        files.add(image.strip().removeprefix("./"))
    return Shown(
        title=(override and override.title) or source.title,
        slug=slug,
        path=post_path(source, slug),
        tags=tags,
        summary=summary,
        text=text,
        hidden=tuple(hidden),
        files=frozenset(files),
    )


def runs(lines: Iterable[str]) -> dict[str, str]:
    """Runs of words of `lines`: normalized → as written."""
    found = [m.group() for line in lines for m in RUN.finditer(line) if len(m.group()) >= MIN_RUN]
    return {normalize(run): run for run in found}


def _where(source: Source, key: str) -> str:
    return f"{source.rel}:{source.line_of(key) or 1}"


# -- the tokens --------------------------------------------------------------------------
class TokenMaker:
    """Every token one site is searched for."""

    def __init__(
        self,
        config: Config,
        site: SiteConfig,
        own: dict[str, Shown],
        own_text: OwnText,
        memo: dict[tuple[str, ...], tuple[list[Token], dict[str, str]]] | None = None,
    ):
        self.config = config
        self.site = site
        self.own = own  # source key → what the site shows of it
        self.own_text = own_text
        self.tokens: list[Token] = []
        self.tags: dict[str, tuple[str, str]] = {}  # slug → (name, where), shown on no post
        # What each source adds, by its digest: a process that builds again and again
        # (serve) keeps it, and makes tokens only for the sources that changed.
        self.memo = memo if memo is not None else {}
        self.used: set[tuple[str, ...]] = set()
        # The digest of each run of tokens `make` adds, in order (see tokens_digest).
        self.digests: list[str] = []

    def make(self, sources: Sequence[Source]) -> list[Token]:
        for source in sources:
            mine = source.key in self.own
            key = (self.site.name, "own" if mine else "foreign", source.key, source.digest)
            self.used.add(key)
            if key not in self.memo:
                tokens, tags = self.tokens, self.tags
                self.tokens, self.tags = [], {}
                if mine:
                    self._own(source, self.own[source.key])
                else:
                    self._foreign(source)
                made = (self.tokens, self.tags, tokens_digest(self.tokens))
                self.memo[key] = made  # type: ignore[assignment]
                self.tokens, self.tags = tokens, tags
            added, tags, digest = self.memo[key]  # type: ignore[misc]
            self.tokens.extend(added)
            self.digests.append(digest)
            for slug, tag in tags.items():
                self.tags.setdefault(slug, tag)  # type: ignore[arg-type]
        rest = len(self.tokens)
        self._tags()
        self._others()
        for word in self.site.forbid:
            if normalize(word):
                self.tokens.append(Token(normalize(word), word, STRICT, EVERYWHERE, "forbidden"))
        self.digests.append(tokens_digest(self.tokens[rest:]))
        return self.tokens

    def _add(self, text: str, what: str, scopes: frozenset[str], original: str = "",
             origin: str | None = None) -> None:  # fmt: skip
        self.tokens.append(Token(text, original or text, EXPLAINABLE, scopes, what, origin))

    def _titles(self, titles: Iterable[tuple[str, str]], what: str) -> None:
        for title, origin in titles:
            if len(title.strip()) >= MIN_TITLE and normalize(title):
                self._add(normalize(title), what, frozenset({PROSE}), title, origin)

    def _own(self, source: Source, view: Shown) -> None:
        """What an own source shows only on other sites."""
        others = [(name, o) for name, o in source.overrides if name != self.site.name]
        where = f"{source.rel} has on another site only"
        titles = {(source.title, _where(source, "title"))}
        titles |= {(o.title, _where(source, name)) for name, o in others if o.title}
        self._titles(((t, w) for t, w in titles if t != view.title), f"a title {where}")
        slugs = {source.slug, *(o.slug for _n, o in others if o.slug)} - {view.slug}
        for slug in slugs:
            path = post_path(source, slug)
            self._add(path, f"the address {where}", frozenset({ADDRESS, NAME}), path)
        for tags in (source.tags, *(o.tags for _n, o in others if o.tags is not None)):
            for tag in tags:
                self.tags.setdefault(tag_slug(tag), (tag, _where(source, "tags")))
        what = f"a file of {source.rel} that {self.site.name} does not use"
        for name in sorted(set(source.assets) - view.files):
            path = view.path + name
            self._add(path, what, frozenset({ADDRESS, NAME}), path)
        what = f"text of {source.rel} that {self.site.name} does not show"
        for run, written in sorted(runs(view.hidden).items()):
            self._add(run, what, frozenset({PROSE}), written, source.rel)

    def _foreign(self, source: Source) -> None:
        """What identifies a source the site does not publish."""
        reason = f"{source.rel}, which {self.site.name} does not publish"
        overrides = list(source.overrides)
        titles = {(source.title, _where(source, "title"))}
        titles |= {(o.title, _where(source, name)) for name, o in overrides if o.title}
        self._titles(titles, f"the title of {reason}")
        for slug in {source.slug, *(o.slug for _n, o in overrides if o.slug)}:
            path = post_path(source, slug)
            self._add(path, f"the address of {reason}", frozenset({ADDRESS, NAME}), path)
            # … and written out in a text (a list of posts in a theme file)
            self._add(normalize(path), f"the address of {reason}", frozenset({PROSE}), path)
        for asset in source.assets:
            name = asset.rsplit("/", 1)[-1]
            if len(name) >= MIN_NAME:
                self._add(normalize(name), f"a file of {reason}", frozenset({NAME, CODE}), name)
        for name in _file_names(source):
            self._add(normalize(name), f"the file name of {reason}", frozenset({NAME, CODE}), name)
        for tags in (source.tags, *(o.tags for _n, o in overrides if o.tags is not None)):
            for tag in tags:
                self.tags.setdefault(tag_slug(tag), (tag, _where(source, "tags")))

    def _tags(self) -> None:
        shown_slugs = {tag_slug(t) for view in self.own.values() for t in view.tags}
        what = f"a tag {self.site.name} shows on no post"
        for slug, (tag, origin) in self.tags.items():
            if slug in shown_slugs:
                continue
            path = f"tags/{slug}/"
            self._add(path, what, frozenset({ADDRESS, NAME}), path, origin)
            if len(tag) >= MIN_TITLE and normalize(tag):
                self._add(normalize(tag), what, frozenset({PROSE}), tag, origin)

    def _others(self) -> None:
        """The other sites' personas, and their addresses unless the policy allows them."""
        site, mine = self.site, self.site.author
        for other in self.config.sites:
            if other.name == site.name:
                continue
            persona, where = other.author, f"splitblog.toml [sites.{other.name}.author]"
            name = normalize(persona.name)
            common = " " not in name and self.own_text.uses_as_a_word(name)
            if name and name != normalize(mine.name) and not common:
                what = f"{other.name}'s author name"
                self.tokens.extend(_name_tokens(persona.name, what, where))
            email = normalize(persona.email)
            if email and email != normalize(mine.email):
                what = f"{other.name}'s author email"
                self.tokens.append(Token(email, persona.email, STRICT, EVERYWHERE, what, where))
            avatar = normalize(persona.avatar_name)
            if avatar and avatar != normalize(mine.avatar_name):
                what = f"{other.name}'s author avatar"
                scopes = frozenset({NAME, CODE})
                self.tokens.append(Token(avatar, persona.avatar_name, STRICT, scopes, what, where))
            self._profiles(other, where)
            policy = site.policy_toward(other.name)
            what = f"{other.name}'s address ({site.name}'s policy toward it is {policy})"
            if policy != "allow":
                written = other.base_url.split("://", 1)[1].rstrip("/")
                # Pointed at: judged by where an address leads (two sites may share a host).
                self.tokens.append(
                    Token(other.base_url, written, STRICT, frozenset({ADDRESS}), what)
                )
                if normalize(written) not in normalize(site.base_url):  # written out as text
                    scopes = frozenset({PROSE, CODE})
                    self.tokens.append(Token(normalize(written), written, STRICT, scopes, what))

    def _profiles(self, other: SiteConfig, where: str) -> None:
        """The other persona's profiles (author.links) and the comment repository or
        server of its site, as strict as its email: written out anywhere — an address, a
        handle, a line of text — they tie this site to that persona. One that this site's
        own persona shares, or that leads into one of the project's sites (the link
        policy judges those), is not searched."""
        mine = {form for _n, url in self.site.author.links for form in _written_forms(url)}
        mine |= set(_comment_forms(self.site))
        found: list[tuple[str, str, str]] = []
        for name, url in other.author.links:
            if owner_of(url, self.config) is None:
                found += [
                    (form, url, f"{other.name}'s {name} profile") for form in _written_forms(url)
                ]
        found += [(form, form, f"{other.name}'s comments") for form in _comment_forms(other)]
        for form, original, what in found:
            if form and form not in mine:
                self.tokens.append(Token(form, original, STRICT, PROFILE_SCOPES, what, where))


def _written_forms(url: str) -> list[str]:
    """How a profile's address is written: host and path without the scheme, "www." or a
    final "/" (https://www.flickr.com/photos/janey/ → flickr.com/photos/janey), and a
    fediverse address's handle (https://mastodon.social/@janey → @janey@mastodon.social)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = unquote(parts.path).rstrip("/")
    forms = [normalize(host + path + (f"?{parts.query}" if parts.query else ""))]
    handle = HANDLE.match(path)
    if handle:
        forms.append(normalize(f"@{handle.group(1)}@{host}"))
    return forms


def _comment_forms(site: SiteConfig) -> list[str]:
    """What a site's comments keep with a third party: its repository, its own server."""
    comments = site.comments
    repo = getattr(comments, "repo", "")
    forms = [normalize(repo)] if repo else []
    for server in (getattr(comments, "url", ""), getattr(comments, "host", "")):
        if server and "giscus.app" not in server:
            forms += _written_forms(server)
    return forms


def _name_tokens(name: str, what: str, where: str) -> list[Token]:
    """A persona's name as it is searched for. A name of several words is matched in any
    letter case. A one-word name is often also a word ("May", "Max", "Georgia"): it is
    matched as a name is written — as configured, capitalized or in capitals — so "the
    max value" or "may" are not the persona, and a month or weekday name next to a number
    is a date the build wrote ("May 5, 2026"), not a name. A one-word name that the site's
    own posts write in lower case, as a word, is not searched at all there (see
    TokenMaker._others): "May I add" tells a reader nothing; the persona's full name,
    email, avatar and profiles still are searched, and `forbid` catches any spelling."""
    folded = normalize(name)
    if " " in folded or name == name.lower():
        return [Token(folded, name, STRICT, frozenset({PROSE}), what, where)]
    written = normalize(name, fold=False)
    forms = {written, written.upper(), written[:1].upper() + written[1:].lower()}
    return [Token(form, name, STRICT, frozenset({CASED}), what, where) for form in sorted(forms)]


def _file_names(source: Source) -> list[str]:
    """How a raw link would name the source's file: x.md, or bundle/index.md and bundle.md."""
    if source.bundle:
        folder = source.bundle.rsplit("/", 1)[-1]
        names = [f"{folder}/index.md", f"{folder}.md"]
    else:
        names = [source.key.rsplit("/", 1)[-1]]
    return [n for n in names if len(n) >= MIN_NAME]


def skeleton(site: SiteConfig) -> str:
    """What the build writes whatever the posts say: the HTML the Markdown engine makes
    of footnotes, task lists and tables ("footnote-ref", "checkbox" …), and what feeds.py
    and hosts.py write ("category", "generator", "lastmod" …) — taken from a sample
    document, and one feed, sitemap and host file of a blank sample post."""
    from markupsafe import Markup

    from splitblog.site import feeds
    from splitblog.site.hosts import host_files
    from splitblog.site.markdown import MarkdownRenderer
    from splitblog.site.views import Link, PostView

    sample = PostView(
        kind="post",
        title="",
        href="",
        url=site.base_url,
        date=EPOCH,
        updated=EPOCH,
        tags=(Link("", ""),),
        summary=Markup("<p></p>"),
        content=Markup("<p></p>"),
    )
    parts = [
        MarkdownRenderer().to_html(MARKDOWN_SAMPLE).encode(),
        feeds.atom(site, [sample]),
        feeds.rss(site, [sample]),
        feeds.json_feed(site, [sample]),
        feeds.sitemap(site, [(site.base_url, EPOCH)]),
        feeds.robots(site),
        *host_files(site).values(),
        " ".join(FEED_FILES.values()).encode(),
    ]
    return b"\n".join(parts).decode()


def without_targets(text: str) -> str:
    """The text as a reader reads it, near enough to explain a hit: without the link
    targets it names, and without Markdown's marks — "See [Letter Error](x.md)" and
    "**those while** careful" say "See Letter Error" and "those while careful" (each
    pattern tried only when it can match: this runs over every own post)."""
    kept: list[str] = []  # the absolute targets, said apart from the words they link
    if "](" in text:

        def target(link: re.Match[str]) -> str:
            if not RELATIVE_TARGET.fullmatch(link.group(1)):
                kept.append(link.group(1))
            return "]("

        text = LINK_TARGET.sub(target, text)
    if "][" in text:
        text = REFERENCE_LABEL.sub("]", text)
    if "]:" in text:
        text = LINK_DEFINITION.sub("", text)
    if "-" in text:
        text = RULE_LINE.sub("", text)
    if kept:
        text += "\n" + "\n".join(kept)
    if "<" in text:
        text = MARKUP.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text.translate(MARKS)


# -- what explains a hit ------------------------------------------------------------------
class OwnText:
    """Everything the site legitimately says, normalized: its own posts and pages, its
    configuration, splitblog's own wording and the shipped themes' templates. Made piece
    by piece and only as far as a question needs: most hits are explained by the first
    pieces, and a rebuild after one edit should not remake all of it.

    `explained` records, across the builds of a long-lived process, which own post's
    piece explained each hit: while that post is unchanged (its piece key is in
    `current`), the answer stands without reading any piece; once it changes or goes,
    the question is asked again of every piece."""

    def __init__(
        self,
        pieces: Iterator[tuple[Hashable | None, str]],
        explained: dict[tuple[str, bool], Hashable] | None = None,
        current: frozenset[Hashable] = frozenset(),
    ):
        self._pieces = pieces  # (key of an own post's piece or None, normalized with case)
        self._read: list[tuple[Hashable | None, str, str]] = []  # (key, folded, as written)
        self._answers: dict[tuple[str, bool], bool] = {}
        self._explained = explained if explained is not None else {}
        self._current = current

    def explains(self, words: str) -> bool:
        """Whether the own text holds `words` (normalized) as whole words."""
        return self._holds(words, cased=False)

    def uses_as_a_word(self, word: str) -> bool:
        """Whether the own text writes `word` in lower case, as a word and not a name
        ("may", "max"): then, written capitalized, it says nothing about a persona."""
        return self._holds(word.lower(), cased=True)

    def _holds(self, words: str, cased: bool) -> bool:
        question = (words, cased)
        if question not in self._answers:
            self._answers[question] = self._answer(question)
        return self._answers[question]

    def _answer(self, question: tuple[str, bool]) -> bool:
        words, cased = question
        if self._explained.get(question) in self._current:
            return True  # the same post, unchanged, holds them still
        for key, folded, written in self._all():
            if contains_words(written if cased else folded, words):
                if key is not None:
                    self._explained[question] = key
                return True
        return False

    def _all(self) -> Iterator[tuple[Hashable | None, str, str]]:
        yield from self._read
        for key, piece in self._pieces:
            self._read.append((key, normalize(piece), piece))
            yield self._read[-1]


def own_piece_key(site: SiteConfig, source: Source) -> tuple[str, ...]:
    """What an own post's piece of OwnText depends on: the post, as its digest says."""
    return ("own text", site.name, source.key, source.digest)


def own_pieces(
    site: SiteConfig,
    sources: Sequence[Source],
    own: dict[str, Shown],
    shipped_theme: Iterable[Path],
    memo: dict,
) -> Iterator[tuple[Hashable | None, str]]:
    """The pieces of OwnText, each normalized with its letter case (per source once per
    digest, in `memo`), with the own_piece_key of those that are one post's."""
    fixed = (*GENERATED, site.title, site.description, site.author.name, site.author.bio,
             site.comments_policy, *(label(name) for name, _url in site.author.links))  # fmt: skip
    yield None, _cased(" \n ".join(fixed))
    dates = [EPOCH]
    for source in sources:
        view = own.get(source.key)
        if view is None:
            continue
        key = own_piece_key(site, source)
        if key not in memo:
            override = source.override_for(site.name)
            parts = [view.title, without_targets(view.text), view.summary or "", *view.tags]
            parts += [str(v) for _k, v in source.extra]
            parts += [str(v) for _k, v in (override.extra if override else ())]
            memo[key] = _cased(" \n ".join(parts))
        yield key, memo[key]
        dates += [d for d in (source.date, source.updated) if d is not None]
    parts: list[str] = [*calendar.day_name, *calendar.day_abbr]
    for moment in set(dates):
        parts += [moment.isoformat(), format_datetime(moment)]
    for day in {d.date() for d in dates}:  # as templates' datefmt writes them
        month, abbr = calendar.month_name[day.month], calendar.month_abbr[day.month]
        parts += [f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}"]
        parts += [f"{day.day} {abbr} {day.year}", f"{abbr} {day.year}"]
    yield None, _cased(" \n ".join(parts))
    yield None, _cased(skeleton(site))
    for path in shipped_theme:
        key = ("shipped", str(path))
        if key not in memo:  # read as its readers meet it: a stylesheet's comments, not max-width
            memo[key] = read_output(path.name, path.read_bytes()).cased
        yield None, memo[key]


def _cased(text: str) -> str:
    return normalize(text, fold=False)
