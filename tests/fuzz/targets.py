"""Fuzz targets: the properties every input must keep, and the inputs to try them on.

Shared by the bounded property tests (tests/test_fuzz.py, run in CI) and the long
campaign (tests/fuzz/campaign.py, run by hand). Each `check_*` function takes one
generated input and fails with an AssertionError — or with the unexpected exception
itself — when splitblog mishandles it. The one exception allowed to escape a reader is
the project's own SplitblogError: that is a clear message for the user, not a crash.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import strategies as st

from splitblog.config import Config, load_config
from splitblog.content.slugs import (
    folder_slug,
    make_slug,
    slug_from_filename,
    slug_problem,
)
from splitblog.content.sources import FORBIDDEN_CHAR, read_source
from splitblog.content.walk import SourceFile
from splitblog.errors import OutputError, SplitblogError
from splitblog.model import Source
from splitblog.preview.paths import Found, Redirect
from splitblog.preview.paths import resolve as resolve_request
from splitblog.routing.links import Ref, Resolution, classify, resolve
from splitblog.routing.plan import LinkIndex, find_collisions
from splitblog.writer import OutputFile, Patch, SiteTrees, digest_of, is_safe_relpath

CONFIG_TEXT = """\
timezone = "Pacific/Kiritimati"
[sites.professional]
title = "Pro"
base_url = "https://pro.example.com/"
[sites.professional.links]
personal = "allow"
[sites.personal]
title = "Home"
base_url = "https://home.example.net/blog/"
[sites.personal.links]
professional = "strip"
[sites.family]
title = "Family"
base_url = "http://127.0.0.1:8080/fam/"
theme = "personal"
"""


@dataclass(frozen=True)
class World:
    """A project folder for the targets that touch the disk, made once per session."""

    config: Config
    spare_root: Path


def make_world(parent: Path) -> World:
    """`parent` must be an empty folder of its own: the targets check that nothing
    is ever written beside the project in it."""
    folder = parent / "project"
    (folder / "content").mkdir(parents=True)
    (folder / "splitblog.toml").write_text(CONFIG_TEXT)
    config = load_config(folder / "splitblog.toml")
    (folder / "content").rmdir()  # only the configuration: every file found is a leak
    return World(config, folder / "spares")


# -- the front-matter reader ----------------------------------------------------------------
YAML_VALUES = st.one_of(
    st.sampled_from(
        [
            "T",
            '"quoted"',
            "'single'",
            "2026-01-01",
            "2026-02-30",
            "2026-01-01T09:30:00+01:00",
            "2026-01-01 09:30",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "10:00",
            "yes",
            "no",
            "null",
            "~",
            "[a, b]",
            "{a: 1}",
            "[professional, personal]",
            "all",
            "family",
            "&a x",
            "*a",
            "!!binary aGk=",
            "!!set {a}",
            "!!python/object:os.system x",
            ">\n  folded",
            "|\n  literal",
            "1e999",
            ".nan",
            "-",
            "../../etc",
            "/abs",
            "a" * 300,
            '"\\u0002"',
            '"\\uFFFE"',
            '"\\0"',
        ]
    ),
    st.text(max_size=30),
)
KEYS = st.sampled_from(
    ["title", "date", "updated", "audience", "tags", "summary", "slug", "draft", "canonical",
     "personal", "professional", "family", "extra", "title", "<<", "? x", "- a", "  nested"]
)  # fmt: skip
BODY_PIECES = st.sampled_from(
    ["text", "\n", "\r\n", "\r", "\t", "::: only personal", "::: only family, professional",
     ":::", "::::", "```", "~~~", "[x](other.md)", "[y](/posts/other.md#f)", "![i](p.png)",
     "<!-- more -->", "\x00", "\x02L0\x03", "\x02F9\x03", "\ufeff", "\u202e", "é", "e\u0301",
     "日本", "🎉", "---", "+++", "&#2;", "<a href=\"x.md\">h</a>"]
)  # fmt: skip


@st.composite
def front_matter_files(draw: st.DrawFn) -> bytes:
    """A post file: mostly well-formed front matter, with every mistake users make."""
    fence = draw(st.sampled_from(["---", "+++", "----", "--- ", ""]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = []
    for key, value in draw(st.lists(st.tuples(KEYS, YAML_VALUES), max_size=8)):
        sep = " = " if fence == "+++" else draw(st.sampled_from([": ", ":", ":\t", " : "]))
        lines.append(f"{key}{sep}{value}")
    closing = draw(st.sampled_from([fence, fence, "", "..."]))
    body = "".join(draw(st.lists(BODY_PIECES, max_size=20)))
    text = newline.join([fence, *lines, closing, body]) if fence else body
    bom = draw(st.sampled_from(["", "\ufeff"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
    return (bom + text).encode(encoding, errors="replace")


FILE_BYTES = st.one_of(front_matter_files(), st.binary(max_size=400))
FILE_NAMES = st.one_of(
    st.sampled_from(["2026-01-02-x", "Hello World", "日本語", "🎉", "---", "2026-01-01-", "CON"]),
    st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and "\0" not in s),
)


def check_front_matter(world: World, data: bytes, stem: str, kind: str) -> None:
    """Any bytes: a Source whose every field is safe to publish, or a SplitblogError."""
    name = f"{kind}s/{stem}.md"
    file = SourceFile(world.config.content_dir / name, name, kind, None, (), (0, 0, 0))
    try:
        source = read_source(file, world.config, data)
    except SplitblogError as error:
        assert error.problems, "an error without a problem"
        for problem in error.problems:
            assert problem.path == f"content/{name}", problem
            assert problem.line is None or problem.line >= 1, problem
        return
    assert source.title and isinstance(source.title, str)
    assert source.audience <= set(world.config.site_names)
    assert source.kind == kind and (source.date is not None or kind == "page")
    assert is_safe_relpath(f"posts/{source.slug}/index.html"), source.slug
    for text in (source.title, source.body, source.summary or "", *source.tags):
        assert not FORBIDDEN_CHAR.search(text), text
    for _site, override in source.overrides:
        if override.slug is not None:
            assert is_safe_relpath(f"posts/{override.slug}/index.html"), override.slug
    if source.date is not None:  # comparable with "now": it carries a zone
        assert source.date.utcoffset() is not None, source.date
        source.date.timestamp()  # how posts are ordered


# -- the slugger ------------------------------------------------------------------------------
SLUG_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "---", "..", ".", "日本語", "שלום", "🎉🎉", "e\u0301", "\u200b", "ǅ"]
    ),
)


def check_slugs(text: str) -> None:
    """Derived slugs are never empty and always one safe, short, plain URL segment."""
    for slug in (make_slug(text), slug_from_filename(text)):
        assert slug, text
        assert set(slug) <= set(string.ascii_lowercase + string.digits + "-"), slug
        assert len(slug.encode()) <= 200, slug
        assert is_safe_relpath(f"posts/{slug}/index.html"), slug
    folder = folder_slug(text.replace("\0", ""))
    assert folder == "" or all(part for part in folder.split("/")), folder
    if folder:
        assert is_safe_relpath(f"{folder}/x/index.html"), folder
    if slug_problem(text) is None:  # a hand-written slug that is accepted
        assert is_safe_relpath(f"posts/{text}/index.html"), text


# -- the link resolver ------------------------------------------------------------------------
HREF_PIECES = st.sampled_from(
    ["..", ".", "/", "//", "a.md", "b.md", "x/index.md", "x.md", "posts", "pages", "%2e%2e",
     "%2F", "#frag", "?q=1", "http:", "mailto:", "\\", "\0", "é", "%00", "%", ".MD", "C:",
     "index.md", " ", "\n"]
)  # fmt: skip
HREFS = st.one_of(st.lists(HREF_PIECES, max_size=8).map("".join), st.text(max_size=40))
LINKED = {
    "posts/a.md": {"professional": "posts/a/"},
    "posts/b.md": {"personal": "posts/b/"},
    "posts/x/index.md": {"family": "posts/x/"},
    "pages/about.md": {"professional": "about/", "personal": "about/"},
    "posts/draft.md": {},
}


BUNDLE_FILES = ("p.png", "sub/q.jpg", "a b.pdf")


def link_source(folder: str, bundle: bool) -> Source:
    return Source(
        "post", f"{folder}/here.md", f"content/{folder}/here.md", "Here", "here",
        frozenset({"professional", "personal", "family"}), "", 1, "d",
        date=datetime(2026, 1, 1, tzinfo=UTC), bundle=folder if bundle else None,
        assets=BUNDLE_FILES if bundle else (),
    )  # fmt: skip


def check_link(world: World, href: str, folder: str, bundle: bool) -> None:
    """Every reference resolves to a URL on the linking site or on a site its policy
    allows — never to a path outside the sites — or to a problem naming the file; a
    bundle file reference names one of the bundle's own files."""
    source = link_source(folder, bundle)
    index = LinkIndex(urls=LINKED, known=frozenset(LINKED))
    found = classify(href, source)
    if found is None:
        return
    kind, key, fragment = found
    if kind == "file":
        assert key in BUNDLE_FILES, found
        return
    assert kind == "md" and key.lower().endswith(".md"), found
    assert posixpath.normpath(key) == key, key
    for site in world.config.sites:
        ref = Ref(kind, href, key, fragment, 3)
        outcome = resolve(ref, source, site, world.config, index)
        if isinstance(outcome, Resolution):
            if outcome.kind == "local":
                assert outcome.url.startswith(site.path_prefix), outcome
                local = outcome.url[len(site.path_prefix) :].split("#")[0]
                assert local in {u for sites in LINKED.values() for u in sites.values()}, outcome
            elif outcome.kind == "allow":
                others = [world.config.site(o) for o, p in site.links if p == "allow"]
                assert any(outcome.url.startswith(o.base_url) for o in others), outcome
            else:
                assert outcome.url == "", outcome
        else:
            assert outcome.path == source.rel and outcome.line == 3, outcome


# -- the output-path guard ----------------------------------------------------------------------
PATH_PIECES = st.sampled_from(
    ["..", ".", "/", "a", "B", "index.html", "\\", "\0", "é", "x" * 256, "日" * 90, "~", " ",
     "%2e", "posts", "", "//", "\n"]
)  # fmt: skip
REL_PATHS = st.one_of(st.lists(PATH_PIECES, max_size=8).map("".join), st.text(max_size=60))


def inside(root: Path, rel: str) -> bool:
    """Where `rel` lands under `root`, lexically (as the OS would, without links)."""
    joined = os.path.normpath(os.path.join(str(root), rel))
    return joined == str(root) or joined.startswith(str(root) + os.sep)


def check_output_path(world: World, rel: str) -> None:
    """A path the guard accepts lands inside the site folder; the writer writes only
    accepted paths, and refuses the others with an OutputError — nothing ever appears
    outside the site folder."""
    root = world.spare_root / "site"
    if is_safe_relpath(rel):
        assert inside(root, rel), rel
        assert all(len(p.encode("utf-8", "surrogatepass")) <= 255 for p in rel.split("/"))
    problems = find_collisions("site", [(rel, "content/posts/x.md")])
    assert bool(problems) == (not is_safe_relpath(rel)), (rel, problems)
    root.mkdir(parents=True, exist_ok=True)
    patch = Patch(SiteTrees(world.spare_root / "live", root), None, {}, {})
    try:
        patch.put(rel, OutputFile(digest_of(b"x"), data=b"x"))
    except OutputError:
        assert not is_safe_relpath(rel) or _too_long_for_disk(root, rel), rel
    else:
        assert is_safe_relpath(rel), rel
    project = world.config.root
    for folder, _dirs, names in os.walk(project):
        for name in names:
            path = Path(folder, name)
            assert path == world.config.path or path.is_relative_to(root), path
    assert sorted(os.listdir(project.parent)) == [project.name], os.listdir(project.parent)
    shutil.rmtree(root)


def _too_long_for_disk(root: Path, rel: str) -> bool:
    """A path the guard accepts but the file system refuses (a whole path > 4 KiB)."""
    return len(os.fsencode(f"{root}/{rel}")) >= 4096


def check_request(world: World, target: str) -> None:
    """The preview server never serves a file outside the site's folder."""
    root = world.config.root / "content"  # exists for the duration: a site's folder
    root.mkdir(exist_ok=True)
    (root / "index.html").write_text("x")
    found = resolve_request(root, target)
    shutil.rmtree(root)
    if isinstance(found, Found):
        assert found.path.resolve().is_relative_to(root.resolve()), (target, found)
    if isinstance(found, Redirect):
        assert found.location.startswith("/") and not found.location.startswith("//"), found


REQUESTS = st.one_of(
    st.lists(st.sampled_from(["/", "..", "%2e%2e", "%2f", "%5c", "%00", "a", "site", "//",
                              "?x", "#", "%ff", "x.md", "%"]), max_size=8).map("".join),
    st.text(max_size=40),
)  # fmt: skip
