"""Comparison: where the parties agree and diverge, in a table, charts, plain words and a discussion agenda.

The facilitator always sees it; participants once the round is revealed (or live, if the session
shows results live). It updates by itself as submissions arrive.
"""

import streamlit as st

from trustcore import analysis, anonymity, charts, wording
from trustcore import tables as table_of
from trustcore.model import Role, RoundStatus
from trustcore.results import rounds_comparison
from trustcore.text import markdown_escape as esc
from trustcore.worksheet import trust_frame
from ui import cached, figures
from ui.common import session_header
from ui.context import page_context
from ui.downloads import download_section
from ui.live import heavy_slot, rerun_on_change, watch_round
from ui.tables import show as show_table

REASONS_OPEN = 3  # elements whose reasons are shown before "more elements"
CHARTS = {"Divergence": "divergence", "Heatmap": "heatmap", "Agreement": "agreement", "Spread": "spread"}
# The chart tabs, the explainer and the long expanders draw their content only while it is open
# (``on_change="rerun"``: choosing one reruns the page), so a revealed comparison sends each of a hundred tabs
# one chart, not four, and not the longest texts.

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
store, session = ctx.store, ctx.session
names = session.catalogue.names
facilitator = ctx.facilitator

session_header(session, subtitle="Comparison")
visible = [r.number for r in session.rounds if session.results_visible(r.number, facilitator=facilitator)]
if not visible:
    st.info(
        "The comparison is hidden until the facilitator reveals it, so that everyone ranks without seeing "
        "the others. This page opens it by itself as soon as it is revealed.",
        icon=":material/visibility_off:",
    )
    watch_round(ctx)
    st.stop()

number = visible[-1]
if len(visible) > 1:
    number = (
        st.segmented_control(
            "Round", visible, default=visible[-1], format_func=lambda n: f"Round {n}", key="compare_round"
        )
        or visible[-1]
    )

# ``visible`` holds only the rounds this tab's actor may see (resolved from its token for this rerun), and
# ``number`` is one of them: the cached results below are read only after that check.
marker = ctx.view.change_marker()
res = cached.results(ctx.view, number, marker)  # as this tab's holder may see them
# a submission, a lock, a reveal or a new round: the page follows (drawn once the results were read)
rerun_on_change(ctx, marker)
rnd = session.get_round(number)
if facilitator and rnd.status is not RoundStatus.REVEALED:
    st.caption(
        f"Only you see this until you reveal round {number}"
        if session.blind
        else "Results are live for everyone in this session."
    )

# ---- headline
st.subheader(esc(res.headline.summary), anchor=False)
if res.headline.detail:
    st.markdown(f"**{esc(res.headline.detail)}**")
explainer = st.expander("How this is computed", icon=":material/functions:", key="compare_explainer", on_change="rerun")
if explainer.open:
    explainer.markdown(wording.EXPLAINER)

submitted = {p for p in res.party_orders}
waiting = [p.name for p in session.parties if p.name not in submitted]
if waiting:
    st.caption("Waiting for: " + esc(", ".join(waiting)))
if not res.comparable:
    st.info("The comparison appears when at least two parties have submitted a ranking.", icon=":material/hourglass:")
    st.stop()


def show_reasons(row, why) -> None:
    """One element: its name and each party's rank, then every reason given for it (as plain text)."""
    ranks = ", ".join(f"{party} {rank}" for party, rank in row.ranks.items())
    st.markdown(f"**{esc(row.element)}**: ranked {esc(ranks)} (spread {row.spread})")
    st.text("\n".join(wording.reason_line(r) for r in why))


def details() -> None:
    """Everything below the headline: tables, charts, agenda, consensus, feedback, rounds, downloads."""
    # ---- side by side
    st.subheader("Side by side, most contested first", anchor=False)
    tables = cached.comparison_tables(ctx.view, number, marker)
    show_table(tables.side_by_side)  # a table where it fits, one card per element on a phone

    # ---- reasons, beside the divergence
    contested = res.contested_with_reasons
    if contested:
        st.subheader("Why they ranked it there", anchor=False)
        st.caption(
            "The reasons participants gave for the place of an element, most contested element first. "
            + anonymity.EXPLAINED[session.anonymity]
        )
        for row, why in contested[:REASONS_OPEN]:
            with st.container(border=True):
                show_reasons(row, why)
        if len(contested) > REASONS_OPEN:
            more = st.expander(
                f"Reasons for {len(contested) - REASONS_OPEN} more elements",
                key="compare_more_reasons",
                on_change="rerun",
            )
            if more.open:
                with more:
                    for row, why in contested[REASONS_OPEN:]:
                        show_reasons(row, why)

    # ---- charts
    ready = cached.comparison_charts(ctx.view, number, marker)
    tabs = st.tabs(list(CHARTS), key="compare_chart", on_change="rerun")
    for tab, name in zip(tabs, CHARTS.values(), strict=True):
        if tab.open:  # only the chart on screen is sent; choosing another tab reruns the page
            with tab:
                figures.show(ready[name], key=f"chart:{name}")

    # ---- agenda
    st.subheader("Discussion agenda", anchor=False)
    if res.agenda:
        st.caption(
            f"Element pairs the parties put the other way round, most divergent first ({len(res.agenda)} in all)."
        )
        st.text(tables.agenda_top)  # each pair with the reasons its parties gave, as plain text
        if tables.agenda_rest:
            every = st.expander(f"All {len(res.agenda)} pairs", key="compare_all_pairs", on_change="rerun")
            if every.open:
                every.text(tables.agenda_rest)
    else:
        st.write("The parties put every pair of elements the same way round: nothing to reconcile.")

    # ---- consensus
    st.subheader("Consensus order", anchor=False)
    st.caption(
        "Borda: by total points (mean rank). Kemeny: the order that disagrees with the parties' rankings in "
        "the fewest element pairs (exact). Each party counts once, whatever its number of members."
    )
    if not res.kemeny:
        st.caption(f"The exact Kemeny order is computed for up to {analysis.KEMENY_MAX_ELEMENTS} elements.")
    show_table(tables.consensus)

    if tables.within is not None:
        st.subheader("Agreement within parties", anchor=False)
        show_table(tables.within)

    # ---- stakeholder feedback, beside the rankings
    answers = cached.feedback(ctx.view, marker)
    if any(a.trust is not None for a in answers):
        st.subheader("What stakeholders said", anchor=False)
        st.caption(
            "From the stakeholder survey: how far each respondent can trust us in each element "
            "(1 not at all … 5 completely)."
        )
        trust = trust_frame(answers)
        figures.show(
            figures.chart(charts.feedback_heatmap(trust, names), wording.feedback_summary(trust, names)),
            key="chart:feedback",
        )

    # ---- across rounds
    if len(visible) > 1:
        colours = charts.colour_map([p.name for p in session.parties])
        moved = rounds_comparison(session, ctx.view.visible_rankings(), visible)
        if moved:
            st.subheader(f"From round {moved.previous} to round {moved.latest}", anchor=False)
            st.write(moved.summary)
            figures.show(
                figures.chart(charts.rounds_chart(moved.trend), wording.rounds_summary(moved.trend)), key="chart:rounds"
            )
            show_table(table_of.stability(moved))
            labels = {"before": f"round {moved.previous}", "after": f"round {moved.latest}"}
            figures.show(
                figures.chart(
                    charts.movement_chart(moved.before, moved.after, names, colours, **labels, max_columns=2),
                    wording.movement_summary(
                        moved.before, moved.after, names, before_label=labels["before"], after_label=labels["after"]
                    ),
                ),
                key="chart:movement",
            )

    download_section(ctx, number)


# When the facilitator reveals, a hundred tabs run this page at once. Each sends its headline first, then
# waits until no other tab is still waiting to draw its own, and for one of two slots to draw the rest: every
# headline is out first, and the details follow one tab after another (instead of every tab finishing late,
# together).
with heavy_slot():
    details()
