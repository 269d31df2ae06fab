"""The facilitator console in the browser's language: a French phone (Playwright ``locale``) sees the console in
French, ``<html lang="fr">``, nothing wider than the phone, and the round timer counting down in French (the
browser's countdown words come from the catalogue, not from the script)."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import round_timer

from .conftest import SHOTS
from .helpers import eventually, open_app, shot


def test_a_french_facilitator_runs_the_console_on_a_phone(server, store, new_page):
    made = store.create_session("Port et logistique", ["Port", "Logistique"], our_org="Port", partner_org="Logis")
    code, fac = made.session.code, made.facilitator_token
    store.join(code, made.session.parties[0].id, "Zoë")
    round_timer.start_timer(store.open(code, fac), 600, round_number=1, lock_at_zero=True)
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True, locale="fr-FR")
    open_app(phone, f"{server.url}/?session={code}&admin={fac}")
    expect(phone.get_by_role("heading", name="Commandes du tour")).to_be_visible()
    expect(phone.get_by_role("button", name="Verrouiller le tour")).to_be_visible()
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "fr")
    timer = phone.get_by_role("timer", name="Temps restant du tour 1")
    expect(timer).to_contain_text("Il reste 9:")  # drawn by the server, then counted down by the script
    expect(timer).to_contain_text("(le tour se verrouille à zéro)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.get_by_text("Personnes\u00a0: retirer un participant, ou le déplacer vers une autre partie").click()
    expect(phone.get_by_text("Retirer plusieurs personnes à la fois")).to_be_visible()
    expect(phone.get_by_text("Supprimer cette session")).to_be_visible()  # the page drawn to its end
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "console-in-french-phone")
    phone.get_by_text("Supprimer cette session").scroll_into_view_if_needed()  # the page's end, as the phone shows it
    phone.screenshot(path=str(SHOTS / "console-in-french-phone-end.png"))
