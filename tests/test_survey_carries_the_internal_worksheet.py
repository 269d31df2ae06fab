"""The stakeholder survey of a session linked to an organisation workspace can carry that workspace's internal
worksheet (Activity 2), beside the relationship worksheet: the facilitator chooses it; the stakeholder sees
only its fields marked shareable, never an internal one (not on the page, not in the printable download,
not in what an answer records, not in the survey answers' downloads)."""

from __future__ import annotations

import json

import pytest

from trustcore import documents
from trustcore import internal_worksheet as iw
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, NotAllowedNow
from trustcore.followup import survey_documents
from trustcore.followup.survey import feedback, new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry

RELATIONSHIP_STEP = "We send the partner our access log every month"
ORG_STEP = "Every department keeps a register of the data it shares <i>"
ORG_INTERNAL = "INTERNAL: the register of Sales is missing since May"
INTERNAL = survey_documents.INTERNAL


@pytest.fixture
def world(store, created):
    """A session linked to a workspace (Alpha is the organisation), whose worksheet has a shareable step and an
    internal evidence on privacy; the relationship worksheet a step of Alpha's; a survey link."""
    s, fac = created.session, created.facilitator_token
    org = ws.create_workspace(store, "Alpha organisation")
    wview = store.open_workspace(org.workspace.id, org.token)
    ws.link_session(store.open(s.code, fac), wview, s.parties[0].id)
    iw.set_entry(wview, "privacy", "B", ORG_STEP)
    iw.set_entry(wview, "privacy", "C", ORG_INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), "privacy", s.parties[0].id, "B", RELATIONSHIP_STEP)
    link = new_survey_link(store.open(s.code, fac))
    return store, s, fac, link, wview


def _texts(docs, kind):
    doc = next(d for d in docs if d.kind == kind)
    return [(el.element_id, e.party, e.column, e.text) for el in doc.elements for e in el.entries]


def test_a_survey_shows_the_internal_worksheet_only_once_the_facilitator_chooses_it(world):
    store, s, fac, link, wview = world
    assert [d.kind for d in survey_documents.shared(store.open(s.code, link))] == [survey_documents.WORKSHEET]
    survey_documents.choose(store.open(s.code, fac), ["B", "C"], kind=INTERNAL)
    shown = survey_documents.shared(store.open(s.code, link))
    assert [d.kind for d in shown] == [survey_documents.WORKSHEET, INTERNAL]  # beside the relationship's
    assert _texts(shown, INTERNAL) == [("privacy", "Alpha", "B", ORG_STEP)]  # under the organisation's party
    assert _texts(shown, survey_documents.WORKSHEET) == [("privacy", "Alpha", "B", RELATIONSHIP_STEP)]
    assert ORG_INTERNAL not in repr(shown)
    assert shown == survey_documents.shared(store.open(s.code, fac))  # the preview is what they see


def test_the_stakeholder_never_gets_an_internal_field_in_the_page_its_download_or_the_answers(world):
    store, s, fac, link, wview = world
    survey_documents.choose(store.open(s.code, fac), ["B", "C"], kind=INTERNAL)
    [printable] = documents.offered(store.open(s.code, link))
    page = printable.build().decode()
    assert "Organisation-wide worksheet" in page and "&lt;i&gt;" in page and "<i>" not in page  # autoescaped
    assert ORG_INTERNAL not in page and "the register of Sales" not in page
    assert "from its organisation-wide worksheet" in survey_documents.intro(
        s, survey_documents.shared(store.open(s.code, link))
    )
    submit_feedback(store.open(s.code, link), "Ann", {"privacy": {"trust": 4}})
    for doc in documents.offered(store.open(s.code, fac)):  # the facilitator's downloads of the answers too
        assert ORG_INTERNAL.encode() not in doc.build(), doc.key


def test_an_answer_records_the_versions_of_the_organisations_fields_its_page_showed(world):
    store, s, fac, link, wview = world
    survey_documents.choose(store.open(s.code, fac), ["B", "C"], kind=INTERNAL)
    drawn = survey_documents.shared(store.open(s.code, link))
    iw.set_entry(wview, "privacy", "B", "Reworded", expected_version=1)  # reworded after the page was drawn
    shown = {"privacy": survey_documents.version(drawn, "privacy")}
    submit_feedback(store.open(s.code, link), "Ann", {"privacy": {"trust": 4}}, shown=shown)
    submit_feedback(store.open(s.code, link), "Bob", {"privacy": {"trust": 2}})  # no page: what it shows now
    ann, bob = feedback(store.open(s.code, fac))
    assert json.loads(ann.shown)[1] == {
        "kind": INTERNAL,
        "columns": ["B", "C"],
        "entries": [["privacy", "Alpha", "B", 1]],
    }
    assert json.loads(bob.shown)[1]["entries"] == [["privacy", "Alpha", "B", 2]]


def test_a_field_marked_internal_later_leaves_the_survey(world):
    store, s, fac, link, wview = world
    survey_documents.choose(store.open(s.code, fac), ["B"], kind=INTERNAL)
    iw.set_entry(wview, "privacy", "B", ORG_STEP, internal=True, expected_version=1)
    assert _texts(survey_documents.shared(store.open(s.code, link)), INTERNAL) == []


def test_choosing_keeps_the_other_documents_choice_and_no_column_leaves_it_out(world):
    store, s, fac, link, wview = world
    survey_documents.choose(store.open(s.code, fac), ["C"], kind=INTERNAL)
    survey_documents.choose(store.open(s.code, fac), ["B"])  # the relationship worksheet's columns
    assert survey_documents.chosen(store.open(s.code, fac)) == (
        survey_documents.Shown(survey_documents.WORKSHEET, ("B",)),
        survey_documents.Shown(INTERNAL, ("C",)),
    )
    survey_documents.choose(store.open(s.code, fac), [], kind=INTERNAL)
    assert [d.kind for d in survey_documents.shared(store.open(s.code, link))] == [survey_documents.WORKSHEET]
    with pytest.raises(AccessDenied):
        survey_documents.choose(store.open(s.code, link), ["B"], kind=INTERNAL)


def test_an_unlinked_session_cannot_choose_it_and_stops_showing_it(world, store):
    store, s, fac, link, wview = world
    survey_documents.choose(store.open(s.code, fac), ["B"], kind=INTERNAL)
    ws.unlink_session(store.open(s.code, fac))
    assert [d.kind for d in survey_documents.shared(store.open(s.code, link))] == [survey_documents.WORKSHEET]
    with pytest.raises(NotAllowedNow, match="Link this session"):
        survey_documents.choose(store.open(s.code, fac), ["B"], kind=INTERNAL)
