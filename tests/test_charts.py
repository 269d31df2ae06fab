"""Tests for trustcore.charts: the figures' data, layout rules and escaping of user text."""

from __future__ import annotations

import html
import json
import math
import re

import pandas as pd
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.colors import get_colorscale

from trustcore import analysis as A
from trustcore import charts as C

IDS = list("abcdefghij")
NAMES = {
    "a": "Active and positive impact",
    "b": "Engagement and accountability",
    "c": "Ethics and transparency",
    "d": "Financial sustainability and revenue generation",
    "e": "Governance and strategic oversight",
    "f": "Legal standing and compliance",
    "g": "Privacy and security",
    "h": "Quality and accuracy",
    "i": "Readiness and mitigation",
    "j": "Skills and knowledge",
}
# B moves "i" from 9th to 1st (spread 8) and "c" from 3rd to 6th (spread 3); a, b, d-h shift by
# one place (spread 1) and "j" stays 10th (spread 0).  C swaps the last two (i 10th, j 9th).
ORDER_A = list("abcdefghij")
ORDER_B = ["i", "a", "b", "e", "d", "c", "f", "g", "h", "j"]
ORDER_C = ["a", "b", "c", "d", "e", "f", "g", "h", "j", "i"]
HOSTILE = "Evil %{x} <b>Evil</b> <script>alert(1)</script> $x$ & co"
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def two_party(a: str = "Council", b: str = "Trust") -> A.Divergence:
    return A.divergence({a: ORDER_A, b: ORDER_B}, NAMES)


def three_party(a: str = "Council", b: str = "Trust", c: str = "Panel") -> A.Divergence:
    return A.divergence({a: ORDER_A, b: ORDER_B, c: ORDER_C}, NAMES)


def decoded_strings(fig) -> list[str]:
    """Every string in the figure's JSON (decoded, so ``\\u003c`` is ``<``), template excluded."""
    data = json.loads(fig.to_json())
    data.get("layout", {}).pop("template", None)
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return out


def plain(label: str) -> str:
    """What plotly.js draws for a label: <br> as a line break (here a space), entities decoded."""
    return html.unescape(label.replace("<br>", " "))


def rgb(colour: str) -> tuple[int, ...]:
    if colour.startswith("rgb"):
        return tuple(int(float(v)) for v in re.findall(r"[\d.]+", colour)[:3])
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def same_scale(scale, name: str) -> bool:
    expected = get_colorscale(name)
    return len(scale) == len(expected) and all(
        c == e_c and math.isclose(v, e_v) for (v, c), (e_v, e_c) in zip(scale, expected)
    )


def is_empty_state(fig) -> bool:
    texts = [a.text for a in fig.layout.annotations]
    return len(fig.data) == 0 and texts == [C.EMPTY_MESSAGE]


def all_figures():
    div3 = three_party()
    orders = {"Council": ORDER_A, "Trust": ORDER_B, "Panel": ORDER_C}
    colours = C.colour_map(list(orders))
    trend = A.rounds_trend({1: orders, 2: {"Council": ORDER_A, "Trust": ORDER_A, "Panel": ORDER_C}})
    feedback = pd.DataFrame(
        [
            {"element_id": e, "respondent": r, "trust": (i + len(r)) % 5 + 1}
            for i, e in enumerate(IDS)
            for r in ("Ann", "Bo")
        ]
    )
    return {
        "dumbbell": C.dumbbell(two_party(), colours),
        "bump": C.bump(div3, colours),
        "rank_heatmap": C.rank_heatmap(div3, colours),
        "agreement_heatmap": C.agreement_heatmap(A.agreement_matrix(orders)),
        "spread_bar": C.spread_bar(div3),
        "rounds_chart": C.rounds_chart(trend),
        "movement_chart": C.movement_chart(
            orders, {"Council": ORDER_B, "Trust": ORDER_B, "Panel": ORDER_A}, NAMES, colours
        ),
        "feedback_heatmap": C.feedback_heatmap(feedback, NAMES),
    }


# ------------------------------------------------------------------------ colours


def test_party_colours_are_twelve_distinct_starting_with_okabe_ito():
    assert len(C.PARTY_COLOURS) == 12
    assert len({c.upper() for c in C.PARTY_COLOURS}) == 12
    assert {c.upper() for c in C.PARTY_COLOURS[:8]} == OKABE_ITO


def test_party_colour_by_position_and_cycles():
    assert C.party_colour(0) == C.PARTY_COLOURS[0]
    assert C.party_colour(11) == C.PARTY_COLOURS[11]
    assert C.party_colour(12) == C.PARTY_COLOURS[0]
    with pytest.raises(ValueError):
        C.party_colour(-1)


def test_colour_map_assigns_by_list_position():
    assert C.colour_map(["Z", "A", "M"]) == {"Z": C.PARTY_COLOURS[0], "A": C.PARTY_COLOURS[1], "M": C.PARTY_COLOURS[2]}


def test_highlight_colours_are_not_party_colours():
    assert not {c.upper() for c in C.HIGHLIGHT_COLOURS} & {c.upper() for c in C.PARTY_COLOURS}


# ------------------------------------------------------------------------ text


def test_esc_escapes_markup_templates_and_tex():
    assert C._esc("<b>x</b> & %{y} $z$") == "&lt;b&gt;x&lt;/b&gt; &amp; &#37;{y} &#36;z&#36;"
    assert C._esc("&lt;") == "&amp;lt;"  # an entity typed by a user stays as typed
    assert C._esc(None) == ""


def test_wrap_label_breaks_long_names_at_word_boundaries():
    label = C.wrap_label(NAMES["d"])
    assert "<br>" in label
    lines = label.split("<br>")
    assert len(lines) == 2
    assert all(len(line) <= C.WRAP + C.WRAP // 4 for line in lines)
    assert plain(label) == NAMES["d"]
    assert C.wrap_label("Privacy and security") == "Privacy and security"
    assert C.wrap_label("Governance and strategic oversight") == "Governance and<br>strategic oversight"


def test_wrap_label_escapes_before_breaking_and_never_splits_an_entity():
    label = C.wrap_label("&" * 30 + " <" * 20)
    for line in label.split("<br>"):
        assert re.fullmatch(r"(?:&amp;|&lt;|[^&<>])*", line), line
    assert "".join(plain(label).split()) == "&" * 30 + "<" * 20
    first = label.split("<br>")[0]
    assert re.fullmatch(r"(&amp;){22,27}", first)  # the 30-character word is cut between characters


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_wrap_label_property_round_trips_and_leaves_no_markup(text):
    label = C.wrap_label(text)
    without_breaks = label.replace("<br>", "")
    assert not set("<>%$") & set(without_breaks)
    assert "".join(plain(label).split()) == "".join(text.split())
    assert all(len(html.unescape(line)) <= C.WRAP + C.WRAP // 4 for line in label.split("<br>"))


# ------------------------------------------------------------------------ empty states


@pytest.mark.parametrize(
    "build",
    [C.dumbbell, C.bump, C.rank_heatmap, C.spread_bar],
    ids=["dumbbell", "bump", "rank_heatmap", "spread_bar"],
)
@pytest.mark.parametrize("orders", [{}, {"Solo": ORDER_A}], ids=["no party", "one party"])
def test_nothing_to_compare_gives_centred_note(build, orders):
    fig = build(A.divergence(orders, NAMES))
    assert is_empty_state(fig)
    note = fig.layout.annotations[0]
    assert (note.x, note.y, note.xref, note.yref) == (0.5, 0.5, "paper", "paper")
    fig.to_json()


def test_other_builders_have_empty_states():
    assert is_empty_state(C.agreement_heatmap(A.agreement_matrix({})))
    assert is_empty_state(C.agreement_heatmap(A.agreement_matrix({"Solo": ORDER_A})))
    assert is_empty_state(C.rounds_chart(A.rounds_trend({})))
    assert is_empty_state(C.rounds_chart(A.rounds_trend({1: {"Solo": ORDER_A}})))  # W is NaN
    assert is_empty_state(C.movement_chart({}, {"A": ORDER_A}, NAMES, None))
    fig = C.feedback_heatmap(pd.DataFrame(columns=["element_id", "respondent", "trust"]), NAMES)
    assert len(fig.data) == 0 and fig.layout.annotations[0].text == "No feedback yet"


def test_dumbbell_rejects_more_than_two_parties():
    with pytest.raises(ValueError, match="two parties"):
        C.dumbbell(three_party())


# ------------------------------------------------------------------------ dumbbell


def test_dumbbell_rows_most_contested_first_with_rank_one_on_the_left():
    div = two_party()
    fig = C.dumbbell(div, C.colour_map(div.parties))
    assert len(fig.data) == 3  # connector + one marker trace per party
    ticks = list(fig.layout.yaxis.ticktext)
    assert plain(ticks[0]) == NAMES["i"]  # spread 8
    assert plain(ticks[1]) == NAMES["c"]  # spread 3
    assert plain(ticks[-1]) == NAMES["j"]  # spread 0
    assert [plain(t) for t in ticks] == [row.element for row in div.rows]
    y0, y1 = fig.layout.yaxis.range
    assert y0 > y1  # first row drawn at the top
    assert list(fig.layout.yaxis.tickvals) == list(range(10))
    x0, x1 = fig.layout.xaxis.range
    assert x0 < 1 < x1 and x0 < x1  # rank 1 at the left
    assert fig.layout.xaxis.dtick == 1
    assert "1 = most important" in fig.layout.xaxis.title.text


def test_dumbbell_markers_carry_ranks_and_party_colours():
    div = two_party()
    colours = {"Council": "#123456", "Trust": "#abcdef"}
    fig = C.dumbbell(div, colours)
    connector, council, trust = fig.data
    assert connector.mode == "lines" and connector.hoverinfo == "skip"
    assert council.marker.color == "#123456" and trust.marker.color == "#abcdef"
    assert list(council.x) == [row.ranks["Council"] for row in div.rows]
    assert list(trust.x) == [row.ranks["Trust"] for row in div.rows]
    assert list(council.y) == list(range(10))
    assert (council.name, trust.name) == ("Council", "Trust")
    # the connector joins the two ranks of each row
    assert list(connector.x[:2]) == [div.rows[0].ranks["Council"], div.rows[0].ranks["Trust"]]


def test_dumbbell_default_and_unsafe_colours_fall_back_to_position():
    div = two_party()
    fig = C.dumbbell(div, {"Council": 'red" onload="x', "Trust": None})
    assert fig.data[1].marker.color == C.PARTY_COLOURS[0]
    assert fig.data[2].marker.color == C.PARTY_COLOURS[1]


def test_dumbbell_hover_shows_element_party_and_rank_without_user_text_in_template():
    div = two_party(a=HOSTILE)
    fig = C.dumbbell(div, None)
    trace = fig.data[1]
    assert "rank %{x}" in trace.hovertemplate
    assert "Evil" not in trace.hovertemplate
    assert trace.customdata[0][0] == C._esc(div.rows[0].element)
    assert trace.customdata[0][1] == C._esc(HOSTILE)


# ------------------------------------------------------------------------ bump


def test_bump_one_line_per_element_with_rank_one_at_top():
    div = three_party()
    fig = C.bump(div, C.colour_map(div.parties))
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(lines) == 10
    for trace in lines:
        assert list(trace.x) == [0, 1, 2]
    by_name = {plain(t.name): t for t in lines}
    assert list(by_name[NAMES["i"]].y) == [9, 1, 10]
    y0, y1 = fig.layout.yaxis.range
    assert y0 > y1 and y1 < 1 < y0
    assert list(fig.layout.yaxis.tickvals) == list(range(1, 11))
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert list(fig.layout.yaxis2.range) == list(fig.layout.yaxis.range)


def test_bump_colours_contested_elements_and_greys_the_rest():
    div = three_party()
    fig = C.bump(div, None)
    lines = {plain(t.name): t for t in fig.data if t.mode == "lines+markers"}
    # "i" (spread 9) and "c" (3) reach spread 3; the top 4 are filled up with spread-1 elements
    hot = [row for row in div.rows if row.spread > 0][:4]
    assert [row.element_id for row in hot] == ["i", "c", "a", "b"]
    assert lines[NAMES["i"]].line.color == C.HIGHLIGHT_COLOURS[0]
    for i, row in enumerate(hot):
        assert lines[row.element].line.color == C.HIGHLIGHT_COLOURS[i]
    cold = [row for row in div.rows if row not in hot]
    assert cold
    for row in cold:
        assert lines[row.element].line.color == C.NEUTRAL
    # labelled only at the line ends: the left/right rank axes name the contested elements
    left = [plain(re.sub(r"</?span[^>]*>", "", t)) for t in fig.layout.yaxis.ticktext]
    right = [plain(re.sub(r"</?span[^>]*>", "", t)) for t in fig.layout.yaxis2.ticktext]
    assert left[9 - 1] == NAMES["i"]  # Council ranked "i" 9th
    assert right[10 - 1] == NAMES["i"]  # Panel ranked it 10th
    assert left[7 - 1] == "7"  # "g" is uncontested: just the rank number
    assert not any(t.mode == "text" for t in fig.data)


def test_highlight_rule():
    def rows(*spreads):
        return [A.DivergenceRow(str(i), str(i), {}, 1.0, s, 0.0) for i, s in enumerate(spreads)]

    assert [r.spread for r in C._highlighted(rows(5, 4, 3, 3, 3, 2, 1))] == [5, 4, 3, 3, 3]
    assert [r.spread for r in C._highlighted(rows(2, 1, 1, 1, 1, 0))] == [2, 1, 1, 1]
    assert C._highlighted(rows(0, 0, 0)) == []
    assert len(C._highlighted(rows(*[9] * 10))) == C.MAX_HIGHLIGHT


def test_bump_party_ticks_carry_party_colour_swatch():
    div = three_party(a=HOSTILE)
    colours = {HOSTILE: "#111111", "Trust": "#222222", "Panel": "#333333"}
    fig = C.bump(div, colours)
    ticks = list(fig.layout.xaxis.ticktext)
    assert [t.split("</span>")[0] for t in ticks] == [
        '<span style="color:#111111">■',
        '<span style="color:#222222">■',
        '<span style="color:#333333">■',
    ]
    assert "".join(plain(ticks[0].split("</span> ", 1)[1]).split()) == "".join(HOSTILE.split())


def test_bump_works_for_two_parties():
    fig = C.bump(two_party())
    assert len([t for t in fig.data if t.mode == "lines+markers"]) == 10


# ------------------------------------------------------------------------ heatmaps


def test_rank_heatmap_values_are_the_ranks_most_contested_first():
    div = three_party()
    fig = C.rank_heatmap(div, None)
    (heat,) = fig.data
    assert [list(row) for row in heat.z] == [[row.ranks[p] for p in div.parties] for row in div.rows]
    assert [plain(t) for t in fig.layout.yaxis.ticktext] == [row.element for row in div.rows]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    assert heat.texttemplate == "%{z}"
    assert heat.colorbar.title.text == "rank"
    assert (heat.zmin, heat.zmax) == (1, 10)
    # rank 1 is the strongest colour: Blues runs light -> dark, reversed so zmin (rank 1) is darkest
    assert same_scale(heat.colorscale, "Blues")
    assert heat.reversescale is True
    scale = [c for _, c in heat.colorscale]
    assert sum(rgb(scale[-1])) < sum(rgb(scale[0]))
    assert heat.colorbar.dtick == 1


def test_agreement_heatmap_range_and_text():
    orders = {"Council": ORDER_A, "Trust": ORDER_B, "Panel": ORDER_C}
    matrix = A.agreement_matrix(orders)
    fig = C.agreement_heatmap(matrix, measure="Kendall τ-b")
    (heat,) = fig.data
    assert (heat.zmin, heat.zmax) == (-1, 1)
    assert heat.colorbar.title.text == "Kendall τ-b"
    assert heat.text[0][0] == "1.00"
    assert heat.text[0][1] == f"{matrix.iloc[0, 1]:.2f}"
    assert all(re.fullmatch(r"-?\d\.\d\d", t) for row in heat.text for t in row)
    assert [list(r) for r in heat.z] == matrix.to_numpy().tolist()
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # first party on the top row
    assert same_scale(heat.colorscale, "RdBu")
    assert not heat.reversescale  # -1 red, +1 blue


def test_agreement_heatmap_nan_cells_are_blank():
    matrix = pd.DataFrame([[1.0, math.nan], [math.nan, 1.0]], index=["A", "B"], columns=["A", "B"])
    heat = C.agreement_heatmap(matrix).data[0]
    assert heat.text[0][1] == "" and heat.z[0][1] is None


def test_feedback_heatmap_rows_in_name_order_and_values():
    frame = pd.DataFrame(
        {
            "element_id": ["b", "a", "a", "b", "zz"],
            "respondent": ["Ann", "Ann", "Bo", "Bo", "Bo"],
            "trust": [5, 1, math.nan, 3, 4],
        }
    )
    names = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    fig = C.feedback_heatmap(frame, names)
    (heat,) = fig.data
    assert [plain(t) for t in fig.layout.yaxis.ticktext] == ["Alpha", "Beta", "Gamma", "zz"]
    assert [plain(t) for t in fig.layout.xaxis.ticktext] == ["Ann", "Bo"]
    assert [list(r) for r in heat.z] == [[1.0, None], [5.0, 3.0], [None, None], [None, 4.0]]
    assert [list(r) for r in heat.text] == [["1", ""], ["5", "3"], ["", ""], ["", "4"]]
    assert (heat.zmin, heat.zmax) == (1, 5)
    colours = [c for _, c in heat.colorscale]
    assert colours[0] != colours[-1]
    # 1 is red, 5 is green
    first, last = rgb(colours[0]), rgb(colours[-1])
    assert first[0] > first[1] and last[1] > last[0]
    assert not heat.reversescale


def test_feedback_heatmap_escapes_respondents():
    frame = pd.DataFrame({"element_id": ["a"], "respondent": [HOSTILE], "trust": [2]})
    fig = C.feedback_heatmap(frame, {"a": HOSTILE})
    assert_no_raw_markup(fig)


# ------------------------------------------------------------------------ spread, rounds, movement


def test_spread_bar_most_contested_first():
    div = three_party()
    fig = C.spread_bar(div)
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.x) == [row.spread for row in div.rows]
    assert list(bar.x) == sorted(bar.x, reverse=True)
    assert [plain(t) for t in fig.layout.yaxis.ticktext] == [row.element for row in div.rows]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    assert fig.layout.xaxis.dtick == 1
    assert bar.marker.color[0] == C.INK and bar.marker.color[-1] == C.NEUTRAL


def test_rounds_chart_lines_per_series():
    orders = {"Council": ORDER_A, "Trust": ORDER_B, "Panel": ORDER_C}
    trend = A.rounds_trend({1: orders, 3: {"Council": ORDER_A, "Trust": ORDER_A}})
    fig = C.rounds_chart(trend)
    assert len(fig.data) == 1 + 3  # W + three pairs
    w = fig.data[0]
    assert w.name.startswith("Kendall's W")
    assert list(w.x) == [1, 3]
    assert w.y[0] == pytest.approx(trend["kendalls_w"][0])
    assert [plain(t.name) for t in fig.data[1:]] == ["τ Council vs Trust", "τ Council vs Panel", "τ Trust vs Panel"]
    assert fig.data[2].y[1] is None  # Panel did not rank in round 3
    assert fig.data[1].y[1] == pytest.approx(1.0)
    assert all(m == "lines+markers" for m in (t.mode for t in fig.data))
    assert list(fig.layout.yaxis.range) == [-1.05, 1.05]
    assert list(fig.layout.xaxis.tickvals) == [1, 3]
    assert all(isinstance(v, int) for v in fig.layout.xaxis.tickvals)


def test_movement_chart_panels_colours_and_wrapping():
    parties = [f"P{i}" for i in range(5)]
    prev = {p: ORDER_A for p in parties}
    cur = {p: (ORDER_B if i % 2 else ORDER_A) for i, p in enumerate(parties)}
    colours = C.colour_map(parties)
    fig = C.movement_chart(prev, cur, NAMES, colours)
    titles = [plain(a.text.split("</span> ", 1)[1]) for a in fig.layout.annotations]
    assert titles == parties
    # 5 parties, at most 4 columns: two rows of panels
    y_domains = {tuple(fig.layout[k].domain) for k in fig.layout if k.startswith("yaxis")}
    x_domains = {tuple(fig.layout[k].domain) for k in fig.layout if k.startswith("xaxis")}
    assert len(y_domains) == 2 and len(x_domains) == 4
    moved = [t for t in fig.data if t.name == "P1 moved"]
    assert len(moved) == 1 and moved[0].line.color == colours["P1"]
    assert not [t for t in fig.data if t.name == "P0 moved"]  # P0 did not move
    steady = next(t for t in fig.data if t.name == "P0 unchanged")
    assert steady.line.color == C.NEUTRAL
    # element "i": 9th before, 1st now for P1
    i_points = [(x, y) for x, y, cd in zip(moved[0].x, moved[0].y, moved[0].customdata) if cd and cd[0] == NAMES["i"]]
    assert i_points == [(0, 9), (1, 1)]
    labels = next(t for t in fig.data if t.name == "P1 labels")
    assert "▲8 Readiness and mitigation" in [plain(t) for t in labels.text]
    for key in fig.layout:
        if key.startswith("yaxis"):
            assert fig.layout[key].range[0] > fig.layout[key].range[1]
            assert fig.layout[key].dtick == 1


def test_movement_chart_max_columns():
    parties = ["A", "B", "C"]
    prev = {p: ORDER_A for p in parties}
    fig = C.movement_chart(prev, {p: ORDER_B for p in parties}, NAMES, None, max_columns=1)
    x_domains = {tuple(fig.layout[k].domain) for k in fig.layout if k.startswith("xaxis")}
    assert len(x_domains) == 1
    assert fig.layout.height > C.movement_chart(prev, {p: ORDER_B for p in parties}, NAMES, None).layout.height


# ------------------------------------------------------------------------ escaping everywhere


def assert_no_raw_markup(fig):
    strings = decoded_strings(fig)
    joined = "\n".join(strings)
    assert "&lt;b&gt;Evil&lt;/b&gt;" in joined  # positive control: the name is there, escaped
    assert "<b>Evil" not in joined
    assert "<script" not in joined.lower()
    assert "%{x} <b>" not in joined and "Evil %{x}" not in joined
    assert "$x$" not in joined
    for text in strings:
        if "%{" in text:  # only our own templates may contain placeholders
            assert "Evil" not in text


def test_hostile_party_and_element_names_are_escaped_in_every_builder():
    names = dict(NAMES, a=HOSTILE)
    orders = {HOSTILE: ORDER_A, "Trust": ORDER_B, "Panel": ORDER_C}
    div3 = A.divergence(orders, names)
    div2 = A.divergence({HOSTILE: ORDER_A, "Trust": ORDER_B}, names)
    colours = C.colour_map(list(orders))
    trend = A.rounds_trend({1: orders, 2: orders})
    figs = [
        C.dumbbell(div2, colours),
        C.bump(div3, colours),
        C.rank_heatmap(div3, colours),
        C.agreement_heatmap(A.agreement_matrix(orders), colours=colours),
        C.spread_bar(div3),
        C.rounds_chart(trend),
        C.movement_chart(orders, {p: ORDER_B for p in orders}, names, colours),
    ]
    for fig in figs:
        assert_no_raw_markup(fig)


def test_legend_name_of_hostile_party_is_escaped_in_json():
    fig = C.dumbbell(A.divergence({"<b>Evil</b>": ORDER_A, "Other": ORDER_B}, NAMES))
    data = json.loads(fig.to_json())["data"]
    assert data[1]["name"] == "&lt;b&gt;Evil&lt;/b&gt;"


# ------------------------------------------------------------------------ layout rules and output


@pytest.mark.parametrize("name", list(all_figures()))
def test_every_builder_follows_house_style_and_serialises(name):
    fig = all_figures()[name]
    fig.to_json()
    assert fig.layout.template == pio.templates["plotly_white"]
    assert fig.layout.font.size >= 13
    assert fig.layout.height >= 200
    for trace in fig.data:
        font = getattr(trace, "textfont", None)
        if font is not None and font.size is not None:
            assert font.size >= 13
    if fig.layout.showlegend:
        assert fig.layout.legend.orientation == "h"
        assert fig.layout.legend.y >= 1 and fig.layout.legend.yanchor == "bottom"
    m = fig.layout.margin
    assert max(m.l, m.r) <= 10


@pytest.mark.parametrize("build", [C.dumbbell, C.rank_heatmap, C.spread_bar])
def test_height_scales_with_element_count(build):
    few = {"A": ORDER_A[:5], "B": ORDER_A[:5][::-1]}
    many = {"A": ORDER_A, "B": ORDER_A[::-1]}
    short_names = {e: e.upper() for e in IDS}
    h5 = build(A.divergence(few, short_names)).layout.height
    h10 = build(A.divergence(many, short_names)).layout.height
    assert h10 - h5 == 5 * C.ROW_PX


def test_rows_grow_when_names_need_three_lines():
    long_names = {e: "word " * 12 + e for e in IDS}
    orders = {"A": ORDER_A, "B": ORDER_B}
    plain_h = C.dumbbell(A.divergence(orders, {e: e for e in IDS})).layout.height
    long_h = C.dumbbell(A.divergence(orders, long_names)).layout.height
    assert long_h > plain_h + 10 * 10


def test_element_names_duplicated_still_give_distinct_rows():
    names = {e: "Same name" for e in IDS}
    fig = C.dumbbell(A.divergence({"A": ORDER_A, "B": ORDER_B}, names))
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(set(ticks)) == 10
