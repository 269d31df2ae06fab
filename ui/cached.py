"""Work shared by every tab that shows the same thing: computed once per change of the session.

The key includes the session's change marker, so a new submission or reveal computes afresh. The
values are shared, not copied (``st.cache_resource``): a hundred tabs opening the comparison at once
read one object, and its charts as ready JSON (``ui/figures.py``). Everything cached is immutable
(frozen dataclasses, strings); pages only read it. Callers check the viewer's rights *before* asking
(these functions read every ranking of the round)."""

from __future__ import annotations

import streamlit as st

from trustcore import charts
from trustcore.results import RoundResults, round_results

from .figures import Chart, chart


@st.cache_resource(max_entries=256, show_spinner=False)
def comparison(_store, code: str, number: int, marker: tuple) -> tuple[RoundResults, dict[str, Chart]]:
    """A round's results and its four comparison charts (``marker``: ``store.change_marker(code)``)."""
    session = _store.session(code)
    res = round_results(session, _store.rankings(code, number), number)
    figures: dict[str, Chart] = {}
    if res.comparable:
        colours = charts.colour_map([p.name for p in session.parties])
        two = len(res.party_orders) == 2
        figures = {
            "divergence": chart(charts.dumbbell(res.divergence, colours) if two else charts.bump(res.divergence,
                                                                                                  colours)),
            "heatmap": chart(charts.rank_heatmap(res.divergence, colours)),
            "agreement": chart(charts.agreement_heatmap(res.agreement)),
            "spread": chart(charts.spread_bar(res.divergence)),
        }
    return res, figures
