"""Shared fixtures for the core tests: a fresh store per test and a ready two-party session."""

from __future__ import annotations

import pytest

from trustcore.store import Store


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
