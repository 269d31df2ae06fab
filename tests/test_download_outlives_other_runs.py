"""A file made by a click can still be fetched after other tabs' runs have ended (a real server).

Streamlit keeps a file made by a ``download_button`` click only until two script runs (of any tab) have
ended without it on their page; in a live room, a hundred polling tabs end dozens of runs a second, so a
phone whose request for the file came a round trip later found it gone (HTTP 404, and one click in twelve
failed in ``benchmarks/download_burst.py --latency 0.2``). ``ui.streamlit_internals.keep_made_files`` keeps
each made file for a while (``docs/streamlit-internals.md`` §8); this test fetches the file only after other
tabs have run several times since the click. The workbook, a zip already, is sent as it is
(``serve_zips_as_they_are``).
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
from appserver import ROOT, Server

from trustcore.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))
from download_burst import FILES, make_session, open_downloads  # noqa: E402
from stprotocol import Page  # noqa: E402


def test_a_made_file_is_still_served_after_other_tabs_have_run(tmp_path):
    db = tmp_path / "late.db"
    session = make_session(Store(db).initialise(), 3, 2, False, 1)
    server = Server(db, tmp_path / "streamlit.log")

    async def scenario() -> list[int]:
        page = await open_downloads(server.url, f"session={session.code}&me={session.tokens[0]}", 60)
        others = [await Page.open(server.url, f"session={session.code}&me={t}", poll=False) for t in session.tokens[1:]]
        statuses, encodings = [], []
        async with httpx.AsyncClient() as client:
            for label in FILES:
                answer = await page.deferred_file(label, 60)
                assert answer is not None and not answer.error_msg, answer
                for other in others * 2:  # four runs of other tabs end before the phone's request arrives
                    sent = time.monotonic()
                    await other.rerun()
                    assert await other.finished_since(sent, 60)
                got = await client.get(server.url + answer.deferred_file.url, timeout=60)  # accepts gzip
                statuses.append(got.status_code)
                encodings.append(got.headers.get("content-encoding"))
        for p in [page, *others]:
            await p.close()
        return statuses, encodings

    try:
        statuses, encodings = asyncio.run(scenario())
        assert statuses == [200, 200]
        # the workbook is a zip already: sent as it is; the report's HTML is compressed
        assert encodings == [None, "gzip"]
    finally:
        server.stop()
