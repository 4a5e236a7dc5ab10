"""The build cache: entries by kind and key, kept while builds use them, dropped a few at a time
after; a damaged file is started again."""
from __future__ import annotations

import sqlite3

from book.core import cache as cache_module
from book.core.cache import KEEP_BUILDS, BuildCache


def count(folder, kind: str) -> int:
    with sqlite3.connect(folder / cache_module.FILE_NAME) as db:
        return db.execute("SELECT count(*) FROM entry WHERE kind = ?", (kind,)).fetchone()[0]


def builds(folder, n: int) -> BuildCache:
    for _ in range(n):
        c = BuildCache(folder)
    return c


def test_entries_live_while_builds_use_them(tmp_path):
    c = BuildCache(tmp_path)
    c.store("thing", {"kept": 1, "dropped": 2})
    for _ in range(KEEP_BUILDS + 5):
        c = BuildCache(tmp_path)
        assert c.load("thing", ["kept"]) == [1]        # used by every build
        c.evict()
    assert BuildCache(tmp_path).load("thing", ["kept", "dropped"]) == [1, None]


def test_eviction_drops_a_few_entries_per_build(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "EVICT_AT_LEAST", 10)
    c = BuildCache(tmp_path)
    c.store("old", {str(n): n for n in range(35)})
    c = builds(tmp_path, KEEP_BUILDS + 1)
    left = []
    for _ in range(4):
        c.evict()
        left.append(count(tmp_path, "old"))          # (not read: reading marks an entry used)
        c = BuildCache(tmp_path)
    assert left == [25, 15, 5, 0]


def test_a_damaged_cache_is_started_again(tmp_path):
    c = BuildCache(tmp_path)
    c.store("thing", {"a": 1})
    (tmp_path / cache_module.FILE_NAME).write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / (cache_module.FILE_NAME + suffix)).unlink(missing_ok=True)
    c = BuildCache(tmp_path)
    assert c.load("thing", ["a"]) == [None]
    c.store("thing", {"a": 2})
    assert BuildCache(tmp_path).load("thing", ["a"]) == [2]


def test_a_cache_of_another_version_is_emptied_and_used(tmp_path):
    with sqlite3.connect(tmp_path / cache_module.FILE_NAME) as db:       # the first version's layout
        db.execute("CREATE TABLE entry (kind TEXT, key TEXT, value BLOB, used INTEGER, PRIMARY KEY (kind, key)) WITHOUT ROWID")
        db.execute("CREATE TABLE build (n INTEGER)")
        db.execute("INSERT INTO entry VALUES ('thing', 'a', x'00', 1)")
    c = BuildCache(tmp_path)
    assert c.get_many("thing", ["a"]) == {}
    c.store("thing", {"a": 3})
    assert BuildCache(tmp_path).load("thing", ["a"]) == [3]
    with sqlite3.connect(tmp_path / cache_module.FILE_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == cache_module.SCHEMA


def test_held_open_one_connection_serves_the_build_and_workers_open_their_own(tmp_path, monkeypatch):
    """While a build holds the cache open, its batches share one connection (opening and
    closing SQLite for each cost a third of a small build), those of its other threads too, a
    batch at a time; a forked worker opens its own, and what each writes, the other reads."""
    import os
    import threading

    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(cache_module.sqlite3, "connect", lambda *a, **k: opened.append(1) or real_connect(*a, **k))
    c = BuildCache(tmp_path)
    opened.clear()
    with c.held_open():
        for n in range(5):
            c.store("thing", {str(n): n})
        assert c.load("thing", ["0", "4"]) == [0, 4]
        assert len(opened) == 1
        side = threading.Thread(target=lambda: c.store("thing", {"from-a-thread": 1}))
        side.start()
        side.join()
        assert len(opened) == 1 and c.load("thing", ["from-a-thread"]) == [1]
        # threads writing at once: each batch whole (one transaction each, never interleaved)
        writers = [threading.Thread(target=lambda t=t: [c.store("many", {f"{t}-{n}": n for n in range(50)})
                                                        for _ in range(20)]) for t in range(4)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        assert c.load("many", [f"{t}-{n}" for t in range(4) for n in range(50)]) == list(range(50)) * 4
        pid = os.fork()
        if pid == 0:            # a worker: a connection of its own, the inherited one left alone
            try:
                c.store("thing", {"from-a-worker": 1})
            finally:
                os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0
        assert c.load("thing", ["from-a-worker", "1"]) == [1, 1]    # the build's connection still works
    assert BuildCache(tmp_path).load("thing", ["from-a-worker", "from-a-thread", "3"]) == [1, 1, 3]
