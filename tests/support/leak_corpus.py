"""Random projects for the property-based leak test, each thing in them marked by a canary.

A corpus is a small splitblog project drawn from a seed: two or three sites with random
link policies, personas, base URLs (some under a path) and `keep_image_metadata`; posts
and pages with random audiences, drafts, future dates, per-site overrides (title, slug,
tags, summary), `::: only` blocks, bundles with photos (carrying a metadata canary), a
linked PDF and files nothing uses, tags from a shared pool, and internal links between
them. Every title, slug, tag, summary, paragraph, file name, persona field and site title
is a unique canary: "zq" and ten lowercase letters or digits, a string that survives
slugs, escaping and typography unchanged, so it can be searched for in the raw bytes.

The generator only draws and writes; `tests/support/leak_oracle.py` decides what each
site must and must not show.
"""

from __future__ import annotations

import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, PngImagePlugin

CANARY = re.compile(rb"zq[a-z0-9]{10}")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SITE_NAMES = ("professional", "personal", "family")
HOSTS = {
    "professional": "pro.example.com",
    "personal": "home.example.net",
    "family": "fam.example.org",
}
THEMES = {"professional": "professional", "personal": "personal", "family": "personal"}
POLICIES = ("deny", "strip", "allow")


class Canaries:
    """Unique canary tokens from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.made: set[str] = set()

    def __call__(self) -> str:
        while True:
            token = "zq" + "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=10))
            if token not in self.made:
                self.made.add(token)
                return token


@dataclass(frozen=True)
class SiteSpec:
    name: str
    title: str  # a canary inside a title
    description: str
    base_url: str
    author_name: str
    author_email: str
    avatar: str | None  # file name (a canary) of the site's avatar, copied to its root
    policies: tuple[tuple[str, str], ...]  # (other site, policy)
    keep_metadata: bool
    posts_per_page: int
    forbid: tuple[str, ...]

    def policy_toward(self, other: str) -> str:
        return dict(self.policies).get(other, "deny")

    @property
    def prefix(self) -> str:
        """The URL path the site lives under ("/" or "/blog/")."""
        return "/" + self.base_url.split("://", 1)[1].split("/", 1)[1]


@dataclass(frozen=True)
class Link:
    target: str  # the source key it points at
    written: str  # as written in the Markdown
    fragment: str  # "" or "#part"


@dataclass(frozen=True)
class Para:
    canary: str
    only: tuple[str, ...] | None  # None: shown on every site of the post
    link: Link | None = None
    image: str | None = None  # a bundle image shown in this paragraph
    document: str | None = None  # a bundle file linked from this paragraph


@dataclass(frozen=True)
class OverrideSpec:
    title: str | None = None
    slug: str | None = None
    tags: tuple[str, ...] | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Photo:
    name: str  # file name (a canary with its extension)
    metadata: str  # a canary written into the file's metadata (PNG text / EXIF Artist)


@dataclass(frozen=True)
class SourceSpec:
    key: str  # below content/
    kind: str  # "post" or "page"
    title: str
    slug: str
    audience: tuple[str, ...]
    date: datetime | None
    draft: bool
    tags: tuple[str, ...]
    summary: str | None  # a canary (plus maybe a link) for the front matter's summary
    summary_link: Link | None
    overrides: tuple[tuple[str, OverrideSpec], ...]
    paras: tuple[Para, ...]
    images: tuple[Photo, ...] = ()
    documents: tuple[str, ...] = ()  # non-image bundle files that paragraphs link to
    unused: tuple[str, ...] = ()  # bundle files nothing refers to
    unused_content: str = ""  # a canary inside the unused text file

    @property
    def bundle(self) -> bool:
        return self.key.endswith("/index.md")

    @property
    def folder(self) -> str:
        return self.key.rpartition("/")[0]

    def override(self, site: str) -> OverrideSpec | None:
        return dict(self.overrides).get(site)

    @property
    def future(self) -> bool:
        return self.date is not None and self.date > NOW


@dataclass(frozen=True)
class CorpusSpec:
    seed: int
    sites: tuple[SiteSpec, ...]
    sources: tuple[SourceSpec, ...]
    drafts: bool
    future: bool
    all_canaries: frozenset[str] = field(default_factory=frozenset)

    def site(self, name: str) -> SiteSpec:
        return next(s for s in self.sites if s.name == name)

    def source(self, key: str) -> SourceSpec:
        return next(s for s in self.sources if s.key == key)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sites)


# -- drawing ---------------------------------------------------------------------------------
def draw(seed: int) -> CorpusSpec:
    """A random corpus. Links are drawn freely; most that a policy would refuse are
    dropped again, so that most corpora build and some must fail."""
    rng = random.Random(seed)
    canary = Canaries(rng)
    names = SITE_NAMES[: 3 if rng.random() < 0.3 else 2]
    sites = tuple(_site(rng, canary, name, names) for name in names)
    tags = [canary() for _ in range(rng.randint(2, 5))]
    sources: list[SourceSpec] = []
    for index in range(rng.randint(2, 7)):
        sources.append(_source(rng, canary, names, tags, "post", index))
    for index in range(rng.randint(0, 2)):
        sources.append(_source(rng, canary, names, tags, "page", index))
    spec = CorpusSpec(
        seed, sites, tuple(sources), drafts=rng.random() < 0.2, future=rng.random() < 0.2
    )
    spec = _add_links(rng, spec)
    spec = _add_forbid(rng, spec)
    return CorpusSpec(
        spec.seed, spec.sites, spec.sources, spec.drafts, spec.future, frozenset(canary.made)
    )


def _site(rng: random.Random, canary: Canaries, name: str, names: tuple[str, ...]) -> SiteSpec:
    path = "blog/" if rng.random() < 0.25 else ""
    return SiteSpec(
        name=name,
        title=f"Site {canary()}",
        description=f"About {canary()}",
        base_url=f"https://{HOSTS[name]}/{path}",
        author_name=f"Author {canary()}",
        author_email=f"{canary()}@{HOSTS[name]}",
        avatar=f"{canary()}.png" if rng.random() < 0.5 else None,
        policies=tuple((o, rng.choice(POLICIES)) for o in names if o != name),
        keep_metadata=rng.random() < 0.2,
        posts_per_page=rng.randint(1, 3),
        forbid=(),
    )


def _audience(rng: random.Random, names: tuple[str, ...]) -> tuple[str, ...]:
    count = rng.choice((1, 1, 2, len(names)))
    return tuple(sorted(rng.sample(names, min(count, len(names)))))


def _source(
    rng: random.Random,
    canary: Canaries,
    names: tuple[str, ...],
    tags: list[str],
    kind: str,
    index: int,
) -> SourceSpec:
    audience = _audience(rng, names)
    slug = canary()
    date = None
    if kind == "post":
        date = NOW - timedelta(days=rng.randint(1, 500), hours=index)
        if rng.random() < 0.15:
            date = NOW + timedelta(days=rng.randint(1, 300))
    bundle = kind == "post" and rng.random() < 0.5
    if kind == "post":
        stem = f"{date:%Y-%m-%d}-{slug}"  # type: ignore[str-format]
        key = f"posts/{stem}/index.md" if bundle else f"posts/{stem}.md"
    else:
        key = f"pages/{slug}.md"
    photos = rng.randint(0, 2) if bundle else 0
    images = tuple(
        Photo(f"{canary()}.{rng.choice(('png', 'jpg'))}", canary()) for _ in range(photos)
    )
    documents = (f"{canary()}.pdf",) if bundle and rng.random() < 0.4 else ()
    unused: tuple[str, ...] = ()
    if bundle and rng.random() < 0.5:
        unused = (f"{canary()}.txt", f"{canary()}.png")
    paras = _paras(rng, canary, audience, images, documents)
    overrides = []
    for site in audience:
        if rng.random() < 0.35:
            overrides.append(
                (
                    site,
                    OverrideSpec(
                        title=f"Title {canary()}" if rng.random() < 0.6 else None,
                        slug=canary() if rng.random() < 0.4 else None,
                        tags=(
                            tuple(rng.sample(tags, rng.randint(0, 2)))
                            if kind == "post" and rng.random() < 0.5
                            else None
                        ),
                        summary=f"Summary {canary()}." if rng.random() < 0.4 else None,
                    ),
                )
            )
    return SourceSpec(
        key=key,
        kind=kind,
        title=f"Title {canary()}",
        slug=slug,
        audience=audience,
        date=date,
        draft=rng.random() < 0.15,
        tags=tuple(rng.sample(tags, rng.randint(0, 2))) if kind == "post" else (),
        summary=f"Summary {canary()}." if rng.random() < 0.3 else None,
        summary_link=None,
        overrides=tuple(overrides),
        paras=paras,
        images=images,
        documents=documents,
        unused=unused,
        unused_content=canary(),
    )


def _paras(
    rng: random.Random,
    canary: Canaries,
    audience: tuple[str, ...],
    images: tuple[Photo, ...],
    documents: tuple[str, ...],
) -> tuple[Para, ...]:
    """Paragraphs, some in `::: only` blocks; every bundle file used by one of them (an
    image used only in a block is copied to that block's sites alone)."""
    all_only = rng.random() < 0.15  # maybe nothing is shared: empty on some sites
    paras: list[Para] = []
    count = rng.randint(1, 4)
    for index in range(count):
        only = None
        if all_only or rng.random() < 0.35:
            only = tuple(sorted(rng.sample(audience, rng.randint(1, len(audience)))))
            if rng.random() < 0.2:  # a block naming a site the post is not for
                only = tuple(sorted({*only, *SITE_NAMES[:2]}))
        image = images[index].name if index < len(images) else None
        document = documents[0] if documents and index == count - 1 else None
        paras.append(Para(canary(), only, image=image, document=document))
    for extra in images[count:]:  # more images than paragraphs: one paragraph each
        paras.append(Para(canary(), None, image=extra.name))
    return tuple(paras)


def _add_links(rng: random.Random, spec: CorpusSpec) -> CorpusSpec:
    from .leak_oracle import link_errors  # the oracle decides which links fail

    sources = list(spec.sources)
    for index, source in enumerate(sources):
        paras = list(source.paras)
        for p, para in enumerate(paras):
            if rng.random() < 0.45:
                target = rng.choice(sources)
                paras[p] = Para(
                    para.canary, para.only, _link(rng, source, target), para.image, para.document
                )
        summary_link = None
        if source.summary and rng.random() < 0.3:
            summary_link = _link(rng, source, rng.choice(sources))
        sources[index] = _replace(source, paras=tuple(paras), summary_link=summary_link)
    spec = CorpusSpec(spec.seed, spec.sites, tuple(sources), spec.drafts, spec.future)
    # Keep a few refused links (the build must fail, naming them); drop the others.
    keep_failing = rng.random() < 0.12
    if not keep_failing:
        for _ in range(50):
            failing = link_errors(spec)
            if not failing:
                break
            source_key, _written = failing[0]
            spec = _drop_links(spec, source_key)
    return spec


def _drop_links(spec: CorpusSpec, key: str) -> CorpusSpec:
    sources = tuple(
        _replace(
            s,
            paras=tuple(Para(p.canary, p.only, None, p.image, p.document) for p in s.paras),
            summary_link=None,
        )
        if s.key == key
        else s
        for s in spec.sources
    )
    return CorpusSpec(spec.seed, spec.sites, sources, spec.drafts, spec.future)


def _link(rng: random.Random, source: SourceSpec, target: SourceSpec) -> Link:
    fragment = "#part" if rng.random() < 0.2 else ""
    key = target.key
    if target.bundle and rng.random() < 0.5:  # x/index.md may be written x.md
        key = target.folder + ".md"
    written = "/" + key if rng.random() < 0.5 else _relative(source.folder, key)
    return Link(target.key, written, fragment)


def _relative(folder: str, key: str) -> str:
    up = folder.split("/")
    down = key.split("/")
    common = 0
    while common < min(len(up), len(down) - 1) and up[common] == down[common]:
        common += 1
    return "/".join([".."] * (len(up) - common) + down[common:])


def _add_forbid(rng: random.Random, spec: CorpusSpec) -> CorpusSpec:
    """Some sites forbid a paragraph's canary: fine when only other sites show it."""
    from .leak_oracle import expect

    paragraphs = [p.canary for s in spec.sources for p in s.paras]
    sites = []
    for site in spec.sites:
        words = paragraphs
        if rng.random() < 0.75:  # mostly a word only other sites show: the build passes
            shown = expect(spec, site.name).present
            words = [w for w in paragraphs if w not in shown]
        forbid = (rng.choice(words),) if words and rng.random() < 0.3 else ()
        sites.append(_replace_site(site, forbid=forbid))
    return CorpusSpec(spec.seed, tuple(sites), spec.sources, spec.drafts, spec.future)


def _replace(source: SourceSpec, **changes: object) -> SourceSpec:
    return SourceSpec(**{**source.__dict__, **changes})  # type: ignore[arg-type]


def _replace_site(site: SiteSpec, **changes: object) -> SiteSpec:
    return SiteSpec(**{**site.__dict__, **changes})  # type: ignore[arg-type]


def with_audience(spec: CorpusSpec, key: str, audience: tuple[str, ...], draft: bool) -> CorpusSpec:
    """The corpus with one source moved to other sites (for rebuild checks)."""
    sources = tuple(
        _replace(s, audience=audience, draft=draft) if s.key == key else s for s in spec.sources
    )
    return CorpusSpec(spec.seed, spec.sites, sources, spec.drafts, spec.future, spec.all_canaries)


# -- writing ---------------------------------------------------------------------------------
def write(spec: CorpusSpec, root: Path) -> None:
    """The corpus as a project in `root` (content/ replaced whole). Every file is dated
    a minute later than the last write, so a rebuild sees each one as changed even when
    the file system reuses an inode and its clock ticks coarsely."""
    import os
    import shutil

    shutil.rmtree(root / "content", ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    (root / "splitblog.toml").write_text(_config(spec), encoding="utf-8")
    for site in spec.sites:
        if site.avatar:
            (root / site.avatar).write_bytes(_png(site.author_name))
    for source in spec.sources:
        path = root / "content" / source.key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_markdown(source), encoding="utf-8")
        stamp = _next_stamp(root)
        os.utime(path, ns=(stamp, stamp))
        for image in source.images:
            (path.parent / image.name).write_bytes(_image(image))
        for name in source.documents:
            (path.parent / name).write_bytes(pdf_naming(name))
        for name in source.unused:
            data = _png(source.unused_content) if name.endswith(".png") else b""
            (path.parent / name).write_bytes(data or source.unused_content.encode())


def _next_stamp(root: Path) -> int:
    marker = root / ".stamp"
    last = int(marker.read_text()) if marker.exists() else 1_700_000_000 * 10**9
    marker.write_text(str(last + 60 * 10**9))
    return last + 60 * 10**9


def _config(spec: CorpusSpec) -> str:
    lines = []
    for site in spec.sites:
        author = {"name": site.author_name, "email": site.author_email}
        if site.avatar:
            author["avatar"] = site.avatar
        lines += [
            f"[sites.{site.name}]",
            f"title = {json.dumps(site.title)}",
            f"description = {json.dumps(site.description)}",
            f"base_url = {json.dumps(site.base_url)}",
            f"theme = {json.dumps(THEMES[site.name])}",
            "author = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in author.items()) + " }",
            f"posts_per_page = {site.posts_per_page}",
            f"keep_image_metadata = {'true' if site.keep_metadata else 'false'}",
            # photos are published at web size (no metadata); a site that keeps their
            # metadata publishes the originals too, which then show it
            f"publish_originals = {'true' if site.keep_metadata else 'false'}",
            f"forbid = {json.dumps(list(site.forbid))}",
            f"[sites.{site.name}.links]",
            *(f"{other} = {json.dumps(policy)}" for other, policy in site.policies),
            "",
        ]
    return "\n".join(lines)


def _markdown(source: SourceSpec) -> str:
    meta: dict[str, object] = {"title": source.title, "audience": list(source.audience)}
    if source.date is not None:
        meta["date"] = source.date.isoformat()
    if source.draft:
        meta["draft"] = True
    if source.tags:
        meta["tags"] = list(source.tags)
    if source.summary:
        summary = source.summary
        if source.summary_link:
            link = source.summary_link
            summary += f" [see]({link.written}{link.fragment})"
        meta["summary"] = summary
    for site, override in source.overrides:
        values = {k: v for k, v in override.__dict__.items() if v is not None}
        meta[site] = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    blocks = []
    for para in source.paras:
        text = f"Para {para.canary} words."
        if para.link:
            text += f" Read [this one]({para.link.written}{para.link.fragment}) too."
        if para.image:
            text += f"\n\n![Photo of {para.canary}]({para.image})"
        if para.document:
            text += f" The [slides]({para.document})."
        if para.only:
            text = f"::: only {', '.join(para.only)}\n{text}\n:::"
        blocks.append(text)
    return f"---\n{front}\n---\n\n" + "\n\n".join(blocks) + "\n"


def _image(image: Photo) -> bytes:
    if image.name.endswith(".png"):
        return _png(image.metadata)
    exif = Image.Exif()
    exif[0x013B] = f"Artist {image.metadata}"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf_naming(text: str) -> bytes:
    """A real one-page PDF whose page content holds `text` (a PDF comment): a PDF the
    build can clean, which still carries the text in its bytes."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(72, 72)
    content = DecodedStreamObject()
    content.set_data(b"% " + text.encode() + b"\n")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (10, 20, 30)).save(out, "PNG", pnginfo=info)
    return out.getvalue()
