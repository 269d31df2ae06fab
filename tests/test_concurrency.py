"""Concurrent use of one SQLite file: threads (a Streamlit server) and processes (CLI next to the server).

Also deterministic interleavings of a facilitator action with another change, made by running the other
change between the action's token check and its write transaction.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import traceback

import pytest
from conftest import count, raw

from trustcore.errors import AccessDenied, NotAllowedNow, NotFound, RoundChanged
from trustcore.migrations import migrations
from trustcore.store import Store

THREADS, SUBMISSIONS = 16, 20
PROCESSES, PER_PROCESS = 4, 10
WAIT = 120  # seconds a barrier waits before giving up (a safety net against hangs, not a timing assertion)


def run_threads(n: int, target, *args) -> list[str]:
    """Run ``target(i, barrier, *args)`` in n threads started together; return the tracebacks of failures."""
    barrier = threading.Barrier(n)
    errors: list[str] = []

    def wrapped(i: int) -> None:
        try:
            target(i, barrier, *args)
        except BaseException:  # noqa: BLE001 - every failure must be reported
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


# ---------------------------------------------------------------- threads


def test_many_threads_submitting_to_one_session(store, created):
    code = created.session.code
    ids = list(created.session.catalogue.ids)
    orders = [ids, ids[::-1]]
    joined = [store.join(code, created.session.parties[i % 2].id, f"T{i}") for i in range(THREADS)]

    def submit_many(i: int, barrier: threading.Barrier) -> None:
        barrier.wait(WAIT)
        for k in range(SUBMISSIONS):
            sub = store.submit(code, joined[i].token, orders[k % 2], round_number=1)
            assert sub.unchanged is False
            assert sub.replaced is (k > 0)

    errors = run_threads(THREADS, submit_many)
    assert errors == []

    with raw(store) as conn:
        per_participant = dict(
            conn.execute("SELECT participant_id, count(*) FROM rankings GROUP BY participant_id").fetchall()
        )
        current = dict(
            conn.execute(
                "SELECT participant_id, count(*) FROM rankings WHERE current = 1 GROUP BY participant_id"
            ).fetchall()
        )
        submitted = conn.execute("SELECT count(*) FROM events WHERE action = 'ranking_submitted'").fetchone()[0]
        replaced = conn.execute("SELECT count(*) FROM events WHERE action = 'ranking_replaced'").fetchone()[0]
    pids = {j.participant.id for j in joined}
    assert per_participant == {pid: SUBMISSIONS for pid in pids}
    assert current == {pid: 1 for pid in pids}
    assert (submitted, replaced) == (THREADS, THREADS * (SUBMISSIONS - 1))

    history = store._rankings(code, 1, history=True)
    assert len(history) == THREADS * SUBMISSIONS
    for j in joined:
        mine = [r.order for r in history if r.participant_id == j.participant.id]
        assert mine == [tuple(orders[k % 2]) for k in range(SUBMISSIONS)]  # in submission order
    final = store._rankings(code, 1)
    assert {r.participant_id: r.order for r in final} == {pid: tuple(orders[(SUBMISSIONS - 1) % 2]) for pid in pids}


def test_many_threads_joining_with_the_same_name_get_distinct_names(store, created):
    code = created.session.code
    names: list[str] = []

    def join(i: int, barrier: threading.Barrier) -> None:
        barrier.wait(WAIT)
        names.append(store.join(code, created.session.parties[i % 2].id, "Ann").participant.name)

    assert run_threads(THREADS, join) == []
    assert sorted(names) == sorted(["Ann"] + [f"Ann ({n})" for n in range(2, THREADS + 1)])


def test_no_submission_is_accepted_after_lock_returns(store, created):
    code, token = created.session.code, created.facilitator_token
    ids = list(created.session.catalogue.ids)
    joined = [store.join(code, created.session.parties[0].id, f"T{i}") for i in range(8)]
    stop = threading.Event()
    at_lock: list[int] = []

    def keep_submitting(i: int, barrier: threading.Barrier) -> None:
        if i == len(joined):  # the facilitator
            barrier.wait(WAIT)
            store.submit(code, joined[0].token, ids, round_number=1)  # at least one ranking lands before the lock
            store.lock(code, token, round_number=1)
            with raw(store) as conn:
                at_lock.append(conn.execute("SELECT count(*) FROM rankings").fetchone()[0])
            stop.set()
            return
        barrier.wait(WAIT)
        k = 0
        while not stop.is_set():
            try:
                store.submit(code, joined[i].token, ids if k % 2 else ids[::-1], round_number=1)
            except NotAllowedNow:
                return
            k += 1

    assert run_threads(len(joined) + 1, keep_submitting) == []
    with raw(store) as conn:
        total = conn.execute("SELECT count(*) FROM rankings").fetchone()[0]
    assert total == at_lock[0] >= 1


def test_concurrent_first_initialise(tmp_path):
    path = tmp_path / "sub" / "fresh.db"

    def init(i: int, barrier: threading.Barrier) -> None:
        barrier.wait(WAIT)
        Store(path).initialise()

    assert run_threads(8, init) == []
    with sqlite3.connect(path) as conn:
        applied = [
            r[0]
            for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'trustcore' ORDER BY id")
        ]
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert applied == [m.name for m in migrations._migrations]
    assert journal == "wal"
    assert {"sessions", "parties", "participants", "rounds", "rankings", "events"} <= tables
    # and the store works on it
    c = Store(path).create_session("After", ["A", "B"])
    assert Store(path)._session(c.session.code).title == "After"


# ---------------------------------------------------------------- processes


def _process_worker(path: str, code: str, party_ids: list[int], worker: int, n: int, barrier, results) -> None:
    try:
        store = Store(path)
        session = store._session(code)
        ids = list(session.catalogue.ids)
        barrier.wait(WAIT)
        out = []
        for k in range(n):
            j = store.join(code, party_ids[k % len(party_ids)], f"W{worker}-{k}")
            order = ids[k % len(ids) :] + ids[: k % len(ids)]
            sub = store.submit(code, j.token, order, round_number=1)
            out.append((j.participant.id, j.participant.name, list(sub.ranking.order)))
        results.put(("ok", worker, out))
    except BaseException:  # noqa: BLE001
        results.put(("error", worker, traceback.format_exc()))


def test_processes_joining_and_submitting(store, created):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    party_ids = [p.id for p in created.session.parties]
    procs = [
        ctx.Process(
            target=_process_worker,
            args=(str(store.path), created.session.code, party_ids, w, PER_PROCESS, barrier, results),
        )
        for w in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    reports = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [r for r in reports if r[0] != "ok"] == []
    assert [p.exitcode for p in procs] == [0] * PROCESSES

    expected = {pid: (name, tuple(order)) for _, _, out in reports for pid, name, order in out}
    assert len(expected) == PROCESSES * PER_PROCESS
    stored = {r.participant_id: (r.participant, r.order) for r in store._rankings(created.session.code, 1)}
    assert stored == expected
    progress = store._progress(created.session.code)
    assert (len(progress.participants), progress.submitted) == (PROCESSES * PER_PROCESS,) * 2


# ---------------------------------------------------------------- deterministic interleavings (races)


def _interleave(monkeypatch, method: str, action) -> None:
    """Make the next call of ``Store.<method>`` run ``action(store, *args)`` just before it returns: the
    caller then acts on what it read, while the database has already moved on."""
    original = getattr(Store, method)

    def patched(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        monkeypatch.setattr(Store, method, original)  # once only
        action(self, *args)
        return result

    monkeypatch.setattr(Store, method, patched)


def _before_write(monkeypatch, action) -> None:
    """Make the next write transaction of the store run ``action(store)`` just before it begins: what the
    caller checked may have changed by the time it writes (submit reads everything inside its transaction,
    so this is the last moment another writer can land)."""
    import trustcore.store as store_mod

    original = store_mod.dbmod.write

    def patched(path):
        monkeypatch.setattr(store_mod.dbmod, "write", original)  # once only
        action(Store(path))
        return original(path)

    monkeypatch.setattr(store_mod.dbmod, "write", patched)


def test_unlock_racing_a_reveal_does_not_reopen_a_revealed_round(store, created, monkeypatch):
    code, token = created.session.code, created.facilitator_token
    ann = store.join(code, created.session.parties[0].id, "Ann")
    _interleave(monkeypatch, "authorise", lambda s, c, t: s.reveal(c, t, round_number=1))
    try:
        store.unlock(code, token, round_number=1)
    except NotAllowedNow:
        pass
    with pytest.raises(NotAllowedNow):
        store.submit(code, ann.token, list(created.session.catalogue.ids), round_number=1)


def _rounds(store, code: str) -> dict[int, tuple[bool, bool]]:
    """Each round of the session: (locked, revealed), as stored."""
    with raw(store) as conn:
        rows = conn.execute(
            """SELECT r.number, r.locked_at, r.revealed_at FROM rounds r JOIN sessions s ON s.id = r.session_id
               WHERE s.code = ? ORDER BY r.number""",
            [code],
        ).fetchall()
    return {r[0]: (r[1] is not None, r[2] is not None) for r in rows}


def test_next_round_clicked_in_two_windows_opens_one_round_and_refuses_the_second(store, created, monkeypatch):
    code, token = created.session.code, created.facilitator_token
    store.reveal(code, token, round_number=1)
    # both windows showed round 1, revealed; the other window's click lands first
    _interleave(monkeypatch, "authorise", lambda s, c, t: s.next_round(c, t, round_number=1))
    with pytest.raises(RoundChanged) as refused:
        store.next_round(code, token, round_number=1)
    assert str(refused.value) == (
        "Round 2 was already opened from another window, so round 1 is no longer current: nothing was changed."
        " The page now shows round 2."
    )
    assert store._session(code).current_round == 2
    assert _rounds(store, code) == {1: (True, True), 2: (False, False)}
    assert count(store, "SELECT count(*) FROM events WHERE action = 'round_opened'") == 1


def test_next_round_landing_before_a_reveal_refuses_the_reveal_and_reveals_nothing(store, created, monkeypatch):
    """Open next round (one window) and Reveal results (another), both clicked on round 1: the next round
    lands first, so the reveal, meant for round 1, is refused instead of revealing an empty round 2."""
    code, token = created.session.code, created.facilitator_token
    _interleave(monkeypatch, "authorise", lambda s, c, t: s.next_round(c, t, round_number=1))
    with pytest.raises(RoundChanged, match="Round 2 was already opened from another window"):
        store.reveal(code, token, round_number=1)
    assert store._session(code).current_round == 2
    assert _rounds(store, code) == {1: (True, False), 2: (False, False)}
    assert count(store, "SELECT count(*) FROM events WHERE action = 'round_revealed'") == 0


def test_a_reveal_landing_before_next_round_reveals_round_1_then_opens_round_2(store, created, monkeypatch):
    """The other order: round 1 is revealed, then the next round opens from it (what the facilitator
    would have done anyway); round 1 stays revealed and round 2 is open and not revealed."""
    code, token = created.session.code, created.facilitator_token
    _interleave(monkeypatch, "authorise", lambda s, c, t: s.reveal(c, t, round_number=1))
    store.next_round(code, token, round_number=1)
    assert store._session(code).current_round == 2
    assert _rounds(store, code) == {1: (True, True), 2: (False, False)}


def test_next_round_and_reveal_at_once_leave_round_1_coherent(store, created):
    """Two threads, both clicking on round 1: whichever lands first, one round is opened, round 2 is never
    revealed, and round 1 is revealed exactly when the reveal won (it is refused otherwise)."""
    code, token = created.session.code, created.facilitator_token
    outcome: dict[str, str] = {}

    def click(i: int, barrier: threading.Barrier) -> None:
        action = (store.next_round, store.reveal)[i]
        barrier.wait(WAIT)
        try:
            action(code, token, round_number=1)
            outcome[action.__name__] = "done"
        except RoundChanged:
            outcome[action.__name__] = "refused"

    assert run_threads(2, click) == []
    assert outcome["next_round"] == "done"
    assert store._session(code).current_round == 2
    revealed_first = outcome["reveal"] == "done"
    assert _rounds(store, code) == {1: (True, revealed_first), 2: (False, False)}
    assert count(store, "SELECT count(*) FROM events WHERE action = 'round_opened'") == 1


def test_submit_racing_a_delete_is_refused_cleanly(store, created, monkeypatch):
    code, token = created.session.code, created.facilitator_token
    ann = store.join(code, created.session.parties[0].id, "Ann")
    _before_write(monkeypatch, lambda s: s.delete_session(code, token))
    with pytest.raises((AccessDenied, NotFound)):
        store.submit(code, ann.token, list(created.session.catalogue.ids), round_number=1)


def test_join_racing_a_delete_is_refused_cleanly(store, created, monkeypatch):
    code, token = created.session.code, created.facilitator_token
    _interleave(monkeypatch, "authorise", lambda s, c, _share: s.delete_session(c, token))
    with pytest.raises(NotFound):
        store.join(code, created.session.parties[0].id, "Ann")


def test_submit_racing_a_lock_is_refused(store, created, monkeypatch):
    """The case the store does guard: the round is re-read inside submit's write transaction."""
    code, token = created.session.code, created.facilitator_token
    ann = store.join(code, created.session.parties[0].id, "Ann")
    _before_write(monkeypatch, lambda s: s.lock(code, token, round_number=1))
    with pytest.raises(NotAllowedNow):
        store.submit(code, ann.token, list(created.session.catalogue.ids), round_number=1)
    assert store._rankings(code, history=True) == []
