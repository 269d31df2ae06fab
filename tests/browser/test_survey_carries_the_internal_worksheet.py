"""A stakeholder survey that carries the organisation's internal worksheet (Activity 2) shows its shareable
fields and not its internal ones: the organisation types both in its workspace's tab, marking one internal;
the stakeholder, on a phone, sees the shareable one under its element, beside the relationship worksheet."""

from __future__ import annotations

import html

from playwright.sync_api import expect

from trustcore import internal_worksheet as iw
from trustcore import workspace as ws
from trustcore.followup import survey_documents
from trustcore.followup.survey import new_survey_link
from trustcore.followup.worksheet_entries import set_worksheet_entry

from .helpers import open_app, shot, wait_idle

ORG_STEP = "Every department keeps a register of the data it shares"
ORG_INTERNAL = "INTERNAL-ONLY: the Sales register has been missing since May"
RELATIONSHIP_STEP = "We send Council our access log every month"
PRINTABLE = "Worksheet shared with the survey (printable)"
INTERNAL_LABEL = "Internal (never shown with a stakeholder survey)"


def test_a_stakeholder_sees_the_internal_worksheets_shareable_fields_and_not_its_internal_ones(server, store, new_page):
    made = store.create_session("Carries the internal worksheet", ["CityBus", "Council"], our_org="CityBus")
    s, fac = made.session, made.facilitator_token
    org = ws.create_workspace(store, "CityBus")
    wview = store.open_workspace(org.workspace.id, org.token)
    ws.link_session(store.open(s.code, fac), wview, s.parties[0].id)
    first = iw.build(wview).rows[0]  # Column A's first element
    set_worksheet_entry(store.open(s.code, fac), first.element_id, s.parties[0].id, "B", RELATIONSHIP_STEP)

    # The organisation fills in its internal worksheet in the workspace's tab: a shareable step, internal evidence.
    page = new_page(width=1280, height=900)
    open_app(page, f"{server.url}/?workspace={org.workspace.id}&org={org.token}")
    page.get_by_role("tab", name="Internal worksheet (Activity 2)").click()
    box = page.locator("[data-testid='stExpander']").filter(has_text=f"A1. {first.element}").first
    expect(box).to_be_visible(timeout=60000)
    box.get_by_role("textbox", name="Column B (steps we take)").fill(ORG_STEP)
    box.get_by_role("textbox", name="Column C (how we demonstrate it)").fill(ORG_INTERNAL)
    box.get_by_text(INTERNAL_LABEL).nth(1).click()  # Column C's
    box.get_by_role("button", name="Save").click()
    wait_idle(page)
    expect(page.get_by_text("Saved the internal worksheet's entries")).to_be_visible()
    saved = iw.build(wview).rows[0].entries
    assert (saved["B"].text, saved["B"].internal, saved["C"].text, saved["C"].internal) == (
        ORG_STEP,
        False,
        ORG_INTERNAL,
        True,
    )
    expect(box.get_by_role("checkbox", name=INTERNAL_LABEL).nth(1)).to_be_checked()
    shot(page, "workspace-internal-worksheet-tab")

    # The facilitator shows it with the survey; the stakeholder, on a phone, sees only the shareable field.
    survey_documents.choose(store.open(s.code, fac), ["B", "C"], kind=survey_documents.INTERNAL)
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    open_app(phone, f"{server.url}/?session={s.code}&survey={new_survey_link(store.open(s.code, fac))}")
    expect(phone.get_by_role("button", name="Send my answers")).to_be_visible()
    under_first = (
        phone.locator("[data-testid='stVerticalBlock']")
        .filter(has_text=first.element)
        .filter(has_text="To what degree")
        .filter(has_text="Organisation-wide worksheet")
        .last
    )
    expect(under_first.get_by_text(f"CityBus: {ORG_STEP}")).to_be_visible()
    expect(under_first.get_by_text(f"CityBus: {RELATIONSHIP_STEP}")).to_be_visible()  # beside the relationship's
    assert ORG_INTERNAL not in phone.content() and "Sales register" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(phone, "survey-carries-internal-worksheet-phone")
    with phone.expect_download() as info:  # the printable copy carries the same, and nothing internal
        phone.get_by_role("button", name=PRINTABLE).click()
    printable = html.unescape(open(info.value.path(), encoding="utf-8").read())
    assert ORG_STEP in printable and RELATIONSHIP_STEP in printable and ORG_INTERNAL not in printable
