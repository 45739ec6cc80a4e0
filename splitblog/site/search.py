"""A site's search index: Pagefind (the binary its Python package `pagefind[bin]` ships)
run over that site's own rendered pages, and nothing else.

The index is made from the bytes of the site's post and page HTML after they have been
rendered and audited, in a folder of its own that holds only those pages, so it cannot
read another site's output, a draft left in public/ or a file splitblog did not write.
Its files are returned as bytes and published like every other output file: audited
(audit/reading.py reads inside Pagefind's compressed fragments and index) and covered
by the independence proof. Pagefind's output depends only on the pages it is given (its
file names are content hashes), so the same pages give the same index.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
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
