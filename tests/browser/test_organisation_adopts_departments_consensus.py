"""Activity 1 end to end: three departments of an organisation rank in a session, its facilitator reveals the
round and adopts the consensus into the organisation workspace from the console, and a relationship session
linked to the workspace (from its console) shows that ranking on Reflect, with nothing to retype."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import links
from trustcore import workspace as ws

from .helpers import eventually, go, open_app, shot, wait_idle


def _paste_and_click(console, field_index: int, link: str, button: str) -> None:
    """Paste the workspace link into the console's form (the ``field_index``th with that field) and submit it."""
    name = "The organisation workspace's link"
    form = console.locator("[data-testid='stForm']").filter(has=console.get_by_role("textbox", name=name))
    form = form.nth(field_index)
    form.get_by_role("textbox", name=name).fill(link)
    form.get_by_role("button", name=button, exact=True).click()
    wait_idle(console)


def test_an_organisation_adopts_its_departments_consensus_and_reflect_shows_it_without_retyping(
    server, store, new_page
):
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    workspace_link = links.workspace_link(server.url, org.workspace.id, org.token)

    # Three departments rank (set up through the core: this test is about what happens next).
    deps = store.create_session("Acme departments", ["Legal", "Data", "Sales"], our_org="Acme")
    code, fac = deps.session.code, deps.facilitator_token
    ids = list(deps.session.catalogue.ids)
    for i, party in enumerate(deps.session.parties):
        person = store.join(code, party.id, f"Head of {party.name}")
        store.submit(code, person.token, ids[i:] + ids[:i], round_number=1)

    # The facilitator reveals the round and adopts its consensus, pasting the workspace link on the console.
    console = new_page()
    open_app(console, f"{server.url}/?session={code}&admin={fac}")
    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)
    adopt = console.locator("[data-testid='stExpander'] details").filter(
        has_text="Adopt this session's consensus as an organisation's ranking"
    )
    adopt.locator("summary").click()
    wait_idle(console)
    _paste_and_click(console, 1, workspace_link, "Adopt the consensus")
    expect(console.get_by_text("Adopted as version 1 of the organisation-wide ranking.")).to_be_visible()
    borda = tuple(store.open(code, fac).results(1).borda)
    adopted = eventually(lambda: ws.current_ranking(wview))
    assert adopted is not None and adopted.order == borda and "Acme departments" in adopted.source

    # A relationship session of the organisation is linked to the workspace from its own console ...
    bus = store.create_session("Acme and CityBus", ["Acme", "CityBus"], our_org="Acme", partner_org="CityBus")
    bus_code, bus_fac = bus.session.code, bus.facilitator_token
    other = new_page()
    open_app(other, f"{server.url}/?session={bus_code}&admin={bus_fac}")
    expect(other.get_by_role("combobox", name="The party that is the organisation")).to_be_visible()
    _paste_and_click(other, 0, workspace_link, "Link")
    expect(other.get_by_text("Linked: Reflect shows the workspace's ranking for Acme.")).to_be_visible()

    # ... and its Reflect shows the adopted ranking for Acme: nothing to rank, paste or upload again.
    go(other, "Reflect")
    expect(
        other.get_by_text("The organisation-wide ranking of Acme comes from the organisation workspace")
    ).to_be_visible()
    names = bus.session.catalogue.names
    listed = "\n".join(f"{i}. {names[e]}" for i, e in enumerate(borda, 1))
    shown = [t.strip() for t in other.locator("[data-testid='stText']").all_inner_texts()]
    assert listed in shown
    expect(other.get_by_role("button", name="Save organisation-wide ranking")).to_have_count(0)
    shot(other, "organisation-ranking-on-reflect")
