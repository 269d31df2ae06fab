"""trustcore.tables: the tables people read (the comparison's, a ranking, what the elements mean, Reflect's)
as one accessible HTML table each, which lays its rows out as cards where its columns do not fit (a 390 px
phone), so each party's rank is read without a sideways scroll. The browser test
(tests/browser/test_phone_tables.py) checks the layout in Chromium; these check what the HTML says."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from trustcore import tables
from trustcore.catalogue import validate
from trustcore.results import RoundsComparison, round_results

PHONE_REM = (390 - 2 * 16) / 16  # the width a page's main column gives a table on a 390 px phone (1 rem margins)
PARTIES = ["CityBus", "Council", "<b>Riders</b> & co"]


class Cells(HTMLParser):
    """Each body row's cells as (tag, role, data-label, text); the column headers; the table's roles."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str, str, str]]] = []
        self.headers: list[str] = []
        self.roles: list[str] = []
        self.label = ""
        self._cell: list | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "role" in a:
            self.roles.append(a["role"])
        if tag == "table":
            self.label = a.get("aria-label", "")
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, a.get("role", ""), a.get("data-label", ""), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[3] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            if self._in_head:
                self.headers.append(self._cell[3])
            else:
                self.rows[-1].append(tuple(self._cell))
            self._cell = None


def parsed(table: tables.Table) -> Cells:
    cells = Cells()
    cells.feed(table.html)
    return cells


@pytest.fixture
def revealed(store):
    """Three parties (one named with markup), two rounds ranked differently, and their results."""
    made = store.create_session("Tables", PARTIES)
    s = made.session
    ids = list(s.catalogue.ids)
    orders = [ids, ids[::-1], ids[3:] + ids[:3]]
    for party, order in zip(s.parties, orders, strict=True):
        for rnd in (1, 2):
            joined = store.join(s.code, party.id, f"{party.name} {rnd}")
            store.submit(s.code, joined.token, order if rnd == 1 else order[1:] + order[:1], round_number=1)
    return s, round_results(s, store._rankings(s.code), 1)


def test_the_side_by_side_table_gives_each_party_its_rank_for_every_element(revealed):
    session, res = revealed
    table = tables.side_by_side(res)
    cells = parsed(table)
    assert cells.label == "Side by side, most contested first"
    assert cells.headers == ["Element", *PARTIES, "Mean rank", "Spread", "SD"]
    assert len(cells.rows) == len(session.catalogue.ids)
    for row, div in zip(cells.rows, res.divergence.rows, strict=True):
        assert row[0] == ("th", "rowheader", "", div.element)
        ranks = {label: text for _, role, label, text in row[1:] if role == "cell"}
        assert ranks == {
            **{p: str(div.ranks[p]) for p in PARTIES},
            "Mean rank": f"{div.mean_rank:.1f}",
            "Spread": str(div.spread),
            "SD": f"{div.sd:.2f}",
        }


def test_a_table_too_wide_for_a_phone_becomes_one_card_per_row_there_and_keeps_its_roles(revealed):
    """Three parties' ranks and three statistics need more than a phone's width: below that width (a
    container query, on the width the table is given) each row is a card whose cells say their header."""
    session, res = revealed
    side = tables.side_by_side(res)
    assert side.narrow_below > PHONE_REM
    assert f"@container (max-width: {side.narrow_below}rem)" in side.html
    assert "content: attr(data-label)" in side.html
    assert {"table", "rowgroup", "row", "columnheader", "rowheader", "cell"} <= set(parsed(side).roles)
    # the consensus (a rank and two element names) and a ranking stay tables on a phone, their names wrapping
    assert tables.consensus(res, session.catalogue.names).narrow_below <= PHONE_REM
    assert tables.order("Mine", session.catalogue.ids, session.catalogue.names).narrow_below <= PHONE_REM
    assert tables.elements(session.catalogue).narrow_below <= PHONE_REM


def test_text_people_typed_stays_text_in_a_table(revealed):
    _, res = revealed
    table = tables.side_by_side(res)
    assert "<b>Riders</b>" not in table.html and "&lt;b&gt;Riders&lt;/b&gt; &amp; co" in table.html
    assert 'data-label="&lt;b&gt;Riders&lt;/b&gt; &amp; co"' in table.html
    catalogue = validate(
        [
            {"id": "x", "name": "<script>alert(1)</script>", "description": "a < b"},
            {"id": "y", "name": "Plain", "description": ""},
            {"id": "z", "name": "Other", "description": ""},
        ]
    )
    html = tables.elements(catalogue).html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &lt; b" in html


def test_the_other_tables_say_what_the_page_showed(revealed):
    session, res = revealed
    names = session.catalogue.names
    consensus = parsed(tables.consensus(res, names))
    assert consensus.headers == ["Rank", "Borda", "Kemeny"]
    assert [r[0][3] for r in consensus.rows] == [str(n) for n in range(1, len(names) + 1)]
    assert [r[1][3] for r in consensus.rows] == [names[e] for e in res.borda]
    within = parsed(tables.within(res))
    assert within.headers == ["Party", "Members who ranked", "Kendall's W", "In words"]
    assert [r[0][3] for r in within.rows] == PARTIES and {r[1][3] for r in within.rows} == {"2"}
    mine = parsed(tables.order("The ranking you submitted in round 1", res.borda, names))
    assert mine.label == "The ranking you submitted in round 1"
    assert mine.rows[0] == [("td", "cell", "Rank", "1"), ("th", "rowheader", "", names[res.borda[0]])]
    moved = RoundsComparison(pd.DataFrame(), 1, 2, {}, {}, {"CityBus": 1.0, "Council": -0.2})
    stability = parsed(tables.stability(moved))
    assert stability.label == "From round 1 to round 2"
    assert [[c[3] for c in r[:2]] for r in stability.rows] == [["CityBus", "1.00"], ["Council", "-0.20"]]
    compared = {"CityBus": {"tau": 0.5, "rho": 0.61, "moved": [(session.catalogue.ids[0], 1, 4)]}}
    reflect = parsed(tables.baseline_comparison(2, compared, names))
    assert reflect.label == "Organisation-wide against this relationship (round 2)"
    assert [c[3] for c in reflect.rows[0]] == ["CityBus", "0.50", "0.61", f"{names[session.catalogue.ids[0]]} 1→4"]


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        tables.Table(caption="T", headers=("A", "B"), rows=(("1",),))


def test_a_long_unbroken_word_turns_a_table_into_cards_rather_than_pushing_it_wider_than_a_phone():
    """A table never breaks a word inside (a "Ran-k" header, an "accountabilit-y"), so a column is at least
    its longest word: a typed party name with no space in it would push the table past a phone's width.
    Such a table lays its rows out as cards there, whose lines break even a long word."""
    short = RoundsComparison(pd.DataFrame(), 1, 2, {}, {}, {"CityBus": 1.0, "Council": 0.2})
    long = RoundsComparison(pd.DataFrame(), 1, 2, {}, {}, {"CityBus": 1.0, "Council" * 8: 0.2})
    assert tables.stability(short).narrow_below <= PHONE_REM < tables.stability(long).narrow_below
    assert "overflow-wrap: anywhere" not in tables.stability(short).html
