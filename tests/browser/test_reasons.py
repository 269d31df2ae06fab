"""Reasons behind the ranks typed on a phone, shown after the reveal and in the next round; and each
anonymity setting as the participant's and the facilitator's pages and CSV files show it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from trustcore.joining import set_joining
from trustcore.model import Anonymity

from .helpers import (
    current_order,
    download,
    eventually,
    go,
    join,
    open_app,
    parse_csv,
    shot,
    submit,
    wait_idle,
)

TOP = re.compile(r"^Why is .+ at the top\?$")
BOTTOM = re.compile(r"^Why is .+ at the bottom\?$")


def type_reason(page, label, text: str) -> None:
    box = page.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Tab")  # a text field sends its value when it loses focus, as on a phone
    wait_idle(page)


def test_reasons_typed_on_a_phone_are_shown_after_the_reveal_and_in_the_next_round(server, store, new_page):
    made = store.create_session("Reasons", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    names = made.session.catalogue.names
    share = f"{server.url}/?session={code}"
    phone = new_page(390, 844, is_mobile=True, has_touch=True)
    join(phone, share, "Alpha", "Ann")
    ann_top, ann_bottom = current_order(phone)[0], current_order(phone)[-1]
    expect(phone.get_by_role("textbox", name=f"Why is {ann_top} at the top?")).to_be_visible()
    type_reason(phone, TOP, "Without it nobody shares anything")
    type_reason(phone, BOTTOM, "We already do this well")
    expect(phone.get_by_role("textbox", name=TOP)).to_have_value("Without it nobody shares anything")
    shot(phone, "30-reasons-phone")
    submit(phone)
    ids = {v: k for k, v in names.items()}
    stored = store._rankings(code)[0].reasons
    assert stored == {ids[ann_top]: "Without it nobody shares anything", ids[ann_bottom]: "We already do this well"}

    # Bob ranks the other way round, from another device, and explains his top (Ann's bottom).
    bob = store.join(code, made.session.parties[1].id, "Bob")
    ann_order = [ids[n] for n in current_order(phone)]
    store.submit(code, bob.token, ann_order[::-1], {ids[ann_bottom]: "Our regulator asks for it first"}, round_number=1)

    console = new_page()
    open_app(console, f"{server.url}/?session={code}&admin={fac}")
    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)

    # Ann's phone opens the comparison by itself, with the reasons beside each contested element.
    expect(phone.get_by_role("heading", name="Why they ranked it there")).to_be_visible(timeout=15000)
    expect(phone.get_by_text("Bob (ranked it 1): “Our regulator asks for it first”", exact=False)).to_be_visible()
    expect(phone.get_by_text("“Without it nobody shares anything”", exact=False).first).to_be_visible()
    shot(phone, "31-reasons-after-reveal-phone")
    csv_rows = parse_csv(download(console, "Results CSV (all rounds)"))
    assert {(r["participant"], r["reason"]) for r in csv_rows if r["reason"]} == {
        ("Ann", "Without it nobody shares anything"),
        ("Ann", "We already do this well"),
        ("Bob", "Our regulator asks for it first"),
    }

    console.get_by_role("button", name="Open next round").click()
    wait_idle(console)
    # In round 2 Ann sees Beta's reason for the element she ranked most differently, and her own reasons
    # are where she left them, to revise.
    expect(phone.get_by_text("What the other parties said in round 1")).to_be_visible(timeout=15000)
    expect(phone.get_by_text("“Our regulator asks for it first”", exact=False)).to_be_visible()
    expect(phone.get_by_text(f"{ann_bottom}: you put it at 10; Beta at 1.")).to_be_visible()  # name in bold
    expect(phone.get_by_role("textbox", name=TOP)).to_have_value("Without it nobody shares anything")
    shot(phone, "32-reasons-round-2-phone")


def test_an_over_long_reason_cannot_be_typed_past_the_limit(server, store, new_page):
    made = store.create_session("Long reason", ["Alpha", "Beta"])
    page = new_page()
    join(page, f"{server.url}/?session={made.session.code}", "Alpha", "Ann")
    box = page.get_by_role("textbox", name=TOP)
    box.fill("x" * 270)
    box.press_sequentially("y" * 20)  # typed on past the limit
    assert (
        box.input_value() == "x" * 270 + "y" * 10
    )  # the field stops at the limit; the core refuses more (tested there)
    expect(page.get_by_text("280/280")).to_be_visible()


def _room(store, setting):
    made = store.create_session(f"Names {setting.value}", ["Alpha", "Beta"], anonymity=setting)
    s, fac = made.session, made.facilitator_token
    ann = store.join(s.code, s.parties[0].id, "Annwyl Quist")
    bo = store.join(s.code, s.parties[1].id, "Bodhi Varga")
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "Annwyl's reason"}, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], {ids[0]: "Bodhi's reason"}, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    return s.code, fac, ann.token


EXPECTED = {  # setting -> (what a participant sees for Annwyl, what the facilitator sees)
    Anonymity.NAMED: ("Annwyl Quist", "Annwyl Quist"),
    Anonymity.HIDDEN: ("Participant 1", "Annwyl Quist"),
    Anonymity.ANONYMOUS: ("Participant 1", "Participant 1"),
}


@pytest.mark.parametrize("setting", list(Anonymity))
def test_each_anonymity_setting_on_the_pages_and_in_the_csv(server, store, new_page, setting):
    code, fac, ann = _room(store, setting)
    set_joining(store.open(code, fac), open=True)  # the reveal closed joining: the join page's notice shows when open
    seen_by_participant, seen_by_facilitator = EXPECTED[setting]
    joiner = new_page()
    open_app(joiner, f"{server.url}/?session={code}")
    expect(
        joiner.get_by_text(re.compile(r"^(Names shown|Names hidden from other participants|Anonymous):"))
    ).to_have_text(
        re.compile(
            {"named": "^Names shown:", "hidden": "^Names hidden from other participants:", "anonymous": "^Anonymous:"}[
                setting.value
            ]
        )
    )
    name_box = joiner.get_by_role("textbox", name="Your name (optional)")
    expect(name_box).to_have_count(0 if setting is Anonymity.ANONYMOUS else 1)

    for token, who, expected in ((ann, "participant", seen_by_participant), (fac, "facilitator", seen_by_facilitator)):
        page = new_page()
        open_app(page, f"{server.url}/?session={code}&{'me' if who == 'participant' else 'admin'}={token}")
        go(page, "Comparison")
        expect(page.get_by_role("heading", name="Why they ranked it there")).to_be_visible(timeout=15000)
        reasons_text = page.locator("[data-testid='stText']").all_inner_texts()
        joined = " ".join(reasons_text)
        assert f"Alpha, {expected} (ranked it 1): “Annwyl's reason”" in joined, (setting, who, joined)
        assert (expected == "Annwyl Quist") == ("Annwyl Quist" in joined)
        people = {r["participant"] for r in parse_csv(download(page, "Results CSV (all rounds)"))}
        assert expected in people and (("Annwyl Quist" in people) == (expected == "Annwyl Quist")), (who, people)
        if setting is Anonymity.HIDDEN and who == "participant":
            shot(page, "33-reasons-names-hidden")
    assert eventually(lambda: store._session(code).anonymity is setting)


def test_the_setting_is_chosen_on_the_create_page(server, new_page):
    page = new_page()
    open_app(page, server.url)
    page.get_by_role("link", name="New session").first.click()
    wait_idle(page)
    page.get_by_role("textbox", name="Session title").fill("Anonymous by choice")
    page.get_by_label("Party 1", exact=True).fill("Alpha")
    page.get_by_label("Party 2", exact=True).fill("Beta")
    page.get_by_text("Anonymous", exact=True).click()
    page.get_by_role("button", name="Create session").click()
    wait_idle(page)
    expect(page.get_by_text("The session is ready.")).to_be_visible()
    share = page.locator("[data-testid='stCode']").first.inner_text().strip()
    joiner = new_page()
    open_app(joiner, share)
    expect(joiner.get_by_text("Anonymous: Nobody's name is asked or stored", exact=False)).to_be_visible()
    expect(joiner.get_by_role("textbox", name="Your name (optional)")).to_have_count(0)
