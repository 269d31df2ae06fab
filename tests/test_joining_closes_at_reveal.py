"""Joining ends at the reveal: a share link that travels on (printed in a report, say) makes nobody a
member of a party afterwards, unless the facilitator reopens joining. Both backends (``store``)."""

from __future__ import annotations

import pytest
from conftest import count

from trustcore import joining
from trustcore.errors import NotAllowedNow
from trustcore.followup.next_steps import add_next_step, update_next_step


def _events(store, code, fac):
    return [(e.action, e.detail) for e in store.events(code, fac)]


def test_revealing_closes_joining_so_the_share_link_admits_nobody(store, created):
    code, fac = created.session.code, created.facilitator_token
    council = created.session.parties[1].id
    ann = store.join(code, created.session.parties[0].id, "Ann")
    store.submit(code, ann.token, list(created.session.catalogue.ids), round_number=1)
    assert joining.closed_note(store.open(code, fac)) is None
    revealed = store.reveal(code, fac, round_number=1)
    assert not revealed.joining_open and not store._session(code).joining_open
    assert ("joining_changed", {"open": False, "reason": "reveal"}) in _events(store, code, fac)
    with pytest.raises(NotAllowedNow, match="Joining this session has closed"):
        store.join(code, council, "Outsider")
    assert count(store, "SELECT count(*) FROM participants") == 1  # nothing created
    joining.set_joining(store.open(code, fac), cap=50)  # a new limit does not change why joining is closed
    note = joining.closed_note(store.open(code, fac))
    assert note.startswith("Joining closed when you revealed the results")
    assert "Joining is open" in note and "Save joining" in note  # and how to reopen it


def test_the_facilitator_reopens_joining_to_admit_a_late_joiner(store, created):
    code, fac = created.session.code, created.facilitator_token
    council = created.session.parties[1].id
    store.reveal(code, fac, round_number=1)
    assert joining.set_joining(store.open(code, fac), open=True).joining_open
    assert joining.closed_note(store.open(code, fac)) is None
    late = store.join(code, council, "Late")
    step = add_next_step(store.open(code, late.token), "privacy", "Publish the data map")
    assert update_next_step(store.open(code, late.token), step.id, step.version, agreed_by=[council]).agreed_by == (
        created.session.parties[1].name,
    )
    joining.set_joining(store.open(code, fac), open=False)  # closed by hand: the note does not blame the reveal
    assert joining.closed_note(store.open(code, fac)).startswith("Joining is closed:")
    joining.set_joining(store.open(code, fac), open=True)
    store.next_round(code, fac, round_number=1)
    store.join(code, council, "Round two")  # a new round keeps joining as the facilitator left it
    store.reveal(code, fac, round_number=2)  # ... until its reveal closes it again
    with pytest.raises(NotAllowedNow):
        store.join(code, council, "Too late")
    assert [d for a, d in _events(store, code, fac) if a == "joining_changed"] == [
        {"open": False, "reason": "reveal"},
        {"open": True},
        {"open": False},
        {"open": True},
        {"open": False, "reason": "reveal"},
    ]


def test_revealing_with_joining_closed_already_logs_no_change(store, created):
    code, fac = created.session.code, created.facilitator_token
    joining.set_joining(store.open(code, fac), open=False)
    store.reveal(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    assert [d for a, d in _events(store, code, fac) if a == "joining_changed"] == [{"open": False}]
    assert joining.closed_note(store.open(code, fac)).startswith("Joining is closed:")
