"""Pages say in plain words that the database is not answering, never with Streamlit's error box, and heal
(issue 24 items 1-2): a page whose load failed, a submit that failed, a poll that failed.

The faults are the engines' own exceptions, raised where a page meets them (AppTest runs whole pages: the
fragments' own runs and the timers are the browser tests' part, ``tests/faults/``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from trustcore.store import Store
from trustcore.view import View
from ui import live, outage

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FAULTS = {
    "postgresql": psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    "sqlite": sqlite3.OperationalError("database is locked"),
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(tmp_path / "t.db"))
    return Store(tmp_path / "t.db").initialise()


@pytest.fixture
def joined(store):
    made = store.create_session("Faults", ["Alpha", "Beta"])
    me = store.join(made.session.code, made.session.parties[0].id, "Ada")
    return made, me


def page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def failing(monkeypatch, cls, name: str, exc: BaseException) -> list:
    """Make ``cls.name`` raise ``exc`` until the returned list is emptied (the fault ends)."""
    real = getattr(cls, name)
    on = [True]

    def fails(*args, **kwargs):
        if on:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(cls, name, fails)
    return on


@pytest.mark.parametrize("engine", FAULTS)
def test_a_first_load_that_failed_says_so_and_loads_once_the_database_answers(store, joined, monkeypatch, engine):
    made, me = joined
    fault = failing(monkeypatch, Store, "open", FAULTS[engine])  # before anyone is known
    at = page(session=made.session.code, me=me.token)
    at.run()
    assert not at.exception
    assert warnings(at) == [outage.message()]
    assert at.query_params["me"] == me.token  # the retry still knows whose page it is
    fault.clear()
    at.run()  # what the page's retry does once the database answers
    assert not at.exception and warnings(at) == []
    assert at.button(key="submit_ranking").label == "Submit my ranking"


def test_a_page_that_fails_halfway_says_so_once(store, joined, monkeypatch):
    made, me = joined
    fault = failing(monkeypatch, View, "my_round", FAULTS["postgresql"])  # the submit block's read
    at = page(session=made.session.code, me=me.token)
    at.run()
    assert not at.exception
    assert warnings(at) == [outage.message()]
    fault.clear()
    at.run()
    assert not at.exception and warnings(at) == []


@pytest.mark.parametrize("engine", FAULTS)
def test_a_submit_that_failed_says_not_saved_yet_and_is_stored_by_the_retry(store, joined, monkeypatch, engine):
    made, me = joined
    at = page(session=made.session.code, me=me.token)
    at.run()
    fault = failing(monkeypatch, View, "submit", FAULTS[engine])
    at.button(key="submit_ranking").click().run()
    assert not at.exception
    assert warnings(at) == [outage.message(saved=False)]
    assert "not saved yet" in outage.message(saved=False)
    assert store._my_ranking(store.participant(made.session.code, me.token), 1) is None
    at.run()  # a retry while the fault lasts: still pending, said once
    assert not at.exception and warnings(at) == [outage.message(saved=False)]
    fault.clear()
    at.run()  # the retry the room watcher asks for once the database answers
    assert not at.exception and warnings(at) == []
    assert store._my_ranking(store.participant(made.session.code, me.token), 1) is not None
    assert any("Your ranking is stored" in s.value for s in at.success)


# ---- a poll that failed does not consume the change it was going to show


@pytest.fixture
def poll(monkeypatch):
    """``live.rerun_on_change`` as its own poll runs it (a fragment run), outside Streamlit."""
    reruns: list[str] = []

    def rerun(scope="fragment"):
        reruns.append(scope)

    fake = SimpleNamespace(session_state={}, rerun=rerun, warning=lambda *a, **k: None)
    monkeypatch.setattr(live, "st", fake)
    monkeypatch.setattr(outage, "st", fake)
    monkeypatch.setattr(live.internals, "fragment_run", lambda: True)
    monkeypatch.setattr(live.internals, "this_fragment_id", lambda: "poll")
    marker = {"now": (1, 1)}
    view = SimpleNamespace(change_marker=lambda: marker["now"], session=SimpleNamespace(code="ABC"))
    ctx = SimpleNamespace(view=view, session=view.session)
    return ctx, marker, reruns


def test_a_poll_reruns_the_page_until_a_page_drew_the_change(poll):
    ctx, marker, reruns = poll
    drawn = (1, 1)  # the marker the page read before drawing
    live.rerun_on_change.__wrapped__(ctx, drawn)
    assert reruns == []
    marker["now"] = (1, 2)  # a submission
    live.rerun_on_change.__wrapped__(ctx, drawn)
    assert reruns == ["app"]
    # the page's rerun failed (the database went away mid-run): it drew nothing new, so the next poll
    # of the fragment as it was drawn must rerun the page again, not take the change as shown
    live.rerun_on_change.__wrapped__(ctx, drawn)
    assert reruns == ["app", "app"]
    live.rerun_on_change.__wrapped__(ctx, (1, 2))  # the page drew it
    assert reruns == ["app", "app"]


def test_a_poll_that_cannot_read_says_so_and_asks_for_a_retry(poll, monkeypatch):
    ctx, marker, reruns = poll
    said: list[str] = []
    monkeypatch.setattr(outage, "say", lambda saved=None, where=None: said.append(outage.message(saved)))
    retried: list[str] = []
    monkeypatch.setattr(live, "retry_soon", lambda ctx, wants=live.ROUND: retried.append(wants))

    def down():
        raise FAULTS["postgresql"]

    ctx.view.change_marker = down
    live.rerun_on_change.__wrapped__(ctx, (1, 1))
    assert said == [outage.message()] and retried == [live.MARKER] and reruns == []
