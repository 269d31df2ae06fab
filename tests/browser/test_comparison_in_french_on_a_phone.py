"""The comparison on a 390 px phone whose browser speaks French: headings, headline and tables in French, the
elements named in French, each party's rank for every element of the side-by-side table inside the viewport
(the longer French words turn it into cards, never a sideways scroll), and ``<html lang="fr">``."""

from __future__ import annotations

from playwright.sync_api import expect

from .helpers import eventually, open_app, shot, wait_idle
from .test_phone_tables import cells_by_column, inside, no_sideways_scroll, table

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True, "locale": "fr-FR"}


def test_the_comparison_in_french_on_a_phone_keeps_every_rank_in_view(server, store, new_page):
    made = store.create_session(
        "Port et logistique", ["Autorité portuaire", "Logistique du Nord"], our_org="Port", partner_org="Logis"
    )
    s = made.session
    ids = list(s.catalogue.ids)
    tokens = []
    for i, party in enumerate(s.parties):
        tokens.append(store.join(s.code, party.id, f"Personne {i}").token)
        order = ids if i == 0 else ids[3:] + ids[:3]
        store.submit(s.code, tokens[-1], order, {ids[0]: "C'est la base de la confiance."}, round_number=1)
    store.reveal(s.code, made.facilitator_token, round_number=1)

    phone = new_page(**PHONE)
    open_app(phone, f"{server.url}/compare?session={s.code}&me={tokens[0]}")
    expect(phone.get_by_role("heading", name="Côte à côte, les plus disputés d'abord")).to_be_visible()
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "fr")
    side = table(phone, "Côte à côte, les plus disputés d'abord")
    cells = cells_by_column(side)
    assert set(cells) >= {"Élément", "Autorité portuaire", "Logistique du Nord", "Rang moyen", "Écart"}
    for party in ("Autorité portuaire", "Logistique du Nord"):
        for n, cell in enumerate(cells[party]):
            inside(phone, cell, f"{party}, row {n}")
    expect(side.get_by_text("Impact actif et positif", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="Ordre du jour de la discussion")).to_be_visible()
    no_sideways_scroll(phone, "the comparison in French")
    wait_idle(phone)
    shot(phone, "comparison-in-french-phone")

    # the chart tab chosen in French stays open when the tab switches to English
    phone.get_by_role("tab", name="Carte de chaleur").click()
    wait_idle(phone)
    expect(phone.get_by_role("tab", name="Carte de chaleur")).to_have_attribute("aria-selected", "true")
    phone.get_by_role("combobox", name="Langue").click()
    phone.keyboard.type("Engl")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Side by side, most contested first")).to_be_visible()
    expect(phone.get_by_role("tab", name="Heatmap")).to_have_attribute("aria-selected", "true")
    eventually(lambda: phone.evaluate("document.documentElement.lang") == "en")


def test_the_presenter_screen_in_french_on_the_projector(server, store, new_page):
    from trustcore.presenter import new_presenter_link

    made = store.create_session("Projecteur", ["Autorité portuaire", "Logistique du Nord"])
    s = made.session
    ids = list(s.catalogue.ids)
    for i, party in enumerate(s.parties):
        token = store.join(s.code, party.id, f"Personne {i}").token
        store.submit(s.code, token, ids if i == 0 else ids[::-1], {e: "Une raison" for e in ids}, round_number=1)
    store.reveal(s.code, made.facilitator_token, round_number=1)
    shown = new_presenter_link(store.open(s.code, made.facilitator_token))
    screen = new_page(width=1280, height=800, locale="fr-FR")
    open_app(screen, f"{server.url}/presenter?session={s.code}&presenter={shown}")
    expect(screen.get_by_text("Ordre du jour de la discussion\u00a0: point 1 sur 45")).to_be_visible()
    expect(screen.get_by_text("rang (1 = le plus important)")).to_be_visible()  # the chart's axis, in French
    eventually(lambda: screen.evaluate("document.documentElement.lang") == "fr")
    shot(screen, "presenter-in-french")
