"""Documents that leave the session (the shareable report and workbook, and the worksheet's shareable
view) carry no participant's or respondent's name (unless the session shows names and the facilitator
chooses them), no round the participants may not see yet, no entry marked internal, and no session code
(the code lets anyone join). ``trustcore.audience`` decides what each document may carry."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from trustcore import audience, export, report, workbook
from trustcore import worksheet as worksheet_mod
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.model import Anonymity

PEOPLE = ("Secret Sarah", "Quentin Marlowe", "Ottoline Berwick")  # distinctive, so a substring test means something
RESPONDENT = "Rosalind Featherstone"
INTERNAL = "INTERNAL-ONLY pen test failed"
REASON = "our regulator asks for it first"
ROUND_TWO_REASON = "changed my mind in round two"


def _room(store, setting):
    """Alpha (Sarah, Ottoline) and Beta (Quentin), one revealed round with reasons, an internal worksheet
    entry, a next step owned by Sarah, and a survey answer by a named respondent."""
    made = store.create_session("Shared", ["Alpha", "Beta"], anonymity=setting)
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    tokens = {}
    for i, (name, party) in enumerate(zip(PEOPLE, (0, 1, 0))):
        joined = store.join(s.code, s.parties[party].id, name)
        order = ids if party == 0 else ids[::-1]
        store.submit(s.code, joined.token, order, {order[0]: f"{REASON} ({i})"}, round_number=1)
        tokens[name] = joined.token
    store.reveal(s.code, fac, round_number=1)
    set_worksheet_entry(store.open(s.code, fac), "privacy", s.parties[0].id, "C", INTERNAL, internal=True)
    add_next_step(
        store.open(s.code, fac), "privacy", "Publish the DPIA", owner_party_id=s.parties[0].id, owner_person=PEOPLE[0]
    )
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(store.open(s.code, survey), RESPONDENT, {"privacy": {"trust": 4, "comment": "Clear and honest"}})
    return store._session(s.code), fac, tokens


def _book_text(data: bytes) -> str:
    """Every cell of every sheet, opened with openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)


def _xlsx_bytes(data: bytes) -> str:
    """Every part of the .xlsx file as text (the cells, the shared strings, the properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def _names_in(text: str) -> list[str]:
    return [name for name in (*PEOPLE, RESPONDENT) if name in text]


@pytest.mark.parametrize("setting", list(Anonymity))
def test_shareable_report_and_workbook_name_nobody_and_carry_no_session_code(store, setting):
    s, fac, _ = _room(store, setting)
    page = report.session_report(store.open(s.code, fac), shareable=True)
    book = workbook.session_workbook(store.open(s.code, fac), shareable=True)
    cells = _book_text(book)
    for text in (page, cells, _xlsx_bytes(book)):
        assert _names_in(text) == [], setting
        assert s.code not in text and "session=" not in text  # neither the code nor a link
        assert INTERNAL not in text
    for text in (page, cells):  # what was said is there, said by "Participant N" of a party
        assert f"{REASON} (0)" in text and "Participant 1" in text and "Clear and honest" in text
    assert "Respondent 1" in cells and "Publish the DPIA" in cells


@pytest.mark.parametrize("setting", list(Anonymity))
def test_names_only_when_the_session_shows_them_and_the_facilitator_chooses(store, setting):
    s, fac, tokens = _room(store, setting)
    page = report.session_report(store.open(s.code, fac), shareable=True, names=True)
    book = _book_text(workbook.session_workbook(store.open(s.code, fac), shareable=True, names=True))
    if setting is Anonymity.NAMED:
        assert _names_in(page) == _names_in(book) == [*PEOPLE, RESPONDENT]
    else:
        assert _names_in(page) == _names_in(book) == []
    assert s.code not in page + book
    participant = tokens[PEOPLE[1]]  # a participant cannot put names in a shareable copy
    assert _names_in(report.session_report(store.open(s.code, participant), shareable=True, names=True)) == []
    assert audience.may_include_names(s, facilitator=True) is (setting is Anonymity.NAMED)
    assert not audience.may_include_names(s, facilitator=False)


def test_a_shareable_copy_made_while_round_2_is_open_has_nothing_of_round_2(store):
    s, fac, tokens = _room(store, Anonymity.NAMED)
    store.next_round(s.code, fac, round_number=1)
    ids = list(s.catalogue.ids)
    for token in tokens.values():  # everyone agrees in round 2: a consensus unlike round 1's
        store.submit(s.code, token, ids[3:] + ids[:3], {ids[3]: ROUND_TWO_REASON}, round_number=2)
    full = report.session_report(store.open(s.code, fac), shareable=False)
    assert "consensus (Kemeny) of round 2" in full and ROUND_TWO_REASON in full  # the facilitator's own copy
    page = report.session_report(store.open(s.code, fac), shareable=True)
    book = workbook.session_workbook(store.open(s.code, fac), shareable=True)
    for text in (page, _book_text(book)):
        assert not re.search(r"round 2|round-2", text, re.I), re.search(r".{60}round.2.{60}", text, re.I | re.S)
        assert ROUND_TWO_REASON not in text
        assert "consensus (Kemeny) of round 1" in text
    sheet = worksheet_mod.build(store.open(s.code, fac), shareable=True)
    assert sheet.order_source == "consensus (Kemeny) of round 1"
    assert [r.element_id for r in sheet.rows][:3] != ids[3:6]


def test_the_worksheets_shareable_data_names_no_respondent(store):
    s, fac, tokens = _room(store, Anonymity.NAMED)
    for token in (fac, tokens[PEOPLE[0]]):
        own = worksheet_mod.build(store.open(s.code, token))
        assert RESPONDENT in str(own.rows) and PEOPLE[0] in str(own.rows)  # the page as the reader sees it
        shared = worksheet_mod.build(store.open(s.code, token), shareable=True)
        assert _names_in(str(shared.rows) + str(shared.overall)) == []
        assert INTERNAL not in str(shared.rows)
        assert shared.shareable and "Clear and honest" in str(shared.rows)


def test_a_participants_own_copies_carry_no_session_code(store):
    s, fac, tokens = _room(store, Anonymity.HIDDEN)
    participant = tokens[PEOPLE[1]]
    own = report.session_report(store.open(s.code, participant), shareable=False)
    book = workbook.session_workbook(store.open(s.code, participant))
    assert s.code not in own and s.code not in _xlsx_bytes(book)
    # no participant's name from the rankings ("Participant N"); the typed owner of a next step and the
    # respondent's name, as the next steps and worksheet pages show them to this participant
    assert f"{REASON} (0)" in own and "Participant 1" in own
    assert _names_in(own) == _names_in(_book_text(book)) == [PEOPLE[0], RESPONDENT]
    mine = audience.of(s, facilitator=False)
    rows = export.results_csv(s, store.visible_rankings(s.code, participant), session_code=mine.session_code)
    assert s.code.encode() not in rows and rows.startswith(b"\xef\xbb\xbfsession_code,")  # the column stays
    assert s.code.encode() in export.results_csv(s, store.visible_rankings(s.code, fac))  # the facilitator's
    name = export.file_name(s, "report-shareable", "html", session_code=False)
    assert s.code not in name and name == f"trustcore-{s.created_at[:10]}-report-shareable.html"
    assert s.code in _xlsx_bytes(workbook.session_workbook(store.open(s.code, fac)))  # the full copy keeps it
