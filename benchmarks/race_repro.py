#!/usr/bin/env python
"""Minimal reproduction of a Streamlit race: a fragment poll that arrives as a run ends drops that run's output.

    python benchmarks/race_repro.py            # Streamlit as it is: the click's output never arrives
    python benchmarks/race_repro.py --natural  # no widening: N tries at the natural window, counts the drops

The app is eight lines: a fragment that polls (``run_every``) and a button whose run writes "clicked".

Mechanism (streamlit 1.67, ``runtime/app_session.py``): the script thread finishes the button's run and
its ScriptRequests state becomes STOP; its last deltas and ``SCRIPT_STOPPED_WITH_SUCCESS`` are still
queued for the event loop (``call_soon_threadsafe``). The poll's ``rerun_script`` arrives: ``request_rerun``
sees ``self._scriptrunner.request_rerun()`` return False and calls ``_create_scriptrunner``; the queued
events then reach ``_handle_scriptrunner_event_on_event_loop`` with ``sender is not self._scriptrunner``
and are discarded ("Ignoring event from non-current ScriptRunner"). On the wire: ``new_session`` of the
click's run, then ``new_session`` of the fragment run, and never the click's deltas nor its
``script_finished``. The browser keeps the old page; later polls only redraw the fragment.

By default the window is widened so that it is hit every time: ``benchmarks/hooks/sitecustomize.py``
(``TRUSTCORE_LATE_ARM``) holds the click's runner's events back for a second after it shut down, and the
client sends its poll in that second, as a poll landing in the few microseconds of the natural window
would. The comment at ``app_session.py`` ``request_rerun`` (streamlit#9921) guards only fragments that a
full run removed; this fragment still exists.

Expected (the bug): "clicked" missing, and the click run's script_finished missing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from stprotocol import Page  # noqa: E402

from tests.appserver import Server  # noqa: E402

APP = """import streamlit as st

@st.fragment(run_every=1)
def poll():
    st.caption("poll")

poll()
if st.button("Go"):
    st.write("clicked")
"""


async def attempt(url: str, arm: Path | None, mark: Path | None) -> tuple[bool, list[str]]:
    page = await Page.open(url, "", poll=False)
    fragments: list[str] = []
    wire: list[str] = []
    page.on_message = lambda m: (
        fragments.append(m.auto_rerun.fragment_id) if m.WhichOneof("type") == "auto_rerun" else None,
        wire.append(
            m.WhichOneof("type")
            + (f" fragments={list(m.metadata.run.fragment_ids)}" if m.WhichOneof("type") == "new_session" else "")
        ),
    )
    await page.rerun()
    await page.wait_for(lambda: "Go" in page.widgets and fragments, 30)
    wire.clear()
    if arm:
        arm.touch()
    sent = await page.click("Go")
    if mark:
        await page.wait_for(lambda: mark.exists() and "stopped" in mark.read_text(), 30)
    await page.rerun(fragment_id=fragments[0], auto=True)  # the poll
    got = await page.wait_for_text("clicked", sent, 3)
    await page.close()
    return got is not None, wire


async def main_async(args) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="race-repro-"))
    app = tmp / "app.py"
    app.write_text(APP)
    env = {}
    arm = mark = None
    if not args.natural:
        arm, mark = tmp / "arm", tmp / "mark"
        env = {
            "PYTHONPATH": os.pathsep.join(
                [str(ROOT / "benchmarks" / "hooks"), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "TRUSTCORE_LATE_ARM": str(arm),
            "TRUSTCORE_LATE_S": "1.0",
            "TRUSTCORE_POLL_MARK": str(mark),
        }
    server = Server(tmp / "unused.db", tmp / "streamlit.log", env=env, script=app)
    try:
        lost = 0
        for i in range(args.tries):
            if mark and mark.exists():
                mark.unlink()
            shown, wire = await attempt(server.url, arm, mark)
            lost += not shown
            if i == 0 or not shown:
                print(f"try {i + 1}: the click's output {'arrived' if shown else 'was DROPPED'}; on the wire:")
                print("   " + "\n   ".join(wire))
        print(f"\n{lost} of {args.tries} clicks lost their output")
        return 0
    finally:
        server.stop()
        time.sleep(0.1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--natural", action="store_true", help="no widening of the window")
    parser.add_argument("--tries", type=int, default=1)
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
