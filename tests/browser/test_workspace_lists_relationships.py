"""The organisation workspace lists its relationships: two partners, each with its sessions and how agreement
changed, and Column E across them, open and overdue steps first (done ones behind a filter). The sessions,
rankings and next steps are set up through the core: this test is about what the workspace page shows."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import workspace as ws
from trustcore.followup.next_steps import add_next_step

from .helpers import open_app, shot, wait_idle


def _linked(store, wview, title, partner, second_order):
    """A revealed session of Acme and ``partner``, linked to the workspace (Acme is the organisation)."""
    made = store.create_session(title, ["Acme", partner], our_org="Acme", partner_org=partner)
    code, fac = made.session.code, made.facilitator_token
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    ids = list(made.session.catalogue.ids)
    for party, order in zip(made.session.parties, (ids, second_order(ids))):
        store.submit(code, store.join(code, party.id, f"Someone of {party.name}").token, order, round_number=1)
    store.lock(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    return store.open(code, fac), made.session.parties[1].id


def test_the_workspace_lists_two_relationships_with_their_sessions_and_open_next_steps(server, store, new_page):
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    then, bus = _linked(store, wview, "CityBus review 2026", "CityBus", lambda ids: ids[::-1])
    now, bus_now = _linked(store, wview, "CityBus review 2027", "CityBus", lambda ids: ids[2:] + ids[:2])
    water, board = _linked(store, wview, "Water Board data sharing", "Water Board", lambda ids: ids[1:] + ids[:1])
    add_next_step(
        then, "privacy", "Publish the data protection impact assessment", owner_party_id=bus, due="2026-01-31"
    )
    add_next_step(now, "quality", "Agree a data quality report every quarter", owner_party_id=bus_now, due="Q3 2099")
    add_next_step(water, "privacy", "Share the access logs monthly", owner_party_id=board, due="31/12/2099")
    add_next_step(water, "quality", "Sign the data sharing agreement", due="2026-01-01", status="done")

    page = new_page()
    open_app(page, f"{server.url}/?workspace={org.workspace.id}&org={org.token}")
    page.get_by_role("tab", name="Relationships").click()
    wait_idle(page)
    panel = page.get_by_role("tabpanel", name="Relationships")
    expect(panel.get_by_role("heading", name="CityBus")).to_be_visible()
    expect(panel.get_by_role("heading", name="Water Board")).to_be_visible()

    # each relationship: its sessions, oldest first, with the agreement of each revealed round
    bus_block = (
        panel.locator("[data-testid='stVerticalBlock']")
        .filter(has=page.get_by_role("heading", name="CityBus"))
        .filter(has_not=page.get_by_role("heading", name="Water Board"))
        .last  # the innermost: the relationship's own box
    )
    rows = [r.strip() for r in bus_block.locator("table tbody tr").all_inner_texts()]
    assert len(rows) == 2 and "CityBus review 2026" in rows[0] and "CityBus review 2027" in rows[1]
    assert all("Kendall τ-b" in r for r in rows)
    expect(bus_block.get_by_text("2 sessions")).to_be_visible()
    expect(bus_block.get_by_text("agreement went from", exact=False)).to_be_visible()  # the chart in words
    expect(bus_block.locator(".js-plotly-plot")).to_be_visible()

    # Column E across relationships: open and overdue steps, not the done one
    steps = panel.locator("table").last
    overdue = steps.locator("tbody tr").filter(has_text="Publish the data protection impact assessment")
    expect(overdue).to_contain_text("overdue")  # its date is past and it is not done
    expect(steps).to_contain_text("Agree a data quality report every quarter")
    expect(steps).to_contain_text("Share the access logs monthly")
    expect(steps).not_to_contain_text("Sign the data sharing agreement")
    expect(panel.get_by_text("Overdue: 1 · Open: 2 · Done: 1")).to_be_visible()
    shot(page, "workspace-relationships")

    panel.get_by_role("button", name="Done", exact=True).click()  # the filter: now done ones too
    wait_idle(page)
    expect(panel.locator("table").last).to_contain_text("Sign the data sharing agreement")
