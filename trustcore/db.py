"""SQLite access: one connection per unit of work, WAL, foreign keys, busy timeout, migrations.

Never keep a connection across Streamlit reruns: call ``connect`` (or ``connection``) for each unit of work.
Writers that need several statements use ``write`` (``BEGIN IMMEDIATE``), never ``db.atomic()``, which
starts a deferred transaction and fails at once with "database is locked" under concurrent writers.

A *unit of work* can be wider than one call: inside ``with db.unit(path):`` every ``connection`` and
``write`` on that file uses the unit's one connection (a page rerun opens one connection, however many
reads it makes). ``with db.snapshot(path):`` is a unit that also holds one read transaction, so every
read inside it sees the same committed state (a download built while someone writes shows all of that
write or none of it). Units are per thread (a ``ContextVar``), so Streamlit's script threads and download
threads never share a connection.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from sqlite_utils import Database

from .migrations import migrations

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "trustcore.db"
BUSY_TIMEOUT_S = 30


def default_path() -> Path:
    """The database file: ``$TRUSTCORE_DB`` or ``data/trustcore.db``."""
    return Path(os.environ.get("TRUSTCORE_DB") or DEFAULT_PATH)


def connect(path: str | Path) -> Database:
    """A new connection with foreign keys on and a busy timeout (usable from any one thread)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed transaction's integrity
    return Database(conn)


# the open unit of this thread: (file, its connection, whether it is a snapshot, what it remembers)
_unit: ContextVar[tuple[str, Database, bool, dict] | None] = ContextVar("trustcore_db_unit", default=None)
_here = threading.local()  # per thread: how many connections it took (a unit, or a call outside one)


def _use() -> None:
    _here.used = getattr(_here, "used", 0) + 1


def used_here() -> int:
    """How many connections this thread has taken so far (``used``, for one thread: one script run's)."""
    return getattr(_here, "used", 0)


def remembered(path: str | Path) -> dict | None:
    """What the open unit on ``path`` remembers until its next write (None outside a unit).

    ``Store.authorise`` keeps the actor a token resolved to here, so a page rerun resolves each token
    once; ``write`` empties it when it commits, so nothing read before a write is used after it."""
    unit = _unit.get()
    return unit[3] if unit is not None and unit[0] == str(path) else None


def _current(path: str | Path) -> tuple[Database, bool] | None:
    """The open unit's (connection, in a snapshot) when it is on ``path``."""
    unit = _unit.get()
    if unit is not None and unit[0] == str(path):
        return unit[1], unit[2]
    return None


@contextlib.contextmanager
def unit(path: str | Path, *, snapshot: bool = False) -> Iterator[Database]:
    """One connection for everything inside the block on this thread (nested units reuse the outer one)."""
    current = _current(path)
    if current is not None:
        yield current[0]
        return
    db = _take(path)
    _use()
    token = _unit.set((str(path), db, snapshot, {}))
    try:
        if snapshot:
            db.execute("BEGIN")  # deferred: the first read takes the snapshot every later read shares
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        yield db
    finally:
        _unit.reset(token)
        _give(path, db)


# Units borrow their connection from a small pool per file: one thread at a time uses each connection
# (a unit is one thread's), and opening one per page rerun (connect, pragmas, close) cost more than the
# rerun's queries.
POOL_IDLE = 8
_pool: dict[str, list[Database]] = {}


def _take(path: str | Path) -> Database:
    with _readers_lock:
        idle = _pool.get(str(path))
        if idle:
            return idle.pop()
    return connect(path)


def _give(path: str | Path, db: Database) -> None:
    if db.conn.in_transaction:
        db.conn.rollback()
    with _readers_lock:
        idle = _pool.setdefault(str(path), [])
        if len(idle) < POOL_IDLE:
            idle.append(db)
            return
    db.close()


_readers: dict[str, tuple[sqlite3.Connection, threading.Lock]] = {}
_readers_lock = threading.Lock()


def _reader(path: str | Path) -> tuple[sqlite3.Connection, threading.Lock]:
    key = str(path)
    with _readers_lock:
        if key not in _readers:
            conn = sqlite3.connect(key, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.row_factory = sqlite3.Row
            _readers[key] = (conn, threading.Lock())
        return _readers[key]


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an ``INSERT`` just made."""
    if cursor.lastrowid is None:
        raise RuntimeError("no row was inserted")
    return cursor.lastrowid


def query_one(path: str | Path, sql: str, args=()) -> dict | None:
    """One row of a small read, for what every open tab polls (a change marker, a round's state).

    Inside a unit it uses the unit's connection. Elsewhere it uses one read-only connection per file
    that the whole process shares under a lock (the query takes microseconds; opening a connection for
    each poll cost more than the query): a hundred tabs polling every two seconds open no connection."""
    current = _current(path)
    if current is not None:
        cur = current[0].conn.execute(sql, list(args))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row is not None else None
    conn, lock = _reader(path)
    _use()
    with lock:
        row = conn.execute(sql, list(args)).fetchone()
    return dict(row) if row is not None else None


def snapshot(path: str | Path):
    """A unit whose reads all see one committed state (see the module docstring)."""
    return unit(path, snapshot=True)


@contextlib.contextmanager
def connection(path: str | Path) -> Iterator[Database]:
    """A connection for one unit of work, closed afterwards (the open unit's connection, if any)."""
    current = _current(path)
    if current is not None:
        yield current[0]
        return
    db = connect(path)
    _use()
    try:
        yield db
    finally:
        db.close()


_writers: dict[str, tuple[Database, threading.Lock]] = {}


def _writer(path: str | Path) -> tuple[Database, threading.Lock]:
    key = str(path)
    with _readers_lock:
        if key not in _writers:
            _writers[key] = (connect(key), threading.Lock())
        return _writers[key]


@contextlib.contextmanager
def write(path: str | Path) -> Iterator[Database]:
    """A write transaction taken with ``BEGIN IMMEDIATE``: waits (busy timeout) instead of failing.

    Commits when the block ends, rolls back on any exception. Inside a snapshot it is refused: a write
    there would either fail or see stale data.

    Writers of one process queue on a lock per file before ``BEGIN IMMEDIATE``: a hundred people
    submitting in the same second then wait their turn on the lock and are woken as soon as it is free,
    instead of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) between tries.
    Outside a unit they also share one connection, so a write opens none. Other processes (the command
    line, another server) still meet the busy timeout."""
    current = _current(path)
    if current is not None and current[1]:
        raise RuntimeError("a write inside db.snapshot(): take the snapshot after writing, or write outside it")
    shared, lock = _writer(path)
    if current is None:
        _use()
    with lock:
        db = current[0] if current is not None else shared
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
    memory = remembered(path)
    if memory is not None:
        memory.clear()


def close_shared() -> None:
    """Close the connections the process shares (readers and writer), e.g. before deleting the file."""
    with _readers_lock:
        for conn, _ in _readers.values():
            conn.close()
        _readers.clear()
        for db, lock in _writers.values():
            with lock:
                db.close()
        _writers.clear()
        for idle in _pool.values():
            for db in idle:
                db.close()
        _pool.clear()


def initialise(path: str | Path, *, stop_before: str | None = None) -> None:
    """Create the file's folder, switch to WAL and apply pending migrations (idempotent).

    Migrations run in one ``BEGIN IMMEDIATE`` transaction (so concurrent first starts wait for each
    other) with foreign keys off, as SQLite requires for rebuilding tables that others reference
    (``table.transform``); ``PRAGMA foreign_key_check`` must then pass before the commit.
    ``stop_before`` names a migration not to apply yet, nor any after it (tests of upgrades).
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    with connection(path) as db:
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("BEGIN IMMEDIATE")  # migrations nest inside as savepoints
        try:
            migrations.apply(db, stop_before=stop_before)
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"a migration left rows with broken foreign keys: {broken[:5]}")
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()


def backup(source: str | Path, target: str | Path) -> None:
    """A consistent copy of a live database through SQLite's online backup API."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists already; choose a new file name")
    with connection(source) as db:
        dest = sqlite3.connect(str(target))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
