"""The stakeholder survey shows what it asks about (issue 25, part 1): under each element, the steps
(Column B) and evidence (Column C) of the relationship's worksheet that may leave the organisation, never an
entry marked internal; the facilitator may leave a column out; each answer records which versions of the
entries its page showed; the worksheet shared with the survey downloads as a print-ready HTML page."""

from __future__ import annotations

import json

import pytest

from trustcore import audience, documents
from trustcore import db as dbmod
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.followup import survey_documents
from trustcore.followup.survey import feedback, new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.store import Store

STEP = "We publish a data protection impact assessment"
EVIDENCE = "The DPIA is on our website <b>bold?</b>"
INTERNAL = "INTERNAL: the DPIA is two years late"


@pytest.fixture
def world(store, created):
    """Alpha's shareable steps and internal evidence on privacy; Beta's shareable evidence; a survey link."""
    s, fac = created.session, created.facilitator_token
    alpha, beta = (p.id for p in s.parties)
    set_worksheet_entry(store.open(s.code, fac), "privacy", alpha, "B", STEP)
    set_worksheet_entry(store.open(s.code, fac), "privacy", alpha, "C", INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), "privacy", beta, "C", EVIDENCE)
    link = new_survey_link(store.open(s.code, fac))
    return store, s, fac, link


def _privacy(docs):
    [worksheet] = docs
    element = worksheet.element("privacy")
    assert element is not None
    return [(e.party, e.column, e.text) for e in element.entries]


def test_the_stakeholder_sees_the_shareable_steps_and_evidence_and_never_an_internal_entry(world):
    store, s, fac, link = world
    shown = survey_documents.shared(store.open(s.code, link))
    assert _privacy(shown) == [("Alpha", "B", STEP), ("Beta", "C", EVIDENCE)]
    assert INTERNAL not in repr(shown)
    assert shown[0].columns == ("B", "C")  # by default the survey shows both columns


def test_the_facilitators_preview_is_exactly_what_the_stakeholder_sees(world):
    store, s, fac, link = world
    assert survey_documents.shared(store.open(s.code, fac)) == survey_documents.shared(store.open(s.code, link))


def test_the_stakeholder_reads_as_its_own_reader_class():
    reader = audience.stakeholder()
    assert reader.reader is audience.Reader.STAKEHOLDER
    assert reader.shareable and not reader.participant_names and not reader.other_names and not reader.session_code

    class Entry:
        internal = True

    assert not reader.shows_entry(Entry())


def test_the_facilitator_may_leave_a_column_out_and_the_choice_is_stored(world):
    store, s, fac, link = world
    survey_documents.choose(store.open(s.code, fac), ["B"])
    shown = survey_documents.shared(store.open(s.code, link))
    assert shown[0].columns == ("B",) and _privacy(shown) == [("Alpha", "B", STEP)]
    assert survey_documents.chosen(store.open(s.code, link)) == (survey_documents.Shown("worksheet", ("B",)),)
    page = survey_documents.html(store.open(s.code, link))
    assert "Beta" not in page and "DPIA is on our website" not in page and STEP in page
    survey_documents.choose(store.open(s.code, fac), [])
    shown = survey_documents.shared(store.open(s.code, link))
    assert shown[0].columns == () and _privacy(shown) == []
    with pytest.raises(InvalidInput):
        survey_documents.choose(store.open(s.code, fac), ["E"])
    with pytest.raises(AccessDenied):
        survey_documents.choose(store.open(s.code, link), ["B", "C"])


def test_each_answer_records_the_versions_of_the_entries_its_page_showed(world):
    store, s, fac, link = world
    alpha = s.parties[0].id
    drawn = survey_documents.shared(store.open(s.code, link))  # the page is drawn...
    set_worksheet_entry(store.open(s.code, fac), "privacy", alpha, "B", "Reworded steps", expected_version=1)
    shown = {eid: survey_documents.version(drawn, eid) for eid in ("privacy", None)}
    submit_feedback(store.open(s.code, link), "Ann", {"privacy": {"trust": 4}}, shown=shown)  # ...then sent
    submit_feedback(store.open(s.code, link), "Bob", {"privacy": {"trust": 2}, None: {"trust": 3}})  # no page
    ann, bob, bob_overall = feedback(store.open(s.code, fac))
    [recorded] = json.loads(ann.shown)
    assert recorded == {
        "kind": "worksheet",
        "columns": ["B", "C"],
        "entries": [["privacy", "Alpha", "B", 1], ["privacy", "Beta", "C", 1]],
    }
    assert json.loads(bob.shown)[0]["entries"] == [["privacy", "Alpha", "B", 2], ["privacy", "Beta", "C", 1]]
    assert json.loads(bob_overall.shown)[0]["entries"] == [["privacy", "Alpha", "B", 2], ["privacy", "Beta", "C", 1]]


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        "[]" + " " * survey_documents.VERSION_MAX,
        '[{"kind": "worksheet", "columns": ["B"], "entries": [["privacy", "Nobody", "B", 1]]}]',
        7,
    ],
)
def test_an_unreadable_record_of_what_was_shown_stores_nothing(world, bad):
    store, s, fac, link = world
    with pytest.raises(InvalidInput):
        submit_feedback(store.open(s.code, link), "Ann", {"privacy": {"trust": 4}}, shown={"privacy": bad})
    assert feedback(store.open(s.code, fac)) == []


def test_the_shared_worksheet_downloads_from_the_survey_as_a_shareable_printable_page(world):
    store, s, fac, link = world
    offered = documents.offered(store.open(s.code, link))
    assert [d.key for d in offered] == ["survey-worksheet"] and offered[0].shareable
    page = offered[0].build().decode()
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert STEP in page and "&lt;b&gt;bold?&lt;/b&gt;" in page and "<b>bold?" not in page  # autoescaped
    assert INTERNAL not in page and s.code not in page.lower()
    assert "survey-worksheet" in {d.key for d in documents.offered(store.open(s.code, fac))}


def test_a_participant_is_not_offered_the_survey_worksheet(world):
    store, s, fac, link = world
    pat = store.join(s.code, s.parties[0].id, "Pat").token
    with pytest.raises(AccessDenied):
        survey_documents.shared(store.open(s.code, pat))


@pytest.mark.sqlite_only
def test_m011_keeps_earlier_answers_and_earlier_surveys_show_the_default(tmp_path):
    path = tmp_path / "old.db"
    dbmod.initialise(path, stop_before="m011_survey_documents")
    store = Store(path)
    made = store.create_session("Old", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    with dbmod.write(path) as db:
        db.execute(
            "INSERT INTO feedback (session_id, respondent, element_id, trust, comment, submitted_at)"
            " VALUES (?, 'Ann', 'privacy', 4, '', '2026-01-01T00:00:00Z')",
            [made.session.id],
        )
    store.initialise()
    [answer] = feedback(store.open(code, fac))
    assert (answer.respondent, answer.trust, answer.shown) == ("Ann", 4, "")
    assert survey_documents.chosen(store.open(code, fac)) == survey_documents.DEFAULT
