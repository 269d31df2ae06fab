"""Writes that depend on what the page showed say so, and are refused when that has changed: a ranking made
on one round's page never lands in the next round, and an organisation-wide ranking saved from an older
version never overwrites someone else's newer one."""

from __future__ import annotations

import pytest
from conftest import count, ranked_before

from trustcore.errors import EditConflict, InvalidInput, NotAllowedNow, RoundChanged
from trustcore.followup.baselines import baseline_records, baselines, set_baseline
from trustcore.store import Store


@pytest.fixture
def room(store, created):
    s = created.session
    ann = store.join(s.code, s.parties[0].id, "Ann")
    return s.code, created.facilitator_token, ann, list(s.catalogue.ids)


def test_a_ranking_for_round_1_sent_after_round_2_opened_is_refused_and_stores_nothing(store, room):
    code, fac, ann, ids = room
    store.next_round(code, fac, round_number=1)
    before = count(store, "SELECT count(*) FROM rankings")
    with pytest.raises(RoundChanged) as refused:
        store.submit(code, ann.token, ids[::-1], round_number=1)
    assert str(refused.value) == (
        "Round 1 has closed and round 2 is open: your ranking was not saved. The page now shows round 2."
    )
    assert isinstance(refused.value, NotAllowedNow)
    assert count(store, "SELECT count(*) FROM rankings") == before == 0
    assert store._my_ranking(ann.participant, 2) is None
    assert store._my_ranking(ann.participant, 1) is None
    assert [e.action for e in store.events(code, fac)].count("ranking_submitted") == 0


def test_a_ranking_for_the_round_on_the_page_is_stored_and_a_double_click_writes_nothing(store, room):
    code, fac, ann, ids = room
    store.next_round(code, fac, round_number=1)
    first = store.submit(code, ann.token, ids, round_number=2)
    again = store.submit(code, ann.token, ids, round_number=2)
    assert (first.ranking.round, first.unchanged, again.unchanged) == (2, False, True)
    assert count(store, "SELECT count(*) FROM rankings") == 1


def test_a_ranking_for_round_1_is_refused_once_round_2_opened_and_locked(store, room):
    code, fac, ann, ids = room
    store.submit(code, ann.token, ids, round_number=1)
    store.next_round(code, fac, round_number=1)
    store.lock(code, fac, round_number=2)
    with pytest.raises(RoundChanged, match="^Round 1 has closed: your ranking was not saved"):
        store.submit(code, ann.token, ids[::-1], round_number=1)
    assert store._my_ranking(ann.participant, 1).order == tuple(ids)  # round 1 keeps what was stored there
    assert store._my_ranking(ann.participant, 2) is None


def test_a_ranking_for_a_round_not_open_yet_is_refused(store, room):
    code, _, ann, ids = room
    with pytest.raises(RoundChanged, match="^Round 2 is not open"):
        store.submit(code, ann.token, ids, round_number=2)
    assert count(store, "SELECT count(*) FROM rankings") == 0


@pytest.mark.parametrize("bad", ["1", None, True, 1.0])
def test_the_round_of_a_ranking_must_be_a_whole_number(store, room, bad):
    code, _, ann, ids = room
    with pytest.raises(InvalidInput):
        store.submit(code, ann.token, ids, round_number=bad)


# ---------------------------------------------------------------- organisation-wide rankings


@pytest.fixture
def party_room(store, created):
    s = created.session
    ann = store.join(s.code, s.parties[0].id, "Ann")
    amy = store.join(s.code, s.parties[0].id, "Amy")
    return s.code, created.facilitator_token, ann.token, amy.token, s.parties[0].id, list(s.catalogue.ids)


def test_an_organisation_wide_ranking_saved_from_a_stale_version_is_refused_and_the_newer_one_kept(store, party_room):
    code, fac, ann, amy, alpha, ids = party_room
    first = set_baseline(store.open(code, ann), alpha, ids)
    assert first.version == 1
    # Amy's page showed version 1; Ann saves again first, then Amy saves from version 1
    newer = set_baseline(store.open(code, ann), alpha, ids[::-1], expected_version=1)
    assert newer.version == 2
    with pytest.raises(EditConflict) as refused:
        set_baseline(store.open(code, amy), alpha, ids[1:] + ids[:1], expected_version=1)
    assert str(refused.value) == (
        "Someone else saved Alpha's organisation-wide ranking while you were ranking it; your order was not saved."
    )
    assert refused.value.current == newer
    assert baselines(store.open(code, fac)) == {"Alpha": tuple(ids[::-1])}
    assert baseline_records(store.open(code, fac))["Alpha"].version == 2
    assert [e.action for e in store.events(code, fac)][-2:] == ["baseline_set", "baseline_replaced"]


def test_a_first_organisation_wide_ranking_is_refused_when_someone_saved_one_meanwhile(store, party_room):
    code, fac, ann, amy, alpha, ids = party_room
    set_baseline(store.open(code, ann), alpha, ids)  # Amy's page showed none (expected_version None)
    with pytest.raises(EditConflict):
        set_baseline(store.open(code, amy), alpha, ids[::-1])
    assert baselines(store.open(code, fac)) == {"Alpha": tuple(ids)}


def test_saving_the_stored_organisation_wide_ranking_again_changes_nothing(store, party_room):
    code, fac, ann, amy, alpha, ids = party_room
    saved = set_baseline(store.open(code, ann), alpha, ids)
    events = len(store.events(code, fac))
    assert set_baseline(store.open(code, amy), alpha, ids) == saved  # the same order: no conflict, no write
    assert len(store.events(code, fac)) == events


def test_a_baseline_from_before_versions_reads_as_version_1_and_saves_from_it(tmp_path):
    old, made, _ = ranked_before(tmp_path / "old.db", "m009_baseline_versions")
    code, fac, ids = made.session.code, made.facilitator_token, list(made.session.catalogue.ids)
    set_baseline(old.open(code, fac), made.session.parties[0].id, ids)  # written without a version column
    store = Store(tmp_path / "old.db").initialise()
    assert baseline_records(store.open(code, fac))["A"].version == 1
    assert set_baseline(store.open(code, fac), made.session.parties[0].id, ids[::-1], expected_version=1).version == 2
