#!/usr/bin/env python
"""A room that downloads at once: N participants download the workbook and the report within a few seconds
while the room's pages poll, and someone submits meanwhile.

    python benchmarks/download_burst.py --participants 100 [--parties 4] [--window 10] [--internal] [--runs 1]

Each run, on a fresh database and a fresh ``streamlit run app.py``:

1. The session is made through the core: N participants joined and ranked round 1 (each with a reason),
   the round revealed, a next step and a stakeholder's answers added. With ``--internal`` each party
   also marks a worksheet entry internal, so each party's members need a copy of their own. A second
   session on the same server has participants in an open round: the live pages that submit.
2. N pages (``stprotocol.Page``, one per participant, with their personal link) open the comparison page
   and its *Download* section, and poll as browsers do; so do the other session's ranking pages.
3. **One build**: the first participant downloads the workbook and the report while nothing is built yet
   (a button's callable, then the file's URL, as the browser does): the server's CPU for the two files.
   Then the facilitator adds a next step, so the burst starts with nothing built (the last change of a
   workshop), and every tab reruns for it (the room watcher); the burst waits until they have.
4. **Floor**: ``--probes`` of those ranking pages submit, one a second, while the room polls: the time
   from the click to "Your ranking is stored".
5. **Burst**: every participant downloads its workbook, then its report, each starting at a random moment
   within ``--window`` seconds; ``--probes`` other ranking pages submit, spread over the window. The
   server's CPU from the first click until the last file arrived, as a ratio of one build's (target: at
   most 3); each submit's confirmation time against the floor's median (target: at most 3x).

The load generator runs on the same machine (it receives every file: about 5 MB a report), so the
server's CPU is read from ``/proc``, never the machine's. Streamlit's server gzips every download it
serves, on every request, when the client accepts it (browsers do): for the report (plotly.js inside,
~4.5 MB) that costs about as much as building it, per download, outside the app.
``--accept-encoding identity`` measures the burst as behind a proxy that compresses instead. Exit status: 0 when every file arrived whole
and every submit was confirmed; timing targets print PASS/FAIL and do not change it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import httpx  # noqa: E402
from room_load import PARTY_NAMES, cpu_seconds, pct, py_spy, status_mb, stop_profiler  # noqa: E402
from stprotocol import Page  # noqa: E402

from tests.appserver import Server  # noqa: E402
from trustcore.followup.next_steps import add_next_step  # noqa: E402
from trustcore.followup.survey import new_survey_link, submit_feedback  # noqa: E402
from trustcore.followup.worksheet_entries import set_worksheet_entry  # noqa: E402
from trustcore.store import Store  # noqa: E402

SHELF = "CSV files, the Excel workbook, a printable report"
FILES = ("Excel workbook (your copy)", "Printable report (your copy)")
SUBMIT = "Submit my ranking"
CONFIRMATION = "Your ranking is stored (submitted at"
TARGET_BUILDS = 3.0
TARGET_SUBMIT_RATIO = 3.0


@dataclass
class Session:
    code: str
    tokens: list[str]
    facilitator: str


def make_session(store: Store, participants: int, parties: int, internal: bool, seed: int) -> Session:
    rng = random.Random(seed)
    made = store.create_session("Download burst", PARTY_NAMES[:parties])
    s, fac = made.session, made.facilitator_token
    if participants > s.join_cap:
        from trustcore.joining import set_joining

        set_joining(store.open(s.code, fac), cap=participants)
    ids = list(s.catalogue.ids)
    tokens = []
    for i in range(participants):
        token = store.join(s.code, s.parties[i % parties].id, f"P{i:03d}").token
        order = ids[:]
        rng.shuffle(order)
        store.submit(s.code, token, order, {order[0]: f"Reason {i} for the top"}, round_number=1)
        tokens.append(token)
    store.reveal(s.code, fac, round_number=1)
    view = store.open(s.code, fac)
    add_next_step(view, ids[0], "Publish the data protection impact assessment", owner_party_id=s.parties[0].id)
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(store.open(s.code, survey), "A stakeholder", {e: {"trust": 3, "comment": "Fine"} for e in ids[:3]})
    for party in s.parties if internal else ():
        set_worksheet_entry(store.open(s.code, fac), ids[1], party.id, "C", f"{party.name} only", internal=True)
    return Session(s.code, tokens, fac)


def ranking_session(store: Store, people: int) -> Session:
    """Another session on the same server, ``people`` participants in an open round, none submitted yet:
    the pages that submit (each once, so its confirmation can only be its own)."""
    made = store.create_session("Still ranking", PARTY_NAMES[:2])
    s = made.session
    tokens = [store.join(s.code, s.parties[i % 2].id, f"Late {i}").token for i in range(people)]
    return Session(s.code, tokens, made.facilitator_token)


async def open_downloads(url: str, query: str, timeout: float) -> Page:
    """A participant's comparison page with its Download section open."""
    page = await Page.open(url, query, page_name="compare")
    if not await page.wait_for(lambda: SHELF in page.widgets, timeout):
        raise RuntimeError(f"no Download section; the page shows {page.texts[-3:]!r}")
    await page.change(SHELF, bool_value=True)
    if not await page.wait_for(lambda: all(f in page.widgets for f in FILES), timeout):
        raise RuntimeError(f"no download buttons; the page has {sorted(page.widgets)!r}")
    return page


async def download(
    page: Page, client: httpx.AsyncClient, base: str, label: str, timeout: float, latency: float = 0.0
) -> tuple[float, int, list[str]]:
    """Click ``label`` and fetch its file: (seconds from the first click to the whole file, its size, why
    earlier clicks failed). A click that fails is made again, as a person would, up to three times: a
    rerun of the page replaces its buttons' file ids ("Deferred file ... not found"), and Streamlit
    drops a made file once two script runs (any tab's) have ended without it referenced, so a fetch
    that comes late under load finds nothing (HTTP 404)."""
    t0 = time.monotonic()
    why: list[str] = []
    for _ in range(3):
        before = page.widget(label).proto.deferred_file_id  # type: ignore[attr-defined]
        answer = await page.deferred_file(label, timeout)
        if answer is None:
            why.append("no answer")
            continue
        if answer.error_msg:  # type: ignore[attr-defined]
            why.append(answer.error_msg)  # type: ignore[attr-defined]
            await page.wait_for(lambda old=before: page.widget(label).proto.deferred_file_id != old, 5)  # type: ignore[attr-defined,misc]
            continue
        url = answer.deferred_file.url  # type: ignore[attr-defined]
        await asyncio.sleep(latency)  # the browser's request reaches the server a round trip later
        try:
            got = await client.get(base + url if url.startswith("/") else url, timeout=timeout)
        except httpx.HTTPError as exc:
            why.append(type(exc).__name__)
            continue
        if got.status_code != 200:
            why.append(f"HTTP {got.status_code}")
            continue
        return time.monotonic() - t0, len(got.content), why
    return time.monotonic() - t0, 0, why


async def submit(page: Page, timeout: float) -> float | None:
    sent = await page.click(SUBMIT)
    got = await page.wait_for_text(CONFIRMATION, sent, timeout)
    return None if got is None else got - sent


@dataclass
class RunResult:
    participants: int
    one_build_cpu: float
    floor: list[float]
    burst_cpu: float
    burst_wall: float
    downloads: list[float] = field(default_factory=list)  # click -> whole file, every file
    failed: int = 0
    probes: list[float | None] = field(default_factory=list)
    megabytes: float = 0.0
    why: list[str] = field(default_factory=list)  # why clicks failed (each made again, up to three times)
    rss_hwm_mb: float = 0.0

    @property
    def builds(self) -> float:
        return self.burst_cpu / self.one_build_cpu if self.one_build_cpu else float("nan")

    @property
    def submit_ratio(self) -> float:
        done = [p for p in self.probes if p is not None]
        floor = statistics.median(self.floor) if self.floor else float("nan")
        return max(done) / floor if done and floor else float("nan")


async def one_run(args, tmp: Path, run: int) -> RunResult:
    db = tmp / f"burst-{run}.db"
    store = Store(db).initialise()
    session = make_session(store, args.participants, args.parties, args.internal, run)
    other = ranking_session(store, 2 * args.probes)
    server = Server(db, tmp / f"app-{run}.log")
    pid = server.pid
    limits = httpx.Limits(max_connections=args.participants * 2, max_keepalive_connections=0)  # a browser's own
    headers = {"Accept-Encoding": args.accept_encoding}
    try:
        async with httpx.AsyncClient(limits=limits, headers=headers) as client:
            gate = asyncio.Semaphore(args.concurrency)

            async def opened(token: str) -> Page:
                async with gate:
                    return await open_downloads(server.url, f"session={session.code}&me={token}", args.timeout)

            pages = list(await asyncio.gather(*(opened(t) for t in session.tokens)))
            rankers = []
            for token in other.tokens:
                ranker = await Page.open(server.url, f"session={other.code}&me={token}", page_name="rank")
                if not await ranker.wait_for(lambda: SUBMIT in ranker.widgets, args.timeout):  # noqa: B023
                    raise RuntimeError(f"no ranking page; it shows {ranker.texts[-3:]!r}")
                rankers.append(ranker)
            await asyncio.sleep(2.5)  # every page's poll timers running

            result_why: list[str] = []
            cpu0 = cpu_seconds(pid)
            for label in FILES:
                _, size, why = await download(pages[0], client, server.url, label, args.timeout)
                if not size:
                    raise RuntimeError(f"{label}: no file ({why})")
                result_why.extend(why)
            one_build = cpu_seconds(pid) - cpu0
            view = store.open(session.code, session.facilitator)
            changed = time.monotonic()
            add_next_step(view, view.session.catalogue.ids[1], "Agree the review date", owner_party_id=None)
            # every tab of the room reruns for the change (the room watcher), with new download buttons:
            # the burst starts once the room is quiet again
            await asyncio.gather(*(p.finished_since(changed, args.timeout) for p in pages))
            await asyncio.sleep(2.0)

            floor = []
            for ranker in rankers[: args.probes]:
                await asyncio.sleep(1.0)
                took = await submit(ranker, args.timeout)
                if took is None:
                    raise RuntimeError("a submit before the burst was not confirmed")
                floor.append(took)
            await asyncio.sleep(1.0)

            rng = random.Random(run)
            starts = sorted(rng.uniform(0, args.window) for _ in pages)
            rng.shuffle(pages)
            result = RunResult(args.participants, one_build, floor, 0.0, 0.0, why=result_why)

            async def participant(page: Page, at: float, t0: float) -> None:
                await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
                for label in FILES:
                    took, size, why = await download(page, client, server.url, label, args.timeout, args.latency)
                    result.downloads.append(took)
                    result.failed += size == 0
                    result.why.extend(why)
                    result.megabytes += size / 2**20

            async def probes(t0: float) -> None:
                for k, ranker in enumerate(rankers[args.probes :]):
                    at = (k + 0.5) * args.window / args.probes
                    await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
                    result.probes.append(await submit(ranker, args.timeout))

            spy = py_spy(pid, f"{args.profile}.{run}", rate=500, fmt="raw") if args.profile else None
            cpu0, t0 = cpu_seconds(pid), time.monotonic()
            await asyncio.gather(probes(t0), *(participant(p, at, t0) for p, at in zip(pages, starts)))
            result.burst_cpu, result.burst_wall = cpu_seconds(pid) - cpu0, time.monotonic() - t0
            stop_profiler(spy)
            result.rss_hwm_mb = status_mb(pid, "VmHWM")
            for p in [*rankers, *pages]:
                if p.errors:
                    raise RuntimeError(f"client errors: {p.errors[:3]}")
            await asyncio.gather(*(p.close() for p in [*rankers, *pages]))
            return result
    finally:
        server.stop()


def report(results: list[RunResult], args) -> None:
    def row(label: str, values: list[str]) -> None:
        print(f"{label:<52}" + "".join(f"{v:>14}" for v in values))

    print(
        f"\n== download burst: {results[0].participants} participants, {args.parties} parties"
        f"{' (each with an internal entry)' if args.internal else ''}, window {args.window:g} s, "
        f"Accept-Encoding: {args.accept_encoding}, {len(results)} run(s) =="
    )
    row("", [f"run {i + 1}" for i in range(len(results))])
    row("one build: workbook + report, server CPU", [f"{r.one_build_cpu:.2f} s" for r in results])
    row("files downloaded whole / asked", [f"{2 * r.participants - r.failed} / {2 * r.participants}" for r in results])
    row("clicks made again (see run notes below)", [str(len(r.why)) for r in results])
    row("data sent", [f"{r.megabytes:.0f} MB" for r in results])
    row("burst: server CPU", [f"{r.burst_cpu:.2f} s" for r in results])
    row("burst: server CPU in builds (ratio to one build)", [f"{r.builds:.2f}" for r in results])
    row("burst: first click to last file", [f"{r.burst_wall:.1f} s" for r in results])
    row("click -> whole file p50", [f"{pct(r.downloads, 50):.2f} s" for r in results])
    row("click -> whole file p95", [f"{pct(r.downloads, 95):.2f} s" for r in results])
    row("submit floor (median, room polling)", [f"{statistics.median(r.floor):.3f} s" for r in results])
    row(
        "submits during the burst",
        [", ".join("lost" if p is None else f"{p:.3f}" for p in r.probes) for r in results],
    )
    row("worst submit in the burst / floor", [f"{r.submit_ratio:.2f}x" for r in results])
    row("server memory high-water mark (VmHWM)", [f"{r.rss_hwm_mb:.0f} MB" for r in results])
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    print()
    print(f"{verdict(all(r.failed == 0 for r in results))}  every file downloaded whole")
    worst = max(r.builds for r in results)
    print(f"{verdict(worst <= TARGET_BUILDS)}  burst CPU <= {TARGET_BUILDS:g} builds in every run (worst {worst:.2f})")
    ratio = max(r.submit_ratio for r in results)
    print(
        f"{verdict(ratio <= TARGET_SUBMIT_RATIO)}  a submit in the burst confirms within "
        f"{TARGET_SUBMIT_RATIO:g}x the floor in every run (worst {ratio:.2f}x)"
    )


async def main_async(args) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="download-burst-"))
    results = []
    for run in range(args.runs):
        results.append(await one_run(args, tmp, run))
        print(f"run {run + 1}: {results[-1].builds:.2f} builds, submit {results[-1].submit_ratio:.2f}x", flush=True)
    report(results, args)
    bad = any(r.failed or None in r.probes for r in results)
    for i, r in enumerate(results, start=1):
        for why in sorted(set(r.why)):
            print(f"run {i}: a click failed ({r.why.count(why)} times): {why}")
    if bad:
        print(f"server logs in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--parties", type=int, default=4)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which the downloads start")
    parser.add_argument("--internal", action="store_true", help="each party marks a worksheet entry internal")
    parser.add_argument("--probes", type=int, default=3, help="submits for the floor, and during the burst")
    parser.add_argument(
        "--accept-encoding",
        default="gzip, deflate",
        help="what the downloads accept; a browser's default makes Streamlit gzip every file it serves, "
        "'identity' leaves that to a proxy in front",
    )
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds from a click's answer to its file's request (a phone's round trip)",
    )
    parser.add_argument(
        "--profile", help="py-spy on the server during each burst: raw folded stacks in FILE.<run> (costs CPU too)"
    )
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--concurrency", type=int, default=10, help="pages opening at once")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
