"""Round actions name the round the facilitator's page showed: lock, unlock, reveal, open the next round and
the round timer (start, extend, stop) are refused once another round is current, and write nothing."""

from __future__ import annotations

import pytest
from conftest import every_row

from trustcore import round_timer
from trustcore.errors import InvalidInput, RoundChanged

STALE = (
    "Round 2 was already opened from another window, so round 1 is no longer current: nothing was changed."
    " The page now shows round 2."
)

ACTIONS = {
    "lock": lambda v, n: v.lock(round_number=n),
    "unlock": lambda v, n: v.unlock(round_number=n),
    "reveal": lambda v, n: v.reveal(round_number=n),
    "next_round": lambda v, n: v.next_round(round_number=n),
    "start_timer": lambda v, n: round_timer.start_timer(v, 60, round_number=n),
    "extend_timer": lambda v, n: round_timer.extend_timer(v, 60, round_number=n),
    "stop_timer": lambda v, n: round_timer.stop_timer(v, round_number=n),
}


def _round_2_where(store, created, name: str):
    """A session on round 2, in the state where ``name`` would succeed on round 2; the facilitator's view."""
    view = store.open(created.session.code, created.facilitator_token)
    round_timer.start_timer(view, 120, round_number=1)  # round 1 had a timer too
    view.next_round(round_number=1)
    if name == "unlock":
        view.lock(round_number=2)
    if name in ("extend_timer", "stop_timer"):
        round_timer.start_timer(view, 120, round_number=2)
    return view


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_action_clicked_on_round_1_after_round_2_opened_is_refused_and_writes_nothing(store, created, name):
    view = _round_2_where(store, created, name)
    before = every_row(store)
    with pytest.raises(RoundChanged) as refused:
        ACTIONS[name](view, 1)
    assert str(refused.value) == STALE
    assert every_row(store) == before


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_same_action_on_the_current_round_goes_through(store, created, name):
    view = _round_2_where(store, created, name)
    before = every_row(store)
    session = ACTIONS[name](view, 2)
    assert every_row(store) != before
    assert session.current_round == (3 if name == "next_round" else 2)


def test_a_round_that_does_not_exist_yet_is_refused(store, created):
    view = store.open(created.session.code, created.facilitator_token)
    with pytest.raises(RoundChanged, match="Round 2 is not open yet: nothing was changed"):
        view.next_round(round_number=2)
    assert store._session(created.session.code).current_round == 1


@pytest.mark.parametrize("bad", ["1", 1.0, True, None])
def test_the_round_must_be_a_whole_number(store, created, bad):
    view = store.open(created.session.code, created.facilitator_token)
    with pytest.raises(InvalidInput):
        view.lock(round_number=bad)
