"""The printable report's charts as static SVG (no script, no request), from the same data as the app's
plotly figures in ``charts`` and with the same rules: rank 1 at the top or on the left, one fixed colour
and marker shape per party (``charts.colour_map``), the contested elements of a bump chart in
``charts.HIGHLIGHT_COLOURS``, names wrapped at word boundaries, and "Nothing to compare yet" when there
is nothing to compare. No Streamlit here.

Each builder computes the geometry here and writes it out through a template in
``trustcore/templates/charts/`` (autoescaped: element and party names are text, never markup). The
drawing is ``WIDTH`` user units wide and scales to the width of the page (the A4 text column).
Each builder takes the reader's translator ``t`` (English by default) for its axis titles, legend and
notes, so a report downloaded in French draws its charts in French.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from . import charts, templating
from .analysis import Divergence
from .i18n import ENGLISH, Translator

WIDTH = 680  # user units: about the 180 mm text column at 96 dpi, so 1 unit ≈ 1 CSS px on screen
FONT = 13
LINE = 15  # one line of label text
LABEL_WRAP = 22  # at most 27 characters on a line (``charts._wrap_lines``): about 185 units, left of the plot
MIN_ROW = 28
AXIS = "#666666"
GRID = "#E3E3E3"
# plotly's "Blues" scale (light to dark): a heatmap cell's colour, darkest for rank 1.
BLUES: tuple[tuple[int, int, int], ...] = (
    (247, 251, 255),
    (222, 235, 247),
    (198, 219, 239),
    (158, 202, 225),
    (107, 174, 214),
    (66, 146, 198),
    (33, 113, 181),
    (8, 81, 156),
    (8, 48, 107),
)


@dataclass(frozen=True)
class Label:
    """Text broken into lines at word boundaries (each line a ``<tspan>``)."""

    lines: tuple[str, ...]

    @property
    def height(self) -> int:
        return LINE * len(self.lines)


@dataclass
class Key:
    """One entry of a chart's legend: a party's marker, or a series' line."""

    name: Label
    colour: str
    symbol: str = "circle"
    size: float = 5
    width: float = 2  # a series' line
    dash: str = ""
    values: list[float | None] = field(default_factory=list)
    y: float = 0  # where the legend entry sits
    segments: list[list[tuple[float, float]]] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)


def label(text: object, width: int = LABEL_WRAP) -> Label:
    return Label(tuple(charts._wrap_lines("" if text is None else str(text), width)))


def _row_height(labels: Sequence[Label]) -> int:
    return max(MIN_ROW, max((lab.height for lab in labels), default=LINE) + 8)


def _ticks(n: int) -> list[int]:
    step = charts._rank_dtick(n)
    return list(range(1, n + 1, step))


def _head_wrap(room: float) -> int:
    """Characters per line of a bold column head ("■ " and the name) that fit ``room`` user units."""
    return max(6, int(room / 9) - 2)


def _blue(t: float) -> str:
    """The colour at ``t`` (0 = lightest, 1 = darkest) of :data:`BLUES`."""
    t = min(max(t, 0.0), 1.0) * (len(BLUES) - 1)
    i = min(int(t), len(BLUES) - 2)
    f = t - i
    a, b = BLUES[i], BLUES[i + 1]
    return "#" + "".join(f"{round(x + (y - x) * f):02X}" for x, y in zip(a, b))


def empty(message: str = charts.EMPTY_MESSAGE, *, title: str = "", t: Translator = ENGLISH) -> str:
    """A note instead of a chart (``message``: a marked message, translated here)."""
    return templating.render("charts/empty.svg.j2", width=WIDTH, height=80, message=t.gettext(message), title=title)


def dumbbell(
    div: Divergence, colours: Mapping[str, str] | None = None, *, title: str = "", t: Translator = ENGLISH
) -> str:
    """Two parties: one row per element (most contested at the top), each party's rank as a marker
    (rank 1 on the left), the two joined by a grey bar; the first party's marker is the larger one."""
    if len(div.parties) != 2 or not div.rows:
        return empty(title=title, t=t)
    parties = div.parties
    party_colours = charts._colours_for(parties, colours)
    n = len(div.rows)
    labels = [label(row.element) for row in div.rows]
    row_h = _row_height(labels)
    left, right = 215, WIDTH - 16
    legend = [Key(label(p, 60), party_colours[p], charts.party_symbol(i), (9, 6)[i]) for i, p in enumerate(parties)]
    y = 4
    for item in legend:
        item.y = y + LINE // 2 + 2
        y += max(item.name.height, LINE) + 4
    top = y + 8

    def x(rank: int) -> float:
        return left + (rank - 1) * (right - left) / max(n - 1, 1)

    rows = []
    for i, (row, lab) in enumerate(zip(div.rows, labels)):
        cy = top + i * row_h + row_h / 2
        a, b = (row.ranks[p] for p in parties)
        rows.append({"label": lab, "y": cy, "x1": x(a), "x2": x(b)})
    bottom = top + n * row_h
    return templating.render(
        "charts/dumbbell.svg.j2",
        title=title,
        axis_title=t.gettext("rank (1 = most important)"),
        width=WIDTH,
        height=bottom + 44,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        label_x=left - 14,
        legend=legend,
        rows=rows,
        ticks=[(r, x(r)) for r in _ticks(n)],
        grid=[x(r) for r in range(1, n + 1)],
        markers=legend,
        neutral=charts.NEUTRAL,
        axis=AXIS,
        grid_colour=GRID,
        font=FONT,
        line=LINE,
    )


def bump(div: Divergence, colours: Mapping[str, str] | None = None, *, title: str = "", t: Translator = ENGLISH) -> str:
    """Three or more parties: each element's rank across the parties (columns, session order), rank 1
    at the top; the contested elements drawn thick in their own colour and named at both ends in it,
    the others thin and grey, with the rank number at the ends."""
    parties = div.parties
    if len(parties) < 2 or not div.rows:
        return empty(title=title, t=t)
    party_colours = charts._colours_for(parties, colours)
    n, k = len(div.rows), len(parties)
    hot = charts._highlighted(div.rows)
    hot_colour = {row.element_id: charts.HIGHLIGHT_COLOURS[i] for i, row in enumerate(hot)}
    side_w = 180  # a name wrapped at 20 characters may run to 25 on a line (``charts._wrap_lines``)
    left, right = side_w + 14, WIDTH - side_w - 14
    heads = [label(p, _head_wrap((right - left) / max(k - 1, 1))) for p in parties]
    top = max(h.height for h in heads) + 14

    def side(party: str) -> list[dict]:
        at_rank = {row.ranks[party]: row for row in div.rows}
        out = []
        for r in range(1, n + 1):
            row = at_rank.get(r)
            if row is not None and row.element_id in hot_colour:
                out.append({"label": label(row.element, 20), "colour": hot_colour[row.element_id]})
            else:
                out.append({"label": Label((str(r),)), "colour": AXIS})
        return out

    left_side, right_side = side(parties[0]), side(parties[-1])
    row_h = _row_height([s["label"] for s in left_side + right_side])

    def y(rank: int) -> float:
        return top + (rank - 1) * row_h + row_h / 2

    xs = [left + j * (right - left) / max(k - 1, 1) for j in range(k)]
    ordered = [row for row in div.rows if row.element_id not in hot_colour] + hot  # grey drawn first
    lines = [
        {
            "points": [(xs[j], y(row.ranks[p])) for j, p in enumerate(parties)],
            "colour": hot_colour.get(row.element_id, charts.NEUTRAL),
            "hot": row.element_id in hot_colour,
        }
        for row in ordered
    ]
    return templating.render(
        "charts/bump.svg.j2",
        title=title,
        width=WIDTH,
        height=top + n * row_h + 8,
        heads=[{"x": x, "label": h, "colour": party_colours[p]} for x, h, p in zip(xs, heads, parties)],
        rank_y=[y(r) for r in range(1, n + 1)],
        left_side=left_side,
        right_side=right_side,
        left=left,
        right=right,
        lines=lines,
        grid_colour=GRID,
        font=FONT,
        line=LINE,
    )


def rank_heatmap(
    div: Divergence, colours: Mapping[str, str] | None = None, *, title: str = "", t: Translator = ENGLISH
) -> str:
    """Element × party table of ranks, the rank written in each cell, rank 1 darkest."""
    parties = div.parties
    if len(parties) < 2 or not div.rows:
        return empty(title=title, t=t)
    party_colours = charts._colours_for(parties, colours)
    n, k = len(div.rows), len(parties)
    labels = [label(row.element) for row in div.rows]
    row_h = _row_height(labels)
    left = 215
    cell_w = min(140.0, (WIDTH - left - 4) / k)
    heads = [label(p, _head_wrap(cell_w)) for p in parties]
    top = max(h.height for h in heads) + 10
    cells = []
    for i, row in enumerate(div.rows):
        for j, p in enumerate(parties):
            rank = row.ranks[p]
            shade = 1 - (rank - 1) / max(n - 1, 1)  # rank 1 -> 1 (darkest)
            cells.append(
                {
                    "x": left + j * cell_w,
                    "y": top + i * row_h,
                    "fill": _blue(shade),
                    "ink": "#FFFFFF" if shade > 0.55 else "#111111",
                    "rank": rank,
                }
            )
    return templating.render(
        "charts/heatmap.svg.j2",
        title=title,
        width=WIDTH,
        height=top + n * row_h + 4,
        heads=[
            {"x": left + j * cell_w + cell_w / 2, "label": h, "colour": party_colours[p]}
            for j, (h, p) in enumerate(zip(heads, parties))
        ],
        rows=[{"label": lab, "y": top + i * row_h + row_h / 2} for i, lab in enumerate(labels)],
        cells=cells,
        cell_w=cell_w,
        row_h=row_h,
        top=top,
        label_x=left - 10,
        font=FONT,
        line=LINE,
    )


def rounds_chart(trend: pd.DataFrame, *, title: str = "", t: Translator = ENGLISH) -> str:
    """Agreement round by round (``analysis.rounds_trend``): Kendall's W of all parties as a thick dark
    line with square markers, each pair's τ-b dotted in its own colour; y from −1 to 1."""
    if trend is None or trend.empty or "round" not in trend:
        return empty(title=title, t=t)
    columns = [c for c in trend.columns if c == "kendalls_w" or str(c).startswith("tau (")]
    rounds = [int(r) for r in trend["round"]]
    series: list[Key] = []
    pair_index = 0
    for column in columns:
        values = [None if pd.isna(v) else float(v) for v in pd.to_numeric(trend[column], errors="coerce")]
        if all(v is None for v in values):
            continue
        if column == "kendalls_w":
            key = Key(label(t.gettext("Kendall's W (all parties)"), 70), charts.INK, "square", 5, width=4)
        else:
            inner = str(column)[len("tau (") :].removesuffix(")")
            colour = charts.HIGHLIGHT_COLOURS[pair_index % len(charts.HIGHLIGHT_COLOURS)]
            key = Key(label(t.gettext("τ {pair}", pair=inner), 70), colour, "circle", 4, width=2, dash="2 4")
            pair_index += 1
        key.values = values
        series.append(key)
    if not series:
        return empty(title=title, t=t)
    y = 6
    for key in series:
        key.y = y + LINE // 2 + 2
        y += key.name.height + 4
    top, plot_h = y + 12, 240
    left, right = 60, WIDTH - 20
    lo, hi = min(rounds) - 0.3, max(rounds) + 0.3

    def px(r: float) -> float:
        return left + (r - lo) / (hi - lo) * (right - left)

    def py(v: float) -> float:
        return top + (1.05 - v) / 2.1 * plot_h

    for key in series:
        points = [(px(r), py(v)) if v is not None else None for r, v in zip(rounds, key.values)]
        segments: list[list[tuple[float, float]]] = [[]]
        for p in points:
            if p is None:
                segments.append([])
            else:
                segments[-1].append(p)
        key.segments = [seg for seg in segments if len(seg) > 1]
        key.points = [p for p in points if p is not None]
    return templating.render(
        "charts/rounds.svg.j2",
        title=title,
        x_title=t.pgettext("chart axis", "round"),
        y_title=t.pgettext("chart axis", "agreement"),
        width=WIDTH,
        height=top + plot_h + 46,
        series=series,
        left=left,
        right=right,
        top=top,
        bottom=top + plot_h,
        xticks=[(r, px(r)) for r in rounds],
        yticks=[(t.number(v), py(v), v == 0) for v in (-1, -0.5, 0, 0.5, 1)],
        axis=AXIS,
        grid_colour=GRID,
        font=FONT,
        line=LINE,
    )
