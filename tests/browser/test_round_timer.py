"""The round timer in the browser: the facilitator starts it on the console, both participants' pages
show it counting down by the server's clock, and a timer that locks closes the round on both pages at zero."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from trustcore import links
from trustcore.model import RoundStatus
from trustcore.round_timer import start_timer

from .helpers import open_app, shot, wait_idle

LEFT = re.compile(r"\d+:\d\d left")


def test_a_timer_that_locks_the_round_at_zero_on_two_pages(server, store, new_page):
    made = store.create_session("Timed round", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    people = []
    for i, party in enumerate(made.session.parties):
        joined = store.join(code, party.id, f"Person {i}")
        page = new_page(390, 844, is_mobile=True, has_touch=True)
        open_app(page, links.participant_link(server.url, code, joined.token).replace("/?", "/rank?"))
        people.append(page)

    console = new_page(1280, 1000)
    open_app(console, links.facilitator_link(server.url, code, fac))
    console.get_by_label("Minutes", exact=True).fill("2")
    console.get_by_text("Lock the round when time is up").click()
    console.get_by_role("button", name="Start the timer").click()
    wait_idle(console)
    expect(console.get_by_role("timer")).to_contain_text("(the round locks at zero)")
    for page in people:  # each page shows the countdown within a poll
        expect(page.get_by_role("timer")).to_contain_text(LEFT)
        expect(page.get_by_role("timer")).to_contain_text("the round locks at zero")
    first = people[0].get_by_role("timer").inner_text()
    expect(people[0].get_by_role("timer")).not_to_have_text(first)  # it counts down
    shot(people[0], "timer-01-phone-counting-down")
    shot(console, "timer-02-console")

    console.get_by_role("button", name="Stop the timer").click()
    wait_idle(console)
    for page in people:
        expect(page.get_by_role("timer")).to_have_count(0)

    start_timer(store.open(code, fac), 4, lock_at_zero=True, round_number=1)  # a short one, started as the console does
    for page in people:
        expect(page.get_by_text("Round 1 is locked")).to_be_visible(timeout=20000)
    assert store._current_round(code).status is RoundStatus.LOCKED
    expect(console.get_by_role("button", name="Unlock round")).to_be_visible(timeout=15000)
    shot(people[1], "timer-03-phone-locked-at-zero")
