"""Which exceptions mean "the database is not answering for a while" (``db.unavailable``, issue 24), on each
backend, from real faults where a test can make them: pages say so in plain words and retry on these, and
raise everything else as the bug it is."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg_pool
import pytest

from trustcore import db
from trustcore.backends import sqlite as sqlite_backend
from trustcore.errors import NotAllowedNow


def fault(store, monkeypatch, tmp_path) -> BaseException:
    """A real fault of the store's engine: SQLite locked by another connection past the busy timeout;
    PostgreSQL ending the connection (``AdminShutdown``, as when the server stops)."""
    if db.dialect(store.path) == "sqlite":
        monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT_S", 0.2)
        db.close_shared()  # the process's connections are opened again, with the short busy timeout
        holder = sqlite3.connect(str(store.path), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(sqlite3.OperationalError) as caught:
                store.create_session("Locked out", ["A", "B"])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            db.close_shared()
        return caught.value
    with pytest.raises(psycopg.OperationalError) as caught, db.connection(store.path) as conn:
        conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return caught.value


def mistake(store) -> BaseException:
    """A real error that no retry mends: a query on a table that does not exist."""
    with pytest.raises(Exception) as caught, db.connection(store.path) as conn:  # noqa: PT011 - the engine's own
        conn.execute("SELECT * FROM no_such_table").fetchall()
    return caught.value


def test_the_engine_stopping_or_locking_out_a_write_is_unavailable(store, monkeypatch, tmp_path):
    exc = fault(store, monkeypatch, tmp_path)
    assert db.unavailable(exc)
    try:
        raise RuntimeError("while reading the session") from exc
    except RuntimeError as wrapped:
        assert db.unavailable(wrapped)  # a fault re-raised as another exception still counts


def test_a_wrong_query_a_broken_constraint_or_a_refusal_is_not_unavailable(store, created):
    assert not db.unavailable(mistake(store))
    errors = db.integrity_errors(store.path)
    with pytest.raises(errors) as caught, db.write(store.path) as conn:
        conn.execute("INSERT INTO sessions (code) VALUES (?)", [created.session.code])
    assert not db.unavailable(caught.value)
    assert not db.unavailable(NotAllowedNow("The round is locked."))
    assert not db.unavailable(ValueError("database is locked"))  # the words alone are not the fault


def test_the_database_answers_a_probe_when_it_is_up(store):
    assert db.answering(store.path)


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.OperationalError("unable to open database file"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg_pool.PoolTimeout("couldn't get a connection after 5.00 sec"),
        psycopg.OperationalError("connection failed: Connection refused"),
    ],
)
def test_each_fault_the_room_met_is_unavailable(exc):
    assert db.unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("no such table: sessions"),
        sqlite3.OperationalError('near "SELEC": syntax error'),
        sqlite3.IntegrityError("UNIQUE constraint failed: sessions.code"),
        psycopg.errors.UndefinedTable('relation "sessions" does not exist'),
        psycopg.errors.UniqueViolation("duplicate key value"),
        KeyError("database is locked"),
    ],
)
def test_a_mistake_is_not_unavailable(exc):
    assert not db.unavailable(exc)


def test_a_readonly_sqlite_file_refuses_a_write_as_unavailable(tmp_path):
    path = tmp_path / "t.db"
    sqlite3.connect(path).execute("CREATE TABLE t (a)").connection.commit()
    readonly = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        readonly.execute("INSERT INTO t VALUES (1)")
    assert db.unavailable(caught.value)
