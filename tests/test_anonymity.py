"""Who sees people's names: names shown, hidden from other participants, or anonymous (trustcore.anonymity)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from conftest import presenter_view

from trustcore import anonymity, export, presenter, report, workbook
from trustcore.errors import InvalidInput
from trustcore.model import Anonymity

NAMES = ("Annwyl Quist", "Bodhi Varga", "Cyrene Oduya")  # distinctive, so a substring test means something


def _room(store, setting):
    """A revealed round: Alpha's Ann and Cy, Beta's Bo, each with a reason; returns (session, fac, tokens)."""
    made = store.create_session("Names", ["Alpha", "Beta"], anonymity=setting)
    s, fac = made.session, made.facilitator_token
    people = {name: store.join(s.code, s.parties[party].id, name) for name, party in zip(NAMES, (0, 1, 0))}
    ids = list(s.catalogue.ids)
    for i, joined in enumerate(people.values()):
        order = ids if i != 1 else ids[::-1]
        store.submit(s.code, joined.token, order, {order[0]: f"reason number {i}"}, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    return store._session(s.code), fac, {n: j.token for n, j in people.items()}


def _csv_people(store, s, token) -> set[str]:
    rows = csv.DictReader(io.StringIO(export.results_csv(s, store.visible_rankings(s.code, token)).decode("utf-8-sig")))
    return {r["participant"] for r in rows}


def _workbook_text(store, s, token) -> str:
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(s.code, token))))
    return " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_setting_is_chosen_at_creation_stored_and_logged(store):
    for setting in Anonymity:
        made = store.create_session("S", ["A", "B"], anonymity=setting.value)
        assert store._session(made.session.code).anonymity is setting
    assert store.create_session("S", ["A", "B"]).session.anonymity is Anonymity.NAMED  # the default
    with pytest.raises(InvalidInput, match="Choose who sees names"):
        store.create_session("S", ["A", "B"], anonymity="secret")


def test_a_session_that_hides_names_cannot_list_members(store):
    for setting in (Anonymity.HIDDEN, Anonymity.ANONYMOUS):
        with pytest.raises(InvalidInput, match="cannot list their members"):
            store.create_session("S", [("A", ["Ann"]), "B"], anonymity=setting)
    assert store.create_session("S", [("A", ["Ann"]), "B"]).session.parties[0].members == ("Ann",)


def test_names_shown_everyone_sees_names(store):
    s, fac, tokens = _room(store, Anonymity.NAMED)
    for token in (fac, tokens[NAMES[1]]):
        assert _csv_people(store, s, token) == set(NAMES)
    assert NAMES[0] in report.session_report(store.open(s.code, tokens[NAMES[1]]), shareable=False)  # their own copy
    shared = report.session_report(store.open(s.code, tokens[NAMES[1]]), shareable=True, names=True)
    assert not [name for name in NAMES if name in shared]  # only the facilitator may put names in a shareable one
    assert NAMES[0] in _workbook_text(store, s, tokens[NAMES[1]])
    assert any(name in " ".join(presenter.screen(presenter_view(store, s.code, fac)).reasons) for name in NAMES)


def test_names_hidden_participants_see_participant_n_and_the_facilitator_sees_names(store):
    s, fac, tokens = _room(store, Anonymity.HIDDEN)
    assert _csv_people(store, s, fac) == set(NAMES)
    assert _csv_people(store, s, tokens[NAMES[1]]) == {"Participant 1", "Participant 2", "Participant 3"}
    masked = {r.participant_id: r.participant for r in store.visible_rankings(s.code, tokens[NAMES[0]])}
    assert [masked[pid] for pid in sorted(masked)] == ["Participant 1", "Participant 2", "Participant 3"]
    for token in tokens.values():  # no participant's download names anyone
        text = _workbook_text(store, s, token) + report.session_report(store.open(s.code, token))
        text += export.results_csv(s, store.visible_rankings(s.code, token)).decode("utf-8-sig")
        assert not [name for name in NAMES if name in text], token
        assert "reason number 0" in text and "Participant 1" in text  # the reasons are there, with who said it
    assert NAMES[0] in _workbook_text(store, s, fac)
    screen_text = " ".join(presenter.screen(presenter_view(store, s.code, fac)).reasons)  # the room's screen: no names
    assert "Participant" in screen_text and not [name for name in NAMES if name in screen_text]


def test_anonymous_asks_no_name_and_nobody_sees_one(store):
    made = store.create_session("Anon", ["Alpha", "Beta"], anonymity=Anonymity.ANONYMOUS)
    s, fac = made.session, made.facilitator_token
    ann = store.join(s.code, s.parties[0].id, NAMES[0])
    bo = store.join(s.code, s.parties[1].id, "")
    assert (ann.participant.name, bo.participant.name) == ("Participant 1", "Participant 2")
    assert NAMES[0] not in str(store.events(s.code, fac))
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], round_number=1)
    store.reveal(s.code, fac, round_number=1)
    assert _csv_people(store, s, fac) == {"Participant 1", "Participant 2"}  # the facilitator too
    assert [p.participant.name for p in store.facilitator_progress(s.code, fac).participants] == [
        "Participant 1",
        "Participant 2",
    ]


@pytest.mark.parametrize(
    "setting, facilitator, expected",
    [
        (Anonymity.NAMED, False, True),
        (Anonymity.NAMED, True, True),
        (Anonymity.HIDDEN, False, False),
        (Anonymity.HIDDEN, True, True),
        (Anonymity.ANONYMOUS, False, True),  # nothing stored to hide: everyone is "Participant N"
        (Anonymity.ANONYMOUS, True, True),
    ],
)
def test_who_sees_stored_names(store, setting, facilitator, expected):
    s = store.create_session("S", ["A", "B"], anonymity=setting).session
    assert anonymity.shows_names(s, facilitator=facilitator) is expected
