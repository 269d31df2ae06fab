"""The whole workshop with no mouse: every control is reached with Tab, shows where the focus is, and is
worked with the keyboard (Enter, Space, arrows, typing).

The facilitator creates a session, a participant joins, ranks with the keyboard and submits, the
facilitator locks and reveals from the console, the participant reads the comparison and adds a next
step. ``tab_to`` presses Tab until the control has the focus, so a control that Tab never reaches (or a
focus trap that keeps it away) fails the test, and checks that the focused control is visibly marked.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from trustcore.followup.next_steps import next_steps

from .helpers import SORTABLE, code_blocks, current_order, open_app, shot, wait_idle

FOCUSED = "el => el === document.activeElement || el.contains(document.activeElement)"
# what marks the focus: an outline, a ring drawn with box-shadow, or a changed border
FOCUS_MARK = """el => {
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  const parent = el.parentElement && getComputedStyle(el.parentElement);
  const around = parent && (parent.boxShadow !== 'none' || (parent.outlineStyle !== 'none' && parseFloat(parent.outlineWidth) > 0));
  return ring || !!around || el.matches(':focus-visible') && s.borderColor !== '';
}"""


def tab_to(page: Page, target: Locator, *, limit: int = 150, backwards: bool = False, mark: bool = True) -> None:
    """Press Tab (Shift+Tab) until ``target`` has the keyboard focus; fail if it is never reached. With
    ``mark``, the focused control must show it (a frame shows it on the element inside it instead)."""
    target.wait_for(state="attached")
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate(FOCUSED, handle):
            if mark:
                focused = page.evaluate_handle("() => document.activeElement")
                assert page.evaluate(FOCUS_MARK, focused), f"the focus on {target} is not visible"
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {target} in {limit} presses")


def test_the_whole_workshop_by_keyboard(server, store, new_page):
    fac = new_page(1280, 900)
    open_app(fac, server.url)
    tab_to(fac, fac.get_by_role("link", name="New session").first)
    fac.keyboard.press("Enter")
    wait_idle(fac)
    for label, text in [
        ("Session title", "Keyboard workshop"),
        ("Our organisation", "Alpha"),
        ("The partner organisation", "Beta"),
        ("Party 1", "Alpha"),
        ("Party 2", "Beta"),
    ]:
        field = fac.get_by_label(label, exact=True)
        tab_to(fac, field)
        fac.keyboard.press("Control+a")
        fac.keyboard.type(text)
    tab_to(fac, fac.get_by_role("button", name="Create session"))
    fac.keyboard.press("Enter")
    wait_idle(fac)
    expect(fac.get_by_text("The session is ready.")).to_be_visible()
    expect(fac.locator("[data-testid='stCode']").nth(1)).to_contain_text("admin=")  # the links are drawn
    share, admin = code_blocks(fac)[:2]

    # a participant joins, ranks with the keyboard and submits
    me = new_page(1280, 1000)
    open_app(me, share)
    tab_to(me, me.get_by_role("radio").first)  # Tab enters a radio group at its first option
    me.keyboard.press("ArrowDown")  # the arrows choose within the group
    expect(me.get_by_role("radio", name="Beta")).to_be_checked()
    tab_to(me, me.get_by_role("button", name="Join and start ranking"))
    me.keyboard.press("Enter")
    wait_idle(me)
    before = current_order(me)
    tab_to(me, me.locator(SORTABLE), mark=False)
    frame = me.frame_locator(SORTABLE)
    first = frame.locator("li.sortable-item").first
    for _ in range(10):  # into the frame: the first element of the list takes the focus
        if first.evaluate("el => el === document.activeElement"):
            break
        me.keyboard.press("Tab")
    assert first.evaluate("el => el === document.activeElement"), "Tab does not reach the list's first element"
    assert first.evaluate(FOCUS_MARK), "the focus on the list's first element is not visible"
    for key in ["Space", "ArrowDown", "ArrowDown", "Space"]:
        me.keyboard.press(key)
        me.wait_for_timeout(250)
    wait_idle(me)
    after = current_order(me)
    assert after[2] == before[0] and after != before, (before, after)
    tab_to(me, me.get_by_role("button", name="Submit my ranking"))
    me.keyboard.press("Enter")
    wait_idle(me)
    expect(me.get_by_text("Your ranking is stored (submitted at")).to_be_visible()
    shot(me, "keyboard-10-submitted")

    # another party ranks too (through the core: the comparison needs two)
    code = share.rsplit("session=", 1)[1].split("&")[0]
    other = store.join(code, store._session(code).parties[0].id, "Other")
    store.submit(code, other.token, list(store._session(code).catalogue.ids), round_number=1)

    # the facilitator locks and reveals from the console (opened from the facilitator link)
    open_app(fac, admin)
    for button in ["Lock round", "Reveal results"]:
        tab_to(fac, fac.get_by_role("button", name=button))
        fac.keyboard.press("Enter")
        wait_idle(fac)
    assert store._session(code).round.status == "revealed"

    # the participant's page shows the comparison by itself; they read it and add a next step
    expect(me.get_by_text("Side by side, most contested first")).to_be_visible(timeout=20000)
    tab_to(me, me.get_by_role("link", name="Next steps").first)
    me.keyboard.press("Enter")
    wait_idle(me)
    expander = me.locator("[data-testid='stExpander'] summary").first
    tab_to(me, expander)
    me.keyboard.press("Enter")
    action = me.get_by_role("textbox", name="Action").last
    tab_to(me, action)
    me.keyboard.type("Publish the access policy")
    tab_to(me, me.get_by_role("button", name="Add").first)
    me.keyboard.press("Enter")
    wait_idle(me)
    steps = next_steps(store.open(code, admin.rsplit("admin=", 1)[1].split("&")[0]))
    assert [s.action for s in steps] == ["Publish the access policy"]
    shot(me, "keyboard-20-next-step")


def test_what_the_sortable_announces_to_a_screen_reader(server, store, new_page):
    """streamlit-sortables (dnd-kit) describes the keyboard use to assistive technology and announces each
    move in an assertive live region inside its frame; the announcements name the element and its place."""
    made = store.create_session("Announcements", ["Alpha", "Beta"])
    ann = store.join(made.session.code, made.session.parties[0].id, "Ann")
    page = new_page(1280, 1000)
    open_app(page, f"{server.url}/rank?session={made.session.code}&me={ann.token}")
    order = current_order(page)
    frame = page.frame_locator(SORTABLE)
    first = frame.locator("li.sortable-item").first
    assert first.get_attribute("role") == "button" and first.get_attribute("aria-roledescription") == "sortable"
    described = frame.locator(f"[id='{first.get_attribute('aria-describedby')}']").text_content()
    assert "press the space bar" in described and "arrow keys" in described
    live = frame.locator("[aria-live]")
    assert live.get_attribute("aria-live") == "assertive"
    first.focus()
    said = []
    for key in ["Space", "ArrowDown", "Space"]:
        before = live.text_content() or ""
        page.keyboard.press(key)
        expect(live).not_to_have_text(before)  # each key's announcement replaces the last one
        said.append(live.text_content())
    assert order[0] in said[0]  # picked up
    assert order[0] in said[1] and order[1] in said[1]  # moved over the next place
    assert "dropped" in said[2] and order[0] in said[2] and order[1] in said[2]
    wait_idle(page)
    assert current_order(page)[1] == order[0]


def test_move_buttons_name_their_element_and_announce_the_new_place(server, store, new_page):
    """Where the sortable is not used, the move buttons are complete for a screen-reader user: each button
    names its element and direction, each move is announced in a status region, and the focus follows the
    element that moved."""
    made = store.create_session("Move buttons", ["Alpha", "Beta"])
    ann = store.join(made.session.code, made.session.parties[0].id, "Ann")
    page = new_page(1280, 1000)
    open_app(page, f"{server.url}/rank?session={made.session.code}&me={ann.token}")
    order = current_order(page)
    tab_to(page, page.get_by_role("radio", name="Drag and drop"))  # a radio group: arrows choose in it
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    wait_idle(page)
    up = page.get_by_role("button", name=f"Move {order[1]} up", exact=True)
    down = page.get_by_role("button", name=f"Move {order[1]} down", exact=True)
    label = down.locator("[data-testid=stMarkdownContainer]").bounding_box()
    assert label and label["width"] <= 1, "the label is for screen readers: the button shows its arrow icon"
    tab_to(page, up)
    page.keyboard.press("Enter")
    wait_idle(page)
    status = page.get_by_role("status").filter(has_text="moved")
    expect(status).to_contain_text(f"{order[1]} moved up to place 1 of {len(order)}.")
    expect(down).to_be_focused()  # its up button is disabled at the top, so the focus is on its down button
    expect(up).to_be_disabled()
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(status).to_contain_text(f"{order[1]} moved down to place 2 of {len(order)}.")
    expect(down).to_be_focused()
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(status).to_contain_text(f"{order[1]} moved down to place 3 of {len(order)}.")
    expect(down).to_be_focused()
    shot(page, "keyboard-30-move-buttons")
