"""The facilitator console's round buttons act on the round the page drew: a click in a second window that
still shows an earlier round is refused with a message, and the page then shows the round that is current."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def store(backend_store, monkeypatch):
    """The conftest's store, on each backend, as the database the app opens (``$TRUSTCORE_DB``)."""
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    return backend_store


def console(code: str, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"], at.query_params["admin"] = code, token
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("second", ["Open next round", "Reveal results", "Lock round"])
def test_a_second_window_still_on_round_1_is_refused_once_round_2_is_open(store, created, second):
    code, token = created.session.code, created.facilitator_token
    first_window, second_window = console(code, token), console(code, token)
    click(first_window, "Open next round")
    click(second_window, second)
    session = store._session(code)
    assert session.current_round == 2
    assert [r.status for r in session.rounds] == ["locked", "open"]
    warned = [w.value for w in second_window.warning]
    assert any("Round 2 was already opened from another window" in str(w) for w in warned), warned
