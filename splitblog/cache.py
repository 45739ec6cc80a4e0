"""The persistent build cache: one SQLite file under the project's .splitblog/ folder.

Values are pickled and namespaced; everything is keyed by content hashes, and the whole
cache is dropped when splitblog's version, the Python version or the engine changes. A
cache that cannot be read — truncated, corrupt, from another version — is treated as
empty and rebuilt, never trusted.

A long-running process (`serve`) keeps one Cache open with `keep=True`: values stay in
memory between builds, so a rebuild neither reads nor writes the database; they are
written once, when the cache is closed.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from splitblog import __version__

SCHEMA = "5"  # 3: Sources carry their `::: only` parse; 4: aliases, expiry, warnings;
# 5: resolved bodies as rows of named fields


@dataclass(frozen=True)
class Namespace:
    """A kind of value the cache holds, declared below and nowhere else."""

    name: str
    # Written to disk when a preview (serve) closes: true of values that do not depend
    # on the site's address, which in a preview is the preview's own.
    outlives_preview: bool = False

    def within(self, variant: str) -> Namespace:
        """The same kind of value, for one variant (a salt, a site) of the inputs."""
        return replace(self, name=f"{self.name}|{variant}")


# Every namespace of the build cache, with what it holds.
STATE = Namespace("state")  # the last build's input fingerprint and output trees, per output
SOURCES = Namespace("sources", outlives_preview=True)  # one Source per content file (per salt)
MARKDOWN = Namespace("md", outlives_preview=True)  # rendered bodies without their HTML
MARKDOWN_HTML = Namespace("mdhtml")  # their HTML, read only for the pages rendered again
FILES = Namespace("files")  # digests of source files, by size and mtime
PAGES = Namespace("pages")  # each site's page keys and digests: unchanged pages are kept
RECORDS = Namespace("records")  # each site's pages' dependency record (site/pages.py)
RESOLVED = Namespace("resolved")  # each site's bodies as resolved, one row per entry
AUDIT = Namespace("audit")  # each site's audit hits by file digest, with the tokens' digest
EXPLAINED = Namespace("explained")  # each site's hits explained by an own post, by which
SEARCH = Namespace("search")  # each site's search index (its files), by the pages indexed

# Every memo (values a long-lived process keeps in memory between builds, never written).
ENTRIES_MEMO = "entries"  # routing's entries by source digest
MARKDOWN_KEYS = "markdown keys"  # markdown keys by (file, site, digest, bundle files)
TREES_MEMO = "trees"  # the writer's manifests, per site
AUDIT_MEMO = "audit"  # the audit's per-source tokens and its automaton, per site
RELATED_MEMO = "related"  # each site's related posts, while no post's tags or title change

Key = tuple[Namespace, str]


class Cache:
    """A key-value store; `put`s are written by `commit` in one transaction."""

    def __init__(self, path: Path | None, salt: str, writable: bool = True, keep: bool = False):
        self.path = path
        self.writable = writable and path is not None
        self.keep = keep
        self.salt = f"{SCHEMA}|{__version__}|{sys.version_info[:2]}|{salt}"
        self._memory: dict[Key, Any] = {}  # values read or put, when keeping them
        self._pending: dict[Key, Any] = {}  # values put and not written yet
        self._deleted: set[Key] = set()
        self._unwritten: dict[Key, Any] = {}  # committed while keeping: written on close
        self._whole: set[Namespace] = set()  # namespaces read whole into memory
        self._memos: dict[str, dict] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None and (path.exists() or self.writable):
            self._db = self._open(path)

    def _open(self, path: Path, retry: bool = True) -> sqlite3.Connection | None:
        try:
            if self.writable:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                # A cache can always be rebuilt: no waiting for the disk on every commit.
                db.execute("PRAGMA synchronous=OFF")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, value BLOB, "
                    "PRIMARY KEY (ns, key))"
                )
            else:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            row = db.execute("SELECT value FROM kv WHERE ns='' AND key='salt'").fetchone()
            if row is None or row[0] != self.salt.encode():
                if not self.writable:
                    db.close()
                    return None
                db.execute("DELETE FROM kv")
                db.execute("INSERT INTO kv VALUES ('', 'salt', ?)", (self.salt.encode(),))
            return db
        except sqlite3.DatabaseError:
            # Damaged: start afresh, once. A second failure is not the file's fault (a
            # full or read-only disk): build without a cache rather than retry forever.
            with contextlib.suppress(OSError):
                if self.writable and retry:
                    path.unlink()
                    for extra in ("-wal", "-shm"):
                        Path(str(path) + extra).unlink(missing_ok=True)
                    return self._open(path, retry=False)
            return None

    def memo(self, name: str, variant: str = "") -> dict:
        """A dict for values worked out during a build that a later build may reuse:
        kept in memory while a kept cache lives (serve), never written to the disk."""
        if not self.keep:
            return {}
        return self._memos.setdefault(f"{name}|{variant}", {})

    # -- reading --------------------------------------------------------------------------
    def get(self, ns: Namespace, key: str) -> Any | None:
        found = self.get_many(ns, [key])
        return found.get(key)

    def get_many(self, ns: Namespace, keys: Iterable[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        wanted = []
        for key in dict.fromkeys(keys):
            if (ns, key) in self._pending:
                found[key] = self._pending[(ns, key)]
            elif (ns, key) in self._memory:
                found[key] = self._memory[(ns, key)]
            elif (ns, key) not in self._deleted:
                wanted.append(key)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, value FROM kv WHERE ns=? AND key IN ({marks})"
            self._load(query, (ns.name, *chunk), ns, found)
        return found

    def get_all(self, ns: Namespace) -> dict[str, Any]:
        """Every value of a namespace (for namespaces read whole, one row per item)."""
        found: dict[str, Any] = {}
        if ns not in self._whole:
            self._load("SELECT key, value FROM kv WHERE ns=?", (ns.name,), ns, found)
            if self.keep:
                self._whole.add(ns)
        for (space, key), value in self._memory.items():
            if space == ns:
                found[key] = value
        for (space, key), value in self._pending.items():
            if space == ns:
                found[key] = value
        for space, key in self._deleted:
            if space == ns:
                found.pop(key, None)
        return found

    def _load(
        self, query: str, args: tuple[str, ...], ns: Namespace, found: dict[str, Any]
    ) -> None:
        if self._db is None:
            return
        try:
            rows = self._db.execute(query, args).fetchall()
        except sqlite3.DatabaseError:
            return
        for key, value in rows:
            with contextlib.suppress(Exception):  # a damaged row is a miss
                found[key] = pickle.loads(value)
                if self.keep:
                    self._memory[(ns, key)] = found[key]

    # -- writing --------------------------------------------------------------------------
    def put(self, ns: Namespace, key: str, value: Any) -> None:
        if self.writable or self.keep:
            self._pending[(ns, key)] = value
            self._deleted.discard((ns, key))

    def delete(self, ns: Namespace, key: str) -> None:
        self._pending.pop((ns, key), None)
        self._memory.pop((ns, key), None)
        self._unwritten.pop((ns, key), None)  # committed while keeping: not to be written
        self._deleted.add((ns, key))

    def commit(self) -> None:
        """Write what was put — or, when keeping values in memory, only remember it."""
        if self.keep:
            self._memory.update(self._pending)
            self._unwritten.update(self._pending)
            self._pending.clear()
            return
        self._write(self._pending, self._deleted)
        self._pending.clear()
        self._deleted.clear()

    def _write(self, values: dict[Key, Any], deleted: set[Key]) -> None:
        if not self.writable or self._db is None or not (values or deleted):
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany(
                "DELETE FROM kv WHERE ns=? AND key=?", [(ns.name, key) for ns, key in deleted]
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO kv VALUES (?, ?, ?)",
                (
                    (ns.name, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
                    for (ns, key), value in values.items()
                ),
            )
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                self._db.execute("ROLLBACK")

    def close(self, preview: bool = False) -> None:
        """Write what is still unwritten; after a preview, only what outlives one."""
        if self.keep:
            values = {**self._unwritten, **self._pending}
            deleted = set(self._deleted)
            if preview:
                values = {k: v for k, v in values.items() if k[0].outlives_preview}
                deleted = {k for k in deleted if k[0].outlives_preview}
            self._write(values, deleted)
        if self._db is not None:
            self._db.close()
            self._db = None
