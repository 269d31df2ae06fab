"""ui/live.py's run gate: a few full page runs at a time, and a page's heavy part only once no other page
is waiting to draw its first part (so every headline of a reveal goes out before any page's details)."""

import threading
import time

from ui import live


def test_at_most_size_runs_are_inside_at_once():
    gate = live._Gate(2)
    inside, most, lock = 0, 0, threading.Lock()
    release = threading.Event()

    def run():
        nonlocal inside, most
        with gate.run():
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(5)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run) for _ in range(5)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while most < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert most == 2 and not gate.wait_quiet(0.05)  # two inside, three waiting: not quiet
    release.set()
    for t in threads:
        t.join(5)
    assert most == 2
    assert gate.wait_quiet(0.05)


def hold(gate, entered: threading.Event, release: threading.Event) -> threading.Thread:
    """A thread that enters ``gate``, says so, and stays inside until ``release``."""

    def run():
        with gate.run():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_leaving_early_frees_the_place_and_leaving_twice_does_nothing():
    gate = live._Gate(1)
    entered, release = threading.Event(), threading.Event()
    with gate.run():
        gate.leave()
        gate.leave()
        other = hold(gate, entered, release)
        assert entered.wait(2)  # the place was free although the first run has not ended
        assert not gate.wait_quiet(0.05)  # and the other run counts as inside: left twice did not free two
    release.set()
    other.join(5)
    assert gate.wait_quiet(0.05)


def test_the_heavy_part_waits_until_no_page_waits_for_its_first_part(monkeypatch):
    gate = live._Gate(2)
    monkeypatch.setattr(live, "gate", gate)
    order = []
    first_in, release = threading.Event(), threading.Event()

    def headline_page():
        with gate.run():
            first_in.set()
            release.wait(5)
            order.append("headline")

    def details_page():
        with gate.run():  # the second place: it is in while the headline page still draws
            with live.heavy_slot():
                order.append("details")

    h = threading.Thread(target=headline_page)
    h.start()
    assert first_in.wait(2)
    d = threading.Thread(target=details_page)
    d.start()
    time.sleep(0.1)
    assert order == []  # its details wait while another page is still inside the gate
    release.set()
    h.join(5)
    d.join(5)
    assert order == ["headline", "details"]


def test_a_steady_stream_of_runs_holds_the_heavy_part_back_only_so_long(monkeypatch):
    gate = live._Gate(1)
    monkeypatch.setattr(live, "gate", gate)
    monkeypatch.setattr(live, "QUIET_WAIT_S", 0.2)
    entered, release = threading.Event(), threading.Event()
    busy = hold(gate, entered, release)
    assert entered.wait(2)
    started = time.monotonic()
    with live.heavy_slot():  # the gate is never quiet here: it goes on after QUIET_WAIT_S
        waited = time.monotonic() - started
        still_busy = busy.is_alive()
    release.set()
    busy.join(5)
    assert still_busy and 0.19 <= waited < 3


def test_a_page_alone_draws_its_heavy_part_at_once(monkeypatch):
    """A lone run (the facilitator rerunning the comparison) does not wait for the gate to settle; a run
    that another entered just before it does."""
    gate = live._Gate(2)
    settle = 0.5
    with gate.run():
        gate.leave()
        started = time.monotonic()
        assert gate.wait_quiet(5, settle=settle)
        alone = time.monotonic() - started
    entered, release = threading.Event(), threading.Event()
    release.set()  # the other run enters and leaves at once
    hold(gate, entered, release).join(5)
    assert entered.is_set()
    with gate.run():
        gate.leave()
        started = time.monotonic()
        assert gate.wait_quiet(5, settle=settle)
        after_another = time.monotonic() - started
    assert alone < settle / 2 <= settle <= after_another
