"""Work shared by every tab that shows the same thing: computed once per change of the session.

The key includes the session's change marker, so a new submission or reveal computes afresh. Callers
check the viewer's rights *before* asking (these functions read every ranking of the round)."""

from __future__ import annotations

import streamlit as st

from trustcore import charts
from trustcore.results import RoundResults, round_results


@st.cache_data(max_entries=256, show_spinner=False)
def comparison(_store, code: str, number: int, marker: tuple) -> tuple[RoundResults, dict]:
    """A round's results and its four comparison charts (``marker``: ``store.change_marker(code)``)."""
    session = _store.session(code)
    res = round_results(session, _store.rankings(code, number), number)
    figures = {}
    if res.comparable:
        colours = charts.colour_map([p.name for p in session.parties])
        two = len(res.party_orders) == 2
        figures = {
            "divergence": charts.dumbbell(res.divergence, colours) if two else charts.bump(res.divergence, colours),
            "heatmap": charts.rank_heatmap(res.divergence, colours),
            "agreement": charts.agreement_heatmap(res.agreement),
            "spread": charts.spread_bar(res.divergence),
        }
    return res, figures
