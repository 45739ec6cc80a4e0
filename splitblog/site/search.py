"""A site's search index: Pagefind (the binary its Python package `pagefind[bin]` ships)
run over that site's own rendered pages, and nothing else.

The index is made from the bytes of the site's post and page HTML after they have been
rendered and audited, in a folder of its own that holds only those pages, so it cannot
read another site's output, a draft left in public/ or a file splitblog did not write.
Its files are returned as bytes and published like every other output file: audited
(audit/reading.py reads inside Pagefind's compressed fragments and index) and covered
by the independence proof. Pagefind's output depends only on the pages it is given (its
file names are content hashes), so the same pages give the same index.

A large site's index is made in parts, which the search page merges (Pagefind's
`mergeIndex`): each page belongs to one part by a hash of its path, so an edited post
remakes the index of the few pages of its part, not of the whole site — Pagefind has no
incremental mode, and its time and memory grow with the pages it is given (about 5 ms
and 0.3 MB a page: bench/RESULTS.md). The first part is at pagefind/ with Pagefind's
library and UI; each other part at pagefind/<number>/ holds its index alone.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BUNDLE = "pagefind/"  # where the index lives on the site (PRODUCT.md)
# What a search page needs of Pagefind's output: the search library and its worker, the
# default UI, the entry file, the WebAssembly and the index itself. The other UIs and the
# playground are left out.
PUBLISHED = re.compile(
    r"pagefind\.js|pagefind-worker\.js|pagefind-ui\.js|pagefind-ui\.css|pagefind-entry\.json"
    r"|wasm\.[\w-]+\.pagefind|pagefind\.[\w-]+\.pf_meta"
    r"|(?:fragment|index|filter)/[\w-]+\.pf_(?:fragment|index|filter)"
)
# What a part other than the first needs: its index alone (the first part's library and
# WebAssembly search every part).
PART_PUBLISHED = re.compile(
    r"pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta"
    r"|(?:fragment|index|filter)/[\w-]+\.pf_(?:fragment|index|filter)"
)
# About how many pages one part of an index holds. The number of parts is a power of two
# that doubles as the site does, so pages move between parts only when it doubles.
PART_PAGES = 128
MOST_PARTS = 256
TIMEOUT = 900  # seconds: far more than 4,000 posts take (bench/RESULTS.md)


NOTHING_INDEXED = "not able to build an index"  # Pagefind's words for "no page to index"


class SearchError(Exception):
    """The index could not be made; the message says why."""


@functools.cache
def engine_key() -> str:
    """Part of the index's cache key: the version of Pagefind that makes it."""
    try:
        return "pagefind " + version("pagefind_bin")
    except PackageNotFoundError:
        return "pagefind ?"


def index_key(pages: Sequence[tuple[str, str]], prefix: str) -> str:
    """Changes whenever the index could: the pages indexed (path, cache key), where the
    site lives, and the engine."""
    parts = repr((engine_key(), prefix, sorted(pages)))
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def part_count(pages: int) -> int:
    """How many parts an index of `pages` pages is made in: 1 up to 2 × PART_PAGES."""
    count = 1
    while count < MOST_PARTS and count * 2 * PART_PAGES <= pages:
        count *= 2
    return count


def parts(paths: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """The pages of a site's index by part: part number → its pages' paths (sorted);
    a part no page falls in is left out."""
    ordered = sorted(set(paths))
    count = part_count(len(ordered))
    found: dict[int, list[str]] = {}
    for path in ordered:
        number = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=4).digest()) % count
        found.setdefault(number, []).append(path)
    return {number: tuple(found[number]) for number in sorted(found)}


def bundles(numbers: Iterable[int]) -> dict[int, str]:
    """Where each part is published (site-relative folder): the first at pagefind/, the
    others at pagefind/<number>/."""
    ordered = sorted(numbers)
    return {n: BUNDLE if i == 0 else f"{BUNDLE}{n}/" for i, n in enumerate(ordered)}


def placed(files: Mapping[str, bytes], bundle: str) -> dict[str, bytes]:
    """An index's files (as make_index returns them, under pagefind/) as the part
    published at `bundle` holds them: all of them at pagefind/, only its index elsewhere."""
    if bundle == BUNDLE:
        return dict(files)
    kept = {}
    for path, data in files.items():
        rel = path.removeprefix(BUNDLE)
        if PART_PUBLISHED.fullmatch(rel):
            kept[bundle + rel] = data
    return kept


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable  # the binary inside the wheel
    except ImportError:
        raise SearchError(
            "Pagefind is not installed — install splitblog with its dependencies "
            "(pip install splitblog), or set search = false"
        ) from None
    try:
        return Path(get_executable())
    except (FileNotFoundError, OSError) as exc:
        raise SearchError(f"Pagefind's binary is missing ({exc})") from None


def make_index(pages: Sequence[tuple[str, bytes]], prefix: str) -> dict[str, bytes]:
    """The index of `pages` ((site-relative path, HTML) of the site's posts and pages)
    as files: site-relative path (under pagefind/) → bytes. `prefix`: the URL path the
    site lives under ("/" or "/blog/"), so that results link to the right place."""
    binary = _executable()
    with tempfile.TemporaryDirectory(prefix="splitblog-search-") as tmp:
        folder = Path(tmp)
        site = folder / "site"
        root = site.joinpath(*[p for p in prefix.split("/") if p])
        for path, data in sorted(pages):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        out = folder / "out"
        # Run in the empty folder with no PAGEFIND_* variables: no pagefind.yml or setting
        # of the user's changes what is indexed or how.
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND")}
        try:
            done = subprocess.run(
                [str(binary), "--site", str(site), "--output-path", str(out), "--silent"],
                cwd=folder,
                env=env,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchError(f"Pagefind did not run: {exc}") from None
        said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
        if done.returncode != 0 and NOTHING_INDEXED in said:
            return {}  # no page is an HTML document Pagefind reads (a theme's own templates)
        if done.returncode != 0 or not out.is_dir():
            last = said.splitlines()[-1] if said else f"exit status {done.returncode}"
            raise SearchError(f"Pagefind failed: {last}")
        files: dict[str, bytes] = {}
        for file in sorted(out.rglob("*")):
            rel = file.relative_to(out).as_posix()
            if file.is_file() and PUBLISHED.fullmatch(rel):
                files[BUNDLE + rel] = file.read_bytes()
    return files


@functools.cache
def ui_files() -> tuple[Path, ...]:
    """Pagefind's own files — its search library, worker and UI, the same for every site
    and index — written once per process into a temporary folder, for the audit: their
    words (the UI's labels in every language it speaks) are splitblog's own text, as the
    shipped templates' are, and explain nothing of any post."""
    import atexit
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="splitblog-pagefind-ui-"))
    atexit.register(shutil.rmtree, folder, True)
    page = b"<!doctype html><html lang=en><head><title>a</title></head><body><p>a</p></body></html>"
    try:
        files = make_index([("index.html", page)], "/")
    except SearchError:
        return ()
    found = []
    for path, data in files.items():
        if path.endswith((".js", ".css")):
            target = folder / path.removeprefix(BUNDLE)
            target.write_bytes(data)
            found.append(target)
    return tuple(sorted(found))
