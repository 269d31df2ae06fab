"""A refusal of the core reaches a French phone in French, its values filled in for the locale: the join
page's rate limit (one join a minute from one address, on a server of its own) says how long to wait in
French, and fits a 390 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import Server
from .helpers import open_app, shot, wait_idle


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("strict")
    srv = Server(tmp / "trustcore.db", tmp / "streamlit.log", env={"TRUSTCORE_JOINS_PER_MINUTE": "1"})
    yield srv
    srv.stop()
    assert "Traceback" not in srv.log_path.read_text()


def _join(page, url: str, party: str) -> None:
    open_app(page, url)
    page.get_by_test_id("stRadioGroup").get_by_text(party, exact=True).click()
    page.get_by_role("button", name="Rejoindre et commencer le classement").click()
    wait_idle(page)


def test_a_french_phone_told_to_wait_reads_it_in_french(strict_server, new_page):
    from trustcore.store import Store

    store = Store(strict_server.db_path).initialise()
    made = store.create_session("Port et logistique", ["Port", "Logistique"], our_org="Port", partner_org="Logis")
    url = f"{strict_server.url}/?session={made.session.code}"
    first = new_page(width=390, height=844, is_mobile=True, has_touch=True, locale="fr-FR")
    _join(first, url, "Port")
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True, locale="fr-FR")
    _join(phone, url, "Logistique")  # the same address, within the minute
    said = phone.get_by_text("Trop de personnes ont rejoint depuis votre réseau")
    expect(said).to_be_visible()
    assert "Réessayez dans" in said.inner_text() and "second" in said.inner_text()
    assert "Too many" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(phone, "refusal-in-french-phone")
