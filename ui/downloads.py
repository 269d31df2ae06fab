"""Download buttons for a session's exports (built only when clicked)."""

from __future__ import annotations

import streamlit as st

from trustcore import export
from trustcore.results import round_results


def download_buttons(ctx, round_number: int | None = None) -> None:
    """Results CSV (every round) and the comparison CSV of one round (default: the current one)."""
    store, session = ctx.store, ctx.session
    number = round_number or session.current_round

    def results() -> bytes:
        return export.results_csv(session, store.visible_rankings(session.code, ctx.token))

    def comparison() -> bytes:
        return export.comparison_csv(round_results(session, store.visible_rankings(session.code, ctx.token, number), number))

    c1, c2 = st.columns(2)
    c1.download_button("Results CSV (all rounds)", data=results, file_name=export.file_name(session, "results", "csv"),
                       mime="text/csv", icon=":material/download:", on_click="ignore", width="stretch")
    c2.download_button(f"Comparison CSV (round {number})", data=comparison,
                       file_name=export.file_name(session, f"comparison-round{number}", "csv"), mime="text/csv",
                       icon=":material/download:", on_click="ignore", width="stretch")
