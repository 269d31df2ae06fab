"""The tables people read on a page, as plain data and as one accessible HTML table that fits any width.

A ``Table`` holds text only (numbers already formatted) and its HTML, rendered once from
``templates/table.html.j2`` through ``templating`` (autoescaped: a name someone typed stays text). The
HTML is a real table wherever its columns fit, and one card per row where they do not (a CSS container
query on the width the table is given, not the screen's): on a 390 px phone, each party's rank for an
element sits in that element's card instead of behind a sideways scroll. Explicit ARIA roles keep it a
table for screen readers in both layouts. The pages draw it with ``ui.tables.show``; the functions below
shape each page's table from what the core computed (no statistics here).

Each takes the reader's translator ``t`` (English by default): captions and headers in its language,
numbers with its decimal sign, and the element names in it (``Catalogue.names_in``) where the caller passes
them. The card layout's threshold is computed from the translated words, so a longer French header moves
the table to cards earlier instead of pushing it wider than a phone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import templating, wording
from .catalogue import Catalogue
from .i18n import ENGLISH, Translator
from .results import RoundResults, RoundsComparison

# The width (rem) a column needs to be read in a table: a number, the text naming the row, another text.
# Below their sum the table lays its rows out as cards.
ROW_HEADER_REM, NUMBER_REM, TEXT_REM = 10.0, 4.5, 7.0
WORD_REM = 0.6  # a character of a word, which is never broken inside (a column is at least its longest word)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


@dataclass(frozen=True)
class Table:
    """A table to read: ``caption`` is its accessible name; ``numeric`` marks the columns of numbers;
    ``row_header`` is the column that names each row (an element, a party). ``html`` is rendered once."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()
    row_header: int = 0
    label_separator: str = ": "  # between a card's label and its value (French: a no-break space before ":")
    html: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"a row of {len(row)} cells under {len(self.headers)} headers")
        object.__setattr__(self, "html", templating.render("table.html.j2", table=self))

    def _repr_html_(self) -> str:
        """The table's HTML (IPython's protocol, which ``st.html`` takes as it is: a plain string it would
        dedent and scan again on every run, a few milliseconds per comparison rerun of every tab)."""
        return self.html

    @property
    def narrow_below(self) -> float:
        """The width (rem) under which each row becomes a card: what each column needs, and at least its
        longest word (a table breaks no word, so a long one would push it wider than the page; a card's
        lines break even a long word)."""
        return sum(
            max(
                NUMBER_REM if i in self.numeric else ROW_HEADER_REM if i == self.row_header else TEXT_REM,
                WORD_REM * max(_longest_word(text) for text in (self.headers[i], *(row[i] for row in self.rows))),
            )
            for i in range(len(self.headers))
        )

    @property
    def css_class(self) -> str:
        """The class its card layout is keyed by (one per threshold: equal thresholds, equal rules)."""
        return "tc-table-" + f"{self.narrow_below:g}".replace(".", "-")


def _separator(t: Translator) -> str:
    # Translators: between a column's name and its value in a table laid out as cards on a phone ("Rank: 3")
    return t.pgettext("label and value", ": ")


def _number(value: float | None, digits: int, t: Translator = ENGLISH) -> str:
    return "—" if value is None else t.decimal(value, digits)


def side_by_side(res: RoundResults, t: Translator = ENGLISH, names: Mapping[str, str] | None = None) -> Table:
    """The comparison's table: each element (most contested first), each party's rank, the mean rank, the
    spread and the standard deviation (``names``: the element names in ``t``'s language)."""
    div = res.divergence
    parties = div.parties
    return Table(
        caption=t.gettext("Side by side, most contested first"),
        headers=(
            t.gettext("Element"),
            *parties,
            t.gettext("Mean rank"),
            t.pgettext("table header: highest minus lowest rank", "Spread"),
            t.pgettext("table header: standard deviation", "SD"),
        ),
        rows=tuple(
            (
                names.get(row.element_id, row.element) if names else row.element,
                *(t.number(row.ranks[p]) for p in parties),
                _number(row.mean_rank, 1, t),
                t.number(row.spread),
                _number(row.sd, 2, t),
            )
            for row in div.rows
        ),
        numeric=frozenset(range(1, len(parties) + 4)),
        label_separator=_separator(t),
    )


def consensus(res: RoundResults, names: Mapping[str, str], t: Translator = ENGLISH) -> Table:
    """The consensus orders: Borda, and Kemeny when it was computed."""
    columns = [[names[e] for e in res.borda]]
    if res.kemeny:
        columns.append([names[e] for e in res.kemeny])
    return Table(
        caption=t.gettext("Consensus order"),
        headers=(t.pgettext("table header", "Rank"), "Borda", *(("Kemeny",) if res.kemeny else ())),
        rows=tuple((t.number(n), *(c[n - 1] for c in columns)) for n in range(1, len(res.borda) + 1)),
        numeric=frozenset({0}),
        label_separator=_separator(t),
    )


def within(res: RoundResults, t: Translator = ENGLISH) -> Table | None:
    """Kendall's W within each party of several members, in words too (None: no such party)."""
    multi = {name: pc for name, pc in res.parties.items() if pc.within_w is not None}
    if not multi:
        return None
    return Table(
        caption=t.gettext("Agreement within parties"),
        headers=(
            t.pgettext("table header", "Party"),
            t.gettext("Members who ranked"),
            "Kendall's W",
            t.gettext("In words"),
        ),
        rows=tuple(
            (
                name,
                t.number(pc.members),
                _number(pc.within_w.w, 2, t),
                wording.agreement_label(pc.within_w.w, "w", t),
            )
            for name, pc in multi.items()
            if pc.within_w is not None
        ),
        numeric=frozenset({1, 2}),
        label_separator=_separator(t),
    )


def stability(moved: RoundsComparison, t: Translator = ENGLISH) -> Table:
    """How far each party moved from its previous order."""
    return Table(
        caption=t.gettext("From round {previous} to round {latest}", previous=moved.previous, latest=moved.latest),
        headers=(
            t.pgettext("table header", "Party"),
            t.gettext("τ with its previous order"),
            t.gettext("Similarity to its previous order"),
        ),
        rows=tuple(
            (party, _number(tau, 2, t), wording.agreement_label(tau, "tau", t))
            for party, tau in moved.stability.items()
        ),
        numeric=frozenset({1}),
        label_separator=_separator(t),
    )


def order(caption: str, element_order: Sequence[str], names: Mapping[str, str], t: Translator = ENGLISH) -> Table:
    """A ranking: each rank and its element (the element names the row; ``caption`` and ``names`` are shown
    as given: pass them in ``t``'s language)."""
    return Table(
        caption=caption,
        headers=(t.pgettext("table header", "Rank"), t.gettext("Element")),
        rows=tuple((t.number(n), names[e]) for n, e in enumerate(element_order, start=1)),
        numeric=frozenset({0}),
        row_header=1,
        label_separator=_separator(t),
    )


def elements(catalogue: Catalogue, t: Translator = ENGLISH) -> Table:
    """What the elements mean: each element and its description, in ``t``'s language where the catalogue
    has them in it (its own wording otherwise)."""
    return Table(
        caption=t.gettext("What the elements mean"),
        headers=(t.gettext("Element"), t.gettext("What it covers")),
        rows=tuple((e.name_in(t.locale), e.description_in(t.locale)) for e in catalogue.elements),
        label_separator=_separator(t),
    )


def baseline_comparison(
    round_number: int, compared: Mapping[str, Mapping], names: Mapping[str, str], t: Translator = ENGLISH
) -> Table:
    """Each party's organisation-wide ranking against its ranking for this relationship
    (``followup.baselines.baseline_comparison``): τ, ρ and its three biggest moves."""
    return Table(
        caption=t.gettext("Organisation-wide against this relationship (round {round})", round=round_number),
        headers=(t.pgettext("table header", "Party"), "Kendall τ-b", "Spearman ρ", t.gettext("Biggest moves")),
        rows=tuple(
            (
                party,
                _number(c["tau"], 2, t),
                _number(c["rho"], 2, t),
                t.pgettext("list of groups separator", "; ").join(
                    t.gettext("{element} {before}→{after}", element=names[e], before=a, after=b)
                    for e, a, b in c["moved"][:3]
                )
                or t.gettext("none"),
            )
            for party, c in compared.items()
        ),
        numeric=frozenset({1, 2}),
        label_separator=_separator(t),
    )
