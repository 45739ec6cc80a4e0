"""The persistent build cache: one SQLite file under the project's .splitblog/ folder.

Values are pickled and namespaced; everything is keyed by content hashes, and the whole
cache is dropped when splitblog's version, the Python version or the engine changes. A
cache that cannot be read — truncated, corrupt, from another version — is treated as
empty and rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__

SCHEMA = "1"


class Cache:
    """A key-value store; `put`s are buffered and written by `commit` in one transaction."""

    def __init__(self, path: Path | None, salt: str, writable: bool = True):
        self.path = path
        self.writable = writable and path is not None
        self.salt = f"{SCHEMA}|{__version__}|{sys.version_info[:2]}|{salt}"
        self._pending: dict[tuple[str, str], bytes] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None and (path.exists() or self.writable):
            self._db = self._open(path)

    def _open(self, path: Path, retry: bool = True) -> sqlite3.Connection | None:
        try:
            if self.writable:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None)
            else:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            if self.writable:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, value BLOB, "
                    "PRIMARY KEY (ns, key))"
                )
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

    def get(self, ns: str, key: str) -> Any | None:
        pending = self._pending.get((ns, key))
        if pending is not None:
            return pickle.loads(pending)
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT value FROM kv WHERE ns=? AND key=?", (ns, key)
            ).fetchone()
            return pickle.loads(row[0]) if row else None
        except Exception:  # a damaged row is a miss
            return None

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            if self._db is not None:
                try:
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT key, value FROM kv WHERE ns=? AND key IN ({marks})", (ns, *chunk)
                    ).fetchall()
                except sqlite3.DatabaseError:
                    rows = []
                for key, value in rows:
                    with contextlib.suppress(Exception):
                        found[key] = pickle.loads(value)
            for key in chunk:
                if (ns, key) in self._pending:
                    found[key] = pickle.loads(self._pending[(ns, key)])
        return found

    def put(self, ns: str, key: str, value: Any) -> None:
        if self.writable:
            self._pending[(ns, key)] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def commit(self) -> None:
        if not self.writable or self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO kv VALUES (?, ?, ?)",
                ((ns, key, value) for (ns, key), value in self._pending.items()),
            )
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                self._db.execute("ROLLBACK")
        self._pending.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
