"""The join page in the browser's language: a phone whose browser speaks French (Playwright ``locale``; Chromium
ignores ``--lang`` when headless) sees the page in French with ``<html lang="fr">``, and a choice of Spanish in
the page's switcher follows the tab into the personal link."""

from __future__ import annotations

from playwright.sync_api import expect

from .helpers import eventually, open_app, shot, wait_idle


def test_a_french_phone_joins_in_french_and_the_switcher_moves_it_to_spanish(server, store, new_page):
    made = store.create_session("Port et logistique", ["Port", "Logistique"], our_org="Port", partner_org="Logis")
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True, locale="fr-FR")
    open_app(phone, f"{server.url}/?session={made.session.code}")
    expect(phone.get_by_text("Pour quelle partie classez-vous\u202f?")).to_be_visible()
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "fr")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(phone, "join-in-french-phone")

    phone.get_by_role("textbox", name="Votre nom (facultatif)").fill("Zoë")
    phone.get_by_role("combobox", name="Langue").click()
    phone.get_by_role("option", name="Español").click()
    expect(phone.get_by_text("¿En nombre de qué parte clasifica?")).to_be_visible()
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "es")
    assert "lang=es" in phone.url
    expect(phone.get_by_role("textbox", name="Su nombre (opcional)")).to_have_value(
        "Zoë"
    )  # the typed name survives the switch

    phone.get_by_test_id("stRadioGroup").get_by_text("Logistique", exact=True).click()
    phone.get_by_role("button", name="Unirse y empezar a clasificar").click()
    wait_idle(phone)
    eventually(lambda: "me=" in phone.url and "lang=es" in phone.url)
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "es")  # the ranking page too
    shot(phone, "joined-in-spanish-phone")
