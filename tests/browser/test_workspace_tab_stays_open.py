"""The organisation workspace keeps the open tab: a save on the internal worksheet's tab, which says so inside
that tab, leaves that tab open (``views/workspace.py``'s tabs are keyed and stateful), in French as in English,
and a change of language keeps it open too. The ecosystem map's tab in French, on a projector-sized screen
(1280 px) and on a phone (390 px), for a look."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import ecosystem, i18n
from trustcore import internal_worksheet as iw
from trustcore import workspace as ws

from .helpers import open_app, shot, wait_idle

WORKSHEET_FR = "Feuille de travail interne (activité 2)"
MAP_FR = "Carte de l'écosystème (activité 4)"


def _map(wview) -> None:
    us = ecosystem.add_actor(wview, "Port de Rotterdam", "organisation", role="steward", organisation=True)
    partner = ecosystem.add_actor(wview, "Logistique Transmanche", "organisation", role="reuser")
    riders = ecosystem.add_actor(wview, "Transporteurs routiers", "people", role="contributor")
    system = ecosystem.add_actor(wview, "Système de suivi des conteneurs", "technology", internal=True)
    ecosystem.add_flow(wview, us.id, partner.id, "data", label="horaires d'accostage")
    ecosystem.add_flow(wview, partner.id, us.id, "money")
    ecosystem.add_flow(wview, riders.id, us.id, "insights", label="retards")
    ecosystem.add_flow(wview, us.id, system.id, "services")


def test_a_save_on_the_internal_worksheet_keeps_its_tab_open_and_the_map_reads_in_french(server, store, new_page):
    org = ws.create_workspace(store, "Port de Rotterdam")
    wview = store.open_workspace(org.workspace.id, org.token)
    _map(wview)
    first = iw.build(wview, i18n.translator("fr")).rows[0]

    page = new_page(width=1280, height=900, locale="fr-FR")  # the browser's language: no ?lang= needed
    open_app(page, f"{server.url}/?workspace={org.workspace.id}&org={org.token}")
    page.get_by_role("tab", name=WORKSHEET_FR).click()
    wait_idle(page)
    box = page.locator("[data-testid='stExpander']").filter(has_text=f"A1. {first.element}").first
    expect(box).to_be_visible(timeout=60000)
    box.get_by_role("textbox", name="Colonne B (mesures que nous prenons)").fill("Un registre par service")
    box.get_by_role("button", name="Enregistrer").click()
    wait_idle(page)
    expect(page.get_by_text("Saisies de la feuille de travail interne enregistrées pour")).to_be_visible()
    expect(page.get_by_role("tab", name=WORKSHEET_FR)).to_have_attribute("aria-selected", "true")  # still open
    assert iw.build(wview).rows[0].entries["B"].text == "Un registre par service"

    # a change of language keeps the same tab open
    page.get_by_role("combobox", name="Langue").click()
    page.get_by_role("option", name="English").click()
    wait_idle(page)
    expect(page.get_by_role("tab", name="Internal worksheet (Activity 2)")).to_have_attribute("aria-selected", "true")
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="Français").click()
    wait_idle(page)
    expect(page.get_by_role("tab", name=WORKSHEET_FR)).to_have_attribute("aria-selected", "true")

    # the map, in French, on a projector-sized screen
    page.get_by_role("tab", name=MAP_FR).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Relations sur la carte")).to_be_visible()
    expect(page.get_by_role("img", name="4 acteurs et 4 flux.", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    shot(page, "workspace-map-in-french-1280")

    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True, locale="fr-FR")
    open_app(phone, f"{server.url}/?workspace={org.workspace.id}&org={org.token}")
    phone.get_by_role("tab", name=MAP_FR).click()
    wait_idle(phone)
    expect(phone.get_by_role("heading", name="Relations sur la carte")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(phone, "workspace-map-in-french-phone")
