"""The workspace's Relationships tab: one block per relationship (its sessions and its agreement over time,
as a chart with its summary in words and as a table), then Column E across all relationships (open, overdue,
done). What the workspace may see of a linked session is ``trustcore.relationships``' (and ``audience``'s)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trustcore import charts
from trustcore import relationships as rel
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui import figures

FILTERS = {"Overdue": rel.OVERDUE, "Open": rel.OPEN, "Done": rel.DONE}


def _sessions_table(relationship: rel.Relationship) -> pd.DataFrame:
    rows = []
    for s in relationship.sessions:
        base = {"Session": s.title, "Date": s.created_at[:10], "Rounds held": s.rounds}
        if not s.agreement:
            rows.append({**base, "Revealed round": "", "Agreement": "no revealed round yet", "Statistic": ""})
        for a in s.agreement:
            statistic = f"{a.statistic} = {a.value:.2f}" if a.value is not None else ""
            rows.append(
                {**base, "Revealed round": str(a.round), "Agreement": a.label or a.summary, "Statistic": statistic}
            )
    return pd.DataFrame(rows)


def _steps_table(steps: list[rel.Step]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "State": [s.state for s in steps],
            "Partner": [s.partner for s in steps],
            "Session": [s.session for s in steps],
            "Element": [s.element for s in steps],
            "Next step": [s.action for s in steps],
            "Owner": [s.owner_party or "" for s in steps],
            "Due": [s.due for s in steps],
            "Status": [s.status for s in steps],
            "Agreed by": [", ".join(s.agreed_by) for s in steps],
        }
    )


def _relationship(i: int, relationship: rel.Relationship, summary: rel.Summary) -> None:
    with st.container(border=True):
        st.subheader(esc(relationship.partner), anchor=False)
        count = len(relationship.sessions)
        st.caption(f"{count} session{'' if count == 1 else 's'} · {esc(rel.annotation(summary))}")
        st.table(_sessions_table(relationship), hide_index=True, border="horizontal")
        points = rel.over_time(relationship)
        if len(points) > 1:
            figure = charts.agreement_over_time([(p.label, p.agreement.statistic, p.agreement.value) for p in points])
            figures.show(figures.chart(figure, rel.in_words(relationship)), key=f"rel:chart:{i}")
        else:
            st.caption(esc(rel.in_words(relationship)))


def render(wview: WorkspaceView) -> None:
    found = rel.relationships(wview)
    if not found:
        st.caption(
            "No session reads this ranking yet. A session's facilitator links it on the console (Organisation "
            "workspace), with this workspace's link."
        )
        return
    summaries = rel.summaries(found)
    # a session's code is never shown here: it would let the workspace's holder join the session
    for i, relationship in enumerate(found):
        _relationship(i, relationship, summaries[relationship.key])

    st.subheader("Next steps across relationships (Column E)", anchor=False)
    column = rel.column_e(found)
    st.caption(" · ".join(f"{label}: {len(column[state])}" for label, state in FILTERS.items()))
    chosen = st.pills("Show", list(FILTERS), selection_mode="multi", default=["Overdue", "Open"], key="rel:filter")
    states = [FILTERS[label] for label in FILTERS if label in (chosen or ())]
    steps = [s for state in states for s in column[state]]
    if not steps:
        st.caption("No next step to show: choose Overdue, Open or Done above.")
        return
    st.table(_steps_table(steps), hide_index=True, border="horizontal")
    st.caption(
        "A step is overdue when its due date is past and it is not done; a due timeframe (such as “Q2 2027”) "
        "is never overdue."
    )
