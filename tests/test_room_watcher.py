"""The room watcher (``ui/live.py``): which tabs it reruns, once per change, and when it tries again."""

from __future__ import annotations

import pytest

from ui import live


@pytest.fixture
def watched(store):
    created = store.create_session("Watched", ["Alpha", "Beta"])
    code = created.session.code
    live._watchers.clear()
    yield store, code, created.facilitator_token
    live._watchers.clear()


def _watch(store, code, tab, wants, shows, fragment="f1"):
    live._watchers.setdefault(code, {})[(tab, fragment)] = live._Watch(fragment, store.open(code, None), wants, shows)


def test_only_tabs_that_show_something_else_than_what_is_stored_are_stale(watched):
    store, code, _ = watched
    shown = store._current_round(code).shown
    _watch(store, code, "up-to-date", live.ROUND, shown)
    _watch(store, code, "behind", live.ROUND, (shown[0], "open-long-ago", None))
    _watch(store, code, "marker-ok", live.MARKER, store._change_marker(code), fragment="f2")
    _watch(store, code, "marker-old", live.MARKER, ("old",), fragment="f2")
    assert sorted(live.stale_tabs(code, now=100.0)) == [("behind", "f1"), ("marker-old", "f2")]


def test_a_lock_makes_every_tab_of_the_round_stale_once_then_again_only_after_the_retry_delay(watched):
    store, code, token = watched
    shown = store._current_round(code).shown
    _watch(store, code, "a", live.ROUND, shown)
    _watch(store, code, "b", live.ROUND, shown)
    assert live.stale_tabs(code, now=100.0) == []
    store.lock(code, token, round_number=1)
    assert sorted(live.stale_tabs(code, now=100.0)) == [("a", "f1"), ("b", "f1")]
    assert live.stale_tabs(code, now=100.0 + live.RETRY_SECONDS / 2) == []  # their reruns are on their way
    assert len(live.stale_tabs(code, now=100.0 + live.RETRY_SECONDS)) == 2  # a lost rerun is asked again
    _watch(store, code, "a", live.ROUND, store._current_round(code).shown)  # tab a redrew the locked round
    assert live.stale_tabs(code, now=200.0) == [("b", "f1")]


def test_a_join_changes_the_marker_but_not_the_round(watched):
    store, code, _ = watched
    _watch(store, code, "ranking", live.ROUND, store._current_round(code).shown)
    _watch(store, code, "console-like", live.MARKER, store._change_marker(code), fragment="f2")
    store.join(code, store._session(code).parties[0].id, "Ann")
    assert live.stale_tabs(code, now=100.0) == [("console-like", "f2")]


def test_a_deleted_session_makes_its_tabs_stale_so_they_show_it_is_gone(watched):
    store, code, token = watched
    _watch(store, code, "a", live.ROUND, store._current_round(code).shown)
    store.delete_session(code, token)
    assert live.stale_tabs(code, now=100.0) == [("a", "f1")]


@pytest.fixture
def no_watcher(monkeypatch):
    """No watcher thread in this process as the test starts (whatever ran before in this worker)."""
    monkeypatch.setattr(live, "_thread", None)


def test_without_a_streamlit_runtime_nothing_is_nudged_and_no_watcher_starts(watched, no_watcher):
    store, code, token = watched
    _watch(store, code, "a", live.ROUND, store._current_round(code).shown)
    store.lock(code, token, round_number=1)
    assert live.nudge(code) == 0
    live._start_watching()
    assert live._thread is None


def test_an_apptest_run_starts_no_watcher(no_watcher, monkeypatch):
    """AppTest puts a mock runtime in place during a run: a watcher started then would outlive the test and
    nudge mocks (it made the test above depend on which tests ran before it in the same worker)."""
    from unittest.mock import MagicMock

    from streamlit.runtime import Runtime

    monkeypatch.setattr(Runtime, "_instance", MagicMock(spec=Runtime))
    live._start_watching()
    assert live._thread is None


def test_a_tab_whose_page_is_running_is_left_for_the_next_tick_and_not_counted_as_nudged(watched):
    store, code, token = watched
    shown = store._current_round(code).shown
    _watch(store, code, "running", live.ROUND, shown)
    _watch(store, code, "idle", live.ROUND, shown)
    store.lock(code, token, round_number=1)
    assert live.stale_tabs(code, now=100.0, busy=lambda tab: tab == "running") == [("idle", "f1")]
    assert live.stale_tabs(code, now=100.5) == [("running", "f1")]  # its run ended still drawing the old round
