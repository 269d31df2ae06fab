"""Joining: the facilitator closes and reopens it and sets the cap; a join past either is refused and
creates nothing; a flood of joins stops at the cap. Runs on both backends (the ``store`` fixture)."""

from __future__ import annotations

import pytest
from conftest import count

from trustcore.errors import AccessDenied, InvalidInput, NotAllowedNow
from trustcore.joining import set_joining


def test_closing_joining_refuses_new_people_and_reopening_lets_them_in(store, created):
    code, fac = created.session.code, created.facilitator_token
    party = created.session.parties[0].id
    ann = store.join(code, party, "Ann")
    session = set_joining(store.open(code, fac), open=False)
    assert not session.joining_open
    with pytest.raises(NotAllowedNow, match="Joining this session has closed"):
        store.join(code, party, "Late")
    assert count(store, "SELECT count(*) FROM participants") == 1  # nothing created
    store.submit(code, ann.token, list(created.session.catalogue.ids), round_number=1)  # who joined still ranks
    assert set_joining(store.open(code, fac), open=True).joining_open
    store.join(code, party, "Late")


def test_the_cap_refuses_the_one_too_many(store, created):
    code, fac = created.session.code, created.facilitator_token
    party = created.session.parties[1].id
    assert store._session(code).join_cap == 200  # the default
    set_joining(store.open(code, fac), cap=2)
    store.join(code, party, "One")
    store.join(code, party, "Two")
    with pytest.raises(NotAllowedNow, match="at most 2 participants"):
        store.join(code, party, "Three")
    assert count(store, "SELECT count(*) FROM participants") == 2
    with pytest.raises(InvalidInput, match="2 people have joined"):
        set_joining(store.open(code, fac), cap=1)


@pytest.mark.parametrize("cap", [0, -5, 2001, "many", 2.5e9])
def test_a_nonsense_cap_is_refused(store, created, cap):
    with pytest.raises(InvalidInput):
        set_joining(store.open(created.session.code, created.facilitator_token), cap=cap)
    assert store._session(created.session.code).join_cap == 200


def test_only_the_facilitator_manages_joining(store, created):
    ann = store.join(created.session.code, created.session.parties[0].id, "Ann")
    with pytest.raises(AccessDenied):
        set_joining(store.open(created.session.code, ann.token), open=False)
    assert store._session(created.session.code).joining_open


def test_a_flood_of_joins_stops_at_the_cap(store, created):
    """Thousands of joins from the share link: the cap (200 by default) is all that is ever created, so the
    console and the comparison read at most that many participants."""
    code = created.session.code
    party = created.session.parties[0].id
    refused = 0
    for i in range(1000):
        try:
            store.join(code, party, f"Flood {i}")
        except NotAllowedNow:
            refused += 1
    assert refused == 800
    assert len(store._progress(code).participants) == 200
    events = [e.action for e in store.events(code, created.facilitator_token)]
    assert events.count("joined") == 200  # refused joins log nothing either
