"""The workspace's Relationships tab: one block per relationship (its sessions and its agreement over time,
as a chart with its summary in words and as a table), then Column E across all relationships (open, overdue,
done). What the workspace may see of a linked session is ``trustcore.relationships``' (and ``audience``'s)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from trustcore import charts, wording
from trustcore import relationships as rel
from trustcore.i18n import ENGLISH, N_, Translator
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui import figures

# the filter's options are the states' stable codes (shown through ``format_func``): a change of language keeps
# what is chosen
FILTERS = {rel.OVERDUE: N_("Overdue"), rel.OPEN: N_("Open"), rel.DONE: N_("Done")}
# a step's state in the table, as the module's rule names it
STATE_WORDS = {rel.OVERDUE: N_("overdue"), rel.OPEN: N_("open"), rel.DONE: N_("done")}


def _day(iso: str, t: Translator) -> str:
    try:
        return t.date(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso[:10]


def _sessions_table(relationship: rel.Relationship, t: Translator) -> pd.DataFrame:
    session, day, held = t.gettext("Session"), t.gettext("Date"), t.gettext("Rounds held")
    revealed, agreement, statistic = t.gettext("Revealed round"), t.gettext("Agreement"), t.gettext("Statistic")
    rows = []
    for s in relationship.sessions:
        base = {session: s.title, day: _day(s.created_at, t), held: t.number(s.rounds)}
        if not s.agreement:
            rows.append({**base, revealed: "", agreement: t.gettext("no revealed round yet"), statistic: ""})
        for a in s.agreement:
            stated = (
                t.gettext("{statistic} = {value}", statistic=rel.statistic_in(a, t), value=t.decimal(a.value, 2))
                if a.value is not None
                else ""
            )
            words = rel.label_in(a, t) or t.gettext("fewer than two parties ranked")
            rows.append({**base, revealed: t.number(a.round), agreement: words, statistic: stated})
    return pd.DataFrame(rows)


def _steps_table(steps: list[rel.Step], t: Translator) -> pd.DataFrame:
    separator = t.pgettext("list separator", ", ")
    return pd.DataFrame(
        {
            t.gettext("State"): [t.gettext(STATE_WORDS[s.state]) for s in steps],
            t.gettext("Partner"): [s.partner for s in steps],
            t.gettext("Session"): [s.session for s in steps],
            t.gettext("Element"): [s.element for s in steps],
            t.gettext("Next step"): [s.action for s in steps],
            t.gettext("Owner"): [s.owner_party or "" for s in steps],
            t.gettext("Due"): [s.due for s in steps],
            t.gettext("Status"): [wording.status_words(s.status, t) for s in steps],
            t.gettext("Agreed by"): [separator.join(s.agreed_by) for s in steps],
        }
    )


def _relationship(i: int, relationship: rel.Relationship, summary: rel.Summary, t: Translator) -> None:
    with st.container(border=True):
        st.subheader(esc(relationship.partner), anchor=False)
        sessions = t.ngettext("{n} session", "{n} sessions", len(relationship.sessions))
        st.caption(esc(t.gettext("{sessions} · {summary}", sessions=sessions, summary=rel.annotation(summary, t))))
        st.table(_sessions_table(relationship, t), hide_index=True, border="horizontal")
        points = rel.over_time(relationship)
        if len(points) > 1:
            figure = charts.agreement_over_time(
                [(p.label_in(t), rel.statistic_in(p.agreement, t), p.agreement.value) for p in points]
            )
            figures.show(figures.chart(figure, rel.in_words(relationship, t)), key=f"rel:chart:{i}")
        else:
            st.caption(esc(rel.in_words(relationship, t)))


def render(wview: WorkspaceView, t: Translator = ENGLISH, found: list[rel.Relationship] | None = None) -> None:
    """``found``: the workspace's relationships when the page has read them already (``rel.relationships``)."""
    found = rel.relationships(wview) if found is None else found
    if not found:
        st.caption(
            t.gettext(
                "No session reads this ranking yet. A session's facilitator links it on the console (Organisation "
                "workspace), with this workspace's link."
            )
        )
        return
    summaries = rel.summaries(found)
    # a session's code is never shown here: it would let the workspace's holder join the session
    for i, relationship in enumerate(found):
        _relationship(i, relationship, summaries[relationship.key], t)

    st.subheader(t.gettext("Next steps across relationships (Column E)"), anchor=False)
    column = rel.column_e(found)
    st.caption(
        " · ".join(
            t.gettext("{state}: {n}", state=t.gettext(label), n=len(column[state])) for state, label in FILTERS.items()
        )
    )
    chosen = st.pills(
        t.gettext("Show"),
        list(FILTERS),
        selection_mode="multi",
        default=[rel.OVERDUE, rel.OPEN],
        format_func=lambda state: t.gettext(FILTERS[state]),
        key="rel:filter",
    )
    states = [state for state in FILTERS if state in (chosen or ())]
    steps = [s for state in states for s in column[state]]
    if not steps:
        st.caption(t.gettext("No next step to show: choose Overdue, Open or Done above."))
        return
    st.table(_steps_table(steps, t), hide_index=True, border="horizontal")
    st.caption(
        t.gettext(
            "A step is overdue when its due date is past and it is not done; a due timeframe (such as “Q2 2027”) "
            "is never overdue."
        )
    )
