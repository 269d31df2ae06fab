"""Removing and moving participants: only the facilitator; a removed participant leaves the comparison and
the exports, the event log says so, and their personal link says it was removed; a move takes the
rankings along. Runs on both backends (the ``store`` fixture)."""

from __future__ import annotations

import pytest

from trustcore import export
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.people import move_participant, remove_participant
from trustcore.results import round_results
from trustcore.store import DENIED, REMOVED


@pytest.fixture
def room(store, created):
    code = created.session.code
    ids = list(created.session.catalogue.ids)
    alpha, beta = created.session.parties
    ann = store.join(code, alpha.id, "Ann")
    dup = store.join(code, alpha.id, "Ann again")  # a duplicate join
    bob = store.join(code, beta.id, "Bob")
    for person, order in ((ann, ids), (dup, ids[::-1]), (bob, ids[1:] + ids[:1])):
        store.submit(code, person.token, order, round_number=1)
    return store, created, ann, dup, bob


def test_a_removed_participant_leaves_the_comparison_and_the_exports(room):
    store, created, ann, dup, bob = room
    code, fac = created.session.code, created.facilitator_token
    remove_participant(store.open(code, fac), dup.participant.id)
    names = [p.participant.name for p in store._progress(code).participants]
    assert names == ["Ann", "Bob"]
    rankings = store._rankings(code)
    assert {r.participant for r in rankings} == {"Ann", "Bob"}
    store.reveal(code, fac, round_number=1)
    res = round_results(store._session(code), rankings, 1)
    assert res.party_orders["Alpha"] == store._my_ranking(ann.participant, 1).order  # Ann alone, now
    csv = export.results_csv(store._session(code), store.visible_rankings(code, fac)).decode("utf-8-sig")
    assert "Ann again" not in csv and "Ann" in csv
    removed = [e for e in store.events(code, fac) if e.action == "participant_removed"]
    assert removed and removed[0].detail == {"participant": dup.participant.id, "party": "Alpha"}
    assert "Ann again" not in str(removed[0].detail)  # the log keeps that it happened, not the name


def test_a_removed_personal_link_says_so(room):
    store, created, _, dup, _ = room
    code = created.session.code
    remove_participant(store.open(code, created.facilitator_token), dup.participant.id)
    with pytest.raises(AccessDenied) as info:
        store.participant(code, dup.token)
    assert str(info.value) == REMOVED
    with pytest.raises(AccessDenied) as info:
        store.submit(code, dup.token, list(created.session.catalogue.ids), round_number=1)
    assert str(info.value) == REMOVED
    with pytest.raises(AccessDenied) as info:  # a token that never existed still gets the one message
        store.participant(code, "A" * 24)
    assert str(info.value) == DENIED


def test_removing_twice_gets_a_clear_message(room):
    store, created, _, dup, _ = room
    remove_participant(store.open(created.session.code, created.facilitator_token), dup.participant.id)
    with pytest.raises(InvalidInput, match="no longer in this session"):
        remove_participant(store.open(created.session.code, created.facilitator_token), dup.participant.id)


def test_a_move_takes_the_rankings_to_the_new_party(room):
    store, created, ann, dup, bob = room
    code, fac = created.session.code, created.facilitator_token
    beta = created.session.parties[1]
    move_participant(store.open(code, fac), dup.participant.id, beta.id)
    moved = {r.participant: r.party for r in store._rankings(code)}
    assert moved == {"Ann": "Alpha", "Ann again": "Beta", "Bob": "Beta"}
    assert store.participant(code, dup.token).party == "Beta"  # their link still works, in the new party
    with pytest.raises(InvalidInput, match="parties"):
        move_participant(store.open(code, fac), dup.participant.id, 99999)
    actions = [e.action for e in store.events(code, fac)]
    assert actions[-1] == "participant_moved"


def test_only_the_facilitator_removes_or_moves(room):
    store, created, ann, dup, bob = room
    code = created.session.code
    with pytest.raises(AccessDenied):
        remove_participant(store.open(code, ann.token), dup.participant.id)
    with pytest.raises(AccessDenied):
        move_participant(store.open(code, bob.token), ann.participant.id, created.session.parties[1].id)
    assert len(store._progress(code).participants) == 3
