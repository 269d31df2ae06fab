"""The facilitator removes many people at once: a ticked list, or everyone who joined in the last N minutes (a
flood of fake joiners), in one write with the right to remove people, logged once. Core tests on both backends
(the ``store`` fixture), and the console's People section through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import every_row, raw
from streamlit.testing.v1 import AppTest

from trustcore import clock
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.people import joined_within, remove_participants
from trustcore.store import REMOVED

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _joined_ago(store, participant_id: int, minutes: int) -> None:
    with raw(store) as conn:
        conn.execute("UPDATE participants SET joined_at = ? WHERE id = ?", [clock.later(-60 * minutes), participant_id])
        conn.commit()


@pytest.fixture
def room(store, created):
    code = created.session.code
    alpha, beta = created.session.parties
    ann = store.join(code, alpha.id, "Ann")
    bob = store.join(code, beta.id, "Bob")
    ids = list(created.session.catalogue.ids)
    for person in (ann, bob):
        store.submit(code, person.token, ids, round_number=1)
    _joined_ago(store, ann.participant.id, 90)
    _joined_ago(store, bob.participant.id, 60)
    flood = [store.join(code, (alpha, beta)[i % 2].id, f"Bot {i}") for i in range(5)]
    for bot in flood[:2]:
        store.submit(code, bot.token, ids[::-1], round_number=1)
    return store, created, ann, bob, flood


def test_everyone_who_joined_in_the_last_minutes_is_removed_in_one_write(room):
    store, created, ann, bob, flood = room
    code, fac = created.session.code, created.facilitator_token
    session, removed = remove_participants(store.open(code, fac), joined_within_minutes=30)
    assert removed == 5
    assert {p.participant.name for p in store._progress(code).participants} == {"Ann", "Bob"}
    assert {r.participant for r in store._rankings(code)} == {"Ann", "Bob"}  # the flood's rankings went too
    for bot in flood:
        with pytest.raises(AccessDenied) as info:
            store.participant(code, bot.token)
        assert str(info.value) == REMOVED
    logged = [e for e in store.events(code, fac) if e.action == "participants_removed"]
    assert len(logged) == 1 and logged[0].actor == "facilitator"
    assert logged[0].detail == {
        "participants": [b.participant.id for b in flood],
        "parties": ["Alpha", "Beta", "Alpha", "Beta", "Alpha"],
        "joined_within_minutes": 30,
    }
    assert "Bot" not in str(logged[0].detail)  # ids and parties, not names


def test_a_ticked_list_is_removed_and_people_already_gone_are_skipped(room):
    store, created, ann, bob, flood = room
    code, fac = created.session.code, created.facilitator_token
    view = store.open(code, fac)
    _, removed = remove_participants(view, [bob.participant.id, flood[0].participant.id])
    assert removed == 2
    _, removed = remove_participants(view, [bob.participant.id, str(flood[1].participant.id)])  # Bob is gone
    assert removed == 1
    before = every_row(store)
    assert remove_participants(view, [bob.participant.id])[1] == 0  # nobody left to remove: nothing written
    assert every_row(store) == before
    names = {p.participant.name for p in store._progress(code).participants}
    assert names == {"Ann", "Bot 2", "Bot 3", "Bot 4"}


def test_only_the_facilitator_removes_people_and_the_request_must_say_whom(room):
    store, created, ann, bob, flood = room
    code, fac = created.session.code, created.facilitator_token
    before = every_row(store)
    for token in (None, ann.token):
        with pytest.raises(AccessDenied):
            remove_participants(store.open(code, token), joined_within_minutes=30)
    view = store.open(code, fac)
    for kwargs, message in (
        ({}, "Choose whom to remove"),
        ({"participant_ids": [1], "joined_within_minutes": 5}, "Choose whom to remove"),
        ({"participant_ids": []}, "Tick the people to remove first."),
        ({"participant_ids": ["x"]}, "no longer in this session"),
        ({"participant_ids": "12"}, "no longer in this session"),
        ({"joined_within_minutes": 0}, "between 1 and 1440"),
        ({"joined_within_minutes": "ten"}, "whole number"),
    ):
        with pytest.raises(InvalidInput, match=message):
            remove_participants(view, **kwargs)
    assert every_row(store) == before


def test_joined_within_says_who_the_minutes_would_remove(room):
    store, created, ann, bob, flood = room
    people = [
        p.participant for p in store.facilitator_progress(created.session.code, created.facilitator_token).participants
    ]
    assert {p.name for p in joined_within(people, 30)} == {f"Bot {i}" for i in range(5)}
    assert {p.name for p in joined_within(people, 75)} == {"Bob"} | {f"Bot {i}" for i in range(5)}


@pytest.fixture
def app_store(backend_store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    return backend_store


def _console(code: str, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"] = code
    at.query_params["admin"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_console_removes_a_ticked_list(app_store):
    store = app_store
    made = store.create_session("Bulk", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    people = [store.join(code, made.session.parties[i % 2].id, f"P{i}") for i in range(4)]
    at = _console(code, fac)
    assert _button(at, "Remove these people").disabled  # nobody ticked, nothing confirmed
    at.multiselect(key="people_bulk_ticked").select(people[1].participant.id).select(people[3].participant.id)
    at.run()
    assert _button(at, "Remove these people").disabled  # not confirmed yet
    at.checkbox(key="people_bulk_sure").check().run()
    _button(at, "Remove these people").click().run()
    assert not at.exception, at.exception
    assert {p.participant.name for p in store._progress(code).participants} == {"P0", "P2"}
    assert "Removed 2 people, with their rankings." in [s.value.replace("\\", "") for s in at.success]


def test_the_console_removes_everyone_who_joined_in_the_last_minutes(app_store):
    store = app_store
    made = store.create_session("Bulk", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    early = store.join(code, made.session.parties[0].id, "Early")
    _joined_ago(store, early.participant.id, 45)
    for i in range(3):
        store.join(code, made.session.parties[1].id, f"Bot *{i}*")
    at = _console(code, fac)
    at.radio(key="people_bulk_how").set_value("minutes").run()
    at.number_input(key="people_bulk_minutes").set_value(15).run()
    shown = "\n".join(c.value for c in at.caption)
    assert "Right now that is 3 of 4: Bot \\*0\\*" in shown  # names shown as text, not markdown
    at.checkbox(key="people_bulk_sure").check().run()
    _button(at, "Remove these people").click().run()
    assert not at.exception, at.exception
    assert [p.participant.name for p in store._progress(code).participants] == ["Early"]
    assert "Removed 3 people, with their rankings." in [s.value.replace("\\", "") for s in at.success]
