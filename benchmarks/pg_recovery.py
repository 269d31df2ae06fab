"""How fast the app's connection pool recovers when PostgreSQL stops and comes back (issue 24).

For each outage (seconds, default 15 45 120) on a throwaway cluster: six threads use the pool so it holds
six connections, the server is stopped (``pg_ctl stop -m fast``), stays down for the outage while a thread
asks for a unit of work every second (as a room's watcher does), and starts again; then one unit of work
after another (``SELECT 1`` through ``trustcore.db``) until one succeeds.
Prints the time from the restart to that first success and how many units failed on the way. Last, a
0.3 s restart: how many of the next 12 units fail (a pool that hands out the dead connections it held
fails one unit per connection).

    python benchmarks/pg_recovery.py [--outages 15 45 120]
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import pg  # noqa: E402
from trustcore import db  # noqa: E402


def unit(url: str) -> None:
    with db.connection(url) as conn:
        conn.execute("SELECT 1").fetchone()


def fill(url: str, n: int = 6) -> None:
    """Have the pool open ``n`` connections (``n`` units at once, each holding its connection a moment)."""
    barrier = threading.Barrier(n)

    def hold() -> None:
        with db.connection(url) as conn:
            barrier.wait()
            conn.execute("SELECT 1").fetchone()

    threads = [threading.Thread(target=hold) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def recovery(server: str, outage: float) -> tuple[float, int]:
    fill(server)
    pg.stop(server)
    done = threading.Event()

    def poll() -> None:  # the room goes on asking during the outage
        while not done.is_set():
            try:
                unit(server)
            except Exception:  # noqa: BLE001
                pass
            done.wait(1.0)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(outage)
    pg.start(server)
    back = time.monotonic()
    failed = 0
    try:
        while True:
            try:
                unit(server)
                return time.monotonic() - back, failed
            except Exception:  # noqa: BLE001 - counting failures is the point
                failed += 1
                time.sleep(0.05)
    finally:
        done.set()


def stale_after_restart(server: str, units: int = 12) -> int:
    fill(server)
    pg.stop(server)
    time.sleep(0.3)
    pg.start(server)
    failed = 0
    for _ in range(units):
        try:
            unit(server)
        except Exception:  # noqa: BLE001
            failed += 1
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outages", type=float, nargs="+", default=[15, 45, 120])
    args = parser.parse_args()
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)  # its warning for each failed reconnection
    with pg.cluster() as server:
        unit(server)
        for outage in args.outages:
            took, failed = recovery(server, outage)
            print(f"outage {outage:5.0f} s: first success {took:5.1f} s after the restart ({failed} units failed)")
            db.close_shared()  # each outage starts from a fresh pool
        print(f"0.3 s restart: {stale_after_restart(server)} of the next 12 units failed")
        db.close_shared()


if __name__ == "__main__":
    main()
