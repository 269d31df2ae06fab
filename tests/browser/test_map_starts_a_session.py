"""Activity 4 in Chromium: an organisation workspace's data ecosystem map of four actors and five flows is
drawn on its tab (as the facilitator projects it), and a relationship on it starts a session filled in with
the two organisations and their flows, whose console then opens."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import ecosystem, links
from trustcore import workspace as ws

from .helpers import eventually, open_app, shot, wait_idle


def test_a_map_of_four_actors_and_five_flows_starts_a_session_from_a_relationship(server, store, new_page):
    org = ws.create_workspace(store, "CityBus")
    wview = store.open_workspace(org.workspace.id, org.token)
    bus = ecosystem.add_actor(wview, "CityBus", "organisation", role="steward")
    council = ecosystem.add_actor(wview, "City Council", "organisation", role="reuser")
    riders = ecosystem.add_actor(wview, "Riders", "people", role="beneficiary")
    portal = ecosystem.add_actor(wview, "Open data portal", "technology", role="contributor")
    ecosystem.add_flow(wview, bus.id, council.id, "data", label="timetables")
    ecosystem.add_flow(wview, council.id, bus.id, "money", label="subsidy")
    ecosystem.add_flow(wview, bus.id, riders.id, "services", label="buses")
    ecosystem.add_flow(wview, bus.id, portal.id, "data", label="live positions")
    ecosystem.add_flow(wview, portal.id, riders.id, "insights", label="journey planner")

    page = new_page(width=1280, height=800)
    open_app(page, links.workspace_link(server.url, org.workspace.id, org.token))
    page.get_by_role("tab", name="Ecosystem map (Activity 4)").click()
    wait_idle(page)
    diagram = page.locator("[data-testid='stImage'] img").first
    expect(diagram).to_be_visible()
    assert "data ecosystem map" in (diagram.get_attribute("alt") or "") or "5 flows" in (
        diagram.get_attribute("alt") or ""
    )
    diagram.scroll_into_view_if_needed()
    page.screenshot(path=str(_shots() / "40-ecosystem-map-projected.png"))
    shot(page, "41-ecosystem-map-tab")

    page.get_by_role("button", name="Start a session from this relationship").click()
    wait_idle(page)
    expect(page.get_by_text("Your facilitator link is shown only now")).to_be_visible()
    [linked] = eventually(lambda: ws.linked_sessions(wview))
    assert linked.party == "CityBus"
    page.get_by_role("button", name="Open the facilitator console").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="CityBus and City Council")).to_be_visible()
    expect(page.get_by_text("CityBus ↔ City Council")).to_be_visible()
    page.get_by_text("Flows between the organisations").click()
    expect(page.get_by_text("CityBus → City Council: data (timetables)")).to_be_visible()
    expect(page.get_by_text("City Council → CityBus: money (subsidy)")).to_be_visible()
    assert f"session={linked.code}" in page.url and "admin=" in page.url
    shot(page, "42-session-started-from-the-map")


def _shots():
    from .conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
