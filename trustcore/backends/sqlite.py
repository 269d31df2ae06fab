"""SQLite, the embedded default: WAL, foreign keys, a busy timeout, ``BEGIN IMMEDIATE`` writers.

Units of work borrow a connection from a small pool per file (opening one per page rerun, with its pragmas,
cost more than the rerun's queries). Writers of one process queue on a lock per file before ``BEGIN
IMMEDIATE``: a hundred people submitting in the same second then wait their turn on the lock and are woken
as soon as it is free, instead of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms)
between tries. Outside a unit they share one connection. Other processes (the command line, another server
on the same file) still meet the busy timeout. Never ``db.atomic()``: it starts a deferred transaction and
fails at once with "database is locked" under concurrent writers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

# How long a writer waits for another process's lock before SQLite says "database is locked" (the fault
# tests set ``$TRUSTCORE_SQLITE_BUSY_S`` to a second, to hold a lock past it without waiting half a minute).
BUSY_TIMEOUT_S = float(os.environ.get("TRUSTCORE_SQLITE_BUSY_S") or 30)
POOL_IDLE = 8


def connect(path: str | Path) -> Database:
    """A new connection with foreign keys on and a busy timeout (usable from any one thread)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed transaction's integrity
    return Database(conn)


class SQLiteBackend:
    dialect = "sqlite"
    integrity_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def __init__(self, target: str):
        self.target = target
        self._lock = threading.Lock()  # guards the pool and the shared connections
        self._idle: list[Database] = []
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()
        self._writer: Database | None = None
        self._write_lock = threading.Lock()  # one writer of this process at a time

    # ---- connections

    def take(self) -> Database:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return connect(self.target)

    def give(self, conn: Database) -> None:
        if conn.conn.in_transaction:
            conn.conn.rollback()
        with self._lock:
            if len(self._idle) < POOL_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    @contextlib.contextmanager
    def single(self) -> Iterator[Database]:
        """A connection of its own for one call, closed afterwards."""
        conn = connect(self.target)
        try:
            yield conn
        finally:
            conn.close()

    def begin_snapshot(self, conn: Database) -> None:
        conn.execute("BEGIN")  # deferred: the first read takes the snapshot every later read shares
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()

    @contextlib.contextmanager
    def transaction(self, conn: Database | None) -> Iterator[Database]:
        with self._write_lock:
            if conn is None:
                if self._writer is None:
                    self._writer = connect(self.target)
                conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.conn.rollback()
                raise
            conn.conn.commit()

    def query_shared(self, sql: str, args: list) -> dict | None:
        """One read-only connection per file, shared by the whole process under a lock: the query takes
        microseconds, and opening a connection for each poll cost more than the query."""
        with self._lock:
            if self._reader is None:
                reader = sqlite3.connect(self.target, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
                reader.execute("PRAGMA query_only = ON")
                reader.row_factory = sqlite3.Row
                self._reader = reader
            reader = self._reader
        with self._reader_lock:
            row = reader.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    # ---- schema and files

    def initialise(self, *, stop_before: str | None = None) -> None:
        """WAL, then the pending migrations in one ``BEGIN IMMEDIATE`` transaction (so concurrent first starts
        wait for each other) with foreign keys off, as SQLite requires for rebuilding tables that others
        reference; ``PRAGMA foreign_key_check`` must then pass before the commit."""
        from ..migrations import migrations

        if self.target != ":memory:":
            Path(self.target).parent.mkdir(parents=True, exist_ok=True)
        db = connect(self.target)
        try:
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
        finally:
            db.close()

    def tables(self, conn: Database) -> list[str]:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        return [r[0] for r in rows if not r[0].startswith(("sqlite_", "_"))]

    def after_import(self, conn: Database, tables: list[str]) -> None:
        """Nothing to do: AUTOINCREMENT continues after the highest id inserted."""

    def schema(self, conn: Database) -> dict[str, tuple[dict[str, dict], list[tuple], tuple[str, ...]]]:
        out = {}
        for name in self.tables(conn):
            quoted = '"' + name.replace('"', '""') + '"'
            cols = {
                col: {"cid": cid, "type": (ctype or "").upper(), "notnull": bool(notnull), "default": default, "pk": pk}
                for cid, col, ctype, notnull, default, pk in conn.execute(f"PRAGMA table_info({quoted})").fetchall()
            }
            fks = [
                (fk_id, seq, parent, src, dst)
                for fk_id, seq, parent, src, dst, *_ in conn.execute(f"PRAGMA foreign_key_list({quoted})").fetchall()
            ]
            unique: list[str] = []
            for _, index, is_unique, _origin, partial in conn.execute(f"PRAGMA index_list({quoted})").fetchall():
                if is_unique and not partial:
                    index_q = '"' + index.replace('"', '""') + '"'
                    icols = [r[2] for r in conn.execute(f"PRAGMA index_info({index_q})").fetchall()]
                    if len(icols) == 1 and icols[0] is not None:
                        unique.append(icols[0])
            out[name] = (cols, fks, tuple(unique))
        return out

    def applied_migrations(self, conn: Database) -> list[str]:
        from ..migrations import migrations

        return [m.name for m in migrations.applied(conn)]

    def defer_references(self, conn: Database) -> None:
        conn.execute("PRAGMA defer_foreign_keys = ON")

    def broken_reference(self, conn: Database) -> tuple[str, str] | None:
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        return (broken[0][0], broken[0][2]) if broken else None

    def first_free_id(self, conn: Database, table: str, column: str) -> int:
        quoted = '"' + table.replace('"', '""') + '"'
        highest = conn.execute(f'SELECT coalesce(max("{column}"), 0) FROM {quoted}').fetchone()[0]
        given = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        return max(highest, given[0] if given else 0) + 1

    def backup(self, target: str | Path) -> None:
        """Through SQLite's online backup API, which copies a consistent state while others write."""
        db = connect(self.target)
        try:
            dest = sqlite3.connect(str(target))
            try:
                db.conn.backup(dest)
            finally:
                dest.close()
        finally:
            db.close()

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                with self._reader_lock:
                    self._reader.close()
                self._reader = None
            for conn in self._idle:
                conn.close()
            self._idle.clear()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
