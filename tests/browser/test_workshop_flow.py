"""The whole workshop as people do it: create, share, join, rank by mouse and keyboard, watch, reveal,
compare and download."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import analysis, catalogue, results

from .helpers import (
    create_session,
    current_order,
    download,
    drag,
    go,
    join,
    keyboard_move,
    open_app,
    parse_csv,
    shot,
    submit,
    wait_idle,
)

NAMES = catalogue.default().names
IDS = {name: eid for eid, name in NAMES.items()}


def test_two_party_workshop(server, new_page):
    facilitator = new_page()
    share, admin = create_session(facilitator, server.url, "CityBus and the council", ["CityBus", "Council"])
    shot(facilitator, "01-created-links")
    facilitator.get_by_role("button", name="Open the facilitator console").click()
    wait_idle(facilitator)
    expect(facilitator.get_by_text("Round 1: 0 of 0 submitted")).to_be_visible()
    shot(facilitator, "02-console-empty")

    alice = new_page()
    join(alice, share, "CityBus", "Alice")
    before = current_order(alice)
    assert sorted(before) == sorted(NAMES.values())
    drag(alice, 4, 0)
    after_drag = current_order(alice)
    assert after_drag[0] == before[4] and after_drag[1:] == before[:4] + before[5:]
    shot(alice, "03-alice-ranking")
    submit(alice)
    alice_order = current_order(alice)
    assert alice_order == after_drag

    bob = new_page(width=390, height=844, is_mobile=True, has_touch=True)  # a phone
    join(bob, share, "Council", "Bob")
    start = current_order(bob)
    keyboard_move(bob, 0, 2)
    bob_order = current_order(bob)
    assert bob_order == start[1:3] + [start[0]] + start[3:]
    submit(bob)
    shot(bob, "04-bob-phone-submitted")

    # The console shows both without a reload.
    expect(facilitator.get_by_text("Round 1: 2 of 2 submitted")).to_be_visible(timeout=10000)
    shot(facilitator, "05-console-all-submitted")

    # Blind: Bob cannot see the comparison yet.
    go(bob, "Comparison")
    expect(bob.get_by_text("The comparison is hidden until the facilitator reveals it")).to_be_visible()

    facilitator.get_by_role("button", name="Reveal results").click()
    wait_idle(facilitator)
    go(facilitator, "Comparison")

    orders = {"CityBus": [IDS[n] for n in alice_order], "Council": [IDS[n] for n in bob_order]}
    expected = results.headline(orders, NAMES)
    expect(facilitator.get_by_text(expected.summary)).to_be_visible()
    if expected.detail:
        expect(facilitator.get_by_text(expected.detail)).to_be_visible()
    agenda = analysis.discussion_agenda(orders, NAMES)
    if agenda:
        expect(facilitator.get_by_text("• " + agenda[0].text)).to_be_visible()
    shot(facilitator, "06-comparison")

    # Bob's page opens the comparison by itself once revealed.
    expect(bob.get_by_text(expected.summary)).to_be_visible(timeout=10000)
    shot(bob, "07-bob-phone-comparison")

    rows = parse_csv(download(facilitator, "Results CSV (all rounds)"))
    assert list(rows[0]) == [
        "session_code",
        "session_title",
        "round",
        "party",
        "participant",
        "element_id",
        "element",
        "rank",
        "submitted_at",
        "reason",
    ]
    got = {}
    for row in rows:
        got.setdefault(row["participant"], []).append((int(row["rank"]), row["element"]))
    assert {p: [e for _, e in sorted(v)] for p, v in got.items()} == {"Alice": alice_order, "Bob": bob_order}


def test_unknown_code_gives_a_clear_message(server, new_page):
    page = new_page()
    open_app(page, server.url + "/?session=abcdefghjkmnpq")
    expect(page.get_by_text("No session has this code")).to_be_visible()
    page.get_by_role("textbox", name="Session code").fill("not a code")
    page.get_by_role("button", name="Join").click()
    wait_idle(page)
    expect(page.get_by_text("That is not a session code")).to_be_visible()
    shot(page, "08-unknown-code")
