"""``Store.open``: one lookup says who a token makes its holder; the view then checks rights, writes and
takes snapshots without resolving the token again. Runs on both backends (the ``store`` fixture)."""

from __future__ import annotations

import threading

import pytest
from conftest import count

from trustcore import db as dbmod
from trustcore.errors import AccessDenied, NotAllowedNow
from trustcore.model import Role
from trustcore.rights import Action


def test_the_facilitator_link_opens_the_facilitators_view(store, created):
    view = store.open(created.session.code, created.facilitator_token)
    assert view.role is Role.FACILITATOR and view.participant is None
    assert view.session.code == created.session.code
    assert view.require(Action.RUN_ROUNDS).is_facilitator


def test_a_personal_link_opens_that_participants_view_and_no_more(store, created):
    joined = store.join(created.session.code, created.session.parties[0].id, "Ann")
    view = store.open(created.session.code, joined.token)
    assert view.role is Role.PARTICIPANT and view.participant == joined.participant
    view.require(Action.RANK)
    view.require(Action.EDIT_WORKSHEET, party_id=joined.participant.party_id)
    with pytest.raises(AccessDenied):
        view.require(Action.RUN_ROUNDS)
    with pytest.raises(AccessDenied):
        view.require(Action.EDIT_WORKSHEET, party_id=created.session.parties[1].id)  # another party's
    with pytest.raises(NotAllowedNow):
        view.require(Action.SEE_RESULTS)  # blind: not before the reveal


def test_each_of_the_five_links_opens_the_view_of_its_holder(store, created):
    from trustcore.followup.survey import new_survey_link
    from trustcore.presenter import new_presenter_link

    code, admin = created.session.code, created.facilitator_token
    joined = store.join(code, created.session.parties[0].id, "Ann")
    links = {
        admin: Role.FACILITATOR,
        joined.token: Role.PARTICIPANT,
        None: Role.JOINER,  # the share link: the code alone
        new_survey_link(store.open(code, admin)): Role.STAKEHOLDER,
        new_presenter_link(store.open(code, admin)): Role.PRESENTER,
    }
    for token, role in links.items():
        view = store.open(code, token)
        assert view.role is role and view.session.code == code
        assert view.actor.is_facilitator is (role is Role.FACILITATOR)
        view.require(Action.SEE_SESSION)
    for token in (None, *list(links)[2:]):  # the share, survey and presenter links read and write nothing else
        view = store.open(code, token)
        for action in (Action.SEE_PROGRESS, Action.READ_FOLLOWUP, Action.EDIT_NEXT_STEPS, Action.DOWNLOAD):
            with pytest.raises(AccessDenied):
                view.require(action)
        with pytest.raises(AccessDenied):
            view.require(Action.AGREE_FOR_PARTY, party_id=created.session.parties[0].id)


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 300])
def test_anything_else_opens_nothing(store, created, token):
    with pytest.raises(AccessDenied):
        store.open(created.session.code, token)
    with pytest.raises(AccessDenied):
        store.open("nosuchcode", created.facilitator_token)


def test_the_token_is_resolved_once_per_unit_of_work(store, created):
    with dbmod.unit(store.path):
        before = dbmod.used_here()
        view = store.open(created.session.code, created.facilitator_token)
        for _ in range(5):
            assert store.open(created.session.code, created.facilitator_token).actor == view.actor
            view.require(Action.DOWNLOAD)
        assert dbmod.used_here() == before  # all on the unit's one connection


def test_a_write_re_reads_the_session_and_checks_the_right_again(store, created):
    joined = store.join(created.session.code, created.session.parties[0].id, "Ann")
    view = store.open(created.session.code, joined.token)  # opened while the round was open
    store.lock(created.session.code, created.facilitator_token, round_number=1)
    with pytest.raises(NotAllowedNow):
        with view.write(Action.RANK):
            pass
    fac = store.open(created.session.code, created.facilitator_token)
    with fac.write(Action.RUN_ROUNDS) as (db, session):
        assert session.round.locked_at is not None  # the session as stored now, not as opened
        db.execute("UPDATE sessions SET title = ? WHERE id = ?", ["Renamed", session.id])
    assert store._session(created.session.code).title == "Renamed"


def test_a_snapshot_sees_one_state_while_someone_writes(store, created):
    view = store.open(created.session.code, created.facilitator_token)
    with view.snapshot() as db:
        before = db.execute("SELECT count(*) FROM participants").fetchone()[0]
        writer = threading.Thread(target=store.join, args=(created.session.code, created.session.parties[0].id))
        writer.start()
        writer.join(20)
        assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == before
    assert count(store, "SELECT count(*) FROM participants") == before + 1
