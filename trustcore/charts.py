"""Plotly figures comparing how parties ranked the elements (no Streamlit here).

Every builder returns a ``plotly.graph_objects.Figure`` and follows the same rules, so the
charts read the same on a 390 px phone, on a projector and in the printed report:

* **Rank 1 is at the top** (or at the left on a horizontal rank axis, labelled
  "rank (1 = most important)"); rank axes tick every whole rank (``dtick=1``; every second
  rank above :data:`DTICK_ONE_MAX` elements so the numbers stay legible on a phone).
* **One fixed colour per party everywhere**, chosen by the party's position in the session
  (0-based): :data:`PARTY_COLOURS`, :func:`party_colour`, :func:`colour_map`.  Builders take
  ``colours={party: colour}``; a party missing from it gets its positional colour.  Where
  parties are an axis (bump chart, heatmaps) the tick label carries a "■" in the party colour.
* **User text is shown as text.**  Plotly renders a subset of HTML in labels (``<b>``,
  ``<br>``, ``<a href>``, ``<span style>``), decodes entities, substitutes ``%{...}`` in
  hover/text templates and, when MathJax is on the page, typesets ``$...$``.  Every party
  name, element name and respondent passes through :func:`_esc` (``& < > % $`` become
  entities, which plotly.js decodes back to the literal characters when drawing).  User text
  never goes into a ``hovertemplate`` itself: it travels in ``customdata``, which plotly.js
  substitutes in one pass without re-reading it as a template.
* Layout: ``plotly_white``, base font :data:`FONT_SIZE`, horizontal legend above the plot,
  tight margins, height ≈ :data:`ROW_PX` per element (more when names wrap onto three lines),
  names wrapped onto lines of about :data:`WRAP` characters at word boundaries.
* Nothing to compare (no party or a single party) gives a figure with a centred
  "Nothing to compare yet" note instead of an exception.
* Every builder takes the reader's translator ``t`` (English by default): axis titles, hover text, legends
  and notes are in its language, and plotly's own numbers (``%{y:.2f}``) use its decimal sign
  (``layout.separators``).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from babel import numbers as babel_numbers
from plotly.subplots import make_subplots

from .analysis import Divergence, DivergenceRow, ranks
from .i18n import ENGLISH, N_, Translator

__all__ = [
    "PARTY_COLOURS",
    "PARTY_SYMBOLS",
    "HIGHLIGHT_COLOURS",
    "EMPTY_MESSAGE",
    "party_colour",
    "colour_map",
    "wrap_label",
    "empty_figure",
    "dumbbell",
    "bump",
    "rank_heatmap",
    "agreement_heatmap",
    "spread_bar",
    "rounds_chart",
    "agreement_over_time",
    "movement_chart",
    "feedback_heatmap",
]

# Okabe & Ito (2008) colour-blind-safe palette, strongest contrast on white first (their yellow
# and black come last), then four of Paul Tol's "muted" colours, which differ from all eight.
PARTY_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
    "#882255",  # wine (Tol)
    "#44AA99",  # teal (Tol)
    "#332288",  # indigo (Tol)
    "#999933",  # olive (Tol)
)
# A second cue besides colour for markers of a party (same position rule).
PARTY_SYMBOLS: tuple[str, ...] = (
    "circle",
    "diamond",
    "square",
    "triangle-up",
    "cross",
    "x",
    "triangle-down",
    "star",
    "pentagon",
    "hexagon",
    "star-diamond",
    "hourglass",
)
# Lines of the contested elements in the bump chart, most contested first.  Dark enough to be
# used for the element's own label text; none of them is a party colour, so an element line
# is never mistaken for a party.
HIGHLIGHT_COLOURS: tuple[str, ...] = ("#004488", "#BB5566", "#117733", "#997700", "#AA3377", "#6699CC")
NEUTRAL = "#BDBDBD"  # uncontested lines, connectors
INK = "#333333"  # headline series (Kendall's W), strong bars
EMPTY_MESSAGE = N_("Nothing to compare yet")
NO_FEEDBACK = N_("No feedback yet")

TEMPLATE = "plotly_white"  # the house template (``ui/process.py`` builds it once at start-up)
FONT_SIZE = 14
ROW_PX = 34
LINE_PX = 18  # one line of wrapped tick text at FONT_SIZE
WRAP = 22
BUMP_WRAP = 16  # names on both sides of the bump chart: keep the plot wide enough on a phone
DTICK_ONE_MAX = 15
CONTESTED_SPREAD = 3
MIN_HIGHLIGHT, MAX_HIGHLIGHT = 4, len(HIGHLIGHT_COLOURS)
_MARGIN = dict(l=8, r=8, t=8, b=8)
_COLOUR_OK = re.compile(r"^(#[0-9A-Fa-f]{3,8}|rgba?\([0-9.,\s%]+\)|[A-Za-z]{3,30})$")


# ------------------------------------------------------------------------ colours


def party_colour(position: int) -> str:
    """The colour of the party at ``position`` (0-based) in its session; cycles after 12."""
    if position < 0:
        raise ValueError(f"A party position is 0 or more, got {position}.")
    return PARTY_COLOURS[position % len(PARTY_COLOURS)]


def party_symbol(position: int) -> str:
    """The marker symbol of the party at ``position`` (0-based); cycles after 12."""
    if position < 0:
        raise ValueError(f"A party position is 0 or more, got {position}.")
    return PARTY_SYMBOLS[position % len(PARTY_SYMBOLS)]


def colour_map(parties: Sequence[str]) -> dict[str, str]:
    """``{party: colour}`` by position in ``parties`` (pass the session's full party list)."""
    return {party: party_colour(i) for i, party in enumerate(parties)}


def _colours_for(parties: Sequence[str], colours: Mapping[str, str] | None) -> dict[str, str]:
    """Each party's colour from ``colours``, else its positional colour; unsafe values are dropped
    (a colour ends up inside a ``style`` attribute of a label)."""
    given = colours or {}
    out = {}
    for i, party in enumerate(parties):
        colour = given.get(party)
        out[party] = colour if isinstance(colour, str) and _COLOUR_OK.match(colour) else party_colour(i)
    return out


# ------------------------------------------------------------------------ text


def _esc(value: object) -> str:
    """User text made safe for any plotly label, legend, annotation, hover or template.

    ``&``, ``<`` and ``>`` stop HTML-like tags; ``%`` stops ``%{...}`` template substitution;
    ``$`` stops MathJax.  plotly.js decodes these entities back when it draws the text.
    """
    text = "" if value is None else str(value)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "&#37;").replace("$", "&#36;")
    )


def _wrap_lines(text: str, width: int) -> list[str]:
    text = " ".join(str(text).split())
    if not text:
        return [""]
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)
    if len(lines) <= 2:
        return lines
    # A line a few characters over the target beats a third line (it would not fit the row).
    looser = textwrap.wrap(text, width + width // 4, break_long_words=True, break_on_hyphens=True)
    return looser if len(looser) < len(lines) else lines


def wrap_label(text: object, width: int = WRAP) -> str:
    """``text`` escaped (see :func:`_esc`) and broken with ``<br>`` at word boundaries into
    lines of about ``width`` characters (counted on the text as typed, not on the entities)."""
    return "<br>".join(_esc(line) for line in _wrap_lines("" if text is None else str(text), width))


def _line_count(label: str) -> int:
    return label.count("<br>") + 1


def _swatch_label(party: str, colour: str, width: int = WRAP) -> str:
    """A party tick label: a square in the party colour, then the (escaped, wrapped) name."""
    return f'<span style="color:{colour}">■</span> {wrap_label(party, width)}'


def _unique(labels: list[str], ids: Sequence[str]) -> list[str]:
    """Labels made distinct (two elements given the same name stay two rows)."""
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} ({_esc(i)})" if seen[label] > 1 else label for label, i in zip(labels, ids)]


# ------------------------------------------------------------------------ layout helpers


def _row_px(labels: Sequence[str]) -> int:
    lines = max((_line_count(label) for label in labels), default=1)
    return max(ROW_PX, LINE_PX * lines + 6)


def _rank_dtick(n: int) -> int:
    return 1 if n <= DTICK_ONE_MAX else 2


def _separators(t: Translator) -> str:
    """plotly's ``separators`` (decimal sign, then group sign) for ``t``'s locale."""
    return babel_numbers.get_decimal_symbol(t.locale) + babel_numbers.get_group_symbol(t.locale)


def _base_layout(fig: go.Figure, *, height: int, legend: bool, t: Translator = ENGLISH) -> go.Figure:
    """House style.  The legend sits above the plot and pushes the top margin (so it may wrap
    onto several rows on a phone); charts with a legend keep their x axis at the bottom."""
    fig.update_layout(
        template=TEMPLATE,
        font=dict(size=FONT_SIZE),
        height=int(height),
        margin=_MARGIN,
        showlegend=legend,
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            x=0,
            xanchor="left",
            font=dict(size=FONT_SIZE),
        ),
        hoverlabel=dict(font=dict(size=FONT_SIZE)),
        hovermode="closest",
        separators=_separators(t),
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def empty_figure(message: str = EMPTY_MESSAGE, *, height: int = 220, t: Translator = ENGLISH) -> go.Figure:
    """A blank figure with ``message`` (a marked message, translated here) centred (shown while there is
    nothing to compare)."""
    fig = go.Figure()
    fig.add_annotation(
        text=_esc(t.gettext(message)),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor="middle",
        showarrow=False,
        font=dict(size=FONT_SIZE + 4, color="#666666"),
    )
    fig.update_layout(template=TEMPLATE, font=dict(size=FONT_SIZE), height=height, margin=_MARGIN)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _element_labels(rows: Sequence[DivergenceRow], width: int = WRAP) -> list[str]:
    return _unique([wrap_label(row.element, width) for row in rows], [row.element_id for row in rows])


def _element_axis(labels: Sequence[str]) -> dict:
    """Rows 0..n-1 from the top down, labelled with the (escaped) element names."""
    n = len(labels)
    return dict(
        tickmode="array",
        tickvals=list(range(n)),
        ticktext=list(labels),
        range=[n - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )


# ------------------------------------------------------------------------ two parties


def _rank_axis_title(t: Translator) -> str:
    return _esc(t.gettext("rank (1 = most important)"))


def _hover(*lines: str) -> str:
    """A hover template of ``lines`` (plotly's ``%{...}`` tokens inside, already in the reader's words)."""
    return "<br>".join(lines) + "<extra></extra>"


def dumbbell(div: Divergence, colours: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> go.Figure:
    """Where two parties disagree: one row per element, most contested at the top, a marker per
    party joined by a grey line.  The x axis is the rank with 1 (most important) on the LEFT.

    No party or one party gives the empty-state figure; three or more raise ValueError (use
    :func:`bump` or :func:`rank_heatmap`).  When both parties gave the same rank the second
    party's smaller marker sits inside the first one's.
    """
    if len(div.parties) < 2 or not div.rows:
        return empty_figure(t=t)
    if len(div.parties) != 2:
        raise ValueError(f"A dumbbell chart compares exactly two parties, got {len(div.parties)}.")
    parties = div.parties
    party_colours = _colours_for(parties, colours)
    rows = div.rows
    n = len(rows)
    labels = _element_labels(rows)
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for i, row in enumerate(rows):
        xs += [row.ranks[parties[0]], row.ranks[parties[1]], None]
        ys += [i, i, None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line=dict(color=NEUTRAL, width=5),
            hoverinfo="skip",
            showlegend=False,
            name="gap",
        )
    )
    for position, party in enumerate(parties):
        fig.add_trace(
            go.Scatter(
                x=[row.ranks[party] for row in rows],
                y=list(range(n)),
                mode="markers",
                name=wrap_label(party, 30),
                marker=dict(
                    color=party_colours[party],
                    size=18 if position == 0 else 11,
                    symbol=party_symbol(position),
                    line=dict(color="white", width=1.5),
                ),
                customdata=[[_esc(row.element), _esc(party), row.spread] for row in rows],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    t.gettext("{party}: rank {rank}", party="%{customdata[1]}", rank="%{x}"),
                    t.gettext("gap {gap}", gap="%{customdata[2]}"),
                ),
            )
        )
    fig.update_yaxes(**_element_axis(labels))
    fig.update_xaxes(
        title=dict(text=_rank_axis_title(t), standoff=6),
        range=[0.5, n + 0.5],
        tick0=1,
        dtick=_rank_dtick(n),
        fixedrange=True,
        zeroline=False,
    )
    return _base_layout(fig, height=n * _row_px(labels) + 110, legend=True, t=t)


# ------------------------------------------------------------------------ three or more parties


def _highlighted(rows: Sequence[DivergenceRow]) -> list[DivergenceRow]:
    """Elements to colour: every one with spread ≥ CONTESTED_SPREAD and at least the top
    MIN_HIGHLIGHT by spread (if the parties differ on them at all), at most MAX_HIGHLIGHT.
    ``rows`` are already most contested first."""
    picked = [row for row in rows if row.spread >= CONTESTED_SPREAD]
    for row in rows:
        if len(picked) >= MIN_HIGHLIGHT:
            break
        if row.spread > 0 and row not in picked:
            picked.append(row)
    return picked[:MAX_HIGHLIGHT]


def bump(div: Divergence, colours: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> go.Figure:
    """Each element's rank across the parties (x, in session order), rank 1 at the top.

    The contested elements (see :func:`_highlighted`) are drawn in :data:`HIGHLIGHT_COLOURS`
    (by how contested they are: the most contested gets the first colour) and named at both
    ends of their line, in the line's colour, in place of the rank number; the others are thin grey
    lines, named on hover.  Party colours appear as a "■" next to each party name on the x axis
    (lines are coloured by element, so they cannot also carry party colours).  Works for two
    parties too (a slope chart); no party or one party gives the empty-state figure.
    """
    parties = div.parties
    if len(parties) < 2 or not div.rows:
        return empty_figure(t=t)
    party_colours = _colours_for(parties, colours)
    n, k = len(div.rows), len(parties)
    hot = _highlighted(div.rows)
    hot_colour = {row.element_id: HIGHLIGHT_COLOURS[i] for i, row in enumerate(hot)}
    fig = go.Figure()
    ordered = [row for row in div.rows if row.element_id not in hot_colour] + hot  # grey drawn first
    for row in ordered:
        colour = hot_colour.get(row.element_id)
        fig.add_trace(
            go.Scatter(
                x=list(range(k)),
                y=[row.ranks[p] for p in parties],
                mode="lines+markers",
                name=wrap_label(row.element, 30),
                line=dict(color=colour or NEUTRAL, width=4 if colour else 1.5),
                marker=dict(color=colour or NEUTRAL, size=10 if colour else 6),
                opacity=1 if colour else 0.9,
                customdata=[[_esc(row.element), _esc(p), row.spread] for p in parties],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    t.gettext("{party}: rank {rank}", party="%{customdata[1]}", rank="%{y}"),
                    t.gettext("spread {spread}", spread="%{customdata[2]}"),
                ),
                showlegend=False,
            )
        )

    def side_labels(party: str) -> list[str]:
        """Tick text for each rank: the contested element's name (in its line colour) where
        one sits at that rank in ``party``'s column, else the rank number."""
        at_rank = {row.ranks[party]: row for row in div.rows}
        out = []
        for r in range(1, n + 1):
            row = at_rank.get(r)
            if row is not None and row.element_id in hot_colour:
                out.append(
                    f'<span style="color:{hot_colour[row.element_id]}">{wrap_label(row.element, BUMP_WRAP)}</span>'
                )
            else:
                out.append(str(r))
        return out

    left, right = side_labels(parties[0]), side_labels(parties[-1])
    rank_axis = dict(
        range=[n + 0.5, 0.5],
        tickmode="array",
        tickvals=list(range(1, n + 1)),
        dtick=1,
        zeroline=False,
        fixedrange=True,
        showgrid=True,
    )
    fig.update_layout(
        yaxis=dict(rank_axis, ticktext=left),
        yaxis2=dict(rank_axis, ticktext=right, overlaying="y", side="right", showgrid=False),
    )
    # An invisible trace on the right-hand axis so plotly draws it.
    fig.add_trace(
        go.Scatter(
            x=[k - 1],
            y=[1],
            yaxis="y2",
            mode="markers",
            marker=dict(opacity=0),
            hoverinfo="skip",
            showlegend=False,
            name="right axis",
        )
    )
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(k)),
        ticktext=[_swatch_label(p, party_colours[p], 14) for p in parties],
        range=[-0.25, k - 0.75],
        side="top",
        showgrid=True,
        zeroline=False,
        fixedrange=True,
    )
    return _base_layout(fig, height=n * _row_px(left + right) + 70, legend=False, t=t)


def _heatmap(
    z: list,
    *,
    hover: list,
    scale: dict,
    legend: dict,
    ylabels: list[str],
    xlabels: list[str],
    cell: int,
    text: list | None = None,
    t: Translator = ENGLISH,
) -> go.Figure:
    """The one shape of every heatmap here: a value on each cell, the hover text from ``hover``, the
    colour bar below, column labels on top, the y axis as the element axis.

    ``scale``: the colour scale's settings (``zmin``, ``zmax``, ``colorscale``...); ``legend``: the colour
    bar's ``title`` and ticks; ``cell``: the height of a row in pixels. Without ``text`` a cell shows
    its ``z`` value."""
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(len(xlabels))),
            y=list(range(len(ylabels))),
            **scale,
            **({"text": text, "texttemplate": "%{text}"} if text is not None else {"texttemplate": "%{z}"}),
            textfont=dict(size=FONT_SIZE),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar=dict(
                title=dict(text=legend.pop("title"), side="top"),
                orientation="h",
                x=0.5,
                xanchor="center",
                y=-0.02,
                yanchor="top",
                thickness=12,
                len=0.9,
                **legend,
            ),
        )
    )
    fig.update_yaxes(**_element_axis(ylabels))
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(len(xlabels))),
        ticktext=xlabels,
        side="top",
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig = _base_layout(fig, height=len(ylabels) * cell + 150, legend=False, t=t)
    return fig.update_layout(margin=dict(b=70))


def rank_heatmap(div: Divergence, colours: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> go.Figure:
    """Element × party table of ranks, rank on each cell, most contested element at the top.

    Rank 1 is the darkest blue.  Party names head the columns (with a "■" in the party colour).
    No party or one party gives the empty-state figure.
    """
    parties = div.parties
    if len(parties) < 2 or not div.rows:
        return empty_figure(t=t)
    party_colours = _colours_for(parties, colours)
    rows = div.rows
    n = len(rows)
    labels = _element_labels(rows)
    return _heatmap(
        [[row.ranks[p] for p in parties] for row in rows],
        hover=[
            [
                "<br>".join(
                    (
                        _esc(row.element),
                        _esc(t.gettext("{party}: rank {rank}", party=p, rank=row.ranks[p])),
                        _esc(t.gettext("spread {spread}", spread=row.spread)),
                    )
                )
                for p in parties
            ]
            for row in rows
        ],
        scale=dict(zmin=1, zmax=n, colorscale="Blues", reversescale=True),
        legend=dict(title=_esc(t.pgettext("chart legend", "rank")), tick0=1, dtick=_rank_dtick(n)),
        ylabels=labels,
        xlabels=[_swatch_label(p, party_colours[p], 12) for p in parties],
        cell=_row_px(labels),
        t=t,
    )


def agreement_heatmap(
    matrix: pd.DataFrame,
    measure: str = "Kendall τ-b",
    colours: Mapping[str, str] | None = None,
    t: Translator = ENGLISH,
) -> go.Figure:
    """Party × party agreement (e.g. :func:`trustcore.analysis.agreement_matrix`): −1 red
    (opposite orders) to +1 blue (same order), value on each cell to two decimals."""
    if matrix is None or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return empty_figure(t=t)
    rows_p, cols_p = [str(p) for p in matrix.index], [str(p) for p in matrix.columns]
    party_colours = _colours_for(list(dict.fromkeys(cols_p + rows_p)), colours)
    values = matrix.to_numpy(dtype=float)
    z = [[None if math.isnan(v) else float(v) for v in line] for line in values]
    text = [["" if v is None else t.decimal(v, 2) for v in line] for line in z]
    ylabels = [_swatch_label(p, party_colours[p], 16) for p in rows_p]
    missing = t.gettext("n/a")
    return _heatmap(
        z,
        text=text,
        hover=[
            [
                "<br>".join(
                    (
                        _esc(t.gettext("{a} vs {b}", a=a, b=b)),
                        _esc(t.gettext("{measure} = {value}", measure=measure, value=value or missing)),
                    )
                )
                for b, value in zip(cols_p, line)
            ]
            for a, line in zip(rows_p, text)
        ],
        scale=dict(zmin=-1, zmax=1, zmid=0, colorscale="RdBu"),
        legend=dict(title=_esc(measure), tickvals=[-1, -0.5, 0, 0.5, 1]),
        ylabels=ylabels,
        xlabels=[_swatch_label(p, party_colours[p], 12) for p in cols_p],
        cell=max(48, _row_px(ylabels)),
        t=t,
    )


def spread_bar(div: Divergence, t: Translator = ENGLISH) -> go.Figure:
    """What to discuss next: each element's spread (highest − lowest rank given by any party),
    most contested at the top; elements with spread ≥ 3 in dark grey, the rest light grey."""
    if len(div.parties) < 2 or not div.rows:
        return empty_figure(t=t)
    rows = div.rows
    n = len(rows)
    labels = _element_labels(rows)
    per_party = ["<br>".join(f"{_esc(p)}: {row.ranks[p]}" for p in div.parties) for row in rows]
    fig = go.Figure(
        go.Bar(
            x=[row.spread for row in rows],
            y=list(range(n)),
            orientation="h",
            marker=dict(color=[INK if row.spread >= CONTESTED_SPREAD else NEUTRAL for row in rows]),
            text=[str(row.spread) for row in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[[_esc(row.element), t.decimal(row.sd, 1), pp] for row, pp in zip(rows, per_party)],
            hovertemplate=_hover(
                "%{customdata[0]}",
                t.gettext("spread {spread} (sd {sd})", spread="%{x}", sd="%{customdata[1]}"),
                "%{customdata[2]}",
            ),
            showlegend=False,
        )
    )
    fig.update_yaxes(**_element_axis(labels))
    fig.update_xaxes(
        title=dict(text=_esc(t.gettext("spread (highest − lowest rank)")), standoff=6),
        range=[0, max(n - 1, 1) + 0.6],
        tick0=0,
        dtick=_rank_dtick(n),
        zeroline=True,
        fixedrange=True,
    )
    return _base_layout(fig, height=n * _row_px(labels) + 70, legend=False, t=t)


# ------------------------------------------------------------------------ rounds


def rounds_chart(trend: pd.DataFrame, t: Translator = ENGLISH) -> go.Figure:
    """Agreement round by round (from :func:`trustcore.analysis.rounds_trend`): Kendall's W of
    all parties as a thick dark line, each pair's τ as a thinner dotted line; y from −1 to 1."""
    if trend is None or trend.empty or "round" not in trend:
        return empty_figure(t=t)
    series = [c for c in trend.columns if c == "kendalls_w" or str(c).startswith("tau (")]
    values = trend[series].apply(pd.to_numeric, errors="coerce") if series else pd.DataFrame()
    if values.empty or not values.notna().to_numpy().any():
        return empty_figure(t=t)
    rounds = [int(r) for r in trend["round"]]
    fig = go.Figure()
    pair_index = 0
    legend_lines = 0
    for column in series:
        column_values = [None if pd.isna(v) else float(v) for v in values[column]]
        if all(v is None for v in column_values):
            continue
        if column == "kendalls_w":
            name = t.gettext("Kendall's W (all parties)")
            style = dict(line=dict(color=INK, width=4), marker=dict(size=11, symbol="square", color=INK))
        else:
            inner = str(column)[len("tau (") :]
            inner = inner[:-1] if inner.endswith(")") else inner
            name = t.gettext("τ {pair}", pair=inner)
            colour = HIGHLIGHT_COLOURS[pair_index % len(HIGHLIGHT_COLOURS)]
            pair_index += 1
            style = dict(line=dict(color=colour, width=2, dash="dot"), marker=dict(size=8, color=colour))
        legend_name = wrap_label(name, 30)
        legend_lines += _line_count(legend_name)
        fig.add_trace(
            go.Scatter(
                x=rounds,
                y=column_values,
                mode="lines+markers",
                name=legend_name,
                customdata=[_esc(name)] * len(rounds),
                hovertemplate=_hover(
                    t.gettext("round {round}", round="%{x}"),
                    t.gettext("{series}: {value}", series="%{customdata}", value="%{y:.2f}"),
                ),
                connectgaps=False,
                **style,
            )
        )
    fig.update_xaxes(
        title=dict(text=_esc(t.pgettext("chart axis", "round")), standoff=6),
        tickmode="array",
        tickvals=rounds,
        ticktext=[str(r) for r in rounds],
        range=[min(rounds) - 0.3, max(rounds) + 0.3],
        fixedrange=True,
    )
    fig.update_yaxes(
        range=[-1.05, 1.05],
        dtick=0.5,
        zeroline=True,
        zerolinecolor="#999999",
        fixedrange=True,
        title=dict(text=_esc(t.pgettext("chart axis", "agreement")), standoff=4),
    )
    # On a phone each legend entry takes its own row: make room for all of them (on a wide
    # screen the legend is shorter and the plot simply gets the extra height).
    legend_px = legend_lines * (LINE_PX + 3) + 16
    fig = _base_layout(fig, height=300 + legend_px, legend=True, t=t)
    return fig.update_layout(legend=dict(maxheight=legend_px + 20))


def agreement_over_time(points: Sequence[tuple[str, str, float | None]], t: Translator = ENGLISH) -> go.Figure:
    """A relationship's agreement across its sessions' revealed rounds, oldest first: ``points`` are
    (label of the session and round, statistic, value); one line per statistic (Kendall τ-b for two
    parties, Kendall's W for three or more: they are not the same scale, so they are never joined)."""
    if not points:
        return empty_figure(t=t)
    labels = _unique([wrap_label(label, 24) for label, _, _ in points], [str(i) for i in range(len(points))])
    fig = go.Figure()
    for i, statistic in enumerate(dict.fromkeys(stat for _, stat, _ in points)):
        colour = INK if i == 0 else HIGHLIGHT_COLOURS[i % len(HIGHLIGHT_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[value if stat == statistic else None for _, stat, value in points],
                mode="lines+markers",
                name=_esc(statistic),
                connectgaps=True,
                line=dict(color=colour, width=3),
                marker=dict(size=10, color=colour),
                hovertemplate=f"%{{x}}<br>{_esc(statistic)} = %{{y:.2f}}<extra></extra>",
            )
        )
    fig.update_xaxes(type="category", fixedrange=True)
    fig.update_yaxes(
        range=[-1.05, 1.05],
        dtick=0.5,
        zeroline=True,
        zerolinecolor="#999999",
        fixedrange=True,
        title=dict(text=_esc(t.pgettext("chart axis", "agreement")), standoff=4),
    )
    lines = max(_line_count(label) for label in labels)
    return _base_layout(fig, height=300 + lines * LINE_PX, legend=True, t=t)


_TITLE_WRAP = {1: 48, 2: 30, 3: 22, 4: 16}  # party names over the panels, by number of columns


def movement_chart(
    prev: Mapping[str, Sequence[str]],
    cur: Mapping[str, Sequence[str]],
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    *,
    before: str = "before",
    after: str = "now",
    max_columns: int = 4,
    t: Translator = ENGLISH,
) -> go.Figure:
    """How each party moved between two rounds: a slope chart per party (parties that ranked
    in both rounds, in ``cur`` order), at most ``max_columns`` per row (pass 1 or 2 for a
    narrow screen).  Elements that moved are drawn in the party colour and named at the right
    end with ▲/▼ and the number of places; unchanged ones are grey and named in grey.
    Elements missing from either round are left out. ``before`` and ``after`` are shown as given: pass
    them in ``t``'s language."""
    parties = [p for p in cur if p in prev]
    if not parties:
        return empty_figure(t=t)
    all_colours = _colours_for(list(cur), colours)
    names = names or {}
    cols = max(1, min(len(parties), int(max_columns)))
    nrows = math.ceil(len(parties) / cols)
    label_width = 26 if cols == 1 else 20
    panels = []
    for party in parties:
        in_both = set(prev[party]) & set(cur[party])
        before_ranks = ranks([e for e in prev[party] if e in in_both])
        after_ranks = ranks([e for e in cur[party] if e in in_both])
        labels = []
        for e in after_ranks:
            delta = before_ranks[e] - after_ranks[e]
            arrow = f"▲{delta} " if delta > 0 else (f"▼{-delta} " if delta < 0 else "")
            labels.append(_esc(arrow) + wrap_label(names.get(e, e), label_width))
        panels.append((party, before_ranks, after_ranks, labels))
    n = max(len(after_ranks) for _, _, after_ranks, _ in panels)
    if n == 0:
        return empty_figure(t=t)
    titles = [_swatch_label(p, all_colours[p], _TITLE_WRAP.get(cols, 16)) for p in parties]
    panel_px = n * _row_px([label for *_, labels in panels for label in labels]) + 16
    title_px = 12 + LINE_PX * max(_line_count(t) for t in titles)
    ticks_px = 30  # the "before / now" labels under each panel
    gap_px = title_px + ticks_px
    plot_px = nrows * panel_px + (nrows - 1) * gap_px
    fig = make_subplots(
        rows=nrows,
        cols=cols,
        shared_yaxes=True,
        subplot_titles=titles,
        horizontal_spacing=0.02 if cols > 1 else 0,
        vertical_spacing=gap_px / plot_px if nrows > 1 else 0,
    )
    for index, (party, before_ranks, after_ranks, labels) in enumerate(panels):
        r, c = index // cols + 1, index % cols + 1
        colour = all_colours[party]
        for moved in (False, True):
            xs: list[float | None] = []
            ys: list[float | None] = []
            data: list[list[str] | None] = []
            for e in after_ranks:
                if (before_ranks[e] != after_ranks[e]) != moved:
                    continue
                hover = [_esc(names.get(e, e)), _esc(party), f"{before_ranks[e]} → {after_ranks[e]}"]
                xs += [0, 1, None]
                ys += [before_ranks[e], after_ranks[e], None]
                data += [hover, hover, None]
            if not xs:
                continue
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    line=dict(color=colour if moved else NEUTRAL, width=3 if moved else 1.5),
                    marker=dict(color=colour if moved else NEUTRAL, size=8 if moved else 5),
                    customdata=data,
                    hovertemplate=_hover(
                        "%{customdata[0]}",
                        t.gettext("{party}: rank {rank}", party="%{customdata[1]}", rank="%{customdata[2]}"),
                    ),
                    showlegend=False,
                    name=_esc(party) + (" moved" if moved else " unchanged"),
                ),
                row=r,
                col=c,
            )
        fig.add_trace(
            go.Scatter(
                x=[1.08] * len(labels),
                y=list(after_ranks.values()),
                mode="text",
                text=labels,
                textposition="middle right",
                textfont=dict(
                    size=13,
                    color=[colour if before_ranks[e] != after_ranks[e] else "#888888" for e in after_ranks],
                ),
                hoverinfo="skip",
                showlegend=False,
                name=_esc(party) + " labels",
            ),
            row=r,
            col=c,
        )
    fig.update_xaxes(
        tickmode="array",
        tickvals=[0, 1],
        ticktext=[_esc(before), _esc(after)],
        range=[-0.12, 2.6],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(range=[n + 0.5, 0.5], tick0=1, dtick=1, zeroline=False, fixedrange=True)
    fig.update_yaxes(title=dict(text=_esc(t.pgettext("chart axis", "rank")), standoff=4), col=1)
    fig.update_annotations(font=dict(size=FONT_SIZE))  # the subplot titles (party names)
    fig = _base_layout(fig, height=plot_px + title_px + ticks_px + 8, legend=False, t=t)
    return fig.update_layout(margin=dict(t=title_px, b=ticks_px))


# ------------------------------------------------------------------------ stakeholder survey

_TRUST_WORDS = {1: N_("not at all"), 2: N_("a little"), 3: N_("somewhat"), 4: N_("mostly"), 5: N_("completely")}


def _trust_words(value: float, t: Translator) -> str:
    word = _TRUST_WORDS.get(round(value))
    return t.gettext(word) if word else ""


def feedback_heatmap(frame: pd.DataFrame, names: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> go.Figure:
    """Stakeholder survey: how far each respondent trusts the organisation on each element.

    ``frame`` is long: ``element_id, respondent, trust`` (1–5, NaN = no answer; several answers
    for one cell are averaged).  Rows follow ``names`` order (elements not in ``names`` come
    after, by id), columns are respondents in order of first appearance.  1 is red ("not at
    all"), 5 green ("completely"); the value is printed on each cell, blank for no answer.
    """
    needed = {"element_id", "respondent", "trust"}
    if frame is None or frame.empty or not needed.issubset(frame.columns):
        return empty_figure(NO_FEEDBACK, t=t)
    data = frame.loc[:, ["element_id", "respondent", "trust"]].copy()
    data["element_id"] = data["element_id"].astype(str)
    data["respondent"] = data["respondent"].astype(str)
    data["trust"] = pd.to_numeric(data["trust"], errors="coerce")
    names = dict(names or {})
    elements = [e for e in names] + sorted(set(data["element_id"]) - set(names))
    respondents = list(dict.fromkeys(data["respondent"]))
    table = (
        data.groupby(["element_id", "respondent"], sort=False)["trust"]
        .mean()
        .unstack("respondent")
        .reindex(index=elements, columns=respondents)
    )
    values = table.to_numpy(dtype=float)
    z = [[None if math.isnan(v) else float(v) for v in line] for line in values]
    text = [
        ["" if v is None else (t.decimal(v, 0) if float(v).is_integer() else t.decimal(v, 1)) for v in line]
        for line in z
    ]
    labels = _unique([wrap_label(names.get(e, e)) for e in elements], elements)
    hover = [
        [
            _esc(names.get(e, e))
            + "<br>"
            + _esc(
                t.gettext(
                    "{respondent}: {answer}",
                    respondent=who,
                    answer=t.gettext("{trust} ({words})", trust=shown, words=_trust_words(v, t))
                    if v is not None
                    else t.gettext("no answer"),
                )
            )
            for who, shown, v in zip(respondents, line_t, line_z)
        ]
        for e, line_t, line_z in zip(elements, text, z)
    ]
    return _heatmap(
        z,
        text=text,
        hover=hover,
        scale=dict(zmin=1, zmax=5, colorscale="RdYlGn", hoverongaps=False),
        legend=dict(title=_esc(t.gettext("trust: 1 not at all … 5 completely")), tickvals=[1, 2, 3, 4, 5]),
        ylabels=labels,
        xlabels=[wrap_label(r, 12) for r in respondents],
        cell=_row_px(labels),
        t=t,
    )
