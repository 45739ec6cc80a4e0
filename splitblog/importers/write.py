"""Items of an old blog → Markdown files in content/, and what was done, for the report.

Everything is worked out before the first file is written (bodies converted, images
downloaded, aliases checked), so a source that cannot be read leaves content/ as it was.
Each file carries the id of what it was made from (`import_id`) and a digest of what was
written (`import_digest`, over everything but the audience, which the user is meant to
add): a second run finds the file by its id, rewrites it only if it is as the import left
it, and otherwise leaves it alone and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from splitblog.config import Config
from splitblog.content.generators import template_tags
from splitblog.content.slugs import make_slug, slug_from_filename, slug_problem
from splitblog.importers.bodies import Body, convert_body
from splitblog.importers.links import MADE, LinkMap, address_key, host_key, root_path
from splitblog.importers.model import Batch, Item, Report

ID_LINE = re.compile(r"^import_id:\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Options:
    audience: tuple[str, ...] = ()
    download_images: bool = False


@dataclass
class Planned:
    item: Item
    path: Path  # the Markdown file (index.md of a bundle when it has files)
    key: str  # below content/, for links: posts/2019-03-05-x.md
    slug: str
    existing: Path | None  # the file an earlier import wrote, found by its id
    aliases: list[str]
    body: Body | None = None


def write(config: Config, batch: Batch, options: Options, fetch: Callable[..., Any]) -> Report:
    report = Report(audience=options.audience, default_audience=config.default_audience)
    report.skipped.extend(batch.skipped)
    report.left_out.extend(batch.left_out)
    content = config.content_dir
    existing = find_imported(content)
    planned = _plan(config, batch, existing, report)
    links = LinkMap(batch.old_base)
    for plan in planned:
        for address in plan.item.old_urls:
            links.add(address, plan.key)
    _assign_aliases(planned, batch.old_base, report)
    for plan in planned:
        plan.body = convert_body(plan.item, links, options.download_images, fetch)
    writes: list[tuple[Path, bytes]] = []
    for plan in planned:
        writes.extend(_decide(config, plan, options, report))
    for path, data in writes:
        _write_file(path, data)
    return report


# -- finding what an earlier import wrote ------------------------------------------------------
def find_imported(content: Path) -> dict[str, Path]:
    """import_id → file, for every post and page an import wrote (its front matter read
    whole: a long summary must not hide the id, or a second run would add the post twice)."""
    found: dict[str, Path] = {}
    for section in ("posts", "pages"):
        folder = content / section
        for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
            try:
                text = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if not text.startswith("---"):
                continue
            end = text.find("\n---", 3)
            match = ID_LINE.search(text[: end if end > 0 else len(text)])
            if match:
                found.setdefault(_unquote(match.group(1)), path)
    return found


def _unquote(value: str) -> str:
    try:
        loaded = yaml.safe_load(value)
    except yaml.YAMLError:
        return value
    return loaded if isinstance(loaded, str) else value


# -- where each item goes -----------------------------------------------------------------------
def _plan(config: Config, batch: Batch, existing: dict[str, Path], report: Report) -> list[Planned]:
    content = config.content_dir
    taken: set[str] = set()  # paths below content/, case folded
    ours = {existing[i.source_id] for i in batch.items if i.source_id in existing}
    # Slugs in use by posts and pages this import did not write: two of one slug would
    # share an address (the build would refuse both).
    slugs = {kind: _slugs_in(content / folder, ours) for kind, folder in FOLDERS.items()}
    planned: list[Planned] = []
    seen_ids: set[str] = set()
    for item in batch.items:
        if item.source_id in seen_ids:
            report.skipped.append((item.origin, "the same post a second time in the source"))
            continue
        seen_ids.add(item.source_id)
        if item.kind == "post" and item.date is None:
            report.skipped.append((f"{item.origin} ({item.title})", "it has no date"))
            continue
        slug = _slug(item)
        if item.kind in slugs:
            slug = _unique(slug, slugs[item.kind])
        old = existing.get(item.source_id)
        if old is not None:
            path = old
        elif item.kind == "section":
            path = content / "pages" / _section_folder(item.section) / "_index.md"
        else:
            folder = "posts" if item.kind == "post" else "pages"
            stem = f"{item.date:%Y-%m-%d}-{slug}" if item.kind == "post" and item.date else slug
            path = content / folder / f"{stem}.md"
            number = 2
            while (
                path.exists()
                or _rel(path, content).casefold() in taken
                or (path.with_suffix("") / "index.md").exists()
            ):
                path = content / folder / f"{stem}-{number}.md"
                number += 1
        rel = _rel(path, content)
        taken.add(rel.casefold())
        key = rel[: -len("/index.md")] + ".md" if rel.endswith("/index.md") else rel
        planned.append(Planned(item, path, key, slug, old, []))
    return planned


FOLDERS = {"post": "posts", "page": "pages"}


def _slugs_in(folder: Path, ours: set[Path]) -> set[str]:
    """The slugs the files of a folder take by their names (a bundle by its folder's)."""
    found = set()
    for path in folder.rglob("*.md") if folder.is_dir() else ():
        if path in ours or path.name == "_index.md":
            continue
        stem = path.parent.name if path.name == "index.md" else path.stem
        found.add(slug_from_filename(stem))
    return found


def _slug(item: Item) -> str:
    wanted = (item.slug or "").strip()
    if wanted and slug_problem(wanted) is None and not wanted.startswith("."):
        return wanted.lower()
    return make_slug(wanted or item.title or "untitled")


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate = f"{slug}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _section_folder(section: str) -> str:
    return "/".join(make_slug(part) for part in section.split("/") if part) or "section"


def _rel(path: Path, content: Path) -> str:
    return path.relative_to(content).as_posix()


# -- aliases ----------------------------------------------------------------------------------
def _assign_aliases(planned: list[Planned], base: str, report: Report) -> None:
    """Each old address on the old blog's host (or written from its root) becomes an
    alias of its post — unless another imported post claims it too, or splitblog makes a
    page there: such an alias is left out and listed."""
    old_host = host_key(_host(base)) if base else ""
    owners: dict[str, Planned] = {}
    for plan in planned:
        for address in plan.item.old_urls:
            if "://" in address and old_host and host_key(_host(address)) != old_host:
                continue  # an address of another host: not one this site can serve
            alias = root_path(address)
            if alias is None:
                continue
            if MADE.match(alias.split("?")[0]) and "?" not in alias:
                report.attention.append(
                    (
                        _rel_shown(plan),
                        f"old address {alias} left out: splitblog makes a page there",
                    )
                )
                continue
            key = address_key(alias) or alias
            other = owners.get(key)
            if other is not None and other is not plan:
                report.attention.append(
                    (
                        _rel_shown(plan),
                        f"old address {alias} left out: {_rel_shown(other)} has it too",
                    )
                )
                continue
            owners[key] = plan
            if alias not in plan.aliases:
                plan.aliases.append(alias)


def _host(address: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(address).hostname or ""


def _rel_shown(plan: Planned) -> str:
    return f"content/{plan.key}"


# -- writing ---------------------------------------------------------------------------------
def _decide(
    config: Config, plan: Planned, options: Options, report: Report
) -> list[tuple[Path, bytes]]:
    assert plan.body is not None
    body = plan.body
    path = plan.path
    if body.files and path.name != "index.md" and path.name != "_index.md":
        path = path.with_suffix("") / "index.md"  # a post with files is a bundle
    shown = config.rel(path)
    audience: Any = list(options.audience) if options.audience else None
    current_text = None
    if plan.existing is not None:
        current = plan.existing.read_bytes().decode("utf-8", "replace")
        meta, current_body = _split(current)
        if meta is None or meta.get("import_digest") != _digest(meta, current_body):
            report.attention.append(
                (config.rel(plan.existing), "edited since it was imported: left as it is")
            )
            return []
        if meta.get("audience") is not None:
            audience = meta["audience"]  # the user's tagging is kept
        current_text = current
        if plan.existing != path:
            path = plan.existing if not body.files else path
    text = _file_text(plan, body, audience)
    if audience is None:
        report.unassigned += 1
    writes = [(path, text.encode())]
    bundle = path.parent
    for name, data in body.files:
        target = bundle / name
        if not target.exists() or target.read_bytes() != data:
            writes.append((target, data))
    notes = _notes(plan, body)
    if not plan.item.title.strip():
        notes.append("it had no title: one was made from its address; write a better one")
    for note in notes:
        report.attention.append((config.rel(path), note))
    if current_text is None:
        report.imported.append(shown)
    elif len(writes) == 1 and (current_text == text or _same(current_text, text)):
        report.unchanged.append(shown)
        return []
    else:
        report.updated.append(shown)
        if plan.existing is not None and plan.existing != path:
            writes.append((plan.existing, b""))  # the single file became a bundle
    return writes


def _notes(plan: Planned, body: Body) -> list[str]:
    notes = list(plan.item.notes) + list(body.notes)
    if body.kept_html:
        kinds = ", ".join(sorted(set(body.kept_html)))
        notes.append(f"raw HTML kept ({kinds})")
    tags = template_tags(body.markdown)
    if tags:
        notes.append(f"{len(tags)} shortcode{'s' * (len(tags) != 1)} or Liquid tag"
                     f"{'s' * (len(tags) != 1)} published as text: rewrite them")  # fmt: skip
    return notes


def _file_text(plan: Planned, body: Body, audience: Any) -> str:
    item = plan.item
    meta: dict[str, Any] = {"title": item.title or plan.slug.replace("-", " ").capitalize()}
    if item.date is not None and item.kind == "post":
        meta["date"] = item.date.isoformat()
    if item.updated is not None and item.date is not None and item.updated > item.date:
        meta["updated"] = item.updated.isoformat()
    if audience is not None:
        meta["audience"] = audience
    if item.tags:
        meta["tags"] = list(item.tags)
    if item.draft:
        meta["draft"] = True
    if body.summary:
        meta["summary"] = body.summary
    if item.kind != "section":
        meta["slug"] = plan.slug
    if plan.aliases:
        meta["aliases"] = plan.aliases
    for key, value in item.extra:
        meta.setdefault(key, value)
    meta["import_id"] = item.source_id
    meta["import_digest"] = _digest(meta, body.markdown)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{front}---\n\n{body.markdown}"


def _digest(meta: dict[str, Any], body: str) -> str:
    kept = {k: v for k, v in meta.items() if k not in ("audience", "import_digest")}
    canonical = json.dumps(kept, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(
        (canonical + "\0" + body.lstrip("\n")).encode(), digest_size=12
    ).hexdigest()


def _same(current: str, new: str) -> bool:
    """The same content (what the digest covers) and the same audience: the user's file
    is not rewritten only to put its keys in another order."""
    old_meta, _ = _split(current)
    new_meta, _ = _split(new)
    if old_meta is None or new_meta is None:
        return False
    return old_meta.get("import_digest") == new_meta.get("import_digest") and old_meta.get(
        "audience"
    ) == new_meta.get("audience")


def _split(text: str) -> tuple[dict[str, Any] | None, str]:
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return None, text
    try:
        meta = yaml.safe_load(text[4:end])
    except yaml.YAMLError:
        return None, text
    return (meta if isinstance(meta, dict) else None), text[end + 5 :]


def _write_file(path: Path, data: bytes) -> None:
    """One file, whole or not at all (a temporary file replaced into place); b"" for a
    file to remove (an imported single file that became a bundle)."""
    if data == b"" and path.suffix == ".md":
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.import-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
