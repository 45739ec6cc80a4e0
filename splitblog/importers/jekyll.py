"""A Jekyll site's folder: the posts of `_posts/` and the drafts of `_drafts/`.

The file name gives the date and the slug (`2019-03-05-title.md`); the `permalink`
setting of `_config.yml` (or a post's own `permalink`) gives each post's old address,
kept as an alias. Liquid that only says where something is — `{% post_url %}`,
`{{ site.baseurl }}`, `{% highlight %}` — is rewritten as Markdown; any other Liquid
stays, and the build warns about it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from splitblog.content.slugs import DATE_PREFIX
from splitblog.errors import Problem
from splitblog.importers.folders import MARKUP, moment, read_config, split, word_list
from splitblog.importers.model import Batch, Item, SourceError

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
POST_URL = re.compile(r"\{%-?\s*post_url\s+(\S+?)\s*-?%\}")
SITE_URL = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+([\w+#-]+)[^%]*%\}\n?(.*?)\{%-?\s*endhighlight\s*-?%\}", re.S
)
RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
DROPPED_KEYS = ("layout", "permalink", "published", "categories", "category", "tags",
                "title", "date", "excerpt", "description", "slug", "last_modified_at")  # fmt: skip


def read(folder: Path, label: str) -> Batch:
    if not (folder / "_posts").is_dir():
        raise SourceError(
            Problem(
                "not a Jekyll site: it has no _posts/ folder",
                path=label,
                hint="give the folder that holds _config.yml and _posts/",
            )
        )
    config = read_config(folder, ("_config.yml", "_config.yaml", "_config.toml"))
    base = str(config.get("url") or "").rstrip("/") + str(config.get("baseurl") or "")
    base = base + "/" if base else ""
    style = str(config.get("permalink") or "date")
    pattern = STYLES.get(style, style)
    files = []
    for sub, draft in (("_posts", False), ("_drafts", True)):
        if (folder / sub).is_dir():
            files += [(p, draft) for p in sorted((folder / sub).rglob("*"))
                      if p.suffix.lower() in MARKUP and p.is_file()]  # fmt: skip
    posts = [_read_post(folder, path, draft, pattern) for path, draft in files]
    # {% post_url 2010-01-01-name %} names a post by its file: its old address, which
    # the writer then turns into a link to the post's new file.
    by_name = {path.stem: item for (path, _d), item in zip(files, posts, strict=True) if item}
    items, skipped = [], []
    for (path, _draft), item in zip(files, posts, strict=True):
        rel = path.relative_to(folder).as_posix()
        if item is None:
            skipped.append((rel, "an untitled draft"))
            continue
        body = POST_URL.sub(lambda m: _post_url(m, by_name), item.body)
        items.append(_with_body(item, body))
    return Batch(tuple(items), tuple(skipped), (), base)


def _read_post(folder: Path, path: Path, draft: bool, pattern: str) -> Item | None:
    rel = path.relative_to(folder).as_posix()
    meta, body = split(path, rel)
    stem = path.stem
    named = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})-", stem)
    when = moment(meta.get("date"))
    if when is None and named:
        when = datetime(*(int(g) for g in named.groups()))
    if when is None:
        when = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    slug = str(meta.get("slug") or DATE_PREFIX.sub("", stem))
    title = str(meta.get("title") or "").strip()
    if not title:
        if draft:
            return None
        title = slug.replace("-", " ").strip().capitalize() or stem
    categories = word_list(meta.get("categories")) + word_list(meta.get("category"))
    draft = draft or meta.get("published") is False
    own = meta.get("permalink")
    address = _address(str(own) if own else pattern, when, slug, categories, path)
    body = SITE_URL.sub("", body)
    body = HIGHLIGHT.sub(lambda m: f"```{m.group(1)}\n{m.group(2).rstrip()}\n```\n", body)
    body = RAW.sub("", body)
    is_html = path.suffix.lower() in (".html", ".htm")
    summary = meta.get("excerpt") or meta.get("description")
    extra: list[tuple[str, Any]] = []
    return Item(
        source_id=f"jekyll:{rel.removeprefix('_drafts/').removeprefix('_posts/')}",
        kind="post",
        title=title,
        body=body,
        body_format="html" if is_html else "markdown",
        origin=rel,
        date=when,
        updated=moment(meta.get("last_modified_at")),
        tags=tuple(dict.fromkeys(word_list(meta.get("tags")) + categories)),
        draft=draft,
        summary=str(summary) if isinstance(summary, str) else None,
        old_urls=() if draft else (address,),
        slug=slug,
        extra=tuple(extra),
        local_root=folder,
    )


def _address(pattern: str, when: datetime, slug: str, categories: list[str], path: Path) -> str:
    ext = ".html"
    values = {
        ":categories": "/".join(c.lower() for c in categories),
        ":year": f"{when.year:04d}",
        ":month": f"{when.month:02d}",
        ":i_month": str(when.month),
        ":day": f"{when.day:02d}",
        ":i_day": str(when.day),
        ":y_day": f"{when.timetuple().tm_yday:03d}",
        ":short_year": f"{when.year % 100:02d}",
        ":title": slug,
        ":slug": slug,
        ":output_ext": ext,
    }
    address = pattern
    for token in sorted(values, key=len, reverse=True):
        address = address.replace(token, values[token])
    address = re.sub(r"/+", "/", "/" + address)
    return address


def _post_url(match: re.Match[str], by_name: dict[str, Item]) -> str:
    target = by_name.get(match.group(1).rpartition("/")[2])
    if target is None or not target.old_urls:
        return match.group(0)  # left as it was: the build warns of it
    return target.old_urls[0]


def _with_body(item: Item, body: str) -> Item:
    from dataclasses import replace

    return replace(item, body=body)
