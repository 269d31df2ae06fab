"""Download buttons for a session's exports. Each file is built only when its button is clicked, with
the tab's own token, so the core decides what its holder may take away.

The buttons sit in an expander that draws them only while it is open (``on_change="rerun"``): seven
download buttons and their columns were a quarter of the messages of every comparison and console rerun
(benchmarks/README.md, "Compare page rerun"), for an action taken once or twice a workshop."""

from __future__ import annotations

import streamlit as st

from trustcore import archive, audience, export, report, workbook
from trustcore.followup import next_steps, survey
from trustcore.results import round_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """Every export the tab's holder may download (comparison CSV: ``round_number``, default current):
    the holder's own copies, and the shareable report and workbook (``trustcore.audience`` decides what
    each carries; the facilitator of a session that shows names may include them in the shareable ones)."""
    store, session, token = ctx.store, ctx.session, ctx.token
    code = session.code
    number = round_number or session.current_round
    own = audience.of(session, facilitator=ctx.facilitator)
    names = audience.may_include_names(session, facilitator=ctx.facilitator) and st.checkbox(
        "Include people's names in the shareable report and workbook",
        key="downloads:names",
        help="Off: participants, survey respondents and next steps' owners are left out of the shareable "
        "copies. This session shows names, so you may include them.",
    )

    def name(kind: str, ext: str, *, shareable: bool = False) -> str:
        if shareable:
            return export.file_name(session, f"{kind}-shareable", ext, session_code=False)
        return export.file_name(session, kind, ext, session_code=own.session_code)

    files = [
        (
            "Results CSV (all rounds)",
            lambda: export.results_csv(session, store.visible_rankings(code, token), session_code=own.session_code),
            name("results", "csv"),
            "text/csv",
        ),
        (
            f"Comparison CSV (round {number})",
            lambda: export.comparison_csv(round_results(session, store.visible_rankings(code, token, number), number)),
            name(f"comparison-round{number}", "csv"),
            "text/csv",
        ),
        (
            "Next steps CSV",
            lambda: export.next_steps_csv(session, next_steps.next_steps(store, code, token)),
            name("next-steps", "csv"),
            "text/csv",
        ),
        (
            "Stakeholder feedback CSV",
            lambda: export.feedback_csv(session, survey.feedback(store, code, token)),
            name("feedback", "csv"),
            "text/csv",
        ),
        (
            "Excel workbook" + (" (full)" if ctx.facilitator else " (your copy)"),
            lambda: workbook.session_workbook(store, code, token),
            name("workbook", "xlsx"),
            XLSX,
        ),
        (
            "Excel workbook (shareable)",
            lambda: workbook.session_workbook(store, code, token, shareable=True, names=names),
            name("workbook", "xlsx", shareable=True),
            XLSX,
        ),
        (
            "Printable report" + (" (full)" if ctx.facilitator else " (your copy)"),
            lambda: report.session_report(store, code, token, shareable=False).encode(),
            name("report", "html"),
            "text/html",
        ),
        (
            "Printable report (shareable)",
            lambda: report.session_report(store, code, token, shareable=True, names=names).encode(),
            name("report", "html", shareable=True),
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
    for i, (label, data, file_name, mime) in enumerate(files):
        columns[i % 2].download_button(
            label,
            data=_snapshot(ctx.view, data),
            file_name=file_name,
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
            key=f"download:{file_name}",
        )
    st.caption(
        "The shareable report and workbook are for people outside the session: they leave out entries "
        "marked internal, rounds not revealed to the participants yet, the session code and people's names"
        + (
            " (unless you include them above)."
            if audience.may_include_names(session, facilitator=ctx.facilitator)
            else "."
        )
    )
    if ctx.facilitator:
        st.caption(
            "The full copies and the CSV files carry the session code, which lets anyone join: keep them "
            "private. The JSON archive holds everything about the session, including what lets its links "
            "work: keep it as private as your facilitator link."
        )
