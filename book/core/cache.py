"""The build cache: results kept by the hash of everything that made them.

Each stage asks for what it would otherwise make again (a converted source, a typeset case study,
a one-pager, an EPUB chapter) under a key that covers its inputs and the toolkit's own code
(``code_salt``), so a changed source, style, option or toolkit never gets a stale result.

The entries live in one SQLite file, ``dist/.cache/build-cache.sqlite``: thousands of small
files cost more to create than to compute here (half a millisecond each), while SQLite writes a
whole build's entries in one transaction and survives a build killed mid-write. Entries no build
has used in the last ``KEEP_BUILDS`` builds are dropped, a few at a time. A cache that cannot be read or written
only makes builds slower: it is never an error.

Every entry carries a checksum of its kind, key and value, checked whenever the value is read: an
entry changed on disk, a row of the wrong type or a file that is no longer a database is damage,
treated as a miss (the result is made again) and dropped, and the build says once that the cache
was damaged and has been rebuilt. A wrong result is never taken from it.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sqlite3
import sys
import threading
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent    # the whole book package
KEEP_BUILDS = 20
EVICT_AT_LEAST = 200     # entries dropped by a build (at least; see ``BuildCache.evict``)
FILE_NAME = "build-cache.sqlite"
SCHEMA = 3               # PRAGMA user_version of the cache's file; a file of another version is emptied


@contextmanager
def long_lived():
    """Objects made inside live for the rest of the build (the index, a chapter's text, what the
    cache gives back): Python's cycle collector would scan them again and again as the build
    makes and drops others, which cost a third of a cold build. It is paused while they are made,
    then they are set aside (``gc.freeze``), which also keeps forked workers from copying the
    memory they sit in."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def one_build():
    """A build's lifetime: what it set aside as long-lived (``long_lived``) is handed back to the
    collector when it ends, so a process that builds again and again (``--watch``, the preview
    server, the tests) does not grow by every build's index and texts."""
    try:
        yield
    finally:
        gc.unfreeze()


@lru_cache(maxsize=1)
def code_salt() -> bytes:
    """A digest of the toolkit's code: results made by other code are never reused."""
    h = hashlib.sha256()
    found = []      # each file's path's parts, sorted as paths sort
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]      # (not walked: every build's start)
        parts = Path(folder).relative_to(PACKAGE).parts
        found += [(*parts, name) for name in files if os.path.splitext(name)[1] in (".py", ".lua", ".json")]
    for parts in sorted(found):
        h.update("/".join(parts).encode())
        h.update(PACKAGE.joinpath(*parts).read_bytes())
    return h.digest()


def digest(*parts) -> str:
    """A key from strings, bytes or anything with a stable repr."""
    h = hashlib.sha256(code_salt())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def _create_tables(conn) -> None:
    """The cache's tables, made afresh (what another version of the file held is dropped). A
    table with rowids, not WITHOUT ROWID: its values are large (a converted source, a typeset
    chunk), and SQLite writes large rows into a rowid table in about half the time."""
    conn.execute("BEGIN")
    conn.execute("DROP TABLE IF EXISTS entry")
    conn.execute("DROP TABLE IF EXISTS build")
    conn.execute("CREATE TABLE entry (kind TEXT, key TEXT, value BLOB, checksum BLOB, used INTEGER, UNIQUE (kind, key))")
    conn.execute("CREATE TABLE build (n INTEGER)")
    conn.execute("CREATE INDEX entry_used ON entry (used)")     # eviction finds its rows
    conn.execute(f"PRAGMA user_version = {SCHEMA}")
    conn.execute("COMMIT")


def checksum(kind: str, key: str, value: bytes) -> bytes:
    """What an entry's value is checked against when read: a value changed on disk, or moved to
    another key, does not match."""
    h = hashlib.blake2b(digest_size=16)
    for part in (kind.encode(), key.encode(), value):
        h.update(b"%d:" % len(part))
        h.update(part)
    return h.digest()


# Connections held open in this process. A forked child keeps them referenced and never uses or
# closes them: closing a connection inherited through fork would fold the log into the file
# from under the parent (SQLite: "do not carry an open connection across a fork").
_HELD: list = []
_INHERITED: list = []


def _after_fork() -> None:
    _INHERITED.extend(_HELD)
    _HELD.clear()


os.register_at_fork(after_in_child=_after_fork)


DAMAGED = "the build cache was damaged and has been rebuilt (the results it lost are made again)"


class BuildCache:
    """Bytes (or pickled objects) by kind and key. The database is opened for each batch of
    reads or writes and closed after it, so no connection is ever carried into a forked worker."""

    def __init__(self, folder: Path | None):
        self.path = folder / FILE_NAME if folder is not None else None
        self.build = 0
        self.written = 0          # entries this build put
        self.damaged = 0          # damaged entries (or files) found and dropped by this process
        self._held = None         # (process id, connection) while ``held_open``
        self._turn = threading.RLock()      # one thread's batch at a time on the held connection
        if self.path is not None:
            self._start_build()

    def next_build(self) -> None:
        """The same cache for another build in this process (a watching session keeps it, and
        its database open, from one build to the next): counted as a build of its own, so that
        what it uses is kept by eviction from then on, with its counts started again."""
        self.written = self.damaged = 0
        self._start_build()

    def identity(self) -> tuple[int, int] | None:
        """Which file the database is (device, inode), None when there is none: a cache folder
        removed, or replaced, while the database was held open is opened again."""
        try:
            st = os.stat(self.path) if self.path is not None else None
        except OSError:
            return None
        return (st.st_dev, st.st_ino) if st is not None else None

    @contextmanager
    def held_open(self):
        """One connection for this process for as long as this lasts (a build): opening the
        database and closing it again (SQLite then folds its log into the file, and syncs) for
        each batch cost a third of a small edition's build. This process's threads take turns on
        it, a batch at a time (the conversion's thread opened its own for each batch: a few
        milliseconds of a watching rebuild); forked workers open their own for each batch, as
        before (a worker never closes the one it inherits: see ``_after_fork``)."""
        if self.path is None or self._held is not None:
            yield
            return
        with self._connect(shared=True) as conn:
            if conn is None:
                yield
                return
            self._held = (os.getpid(), conn)
            _HELD.append(conn)
            try:
                yield
            finally:
                _HELD.remove(conn)
                self._held = None

    @contextmanager
    def _db(self):
        held = self._held
        if held is not None and held[0] == os.getpid():
            with self._turn:        # a batch's statements are one transaction: not interleaved
                if self._held is held:
                    yield held[1]
                    return
        with self._connect() as conn:       # forked workers open their own
            yield conn

    @contextmanager
    def _connect(self, shared: bool = False):
        if self.path is None:
            yield None
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=not shared)
        except (OSError, sqlite3.Error):
            yield None
            return
        with closing(conn):
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                # Never flushed to disk by SQLite: a build's checkpoints waited on the disk (at a
                # thousand case studies, a second of the main process's time). A file left damaged
                # by a crash of the system is found so and started again (``_recreate``), and a
                # damaged entry fails its checksum: what is lost is made again, never wrong.
                conn.execute("PRAGMA synchronous=OFF")
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                    _create_tables(conn)
            except sqlite3.OperationalError:
                yield None          # busy or unreadable now: a miss, not damage
                return
            except sqlite3.DatabaseError:
                yield self._recreate(conn)
                return
            yield conn

    def _found_damage(self, count: int = 1) -> None:
        """Said once per build, however many entries were damaged (not a warning --strict
        counts: the outputs are right, only slower to make)."""
        if not self.damaged:
            print(f"warning: {DAMAGED}", file=sys.stderr)
        self.damaged += count

    def _recreate(self, conn):
        """A damaged cache file is thrown away and started again."""
        self._found_damage()
        if self._held is not None and self._held[1] is conn:
            _HELD.remove(conn)
            self._held = None       # the batches that follow open their own
        conn.close()
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            fresh = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            _create_tables(fresh)
            return fresh
        except (OSError, sqlite3.Error):
            return None

    def _start_build(self) -> None:
        with self._db() as db:
            if db is None:
                return
            try:
                row = db.execute("SELECT n FROM build").fetchone()
                if row is not None and not isinstance(row[0], int):
                    self._found_damage()
                    row = None
                self.build = (row[0] if row else 0) + 1
                db.execute("DELETE FROM build")
                db.execute("INSERT INTO build VALUES (?)", (self.build,))
            except sqlite3.Error:
                pass

    # ------------------------------------------------------------ bytes
    def get_many(self, kind: str, keys: list[str]) -> dict[str, bytes]:
        return self._lookup(kind, keys, "value")

    def present(self, kind: str, keys: list[str]) -> set[str]:
        """Which of ``keys`` the cache holds (without reading their values: they are checked when
        they are read, and one found damaged then is made again by its reader)."""
        return set(self._lookup(kind, keys, "NULL"))

    def _lookup(self, kind: str, keys: list[str], column: str) -> dict:
        """key -> ``column`` of each entry of ``kind`` among ``keys`` (in batches: SQLite limits a
        query's parameters); the entries found are marked used by this build, the damaged ones
        dropped."""
        found: dict = {}
        if not keys:
            return found
        with self._db() as db:
            if db is None:
                return found
            try:
                stale, damaged = [], []
                for start in range(0, len(keys), 500):
                    batch = keys[start:start + 500]
                    marks = ",".join("?" * len(batch))
                    query = f"SELECT key, {column}, checksum, used FROM entry WHERE kind = ? AND key IN ({marks})"
                    for key, value, check, used in db.execute(query, (kind, *batch)):
                        if not _sound(kind, key, value, check, column != "NULL"):
                            damaged.append(key)
                            continue
                        found[key] = value
                        if not isinstance(used, int) or used < self._fresh:
                            stale.append(key)
                self._touch(db, kind, stale)
                self._drop(db, kind, damaged)
            except sqlite3.OperationalError:
                pass
            except sqlite3.DatabaseError:         # the file itself is damaged
                found = {}
                self._discard(db)
        return found

    def _drop(self, db, kind: str, keys: list) -> None:
        if keys:
            self._found_damage(len(keys))
            db.execute("BEGIN")
            db.executemany("DELETE FROM entry WHERE kind = ? AND key = ?", [(kind, k) for k in keys])
            db.execute("COMMIT")

    def _discard(self, db) -> None:
        fresh = self._recreate(db)
        if fresh is not None:
            fresh.close()

    @property
    def _fresh(self) -> int:
        # an entry used this recently is not marked again (marking costs a write per entry)
        return self.build - KEEP_BUILDS // 2

    def _touch(self, db, kind: str, keys: list[str]) -> None:
        """Mark entries as used by this build, so that eviction keeps them."""
        if keys:
            db.execute("BEGIN")
            db.executemany("UPDATE entry SET used = ? WHERE kind = ? AND key = ?", [(self.build, kind, k) for k in keys])
            db.execute("COMMIT")

    def put_many(self, kind: str, items: dict[str, bytes]) -> None:
        if not items:
            return
        with self._db() as db:
            if db is None:
                return
            try:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?)",
                               [(kind, key, value, checksum(kind, key, value), self.build) for key, value in items.items()])
                db.execute("COMMIT")
                self.written += len(items)
            except sqlite3.Error:
                pass

    def evict(self) -> None:
        """Drop what no recent build used (sources removed, styles changed, old toolkits): as
        many entries as this build wrote, twice over, or ``EVICT_AT_LEAST``. Dropping an entry
        costs about what writing it did (SQLite reads a large value's pages to free them), so
        the entries a change of style or toolkit leaves behind are dropped over the builds that
        follow, not all by one small rebuild."""
        with self._db() as db:
            if db is None:
                return
            try:
                limit = max(EVICT_AT_LEAST, 2 * self.written)
                db.execute("DELETE FROM entry WHERE rowid IN (SELECT rowid FROM entry WHERE used < ? LIMIT ?)",
                           (self.build - KEEP_BUILDS, limit))
            except sqlite3.Error:
                pass

    # ------------------------------------------------------------ objects
    def load(self, kind: str, keys: list[str]) -> list:
        """The object under each key (None where there is none, or it cannot be read)."""
        found = self.get_many(kind, list(dict.fromkeys(keys)))
        with long_lived():
            return [self._unpickle(found.get(key)) for key in keys]

    @staticmethod
    def _unpickle(data: bytes | None):
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:       # an entry pickled by other code: made again
            return None

    def store(self, kind: str, items: dict[str, object]) -> None:
        self.put_many(kind, {key: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) for key, value in items.items()})


def _sound(kind: str, key, value, check, read_value: bool) -> bool:
    """Whether a row is as this code wrote it: a text key, a 16-byte checksum and, when the value
    is read, bytes that match it."""
    if not isinstance(key, str) or not isinstance(check, bytes) or len(check) != 16:
        return False
    return not read_value or (isinstance(value, bytes) and checksum(kind, key, value) == check)
