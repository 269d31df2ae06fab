"""The survey shows what it asks about: on a phone, the stakeholder sees each element's shareable steps and
evidence from the relationship's worksheet, not the internal entry typed beside them, and the facilitator's
preview on the console shows exactly the same."""

from __future__ import annotations

import html
import json

from playwright.sync_api import expect

from trustcore.followup.survey import feedback, new_survey_link
from trustcore.followup.worksheet_entries import set_worksheet_entry

from .helpers import eventually, open_app, shot, wait_idle

STEP = "We publish a data protection impact assessment every spring"
EVIDENCE = "Council auditors read the assessment and say what they found"
INTERNAL = "INTERNAL-ONLY: the spring assessment is two years late"
OTHER_STEP = "We ask riders' groups before new uses of the data"
PREVIEW = "What stakeholders see with the survey (preview)"


def _entry_texts(scope) -> list[str]:
    """The entries a page shows beside the questions (``ui/survey_documents``: one text element each)."""
    return [t.strip() for t in scope.locator("[data-testid='stText']").all_inner_texts()]


def test_a_stakeholder_on_a_phone_sees_the_shareable_steps_and_evidence_the_preview_showed(server, store, new_page):
    made = store.create_session("Shown with the survey", ["CityBus", "Council"], our_org="CityBus")
    s, fac = made.session, made.facilitator_token
    city, council = (p.id for p in s.parties)
    first, second = s.catalogue.elements[0], s.catalogue.elements[1]
    set_worksheet_entry(store.open(s.code, fac), first.id, city, "B", STEP)
    set_worksheet_entry(store.open(s.code, fac), first.id, city, "C", INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), first.id, council, "C", EVIDENCE)
    set_worksheet_entry(store.open(s.code, fac), second.id, city, "B", OTHER_STEP)

    # The facilitator previews, on the console, what the survey shows, before sending its link.
    link = f"{server.url}/?session={s.code}&survey={new_survey_link(store.open(s.code, fac))}"
    console = new_page()
    open_app(console, f"{server.url}/?session={s.code}&admin={fac}")
    preview = console.locator("[data-testid='stExpander'] details").filter(has_text=PREVIEW)
    expect(preview).to_be_visible(timeout=60000)  # the console is long; a loaded machine draws it slowly
    preview.locator("summary").click(timeout=60000)
    wait_idle(console)
    expect(preview.get_by_text(f"CityBus: {STEP}")).to_be_visible()
    previewed = _entry_texts(preview)
    assert INTERNAL not in console.content()
    preview.scroll_into_view_if_needed()
    shot(console, "survey-preview-console")

    # The stakeholder, on a phone, sees the same entries under each element, and nothing internal.
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    open_app(phone, link)
    expect(phone.get_by_role("button", name="Send my answers")).to_be_visible()
    assert _entry_texts(phone) == previewed == [f"CityBus: {STEP}", f"Council: {EVIDENCE}", f"CityBus: {OTHER_STEP}"]
    boxes = phone.locator("[data-testid='stVerticalBlock']")  # the element's box: its name, its questions
    under_first = boxes.filter(has_text=first.name).filter(has_text="To what degree").filter(has_not_text=second.name)
    under_first = under_first.last
    expect(under_first.get_by_text(f"CityBus: {STEP}")).to_be_visible()
    expect(under_first.get_by_text(f"Council: {EVIDENCE}")).to_be_visible()
    expect(under_first.get_by_text("Steps we take")).to_be_visible()
    expect(under_first.get_by_text("How we show it (our evidence)")).to_be_visible()
    assert INTERNAL not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    expect(phone.get_by_role("button", name="Worksheet shared with the survey (printable)")).to_be_visible()
    shot(phone, "survey-shows-worksheet-phone")
    with phone.expect_download() as info:  # the same worksheet, to print or keep
        phone.get_by_role("button", name="Worksheet shared with the survey (printable)").click()
    printable = html.unescape(open(info.value.path(), encoding="utf-8").read())
    assert STEP in printable and EVIDENCE in printable and OTHER_STEP in printable and INTERNAL not in printable
    assert s.code not in printable and info.value.suggested_filename.endswith("-shared-worksheet.html")

    # An answer records the versions of the entries the page showed.
    phone.get_by_role("radiogroup").first.get_by_role("radio", name="4 · Mostly").check(force=True)
    phone.get_by_role("button", name="Send my answers").click()
    wait_idle(phone)
    expect(phone.get_by_text("Thank you: your answers are stored")).to_be_visible()
    [answer] = eventually(lambda: feedback(store.open(s.code, fac)))
    entries = json.loads(answer.shown)[0]["entries"]
    assert entries == [[first.id, "CityBus", "B", 1], [first.id, "Council", "C", 1]]

    # The facilitator leaves the evidence out: preview and survey both stop showing it.
    preview.get_by_text("Show the evidence (Column C)").click()
    wait_idle(console)
    expect(preview.get_by_text(f"Council: {EVIDENCE}")).to_have_count(0)
    phone.get_by_role("button", name="Answer again, as someone else").click()
    wait_idle(phone)
    expect(phone.get_by_text(f"CityBus: {STEP}")).to_be_visible()
    assert _entry_texts(phone) == _entry_texts(preview) == [f"CityBus: {STEP}", f"CityBus: {OTHER_STEP}"]
