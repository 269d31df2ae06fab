"""The database, whichever engine holds it: units of work, snapshots, write transactions, migrations.

A *target* names the database: a SQLite file (the embedded default, ``data/trustcore.db``) or a
``postgresql://user:password@host:port/dbname`` URL. What differs between the two engines lives in
``trustcore/backends/``; everything else in the core calls only this module, and writes SQL both engines
run unchanged (see ``trustcore.backends``).

Never keep a connection across Streamlit reruns: take one for each unit of work. Writers that need
several statements use ``write``: a transaction serialised with every other writer (``BEGIN IMMEDIATE`` on
SQLite, a transaction-scoped advisory lock on PostgreSQL), so a write re-reads what it depends on and sees
every earlier commit.

A *unit of work* can be wider than one call: inside ``with db.unit(target):`` every ``connection`` and
``write`` on that target uses the unit's one connection (a page rerun opens one connection, however many
reads it makes). ``with db.snapshot(target):`` is a unit that also holds one read transaction, so every
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
from typing import Any

from .backends import close_all, for_target, is_postgres

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "trustcore.db"

Target = str | Path


def default_path() -> Target:
    """The database: ``$TRUSTCORE_DB`` (a SQLite file or a PostgreSQL URL) or ``data/trustcore.db``."""
    value = os.environ.get("TRUSTCORE_DB")
    return target_of(value) if value else DEFAULT_PATH


def target_of(value: str | Path) -> Target:
    """A database target from what a person wrote: a PostgreSQL URL as it is, anything else as a file path."""
    return str(value) if is_postgres(value) else Path(value)


def dialect(target: Target) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return for_target(target).dialect


# What SQLite says when the file cannot be used for a while (another process holds it past the busy timeout,
# the disk or its permissions turned read-only, the disk fails): words of its messages, lower case.
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "readonly", "disk i/o", "unable to open")


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unavailable for a while, not that the request was wrong: the
    server stopped or restarted (psycopg's ``OperationalError``, ``AdminShutdown`` among them), the pool
    found no connection in time (``PoolTimeout``), or SQLite's file is locked, read-only or failing.
    Trying the same thing again once the fault ends may succeed; pages say so and retry (``ui/outage.py``).
    Looks through the exception's causes, so a fault re-raised as another exception still counts."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable_here(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unavailable_here(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc).lower()
        return any(words in message for words in _SQLITE_UNAVAILABLE)
    try:
        import psycopg
    except ImportError:  # PostgreSQL's driver is optional; then none of its errors can happen
        return False
    return isinstance(exc, psycopg.OperationalError)  # PoolTimeout, AdminShutdown, a refused connection


def answering(target: Target) -> bool:
    """Whether the database answers a trivial read now (a page that could not load asks before it retries)."""
    try:
        query_one(target, "SELECT 1 AS one")
    except Exception as exc:
        if unavailable(exc):
            return False
        raise
    return True


def integrity_errors(target: Target) -> tuple[type[Exception], ...]:
    """The exceptions the target's engine raises for a broken constraint (unique, foreign key, check)."""
    return for_target(target).integrity_errors


# the open unit of this thread: (target, its connection, whether it is a snapshot, what it remembers)
_unit: ContextVar[tuple[str, Any, bool, dict] | None] = ContextVar("trustcore_db_unit", default=None)
_here = threading.local()  # per thread: how many connections it took (a unit, or a call outside one)


def _use() -> None:
    _here.used = getattr(_here, "used", 0) + 1


def used_here() -> int:
    """How many connections this thread has taken so far (``used``, for one thread: one script run's)."""
    return getattr(_here, "used", 0)


def remembered(target: Target) -> dict | None:
    """What the open unit on ``target`` remembers until its next write (None outside a unit).

    ``Store.authorise`` keeps the actor a token resolved to here, so a page rerun resolves each token
    once; ``write`` empties it when it commits, so nothing read before a write is used after it."""
    unit = _unit.get()
    return unit[3] if unit is not None and unit[0] == str(target) else None


def _current(target: Target) -> tuple[Any, bool] | None:
    """The open unit's (connection, in a snapshot) when it is on ``target``."""
    unit = _unit.get()
    if unit is not None and unit[0] == str(target):
        return unit[1], unit[2]
    return None


@contextlib.contextmanager
def unit(target: Target, *, snapshot: bool = False) -> Iterator[Any]:
    """One connection for everything inside the block on this thread (nested units reuse the outer one)."""
    current = _current(target)
    if current is not None:
        yield current[0]
        return
    backend = for_target(target)
    conn = backend.take()
    _use()
    token = _unit.set((str(target), conn, snapshot, {}))
    try:
        if snapshot:
            backend.begin_snapshot(conn)
        yield conn
    finally:
        _unit.reset(token)
        backend.give(conn)


def snapshot(target: Target):
    """A unit whose reads all see one committed state (see the module docstring)."""
    return unit(target, snapshot=True)


@contextlib.contextmanager
def connection(target: Target) -> Iterator[Any]:
    """A connection for one unit of work (the open unit's connection, if any)."""
    current = _current(target)
    if current is not None:
        yield current[0]
        return
    with for_target(target).single() as conn:
        _use()
        yield conn


def query_one(target: Target, sql: str, args=()) -> dict | None:
    """One row of a small read, for what every open tab polls (a change marker, a round's state).

    Inside a unit it uses the unit's connection. Elsewhere the backend answers it on a connection the
    whole process shares: a hundred tabs polling every two seconds open no connection of their own."""
    current = _current(target)
    if current is not None:
        cur = current[0].execute(sql, list(args))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row is not None else None
    _use()
    return for_target(target).query_shared(sql, list(args))


@contextlib.contextmanager
def write(target: Target) -> Iterator[Any]:
    """A write transaction serialised with every other writer: waits its turn instead of failing.

    Commits when the block ends, rolls back on any exception. Inside a snapshot it is refused: a write
    there would either fail or see stale data."""
    current = _current(target)
    if current is not None and current[1]:
        raise RuntimeError("a write inside db.snapshot(): take the snapshot after writing, or write outside it")
    if current is None:
        _use()
    with for_target(target).transaction(current[0] if current is not None else None) as conn:
        yield conn
    memory = remembered(target)
    if memory is not None:
        memory.clear()


def tables(target: Target, conn: Any) -> list[str]:
    """The application's tables, sorted by name (not the engine's own, nor the migrations' record)."""
    return for_target(target).tables(conn)


def after_import(target: Target, conn: Any, table_names: list[str]) -> None:
    """After rows were copied in with their own ids (an archive's import): new ids follow on from them."""
    for_target(target).after_import(conn, table_names)


def close_shared() -> None:
    """Close the connections the process holds (pools, shared readers and writers), e.g. before deleting
    a database file."""
    close_all()


def initialise(target: Target, *, stop_before: str | None = None) -> None:
    """Create the database (a SQLite file's folder, too) and apply pending migrations (idempotent).

    ``stop_before`` names a migration not to apply yet, nor any after it (tests of upgrades)."""
    for_target(target).initialise(stop_before=stop_before)


def backup(source: Target, target: str | Path) -> None:
    """A consistent copy of a live SQLite database into a new file (PostgreSQL: use ``pg_dump``)."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists already; choose a new file name")
    for_target(source).backup(target)


def insert(conn: Any, sql: str, args=()) -> int:
    """Run one ``INSERT`` and return the new row's id (``RETURNING id``, which both engines run)."""
    row = conn.execute(f"{sql.rstrip()} RETURNING id", list(args)).fetchone()
    if row is None:
        raise RuntimeError("no row was inserted")
    return int(row[0])


# ---- what the session archive needs to read the live schema and copy rows in with their ids


def schema(target: Target, conn: Any) -> dict[str, tuple[dict[str, dict], list[tuple], tuple[str, ...]]]:
    """Each application table: its columns (name -> type, notnull, default, pk: place in the primary key
    or 0), its foreign keys as (key id, place, parent table, column, parent column) and its columns with a
    single-column, non-partial unique index."""
    return for_target(target).schema(conn)


def applied_migrations(target: Target, conn: Any) -> list[str]:
    """The names of the migrations applied to the database, in the order they were applied."""
    return for_target(target).applied_migrations(conn)


def defer_references(target: Target, conn: Any) -> None:
    """In this write transaction, check foreign keys only at the end (rows may come before their parents)."""
    for_target(target).defer_references(conn)


def broken_reference(target: Target, conn: Any) -> tuple[str, str] | None:
    """(table, parent table) of a row whose foreign key points at no row, or None."""
    return for_target(target).broken_reference(conn)


def first_free_id(target: Target, conn: Any, table: str, column: str) -> int:
    """The lowest id above every id the table has ever given (deleted rows' ids included)."""
    return for_target(target).first_free_id(conn, table, column)
