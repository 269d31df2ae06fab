"""After the reveal: a second round, next steps edited from two browsers at once, the stakeholder survey."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from trustcore.followup.next_steps import add_next_step, next_steps
from trustcore.followup.survey import feedback, new_survey_link

from .helpers import current_order, drag, eventually, go, join, open_app, shot, sortable_items, submit, wait_idle


def test_second_round_starts_from_previous_order_and_shows_movement(server, store, new_page):
    made = store.create_session("Two rounds", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    share = f"{server.url}/?session={code}"
    ann, bob = new_page(), new_page()
    join(ann, share, "Alpha", "Ann")
    submit(ann)
    join(bob, share, "Beta", "Bob")
    drag(bob, 9, 0)
    submit(bob)
    round1 = current_order(bob)

    console = new_page()
    open_app(console, f"{server.url}/?session={code}&admin={fac}")
    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)
    console.get_by_role("button", name="Open next round").click()
    wait_idle(console)
    expect(console.get_by_text("Round 2: 0 of 2 submitted")).to_be_visible()

    # Bob's page moves to round 2 by itself, starting from his round-1 order.
    expect(bob.get_by_text("Round 2: you start from your order and reasons in the previous round")).to_be_visible(
        timeout=10000
    )
    wait_idle(bob)
    expect(sortable_items(bob).first).to_be_visible()
    assert current_order(bob) == round1
    drag(bob, 5, 0)
    submit(bob)
    expect(ann.get_by_text("Round 2: you start from your order and reasons in the previous round")).to_be_visible(
        timeout=10000
    )
    submit(ann)
    expect(console.get_by_text("Round 2: 2 of 2 submitted")).to_be_visible(timeout=10000)
    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)
    go(console, "Comparison")
    expect(console.get_by_role("heading", name="From round 1 to round 2")).to_be_visible()
    expect(console.get_by_text("Agreement (Kendall's W) went from")).to_be_visible()
    shot(console, "20-comparison-round-2")
    assert [r.round for r in store._rankings(code)] == [1, 1, 2, 2]


def test_next_steps_from_two_browsers_never_overwrite_silently(server, store, new_page):
    made = store.create_session("Next steps", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    ann = store.join(code, made.session.parties[0].id, "Ann")
    step = add_next_step(store.open(code, fac), "privacy", "Write a data protection impact assessment")
    one, two = new_page(), new_page()
    for page, url in (
        (one, f"{server.url}/?session={code}&admin={fac}"),
        (two, f"{server.url}/?session={code}&me={ann.token}"),
    ):
        open_app(page, url)
        go(page, "Next steps")
        page.get_by_text("Privacy and security · 1 next step").click()
        page.wait_for_timeout(300)

    def action_box(page):
        return page.get_by_role("textbox", name="Action").filter(visible=True).first

    action_box(one).fill("Publish the DPIA by March")
    action_box(two).fill("Ask the council's DPO to review the DPIA")
    one.get_by_role("button", name="Save").filter(visible=True).first.click()
    wait_idle(one)
    assert eventually(lambda: next_steps(store.open(code, fac))[0].action == "Publish the DPIA by March")

    two.get_by_role("button", name="Save").filter(visible=True).first.click()
    wait_idle(two)
    expect(two.get_by_text("Someone else changed this next step")).to_be_visible()
    expect(two.get_by_text("Publish the DPIA by March")).to_be_visible()  # theirs, shown beside mine
    expect(two.get_by_text("Ask the council's DPO to review the DPIA").first).to_be_visible()
    shot(two, "21-next-step-conflict")
    assert next_steps(store.open(code, fac))[0].action == "Publish the DPIA by March", "nothing overwritten"

    two.get_by_role("button", name="Save mine over theirs").click()
    wait_idle(two)
    eventually(lambda: next_steps(store.open(code, fac))[0].version == step.version + 2)
    saved = next_steps(store.open(code, fac))[0]
    assert saved.action == "Ask the council's DPO to review the DPIA" and saved.version == step.version + 2
    expect(one.get_by_text("Someone else has made changes since you opened this page")).to_be_visible(timeout=10000)
    events = [e.action for e in store.events(code, fac)]
    assert events.count("next_step_updated") == 2


def test_stakeholder_survey_from_its_link(server, store, new_page):
    made = store.create_session("Survey", ["Alpha", "Beta"], our_org="CityBus")
    code, fac = made.session.code, made.facilitator_token
    survey = new_survey_link(store.open(code, fac))
    page = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    open_app(page, f"{server.url}/?session={code}&survey={survey}")
    expect(page.get_by_text("Please tell CityBus how far you can trust them")).to_be_visible()
    page.get_by_role("textbox", name="Your name or organisation (optional)").fill("Bus users' forum")
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()  # the whole form is there
    # check the radios themselves (Playwright clicks, then verifies the state and retries): a click dispatched
    # on a label while the phone layout settles could be lost
    page.get_by_role("radiogroup").first.get_by_role("radio", name="4 · Mostly").check(force=True)
    page.get_by_role("radiogroup").nth(1).get_by_role("radio", name="Partly").check(force=True)
    expect(page.get_by_role("radiogroup").first.get_by_role("radio", name="4 · Mostly")).to_be_checked()
    page.get_by_role("textbox", name="Comment (optional)").first.fill('=HYPERLINK("x") good so far')
    shot(page, "22-survey-phone")
    page.get_by_role("button", name="Send my answers").click()
    wait_idle(page)
    expect(page.get_by_text("Thank you: your answers are stored")).to_be_visible()
    answers = eventually(lambda: feedback(store.open(code, fac)))
    assert len(answers) == 1
    first_element = made.session.catalogue.ids[0]
    assert (answers[0].respondent, answers[0].element_id, answers[0].trust, answers[0].expectations) == (
        "Bus users' forum",
        first_element,
        4,
        "partly",
    )
    assert answers[0].comment == '=HYPERLINK("x") good so far'

    # The survey link grants nothing else.
    links = [
        t.strip()
        for t in page.locator("[data-testid='stSidebarNavLink'], [data-testid='stTopNavLink']").all_inner_texts()
    ]
    assert not any(name in links for name in ("Console", "Comparison", "My ranking", "Next steps"))
    open_app(page, f"{server.url}/?session={code}&admin={survey}")
    expect(page.get_by_text("This facilitator link is not valid")).to_be_visible()
    open_app(page, f"{server.url}/?session={code}&me={survey}")
    expect(page.get_by_text("This personal link is not valid")).to_be_visible()


def test_the_comparison_draws_the_chart_of_each_tab_chosen_and_opens_the_full_agenda(server, store, new_page):
    """The chart tabs and the long expanders draw their content when chosen (it is sent only then)."""
    made = store.create_session("Chart tabs", ["Alpha", "Beta", "Gamma"])
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    for i, order in enumerate((ids, ids[::-1], ids[5:] + ids[:5])):
        person = store.join(s.code, s.parties[i].id, f"P{i}")
        store.submit(s.code, person.token, order, reasons={e: f"reason {i} for {e}" for e in ids}, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    page = new_page()
    open_app(page, f"{server.url}/compare?session={s.code}&admin={fac}")
    panel = page.get_by_role("tabpanel")
    expect(panel.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1  # only the tab on screen
    for name in ("Heatmap", "Agreement", "Spread"):
        page.get_by_role("tab", name=name).click()
        wait_idle(page)
        expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
        expect(panel.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
        assert page.locator("[data-testid='stPlotlyChart']").count() == 1
        if name == "Heatmap":
            shot(page, "21-comparison-heatmap-tab")
    every = page.locator("[data-testid='stExpander'] summary").filter(has_text=re.compile(r"All \d+ pairs"))
    every.click()
    wait_idle(page)
    expect(page.get_by_text("reason 1 for", exact=False).last).to_be_visible()
    shot(page, "22-comparison-all-pairs-open")
