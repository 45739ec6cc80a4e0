"""The configuration, declared once: every option of splitblog.toml is a field below, with
its TOML type, its default and a line saying what it does. The reader (read.py) validates
by these declarations, the defaults are theirs, and the README's reference table is made
from them (reference.py), so the three cannot drift apart.
"""

from __future__ import annotations

import functools
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

POLICIES = ("deny", "strip", "allow")
FEED_KINDS = ("atom", "rss", "json")
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
HOSTS = ("github-pages", "netlify", "cloudflare-pages", "s3")
IMAGE_WIDTHS = (480, 960, 1600)  # the widths photos are published in, by default
PERMALINKS = (("posts", "/posts/{slug}/"), ("pages", "/{path}{slug}/"))


@dataclass(frozen=True)
class Option:
    """What the reader and the reference need to know of one option."""

    key: str  # its name in splitblog.toml
    kind: str  # string, integer, boolean, list of strings, table, or a named table
    doc: str
    check: str | None = None  # the reader's extra check for it (read.py: check_<name>)
    shown_default: str | None = None  # for the reference, where the default is not literal


def option(
    kind: str,
    doc: str,
    *,
    default: Any = MISSING,
    factory: Any = MISSING,
    key: str | None = None,
    check: str | None = None,
    shown_default: str | None = None,
) -> Any:
    """A dataclass field that is an option of splitblog.toml (its key: the field's name,
    unless `key` says otherwise)."""
    meta = {"option": Option(key or "", kind, doc, check, shown_default)}
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def options(cls: type) -> list[tuple[str, Option, Any]]:
    """(field name, option, default) of each option field of a schema class, in order."""
    found = []
    for f in fields(cls):
        if "option" not in f.metadata:
            continue
        opt: Option = f.metadata["option"]
        if not opt.key:
            opt = Option(f.name, opt.kind, opt.doc, opt.check, opt.shown_default)
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        found.append((f.name, opt, default))
    return found


@dataclass(frozen=True)
class Author:
    """The persona a site speaks as."""

    name: str = option("string", "the author's name, on every page and in the feeds", default="")
    email: str = option("string", "shown as a contact address and in the feeds", default="")
    avatar: str = option(
        "string",
        "a picture, relative to the project folder; published at the site's root",
        default="",
        check="avatar",
    )
    bio: str = option("string", "a sentence about the author, in the theme's footer", default="")
    links: tuple[tuple[str, str], ...] = option(
        "table",
        "the persona's profiles, name → address (linkedin, mastodon, github, flickr …): "
        'shown by the theme with rel="me"; another site\'s are never shown here',
        default=(),
        check="author_links",
    )

    @property
    def avatar_name(self) -> str:
        """The avatar's file name on the site (it is copied to the site's root)."""
        return Path(self.avatar).name if self.avatar else ""


COMMENT_MODES = ("off", "email")


@dataclass(frozen=True)
class Giscus:
    """Comments in GitHub Discussions, through giscus."""

    provider: ClassVar[str] = "giscus"
    repo: str = option(
        "string",
        "owner/name of the public GitHub repository holding the discussions",
        default="",
        check="comment_repo",
        shown_default="required",
    )
    repo_id: str = option(
        "string",
        "the repository's id (giscus.app tells it)",
        default="",
        check="required",
        shown_default="required",
    )
    category: str = option(
        "string",
        "the discussions' category",
        default="",
        check="required",
        shown_default="required",
    )
    category_id: str = option(
        "string",
        "the category's id (giscus.app tells it)",
        default="",
        check="required",
        shown_default="required",
    )
    mapping: str = option(
        "string",
        "what names a post's discussion: pathname, url, title or og:title",
        default="pathname",
        check="comment_mapping",
    )
    reactions: bool = option("boolean", "reactions on the post", default=True)
    theme: str = option(
        "string", "giscus's theme (the default follows light and dark)",
        default="preferred_color_scheme",
    )  # fmt: skip
    host: str = option(
        "string", "a giscus server of your own", default="https://giscus.app", check="comment_url"
    )


@dataclass(frozen=True)
class Utterances:
    """Comments in GitHub issues, through utterances."""

    provider: ClassVar[str] = "utterances"
    repo: str = option(
        "string",
        "owner/name of the public GitHub repository holding the issues",
        default="",
        check="comment_repo",
        shown_default="required",
    )
    issue_term: str = option(
        "string",
        "what names a post's issue: pathname, url, title or og:title",
        default="pathname",
        check="comment_mapping",
    )
    label: str = option("string", "a label given to the issues", default="")
    theme: str = option(
        "string", "utterances' theme (the default follows light and dark)",
        default="preferred-color-scheme",
    )  # fmt: skip


@dataclass(frozen=True)
class Isso:
    """Comments on an Isso server of your own."""

    provider: ClassVar[str] = "isso"
    url: str = option(
        "string",
        "the Isso server's address, e.g. https://comments.example.net/",
        default="",
        check="comment_url",
        shown_default="required",
    )


COMMENT_SERVICES: dict[str, type[Giscus | Utterances | Isso]] = {
    kind.provider: kind for kind in (Giscus, Utterances, Isso)
}


@dataclass(frozen=True)
class DeployConfig:
    """Where `splitblog deploy` publishes a site."""

    target: str = option(
        "string",
        "s3://bucket/prefix, git+file:///repo.git#branch, git@host:repo#branch, "
        "rsync://host/module/path, user@host:/path or file:///folder",
        default="",
        check="target",
        shown_default="required",
    )
    host: str | None = option(
        "string",
        f"the static host, whose own files the build writes: {', '.join(HOSTS)}",
        default=None,
        check="host",
    )
    max_deletes: int = option(
        "integer",
        "more deletions than this are refused unless --force",
        default=50,
        check="max_deletes",
    )
    endpoint_url: str | None = option(
        "string", "an S3-compatible store's address (else AWS_ENDPOINT_URL)", default=None
    )
    region: str | None = option("string", "the S3 region (else AWS_REGION)", default=None)
    cache_control: str | None = option(
        "string", "the Cache-Control header of every S3 object", default=None
    )
    author: str | None = option(
        "string",
        "a git deploy's commit author, \"Name <email>\" (never the machine's git user)",
        default=None,
        check="deploy_author",
        shown_default="the site's persona",
    )

    @property
    def identity(self) -> tuple[str, str] | None:
        """The author's (name, email), when set."""
        if not self.author:
            return None
        name, _, email = self.author.partition("<")
        return name.strip(), email.strip().removesuffix(">").strip()


@dataclass(frozen=True)
class SiteConfig:
    """One site: `[sites.NAME]`. Its name is also its audience's name."""

    name: str
    title: str = option("string", "the site's title", default="", shown_default="the site's name")
    base_url: str = option(
        "string",
        "the site's address, e.g. https://janedoe.com/ (a path works too)",
        default="https://example.invalid/",
        check="base_url",
        shown_default="required",
    )
    theme: str = option(
        "string",
        "themes/NAME/ of the project first, then the shipped theme of that name",
        default="",
        check="theme",
        shown_default="the site's name",
    )
    language: str = option("string", "the pages' language (lang, feeds)", default="en")
    description: str = option("string", "a line about the site, in feeds and meta", default="")
    author: Author = option(
        "table", "the persona: name, email, avatar, bio", factory=Author, check="author"
    )
    feeds: tuple[str, ...] = option(
        "list of strings", "which feeds: atom, rss, json", default=FEED_KINDS, check="feeds"
    )
    posts_per_page: int = option(
        "integer", "posts on each page of the home page and tag pages", default=10, check="per_page"
    )
    noindex: bool = option(
        "boolean", "robots.txt disallows all and every page says noindex", default=False
    )
    forbid: tuple[str, ...] = option(
        "list of strings",
        "texts that must never appear in this site's output",
        default=(),
        check="forbid",
    )
    links: tuple[tuple[str, str], ...] = option(
        "table",
        "the policy toward each other site: deny, strip or allow; and external_paths, "
        'root-relative paths served by something else (e.g. ["/cgi-bin/", "/old.png"])',
        default=(),
        check="links",
        shown_default="deny toward every site",
    )
    permalinks: tuple[tuple[str, str], ...] = option(
        "table",
        "posts and pages addresses, from {year} {month} {day} {slug} (and {path} for "
        'pages), ending in / or .html, e.g. posts = "/{year}/{month}/{slug}.html"',
        default=PERMALINKS,
        check="permalinks",
        shown_default='posts = "/posts/{slug}/", pages = "/{path}{slug}/"',
    )
    keep_image_metadata: bool = option(
        "boolean",
        "publish photos (JPEG, PNG, WebP, TIFF, AVIF, HEIC, GIF) with their EXIF, XMP and "
        "IPTC metadata; SVG, PDF and office files are cleaned all the same (photos at web "
        "size are new images: they never hold any)",
        default=False,
    )
    publish_as_is: tuple[str, ...] = option(
        "list of strings",
        'file-name patterns (e.g. "*.zip", "talks/*.key") of files splitblog cannot clean, '
        "published as they are; any other such file stops the build",
        default=(),
        check="publish_as_is",
    )
    image_widths: tuple[int, ...] = option(
        "list of integers",
        "the widths (pixels) each JPEG, PNG, WebP or AVIF photo a page shows is published "
        "in, as WebP and in its own format (never enlarged); [] publishes photos as they are",
        default=IMAGE_WIDTHS,
        check="image_widths",
    )
    image_avif: bool = option(
        "boolean",
        "publish the photos in AVIF too (where the installed Pillow writes AVIF)",
        default=False,
    )
    publish_originals: bool = option(
        "boolean",
        "publish each photo's original file (cleaned of its metadata) beside its widths",
        default=False,
    )
    search: bool = option(
        "boolean",
        "a search page and box over this site's own pages (a Pagefind index under pagefind/)",
        default=True,
    )
    generator: bool = option(
        "boolean",
        "name splitblog as the generator in the feeds (it tells a reader another blog exists)",
        default=False,
    )
    deploy: DeployConfig | None = option(
        "table", "where `splitblog deploy` publishes the site", default=None, check="deploy"
    )
    comments: str | Giscus | Utterances | Isso = option(
        "string or table",
        '"off", "email" (a "reply by email" link to the persona, the post\'s title as subject) '
        'or a table for an embedded service: { provider = "giscus", … }, "utterances" or "isso"',
        default="email",
        check="comments",
    )
    comments_policy: str = option(
        "string", "a sentence shown beside the comments (what is welcome, what is not)", default=""
    )
    toc: bool = option(
        "boolean",
        "a table of contents on each post with two headings or more (a post's `toc:` decides "
        "for itself)",
        default=False,
    )

    # links.external_paths, read with the links table (read.py: check_links)
    external_paths: tuple[str, ...] = ()

    def policy_toward(self, other: str) -> str:
        return dict(self.links).get(other, "deny")

    def permalink(self, kind: str) -> str:
        """The address pattern of the site's posts or pages (kind: post or page)."""
        return dict(self.permalinks).get(kind + "s") or dict(PERMALINKS)[kind + "s"]

    @functools.cached_property  # asked for every URL of every page
    def path_prefix(self) -> str:
        """The URL path the site lives under: "/" or, for https://x.github.io/blog/, "/blog/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, rel: str) -> str:
        """Absolute URL of a site-relative path such as "posts/x/"."""
        return self.base_url + rel

    def href(self, rel: str) -> str:
        """Root-relative URL of a site-relative path, as pages link to it."""
        return self.path_prefix + rel


@dataclass(frozen=True)
class Config:
    """The whole project: the top of splitblog.toml, and its sites."""

    path: Path  # the configuration file
    root: Path  # the project folder (the configuration file's folder)
    content_dir: Path = option(
        "string",
        "the folder of posts and pages",
        default=Path("content"),
        key="content",
        check="content",
    )
    output_dir: Path = option(
        "string",
        "where each site's folder is written",
        default=Path("public"),
        key="output",
        check="output",
    )
    sites: tuple[SiteConfig, ...] = option(
        "table", "one table per site: [sites.NAME]", default=(), check="sites"
    )
    default_audience: str | None = option(
        "string",
        "the audience of posts that name none (a site, or all); else such a post is an error",
        default=None,
        check="default_audience",
    )
    timezone: str = option(
        "string",
        "for dates written without an offset, and what is in the future",
        default="UTC",
        check="timezone",
    )

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sites)

    def site(self, name: str) -> SiteConfig:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def rel(self, path: Path) -> str:
        """A path as messages show it: relative to the project folder when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
