"""Comparison: where the parties agree and diverge, in a table, charts, plain words and a discussion agenda.

The facilitator always sees it; participants once the round is revealed (or live, if the session
shows results live). It updates by itself as submissions arrive. Drawn in the reader's language
(``ui/i18n.py``): the shared results are numbers, worded here per run; the charts and tables are shared per
language (``ui/cached.py``).
"""

import streamlit as st

from trustcore import analysis, anonymity, charts, i18n, wording
from trustcore import tables as table_of
from trustcore.i18n import N_
from trustcore.model import Role, RoundStatus
from trustcore.results import rounds_comparison
from trustcore.text import markdown_escape as esc
from trustcore.worksheet import trust_frame
from ui import cached, figures
from ui.common import session_header
from ui.context import page_context
from ui.downloads import download_section
from ui.i18n import translator
from ui.live import heavy_slot, rerun_on_change, watch_round
from ui.tables import show as show_table

REASONS_OPEN = 3  # elements whose reasons are shown before "more elements"
# the chart tabs: each chart's code, and its tab's label (translated where shown)
CHARTS = {
    "divergence": N_("Divergence"),
    "heatmap": N_("Heatmap"),
    "agreement": N_("Agreement"),
    "spread": N_("Spread"),
}
# The chart tabs, the explainer and the long expanders draw their content only while it is open
# (``on_change="rerun"``: choosing one reruns the page), so a revealed comparison sends each of a hundred tabs
# one chart, not four, and not the longest texts.

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
store, session = ctx.store, ctx.session
t = translator(ctx)
lang = t.locale
names = session.catalogue.names_in(lang)
facilitator = ctx.facilitator

session_header(session, subtitle=t.gettext("Comparison"), t=t)
visible = [r.number for r in session.rounds if session.results_visible(r.number, facilitator=facilitator)]
if not visible:
    st.info(
        t.gettext(
            "The comparison is hidden until the facilitator reveals it, so that everyone ranks without seeing "
            "the others. This page opens it by itself as soon as it is revealed."
        ),
        icon=":material/visibility_off:",
    )
    watch_round(ctx)
    st.stop()

number = visible[-1]
if len(visible) > 1:
    number = (
        st.segmented_control(
            t.pgettext("round chooser", "Round"),
            visible,
            default=visible[-1],
            format_func=lambda n: t.gettext("Round {round}", round=n),
            key="compare_round",
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
        t.gettext("Only you see this until you reveal round {round}", round=number)
        if session.blind
        else t.gettext("Results are live for everyone in this session.")
    )

# ---- headline: the shared numbers, worded in the reader's language (nothing computed again)
headline = res.headline_in(t, names)
st.subheader(esc(headline.summary), anchor=False)
if headline.detail:
    st.markdown(f"**{esc(headline.detail)}**")
explainer = st.expander(
    t.gettext("How this is computed"), icon=":material/functions:", key="compare_explainer", on_change="rerun"
)
if explainer.open:
    explainer.markdown(wording.explainer(t))

submitted = {p for p in res.party_orders}
waiting = [p.name for p in session.parties if p.name not in submitted]
if waiting:
    st.caption(esc(t.gettext("Waiting for: {parties}", parties=t.pgettext("list separator", ", ").join(waiting))))
if not res.comparable:
    st.info(
        t.gettext("The comparison appears when at least two parties have submitted a ranking."),
        icon=":material/hourglass:",
    )
    st.stop()


def show_reasons(row, why) -> None:
    """One element: its name and each party's rank, then every reason given for it (as plain text)."""
    ranks = t.pgettext("list separator", ", ").join(
        t.gettext("{party} {rank}", party=party, rank=rank) for party, rank in row.ranks.items()
    )
    st.markdown(
        t.gettext(
            "**{element}**: ranked {ranks} (spread {spread})",
            element=esc(names.get(row.element_id, row.element)),
            ranks=esc(ranks),
            spread=row.spread,
        )
    )
    st.text("\n".join(wording.reason_line(r, t=t) for r in why))


def keep_chart_tab() -> None:
    """The open chart tab survives a change of language: the tabs' state is the label of the open one, so a
    label of another language becomes this language's label of the same chart."""
    chosen = st.session_state.get("compare_chart")
    if chosen is None:
        return
    for label in CHARTS.values():
        if chosen != t.gettext(label) and chosen in {i18n.translator(code).gettext(label) for code in i18n.SUPPORTED}:
            st.session_state["compare_chart"] = t.gettext(label)
            return


def details() -> None:
    """Everything below the headline: tables, charts, agenda, consensus, feedback, rounds, downloads."""
    # ---- side by side
    st.subheader(t.gettext("Side by side, most contested first"), anchor=False)
    tables = cached.comparison_tables(ctx.view, number, marker, lang)
    show_table(tables.side_by_side)  # a table where it fits, one card per element on a phone

    # ---- reasons, beside the divergence
    contested = res.contested_with_reasons
    if contested:
        st.subheader(t.gettext("Why they ranked it there"), anchor=False)
        st.caption(
            t.gettext(
                "The reasons participants gave for the place of an element, most contested element first. {anonymity}",
                anonymity=t.gettext(anonymity.EXPLAINED[session.anonymity]),
            )
        )
        for row, why in contested[:REASONS_OPEN]:
            with st.container(border=True):
                show_reasons(row, why)
        if len(contested) > REASONS_OPEN:
            more = st.expander(
                t.ngettext(
                    "Reasons for {n} more element",
                    "Reasons for {n} more elements",
                    len(contested) - REASONS_OPEN,
                ),
                key="compare_more_reasons",
                on_change="rerun",
            )
            if more.open:
                with more:
                    for row, why in contested[REASONS_OPEN:]:
                        show_reasons(row, why)

    # ---- charts
    ready = cached.comparison_charts(ctx.view, number, marker, lang)
    keep_chart_tab()
    tabs = st.tabs([t.gettext(label) for label in CHARTS.values()], key="compare_chart", on_change="rerun")
    for tab, name in zip(tabs, CHARTS, strict=True):
        if tab.open:  # only the chart on screen is sent; choosing another tab reruns the page
            with tab:
                figures.show(ready[name], key=f"chart:{name}")

    # ---- agenda
    st.subheader(t.gettext("Discussion agenda"), anchor=False)
    if res.agenda:
        st.caption(
            t.ngettext(
                "Element pairs the parties put the other way round, most divergent first ({n} in all).",
                "Element pairs the parties put the other way round, most divergent first ({n} in all).",
                len(res.agenda),
            )
        )
        st.text(tables.agenda_top)  # each pair with the reasons its parties gave, as plain text
        if tables.agenda_rest:
            every = st.expander(
                t.ngettext("All {n} pair", "All {n} pairs", len(res.agenda)), key="compare_all_pairs", on_change="rerun"
            )
            if every.open:
                every.text(tables.agenda_rest)
    else:
        st.write(t.gettext("The parties put every pair of elements the same way round: nothing to reconcile."))

    # ---- consensus
    st.subheader(t.gettext("Consensus order"), anchor=False)
    st.caption(
        t.gettext(
            "Borda: by total points (mean rank). Kemeny: the order that disagrees with the parties' rankings in "
            "the fewest element pairs (exact). Each party counts once, whatever its number of members."
        )
    )
    if not res.kemeny:
        st.caption(
            t.gettext(
                "The exact Kemeny order is computed for up to {count} elements.",
                count=analysis.KEMENY_MAX_ELEMENTS,
            )
        )
    show_table(tables.consensus)

    if tables.within is not None:
        st.subheader(t.gettext("Agreement within parties"), anchor=False)
        show_table(tables.within)

    # ---- stakeholder feedback, beside the rankings
    answers = cached.feedback(ctx.view, marker)
    if any(a.trust is not None for a in answers):
        st.subheader(t.gettext("What stakeholders said"), anchor=False)
        st.caption(
            t.gettext(
                "From the stakeholder survey: how far each respondent can trust us in each element "
                "(1 not at all … 5 completely)."
            )
        )
        trust = trust_frame(answers)
        figures.show(
            figures.chart(charts.feedback_heatmap(trust, names, t), wording.feedback_summary(trust, names, t)),
            key="chart:feedback",
        )

    # ---- across rounds
    if len(visible) > 1:
        colours = charts.colour_map([p.name for p in session.parties])
        moved = rounds_comparison(session, ctx.view.visible_rankings(), visible)
        if moved:
            st.subheader(
                t.gettext("From round {previous} to round {latest}", previous=moved.previous, latest=moved.latest),
                anchor=False,
            )
            st.write(moved.describe(t))
            figures.show(
                figures.chart(charts.rounds_chart(moved.trend, t), wording.rounds_summary(moved.trend, t)),
                key="chart:rounds",
            )
            show_table(table_of.stability(moved, t))
            labels = {
                "before": t.gettext("round {round}", round=moved.previous),
                "after": t.gettext("round {round}", round=moved.latest),
            }
            figures.show(
                figures.chart(
                    charts.movement_chart(moved.before, moved.after, names, colours, **labels, max_columns=2, t=t),
                    wording.movement_summary(
                        moved.before,
                        moved.after,
                        names,
                        before_label=labels["before"],
                        after_label=labels["after"],
                        t=t,
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
