"""The survey page and the console's preview of it (AppTest): the stakeholder sees each element's shareable
steps and evidence, never an internal entry; the facilitator previews the same and may leave a column out."""

from __future__ import annotations

import json

import pytest
from test_pages import run, texts

from trustcore.followup import survey_documents
from trustcore.followup.survey import feedback, new_survey_link
from trustcore.followup.worksheet_entries import set_worksheet_entry

STEP = "We publish a data protection impact assessment"
EVIDENCE = "The DPIA is on our website **not bold**"
INTERNAL = "INTERNAL: the DPIA is two years late"


@pytest.fixture
def store(backend_store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    return backend_store


@pytest.fixture
def world(store):
    made = store.create_session("Bus data", ["CityBus", "Council"], our_org="CityBus", partner_org="Council")
    s, fac = made.session, made.facilitator_token
    city, council = (p.id for p in s.parties)
    set_worksheet_entry(store.open(s.code, fac), "privacy", city, "B", STEP)
    set_worksheet_entry(store.open(s.code, fac), "privacy", city, "C", INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), "privacy", council, "C", EVIDENCE)
    return store, s, fac, new_survey_link(store.open(s.code, fac))


def test_the_survey_page_shows_each_elements_shareable_steps_and_evidence_and_records_what_it_showed(world):
    store, s, fac, link = world
    at = run(session=s.code, survey=link)
    shown = texts(at)
    assert f"CityBus: {STEP}" in shown and f"Council: {EVIDENCE}" in shown  # as text: the ** stay
    assert INTERNAL not in shown
    assert [b.proto.label for b in at.get("download_button")] == ["Worksheet shared with the survey (printable)"]
    set_worksheet_entry(store.open(s.code, fac), "privacy", s.parties[0].id, "B", "Reworded", expected_version=1)
    at.radio(key="privacy:trust").set_value(4)
    next(b for b in at.button if b.label == "Send my answers").click().run()
    assert not at.exception, at.exception
    [answer] = feedback(store.open(s.code, fac))
    entries = json.loads(answer.shown)[0]["entries"]  # the version on screen when Send was pressed
    assert entries == [["privacy", "CityBus", "B", 1], ["privacy", "Council", "C", 1]]


def test_the_console_previews_what_the_survey_shows_and_may_leave_a_column_out(world):
    store, s, fac, link = world
    at = run(session=s.code, admin=fac)
    at.session_state["survey_preview"] = True  # open the preview
    at.run()
    assert not at.exception, at.exception
    preview = texts(at)
    assert f"CityBus: {STEP}" in preview and f"Council: {EVIDENCE}" in preview and INTERNAL not in preview
    at.checkbox(key="survey_show:C:BC").uncheck().run()
    assert not at.exception, at.exception
    assert survey_documents.chosen(store.open(s.code, fac))[0].columns == ("B",)
    assert EVIDENCE not in texts(at) and f"CityBus: {STEP}" in texts(at)
    stakeholder = texts(run(session=s.code, survey=link))
    assert f"CityBus: {STEP}" in stakeholder and EVIDENCE not in stakeholder


def test_the_survey_page_offers_the_worksheet_in_the_readers_language(world):
    store, s, fac, link = world
    at = run(session=s.code, survey=link, lang="fr")
    assert [b.proto.label for b in at.get("download_button")] == ["Grille partagée avec l'enquête (imprimable)"]
