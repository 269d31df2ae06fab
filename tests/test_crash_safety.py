"""Crash safety: kill everything with SIGKILL while submissions are arriving; nothing confirmed may be lost.

Requirement: "Kill the server with SIGKILL while submissions are arriving: the database passes
PRAGMA integrity_check and holds every submission that was confirmed to its participant."

- Writer processes (``python -c`` using ``Store``, as the server's script threads and the CLI do) join and
  submit in a loop and log a submission *only after* ``Store.submit`` returned (the confirmation a
  participant sees). The writers and a running streamlit server are SIGKILLed mid-stream, several times.
  Afterwards: ``PRAGMA integrity_check`` is ok, foreign keys hold, every logged join and submission is in
  the database (each participant's last confirmed order is their current one), and the store works.
- Backup while in use: ``python -m trustcore --db X backup Y`` while writers run gives a copy that passes
  the integrity check and opens with ``Store``.
- Browser variant: people submit through the UI, the server is SIGKILLed as soon as the first
  confirmation shows, restarted on the same database, and every confirmed ranking is there and each
  personal link still opens that person's ranking.

A process kill is not a power cut: with ``synchronous=NORMAL`` in WAL mode SQLite keeps integrity after
an OS crash too, but the last transactions before a power cut may roll back; that is not tested here.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from trustcore.store import Store

ROOT = Path(__file__).resolve().parents[1]
try:  # as pytest imports it (tests/ is on sys.path)
    from browser.conftest import CHROMIUM, CHROMIUM_ARGS, Server, require_chromium
except ImportError:  # pragma: no cover - run from elsewhere
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Server, require_chromium

WRITERS = 4

WRITER = textwrap.dedent("""
    import json, os, random, sys
    sys.path.insert(0, {root!r})
    from trustcore.store import Store
    db, code, log, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = Store(db)
    session = store.session(code)
    parties = [p.id for p in session.parties]
    ids = list(session.catalogue.ids)
    rng = random.Random(seed)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, b'{{"started": true}}\\n')
    n = 0
    while True:
        n += 1
        joined = store.join(code, rng.choice(parties), f"writer {{seed}} person {{n}}")
        os.write(fd, (json.dumps({{"joined": joined.participant.id, "name": joined.participant.name}}) + "\\n").encode())
        for _ in range(rng.randint(1, 3)):  # first submission, then replacements
            order = ids[:]
            rng.shuffle(order)
            sub = store.submit(code, joined.token, order)
            # Only now is the submission confirmed to its participant.
            os.write(fd, (json.dumps({{"submitted": joined.participant.id, "order": order,
                                       "unchanged": sub.unchanged}}) + "\\n").encode())
""").format(root=str(ROOT))


def start_writers(db: Path, code: str, logs: Path, count: int, seed: int) -> list[subprocess.Popen]:
    logs.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in range(count):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db), code, str(logs / f"w{seed}-{i}.log"), str(seed * 100 + i)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    return procs


def wait_started(logs: Path, procs: list[subprocess.Popen], timeout: float = 60) -> None:
    """Until every writer has confirmed at least one submission (or one has died, which fails the test)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise AssertionError("a writer died before the kill:\n" + p.stderr.read().decode())
        done = [f for f in logs.glob("*.log") if '"submitted"' in f.read_text()]
        if len(done) >= len(procs):
            return
        time.sleep(0.05)
    raise AssertionError("the writers did not get going")


def kill(procs) -> None:
    for p in procs:  # our own children, by pid
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
    for p in procs:
        p.wait(10)


def confirmed(logs: Path) -> tuple[dict[int, str], dict[int, list[list[str]]]]:
    """(participant id -> name) of confirmed joins, (participant id -> confirmed orders in order)."""
    joins, orders = {}, {}
    for f in sorted(logs.glob("*.log")):
        for line in f.read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by the kill was never a confirmation
            if "joined" in rec:
                joins[rec["joined"]] = rec["name"]
            elif "submitted" in rec:
                orders.setdefault(rec["submitted"], []).append(rec["order"])
    return joins, orders


def check_database(db: Path, code: str, joins: dict, orders: dict) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        names = dict(conn.execute("SELECT id, name FROM participants").fetchall())
        history: dict[int, list[list[str]]] = {}
        current: dict[int, list[str]] = {}
        for pid, ordering, is_current in conn.execute(
            "SELECT participant_id, ordering, current FROM rankings WHERE round = 1 ORDER BY id"
        ):
            history.setdefault(pid, []).append(json.loads(ordering))
            if is_current:
                assert pid not in current, f"participant {pid} has two current rankings"
                current[pid] = json.loads(ordering)
    lost_joins = {pid: name for pid, name in joins.items() if names.get(pid) != name}
    assert not lost_joins, f"confirmed joins missing: {lost_joins}"
    for pid, confirmed_orders in orders.items():
        stored = history.get(pid, [])
        # Every confirmed order is in the history, in order (an unchanged resubmit adds no row).
        deduped = [o for i, o in enumerate(confirmed_orders) if i == 0 or o != confirmed_orders[i - 1]]
        it = iter(stored)
        assert all(any(o == s for s in it) for o in deduped), (pid, deduped, stored)
        # The newest stored order (the last confirmed one, or a later one the kill left unconfirmed) is current.
        assert current.get(pid) == stored[-1], (pid, current.get(pid), stored)
    # The store still works on the recovered file.
    store = Store(db).initialise()
    session = store.session(code)
    joined = store.join(code, session.parties[0].id, "after the crash")
    assert not store.submit(code, joined.token, list(session.catalogue.ids)).unchanged


@pytest.fixture
def workshop(tmp_path):
    db = tmp_path / "crash.db"
    store = Store(db).initialise()
    created = store.create_session("Crash test", ["Alpha", "Beta", "Gamma"])
    return db, created


def test_sigkill_of_writers_and_server_loses_no_confirmed_submission(tmp_path, workshop):
    db, created = workshop
    code = created.session.code
    rng = random.Random(7)
    for cycle in range(3):
        server = Server(db, tmp_path / f"streamlit-{cycle}.log")
        logs = tmp_path / f"logs-{cycle}"
        writers = start_writers(db, code, logs, WRITERS, seed=cycle + 1)
        try:
            wait_started(logs, writers)
            time.sleep(rng.uniform(0.2, 1.0))  # mid-stream
        finally:
            kill([*writers, server.proc])  # SIGKILL, all at once
            server.stop()  # only closes its log: the process is gone
        joins, orders = confirmed(logs)
        assert orders, "no submission was confirmed before the kill"
        check_database(db, code, joins, orders)


def test_backup_while_writers_run(tmp_path, workshop):
    db, created = workshop
    code = created.session.code
    logs = tmp_path / "logs"
    writers = start_writers(db, code, logs, 3, seed=9)
    copies = []
    try:
        wait_started(logs, writers)
        for i in range(3):
            target = tmp_path / f"copy-{i}.db"
            result = subprocess.run(
                [sys.executable, "-m", "trustcore", "--db", str(db), "backup", str(target)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr
            assert "Backed up" in result.stdout
            copies.append(target)
            time.sleep(0.2)
    finally:
        kill(writers)
    for copy in copies:
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("SELECT count(*) FROM rankings").fetchone()[0] > 0
            # A consistent snapshot: one current ranking per participant and round.
            assert (
                conn.execute("""SELECT count(*) FROM (SELECT participant_id, round FROM rankings
                                   WHERE current = 1 GROUP BY 1, 2 HAVING count(*) > 1)""").fetchone()[0]
                == 0
            )
        store = Store(copy).initialise()
        assert [s.code for s in store.sessions()] == [code]
        session = store.session(code)
        assert store.progress(code).participants
        joined = store.join(code, session.parties[1].id, "restored")
        store.submit(code, joined.token, list(session.catalogue.ids))


# ---------------------------------------------------------------------------------------------- browser


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
