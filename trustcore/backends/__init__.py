"""The storage backends: everything that differs between SQLite and PostgreSQL.

``trustcore.db`` is the one entry point the rest of the core uses: units of work, snapshots, write
transactions, migrations, backups. It hands each call to the backend its target names (a SQLite file, or a
``postgresql://`` URL). The SQL the core writes is the subset both backends run unchanged: ``?``
placeholders, ``INSERT … RETURNING id``, ``ON CONFLICT … DO UPDATE``, no SQLite- or PostgreSQL-only
functions. What a backend adds is how it connects, pools, starts a write transaction, takes a snapshot,
lists its tables, runs the migrations and backs up.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol


class Backend(Protocol):
    """What ``trustcore.db`` needs from a database engine."""

    dialect: str  # "sqlite" or "postgresql"
    target: str
    integrity_errors: tuple[type[Exception], ...]

    def take(self) -> Any:
        """A connection for one unit of work (from a pool), in autocommit mode."""

    def give(self, conn: Any) -> None:
        """Hand a connection back (rolling back anything left open)."""

    def single(self) -> Any:
        """A context manager: a connection for one call outside any unit."""

    def begin_snapshot(self, conn: Any) -> None:
        """Start a read-only transaction on ``conn`` whose reads all see one committed state."""

    def transaction(self, conn: Any | None) -> Any:
        """A context manager: a write transaction (on ``conn``, or on a connection of its own), serialised
        with every other writer of the database, committed at the end and rolled back on an exception."""

    def query_shared(self, sql: str, args: list) -> dict | None:
        """One row of a tiny read outside any unit (what every open tab polls)."""

    def initialise(self, *, stop_before: str | None = None) -> None:
        """Create the database's schema and apply pending migrations (idempotent)."""

    def tables(self, conn: Any) -> list[str]:
        """The application's tables (not the engine's nor the migrations' own), sorted by name."""

    def after_import(self, conn: Any, tables: list[str]) -> None:
        """After rows were inserted with their own ids: make new ids follow on from them."""

    def schema(self, conn: Any) -> dict[str, tuple[dict[str, dict], list[tuple], tuple[str, ...]]]:
        """See ``trustcore.db.schema``."""

    def applied_migrations(self, conn: Any) -> list[str]:
        """The migrations applied, in order."""

    def defer_references(self, conn: Any) -> None:
        """Check foreign keys at the end of this transaction only."""

    def broken_reference(self, conn: Any) -> tuple[str, str] | None:
        """(table, parent) of a row whose foreign key points nowhere, or None."""

    def first_free_id(self, conn: Any, table: str, column: str) -> int:
        """The lowest id above every id the table ever gave."""

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the live database."""

    def close(self) -> None:
        """Close every connection this process holds to the database."""


def is_postgres(target: str | Path) -> bool:
    """Whether a database target names PostgreSQL (a ``postgresql://`` or ``postgres://`` URL)."""
    return str(target).startswith(("postgresql://", "postgres://"))


_backends: dict[str, Backend] = {}
_lock = threading.Lock()


def for_target(target: str | Path) -> Backend:
    """The backend of ``target`` (one per target and process, so its pool and locks are shared)."""
    key = str(target)
    with _lock:
        found = _backends.get(key)
        if found is None:
            if is_postgres(key):
                from .postgres import PostgresBackend

                found = PostgresBackend(key)
            else:
                from .sqlite import SQLiteBackend

                found = SQLiteBackend(key)
            _backends[key] = found
        return found


def close_all() -> None:
    """Close every backend's connections (``db.close_shared``)."""
    with _lock:
        backends = list(_backends.values())
        _backends.clear()
    for backend in backends:
        backend.close()
