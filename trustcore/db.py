"""SQLite access: one connection per unit of work, WAL, foreign keys, busy timeout, migrations.

Never keep a connection across Streamlit reruns: call ``connect`` (or ``session``) for each unit of work.
Writers that need several statements use ``write`` (``BEGIN IMMEDIATE``), never ``db.atomic()``, which
starts a deferred transaction and fails at once with "database is locked" under concurrent writers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
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


@contextlib.contextmanager
def session(path: str | Path) -> Iterator[Database]:
    """A connection for one unit of work, closed afterwards."""
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


@contextlib.contextmanager
def write(path: str | Path) -> Iterator[Database]:
    """A write transaction taken with ``BEGIN IMMEDIATE``: waits (busy timeout) instead of failing.

    Commits when the block ends, rolls back on any exception.
    """
    with session(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()


def initialise(path: str | Path) -> None:
    """Create the file's folder, switch to WAL and apply pending migrations (idempotent).

    Migrations run in one ``BEGIN IMMEDIATE`` transaction (so concurrent first starts wait for each
    other) with foreign keys off, as SQLite requires for rebuilding tables that others reference
    (``table.transform``); ``PRAGMA foreign_key_check`` must then pass before the commit.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    with session(path) as db:
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("BEGIN IMMEDIATE")  # migrations nest inside as savepoints
        try:
            migrations.apply(db)
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
    with session(source) as db:
        dest = sqlite3.connect(str(target))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
