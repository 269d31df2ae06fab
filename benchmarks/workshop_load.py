#!/usr/bin/env python
"""Load test of a live workshop: N people join, rank by mouse drag and submit at the same moment.

    python benchmarks/workshop_load.py --participants 30 [--parties 3] [--browsers 3]

What it does
    1. Starts the real app (``tests/browser/conftest.Server``: ``streamlit run app.py`` on a free loopback
       port) on a fresh temporary database, and creates a session with K parties through ``Store``.
    2. Opens the facilitator console (``/?session=<code>&admin=<token>``) in its own browser context and
       leaves it open, never reloaded.
    3. Drives N participants in headless Chromium, split over the parties round-robin. Each one opens the
       share link, chooses its party, types a name, clicks "Join and start ranking" and reorders the list
       with a real mouse drag in the sortable (press, move in steps, release).
    4. When every participant is ready, all N click "Submit my ranking" together.
    5. Measures, per participant, the time from the submit click to the confirmation text
       "Your ranking is stored (submitted at" appearing, and the time from the last confirmation until the
       facilitator's console shows "Round 1: N of N submitted".
    6. Samples the server process tree's memory (VmRSS, every 100 ms, plus the kernel's VmHWM) and CPU time
       (utime + stime from /proc/<pid>/stat).
    7. Checks the database: one stored ranking per confirmed participant, equal to the order the participant
       had on screen; nothing lost, nothing duplicated.

Concurrency model
    Playwright's *async* API with ``asyncio.gather``: one driver, ``--browsers`` Chromium instances, one
    browser context (= one Streamlit session, one renderer process) per participant. All submit clicks are
    released by one ``asyncio.Event``, so they are real Playwright mouse clicks issued concurrently (they
    reach the server within a few hundred milliseconds) instead of one after the other, which is what a
    thread driving several pages through the sync API would do. Both times of a submit are taken *inside
    the page* (a capturing ``click`` listener and a ``MutationObserver`` on the confirmation text), with the
    browser's clock, so they do not depend on when the Python side gets round to looking.

    On a 2-core machine the N Chromium renderers run on the same cores as the server. The table therefore
    also prints the CPU the load generator used: a real workshop runs its browsers on N other devices, so
    the latencies here are an upper bound.

Server-side view
    The server is started with ``benchmarks/hooks`` on its ``PYTHONPATH`` (a ``sitecustomize``), which
    logs every script run (full run or fragment poll: wall time and the thread's CPU time). The table's
    "server:" rows come from it: how long the server took over each submit (the click's run plus the
    ``st.rerun`` that shows the confirmation), when the last one was done, and what one live poll costs.
    ``--profile FILE`` records the server with py-spy (a flame graph in SVG). ``--set runner.postScriptGC=false`` (repeatable)
    passes a streamlit option to the server, to measure a proposed configuration without editing the app.

Exit status: 0 when there were no errors and no lost submissions, 1 otherwise (timing targets are
reported as PASS/FAIL but do not change the exit status).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.appserver import Server  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.helpers import SORTABLE  # noqa: E402
from trustcore.store import Store  # noqa: E402

# The whole room joins from this machine, one address: the servers started here allow it (trustcore.limits).
os.environ.setdefault("TRUSTCORE_JOINS_PER_MINUTE", "100000")

CONFIRMATION = "Your ranking is stored (submitted at"
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
TARGET_P95_S = 2.0
TARGET_FACILITATOR_S = 3.0
TARGET_MEMORY_MB = 500.0
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Installed in a participant's page just before the submit click: records (with the page's clock) the
# first click and the moment the confirmation text is in the document.
WATCH_JS = """needle => {
  window.__tcClick = null; window.__tcSeen = null;
  document.addEventListener('click', () => { if (window.__tcClick === null) window.__tcClick = Date.now(); },
                            {capture: true});
  const check = () => {
    if (window.__tcSeen === null && document.body.textContent.includes(needle)) {
      window.__tcSeen = Date.now(); obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, {childList: true, subtree: true, characterData: true});
  check();
}"""


# ----------------------------------------------------------------------------------------------- /proc


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/<pid>/task/*/children)."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += _children(p)
    return tree


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime (+ reaped children's) of one process, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def tree_cpu_seconds(pid: int, exclude: set[int] = frozenset()) -> float:
    return sum(cpu_seconds(p) for p in process_tree(pid) if p not in exclude)


class MemoryMonitor:
    """Samples the summed VmRSS of a process tree every ``interval`` seconds in a thread."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = sum(_status_kb(p, "VmRSS") for p in process_tree(self.pid))
            self.peak_kb = max(self.peak_kb, rss)
            self.samples += 1
            self._stop.wait(self.interval)

    def start(self) -> MemoryMonitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def hwm_kb(self) -> int:
        """The kernel's high-water mark of resident memory, summed over the tree (read it before exit)."""
        return sum(_status_kb(p, "VmHWM") for p in process_tree(self.pid))


# ------------------------------------------------------------------------------------- browser steps
# helpers.py holds the same steps for the sync API (used by the browser tests); these are their async twins,
# with the selectors taken from there and longer timeouts for a loaded machine.


async def wait_idle(page, timeout: int = 90_000) -> None:
    await page.wait_for_timeout(300)
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )


async def open_app(page, url: str) -> None:
    await page.goto(url, timeout=90_000)
    await page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=90_000
    )
    await wait_idle(page)


async def current_order(page) -> list[str]:
    return [t.strip() for t in await page.frame_locator(SORTABLE).locator("li.sortable-item").all_inner_texts()]


async def drag(page, source: int, target: int) -> None:
    """A real mouse drag of item ``source`` onto the place of item ``target`` (as helpers.drag)."""
    items = page.frame_locator(SORTABLE).locator("li.sortable-item")
    a, b = await items.nth(source).bounding_box(), await items.nth(target).bounding_box()
    await page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    await page.mouse.down()
    offset = -5 if target < source else 5
    await page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2 + offset, steps=15)
    await page.mouse.up()
    await wait_idle(page)


# ------------------------------------------------------------------------------------------ the run


@dataclass
class Person:
    index: int
    party: str
    name: str
    order_names: list[str] = field(default_factory=list)  # what the page showed when submitting
    click_ms: float | None = None
    seen_ms: float | None = None
    confirmed: bool = False
    drag_retries: int = 0
    error: str | None = None
    stage: str = "start"

    @property
    def latency(self) -> float | None:
        if self.click_ms is None or self.seen_ms is None:
            return None
        return (self.seen_ms - self.click_ms) / 1000


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, -(-len(ordered) * q // 100) - 1))
    return ordered[int(k)]


async def run_participant(
    person: Person,
    context,
    share: str,
    ready: asyncio.Event | None,
    go: asyncio.Event,
    join_gate: asyncio.Semaphore,
    counter: list,
    total: int,
    timeout_s: float,
    debug_dir: Path | None = None,
) -> None:
    from playwright.async_api import expect

    counted = False

    def count_in() -> None:
        nonlocal counted
        if not counted:
            counted = True
            counter[0] += 1
            if counter[0] >= total and ready is not None:
                ready.set()

    page = None
    frames = {"after_click": 0, "bytes": 0, "closed": 0}
    clicked = [False]

    def on_ws(ws) -> None:
        def received(payload) -> None:
            if clicked[0]:
                frames["after_click"] += 1
                frames["bytes"] += len(payload)

        ws.on("framereceived", received)
        ws.on("close", lambda _ws: frames.__setitem__("closed", frames["closed"] + 1))

    try:
        page = await context.new_page()
        page.on("websocket", on_ws)
        async with join_gate:
            person.stage = "open"
            await open_app(page, share)
            person.stage = "join"
            await page.get_by_text(person.party, exact=True).click()
            await page.get_by_role("textbox", name="Your name (optional)").fill(person.name)
            await page.get_by_role("button", name="Join and start ranking").click()
            await wait_idle(page)
            items = page.frame_locator(SORTABLE).locator("li.sortable-item")
            await expect(items.first).to_be_visible(timeout=timeout_s * 1000)
            person.stage = "drag"
            await page.locator(SORTABLE).scroll_into_view_if_needed()
            before = await current_order(page)
            source = 3 + person.index % (len(before) - 3)  # vary who drags what
            for _attempt in range(3):  # a person whose drop did not take tries again
                await drag(page, source, 0)
                after = await current_order(page)
                if after != before:
                    break
                person.drag_retries += 1
            if after == before or sorted(after) != sorted(before):
                raise AssertionError(f"the drag of item {source + 1} did not reorder the list: {before} -> {after}")
            person.order_names = after
            await expect(page.get_by_role("button", name="Submit my ranking")).to_be_enabled(timeout=timeout_s * 1000)
        person.stage = "ready"
        await page.evaluate(WATCH_JS, CONFIRMATION)
        count_in()
        await go.wait()
        person.stage = "submit"
        t0 = time.time() * 1000
        clicked[0] = True
        await page.get_by_role("button", name="Submit my ranking").click(timeout=timeout_s * 1000)
        await expect(page.get_by_text(CONFIRMATION)).to_be_visible(timeout=timeout_s * 1000)
        t1 = time.time() * 1000
        person.confirmed = True
        click_ms, seen_ms = await page.evaluate("() => [window.__tcClick, window.__tcSeen]")
        person.click_ms = click_ms if click_ms is not None else t0
        person.seen_ms = seen_ms if seen_ms is not None else t1
        person.stage = "done"
        # The order shown after the confirmation is the one the page says it stored.
        shown = await current_order(page)
        if shown != person.order_names:
            raise AssertionError(f"after submitting, the page shows {shown}, not the submitted {person.order_names}")
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        person.error = f"{person.name} at {person.stage}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        if debug_dir is not None:
            try:
                debug_dir.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(debug_dir / f"{person.name.replace(' ', '-')}.png"), full_page=True)
                state = await page.evaluate("""() => { const a = document.querySelector("[data-testid='stApp']");
                    return a ? [a.getAttribute('data-test-connection-state'), a.getAttribute('data-test-script-state')]
                             : null; }""")
                (debug_dir / f"{person.name.replace(' ', '-')}.txt").write_text(
                    f"{person.error}\nconnection/script state: {state}\nwebsocket after the click: {frames}\n\n"
                    + await page.locator("body").inner_text(timeout=5000)
                )
            except Exception:  # noqa: BLE001
                pass
        count_in()  # do not keep the others waiting


async def drive(args, server: Server, code: str, admin_token: str, people: list[Person]) -> dict:
    from playwright.async_api import async_playwright, expect

    share = f"{server.url}/?session={code}"
    admin = f"{server.url}/?session={code}&admin={admin_token}"
    n = len(people)
    out: dict = {}
    async with async_playwright() as p:
        browsers = [
            await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for _ in range(max(1, args.browsers))
        ]

        async def new_context(i: int):
            ctx = await browsers[i % len(browsers)].new_context(viewport={"width": 1200, "height": 1400})
            ctx.set_default_timeout(args.timeout * 1000)
            return ctx

        # The facilitator's console, opened once and never reloaded.
        fctx = await new_context(0)
        fpage = await fctx.new_page()
        await open_app(fpage, admin)
        await expect(fpage.get_by_text("Round 1: 0 of 0 submitted")).to_be_visible(timeout=args.timeout * 1000)
        everyone = f"Round 1: {n} of {n} submitted"
        await fpage.evaluate(WATCH_JS, everyone)

        contexts = [await new_context(i) for i in range(n)]
        ready, go = asyncio.Event(), asyncio.Event()
        gate = asyncio.Semaphore(args.join_concurrency or n)
        counter = [0]
        out["t_join_start"] = time.time()
        debug_dir = Path(args.debug_dir) if args.debug_dir else None
        tasks = [
            asyncio.create_task(
                run_participant(person, ctx, share, ready, go, gate, counter, n, args.timeout, debug_dir)
            )
            for person, ctx in zip(people, contexts)
        ]
        await ready.wait()  # every participant is ready to submit, or has failed
        out["t_ready"] = time.time()
        if args.idle > 0:  # everyone waits with the page open: what the live polling alone costs the server
            cpu0 = tree_cpu_seconds(server.proc.pid)
            await asyncio.sleep(args.idle)
            out["idle_cpu_share"] = (tree_cpu_seconds(server.proc.pid) - cpu0) / args.idle
        out["cpu_server_before_submit"] = tree_cpu_seconds(server.proc.pid)
        server_tree = set(process_tree(server.proc.pid))
        out["cpu_client_before_submit"] = tree_cpu_seconds(os.getpid(), exclude=server_tree)
        go.set()
        out["t_go"] = time.time()
        await asyncio.gather(*tasks)
        out["t_all_confirmed"] = time.time()
        out["cpu_server_after_submit"] = tree_cpu_seconds(server.proc.pid)
        out["cpu_client_after_submit"] = tree_cpu_seconds(os.getpid(), exclude=set(process_tree(server.proc.pid)))

        # The console, not reloaded, must come to show everyone.
        try:
            await expect(fpage.get_by_text(everyone)).to_be_visible(timeout=max(30, args.timeout) * 1000)
            seen = await fpage.evaluate("() => window.__tcSeen")
            out["facilitator_seen_ms"] = seen if seen is not None else time.time() * 1000
        except Exception as exc:  # noqa: BLE001
            out["facilitator_error"] = f"facilitator: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        out["client_cpu"] = tree_cpu_seconds(os.getpid(), exclude=set(process_tree(server.proc.pid)))
        for ctx in [fctx, *contexts]:
            await ctx.close()
        for b in browsers:
            await b.close()
    return out


def check_database(db_path: Path, code: str, people: list[Person], names: dict[str, str]) -> dict:
    """Stored rankings versus confirmed ones: lost, duplicated, and stored with another order."""
    by_label = {v: k for k, v in names.items()}
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        sid = conn.execute("SELECT id FROM sessions WHERE code = ?", [code]).fetchone()["id"]
        participants = conn.execute("SELECT id, name FROM participants WHERE session_id = ?", [sid]).fetchall()
        rankings = conn.execute(
            "SELECT participant_id, ordering, current FROM rankings WHERE session_id = ? AND round = 1", [sid]
        ).fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    pid_by_name: dict[str, list[int]] = {}
    for row in participants:
        pid_by_name.setdefault(row["name"], []).append(row["id"])
    rows_by_pid: dict[int, list] = {}
    for row in rankings:
        rows_by_pid.setdefault(row["participant_id"], []).append(row)
    lost, wrong = [], []
    for person in people:
        if not person.confirmed:
            continue
        pids = pid_by_name.get(person.name, [])
        stored = [r for pid in pids for r in rows_by_pid.get(pid, []) if r["current"] == 1]
        if not stored:
            lost.append(person.name)
        elif json.loads(stored[0]["ordering"]) != [by_label[label] for label in person.order_names]:
            wrong.append(person.name)
    duplicate_people = sum(len(v) - 1 for v in pid_by_name.values() if len(v) > 1)
    duplicate_rankings = sum(len(v) - 1 for v in rows_by_pid.values() if len(v) > 1)
    return {
        "participants_in_db": len(participants),
        "rankings_in_db": len(rankings),
        "lost": lost,
        "wrong_order": wrong,
        "duplicate_participants": duplicate_people,
        "duplicate_rankings": duplicate_rankings,
        "integrity": integrity,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30, help="how many people join and submit (30)")
    parser.add_argument("--parties", type=int, default=3, help="parties in the session, 2-12 (3)")
    parser.add_argument("--browsers", type=int, default=3, help="Chromium instances the contexts are spread over (3)")
    parser.add_argument(
        "--join-concurrency",
        type=int,
        default=4,
        help="at most this many people opening the link and joining at once (4; 0 = all). Loading "
        "the app costs Chromium about 3-4 s of CPU per page, so 30 loads at once on 2 cores "
        "measure the load generator, not the app",
    )
    parser.add_argument("--timeout", type=float, default=90, help="seconds any single step may take (90)")
    parser.add_argument(
        "--idle",
        type=float,
        default=5,
        help="seconds all pages stay open, idle, before the submits (server CPU of polling) (5)",
    )
    parser.add_argument("--log", metavar="FILE", help="keep the streamlit server log here")
    parser.add_argument("--debug-dir", metavar="DIR", help="screenshot and page text of every participant that fails")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a streamlit config option for the server, e.g. runner.postScriptGC=false (repeatable)",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="sample the server's threads (benchmarks/hooks) and write a report to FILE"
    )
    args = parser.parse_args(argv)
    if not 2 <= args.parties <= len(PARTY_NAMES):
        parser.error(f"--parties must be 2 to {len(PARTY_NAMES)}")
    if args.participants < 1:
        parser.error("--participants must be 1 or more")
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH)", file=sys.stderr)
        return 2

    t_start = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="trustcore-load-"))
    db_path = tmp / "load.db"
    log_path = Path(args.log) if args.log else tmp / "streamlit.log"
    store = Store(db_path).initialise()
    parties = PARTY_NAMES[: args.parties]
    created = store.create_session("Load test workshop", parties, our_org="Us", partner_org="Them")
    code = created.session.code
    names = created.session.catalogue.names
    people = [Person(i, parties[i % len(parties)], f"Load tester {i + 1:03d}") for i in range(args.participants)]

    env = {}
    for spec in args.set:
        option, sep, value = spec.partition("=")
        if not sep:
            parser.error(f"--set {spec!r}: use OPTION=VALUE")
        from streamlit import config as st_config

        if option not in st_config._config_options_template:
            parser.error(f"--set: streamlit has no option {option!r}")
        env[st_config._config_options_template[option].env_var] = value
    # benchmarks/hooks/sitecustomize.py: a log of every script run (always), a CPU profile (--profile)
    hook = str(Path(__file__).resolve().parent / "hooks")
    runlog = tmp / "runs.jsonl"
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([hook, *filter(None, [os.environ.get("PYTHONPATH")])]),
            "TRUSTCORE_RUNLOG_OUT": str(runlog),
        }
    )
    server = Server(db_path, log_path, env=env)
    profiler = None
    if args.profile:  # py-spy on the server for the whole run (flame graph SVG)
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        profiler = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(server.proc.pid),
                "--rate",
                "200",
                "--output",
                str(Path(args.profile).resolve()),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    t_server = time.time()
    cpu_at_start = tree_cpu_seconds(server.proc.pid)
    monitor = MemoryMonitor(server.proc.pid).start()
    errors: list[str] = []
    result: dict = {}
    try:
        result = asyncio.run(drive(args, server, code, created.facilitator_token, people))
    except Exception:  # noqa: BLE001
        errors.append("driver: " + traceback.format_exc().strip().splitlines()[-1])
        traceback.print_exc()
    finally:
        monitor.stop()
        hwm_kb = monitor.hwm_kb()
        cpu_total = tree_cpu_seconds(server.proc.pid)
        if profiler is not None:
            profiler.send_signal(2)  # py-spy writes its file on SIGINT
            profiler.wait(60)
        server.stop()
    t_end = time.time()

    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    if "Traceback" in log:
        errors.append("the server logged a traceback (see " + str(log_path) + ")")
    errors += [p.error for p in people if p.error]
    if result.get("facilitator_error"):
        errors.append(result["facilitator_error"])
    db = check_database(db_path, code, people, names)
    if db["integrity"] != "ok":
        errors.append(f"integrity_check: {db['integrity']}")
    if db["duplicate_participants"] or db["duplicate_rankings"]:
        errors.append(f"duplicates: {db['duplicate_participants']} participants, {db['duplicate_rankings']} rankings")
    if db["wrong_order"]:
        errors.append("stored with another order than shown: " + ", ".join(db["wrong_order"]))
    confirmed = [p for p in people if p.confirmed]
    latencies = [p.latency for p in confirmed if p.latency is not None]
    lost = len(db["lost"])
    last_confirm_ms = max((p.seen_ms for p in confirmed if p.seen_ms), default=None)
    facilitator_s = None
    if result.get("facilitator_seen_ms") and last_confirm_ms:
        facilitator_s = max(0.0, (result["facilitator_seen_ms"] - last_confirm_ms) / 1000)
    peak_mb = max(monitor.peak_kb, hwm_kb) / 1024
    cpu_server = cpu_total - cpu_at_start
    cpu_burst = result.get("cpu_server_after_submit", 0) - result.get("cpu_server_before_submit", 0)
    click_spread = (max(p.click_ms for p in confirmed) - min(p.click_ms for p in confirmed)) / 1000 if confirmed else 0

    # The server's own view (benchmarks/hooks run log): the first full run of each session after the go is
    # that participant's submit (the click's run plus the st.rerun that shows the confirmation).
    runs = []
    if runlog.exists():
        runs = sorted(
            (r for r in (json.loads(x) for x in runlog.read_text().splitlines() if x.strip()) if "start" in r),
            key=lambda r: r["start"],
        )
    submit_runs: dict[str, dict] = {}
    go_t = result.get("t_go")
    if go_t:
        for r in runs:
            if not r["fragment"] and r["start"] >= go_t - 0.05 and r["session"] not in submit_runs:
                submit_runs[r["session"]] = r
    srv_durations = [r["end"] - r["start"] for r in submit_runs.values()]
    srv_cpu = [r["cpu"] for r in submit_runs.values()]
    srv_last_done = max((r["end"] for r in submit_runs.values()), default=None)
    polls = [r for r in runs if r["fragment"]]
    poll_cpu = [r["cpu"] for r in polls]

    def fmt(x, unit=" s", digits=2):
        return "n/a" if x is None or x != x else f"{x:.{digits}f}{unit}"

    rows = [
        ("participants", str(args.participants)),
        ("parties", str(args.parties)),
        ("streamlit options", ", ".join(args.set) or "as configured"),
        ("browsers", f"{args.browsers} (async Playwright, one context per person; submits released together)"),
        ("confirmed submissions", str(len(confirmed))),
        ("stored submissions", str(db["rankings_in_db"])),
        ("errors", str(len(errors))),
        ("submissions lost", str(lost)),
        ("submit->confirmation p50", fmt(percentile(latencies, 50))),
        ("submit->confirmation p95", fmt(percentile(latencies, 95))),
        ("submit->confirmation max", fmt(max(latencies) if latencies else None)),
        ("spread of the submit clicks", fmt(click_spread)),
        ("server: submit reruns seen", str(len(submit_runs))),
        (
            "server: submit rerun duration p50 / p95",
            f"{fmt(percentile(srv_durations, 50))} / {fmt(percentile(srv_durations, 95))}",
        ),
        ("server: submit rerun CPU p50", fmt(percentile(srv_cpu, 50) * 1000 if srv_cpu else None, " ms", 1)),
        ("server: last submit rerun done after go", fmt(srv_last_done - go_t if srv_last_done and go_t else None)),
        (
            "server: poll (fragment) runs / CPU p50",
            f"{len(polls)} / {fmt(percentile(poll_cpu, 50) * 1000 if poll_cpu else None, ' ms', 1)}",
        ),
        ("facilitator sees everyone after", fmt(facilitator_s)),
        ("server peak memory", fmt(peak_mb, " MB", 1)),
        ("server CPU", fmt(cpu_server)),
        ("server CPU in the submit burst", fmt(cpu_burst)),
        (
            "load generator CPU in the submit burst",
            fmt(result.get("cpu_client_after_submit", 0) - result.get("cpu_client_before_submit", 0)),
        ),
        ("server CPU share, all pages open and idle", fmt(result.get("idle_cpu_share"), " cores")),
        ("load generator CPU (Chromium+driver)", fmt(result.get("client_cpu"))),
        ("join+drag phase", fmt(result.get("t_ready", t_end) - result.get("t_join_start", t_end))),
        ("submit phase (go -> all confirmed)", fmt(result.get("t_all_confirmed", t_end) - result.get("t_go", t_end))),
        ("setup and server start", fmt(t_server - t_start)),
        ("wall time", fmt(t_end - t_start)),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print("\ntrustcore workshop load benchmark")
    print("=" * (width + 40))
    for label, value in rows:
        print(f"{label:<{width}}{value}")
    print("=" * (width + 40))
    targets = [
        ("0 errors and 0 lost", not errors and lost == 0),
        (
            f"p95 submit->confirmation < {TARGET_P95_S:g} s",
            bool(latencies) and len(latencies) == args.participants and percentile(latencies, 95) < TARGET_P95_S,
        ),
        (
            f"facilitator sees everyone within {TARGET_FACILITATOR_S:g} s",
            facilitator_s is not None and facilitator_s < TARGET_FACILITATOR_S,
        ),
        (f"server peak memory < {TARGET_MEMORY_MB:g} MB", peak_mb < TARGET_MEMORY_MB),
    ]
    for label, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    if errors:
        print("\nErrors:")
        for e in errors:
            print("  - " + e)
    if lost:
        print("\nLost (confirmed but not stored): " + ", ".join(db["lost"]))
    print(f"\nserver log: {log_path}")
    return 0 if not errors and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
