"""Reading a site's search index (Pagefind's files under pagefind/) as the tests read
every other output file: its compressed fragments and index opened, its library files
(the same bytes on every site) checked to be exactly Pagefind's own."""

from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

from splitblog.audit.reading import PAGEFIND_MAGIC, cbor_strings
from splitblog.site.search import make_index

INDEX = re.compile(r"(?:^|/)pagefind/.*\.pf_(?:fragment|index|meta|filter)$")
LIBRARY = re.compile(
    r"(?:^|/)pagefind/(pagefind(?:-ui|-worker)?\.(?:js|css)|wasm\.[\w-]+\.pagefind)$"
)


@functools.cache
def library() -> dict[str, bytes]:
    """Pagefind's own files (its library, UI and WebAssembly), as any index holds them."""
    page = b"<!doctype html><html lang=en><head><title>a</title></head><body><p>b</p></body></html>"
    files = make_index([("index.html", page)], "/")
    return {p.removeprefix("pagefind/"): d for p, d in files.items() if LIBRARY.search(p)}


def readable(rel: str, data: bytes) -> bytes:
    """The bytes a test should search in an output file: an index file opened (a
    fragment's JSON, every string of a CBOR file, one per line), a library file nothing
    when it is Pagefind's own (else itself, to be searched like any file)."""
    found = LIBRARY.search(rel)
    if found and library().get(found.group(1)) == data:
        return b""
    if not INDEX.search(rel):
        return data
    inner = gzip.decompress(data).removeprefix(PAGEFIND_MAGIC)
    if rel.endswith(".pf_fragment"):
        return json.dumps(json.loads(inner), ensure_ascii=False).encode()
    return "\n".join(cbor_strings(inner)).encode()


def fragments(root: Path) -> list[dict]:
    """Every page of a site's index, in all its parts: its URL, text and title (from the
    fragments)."""
    return [
        json.loads(gzip.decompress(f.read_bytes()).removeprefix(PAGEFIND_MAGIC))
        for f in sorted((root / "pagefind").glob("**/fragment/*.pf_fragment"))
    ]


def words(root: Path) -> set[str]:
    """Every word of a site's index, in all its parts (as Pagefind stores them: stemmed,
    lower case)."""
    found: set[str] = set()
    for f in sorted((root / "pagefind").glob("**/index/*.pf_index")):
        found |= set(cbor_strings(gzip.decompress(f.read_bytes()).removeprefix(PAGEFIND_MAGIC)))
    return found


def stem(word: str) -> str:
    """A word as Pagefind's index stores it on an English site (Snowball's stemmer, the
    one Pagefind uses): "walks" → "walk", "zq…y" → "zq…i"."""
    import snowballstemmer

    return snowballstemmer.stemmer("english").stemWord(word)


def without_search(config: str) -> str:
    """A test configuration whose sites have no search (for tests that count files)."""
    return re.sub(r"(?m)^(\[sites\.[\w-]+\])$", r"\1\nsearch = false", config)
