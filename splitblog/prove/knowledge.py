"""What one site may know of the project — the line between kept and perturbed.

A site S may know its own posts and pages, its own
configuration and theme, the other sites' names (they are audience keys, written in
every post), and — through its `allow` policies, the one sanctioned crossing — the
addresses of the other sites it allows and of the posts it can link to there.

Its own posts and pages are decided here, from each source's audience, draft flag and
date, not taken from routing's plan: routing is what the proof tests, and a post that
a broken routing publishes on S must still count as foreign to S. (A source this rule
gives S that routing does not publish — emptied by its only-blocks, say — is kept: a
kept input that is not used can hide nothing.)

Two more things are kept because S's outcome legitimately depends on them, and the proof
would otherwise report a dependence that is no leak:

- a foreign post that S's own text names (its file name, its bundle folder or its slug
  appears in the text of a post S publishes): under `strip` the link is removed only
  because its target exists and is foreign; renamed or removed, the link would point
  at nothing, which is an error (PRODUCT.md: "the target does not exist: the build
  fails"). Its address (file name, slug, dates) is kept; its title, text and tags are
  not. The test is by name, over the whole text, so it errs towards keeping.
- another site's base_url that S's own text names (its host appears in it), or that
  shares S's host: a full or root-relative address is judged by the site that owns it
  (the longest base_url prefix), so where the other site lives decides what S's own
  link means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from splitblog.config import Config
from splitblog.content.only import view
from splitblog.model import BuildOptions, Source
from splitblog.routing.links import allowed_sites
from splitblog.routing.plan import Routing

# What ends a file name or an address segment in Markdown, HTML or a URL.
SEPARATORS = re.compile(r"[\s/()\[\]<>\"'#?|`=,;{}*!]+")


@dataclass(frozen=True)
class Knowledge:
    site: str
    published: frozenset[str]  # the source keys that are the site's own
    allowed: frozenset[str]  # the other sites its policy is `allow` toward
    others: tuple[str, ...]  # the other sites' names
    own_text: str  # every file the site publishes, as text: what its links can name
    kept_bases: frozenset[str]  # the other sites whose base_url stays
    words: frozenset[str]  # own_text cut where no file name or address goes on

    def named(self, *names: str) -> bool:
        """Whether the site's own text names any of these (a file, a folder, a slug) as
        a link or an address would: a whole segment between separators. A name that
        holds a separator itself is looked for anywhere in the text."""
        for name in names:
            if not name:
                continue
            if SEPARATORS.search(name):
                if name in self.own_text or quote(name) in self.own_text:
                    return True
            elif name in self.words or quote(name) in self.words:
                return True
        return False

    def address_kept(self, source: Source) -> bool:
        """A foreign source whose address the site may know: on a site it allows, or
        named by its own text (see the module's docstring)."""
        if source.audience & self.allowed:
            return True
        file_name = source.key.rpartition("/")[2]
        folder = source.bundle.rpartition("/")[2] if source.bundle else ""
        # A bundle is linked as its folder, its index.md or "folder.md" (links.target_key)
        names = (file_name, file_name.removesuffix(".md"), folder, f"{folder}.md" if folder else "")
        return self.named(*names, source.slug)


def is_own(source: Source, site: str, options: BuildOptions) -> bool:
    """Whether the site may know a source: PRODUCT.md's partition, stated once more."""
    assert options.now is not None
    if site not in source.audience or (source.draft and not options.drafts):
        return False
    return options.future or source.date is None or source.date <= options.now


def knowledge(config: Config, routing: Routing, site: str, options: BuildOptions) -> Knowledge:
    me = config.site(site)
    own = [s for s in routing.sources if is_own(s, site, options)]
    published = frozenset(s.key for s in own)
    text = "\n".join(_own_text(config, s, site) for s in own)
    host = urlsplit(me.base_url).netloc
    allowed = frozenset(o.name for o in allowed_sites(me, config))
    kept = set(allowed)
    for other in config.sites:
        theirs = urlsplit(other.base_url).netloc
        if other.name != site and (theirs == host or theirs in text):
            kept.add(other.name)
    others = tuple(n for n in config.site_names if n != site)
    words = frozenset(SEPARATORS.split(text))
    return Knowledge(site, published, allowed, others, text, frozenset(kept), words)


def _own_text(config: Config, source: Source, site: str) -> str:
    """A file of the site as the site sees it: its front matter, and its body without
    the other sites' `::: only` blocks (a link in one of those is not the site's)."""
    shown = view(source, site).text
    try:
        raw = (config.content_dir / source.key).read_text("utf-8-sig", errors="replace")
    except OSError:
        return shown
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    body = source.body
    front = raw[: len(raw) - len(body)] if body and raw.endswith(body) else raw
    return front + "\n" + shown
