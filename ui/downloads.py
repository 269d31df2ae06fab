"""Download buttons for a session's exports: one for each document ``trustcore.documents.offered`` offers
the tab's holder (the one list of exports). Each file is fetched only when its button is clicked
(Streamlit calls ``Document.build`` in a thread of its own then), with the tab's own token, so the core
decides what its holder may take away; the core builds it once for each change of the session and class
of reader and shares it (``trustcore.shelf``), so a room downloading at once costs a build per class.

The buttons sit in an expander that draws them only while it is open (``on_change="rerun"``): seven
download buttons and their columns were a quarter of the messages of every comparison and console rerun
(benchmarks/README.md, "Compare page rerun"), for an action taken once or twice a workshop."""

from __future__ import annotations

import streamlit as st

from trustcore import documents, rights
from trustcore.i18n import Translator
from trustcore.rights import Action
from ui import i18n
from ui import streamlit_internals as internals
from ui.i18n import translator


def install() -> None:
    """Once per process, in a real server: a file made by a click stays fetchable for a while after other tabs
    have run (``internals.keep_made_files``: Streamlit dropped it within milliseconds in a polling room), and
    the workbook, already a zip, is not compressed again for every download (``serve_zips_as_they_are``)."""
    if internals.serving():
        internals.keep_made_files()
        internals.serve_zips_as_they_are()


def download_section(ctx, round_number: int | None = None, *, t: Translator | None = None) -> None:
    """The "Download" heading and an expander with every export the tab's holder may download (comparison
    CSV: ``round_number``, default the latest the holder may see), drawn only while it is open. Worded in
    ``t``'s language (the tab's without one); the expander keeps its key, so a change of language keeps it open."""
    t = t or translator(ctx)
    st.subheader(t.gettext("Download"), anchor=False)
    whole = rights.may(ctx.view.role, Action.ARCHIVE)
    files = (
        t.gettext("CSV files, the Excel workbook, a printable report and the whole session")
        if whole
        else t.gettext("CSV files, the Excel workbook, a printable report")
    )
    shelf = st.expander(files, icon=":material/download:", key="downloads", on_change="rerun")
    if shelf.open:
        with shelf:
            _download_buttons(ctx, round_number, t)


def download_button(doc: documents.Document, **layout) -> None:
    """The button that downloads ``doc``, built only when clicked (``Document.build``: the holder's rights are
    checked then, and the file is shared by every reader of its class, ``trustcore.shelf``)."""
    st.download_button(
        doc.label,
        data=doc.build,
        file_name=doc.file_name,
        mime=doc.mime,
        icon=":material/download:",
        on_click="ignore",
        key=f"download:{doc.file_name}",
        **layout,
    )


def _download_buttons(ctx, round_number: int | None, t: Translator) -> None:
    """A button for each document ``trustcore.documents.offered`` offers the tab's holder: the holder's own
    copies, and the shareable report and workbook (``trustcore.audience`` decides what each carries; the
    facilitator of a session that shows names may include them in the shareable ones)."""
    view = ctx.view
    may_name = documents.may_include_names(view)
    names = may_name and st.checkbox(
        t.gettext("Include people's names in the shareable report and workbook"),
        key="downloads:names",
        help=t.gettext(
            "Off: participants, survey respondents and next steps' owners are left out of the shareable "
            "copies. This session shows names, so you may include them."
        ),
    )
    offered = documents.offered(view, round_number=round_number, names=names, lang=i18n.language(ctx))
    columns = st.columns(2)
    for i, doc in enumerate(offered):
        with columns[i % 2]:
            download_button(doc, width="stretch")
    st.caption(
        t.gettext(
            "The shareable report and workbook are for people outside the session: they leave out entries "
            "marked internal, rounds not revealed to the participants yet, the session code and people's "
            "names (unless you include them above)."
        )
        if may_name
        else t.gettext(
            "The shareable report and workbook are for people outside the session: they leave out entries "
            "marked internal, rounds not revealed to the participants yet, the session code and people's names."
        )
    )
    if any(doc.key == "archive" for doc in offered):
        st.caption(
            t.gettext(
                "The full copies and the CSV files carry the session code, which lets anyone join: keep them "
                "private. The JSON archive holds everything about the session, including what lets its links "
                "work: keep it as private as your facilitator link."
            )
        )
