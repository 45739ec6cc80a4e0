"""A Hugo site's content folder: posts in sections (`content/posts/…`), page bundles
(a folder with index.md and its files), pages at the top (`content/about.md`), and each
section's `_index.md`, which becomes a page at its section's address.

Front matter in YAML, TOML or JSON. `aliases` and `url` are old addresses; `lastmod`
is the updated date; `expiryDate` is kept (splitblog takes the post off after it).
`{{< ref >}}` and `{{< relref >}}` to another imported post become links to its file;
any other shortcode stays, and the build warns about it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from splitblog.content.slugs import make_slug
from splitblog.errors import Problem
from splitblog.importers.folders import MARKUP, moment, read_config, split, word_list
from splitblog.importers.model import Batch, Item, SourceError

REF = re.compile(r"\{\{<\s*(?:rel)?ref\s+\"?([^\"\s>]+)\"?\s*>\}\}")
# {{< figure src="…" alt="…" >}}: an image, which Markdown says.
FIGURE = re.compile(r"\{\{<\s*figure\s+([^>]*?)\s*/?>\}\}")
ATTRIBUTE = re.compile(r"(\w+)=\"([^\"]*)\"")
CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml", "config.json")


def read(folder: Path, label: str) -> Batch:
    if not folder.is_dir():
        raise SourceError(Problem("not a folder", path=label, hint="give Hugo's content/ folder"))
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in MARKUP
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if not files:
        raise SourceError(
            Problem("no Markdown files in it", path=label, hint="give Hugo's content/ folder")
        )
    config = read_config(folder.parent, CONFIGS)
    base = str(config.get("baseURL") or config.get("baseurl") or "")
    base = base if not base or base.endswith("/") else base + "/"
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if (
            path.parent != folder
            and path.name != "index.md"
            and (path.parent / "index.md").is_file()
        ):
            continue  # a bundle's own Markdown file (a resource), read with its index.md
        if rel == "_index.md":
            skipped.append((rel, "the home page's text: splitblog's home page lists the posts"))
            continue
        item = _read(folder, path, rel)
        if isinstance(item, str):
            skipped.append((rel, item))
        else:
            items.append(item)
    by_name: dict[str, Item] = {}
    for item in items:
        path = item.origin.removesuffix("/index.md")
        name = path.rpartition("/")[2]
        for key in (item.origin, path, path.rpartition(".")[0], name, name.rpartition(".")[0]):
            if key:
                by_name.setdefault(key, item)
    return Batch(tuple(_refs(item, by_name) for item in items), tuple(skipped), (), base)


def _read(folder: Path, path: Path, rel: str) -> Item | str:
    meta, body = split(path, rel)
    parts = rel.split("/")
    section_page = path.name == "_index.md"
    bundle = path.name == "index.md" and len(parts) > 1
    name = parts[-2] if bundle else path.stem
    section = "/".join(parts[:-1]) if section_page else parts[0] if len(parts) > 1 else ""
    title = str(meta.get("title") or "").strip()
    draft = meta.get("draft") is True
    if not title and (draft or not section_page):
        if draft:
            return "an untitled draft"
        title = name.replace("-", " ").capitalize()
    if section_page:
        title = title or parts[-2].capitalize()
    top = len(parts) == 1 or (bundle and len(parts) == 2)
    kind = "section" if section_page else "page" if top else "post"
    slug = str(meta.get("slug") or make_slug(name))
    old = [str(meta["url"])] if isinstance(meta.get("url"), str) else []
    old += [str(a) for a in meta.get("aliases") or [] if isinstance(a, str)]
    if not section_page and not draft:
        default = f"/{section}/{slug}/" if section and not top else f"/{slug}/"
        old.insert(0, default)
    elif section_page:
        old.insert(0, f"/{section}/")
    files: tuple[tuple[str, Path], ...] = ()
    if bundle:
        files = tuple(
            (f.relative_to(path.parent).as_posix(), f)
            for f in sorted(path.parent.rglob("*"))
            if f.is_file() and f != path and not f.name.startswith(".")
            and f.suffix.lower() not in MARKUP
        )  # fmt: skip
    extra: list[tuple[str, Any]] = []
    expiry = meta.get("expiryDate") or meta.get("expirydate")
    if expiry is not None:
        when = moment(expiry)
        if when is not None:
            extra.append(("expiryDate", when.isoformat()))
    summary = meta.get("summary") or meta.get("description")
    return Item(
        source_id=f"hugo:{rel}",
        kind=kind,  # type: ignore[arg-type]
        title=title,
        body=body,
        body_format="html" if path.suffix.lower() in (".html", ".htm") else "markdown",
        origin=rel,
        date=moment(meta.get("date") or meta.get("publishDate"))
        or (_modified(path) if kind == "post" else None),
        updated=moment(meta.get("lastmod")),
        tags=tuple(dict.fromkeys(word_list(meta.get("tags")) + word_list(meta.get("categories")))),
        draft=draft,
        summary=str(summary) if isinstance(summary, str) else None,
        old_urls=tuple(dict.fromkeys(old)),
        slug=slug,
        files=files,
        section=section if section_page else "",
        extra=tuple(extra),
        local_root=folder.parent / "static",
    )


def _refs(item: Item, by_name: dict[str, Item]) -> Item:
    from dataclasses import replace

    def ref(match: re.Match[str]) -> str:
        name = match.group(1).lstrip("/").removesuffix(".md").split("#")[0]
        target = by_name.get(name) or by_name.get(name.rpartition("/")[2])
        if target is None or not target.old_urls:
            return match.group(0)
        fragment = "#" + match.group(1).split("#", 1)[1] if "#" in match.group(1) else ""
        return target.old_urls[0] + fragment

    def figure(match: re.Match[str]) -> str:
        attrs = dict(ATTRIBUTE.findall(match.group(1)))
        if "src" not in attrs:
            return match.group(0)
        alt = attrs.get("alt") or attrs.get("caption") or attrs.get("title") or ""
        return f"![{alt}]({attrs['src']})"

    if "{{<" not in item.body:
        return item
    return replace(item, body=FIGURE.sub(figure, REF.sub(ref, item.body)))


def _modified(path: Path):  # type: ignore[no-untyped-def]
    """A post Hugo dates by nothing: the file's own time, as Hugo's enableGitInfo-less
    default (`:fileModTime`) would."""
    from datetime import datetime

    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
