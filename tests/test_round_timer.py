"""The round timer: started, extended and stopped by the facilitator only; the time left by the server's
clock; a timer that locks refuses rankings from zero on, one that does not only says time is up.
Runs on both backends (the ``store`` fixture)."""

from __future__ import annotations

import pytest

from trustcore import clock
from trustcore.errors import AccessDenied, InvalidInput, NotAllowedNow
from trustcore.model import RoundStatus
from trustcore.round_timer import describe, extend_timer, start_timer, stop_timer


@pytest.fixture
def room(store, created):
    ann = store.join(created.session.code, created.session.parties[0].id, "Ann")
    return store, created.session.code, created.facilitator_token, ann


def _at(monkeypatch, seconds: float) -> None:
    """Move this server's clock ``seconds`` into the future."""
    moved = clock.later(seconds)
    monkeypatch.setattr(clock, "now", lambda: moved)


def test_a_timer_that_locks_refuses_rankings_from_zero_on(room, monkeypatch):
    store, code, fac, ann = room
    ids = list(store._session(code).catalogue.ids)
    session = start_timer(store.open(code, fac), 300, lock_at_zero=True, round_number=1)
    assert 298 <= session.round.seconds_left() <= 300 and session.round.timer_locks
    store.submit(code, ann.token, ids, round_number=1)  # in time
    _at(monkeypatch, 301)
    assert store._current_round(code).shown[:2] == (1, RoundStatus.LOCKED)
    assert store._current_round(code).seconds_left() == 0
    with pytest.raises(NotAllowedNow):
        store.submit(code, ann.token, ids[::-1], round_number=1)
    assert list(store._my_ranking(ann.participant, 1).order) == ids  # the ranking given in time stays


def test_a_timer_that_does_not_lock_only_says_time_is_up(room, monkeypatch):
    store, code, fac, ann = room
    start_timer(store.open(code, fac), 60, round_number=1)
    _at(monkeypatch, 61)
    rnd = store._current_round(code)
    assert rnd.status is RoundStatus.OPEN and rnd.time_is_up
    assert describe(rnd.seconds_left(), locks=rnd.timer_locks) == "Time is up: submit your ranking now."
    store.submit(code, ann.token, list(store._session(code).catalogue.ids), round_number=1)


def test_extend_and_stop(room, monkeypatch):
    store, code, fac, ann = room
    start_timer(store.open(code, fac), 120, lock_at_zero=True, round_number=1)
    ends = store._current_round(code).timer_ends_at
    extended = extend_timer(store.open(code, fac), 60, round_number=1)
    assert extended.round.timer_ends_at == clock.later(60, ends)
    stopped = stop_timer(store.open(code, fac), round_number=1)
    assert stopped.round.timer_ends_at is None and stopped.round.status is RoundStatus.OPEN
    with pytest.raises(NotAllowedNow):
        extend_timer(store.open(code, fac), 60, round_number=1)  # nothing to extend
    actions = [e.action for e in store.events(code, fac)]
    assert actions[-3:] == ["timer_started", "timer_extended", "timer_stopped"]


def test_stopping_a_timer_that_locked_the_round_keeps_the_lock(room, monkeypatch):
    store, code, fac, ann = room
    start_timer(store.open(code, fac), 30, lock_at_zero=True, round_number=1)
    ends = store._current_round(code).timer_ends_at
    _at(monkeypatch, 31)
    session = stop_timer(store.open(code, fac), round_number=1)
    assert session.round.status is RoundStatus.LOCKED and session.round.locked_at == ends
    session = store.unlock(
        code, fac, round_number=1
    )  # and unlocking opens it for good (no timer left to lock it again)
    assert session.round.status is RoundStatus.OPEN and session.round.timer_ends_at is None


def test_unlocking_a_round_the_timer_locked_clears_the_timer(room, monkeypatch):
    store, code, fac, ann = room
    start_timer(store.open(code, fac), 10, lock_at_zero=True, round_number=1)
    _at(monkeypatch, 11)
    assert store._current_round(code).status is RoundStatus.LOCKED
    assert store.unlock(code, fac, round_number=1).round.status is RoundStatus.OPEN
    store.submit(code, ann.token, list(store._session(code).catalogue.ids), round_number=1)


@pytest.mark.parametrize("seconds", [-60, 0, 0.2, 4 * 3600, float("nan"), float("inf"), "soon", None])
def test_nonsense_is_refused(room, seconds):
    store, code, fac, _ = room
    with pytest.raises(InvalidInput):
        start_timer(store.open(code, fac), seconds, round_number=1)
    assert store._current_round(code).timer_ends_at is None


def test_only_the_facilitator_runs_the_timer_and_only_in_an_open_round(room):
    store, code, fac, ann = room
    with pytest.raises(AccessDenied):
        start_timer(store.open(code, ann.token), 60, round_number=1)
    with pytest.raises(AccessDenied):
        start_timer(store.open(code, "x" * 24), 60, round_number=1)
    store.lock(code, fac, round_number=1)
    with pytest.raises(NotAllowedNow):
        start_timer(store.open(code, fac), 60, round_number=1)


def test_describe_says_minutes_and_seconds():
    assert describe(245, locks=False) == "4:05 left"
    assert describe(59, locks=True) == "0:59 left (the round locks at zero)"
    assert describe(0, locks=True) == "Time is up: the round is locked."
    assert describe(None, locks=False) == ""
