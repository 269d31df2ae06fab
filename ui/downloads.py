"""Download buttons for a session's exports. Each file is built only when its button is clicked, with
the tab's own token, so the core decides what its holder may take away.

The buttons sit in an expander that draws them only while it is open (``on_change="rerun"``): seven
download buttons and their columns were a quarter of the messages of every comparison and console rerun
(benchmarks/README.md, "Compare page rerun"), for an action taken once or twice a workshop."""

from __future__ import annotations

import streamlit as st

from trustcore import archive, export, report, workbook
from trustcore.followup import next_steps, survey
from trustcore.results import round_results


def _snapshot(view, build):
    """``build`` run on the view's one read snapshot of the database: the file shows a concurrent write
    whole or not at all. (Streamlit calls it in its own thread, when the button is clicked.)"""

    def run():
        with view.snapshot():
            return build()

    return run


def download_section(ctx, round_number: int | None = None) -> None:
    """The "Download" heading and an expander with every export the tab's holder may download (comparison
    CSV: ``round_number``, default current), drawn only while it is open."""
    st.subheader("Download", anchor=False)
    files = "CSV files, the Excel workbook, a printable report" + (" and the whole session" if ctx.facilitator else "")
    shelf = st.expander(files, icon=":material/download:", key="downloads", on_change="rerun")
    if shelf.open:
        with shelf:
            _download_buttons(ctx, round_number)


def _download_buttons(ctx, round_number: int | None = None) -> None:
    """Every export the tab's holder may download (comparison CSV: ``round_number``, default current)."""
    store, session, token = ctx.store, ctx.session, ctx.token
    code = session.code
    number = round_number or session.current_round

    files = [
        (
            "Results CSV (all rounds)",
            lambda: export.results_csv(session, store.visible_rankings(code, token)),
            export.file_name(session, "results", "csv"),
            "text/csv",
        ),
        (
            f"Comparison CSV (round {number})",
            lambda: export.comparison_csv(round_results(session, store.visible_rankings(code, token, number), number)),
            export.file_name(session, f"comparison-round{number}", "csv"),
            "text/csv",
        ),
        (
            "Next steps CSV",
            lambda: export.next_steps_csv(session, next_steps.next_steps(store, code, token)),
            export.file_name(session, "next-steps", "csv"),
            "text/csv",
        ),
        (
            "Stakeholder feedback CSV",
            lambda: export.feedback_csv(session, survey.feedback(store, code, token)),
            export.file_name(session, "feedback", "csv"),
            "text/csv",
        ),
        (
            "Excel workbook",
            lambda: workbook.session_workbook(store, code, token),
            export.file_name(session, "workbook", "xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "Printable report (shareable)",
            lambda: report.session_report(store, code, token, shareable=True).encode(),
            export.file_name(session, "report", "html"),
            "text/html",
        ),
    ]
    if ctx.facilitator:
        files.append(
            (
                "Whole session (JSON archive)",
                lambda: archive.export_session(store, code, token),
                export.file_name(session, "archive", "json"),
                "application/json",
            )
        )
    columns = st.columns(2)
    for i, (label, data, name, mime) in enumerate(files):
        columns[i % 2].download_button(
            label,
            data=_snapshot(ctx.view, data),
            file_name=name,
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
            key=f"download:{name}",
        )
    if ctx.facilitator:
        st.caption(
            "The JSON archive holds everything about the session, including what lets its links work: "
            "keep it as private as your facilitator link."
        )
