"""The perturbed configuration for one site S, and the files it names: every other
site's title, description, persona (name, email, bio, avatar — a new picture under a
new name —, profiles), forbid list, theme, language, feeds, page size, noindex, link
policies, metadata, photo, search and generator settings, publish_as_is patterns and deploy table
(target, host, limit, commit author) are replaced.
Kept: S's own table, the top-level options every site shares (time zone, default
audience), every site's name, and the base_url of the sites S may know
(knowledge.py). Another site's base_url that S may not know moves to another host,
its path of the same shape.

Also here: `static/` (kept, but `static/<other site>/` perturbed) and the project's
themes (S's kept; the others garbled, as no template of S can read them).

RULES names every option of a site table; tests/test_independence.py checks that each
option the schema declares is named here, so a new option is never left unperturbed
by oversight.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from splitblog.config import FEED_KINDS, POLICIES, Config, SiteConfig
from splitblog.config.schema import HOSTS
from splitblog.prove.copying import link, write
from splitblog.prove.garble import LANGUAGES, Garbler
from splitblog.prove.knowledge import Knowledge
from splitblog.theming import SHIPPED

# Every option of a site's table (schema.SiteConfig), of its author and of its deploy
# table, with what happens to another site's value. "kept": the same value stays.
RULES = {
    "title": "text",
    "base_url": "address (kept where the site may know it)",
    "theme": "another theme",
    "language": "another language",
    "description": "text",
    "author": "persona",
    "feeds": "another set of feeds",
    "posts_per_page": "another number",
    "noindex": "flipped",
    "forbid": "garbled, one more",
    "links": "other policies",
    "keep_image_metadata": "flipped",
    "publish_as_is": "garbled, one more",
    "generator": "flipped",
    "toc": "flipped",
    "comments": "another setting (off or email)",
    "comments_policy": "text",
    "permalinks": "kept (a pattern, no content; allowed links need it)",
    "image_widths": "other widths",
    "image_avif": "flipped",
    "publish_originals": "flipped",
    "search": "flipped",
    "deploy": "another target, host and limit",
}
AUTHOR_RULES = {
    "name": "text",
    "email": "garbled",
    "avatar": "a new picture",
    "bio": "text",
    "links": "other addresses (the scheme kept)",
}
DEPLOY_RULES = {
    "target": "another folder",
    "host": "another host",
    "max_deletes": "another number",
    "endpoint_url": "garbled",
    "region": "garbled",
    "cache_control": "garbled",
    "author": "another name and email",
}


def perturb_config(
    config: Config,
    raw: dict[str, Any],
    know: Knowledge,
    garble: Garbler,
    dest: Path,
    content_folder: str,
) -> dict[str, Any]:
    """The perturbed splitblog.toml (as a TOML table), the files it names put in `dest`."""
    out = dict(raw)
    out["content"] = content_folder  # where the copy's content is
    out.pop("output", None)  # the proof chooses the output
    sites = {name: dict(table) for name, table in raw.get("sites", {}).items()}
    themes = _themes(config)
    for site in config.sites:
        table = sites[site.name]
        if site.name == know.site:
            _own_avatar(config, site, table, dest)
        else:
            _other(config, site, table, know, garble, dest, themes)
    out["sites"] = sites
    _static(config, know, garble, dest)
    _project_themes(config, config.site(know.site).theme, garble, dest)
    return out


def _other(
    config: Config,
    site: SiteConfig,
    table: dict[str, Any],
    know: Knowledge,
    garble: Garbler,
    dest: Path,
    themes: list[str],
) -> None:
    table["title"] = garble.text(site.title)
    if site.name not in know.kept_bases:
        table["base_url"] = _address(site.base_url, garble)
    table["theme"] = garble.rng.choice([t for t in themes if t != site.theme] or themes)
    table["language"] = garble.rng.choice([x for x in LANGUAGES if x != site.language])
    table["description"] = garble.text(site.description) if site.description else garble.sentence()
    table["author"] = _persona(config, site, dict(table.get("author", {})), garble, dest)
    feeds = [f for f in FEED_KINDS if garble.rng.random() < 0.5 or f not in site.feeds]
    table["feeds"] = feeds if set(feeds) != set(site.feeds) else [FEED_KINDS[0]]
    table["posts_per_page"] = site.posts_per_page + garble.rng.randint(1, 7)
    table["noindex"] = not site.noindex
    table["forbid"] = [garble.text(f) for f in site.forbid] + [garble.word(5, 9)]
    table["links"] = {
        other: garble.rng.choice([p for p in POLICIES if p != site.policy_toward(other)])
        for other in config.site_names
        if other != site.name
    }
    table["keep_image_metadata"] = not site.keep_image_metadata
    table["generator"] = not site.generator
    table["toc"] = not site.toc
    table["image_widths"] = sorted(
        {min(8192, w + garble.rng.randint(1, 97)) for w in site.image_widths}
    )
    table["image_avif"] = not site.image_avif
    table["publish_originals"] = not site.publish_originals
    table["search"] = not site.search
    table["comments"] = "email" if site.comments == "off" else "off"
    table["comments_policy"] = (
        garble.text(site.comments_policy) if site.comments_policy else garble.sentence()
    )
    table["publish_as_is"] = [garble.letters(p) for p in site.publish_as_is] + [
        f"*.{garble.word(3, 4)}"
    ]
    if site.deploy is not None:
        deploy = dict(table.get("deploy", {}))
        deploy["target"] = (dest / "_foreign" / site.name / "deploy").as_uri()
        hosts = [h for h in HOSTS if h != site.deploy.host]
        deploy["host"] = garble.rng.choice(hosts)
        deploy["max_deletes"] = site.deploy.max_deletes + garble.rng.randint(1, 9)
        for key in ("endpoint_url", "region", "cache_control"):
            if isinstance(deploy.get(key), str):
                deploy[key] = garble.letters(deploy[key])
        deploy["author"] = f"{garble.text(garble.word())} <{garble.word()}@{garble.word()}.invalid>"
        table["deploy"] = deploy


def _address(base_url: str, garble: Garbler) -> str:
    """Another host, and a path of the same shape (so a site under a path stays one)."""
    parts = urlsplit(base_url)
    path = "/".join(garble.letters(p) for p in parts.path.split("/"))
    return f"{parts.scheme}://{garble.word(5, 9)}.{garble.word(3, 6)}.invalid{path}"


def _persona(
    config: Config, site: SiteConfig, author: dict[str, Any], garble: Garbler, dest: Path
) -> dict[str, Any]:
    persona = site.author
    author["name"] = garble.text(persona.name or garble.word())
    author["email"] = (
        garble.letters(persona.email)
        if persona.email
        else f"{garble.word()}@{garble.word()}.invalid"
    )
    author["bio"] = garble.text(persona.bio) if persona.bio else garble.sentence()
    if persona.avatar:
        picture = garble.file((config.root / persona.avatar).read_bytes())
        name = garble.name(persona.avatar_name)
    else:
        picture, name = garble.file(_PIXEL), f"{garble.word()}.png"
    where = dest / "_foreign" / site.name / name
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_bytes(picture)
    author["avatar"] = where.relative_to(dest).as_posix()
    if isinstance(author.get("links"), dict):
        author["links"] = {
            name: _profile(value, garble) if isinstance(value, str) else value
            for name, value in author["links"].items()
        }
    for key, value in list(author.items()):
        if key not in AUTHOR_RULES:  # profiles and whatever else a persona gains
            author[key] = garble.value(value)
    return author


def _profile(address: str, garble: Garbler) -> str:
    scheme, sep, rest = address.partition("://")
    return f"{scheme}{sep}{garble.letters(rest)}" if sep else garble.letters(address)


def _own_avatar(config: Config, site: SiteConfig, table: dict[str, Any], dest: Path) -> None:
    """The site's own avatar, where its configuration says (or, for one outside the
    project, under _own/ with the same file name: it is published by its name)."""
    if not site.author.avatar:
        return
    source = config.root / site.author.avatar
    rel = PurePosixPath(site.author.avatar)
    if rel.is_absolute() or ".." in rel.parts:
        rel = PurePosixPath("_own", site.author.avatar_name)
        table["author"] = {**table.get("author", {}), "avatar": str(rel)}
    link(source, dest / rel)


def _static(config: Config, know: Knowledge, garble: Garbler, dest: Path) -> None:
    """static/ as it is, but the other sites' static/<site>/ files perturbed."""
    root = config.root / "static"
    for folder, _dirs, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(root)
            if rel.parts[0] in know.others and len(rel.parts) > 1:
                new = rel.parent / garble.name(name)
                write(dest / "static" / new, garble.file(path.read_bytes()))
            else:
                link(path, dest / "static" / rel)


def _project_themes(config: Config, own: str, garble: Garbler, dest: Path) -> None:
    """The project's themes/: the site's own theme as it is, every other one garbled
    (its files keep their names, so the theme still exists for its site)."""
    root = config.root / "themes"
    for folder, _dirs, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(root)
            if rel.parts[0] == own:
                link(path, dest / "themes" / rel)
            else:
                write(dest / "themes" / rel, garble.file(path.read_bytes()))


def _themes(config: Config) -> list[str]:
    """Every theme a site could choose: the shipped ones and the project's."""
    names = set()
    for root in (SHIPPED, config.root / "themes"):
        if root.is_dir():
            names |= {p.name for p in root.iterdir() if p.is_dir() and p.name[0] not in "._"}
    return sorted(names)


# A one-pixel PNG: what a persona without a picture gets one made from.
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d7"
    "63f8ffff3f0005fe02fea7d6a4f40000000049454e44ae426082"
)
