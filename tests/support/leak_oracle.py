"""What each site of a random corpus must show, and must not: the contract read a third
time, apart from routing and from the audit, straight from PRODUCT.md.

A source is on a site when the site is in its audience, it is not a draft (unless
--drafts), not dated in the future (unless --future), and some of its text is left once
the other sites' `::: only` blocks are gone. What the site shows of it is its own
override of title, slug, tags and summary, else the source's; the paragraphs outside
`::: only` blocks and in blocks naming the site; the bundle files those paragraphs use
(with their metadata only where the site keeps it). A `.md` link shown on a site goes to
the target there, else — by the site's policy toward the sites that have it — to its
absolute URL on an allowed site, or it is stripped, or the build fails; a link to a
target no site publishes fails the build.
"""

from __future__ import annotations

from dataclasses import dataclass

from .leak_corpus import CorpusSpec, Link, SourceSpec


def visible(only: tuple[str, ...] | None, site: str) -> bool:
    return only is None or site in only


def published(spec: CorpusSpec, source: SourceSpec, site: str) -> bool:
    if site not in source.audience:
        return False
    if source.draft and not spec.drafts:
        return False
    if source.future and not spec.future:
        return False
    return any(visible(p.only, site) for p in source.paras)


def title_on(source: SourceSpec, site: str) -> str:
    override = source.override(site)
    return (override and override.title) or source.title


def slug_on(source: SourceSpec, site: str) -> str:
    override = source.override(site)
    return (override and override.slug) or source.slug


def tags_on(source: SourceSpec, site: str) -> tuple[str, ...]:
    override = source.override(site)
    return override.tags if override and override.tags is not None else source.tags


def summary_on(source: SourceSpec, site: str) -> tuple[str | None, Link | None]:
    override = source.override(site)
    if override and override.summary:
        return override.summary, None
    return source.summary, source.summary_link


def path_on(source: SourceSpec, site: str) -> str:
    """Site-relative URL path of a published source."""
    slug = slug_on(source, site)
    return f"posts/{slug}/" if source.kind == "post" else f"{slug}/"


def shown_links(spec: CorpusSpec, source: SourceSpec, site: str) -> list[Link]:
    """The `.md` links of a source that `site` shows (the source being on it)."""
    links = [p.link for p in source.paras if p.link and visible(p.only, site)]
    _summary, link = summary_on(source, site)
    return links + ([link] if link else [])


@dataclass(frozen=True)
class Outcome:
    kind: str  # local | allow | strip | deny | nowhere
    urls: tuple[str, ...] = ()  # local: the root-relative href; allow: each acceptable URL
    others: tuple[str, ...] = ()  # the sites the target is on


def outcome(spec: CorpusSpec, site: str, link: Link) -> Outcome:
    target = spec.source(link.target)
    here = spec.site(site)
    if published(spec, target, site):
        return Outcome("local", (here.prefix + path_on(target, site) + link.fragment,))
    others = tuple(o.name for o in spec.sites if published(spec, target, o.name))
    if not others:
        return Outcome("nowhere")
    policies = {o: here.policy_toward(o) for o in others}
    allowed = [o for o in others if policies[o] == "allow"]
    if allowed:
        urls = tuple(spec.site(o).base_url + path_on(target, o) + link.fragment for o in allowed)
        return Outcome("allow", urls, others)
    if "strip" in policies.values():
        return Outcome("strip", (), others)
    return Outcome("deny", (), others)


def link_errors(spec: CorpusSpec) -> list[tuple[str, str]]:
    """(source key, link as written) of every link a build must refuse."""
    errors = []
    for source in spec.sources:
        for site in spec.names:
            if not published(spec, source, site):
                continue
            for link in shown_links(spec, source, site):
                if outcome(spec, site, link).kind in ("deny", "nowhere"):
                    errors.append((source.key, link.written + link.fragment))
    return list(dict.fromkeys(errors))


def canaries_in(text: str) -> list[str]:
    return [word.strip(".,") for word in text.replace("@", " ").split() if word.startswith("zq")]


@dataclass(frozen=True)
class Expectation:
    """What one site shows: every canary it must hold, and the one place each foreign
    canary may still appear (a target's slug inside an allowed link's absolute URL)."""

    present: dict[str, str]  # canary → what it is
    exempt: dict[str, tuple[str, ...]]  # canary → the text that must come right before it
    links: tuple[tuple[str, Outcome], ...]  # (page file, outcome) of every link in a body
    foreign_hosts: tuple[str, ...]  # other sites' hosts, where the policy is not allow


def expect(spec: CorpusSpec, site: str) -> Expectation:
    me = spec.site(site)
    present: dict[str, str] = {}

    def show(text: str, what: str) -> None:
        for token in canaries_in(text):
            present[token] = what

    show(me.title, "the site title")
    show(me.description, "the site description")
    show(me.author_name, "the site's author name")
    show(me.author_email, "the site's author email")
    if me.avatar:
        show(me.avatar.removesuffix(".png"), "the site's avatar file")
    exempt: dict[str, tuple[str, ...]] = {}
    links: list[tuple[str, Outcome]] = []
    for source in spec.sources:
        if not published(spec, source, site):
            continue
        where = f"{source.key} on {site}"
        show(title_on(source, site), f"the title of {where}")
        show(slug_on(source, site), f"the slug of {where}")
        for tag in tags_on(source, site):
            show(tag, f"a tag of {where}")
        summary, _link = summary_on(source, site)
        if summary:
            show(summary, f"the summary of {where}")
        page = path_on(source, site) + "index.html"
        for para in source.paras:
            if not visible(para.only, site):
                continue
            show(para.canary, f"a paragraph of {where}")
            if para.image:
                show(para.image.rsplit(".", 1)[0], f"a photo of {where}")
                photo = next(i for i in source.images if i.name == para.image)
                if me.keep_metadata:
                    show(photo.metadata, f"the metadata of a photo of {where}")
            if para.document:
                show(para.document.rsplit(".", 1)[0], f"a file of {where}")
            if para.link:
                links.append((page, outcome(spec, site, para.link)))
        for link in shown_links(spec, source, site):
            result = outcome(spec, site, link)
            if result.kind == "allow":
                target = spec.source(link.target)
                for other in result.others:
                    before = spec.site(other).base_url + ("posts/" if target.kind == "post" else "")
                    slug = slug_on(target, other)
                    exempt[slug] = (*exempt.get(slug, ()), before)
    hosts = tuple(
        host
        for o in spec.sites
        if o.name != site and me.policy_toward(o.name) != "allow"
        for host in [o.base_url.split("://", 1)[1].split("/", 1)[0]]
    )
    return Expectation(present, exempt, tuple(links), hosts)


def forbidden_hits(spec: CorpusSpec) -> list[tuple[str, str]]:
    """(site, word) of each forbid string the site's own output holds: audit findings."""
    hits = []
    for site in spec.sites:
        present = expect(spec, site.name).present
        hits += [(site.name, word) for word in site.forbid if word in present]
    return hits


def describe(spec: CorpusSpec, token: str) -> str:
    """What a canary stands for, for failure messages."""
    for site in spec.sites:
        for field in ("title", "description", "author_name", "author_email", "avatar"):
            if token in str(getattr(site, field)):
                return f"{site.name}'s {field}"
    for source in spec.sources:
        for name, value in source.__dict__.items():
            if token in repr(value):
                return f"{name} of {source.key}"
    return "no canary of this corpus"
