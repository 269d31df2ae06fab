"""Shared fixtures and factories for the core tests.

Fixtures: ``store`` (a fresh database per test) and ``created`` (a ready two-party session). Factories,
imported as ``from conftest import raw, count, every_row`` (``tests/`` is on ``sys.path``): a plain
SQLite connection that bypasses the core, a row count, and every row of every table (to check that a
refused call wrote nothing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from trustcore.store import Store


def raw(where: Store | str | Path) -> sqlite3.Connection:
    """A connection of its own to the store's file (rows as ``sqlite3.Row``), outside the core."""
    conn = sqlite3.connect(str(where.path if isinstance(where, Store) else where))
    conn.row_factory = sqlite3.Row
    return conn


def count(where: Store | str | Path, sql: str, args=()) -> int:
    """The first column of the first row of ``sql`` (a ``SELECT count(*)``)."""
    with raw(where) as conn:
        return conn.execute(sql, args).fetchone()[0]


def every_row(where: Store | str | Path) -> dict:
    """Every row of every table, sorted: equal results mean nothing was written."""
    with raw(where) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')) for t in tables}


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "t.db").initialise()


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
