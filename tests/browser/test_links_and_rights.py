"""Links survive reloads and page switches; a link never grants more than it should."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import catalogue

from .helpers import current_order, drag, eventually, go, join, open_app, shot, submit, wait_idle

NAMES = catalogue.default().names


def test_personal_link_survives_reload_and_page_switch(server, store, new_page):
    made = store.create_session("Reload check", ["Alpha", "Beta"])
    share = f"{server.url}/?session={made.session.code}"
    page = new_page()
    join(page, share, "Alpha", "Ann")
    drag(page, 3, 0)
    submit(page)
    stored = current_order(page)
    personal = page.url
    assert "me=" in personal

    go(page, "Privacy")
    assert "me=" in page.url, "the personal link stays in the address bar across page switches"
    go(page, "My ranking")
    assert current_order(page) == stored

    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Your ranking is stored (submitted at")).to_be_visible()
    assert current_order(page) == stored

    other = new_page(width=390, height=844, is_mobile=True, has_touch=True)  # the same person on a phone
    open_app(other, personal)
    assert current_order(other) == stored
    shot(other, "10-personal-link-on-phone")


def test_participant_link_cannot_act_as_facilitator(server, store, new_page):
    made = store.create_session("Rights check", ["Alpha", "Beta"])
    ann = store.join(made.session.code, made.session.parties[0].id, "Ann")
    page = new_page()
    open_app(page, f"{server.url}/?session={made.session.code}&admin={ann.token}")
    expect(page.get_by_text("This facilitator link is not valid")).to_be_visible()
    expect(page.get_by_role("button", name="Reveal results")).to_have_count(0)
    expect(page.get_by_role("button", name="Lock round")).to_have_count(0)
    shot(page, "11-participant-token-as-facilitator")

    tampered = made.facilitator_token[:-1] + ("A" if made.facilitator_token[-1] != "A" else "B")
    open_app(page, f"{server.url}/?session={made.session.code}&admin={tampered}")
    expect(page.get_by_text("This facilitator link is not valid")).to_be_visible()
    assert store._session(made.session.code).round.status == "open"


def test_move_buttons_rank_without_dragging(server, store, new_page):
    made = store.create_session("Buttons", ["Alpha", "Beta"])
    page = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    join(page, f"{server.url}/?session={made.session.code}", "Beta", "Bo")
    start = current_order(page)
    page.get_by_text("Move buttons").click()
    wait_idle(page)
    page.get_by_role("button", name=f"Move {start[0]} down").click()  # first element one place down
    wait_idle(page)
    page.get_by_role("button", name=f"Move {start[-1]} up").click()  # last element one place up
    wait_idle(page)
    shot(page, "12-move-buttons-phone")
    page.get_by_role("button", name="Submit my ranking").click()
    wait_idle(page)
    expected = [start[1], start[0]] + start[2:-2] + [start[-1], start[-2]]
    participant = store._progress(made.session.code).participants[0].participant
    ranking = eventually(lambda: store._my_ranking(participant, 1))
    assert [NAMES[e] for e in ranking.order] == expected
    page.get_by_text("Drag and drop").click()
    wait_idle(page)
    assert current_order(page) == expected, "the drag list shows the order the buttons made"


def test_locked_round_refuses_changes_in_the_page(server, store, new_page):
    made = store.create_session("Lock check", ["Alpha", "Beta"])
    page = new_page()
    join(page, f"{server.url}/?session={made.session.code}", "Alpha", "Al")
    store.lock(made.session.code, made.facilitator_token, round_number=1)
    expect(page.get_by_text("Round 1 is locked")).to_be_visible(timeout=10000)  # the page notices by itself
    expect(page.get_by_role("button", name="Submit my ranking")).to_have_count(0)
