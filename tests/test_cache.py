"""The build cache on its own: a key-value store in one SQLite file, values written by
`commit`, kept in memory by a long-running process, and never trusted when damaged or
made by another version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from splitblog import cache as cache_module
from splitblog.cache import Cache, Namespace

NS, OTHER, WHOLE = Namespace("ns"), Namespace("other"), Namespace("whole")
KEPT = Namespace("kept", outlives_preview=True)  # written when a preview closes


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / ".splitblog" / "cache.sqlite"


def stored(path: Path, ns: Namespace, key: str, salt: str = "s") -> object:
    """What a fresh cache on the file reads: what a later build would get."""
    reader = Cache(path, salt, writable=False)
    try:
        return reader.get(ns, key)
    finally:
        reader.close()


def fill(path: Path, values: dict[tuple[Namespace, str], object], salt: str = "s") -> None:
    writer = Cache(path, salt)
    for (ns, key), value in values.items():
        writer.put(ns, key, value)
    writer.commit()
    writer.close()


# -- get, put, commit, delete -----------------------------------------------------------------
def test_put_is_read_back_at_once_and_written_by_commit(db: Path) -> None:
    cache = Cache(db, "s")
    cache.put(NS, "a", {"any": ("picklable", 1)})
    assert cache.get(NS, "a") == {"any": ("picklable", 1)}  # before the commit too
    assert stored(db, NS, "a") is None  # not written yet
    cache.commit()
    assert stored(db, NS, "a") == {"any": ("picklable", 1)}
    cache.close()
    assert db.parent.is_dir()  # the cache made its folder


def test_values_are_namespaced(db: Path) -> None:
    fill(db, {(Namespace("one"), "k"): 1, (Namespace("two"), "k"): 2})
    cache = Cache(db, "s")
    assert [cache.get(Namespace(n), "k") for n in ("one", "two", "three")] == [1, 2, None]
    cache.close()


def test_what_is_not_committed_is_lost(db: Path) -> None:
    fill(db, {(NS, "kept"): "old"})
    cache = Cache(db, "s")
    cache.put(NS, "kept", "new")
    cache.put(NS, "other", "x")
    cache.close()
    assert stored(db, NS, "kept") == "old"
    assert stored(db, NS, "other") is None


def test_get_many_finds_every_key_across_chunks(db: Path) -> None:
    """Keys are looked up 500 at a time (SQLite's limit on parameters)."""
    fill(db, {(NS, str(i)): i for i in range(1234)})
    cache = Cache(db, "s")
    cache.put(NS, "pending", "p")
    found = cache.get_many(NS, [*map(str, range(1300)), "pending", "7", "7"])
    assert found == {**{str(i): i for i in range(1234)}, "pending": "p"}
    cache.close()


def test_delete_hides_a_value_and_commit_removes_it(db: Path) -> None:
    fill(db, {(NS, "a"): 1, (NS, "b"): 2})
    cache = Cache(db, "s")
    cache.delete(NS, "a")
    assert cache.get(NS, "a") is None and cache.get_all(NS) == {"b": 2}
    assert stored(db, NS, "a") == 1  # until committed
    cache.commit()
    cache.close()
    assert stored(db, NS, "a") is None and stored(db, NS, "b") == 2


def test_put_after_delete_brings_the_key_back(db: Path) -> None:
    fill(db, {(NS, "a"): 1})
    cache = Cache(db, "s")
    cache.delete(NS, "a")
    cache.put(NS, "a", 3)
    cache.commit()
    cache.close()
    assert stored(db, NS, "a") == 3


def test_get_all_merges_the_file_what_is_pending_and_what_is_deleted(db: Path) -> None:
    fill(db, {(NS, "a"): 1, (NS, "b"): 2, (OTHER, "c"): 3})
    cache = Cache(db, "s")
    cache.put(NS, "b", 20)
    cache.put(NS, "d", 4)
    cache.delete(NS, "a")
    assert cache.get_all(NS) == {"b": 20, "d": 4}
    assert cache.get_all(OTHER) == {"c": 3}
    assert cache.get_all(Namespace("empty")) == {}
    cache.close()


def test_a_row_that_does_not_unpickle_is_a_miss(db: Path) -> None:
    fill(db, {(NS, "good"): 1, (NS, "bad"): 2})
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE kv SET value = x'00112233' WHERE key = 'bad'")
    raw.close()
    cache = Cache(db, "s")
    assert cache.get(NS, "bad") is None
    assert cache.get_all(NS) == {"good": 1}
    cache.close()


# -- keep=True: what serve holds in memory ----------------------------------------------------
def test_a_kept_cache_writes_only_when_closed(db: Path) -> None:
    cache = Cache(db, "s", keep=True)
    cache.put(NS, "a", 1)
    cache.commit()
    assert cache.get(NS, "a") == 1
    assert stored(db, NS, "a") is None  # a rebuild does not write the database
    cache.put(NS, "b", 2)  # put and never committed: written on close as well
    cache.close()
    assert (stored(db, NS, "a"), stored(db, NS, "b")) == (1, 2)


def test_a_kept_cache_reads_each_value_from_the_file_once(db: Path) -> None:
    fill(db, {(NS, "a"): 1, (WHOLE, "x"): 1})
    cache = Cache(db, "s", keep=True)
    assert cache.get(NS, "a") == 1
    assert cache.get_all(WHOLE) == {"x": 1}
    with sqlite3.connect(db) as raw:  # the file changes behind its back
        raw.execute("DELETE FROM kv WHERE key = 'a'")
        raw.execute("UPDATE kv SET value = ? WHERE key = 'x'", (b"not read again",))
    raw.close()
    fill(db, {(WHOLE, "y"): 2})
    assert cache.get(NS, "a") == 1  # from memory
    assert cache.get_all(WHOLE) == {"x": 1}  # the namespace was read whole already
    cache.close(preview=True)  # writes nothing of NS and WHOLE


def test_closing_after_a_preview_writes_only_what_outlives_one(db: Path) -> None:
    """A preview builds with its own addresses: only values that do not depend on them
    (sources, rendered Markdown) are kept for the next build."""
    fill(db, {(KEPT, "gone"): 0, (NS, "gone"): 0})
    cache = Cache(db, "s", keep=True)
    cache.put(KEPT, "a", 1)
    cache.put(NS, "a", 2)
    cache.commit()
    cache.delete(KEPT, "gone")
    cache.delete(NS, "gone")
    cache.close(preview=True)
    assert (stored(db, KEPT, "a"), stored(db, KEPT, "gone")) == (1, None)
    assert (stored(db, NS, "a"), stored(db, NS, "gone")) == (None, 0)


def test_closing_a_kept_cache_otherwise_writes_everything(db: Path) -> None:
    fill(db, {(NS, "gone"): 0})
    cache = Cache(db, "s", keep=True)
    cache.put(KEPT, "a", 1)
    cache.put(NS, "a", 2)
    cache.commit()
    cache.delete(NS, "gone")
    cache.close()
    assert (stored(db, KEPT, "a"), stored(db, NS, "a"), stored(db, NS, "gone")) == (1, 2, None)


def test_a_namespace_within_a_variant_is_another_namespace(db: Path) -> None:
    fill(db, {(NS.within("site one"), "k"): 1})
    assert stored(db, NS.within("site one"), "k") == 1
    assert stored(db, NS.within("site two"), "k") is None and stored(db, NS, "k") is None
    assert KEPT.within("x").outlives_preview  # the same kind of value


def test_a_kept_cache_does_not_write_back_what_was_deleted_after_a_commit(db: Path) -> None:
    cache = Cache(db, "s", keep=True)
    cache.put(NS, "a", 1)
    cache.commit()
    cache.delete(NS, "a")  # e.g. a content file removed while serve runs
    assert cache.get(NS, "a") is None
    cache.close()
    assert stored(db, NS, "a") is None


def test_memos_live_as_long_as_a_kept_cache_and_never_reach_the_disk(db: Path) -> None:
    kept = Cache(db, "s", keep=True)
    kept.memo("keys")["a"] = 1
    kept.memo("keys", "site two")["a"] = 2
    assert kept.memo("keys") == {"a": 1} and kept.memo("keys", "site two") == {"a": 2}
    assert kept.memo("other") == {}
    kept.close()
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT ns, key FROM kv").fetchall() == [("", "salt")]
    raw.close()
    plain = Cache(db, "s")
    plain.memo("keys")["a"] = 1
    assert plain.memo("keys") == {}  # a one-off build remembers nothing
    plain.close()


def test_without_a_file_a_kept_cache_works_in_memory(tmp_path: Path) -> None:
    kept = Cache(None, "s", keep=True)
    kept.put(NS, "a", 1)
    kept.commit()
    assert kept.get(NS, "a") == 1 and kept.get_all(NS) == {"a": 1}
    kept.close()
    plain = Cache(None, "s")
    plain.put(NS, "a", 1)
    plain.commit()
    assert plain.get(NS, "a") is None
    plain.close()
    assert list(tmp_path.iterdir()) == []


# -- what is never trusted ------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_file_is_ignored_and_rebuilt(db: Path, damage: str) -> None:
    fill(db, {(NS, str(i)): "x" * 200 for i in range(300)})
    data = db.read_bytes()
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    db.write_bytes(
        {"garbage": b"not a database " * 500, "truncated": data[: len(data) // 3], "empty": b""}[
            damage
        ]
    )
    cache = Cache(db, "s")
    assert cache.get(NS, "1") is None and cache.get_all(NS) == {}
    cache.put(NS, "new", "fresh")
    cache.commit()
    cache.close()
    assert stored(db, NS, "new") == "fresh"  # a working cache again
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    raw.close()


def test_another_salt_drops_every_value(db: Path) -> None:
    fill(db, {(NS, "a"): 1}, salt="engine one")
    assert stored(db, NS, "a", salt="engine one") == 1
    other = Cache(db, "engine two")
    assert other.get(NS, "a") is None and other.get_all(NS) == {}
    other.put(NS, "b", 2)
    other.commit()
    other.close()
    assert stored(db, NS, "b", salt="engine two") == 2
    # Dropped, not hidden: going back to the first salt finds nothing either.
    assert stored(db, NS, "a", salt="engine one") is None


def test_another_splitblog_version_drops_every_value(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(db, {(NS, "a"): 1})
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert stored(db, NS, "a") is None
    monkeypatch.setattr(cache_module, "SCHEMA", "another schema")
    assert stored(db, NS, "a") is None


# -- read only (splitblog check, list, explain) ---------------------------------------------------
def test_a_read_only_cache_reads_and_writes_nothing(db: Path) -> None:
    fill(db, {(NS, "a"): 1})
    before = db.read_bytes()
    cache = Cache(db, "s", writable=False)
    assert cache.get(NS, "a") == 1
    cache.put(NS, "a", 2)
    cache.put(NS, "b", 3)
    cache.delete(NS, "a")
    cache.commit()
    cache.close()
    assert db.read_bytes() == before
    assert (stored(db, NS, "a"), stored(db, NS, "b")) == (1, None)


def test_a_read_only_cache_with_another_salt_leaves_the_file_alone(db: Path) -> None:
    fill(db, {(NS, "a"): 1})
    before = db.read_bytes()
    cache = Cache(db, "another", writable=False)
    assert cache.get(NS, "a") is None
    cache.close()
    assert db.read_bytes() == before
    assert stored(db, NS, "a") == 1  # still there for the build that wrote it


def test_a_read_only_cache_without_a_file_creates_none(db: Path) -> None:
    cache = Cache(db, "s", writable=False)
    cache.put(NS, "a", 1)
    cache.commit()
    assert cache.get(NS, "a") is None
    cache.close()
    assert not db.exists() and not db.parent.exists()
