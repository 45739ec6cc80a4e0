"""The perturbed copy of a project, for one site S: everything S must not depend on
replaced by values of the same shape (garble.py), everything it may know kept
(knowledge.py). What changes, file by file:

- a post or page S does not publish (another audience's, a draft, a future post — S's
  own drafts and future posts too): its file or bundle folder renamed, its title,
  summary, tags (and one tag more), slug, dates and every other front-matter value
  replaced (its audience, canonical site and true/false flags kept: they decide where
  it is published), its body garbled line by line, its bundle files renamed and
  replaced by other files of the same kind. Its address (file name, slug, dates) is
  kept where S may know it: on a site S allows, or named by S's own text.
- one such post removed (one whose address S cannot know), and two added, for other
  sites (or, in a one-site project, as drafts or future posts): one more and one
  less, and the number of foreign posts changes too (the same number would hide a
  count).
- in a post S publishes: the text of the other sites' `::: only` blocks garbled (the
  block lines themselves, with their site names, kept), and the other sites'
  overrides (`personal: {title: …}`) replaced — the slug kept for a site S allows, as
  a canonical link to it uses that address. Its bundle files are kept.
- the other sites' configuration (perturb_config.py), their `static/<site>/` files and
  the project's themes other than S's.

Unchanged files are copied with their mtime (copying.py says why not hard links), and
named in the result, so the perturbed build can reuse what was read from them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w
import yaml

from splitblog.config import Config
from splitblog.content.frontmatter import HANDLERS, TOMLHandler
from splitblog.content.only import parse_of
from splitblog.model import BuildOptions, OnlyBlock, Source
from splitblog.prove.copying import files, link, write
from splitblog.prove.garble import Garbler
from splitblog.prove.knowledge import Knowledge, knowledge
from splitblog.prove.perturb_config import perturb_config
from splitblog.routing.plan import Routing

FREE_TEXT = ("title", "summary", "description", "excerpt")
TAG_KEYS = ("tags", "categories")
KEPT_KEYS = ("audience", "canonical")  # where a post is published: site names


@dataclass(frozen=True)
class Perturbation:
    """The perturbed copy of a project for one site, and what was changed in it."""

    site: str
    root: Path
    config_path: Path
    foreign: int  # foreign posts and pages perturbed
    blocks: int  # posts of the site whose other sites' blocks or overrides changed
    removed: str | None  # the foreign source left out (its key)
    added: tuple[str, ...]  # the foreign posts added (their keys)
    unchanged: frozenset[str] = frozenset()  # the site's own files, copied as they are


@dataclass
class _Copy:
    config: Config
    know: Knowledge
    garble: Garbler
    dest: Path
    taken: set[str] = field(default_factory=set)  # content paths of the copy, relative

    @property
    def content(self) -> Path:
        return self.dest / content_folder(self.config)


def perturb(
    config: Config, routing: Routing, site: str, options: BuildOptions, dest: Path, seed: int
) -> Perturbation:
    """Write the perturbed copy of `config`'s project for `site` into `dest`."""
    assert options.now is not None  # the proof builds both sides at one "now"
    know = knowledge(config, routing, site, options)
    garble = Garbler(seed, options.now, ZoneInfo(config.timezone))
    copy = _Copy(config, know, garble, dest)
    sources = {s.key: s for s in routing.sources}
    foreign = [s for s in routing.sources if s.key not in know.published]
    removable = [s for s in foreign if not know.address_kept(s)]
    removed = garble.rng.choice(removable) if removable else None
    found = files(config.content_dir)
    for rel, _path in found:
        copy.taken.update(_with_folders(rel))
    places = _places(copy, foreign, removed)
    changed = 0
    unchanged: list[str] = []
    for rel, path in found:
        owner, asset = _owner(rel, sources)
        if owner is None:
            link(path, copy.content / rel)
        elif owner is removed:
            continue
        elif owner.key in know.published:
            if asset is None:
                if _own(copy, owner, path, copy.content / rel):
                    changed += 1
                else:
                    unchanged.append(owner.key)
            else:
                link(path, copy.content / rel)
        else:
            _foreign_file(copy, owner, asset, path, places[owner.key])
    # Two more and one less: the number of foreign posts changes too.
    added = [a for a in (_add(copy, options), _add(copy, options)) if a]
    raw = tomllib.loads(config.path.read_text(encoding="utf-8-sig"))
    perturbed = perturb_config(config, raw, know, garble, dest, content_folder(config))
    config_path = dest / "splitblog.toml"
    config_path.write_text(tomli_w.dumps(perturbed), encoding="utf-8")
    return Perturbation(
        site,
        dest,
        config_path,
        len(foreign),
        changed,
        removed.key if removed else None,
        tuple(added),
    )


def content_folder(config: Config) -> str:
    """Where the copy's content goes: where it is in the project (so every file keeps
    the name messages give it), or content/ for a content folder outside the project."""
    if config.content_dir.is_relative_to(config.root):
        return config.content_dir.relative_to(config.root).as_posix()
    return "content"


# -- the copy's files ------------------------------------------------------------------------
def _owner(rel: str, sources: dict[str, Source]) -> tuple[Source | None, str | None]:
    """The source a content file belongs to, and its path in the bundle (None for the
    source's own .md file)."""
    if rel in sources:
        return sources[rel], None
    folder = rel
    while "/" in folder:
        folder = folder.rpartition("/")[0]
        owner = sources.get(f"{folder}/index.md")
        if owner is not None and owner.bundle == folder:
            return owner, rel[len(folder) + 1 :]
    return None, None


def _places(copy: _Copy, foreign: list[Source], removed: Source | None) -> dict[str, str]:
    """Where each foreign source goes in the copy (its key there): renamed unless its
    address is kept. Names never collide with another file of the copy."""
    places: dict[str, str] = {}
    for source in foreign:
        if source is removed or copy.know.address_kept(source):
            places[source.key] = source.key
            continue
        if source.bundle:
            parent, _slash, name = source.bundle.rpartition("/")
            folder = _fresh(copy, parent, name, copy.garble.name)
            places[source.key] = f"{folder}/index.md"
        else:
            parent, _slash, name = source.key.rpartition("/")
            places[source.key] = _fresh(copy, parent, name, copy.garble.name)
    return places


def _fresh(copy: _Copy, parent: str, name: str, rename: Callable[[str], str]) -> str:
    while True:
        new = rename(name)
        rel = f"{parent}/{new}" if parent else new
        if rel not in copy.taken:
            copy.taken.update(_with_folders(rel))
            return rel


def _with_folders(rel: str) -> list[str]:
    """A path and each folder it is in: what a new name must not be."""
    parts = rel.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


# -- front matter ----------------------------------------------------------------------------
def split(text: str) -> tuple[bool, dict[str, Any], str, str] | None:
    """(is TOML, the front matter, its text with its delimiters, the body) — as the
    content reader splits a file — or None for a file without a front matter."""
    handler = next((h for h in HANDLERS if h.detect(text)), None)
    if handler is None:
        return None
    bounds = list(handler.FM_BOUNDARY.finditer(text))[:2]
    if len(bounds) < 2:
        return None
    start, end = bounds
    meta = handler.load(text[start.end() : end.start()])
    cut = end.end() + 1 if text[end.end() : end.end() + 1] == "\n" else end.end()
    if not isinstance(meta, dict):
        return None
    return isinstance(handler, TOMLHandler), meta, text[:cut], text[cut:]


def dump(is_toml: bool, meta: dict[str, Any], body: str) -> str:
    if is_toml:
        return f"+++\n{tomli_w.dumps(meta)}+++\n{body}"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # LibYAML's, where installed
    front = yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{front}---\n{body}"


def _text(path: Path) -> str:
    text = path.read_bytes().decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- a post the site publishes ------------------------------------------------------------------
def _own(copy: _Copy, source: Source, path: Path, target: Path) -> int:
    """The site's own post: the other sites' blocks and overrides changed, if any.
    Returns 1 when it was changed."""
    site, know = copy.know.site, copy.know
    only = parse_of(source)
    blocks = [b for b in only.blocks if site not in b.sites]
    overrides = [n for n, _o in source.overrides if n != site]
    if not blocks and not overrides:
        link(path, target)
        return 0
    parts = split(_text(path))
    if parts is None:  # read by the build all the same: keep it as it is
        link(path, target)
        return 0
    is_toml, meta, front, body = parts
    if blocks:
        body = _garble_blocks(copy, body, source.body, only.blocks, blocks)
    if overrides:
        for name in overrides:
            if isinstance(meta.get(name), dict):
                meta[name] = _override(copy, meta[name], keep_slug=name in know.allowed)
        text = dump(is_toml, meta, body)
    else:
        text = front + body
    write(target, text.encode("utf-8"))
    return 1


def _garble_blocks(
    copy: _Copy, body: str, parsed: str, every: Sequence[OnlyBlock], foreign: Sequence[OnlyBlock]
) -> str:
    """The body with the text of the other sites' blocks garbled: exactly what the parse
    gives those blocks on each line (a list item's marker, a quote's `>` stay), every
    block's own `:::` lines kept. Same length, so every line keeps its place."""
    fences = {line for block in every for line in (block.first, block.last)}
    if body != parsed:  # not the text the parse was made of: whole lines, to be safe
        lines = {line for block in foreign for line, _s, _e in block.spans} - fences
        return copy.garble.body(body, keep=set(range(body.count("\n") + 1)) - lines)
    cuts: dict[int, tuple[int, int]] = {}  # line → the span of it to garble
    for block in foreign:
        for line, start, end in block.spans:
            if line not in fences:
                low, high = cuts.get(line, (start, end))
                cuts[line] = (min(low, start), max(high, end))
    out, at = [], 0
    for start, end in sorted(cuts.values()):
        if start < at:
            continue
        out += [body[at:start], copy.garble.letters(body[start:end])]
        at = end
    out.append(body[at:])
    return "".join(out)


def _override(copy: _Copy, table: dict[str, Any], keep_slug: bool) -> dict[str, Any]:
    garble = copy.garble
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "slug" and keep_slug:
            out[key] = value
        elif key in FREE_TEXT and isinstance(value, str):
            out[key] = garble.text(value)
        elif key in TAG_KEYS and isinstance(value, list):
            out[key] = garble.tags(value)
        else:
            out[key] = garble.value(value)
    return out


# -- a post or page the site does not publish ---------------------------------------------------
def _foreign_file(copy: _Copy, source: Source, asset: str | None, path: Path, place: str) -> None:
    folder = place.rpartition("/")[0]
    if asset is not None:
        name = asset.rpartition("/")[2]
        if copy.know.named(name):  # S's own text names the file: kept as it is
            link(path, copy.content / folder / asset)
            return
        parent = asset.rpartition("/")[0]
        new = copy.garble.name(name)
        rel = f"{parent}/{new}" if parent else new
        write(copy.content / folder / rel, copy.garble.file(path.read_bytes()))
        return
    parts = split(_text(path))
    if parts is None:
        write(copy.content / place, copy.garble.file(path.read_bytes()))
        return
    is_toml, meta, _front, body = parts
    kept = copy.know.address_kept(source)
    meta = _foreign_meta(copy, meta, kept)
    body = copy.garble.body(body) + "\n\n" + copy.garble.sentence() + "\n"
    write(copy.content / place, dump(is_toml, meta, body).encode("utf-8"))


def _foreign_meta(copy: _Copy, meta: dict[str, Any], kept: bool) -> dict[str, Any]:
    garble, know = copy.garble, copy.know
    names = (*know.others, know.site)
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if key in KEPT_KEYS or isinstance(value, bool):
            out[key] = value
        elif key in names and isinstance(value, dict):
            out[key] = _override(copy, value, keep_slug=kept and key in know.allowed)
        elif kept and (key == "slug" or _is_date(garble, value)):
            out[key] = value  # the address S may know
        elif key in FREE_TEXT and isinstance(value, str):
            out[key] = garble.text(value)
        elif key in TAG_KEYS and isinstance(value, list):
            out[key] = garble.tags(value)
        else:
            out[key] = garble.value(value)
    return out


def _is_date(garble: Garbler, value: Any) -> bool:
    return isinstance(value, date) or (isinstance(value, str) and garble.iso(value) is not None)


def _add(copy: _Copy, options: BuildOptions) -> str | None:
    """One foreign post more: for another site, else a draft, else a future post."""
    garble, know = copy.garble, copy.know
    assert options.now is not None
    meta: dict[str, Any] = {"title": garble.text(garble.word()), "tags": [garble.word()]}
    past = (options.now - timedelta(days=garble.rng.randint(1, 900))).date()
    if know.others:
        strangers = [n for n in know.others if n not in know.allowed] or list(know.others)
        meta |= {"date": past, "audience": [garble.rng.choice(strangers)]}
    elif not options.drafts:
        meta |= {"date": past, "audience": [know.site], "draft": True}
    elif not options.future:
        meta |= {"date": (options.now + timedelta(days=garble.rng.randint(30, 900))).date()}
        meta["audience"] = [know.site]
    else:
        return None  # one site, drafts and future posts shown: nothing can be foreign
    rel = _fresh(copy, "posts", "added.md", lambda _n: f"{garble.word()}-{garble.word()}.md")
    body = "\n\n".join(garble.sentence() for _ in range(garble.rng.randint(1, 4))) + "\n"
    write(copy.content / rel, dump(False, meta, body).encode("utf-8"))
    return rel
