"""The tables a participant reads, on a 390 px phone: every cell readable without a sideways scroll.

A participant of a three-party session (one party of two members), two rounds revealed, reads the
comparison's tables (side by side, consensus, agreement within parties, round to round), their own locked
ranking, the Reflect page's organisation-wide comparison and, in an open round, what the elements mean;
next steps, the worksheet and the survey have no table, and must not scroll sideways either.
Each party's rank for every element must lie inside the 390 px viewport, and nothing on the page may
scroll sideways (no table hides its columns behind a horizontal scroll of its own). The comparison is
also shot at 1280 px, where it stays a table.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from trustcore.followup.baselines import set_baseline
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link

from .helpers import open_app, shot, wait_idle
from .test_accessibility import FAILING, audit

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
PARTIES = ["CityBus Operations", "County Council", "Riders' Forum"]

# Every element that scrolls sideways by itself (the page, the main area, anything in it, such as a table's
# own scroller; not the sidebar, closed on a phone): its description and by how much.
SCROLLING_SIDEWAYS = """() => [document.scrollingElement, ...document.querySelectorAll(
  '[data-testid=stMain], [data-testid=stMain] *')].filter(e => {
  const style = getComputedStyle(e);
  const scrolls = e === document.scrollingElement || ['auto', 'scroll'].includes(style.overflowX);
  return scrolls && e.scrollWidth > e.clientWidth + 1 && e.getClientRects().length > 0;
}).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}[${e.dataset.testid || ''}] ` +
  `by ${e.scrollWidth - e.clientWidth} px`)"""


def no_sideways_scroll(page: Page, where: str) -> None:
    page.wait_for_timeout(300)  # the grid of a st.dataframe sizes its columns a frame after it is drawn
    scrolling = page.evaluate(SCROLLING_SIDEWAYS)
    assert scrolling == [], f"{where}: these scroll sideways at {page.viewport_size['width']} px: {scrolling}"


def inside(page: Page, locator, what: str) -> None:
    """``locator`` is drawn and lies within the viewport horizontally."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{what}: {box}"


def no_serious_axe_violation(page: Page, where: str) -> None:
    """axe-core finds nothing serious in the page (the tables' roles, names and contrast in the card layout)."""
    serious = [f"{v['id']}: {v['help']}" for v in audit(page) if v.get("impact") in FAILING]
    assert serious == [], f"{where}: {serious}"


def table(page: Page, name: str):
    found = page.get_by_role("table", name=name)
    expect(found).to_be_visible()
    return found


def cells_by_column(tbl) -> dict[str, list]:
    """Each column's header -> its cells (row headers included), top to bottom."""
    headers = [h.strip() for h in tbl.get_by_role("columnheader").all_inner_texts()]
    columns: dict[str, list] = {h: [] for h in headers}
    rows = tbl.get_by_role("row")
    for r in range(1, rows.count()):  # row 0 holds the column headers
        cells = rows.nth(r).locator("[role=rowheader], [role=cell]")
        assert cells.count() == len(headers), f"row {r}: {cells.all_inner_texts()} under {headers}"
        for c, header in enumerate(headers):
            columns[header].append(cells.nth(c))
    return columns


def every_cell_inside(page: Page, tbl, name: str, columns: list[str] | None = None) -> dict[str, list]:
    cells = cells_by_column(tbl)
    for header in columns or list(cells):
        assert cells[header], f"{name}: no cells under {header}"
        for n, cell in enumerate(cells[header]):
            inside(page, cell, f"{name}, {header}, row {n + 1}")
    return cells


def test_a_participant_reads_every_table_on_a_390_px_phone(server, store, new_page):
    made = store.create_session("Phone tables", PARTIES)
    s, fac = made.session, made.facilitator_token
    code, ids = s.code, list(s.catalogue.ids)
    people = [store.join(code, p.id, f"{p.name.split()[0]} person") for p in s.parties]
    people.append(store.join(code, s.parties[0].id, "Second person"))  # a party of two: agreement within it
    orders = [ids, ids[::-1], ids[4:] + ids[:4], ids[1:] + ids[:1]]
    for rnd in (1, 2):
        for person, order in zip(people, orders, strict=True):
            store.submit(code, person.token, order if rnd == 1 else order[1:] + order[:1], round_number=rnd)
        store.reveal(code, fac, round_number=rnd)
        if rnd == 1:
            store.next_round(code, fac, round_number=1)
    me = people[0].token
    set_baseline(store.open(code, me), s.parties[0].id, ids[::-1])
    add_next_step(store.open(code, fac), ids[0], "Publish the data protection impact assessment by March 2027")

    page = new_page(**PHONE)
    open_app(page, f"{server.url}/compare?session={code}&me={me}")
    expect(page.get_by_role("heading", name="Side by side, most contested first")).to_be_visible()
    expect(page.get_by_role("heading", name="From round 1 to round 2")).to_be_visible()
    shot(page, "phone-tables-compare-390")
    no_sideways_scroll(page, "the comparison")
    side = table(page, "Side by side, most contested first")
    cells = every_cell_inside(page, side, "side by side", PARTIES)
    assert all(len(cells[p]) == len(ids) for p in PARTIES)
    assert {cell.inner_text().strip() for cell in cells[PARTIES[1]]} == {str(n) for n in range(1, len(ids) + 1)}
    for name in ("Consensus order", "Agreement within parties", "From round 1 to round 2"):
        every_cell_inside(page, table(page, name), name)
    no_serious_axe_violation(page, "the comparison")
    page.set_viewport_size({"width": 320, "height": 844})  # WCAG's reflow width: still no sideways scroll
    page.wait_for_function("() => document.documentElement.clientWidth <= 320")
    no_sideways_scroll(page, "the comparison")
    every_cell_inside(page, side, "side by side at 320 px", PARTIES)
    page.set_viewport_size({"width": 390, "height": 844})

    open_app(page, f"{server.url}/rank?session={code}&me={me}")
    every_cell_inside(page, table(page, "The ranking you submitted in round 2"), "my ranking")
    no_sideways_scroll(page, "my ranking")
    shot(page, "phone-tables-rank-390")

    open_app(page, f"{server.url}/reflect?session={code}&me={me}")
    every_cell_inside(page, table(page, "Organisation-wide against this relationship (round 2)"), "reflect")
    no_sideways_scroll(page, "reflect")
    shot(page, "phone-tables-reflect-390")

    for path in ("next-steps", "worksheet"):  # no tables: their columns stack on a phone
        open_app(page, f"{server.url}/{path}?session={code}&me={me}")
        no_sideways_scroll(page, path)
    survey = new_survey_link(store.open(code, fac))  # a stakeholder's page: no table either
    open_app(page, f"{server.url}/survey?session={code}&survey={survey}")
    no_sideways_scroll(page, "the survey")

    # an open round: what the elements mean, under the ranking
    store.next_round(code, fac, round_number=2)
    open_app(page, f"{server.url}/rank?session={code}&me={me}")
    elements = page.get_by_role("table", name="What the elements mean")
    for _ in range(3):  # a run that ends as the expander opens may draw it closed again: open it until it shows
        page.get_by_text("What the elements mean").click()
        wait_idle(page)
        if elements.is_visible():
            break
    every_cell_inside(page, table(page, "What the elements mean"), "what the elements mean")
    no_sideways_scroll(page, "the ranking page")
    no_serious_axe_violation(page, "the ranking page")
    shot(page, "phone-tables-elements-390")

    wide = new_page(1280, 900)
    open_app(wide, f"{server.url}/compare?session={code}&me={me}")
    side = table(wide, "Side by side, most contested first")
    every_cell_inside(wide, side, "side by side at 1280 px", PARTIES)
    first, second = (cells_by_column(side)[p][0].bounding_box() for p in PARTIES[:2])
    assert abs(first["y"] - second["y"]) < 2, "at 1280 px the parties' ranks sit side by side in one row"
    shot(wide, "phone-tables-compare-1280")
    no_serious_axe_violation(wide, "the comparison at 1280 px")
