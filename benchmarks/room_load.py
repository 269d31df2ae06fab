#!/usr/bin/env python
"""The live room without browsers: N participants over Streamlit's websocket protocol, and the floor beside them.

    python benchmarks/room_load.py --participants 100 [--parties 4] [--runs 5] [--reveal] [--idle 10]

Each run, on a fresh database and a fresh ``streamlit run app.py``:

1. N pages (``stprotocol.Page``: one websocket, one Streamlit session each) open the share link, choose a
   party, type a name, press *Join and start ranking*, and set the sortable to a random order (the
   component's value, as a drop sends it). Every page polls as a browser does (it answers ``auto_rerun``).
2. **Idle**: the server's CPU while the N joined pages only poll, for ``--idle`` seconds.
3. **Submit burst**: all N press *Submit my ranking* within a second. For each page, the time from its
   click to the arrival of "Your ranking is stored"; a page without it after ``--timeout`` seconds is
   *stuck*. Then the database: each participant's stored order must be exactly the order it sent.
4. **Reveal burst** (``--reveal``): the facilitator's console (a page of its own, open from the start)
   presses *Reveal results*; for each participant's page, the time from that click until the
   comparison's headline arrives, with no click of theirs.
5. Memory: the server's resident set high-water mark (VmHWM).

Then the **floor**, in the same run: a one-button Streamlit page (``floor_app.py``) on its own server gets
the same N connections and the same burst of clicks. The app's p95 is printed as a ratio of the floor's.

``--profile FILE`` records the server with py-spy during the submit burst (a flame graph in SVG, or
``--profile-format raw`` for folded stacks); py-spy must be installed (``requirements-dev.txt``).

``--postgres`` runs the app on a PostgreSQL database (a throwaway cluster from Debian's binaries,
``tests/pg.py``) instead of SQLite; ``--replicas N`` starts N app servers on that one database and spreads
the participants over them (the console on the last one), as nginx's sticky sessions would. CPU and
memory are then the sum over the replicas.

Exit status: 0 when every run had no stuck page, no lost or wrong ranking and no client error; 1 otherwise.
Timing targets are printed as PASS/FAIL and do not change the exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from stprotocol import Page  # noqa: E402

from tests.appserver import Server, hooked  # noqa: E402
from trustcore.joining import set_joining  # noqa: E402
from trustcore.results import round_results  # noqa: E402
from trustcore.store import Store  # noqa: E402
from trustcore.text import markdown_escape  # noqa: E402

# The whole room joins from this machine, one address: the servers started here allow it (trustcore.limits).
os.environ.setdefault("TRUSTCORE_JOINS_PER_MINUTE", "100000")

CONFIRMATION = "Your ranking is stored (submitted at"
JOIN_RADIO = "Which party are you ranking for?"
NAME_INPUT = "Your name (optional)"
JOIN_BUTTON = "Join and start ranking"
SUBMIT = "Submit my ranking"
PARTY_NAMES = [
    "CityBus",
    "Council",
    "Health board",
    "University",
    "Water company",
    "Police",
    "Library",
    "Hospital",
    "Charity",
    "School",
    "Housing",
    "Transport",
]
CLK_TCK = os.sysconf("SC_CLK_TCK")
TARGET_RATIO = 3.0
TARGET_REVEAL_S = 2.0
TARGET_IDLE_CORES = 0.1


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_all(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def status_mb(pid: int, key: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)
    stuck: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    spread_s: float = 0.0  # between the first and the last click sent
    idle_cores: float = 0.0  # before the burst, every page polling

    @property
    def p50(self) -> float:
        return pct(self.latencies, 50)

    @property
    def p95(self) -> float:
        return pct(self.latencies, 95)


async def burst(pages: list[Page], label: str, needle: str, timeout: float, pid: int | list[int]) -> Burst:
    """All pages click ``label`` together; time each until ``needle`` arrives (CPU: of every pid given)."""
    pids = pid if isinstance(pid, list) else [pid]
    cpu0, t0 = cpu_all(pids), time.monotonic()
    sent = await asyncio.gather(*(p.click(label) for p in pages))
    got = await asyncio.gather(*(p.wait_for_text(needle, s, timeout) for p, s in zip(pages, sent)))
    out = Burst(
        latencies=[g - s for g, s in zip(got, sent) if g is not None],
        stuck=sum(g is None for g in got),
        spread_s=max(sent) - min(sent),
    )
    out.cpu_s, out.wall_s = cpu_all(pids) - cpu0, time.monotonic() - t0
    return out


async def open_pages(url: str, queries: list[str], concurrency: int) -> list[Page]:
    gate = asyncio.Semaphore(concurrency)

    async def one(query: str) -> Page:
        async with gate:
            page = await Page.open(url, query)
            await page.finished_since(0, 60)
            return page

    return list(await asyncio.gather(*(one(q) for q in queries)))


async def join(page: Page, party: str, name: str, rng: random.Random, timeout: float) -> list[str]:
    """Join ``party`` as ``name`` and put the sortable in a random order; returns that order (labels)."""
    radio = page.widget(JOIN_RADIO).proto
    option = next(o for o in radio.options if o.startswith(markdown_escape(party)))
    page.set_value(JOIN_RADIO, string_value=option)
    page.set_value(NAME_INPUT, string_value=name)
    await page.click(JOIN_BUTTON)
    if not await page.wait_for(
        lambda: SUBMIT in page.widgets and any(w.kind == "component_instance" for w in page.widgets.values()), timeout
    ):
        raise RuntimeError(f"{name}: the ranking page did not appear; the page shows {page.texts[-3:]!r}")
    order = page.sortable_items()
    rng.shuffle(order)
    page.reorder(page.sortable_label(), order)
    since = time.monotonic()
    await page.rerun()
    await page.finished_since(since, timeout)
    return order


@dataclass
class RunResult:
    participants: int
    submit: Burst
    floor: Burst | None
    reveal: Burst | None
    idle_cores: float
    rss_hwm_mb: float
    stored: int
    exact: int
    errors: list[str]
    join_s: float
    idle_rss_mb: float = 0.0

    @property
    def ratio(self) -> float:
        return self.submit.p95 / self.floor.p95 if self.floor and self.floor.p95 else float("nan")


async def run_app(args, tmp: Path, run: int, pg_server: str | None = None) -> tuple[RunResult, Server]:
    if pg_server:
        import pg  # tests/pg.py

        db: Path | str = pg.create_database(pg_server, f"room_{run}")
    else:
        db = tmp / f"room-{run}.db"
    store = Store(db).initialise()
    parties = PARTY_NAMES[: args.parties]
    created = store.create_session("Live room", parties)
    code = created.session.code
    if args.participants > created.session.join_cap:  # as the facilitator would, before a room this big
        set_joining(store.open(code, created.facilitator_token), cap=args.participants)
    names = created.session.catalogue.names
    by_label = {label: eid for eid, label in names.items()}
    runlogs = [tmp / f"runs-{run}-{k}.jsonl" for k in range(args.replicas)]
    servers = [
        Server(
            db,  # type: ignore[arg-type]
            tmp / f"app-{run}-{k}.log",
            env=hooked(TRUSTCORE_RUNLOG_OUT=str(runlogs[k])) if args.runlog else None,
            flags=[f"--{o}" for o in args.set],
        )
        for k in range(args.replicas)
    ]
    server = servers[0]
    pids = [s.pid for s in servers]
    errors: list[str] = []
    try:
        t0 = time.monotonic()
        console = (await open_pages(servers[-1].url, [f"session={code}&admin={created.facilitator_token}"], 1))[0]
        spread = [
            await open_pages(
                srv.url, [f"session={code}"] * len(range(k, args.participants, len(servers))), args.concurrency
            )
            for k, srv in enumerate(servers)
        ]
        pages = [spread[i % len(servers)][i // len(servers)] for i in range(args.participants)]
        rng = random.Random(run)
        gate = asyncio.Semaphore(args.concurrency)

        async def joined(i: int, page: Page) -> list[str]:
            async with gate:
                return await join(page, parties[i % len(parties)], f"P{i:03d}", rng, args.timeout)

        orders = await asyncio.gather(*(joined(i, p) for i, p in enumerate(pages)))
        join_s = time.monotonic() - t0
        await asyncio.sleep(2.5)  # every page's poll timers running
        cpu0 = cpu_all(pids)
        await asyncio.sleep(args.idle)
        idle_cores = (cpu_all(pids) - cpu0) / args.idle
        idle_rss = sum(status_mb(pid, "VmRSS") for pid in pids)
        if args.profile:  # py-spy costs the server CPU too: the idle figure above is taken without it
            profiler = start_profiler(args, server.pid, run, "idle")
            await asyncio.sleep(args.idle)
            stop_profiler(profiler)
        profiler = start_profiler(args, server.pid, run, "submit")
        clicked = time.time()
        submit = await burst(pages, SUBMIT, CONFIRMATION, args.timeout, pids)
        stop_profiler(profiler)
        if args.runlog:
            print(f"run {run + 1}: script runs in the submit burst: {count_runs(runlogs, clicked, time.time())}")
        stored = {r.participant: r for r in store._rankings(code)}
        exact = sum(
            1
            for i, order in enumerate(orders)
            if (r := stored.get(f"P{i:03d}")) and list(r.order) == [by_label[x] for x in order]
        )
        reveal = None
        if args.reveal:
            res = round_results(store._session(code), store._rankings(code, 1), 1)
            profiler = start_profiler(args, server.pid, run, "reveal")
            await console.wait_for(lambda: "Reveal results" in console.widgets, args.timeout)
            cpu0 = cpu_all(pids)
            since_wall = time.time()
            since = await console.click("Reveal results")  # as the facilitator does, on the console
            got = await asyncio.gather(
                *(p.wait_for_text(markdown_escape(res.headline.summary), since, args.timeout) for p in pages)
            )
            reveal = Burst(
                latencies=[g - since for g in got if g is not None],
                stuck=sum(g is None for g in got),
                cpu_s=cpu_all(pids) - cpu0,
            )
            stop_profiler(profiler)
            if args.debug:
                lat = sorted(reveal.latencies)
                print("reveal latencies (deciles):", [round(lat[int(i * (len(lat) - 1) / 10)], 3) for i in range(11)])
                print(
                    "console finished after the click:",
                    [round(a - since, 3) for a, _ in console.finished if a >= since],
                )
                if args.runlog:
                    print("reveal runs:", run_timeline(runlogs, since_wall))
                print("texts after the reveal:", [t for at, t in pages[0].texts if at >= since][:12])
                print(
                    "round:", store._session(code).round, "console:", [t for at, t in console.texts if at >= since][:6]
                )
        for p in pages:
            errors += p.errors
        result = RunResult(
            args.participants,
            submit,
            None,
            reveal,
            idle_cores,
            sum(status_mb(pid, "VmHWM") for pid in pids),
            len(stored),
            exact,
            errors,
            join_s,
            idle_rss,
        )
        await asyncio.gather(*(p.close() for p in [console, *pages]))
        return result, server
    finally:
        for srv in servers:
            srv.stop()
        if pg_server:
            from trustcore import db as dbmod

            dbmod.close_shared()


async def run_floor(args, tmp: Path, run: int) -> Burst:
    server = Server(
        tmp / "floor.db",
        tmp / f"floor-{run}.log",
        script=ROOT / "benchmarks" / "floor_app.py",
        flags=[f"--{o}" for o in args.set],
    )
    try:
        pages = await open_pages(server.url, [""] * args.participants, args.concurrency)
        await asyncio.sleep(2.5)
        cpu0 = cpu_seconds(server.pid)
        await asyncio.sleep(args.idle)
        idle = (cpu_seconds(server.pid) - cpu0) / args.idle
        out = await burst(pages, SUBMIT, "Your ranking is stored", args.timeout, server.pid)
        out.idle_cores = idle
        await asyncio.gather(*(p.close() for p in pages))
        return out
    finally:
        server.stop()


def start_profiler(args, pid: int, run: int, phase: str):
    """py-spy on the server for one burst: ``FILE.<phase>[.<run>]`` (py-spy samples the whole process)."""
    if not args.profile:
        return None
    out = f"{args.profile}.{phase}" + (f".{run}" if args.runs > 1 else "")
    return py_spy(pid, out, rate=args.profile_rate, fmt=args.profile_format, gil=args.profile_gil)


def py_spy(pid: int, out: str, *, rate: int, fmt: str, gil: bool = False) -> subprocess.Popen:
    """Start ``py-spy record`` on ``pid`` into ``out`` (stop it with ``stop_profiler``), once it has attached."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    cmd = [spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", fmt, "--output", out, "--nonblocking"]
    proc = subprocess.Popen(cmd + (["--gil"] if gil else []), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # py-spy attaches
    return proc


def count_runs(runlogs: list[Path], start: float, end: float) -> str:
    """How many fragment and full page runs the servers started between ``start`` and ``end`` (the run
    log of ``benchmarks/hooks``), with their CPU: a full run in the submit burst is a page Streamlit
    dropped the output of, repaired by ``ui/healing.py``."""
    runs = [
        r
        for log in runlogs
        if log.exists()
        for r in (json.loads(x) for x in log.read_text().splitlines() if x.strip())
        if "start" in r and start <= r["start"] <= end
    ]
    fragments = [r for r in runs if r["fragment"]]
    full = [r for r in runs if not r["fragment"]]
    cpu = lambda rs: sum(r["cpu"] for r in rs)  # noqa: E731
    return f"{len(fragments)} fragment ({cpu(fragments):.2f} s CPU), {len(full)} full ({cpu(full):.2f} s CPU)"


def run_timeline(runlogs: list[Path], since: float) -> str:
    """Deciles of when the runs after ``since`` started and ended, fragment and full runs apart (seconds
    after ``since``), and their thread CPU: where a burst's time goes."""
    runs = [
        r
        for log in runlogs
        if log.exists()
        for r in (json.loads(x) for x in log.read_text().splitlines() if x.strip())
        if "start" in r and r["start"] >= since
    ]
    out = []
    for kind, rs in (
        ("fragment", [r for r in runs if r["fragment"]]),
        ("full", [r for r in runs if not r["fragment"]]),
    ):
        if not rs:
            continue
        starts = sorted(r["start"] - since for r in rs)
        ends = sorted(r["end"] - since for r in rs)
        deciles = lambda xs: [round(xs[int(i * (len(xs) - 1) / 10)], 2) for i in range(11)]  # noqa: E731
        cpu = sum(r["cpu"] for r in rs)
        out.append(f"{len(rs)} {kind} runs ({cpu:.2f} s CPU), starts {deciles(starts)}, ends {deciles(ends)}")
    return "; ".join(out)


def stop_profiler(proc) -> None:
    if proc is not None:
        proc.send_signal(2)
        proc.wait(30)


def report(results: list[RunResult]) -> None:
    def row(label: str, values: list[str]) -> None:
        print(f"{label:<44}" + "".join(f"{v:>14}" for v in values))

    print(f"\n== live room: {results[0].participants} participants, {len(results)} run(s) ==")
    row("", [f"run {i + 1}" for i in range(len(results))])
    row("rankings stored / exactly as sent", [f"{r.stored} / {r.exact}" for r in results])
    row("stuck pages (no confirmation)", [str(r.submit.stuck) for r in results])
    row("client errors", [str(len(r.errors)) for r in results])
    row("submit -> confirmation p50", [f"{r.submit.p50:.3f} s" for r in results])
    row("submit -> confirmation p95", [f"{r.submit.p95:.3f} s" for r in results])
    row("floor (one-button page) p50", [f"{r.floor.p50:.3f} s" if r.floor else "-" for r in results])
    row("floor (one-button page) p95", [f"{r.floor.p95:.3f} s" if r.floor else "-" for r in results])
    row("ratio p95 app / floor", [f"{r.ratio:.2f}x" for r in results])
    row("clicks sent within", [f"{r.submit.spread_s:.3f} s" for r in results])
    row("server CPU in the submit burst", [f"{r.submit.cpu_s:.2f} s" for r in results])
    row("floor server CPU in the same burst", [f"{r.floor.cpu_s:.2f} s" if r.floor else "-" for r in results])
    row("server CPU, all pages idle (polling)", [f"{r.idle_cores:.3f} cores" for r in results])
    row("floor server CPU, idle (polling)", [f"{r.floor.idle_cores:.3f} cores" if r.floor else "-" for r in results])
    if results[0].reveal:
        row("reveal -> headline p50", [f"{pct(r.reveal.latencies, 50):.3f} s" for r in results])
        row("reveal -> headline p95", [f"{pct(r.reveal.latencies, 95):.3f} s" for r in results])
        row("pages without the headline", [str(r.reveal.stuck) for r in results])
        row("server CPU until the last headline", [f"{r.reveal.cpu_s:.2f} s" for r in results])
    row("server memory, everyone joined and idle (VmRSS)", [f"{r.idle_rss_mb:.0f} MB" for r in results])
    row("server memory high-water mark (VmHWM)", [f"{r.rss_hwm_mb:.0f} MB" for r in results])
    row("joining everyone took", [f"{r.join_s:.1f} s" for r in results])
    ratios = [r.ratio for r in results]
    print()
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    print(f"{verdict(all(r.submit.stuck == 0 for r in results))}  0 stuck pages in every run")
    if not any(math.isnan(r) for r in ratios):  # without a floor (--no-floor) there is no ratio to judge
        print(
            f"{verdict(max(ratios) <= TARGET_RATIO)}  p95 submit <= {TARGET_RATIO:g}x the floor "
            f"in every run (median {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x)"
        )
    print(
        f"{verdict(max(r.idle_cores for r in results) <= TARGET_IDLE_CORES)}  idle pages cost <= "
        f"{TARGET_IDLE_CORES} core"
    )
    if results[0].reveal:
        print(
            f"{verdict(max(pct(r.reveal.latencies, 95) for r in results) < TARGET_REVEAL_S)}  reveal p95 < "
            f"{TARGET_REVEAL_S:g} s"
        )


async def main_async(args) -> int:
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import pg

        with pg.cluster() as server:
            return await _runs(args, server)
    return await _runs(args, None)


async def _runs(args, pg_server: str | None) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="room-load-"))
    results = []
    for run in range(args.runs):
        result, _ = await run_app(args, tmp, run, pg_server)
        if not args.no_floor:
            result.floor = await run_floor(args, tmp, run)
        results.append(result)
        print(
            f"run {run + 1}: stuck {result.submit.stuck}, p95 {result.submit.p95:.3f} s, "
            f"floor p95 {result.floor.p95 if result.floor else float('nan'):.3f} s",
            flush=True,
        )
    report(results)
    bad = any(r.submit.stuck or r.errors or r.exact != r.participants for r in results)
    if bad:
        for r in results:
            for e in r.errors[:5]:
                print("client error:", e)
        print(f"server logs in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--parties", type=int, default=4)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle polling to measure")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a page may take to confirm")
    parser.add_argument("--concurrency", type=int, default=20, help="pages joining at once")
    parser.add_argument("--reveal", action="store_true", help="also measure the reveal burst")
    parser.add_argument("--no-floor", action="store_true", help="skip the one-button floor")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a streamlit option for both servers, e.g. runner.fastReruns=true",
    )
    parser.add_argument("--postgres", action="store_true", help="run the app on a throwaway PostgreSQL database")
    parser.add_argument("--replicas", type=int, default=1, help="app servers on the one database")
    parser.add_argument("--debug", action="store_true", help="print what the first page received")
    parser.add_argument(
        "--runlog", action="store_true", help="count the fragment and full page runs of the submit burst"
    )
    parser.add_argument("--profile", metavar="FILE", help="py-spy record of the server in the submit burst")
    parser.add_argument("--profile-format", default="flamegraph", choices=["flamegraph", "raw", "speedscope"])
    parser.add_argument("--profile-rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument(
        "--profile-gil",
        action="store_true",
        help="sample only the thread holding the GIL (where CPU goes; without it, a thread waiting "
        "for the GIL inside a C call counts as busy)",
    )
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
