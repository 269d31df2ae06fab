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
- The browser variant is ``tests/browser/test_crash_restart.py``.

A process kill is not a power cut: with ``synchronous=NORMAL`` in WAL mode SQLite keeps integrity after
an OS crash too, but the last transactions before a power cut may roll back; that is not tested here.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pg
import pytest
from appserver import Server
from conftest import BACKENDS, raw

from trustcore.backends import is_postgres
from trustcore.joining import MAX_CAP, set_joining
from trustcore.store import Store

ROOT = Path(__file__).resolve().parents[1]

WRITERS = 4

WRITER = textwrap.dedent("""
    import json, os, random, sys
    sys.path.insert(0, {root!r})
    from trustcore.store import Store
    db, code, log, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = Store(db)
    session = store._session(code)
    parties = [p.id for p in session.parties]
    ids = list(session.catalogue.ids)
    rng = random.Random(seed)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, b'{{"started": true}}\\n')
    n = 0
    while True:
        n += 1
        if n <= 400:  # then go on re-ranking as the last one (the session takes at most 2000 people)
            joined = store.join(code, rng.choice(parties), f"writer {{seed}} person {{n}}")
            os.write(fd, (json.dumps({{"joined": joined.participant.id, "name": joined.participant.name}}) + "\\n").encode())
        for _ in range(rng.randint(1, 3)):  # first submission, then replacements
            order = ids[:]
            rng.shuffle(order)
            sub = store.submit(code, joined.token, order, round_number=1)
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


def check_database(db: Path | str, code: str, joins: dict, orders: dict) -> None:
    with raw(db) as conn:
        if not is_postgres(db):  # PostgreSQL checks its pages and every foreign key itself
            assert [tuple(r) for r in conn.execute("PRAGMA integrity_check").fetchall()] == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        names = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM participants").fetchall()}
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
    session = store._session(code)
    joined = store.join(code, session.parties[0].id, "after the crash")
    assert not store.submit(code, joined.token, list(session.catalogue.ids), round_number=1).unchanged


@pytest.fixture(params=BACKENDS)
def workshop(request, tmp_path):
    """A three-party session on a SQLite file, or on a PostgreSQL database of the test run's cluster."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            db: Path | str = tmp_path / "crash.db"
        else:
            db = stack.enter_context(pg.scratch_database(request.getfixturevalue("pg_server"), "crash"))
        store = Store(db).initialise()
        made = store.create_session("Crash test", ["Alpha", "Beta", "Gamma"])
        set_joining(store.open(made.session.code, made.facilitator_token), cap=MAX_CAP)  # the writers join on and on
        yield db, made


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


@pytest.mark.sqlite_only  # SQLite's online backup; PostgreSQL backs up with pg_dump
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
        session = store._session(code)
        assert store._progress(code).participants
        joined = store.join(code, session.parties[1].id, "restored")
        store.submit(code, joined.token, list(session.catalogue.ids), round_number=1)
