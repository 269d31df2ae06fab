"""What a person does in the app, as Playwright steps (shared by the browser tests)."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from .conftest import SHOTS

SORTABLE = 'iframe[title="streamlit_sortables.sortable_items"]'


def wait_idle(page: Page, timeout: int = 20000) -> None:
    """Wait until the script has finished its rerun (the signal Streamlit's own e2e suite uses)."""
    page.wait_for_timeout(300)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(state="attached")
    wait_idle(page)


def shot(page: Page, name: str) -> None:
    """Save a full screenshot of the page (the whole scrolling main area)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section.main, body')]"
        ".map(e => e.scrollHeight))"
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def code_blocks(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stCode']").all_text_contents()]


def create_session(page: Page, base: str, title: str, parties: list[str], *, live: bool = False) -> tuple[str, str]:
    """Create a session through the UI; returns (share link, facilitator link) and opens the console."""
    open_app(page, base)  # links people get are all to the root; pages are reached through the navigation
    page.get_by_role("link", name="New session").first.click()
    wait_idle(page)
    if len(parties) != 2:
        count = page.get_by_role("spinbutton", name="How many parties will rank?")
        count.fill(str(len(parties)))
        count.press("Enter")
        wait_idle(page)
    page.get_by_role("textbox", name="Session title").fill(title)
    page.get_by_label("Our organisation").fill(parties[0])
    page.get_by_label("The partner organisation").fill(parties[1])
    for i, name in enumerate(parties):
        page.get_by_label(f"Party {i + 1}", exact=True).fill(name)
    if live:
        page.get_by_text("Show results live as rankings arrive").click()
    page.get_by_role("button", name="Create session").click()
    wait_idle(page)
    expect(page.get_by_text("The session is ready.")).to_be_visible()
    expect(page.locator("[data-testid='stCode']").nth(1)).to_contain_text("admin=")
    share, admin = code_blocks(page)[:2]
    assert "admin=" in admin and "admin=" not in share
    return share, admin


def join(page: Page, share_link: str, party: str, name: str = "") -> None:
    open_app(page, share_link)
    page.get_by_text(party, exact=True).click()
    if name:
        page.get_by_role("textbox", name="Your name (optional)").fill(name)
    page.get_by_role("button", name="Join and start ranking").click()
    wait_idle(page)
    expect(page.frame_locator(SORTABLE).locator("li.sortable-item").first).to_be_visible()


def sortable_items(page: Page):
    return page.frame_locator(SORTABLE).locator("li.sortable-item")


def current_order(page: Page) -> list[str]:
    """The order the drag-and-drop list shows (waits for the list to be there)."""
    expect(sortable_items(page).first).to_be_visible()
    return [t.strip() for t in sortable_items(page).all_inner_texts()]


def drag(page: Page, source: int, target: int) -> None:
    """A real mouse drag of item ``source`` onto the place of item ``target``."""
    items = sortable_items(page)
    a, b = items.nth(source).bounding_box(), items.nth(target).bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    offset = -5 if target < source else 5
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2 + offset, steps=15)
    page.mouse.up()
    wait_idle(page)


def keyboard_move(page: Page, index: int, steps: int) -> None:
    """Pick item ``index`` up with Space, move it down ``steps`` places with the arrow key, drop it."""
    sortable_items(page).nth(index).focus()
    for key in ["Space"] + ["ArrowDown"] * steps + ["Space"]:
        page.keyboard.press(key)
        page.wait_for_timeout(250)
    wait_idle(page)


def submit(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Submit my ranking|Submit my changes)$")).click()
    wait_idle(page)
    expect(page.get_by_text("Your ranking is stored (submitted at")).to_be_visible()


def open_downloads(page: Page) -> None:
    """Open the page's download expander (its buttons are drawn only while it is open, ``ui/downloads.py``)."""
    shelf = page.locator("[data-testid='stExpander'] details").filter(
        has_text=re.compile(r"CSV files, the Excel workbook, a printable report")
    )
    if shelf.get_attribute("open") is None:  # not the buttons' count: they are briefly gone while a page reruns
        shelf.locator("summary").click()
        wait_idle(page)
    expect(page.get_by_role("button", name="Results CSV (all rounds)")).to_be_visible()


def download(page: Page, button: str) -> bytes:
    open_downloads(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return open(info.value.path(), "rb").read()


def parse_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def go(page: Page, title: str) -> None:
    """Open a page from the navigation (on a phone-sized screen it sits in the collapsed sidebar)."""
    if page.viewport_size["width"] < 768:
        page.locator("[data-testid='stExpandSidebarButton']").click()
        link = page.locator("[data-testid='stSidebar']").get_by_role("link", name=title).first
    else:
        link = page.get_by_role("link", name=title).first
    link.click()
    wait_idle(page)


def eventually(check, timeout: float = 15.0):
    """Poll ``check`` (a function returning a truthy value) until it holds: what a click stored reaches the
    database once the server's rerun has run, which on a loaded machine can take a moment."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)
