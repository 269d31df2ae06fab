"""The presenter screen on a projector: join code, progress and timer before the reveal; then the headline
and the agenda item the facilitator steps to on the console, which the screen follows by itself.
Screenshots at 1920×1080 and 1280×720, as a room sees them."""

from __future__ import annotations

from playwright.sync_api import expect

from trustcore import links
from trustcore.tokens import display_code

from .helpers import open_app, shot, wait_idle


def test_the_presenter_screen_follows_the_console_through_the_agenda(server, store, new_page):
    made = store.create_session("Projector", ["CityBus", "Council"])
    code, fac = made.session.code, made.facilitator_token
    ids = list(made.session.catalogue.ids)
    console = new_page(1280, 1000)
    open_app(console, links.facilitator_link(server.url, code, fac))
    console.get_by_role("button", name="Create a presenter link").click()
    wait_idle(console)
    link = console.locator("[data-testid='stCode']").filter(has_text="presenter=").first.text_content().strip()
    assert "admin=" not in link

    screens = {size: new_page(*size) for size in ((1920, 1080), (1280, 720))}
    for page in screens.values():
        open_app(page, link)
        expect(page.get_by_text(display_code(code))).to_be_visible()
        expect(page.get_by_text("CityBus: 0 of 0 submitted")).to_be_visible()
        expect(page.get_by_role("button", name="Reveal results")).to_have_count(0)  # it controls nothing
    joined = [store.join(code, p.id, f"P{i}") for i, p in enumerate(made.session.parties)]
    store.submit(
        code,
        joined[0].token,
        ids,
        {ids[0]: "Every timetable depends on it", ids[-1]: "It can wait a year"},
        round_number=1,
    )
    for page in screens.values():
        expect(page.get_by_text("CityBus: 1 of 1 submitted")).to_be_visible(timeout=15000)
    for (w, h), page in screens.items():
        shot(page, f"presenter-01-before-reveal-{w}x{h}")

    store.submit(code, joined[1].token, ids[::-1], {ids[0]: "Others do this for us already"}, round_number=1)
    console.reload()
    wait_idle(console)
    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)
    for page in screens.values():
        expect(page.get_by_text("Discussion agenda: item 1 of")).to_be_visible(timeout=15000)
    console.get_by_role("button", name="Next item").click()
    wait_idle(console)
    assert store._session(code).agenda_item == 1
    for page in screens.values():  # the screen follows within a poll, with the item's reasons under it
        expect(page.get_by_text("Discussion agenda: item 2 of")).to_be_visible(timeout=15000)
        expect(page.get_by_text("“Every timetable depends on it”", exact=False)).to_be_visible()
        expect(page.get_by_text("“Others do this for us already”", exact=False)).to_be_visible()
        expect(page.get_by_text("side-by-side table", exact=False)).to_have_count(0)  # the screen has none
    for (w, h), page in screens.items():
        shot(page, f"presenter-02-agenda-{w}x{h}")
