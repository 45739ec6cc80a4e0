"""The audit's own reading of the sources: what one site must not contain, and what
explains a hit on it.

Deliberately not routing's reading. Which sources a site publishes, what it shows of
each (overrides, `::: only` blocks, the bundle files its text uses) is worked out here
again from the raw Sources and the configuration (the `::: only` blocks from the one
parse the renderer uses, content/only.py) so that a mistake in routing or in the choice
of files to copy shows up as output the audit does not expect.

Two kinds of token:

- explainable: what identifies a post or page the site does not publish (its title, its
  address, its file names, tags only such posts use), or what an own post shows only on
  other sites (another site's title, slug or tags for it, the text of `::: only` blocks
  naming other sites, bundle files the site's text does not use). A hit is excused
  when the site's own sources, its theme or splitblog's own wording hold the same text:
  a foreign title that is also a phrase of an own post is not a leak.
- strict: the other sites' personas and addresses (where the policy is not `allow`) and
  the site's own `forbid` strings. Never excused.
"""

from __future__ import annotations

import calendar
import html
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import unquote

from markupsafe import escape

from splitblog.config import FEED_FILES, Config, SiteConfig
from splitblog.content.only import view
from splitblog.content.slugs import make_slug
from splitblog.model import BuildOptions, Source
from splitblog.site.markdown import references
from splitblog.site.pages import GENERATED_TITLES
from splitblog.site.views import FEED_LABELS

MIN_TITLE = 3  # shorter titles ("Hi") would match everywhere and identify nothing
MIN_NAME = 6  # a file name token ("x.md" would match everywhere)
# A run of plain words (letters, digits, single spaces) that Markdown, Jinja, XML and
# JSON all write unchanged: at least three words and fifteen characters. Runs are taken
# from the `::: only` blocks an own post shows on other sites only — text with no title
# or address of its own to give it away. (A foreign post is given away by its title,
# address, tags and files; searching for every phrase of every foreign post would cost
# more than the rest of the audit together.)
RUN = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+){2,}")
MIN_RUN = 15
# Where a source names a link's target, which the output never shows as written: a
# Markdown link's target and reference definitions (resolved, or stripped), and a raw
# HTML attribute naming a .md file (an unresolved link to a source file: a leak).
# Targets a build rewrites (`.md` links, bundle files): left out of the own text. An
# absolute URL (https:, mailto:, //host) is written into the page as it is: kept.
ABSOLUTE = r"(?!\s*<?(?:[A-Za-z][A-Za-z0-9+.-]*:|//))"
LINK_TARGET = re.compile(r"\]\(" + ABSOLUTE + r"[^)]*\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:" + ABSOLUTE + r".*$", re.M)
MD_ATTRIBUTE = re.compile(r"""(?:href|src)=["'][^"']*\.md(?:#[^"']*)?["']""", re.I)

# Text the build writes by itself in its pages: a foreign title such as "Tagged" is no
# leak when the site shows it for this reason. Taken from pages.py and views.py, as what
# feeds, sitemap, robots.txt and host files write is taken from feeds.py and hosts.py.
GENERATED = (*GENERATED_TITLES, *FEED_LABELS.values())
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


@dataclass(frozen=True)
class Token:
    text: str  # what the output is searched for (one escaping of the original)
    original: str  # the text as written in the source or configuration
    mode: str  # EXPLAINABLE or STRICT
    folded: bool  # matched case-insensitively (ASCII)
    what: str  # "the title of content/posts/x.md, which professional does not publish"
    bounded: bool = False  # matched as a whole word only (a persona's name)


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


def variants(text: str) -> set[str]:
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


def runs(lines: Iterable[str]) -> set[str]:
    return {m.group() for line in lines for m in RUN.finditer(line) if len(m.group()) >= MIN_RUN}


# -- the tokens --------------------------------------------------------------------------
class TokenMaker:
    """Every token one site is searched for."""

    def __init__(
        self,
        config: Config,
        site: SiteConfig,
        own: dict[str, Shown],
        memo: dict[tuple[str, ...], tuple[list[Token], dict[str, str]]] | None = None,
    ):
        self.config = config
        self.site = site
        self.own = own  # source key → what the site shows of it
        self.tokens: list[Token] = []
        self.tags: dict[str, str] = {}  # slug → a name, of tags the site shows on no post
        # What each source adds, by its digest: a process that builds again and again
        # (serve) keeps it, and makes tokens only for the sources that changed.
        self.memo = memo if memo is not None else {}
        self.used: set[tuple[str, ...]] = set()

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
                self.memo[key] = (self.tokens, self.tags)
                self.tokens, self.tags = tokens, tags
            added, tags = self.memo[key]
            self.tokens.extend(added)
            for slug, tag in tags.items():
                self.tags.setdefault(slug, tag)
        self._tags()
        self._others()
        for word in self.site.forbid:
            self.tokens.extend(Token(v, word, STRICT, True, "forbidden") for v in variants(word))
        return self.tokens

    def _add(self, text: str, what: str, original: str | None = None) -> None:
        self.tokens.append(Token(text, original or text, EXPLAINABLE, False, what))

    def _titles(self, titles: Iterable[str], what: str) -> None:
        for title in titles:
            if len(title.strip()) >= MIN_TITLE:
                for form in variants(title):
                    self._add(form, what, title)

    def _own(self, source: Source, view: Shown) -> None:
        """What an own source shows only on other sites."""
        overrides = [o for name, o in source.overrides if name != self.site.name]
        where = f"{source.rel} has on another site only"
        titles = {source.title, *(o.title for o in overrides if o.title)} - {view.title}
        self._titles(titles, f"a title {where}")
        slugs = {source.slug, *(o.slug for o in overrides if o.slug)} - {view.slug}
        for slug in slugs:
            self._add(post_path(source, slug), f"the address {where}")
        for tags in (source.tags, *(o.tags for o in overrides if o.tags is not None)):
            for tag in tags:
                self.tags.setdefault(make_slug(tag), tag)
        what = f"a file of {source.rel} that {self.site.name} does not use"
        for name in sorted(set(source.assets) - view.files):
            self._add(view.path + name, what)
        what = f"text of {source.rel} that {self.site.name} does not show"
        for run in sorted(runs(view.hidden)):
            self._add(run, what)

    def _foreign(self, source: Source) -> None:
        """What identifies a source the site does not publish."""
        reason = f"{source.rel}, which {self.site.name} does not publish"
        overrides = [o for _name, o in source.overrides]
        self._titles(
            {source.title, *(o.title for o in overrides if o.title)}, f"the title of {reason}"
        )
        for slug in {source.slug, *(o.slug for o in overrides if o.slug)}:
            self._add(post_path(source, slug), f"the address of {reason}")
        for asset in source.assets:
            self._add(asset.rsplit("/", 1)[-1], f"a file of {reason}")
        for name in _file_names(source):
            self._add(name, f"the file name of {reason}")
        for tags in (source.tags, *(o.tags for o in overrides if o.tags is not None)):
            for tag in tags:
                self.tags.setdefault(make_slug(tag), tag)

    def _tags(self) -> None:
        shown_slugs = {make_slug(t) for view in self.own.values() for t in view.tags}
        what = f"a tag {self.site.name} shows on no post"
        for slug, tag in self.tags.items():
            if slug in shown_slugs:
                continue
            self._add(f"tags/{slug}/", what)
            if len(tag) >= MIN_TITLE:
                for form in variants(tag):
                    self._add(form, what, tag)

    def _others(self) -> None:
        """The other sites' personas, and their addresses unless the policy allows them."""
        site = self.site
        for other in self.config.sites:
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
                    self.tokens.extend(
                        Token(v, value, STRICT, True, what, bounded=field == "name")
                        for v in variants(value)
                    )
            policy = site.policy_toward(other.name)
            if policy != "allow":
                address = other.base_url.split("://", 1)[1].rstrip("/")
                if address not in site.base_url:
                    what = f"{other.name}'s address ({site.name}'s policy toward it is {policy})"
                    self.tokens.append(Token(address, address, STRICT, True, what))


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
    """The text without the link targets it names (each pattern tried only when it can
    match: this runs over every own post)."""
    if "](" in text:
        text = LINK_TARGET.sub("](", text)
    if "]:" in text:
        text = LINK_DEFINITION.sub("", text)
    if ".md" in text:
        text = MD_ATTRIBUTE.sub("", text)
    return text


# -- what explains a hit ------------------------------------------------------------------
def own_corpus(
    site: SiteConfig, sources: Sequence[Source], own: dict[str, Shown], theme: str
) -> Iterator[str]:
    """Everything the site legitimately shows, as written in its own sources, its theme
    and splitblog's own wording — piece by piece, so that a search can stop early.
    Relative link targets are left out: a build rewrites them (or strips them)."""
    yield from (theme, *GENERATED, skeleton(site), site.title, site.description)
    yield from (site.author.name, site.author.bio, site.base_url)
    if len(own) > site.posts_per_page:
        yield "page/"
    dates = [EPOCH]
    parts: list[str] = []
    for source in sources:
        view = own.get(source.key)
        if view is None:
            continue
        override = source.override_for(site.name)
        yield from (view.title, without_targets(view.text), view.path, view.summary or "")
        yield from (str(v) for _k, v in source.extra)
        yield from (str(v) for _k, v in (override.extra if override else ()))
        yield from (*view.tags, *(f"tags/{make_slug(t)}/" for t in view.tags))
        yield from (view.path + name for name in view.files)
        dates += [d for d in (source.date, source.updated) if d is not None]
    for moment in set(dates):
        parts += [moment.isoformat(), format_datetime(moment)]
    parts += [*calendar.day_name, *calendar.day_abbr]
    for day in {d.date() for d in dates}:  # as templates' datefmt writes them
        month, abbr = calendar.month_name[day.month], calendar.month_abbr[day.month]
        parts += [f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}"]
        parts += [f"{day.day} {abbr} {day.year}", f"{abbr} {day.year}"]
    yield from parts
