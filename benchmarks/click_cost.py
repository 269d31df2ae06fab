#!/usr/bin/env python
"""The server's CPU per submit click and per poll, one at a time, against the one-button floor (same run).

    python benchmarks/click_cost.py [--clicks 300]

The submit burst of ``room_load.py`` is one interpreter working through N clicks, so its p95 is close to
N times the CPU of one click; on a shared machine that burst is noisy. This measures the same cost without
the crowd: one page joins, then clicks *Submit* ``--clicks`` times, each with a new reason typed first (so
every click stores something, in a fragment run, as in the burst), waiting for the confirmation each time.
Then the page's polling fragment is rerun ``--clicks`` times, one after another, as the browser's timer
does (``room_load.py``'s idle figure is 50 such polls a second at 100 pages). The floor page
(``floor_app.py``) gets the same clicks and polls. No timer polls. Prints the server's CPU per click and per
poll for both, their ratios, and the wall time per click.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from room_load import CONFIRMATION, SUBMIT, cpu_seconds, join, py_spy, stop_profiler  # noqa: E402
from stprotocol import Page  # noqa: E402

from tests.appserver import Server  # noqa: E402
from trustcore.store import Store  # noqa: E402

PROFILE: str = ""


async def clicks(page: Page, pid: int, n: int, before=None, name: str = "") -> tuple[float, float]:
    """CPU seconds and wall seconds of the server per click, over ``n`` clicks (after 20 to warm up)."""
    cpu = wall = 0.0
    spy = None
    for i in range(n + 20):
        if i == 20:
            spy = profile(pid, f"{name}.clicks")
        if before:
            await before(i)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        sent = await page.click("Submit my changes" if "Submit my changes" in page.widgets else SUBMIT)
        if await page.wait_for_text(CONFIRMATION if before else "Your ranking is stored", sent, 5) is None:
            raise RuntimeError(
                f"click {i}: no confirmation: {[t for a, t in page.texts if a >= sent]} {sorted(page.widgets)}"
            )
        await page.finished_since(sent, 30)
        if i >= 20:
            cpu += cpu_seconds(pid) - c0
            wall += time.monotonic() - t0
    stop_profiler(spy)
    return cpu / n, wall / n


def profile(pid: int, name: str) -> subprocess.Popen | None:
    """py-spy on the server while it is measured (``--profile FILE``: raw folded stacks in ``FILE.<name>``)."""
    return py_spy(pid, f"{PROFILE}.{name}", rate=500, fmt="raw") if PROFILE else None


async def polls(page: Page, pid: int, n: int, name: str = "") -> float:
    """CPU seconds of the server per poll of the page's polling fragment, over ``n`` polls one after
    another (each as the browser sends it at its timer: a fragment rerun with ``is_auto_rerun``)."""
    (fragment,) = page.polling
    cpu = 0.0
    spy = None
    for i in range(n + 20):
        if i == 20:
            spy = profile(pid, f"{name}.polls")
        c0, sent = cpu_seconds(pid), time.monotonic()
        await page.rerun(fragment_id=fragment, auto=True)
        if await page.finished_since(sent, 30) is None:
            raise RuntimeError(f"poll {i}: the fragment did not finish")
        if i >= 20:
            cpu += cpu_seconds(pid) - c0
    stop_profiler(spy)
    return cpu / n


async def app(n: int, tmp: Path) -> tuple[float, float, float]:
    store = Store(tmp / "app.db").initialise()
    created = store.create_session("Click cost", ["Alpha", "Beta"])
    server = Server(tmp / "app.db", tmp / "app.log")
    try:
        page = await Page.open(server.url, f"session={created.session.code}", poll=False)
        await page.finished_since(0, 60)
        await join(page, "Alpha", "Ann", random.Random(1), 60)

        async def new_reason(i: int) -> None:
            # as a person types and leaves the field: a full run, which draws the button enabled again
            label = next(w for w in page.widgets if w.startswith("Why is") and w.endswith("at the top?"))
            since = time.monotonic()
            await page.change(label, string_value=f"reason {i}")
            await page.finished_since(since, 30)

        per_click = await clicks(page, server.pid, n, new_reason, "app")
        return (*per_click, await polls(page, server.pid, n, "app"))
    finally:
        server.stop()


async def floor(n: int, tmp: Path) -> tuple[float, float, float]:
    server = Server(tmp / "floor.db", tmp / "floor.log", script=ROOT / "benchmarks" / "floor_app.py")
    try:
        page = await Page.open(server.url, "", poll=False)
        await page.finished_since(0, 60)
        per_click = await clicks(page, server.pid, n, name="floor")
        return (*per_click, await polls(page, server.pid, n, "floor"))
    finally:
        server.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=300)
    parser.add_argument(
        "--profile",
        default="",
        help="py-spy raw profiles: FILE.app.clicks, FILE.app.polls, FILE.floor.clicks, FILE.floor.polls",
    )
    args = parser.parse_args(argv)
    global PROFILE
    PROFILE = args.profile
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        app_cpu, app_wall, app_poll = asyncio.run(app(args.clicks, tmp))
        floor_cpu, floor_wall, floor_poll = asyncio.run(floor(args.clicks, tmp))
    print(
        f"server CPU per click: app {app_cpu * 1000:.2f} ms, floor {floor_cpu * 1000:.2f} ms, "
        f"ratio {app_cpu / floor_cpu:.2f}x"
    )
    print(
        f"wall per click:       app {app_wall * 1000:.2f} ms, floor {floor_wall * 1000:.2f} ms, "
        f"ratio {app_wall / floor_wall:.2f}x"
    )
    print(
        f"server CPU per poll:  app {app_poll * 1000:.2f} ms, floor {floor_poll * 1000:.2f} ms, "
        f"ratio {app_poll / floor_poll:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
