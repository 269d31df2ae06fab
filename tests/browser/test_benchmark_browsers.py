"""The Chromium benchmark still runs (no timing assertions), and what it found stays fixed.

- ``benchmarks/workshop_load.py --participants 5 --parties 2``: a real server, five people joining in
  Chromium, dragging and submitting together; the table must show 5 participants, 0 errors, 0 lost.
- A click arriving while a live poll finishes is stored (a test that widens that window on purpose).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time

import pytest
from appserver import hooked

from trustcore.store import Store

from .conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, require_chromium

CONFIRMATION = "Your ranking is stored (submitted at"


def table(stdout: str) -> dict[str, str]:
    """The benchmark's ``label   value`` rows."""
    rows = {}
    for line in stdout.splitlines():
        match = re.match(r"^(\S.*?)\s{2,}(\S.*)$", line)
        if match and not line.startswith(("PASS", "FAIL", "=")):
            rows[match.group(1)] = match.group(2).strip()
    return rows


@pytest.fixture(scope="module")
def load_run():
    require_chromium()
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/workshop_load.py",
            "--participants",
            "5",
            "--parties",
            "2",
            "--browsers",
            "1",
            "--idle",
            "0",
            "--join-concurrency",
            "5",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result


@pytest.mark.browser
def test_workshop_load_benchmark_with_five_participants(load_run):
    out = load_run.stdout
    assert load_run.returncode == 0, out + load_run.stderr
    rows = table(out)
    assert rows["participants"] == "5", out
    assert rows["parties"] == "2"
    assert rows["errors"] == "0", out
    assert rows["submissions lost"] == "0", out
    assert rows["confirmed submissions"] == "5" and rows["stored submissions"] == "5", out
    for label in (
        "submit->confirmation p50",
        "submit->confirmation p95",
        "facilitator sees everyone after",
        "server peak memory",
        "server CPU",
        "wall time",
    ):
        assert re.match(r"^\d+(\.\d+)? (s|MB)$", rows[label]), (label, rows.get(label))
    verdicts = re.findall(r"^(PASS|FAIL)  (.+)$", out, flags=re.M)
    assert len(verdicts) == 4 and verdicts[0] == ("PASS", "0 errors and 0 lost"), verdicts


@pytest.mark.browser
def test_a_submit_click_while_a_live_poll_finishes_is_not_lost(tmp_path):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "click.db"
    store = Store(db).initialise()
    created = store.create_session("Lost click", ["Alpha", "Beta"])
    code = created.session.code
    joined = store.join(code, created.session.parties[0].id, "Clicker")
    mark = tmp_path / "mark"
    env = hooked(TRUSTCORE_SLOW_POLL="0.8", TRUSTCORE_SLOW_FINISH="0.4", TRUSTCORE_POLL_MARK=str(mark))

    def finishes() -> int:
        return sum(1 for line in (mark.read_text().splitlines() if mark.exists() else []) if line.startswith("finish"))

    server = Server(db, tmp_path / "streamlit.log", env=env)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1200, "height": 1400}).new_page()
            page.goto(f"{server.url}/?session={code}&me={joined.token}")  # the personal link
            button = page.get_by_role("button", name="Submit my ranking")
            button.wait_for(timeout=60000)
            page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
            seen, deadline = finishes(), time.time() + 15
            while finishes() == seen and time.time() < deadline:  # the next poll is finishing
                time.sleep(0.005)
            button.click()
            try:
                expect(page.get_by_text(CONFIRMATION)).to_be_visible(timeout=8000)
            finally:
                browser.close()
    finally:
        server.stop()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM rankings").fetchone()[0] == 1
