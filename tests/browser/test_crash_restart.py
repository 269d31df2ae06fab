"""Crash safety in the browser: people submit through the UI, the server is SIGKILLed as soon as the
first confirmation shows, restarted on the same database, and every confirmed ranking is there and each
personal link still opens that person's ranking (the process-level variants: ``tests/test_crash_safety.py``).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from trustcore.store import Store

from .conftest import CHROMIUM, CHROMIUM_ARGS, Server, require_chromium


@pytest.fixture
def workshop(tmp_path):
    db = tmp_path / "crash.db"
    store = Store(db).initialise()
    created = store.create_session("Crash test", ["Alpha", "Beta", "Gamma"])
    return db, created


def wait_idle(page, timeout: int = 30000) -> None:
    page.wait_for_timeout(300)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )


CONFIRMATION = "Your ranking is stored (submitted at"
SORTABLE = 'iframe[title="streamlit_sortables.sortable_items"]'


@pytest.mark.browser
def test_browser_sigkill_restart_keeps_confirmed_rankings_and_personal_links(tmp_path, workshop):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    db, created = workshop
    code = created.session.code
    server = Server(db, tmp_path / "before.log")
    people = []  # (name, page, token)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for i, party in enumerate(["Alpha", "Beta"]):
                page = browser.new_context(viewport={"width": 1200, "height": 1400}).new_page()
                page.set_default_timeout(30000)
                page.goto(f"{server.url}/?session={code}")
                wait_idle(page)
                page.get_by_text(party, exact=True).click()
                page.get_by_role("textbox", name="Your name (optional)").fill(f"Crash {i}")
                page.get_by_role("button", name="Join and start ranking").click()
                expect(page.frame_locator(SORTABLE).locator("li.sortable-item").first).to_be_visible(timeout=30000)
                wait_idle(page)
                token = parse_qs(urlsplit(page.url).query).get("me", [None])[0]
                assert token, f"no personal token in the URL {page.url}"
                people.append((f"Crash {i}", page, token))
            for _, page, _ in people:  # submits arrive together
                page.get_by_role("button", name="Submit my ranking").click()
            seen = set()
            deadline = time.time() + 30
            while not seen and time.time() < deadline:
                seen = {name for name, page, _ in people if page.get_by_text(CONFIRMATION).count()}
                time.sleep(0.02)
            os.kill(server.proc.pid, signal.SIGKILL)  # as soon as the first confirmation shows
            server.proc.wait(10)
            assert seen, "no confirmation before the kill"
            browser.close()
    finally:
        if server.proc.poll() is None:
            os.kill(server.proc.pid, signal.SIGKILL)
        server.stop()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {
            name
            for (name,) in conn.execute(
                "SELECT q.name FROM rankings r JOIN participants q ON q.id = r.participant_id WHERE r.current = 1"
            )
        }
    assert seen <= stored, f"confirmed {seen} but stored only {stored}"

    restarted = Server(db, tmp_path / "after.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for name, _, token in people:
                page = browser.new_context(viewport={"width": 1200, "height": 1400}).new_page()
                page.goto(f"{restarted.url}/?session={code}&me={token}")  # the personal link
                wait_idle(page)
                expect(page.get_by_text(re.compile(f"{name}, for "))).to_be_visible(timeout=30000)
                if name in stored:
                    expect(page.get_by_text(CONFIRMATION)).to_be_visible(timeout=30000)
                else:  # not stored: they can still submit now
                    page.get_by_role("button", name="Submit my ranking").click()
                    expect(page.get_by_text(CONFIRMATION)).to_be_visible(timeout=30000)
            browser.close()
    finally:
        restarted.stop()
    log = restarted.log_path.read_text()
    assert "Traceback" not in log, log
