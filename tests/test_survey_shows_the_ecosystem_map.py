"""The stakeholder survey of a session linked to an organisation workspace may show the workspace's data
ecosystem map (survey_documents.MAP): only its shareable actors and flows, never an internal one, and only
when the facilitator chooses it. Both backends."""

from __future__ import annotations

import pytest

from trustcore import ecosystem
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.followup import survey_documents
from trustcore.followup.survey import new_survey_link

WORKSPACES: dict = {}  # database -> the linked workspace's view


@pytest.fixture
def linked(store):
    """A relationship session linked to CityBus's workspace, whose map has an internal actor and flow."""
    made = store.create_session("Bus data", ["CityBus", "Council"], our_org="CityBus", partner_org="Council")
    code, fac = made.session.code, made.facilitator_token
    org = ws.create_workspace(store, "CityBus")
    wview = store.open_workspace(org.workspace.id, org.token)
    bus = ecosystem.add_actor(wview, "CityBus", "organisation")
    council = ecosystem.add_actor(wview, "Council", "organisation")
    secret = ecosystem.add_actor(wview, "Secret Partner Ltd", "organisation", internal=True)
    ecosystem.add_flow(wview, bus.id, council.id, "data", label="timetables")
    ecosystem.add_flow(wview, council.id, bus.id, "money", label="confidential subsidy", internal=True)
    ecosystem.add_flow(wview, bus.id, secret.id, "data", label="ridership")
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    WORKSPACES[str(store.path)] = wview
    return store, code, fac, new_survey_link(store.open(code, fac))


def test_the_survey_shows_the_map_only_once_chosen_and_only_its_shareable_part(linked):
    store, code, fac, link = linked
    assert [d.kind for d in survey_documents.shared(store.open(code, link))] == ["worksheet"]
    survey_documents.choose_map(store.open(code, fac), True)
    docs = survey_documents.shared(store.open(code, link))
    assert [d.kind for d in docs] == ["worksheet", "ecosystem_map"]
    figure, summary = str(docs[1].figure), docs[1].summary
    assert "timetables" in figure and "CityBus → Council: data (timetables)" in summary
    for hidden in ("Secret Partner", "confidential subsidy", "ridership"):
        assert hidden not in figure and hidden not in summary
        assert hidden not in survey_documents.html(store.open(code, link))
    assert "timetables" in survey_documents.html(store.open(code, link))
    assert docs == survey_documents.shared(store.open(code, fac))  # the preview is what they see
    survey_documents.choose(store.open(code, fac), ["B"])  # choosing the worksheet's columns keeps the map
    assert [d.kind for d in survey_documents.shared(store.open(code, link))] == ["worksheet", "ecosystem_map"]
    survey_documents.choose_map(store.open(code, fac), False)
    assert [d.kind for d in survey_documents.shared(store.open(code, link))] == ["worksheet"]


def test_an_answer_beside_the_map_is_recorded_and_an_unlinked_session_stops_showing_it(linked):
    store, code, fac, link = linked
    survey_documents.choose_map(store.open(code, fac), True)
    view = store.open(code, link)
    drawn = survey_documents.shared(view)
    shown = survey_documents.version(drawn, "privacy")
    assert survey_documents.check_version(view.session, shown, field="x") == shown
    ws.unlink_session(store.open(code, fac))
    assert [d.kind for d in survey_documents.shared(store.open(code, link))] == ["worksheet"]


def test_only_the_facilitator_of_a_linked_session_chooses_the_map(linked, store):
    _, code, fac, link = linked
    with pytest.raises(AccessDenied):
        survey_documents.choose_map(store.open(code, link), True)
    other = store.create_session("Unlinked", ["A", "B"])
    with pytest.raises(InvalidInput, match="not linked to an organisation workspace"):
        survey_documents.choose_map(store.open(other.session.code, other.facilitator_token), True)


def test_a_change_of_the_map_is_news_to_every_linked_session_so_no_stale_copy_is_served(linked):
    store, code, fac, _ = linked
    view = store.open(code, fac)
    before = view.change_marker()
    wview = WORKSPACES[str(store.path)]
    ecosystem.add_actor(wview, "Riders", "people")
    assert view.change_marker() != before  # a cached shared worksheet (with the map) is built again
    assert view.events()[-1].action == ecosystem.MAP_CHANGED
