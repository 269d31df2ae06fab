"""Shared fixtures and factories for the core tests.

Fixtures: ``store`` (a fresh database per test, on each backend: SQLite, and PostgreSQL on a throwaway
cluster that ``pg_server`` starts once per test run) and ``created`` (a ready two-party session).
Factories, imported as ``from conftest import raw, count, every_row`` (``tests/`` is on ``sys.path``): a
plain connection that bypasses the core (``?`` placeholders on both backends), a row count, and every row
of every table (to check that a refused call wrote nothing).

A test that checks something only SQLite has (a pragma, its file, its busy handler) is marked
``@pytest.mark.sqlite_only``: its PostgreSQL variant is not collected (it is never a skip).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pg
import pytest

from trustcore.backends import is_postgres
from trustcore.store import Store

BACKENDS = ("sqlite", "postgresql")


class _Row(tuple):
    """A row read by index or by column name, like ``sqlite3.Row``."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self.names)


class _PgRaw:
    """A psycopg connection that takes ``?`` placeholders, as ``raw`` gives on SQLite."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, args=()):
        from trustcore.backends.postgres import _pg

        def rows(cursor):
            names = tuple(c.name for c in cursor.description or ())

            def make(values):
                row = _Row(values)
                row.names = names
                return row

            return make

        cur = self.conn.cursor(row_factory=rows)
        cur.execute(_pg(sql), list(args))
        return cur

    def commit(self):
        pass

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.conn.close()


def _target(where: Store | str | Path) -> str:
    return str(where.path if isinstance(where, Store) else where)


def raw(where: Store | str | Path):
    """A connection of its own to the store's database (rows by index or name), outside the core."""
    target = _target(where)
    if is_postgres(target):
        return _PgRaw(target)
    conn = sqlite3.connect(target)
    conn.row_factory = sqlite3.Row
    return conn


def count(where: Store | str | Path, sql: str, args=()) -> int:
    """The first column of the first row of ``sql`` (a ``SELECT count(*)``)."""
    with raw(where) as conn:
        return conn.execute(sql, args).fetchone()[0]


def presenter_view(store: Store, code: str, facilitator_token: str):
    """The view of a new presenter link of session ``code`` (what the projector's screen reads through)."""
    from trustcore.presenter import new_presenter_link

    return store.open(code, new_presenter_link(store.open(code, facilitator_token)))


def every_row(where: Store | str | Path) -> dict:
    """Every row of every table, sorted: equal results mean nothing was written."""
    with raw(where) as conn:
        if is_postgres(_target(where)):
            listing = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        else:
            listing = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [r[0] for r in conn.execute(listing)]
        return {t: sorted(tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')) for t in tables}


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster for the whole run, with a migrated template database each test copies."""
    from trustcore import db

    with pg.cluster() as server:
        Store(pg.create_database(server, "trustcore_template")).initialise()
        db.close_shared()
        yield server


@pytest.fixture(params=BACKENDS)
def backend_store(request, tmp_path):
    """A fresh, migrated database on each backend (a module that overrides ``store`` may build on it)."""
    if request.param == "sqlite":
        yield Store(tmp_path / "t.db").initialise()
        return
    with pg.scratch_database(request.getfixturevalue("pg_server"), "t", template="trustcore_template") as url:
        yield Store(url)


@pytest.fixture
def store(backend_store):
    return backend_store


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: checks what only SQLite has; not run on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if not (item.get_closest_marker("sqlite_only") and "[postgresql" in item.nodeid)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture
def created(store):
    """A session with two parties ("Alpha", "Beta"); ``created.facilitator_token`` is its facilitator token."""
    return store.create_session("Data sharing review", ["Alpha", "Beta"], our_org="Us", partner_org="Them")


@pytest.fixture(autouse=True)
def _close_shared_connections():
    """Each test's database gets shared connections (``db.query_one``, ``db.write``): close them after it."""
    yield
    from trustcore import db

    db.close_shared()


def tables(where: Store | str | Path) -> list[str]:
    """The application's tables (the engine's own and the migrations' record left out), by name."""
    from trustcore import db

    target = db.target_of(_target(where))
    with db.connection(target) as conn:
        return db.tables(target, conn)


def columns(where: Store | str | Path, table: str) -> list[str]:
    """A table's columns, in order."""
    from trustcore import db

    target = db.target_of(_target(where))
    with db.connection(target) as conn:
        cols = db.schema(target, conn)[table][0]
    return sorted(cols, key=lambda c: cols[c]["cid"])


def positional(sql: str, named: dict) -> tuple[str, list]:
    """``sql`` with its ``:name`` parameters as ``?`` and their values in order (both backends take ``?``)."""
    import re

    values = [named[name] for name in re.findall(r":(\w+)", sql)]
    return re.sub(r":(\w+)", "?", sql), values


def integrity_error(where: Store | str | Path) -> tuple[type[Exception], ...]:
    """What the store's engine raises for a broken constraint."""
    from trustcore import db

    return db.integrity_errors(db.target_of(_target(where)))


def ranked_before(path: Path, migration: str):
    """A SQLite database migrated up to (not including) ``migration``, written by today's store: one session
    ("Old", parties A and B), Ann of B and her submitted ranking (the catalogue reversed).
    Returns (store, created, joined)."""
    from trustcore import db as dbmod

    dbmod.initialise(path, stop_before=migration)
    old = Store(path)
    made = old.create_session("Old", ["A", "B"])
    ann = old.join(made.session.code, made.session.parties[1].id, "Ann")
    old.submit(made.session.code, ann.token, list(made.session.catalogue.ids)[::-1], round_number=1)
    return old, made, ann
