"""Photos at web size: each JPEG, PNG, WebP or AVIF photo a site's pages use is published
in a few widths (the site's `image_widths`, never enlarged) as WebP, in its own format
and, where asked and possible, as AVIF; pages show it as `<picture>` with `srcset`,
`sizes`, `width`, `height`, `loading="lazy"` and `decoding="async"`. The original is
published only with `publish_originals = true`.

A variant is named after the original (`beach.jpg` → `beach.jpg.960w.webp`), so the
audit's tokens for a bundle file (its name, its address) also find every variant of it.
Variants are kept under .splitblog/photos/ by the original's digest, the width and the
encoder's settings: a photo is resized once for every site and build, again only when
the photo or a setting changes. GIF, SVG, HEIC and animated photos are not resized: they
are copied, cleaned, like any other file (files.py).
"""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from splitblog.config import SiteConfig
from splitblog.errors import Problem
from splitblog.parallel import fan_out
from splitblog.site import photo_encode
from splitblog.site.bodies import Body, card_image
from splitblog.site.cleaning import CleanError, Mismatch, decide, is_image
from splitblog.site.files import FileDigests, Wanted
from splitblog.site.html_addresses import StartTag, write
from splitblog.site.markdown import VALUE
from splitblog.writer import OutputFile, digest_of

RESIZED = frozenset({"jpeg", "png", "webp", "avif"})
FALLBACK_WIDTH = 960  # the <img src>, for browsers that read no srcset (and feed readers)
# How wide a photo is shown: the themes' column (at most 42rem) or the whole screen.
SIZES = "(min-width: 42rem) 40rem, 100vw"
SOURCE_ORDER = ("avif", "webp")  # <source> elements, best first; the own format is <img>


@dataclass(frozen=True)
class Variant:
    path: str  # on the site
    href: str  # root-relative URL
    width: int
    height: int
    fmt: str  # a key of photo_encode.FORMATS

    @property
    def mime(self) -> str:
        return photo_encode.FORMATS[self.fmt][2]


@dataclass(frozen=True)
class Photo:
    """One photo as a site publishes it."""

    href: str  # the original's URL on the site: what the bodies' references hold
    digest: str  # of the original
    fmt: str  # its own format
    width: int  # upright
    height: int
    variants: tuple[Variant, ...]  # widest first within each format
    original: bool  # published as well (publish_originals)

    def of_format(self, fmt: str) -> list[Variant]:
        return sorted((v for v in self.variants if v.fmt == fmt), key=lambda v: v.width)

    @property
    def largest(self) -> Variant:
        """The widest variant in the photo's own format (links, share cards)."""
        return self.of_format(self.fmt)[-1]

    @property
    def fallback(self) -> Variant:
        own = self.of_format(self.fmt)
        fitting = [v for v in own if v.width <= FALLBACK_WIDTH]
        return fitting[-1] if fitting else own[0]

    def picture(self, tag: StartTag) -> str:
        """The <img> tag (its src this photo) as a <picture> of this photo's variants; a tag
        that brings its own srcset keeps it, and only its addresses are mapped."""
        names = {name for name, _value in tag.attrs}
        if "srcset" in names or "sizes" in names:
            return write(_with_src(tag, self.fallback.href))
        largest = self.largest
        attrs = [(n, v) for n, v in tag.attrs if n != "src"]
        attrs.insert(0, ("src", self.fallback.href))
        attrs.insert(1, ("srcset", _srcset(self.of_format(self.fmt))))
        attrs.insert(2, ("sizes", SIZES))
        if "width" not in names and "height" not in names:
            attrs += [("width", str(largest.width)), ("height", str(largest.height))]
        if "loading" not in names:
            attrs.append(("loading", "lazy"))
        if "decoding" not in names:
            attrs.append(("decoding", "async"))
        sources = "".join(
            f'<source type="{v[0].mime}" srcset="{html.escape(_srcset(v))}" sizes="{SIZES}">'
            for fmt in SOURCE_ORDER
            if fmt != self.fmt and (v := self.of_format(fmt))
        )
        img = write(StartTag("img", tuple(attrs), tag.closed, tag.line))
        return f"<picture>{sources}{img}</picture>"


def _srcset(variants: Iterable[Variant]) -> str:
    return ", ".join(f"{v.href} {v.width}w" for v in variants)


def _with_src(tag: StartTag, src: str) -> StartTag:
    attrs = tuple((n, src if n == "src" else v) for n, v in tag.attrs)
    return StartTag(tag.name, attrs, tag.closed, tag.line)


class SitePhotos:
    """The photos of one site by the URL its pages refer to them by: what
    markdown.finalize asks when it writes an <img> or any other address."""

    def __init__(self, photos: Mapping[str, Photo]):
        self.by_href = dict(photos)

    def img(self, tag: StartTag) -> str | None:
        """The markup of an <img> whose src is one of the photos, else None."""
        src = next((v for n, v in tag.attrs if n == "src"), None)
        photo = self.by_href.get(src or "")
        return photo.picture(tag) if photo is not None else None

    def address(self, url: str) -> str:
        """Where another reference to a photo (a link, a <source>) points: the original
        when it is published, else its widest variant."""
        photo = self.by_href.get(url)
        if photo is None or photo.original:
            return url
        return photo.largest.href

    def fingerprint(self, hrefs: Iterable[str]) -> str:
        """Changes whenever the markup of these photos could."""
        found = [self.by_href[h] for h in hrefs if h in self.by_href]
        return hashlib.blake2b(repr(found).encode(), digest_size=16).hexdigest()

    def first(self, hrefs: Iterable[str]) -> Photo | None:
        return next((self.by_href[h] for h in hrefs if h in self.by_href), None)


def widths_for(width: int, wanted: tuple[int, ...]) -> list[int]:
    """The widths a photo `width` pixels wide is published in: each wanted width it
    reaches, and its own width when it is narrower than the widest wanted (never
    enlarged)."""
    found = sorted(w for w in wanted if w <= width)
    if width < max(wanted) and width not in found:
        found.append(width)
    return found


def formats_for(own: str, site: SiteConfig) -> list[str]:
    fmts = [own] if own == "webp" else [own, "webp"]
    if site.image_avif and own != "avif" and photo_encode.avif_written():
        fmts.append("avif")
    return fmts


@dataclass(frozen=True)
class PublishedPhotos:
    photos: SitePhotos
    files: dict[str, tuple[OutputFile, str]]  # output path → (file, what it is)
    handled: frozenset[str]  # out paths of the originals done here (not to be copied)
    problems: tuple[Problem, ...]


def publish_photos(
    site: SiteConfig,
    wanted: list[Wanted],
    digests: FileDigests,
    cache: Path | None,
    write_cache: bool,
) -> PublishedPhotos:
    """The variants of every photo in `wanted` (bundle files a site's pages use).

    `cache`: the folder of made variants (read even by `check`); `write_cache`: whether
    variants made now are kept there (not by `check`, which writes nothing)."""
    if not site.image_widths:
        return PublishedPhotos(SitePhotos({}), {}, frozenset(), ())
    photos: dict[str, Photo] = {}
    order: list[Photo] = []
    jobs: list[tuple[Path, list[tuple[int, str]], dict[tuple[int, str], Path | None]]] = []
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    for want in wanted:
        photo = _photo(site, want, digests)
        if photo is None or photo.href in photos:
            continue
        photos[photo.href] = photo
        order.append(photo)
        labels[photo.href] = want.label
        targets: dict[tuple[int, str], Path | None] = {}
        missing = []
        for variant in photo.variants:
            key = (variant.width, variant.fmt)
            target = _cached(cache, photo.digest, *key)
            targets[key] = target
            if target is None or not target.is_file():
                missing.append(key)
        jobs.append((want.source, missing, targets))
    # One job per photo: it is decoded once for all its widths and formats.
    # Only photos with variants to make fork workers; the others are all in the cache.
    todo = [i for i, job in enumerate(jobs) if job[1]]
    made = fan_out(lambda i: _make(jobs[todo[i]], write_cache), len(todo), parallel_from=2, chunk=1)
    results: list[dict[tuple[int, str], bytes] | str] = [{} for _job in jobs]
    for i, result in zip(todo, made, strict=True):
        results[i] = result
    files: dict[str, tuple[OutputFile, str]] = {}
    for (_source, _missing, targets), photo, result in zip(jobs, order, results, strict=True):
        label = labels[photo.href]
        if isinstance(result, str):
            problems.append(Problem(f"photo splitblog cannot resize: {result}", path=label))
            continue
        for variant in photo.variants:
            key = (variant.width, variant.fmt)
            target = targets[key]
            if key in result:
                files[variant.path] = (OutputFile(digest_of(result[key]), data=result[key]), label)
            else:
                assert target is not None
                files[variant.path] = (OutputFile(digests.digest(target), copy_from=target), label)
    handled = frozenset(
        want.out_path
        for want in wanted
        if site.href(want.out_path) in photos and not photos[site.href(want.out_path)].original
    )
    return PublishedPhotos(SitePhotos(photos), files, handled, tuple(problems))


def _photo(site: SiteConfig, want: Wanted, digests: FileDigests) -> Photo | None:
    """The photo `want` is, when it is one that is resized; else None (it is copied)."""
    try:
        digest = digests.digest(want.source)
        kind = digests.kinds.get(digest)
        if kind is None:
            kind = digests.kind(digest, want.source.read_bytes())
        kind = decide(kind, want.source.name)
    except (OSError, CleanError, Mismatch):
        return None  # the copier says what is wrong with it
    if kind not in RESIZED:
        return None
    size = digests.sizes.get(digest)
    if size is None:
        try:
            measured = photo_encode.measure(want.source)
        except Exception:  # Pillow cannot read it: copied, cleaned, or refused by the cleaner
            return None
        size = (measured.width, measured.height, measured.animated)
        digests.sizes[digest] = size
        digests.changed = True
    width, height, animated = size
    if animated or width < 1 or height < 1:
        return None
    variants = []
    for fmt in formats_for(kind, site):
        suffix = photo_encode.FORMATS[fmt][1]
        for w in widths_for(width, site.image_widths):
            path = f"{want.out_path}.{w}w.{suffix}"
            h = max(1, round(height * w / width))
            variants.append(Variant(path, site.href(path), w, h, fmt))
    href = site.href(want.out_path)
    return Photo(href, digest, kind, width, height, tuple(variants), site.publish_originals)


def _cached(cache: Path | None, digest: str, width: int, fmt: str) -> Path | None:
    if cache is None:
        return None
    suffix = photo_encode.FORMATS[fmt][1]
    return cache / f"{digest}-{photo_encode.encoder_key(fmt)}-{width}.{suffix}"


def _make(
    job: tuple[Path, list[tuple[int, str]], dict[tuple[int, str], Path | None]], write: bool
) -> dict[tuple[int, str], bytes] | str:
    """One photo's missing variants: written into the cache (and not returned), or
    returned when they cannot be kept; a message when the photo cannot be resized."""
    source, missing, targets = job
    if not missing:
        return {}
    try:
        made = photo_encode.encode(source, missing)
    except Exception as exc:  # a photo Pillow cannot decode: said, never published
        return f"{type(exc).__name__}: {exc}"
    if not write:
        return made
    kept: dict[tuple[int, str], bytes] = {}
    for key, data in made.items():
        target = targets[key]
        if target is None:
            kept[key] = data
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return kept


def share_card(site: SiteConfig, body: Body, photos: SitePhotos) -> dict[str, str]:
    """The post's share card (og:image): the `image:` of its front matter, else the first
    photo it shows, else nothing (the page then shows the site's: the avatar). A photo at
    web size is shown by its widest variant in its own format (what every card reader
    reads); the URL is absolute, on the post's own site."""
    entry = body.entry
    chosen = card_image(entry)
    names = [chosen] if isinstance(chosen, str) else []
    names += [name for name in body.files if name not in names]
    extra = dict(entry.extra)
    for name in names:
        href = site.href(entry.folder + name)
        photo = photos.by_href.get(href)
        if photo is None and not (name == chosen or is_image(name)):
            continue
        path = photo.largest.path if photo is not None else entry.folder + name
        alt = extra.get("image_alt")
        if not isinstance(alt, str) or not alt.strip():
            alt = _alt_of(body, href) or entry.title
        return {"image": site.url(path), "image_alt": alt}
    return {}


def _alt_of(body: Body, href: str) -> str | None:
    """The alt text of the first <img> of the body that shows `href`."""
    for tag in body.rendered.tags:
        if tag.name != "img":
            continue
        attrs = dict(tag.attrs)
        found = VALUE.fullmatch(attrs.get("src") or "")
        if found and body.resolutions[int(found.group(1))] == href:
            return (attrs.get("alt") or "").strip() or None
    return None
