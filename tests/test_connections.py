"""Database connections per script run, counted inside a real server (the run log of ``benchmarks/hooks``
records how many connections each run took: ``trustcore.db.used_here``).

Targets: a participant's plain rerun takes at most 1 connection, a submit with its confirmation at most 2,
a live poll at most 1; the facilitator's console rerun and poll likewise at most 1.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from pathlib import Path

from appserver import ROOT, Server, hooked

from trustcore.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))
from stprotocol import Page  # noqa: E402

CONFIRMATION = "Your ranking is stored (submitted at"


def _runs(log: Path, since: float) -> list[dict]:
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return sorted((r for r in rows if "cpu" in r and r["start"] >= since), key=lambda r: r["start"])


def test_connections_per_run_for_a_participant_and_the_facilitator(tmp_path):
    db = tmp_path / "count.db"
    store = Store(db).initialise()
    created = store.create_session("Count", ["Alpha", "Beta"])
    code = created.session.code
    ann = store.join(code, created.session.parties[0].id, "Ann")
    log = tmp_path / "runs.jsonl"
    env = hooked(TRUSTCORE_RUNLOG_OUT=str(log))
    server = Server(db, tmp_path / "streamlit.log", env=env)
    measured: dict[str, list[int]] = {}

    async def one(name: str, page: Page, act) -> None:
        """The connections each run took while ``act`` ran (one tab at a time, polls off)."""
        await page.finished_since(0, 30)
        await asyncio.sleep(0.3)  # the last run's log line is written after its finish message
        since, sent = time.time(), time.monotonic()
        await act()
        assert await page.finished_since(sent, 30), f"{name}: the run did not finish"
        for _ in range(100):  # its log line follows the finish message
            if _runs(log, since):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        measured[name] = [r["db"] for r in _runs(log, since)]

    async def scenario() -> None:
        fragments: list[str] = []
        page = await Page.open(server.url, f"session={code}&me={ann.token}", poll=False)
        page.on_message = lambda m: m.WhichOneof("type") == "auto_rerun" and fragments.append(m.auto_rerun.fragment_id)
        await page.wait_for(lambda: "Submit my ranking" in page.widgets and fragments, 30)
        await one("participant: plain rerun", page, page.rerun)
        items = page.sortable_items()
        random.Random(3).shuffle(items)
        page.reorder(page.sortable_label(), items)
        await one("participant: reorder (a rerun with the new order)", page, page.rerun)

        async def submit() -> None:
            sent = await page.click("Submit my ranking")
            assert await page.wait_for_text(CONFIRMATION, sent, 15)

        await one("participant: submit and its confirmation", page, submit)
        await one("participant: live poll", page, lambda: page.rerun(fragment_id=fragments[-1], auto=True))
        await page.close()

        fragments.clear()
        console = await Page.open(server.url, f"session={code}&admin={created.facilitator_token}", poll=False)
        console.on_message = page.on_message
        await console.wait_for(lambda: "Reveal results" in console.widgets and fragments, 30)
        await one("facilitator: console rerun", console, console.rerun)
        await one("facilitator: live poll", console, lambda: console.rerun(fragment_id=fragments[-1], auto=True))
        await console.close()

    try:
        asyncio.run(scenario())
    finally:
        server.stop()
    limits = {
        "participant: plain rerun": 1,
        "participant: reorder (a rerun with the new order)": 1,
        "participant: submit and its confirmation": 2,
        "participant: live poll": 1,
        "facilitator: console rerun": 1,
        "facilitator: live poll": 1,
    }
    print(json.dumps(measured, indent=1))
    assert set(measured) == set(limits)
    for name, runs in measured.items():
        assert runs, f"{name}: no run was logged"
        assert sum(runs) <= limits[name], f"{name}: {runs} connections per run (at most {limits[name]} in all)"
    assert [r.participant for r in store._rankings(code)] == ["Ann"]
