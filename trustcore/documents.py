"""The files a session offers for download: ONE list, and which of them a link's holder is offered
(no Streamlit here; ``ui/downloads.py`` only draws a button for each).

Each kind of document names the rights it needs (``KINDS``, checked against ``trustcore.rights.RIGHTS``
with their conditions, for the view's holder now), so a holder is offered exactly the files the core
would build for their link; building one still goes through the core function, which checks the token
again. What a document carries (names, rounds, internal entries, the session code) is its
``audience.Audience``. A file is built once for each change of the session and each class of reader
(``audience.reader_class``: the facilitator, a participant of a party, a shareable copy with or without
names) and shared among that class's readers (``trustcore.shelf``); a worded file (``Kind.worded``: the
workbook, the reports, the worksheet) is written in its reader's language (``lang``), which joins the
shelf's key, while the CSVs and the archive keep their contract in every language (``docs/i18n.md``): ``Document.build`` checks its reader
and reads the shared file, ``Document.make`` builds one for this reader alone. ``tests/test_leaks.py`` builds every document offered to every holder of
``rights.COLUMNS`` and checks it carries nothing its reader may not see: a new document added here is
covered there without anyone remembering to add it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from . import (
    archive,
    audience,
    export,
    i18n,
    report,
    rights,
    shelf,
    workbook,
    workspace_archive,
    workspace_report,
    workspace_workbook,
)
from .errors import TrustcoreError
from .followup import next_steps, survey, survey_documents
from .results import round_results
from .rights import Action
from .view import View
from .workspace import WorkspaceView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Kind:
    """A kind of document: the rights its holder needs (each with its condition, for the holder now; the
    comparison's SEE_RESULTS for its round), and whether it is a copy for people outside the session."""

    needs: tuple[Action, ...]
    shareable: bool = False
    worded: bool = False  # written in its reader's language (the CSVs and the archive are the same in every one)


_COPY = (Action.DOWNLOAD, Action.READ_FOLLOWUP, Action.READ_FEEDBACK)  # what the workbook and report read
KINDS: dict[str, Kind] = {
    "results": Kind((Action.DOWNLOAD, Action.SEE_RESULTS)),
    "comparison": Kind((Action.DOWNLOAD, Action.SEE_RESULTS)),
    "next-steps": Kind((Action.DOWNLOAD, Action.READ_FOLLOWUP)),
    "feedback": Kind((Action.DOWNLOAD, Action.READ_FEEDBACK)),
    "workbook": Kind(_COPY, worded=True),
    "workbook-shareable": Kind(_COPY, shareable=True, worded=True),
    "report": Kind(_COPY, worded=True),
    "report-shareable": Kind(_COPY, shareable=True, worded=True),
    "archive": Kind((Action.ARCHIVE,)),
    # what the survey shows
    "survey-worksheet": Kind((Action.SEE_SURVEY_DOCUMENTS,), shareable=True, worded=True),
}


@dataclass(frozen=True)
class Document:
    """One file a holder may download: built (``build()``, bytes) only when asked for, shared with the
    readers of its class (``make()``: built for this reader alone, on one read snapshot)."""

    key: str  # its kind, one of KINDS
    label: str
    make: Callable[[], bytes]
    file_name: str
    mime: str
    round_number: int | None = None  # the one round it shows, if it shows one (the comparison)
    view: View | None = None  # whose link it is built with (``every`` sets it)
    names: bool = False  # people's names in a shareable copy (where ``audience.of`` allows them)
    lang: str = i18n.DEFAULT  # the reader's language (the label's; a worded file's, ``Kind.worded``)

    def build(self) -> bytes:
        """The file for this document's reader: the reader's rights checked now, then the one built for
        their class at the session's state now, built here if nobody has (``trustcore.shelf``)."""
        if self.view is None:
            return self.make()
        view = self.view
        document = self.key if self.round_number is None else f"{self.key}:{self.round_number}"
        return shelf.fetch(
            view,
            document,
            KINDS[self.key].needs,
            self.make,
            round_number=self.round_number,
            shareable=self.shareable,
            names=self.names,
            lang=self.lang if KINDS[self.key].worded else None,
        )

    @property
    def shareable(self) -> bool:
        """A copy for people outside the session (``audience.Reader.SHAREABLE``)."""
        return self.key in KINDS and KINDS[self.key].shareable


def may_include_names(view: View) -> bool:
    """Whether the holder may choose to put people's names in the shareable copies (``audience``)."""
    return audience.may_include_names(view.session, facilitator=view.actor.is_facilitator)


def latest_round(view: View) -> int:
    """The latest round whose results the holder may see (the current round for the facilitator), the
    comparison's default; 1 when none is visible yet."""
    s = view.session
    seen = [r.number for r in s.rounds if s.results_visible(r.number, facilitator=view.actor.is_facilitator)]
    return seen[-1] if seen else 1


def every(
    view: View, *, round_number: int | None = None, names: bool = False, lang: str = i18n.DEFAULT
) -> list[Document]:
    """Every kind of document (KINDS, in the order offered), made for ``view``'s link whether or not its
    holder may build it: the registry ``offered`` filters. ``round_number``: the comparison's round
    (default ``latest_round``); ``names``: people's names in the shareable copies, honoured only where
    ``audience.of`` allows them; ``lang``: the reader's language (labels, and the worded files)."""
    store, session = view.store, view.session
    token = cast(str, view.token)  # the share link's None: the core refuses it as the rights table says
    code = session.code
    number = round_number or latest_round(view)
    own = audience.of(session, facilitator=view.actor.is_facilitator)
    t = i18n.translator(lang)

    def name(kind: str, ext: str, *, shareable: bool = False) -> str:
        if shareable:
            return export.file_name(session, f"{kind}-shareable", ext, session_code=False)
        return export.file_name(session, kind, ext, session_code=own.session_code)

    def results() -> bytes:
        rankings = store.visible_rankings(code, token)
        return export.results_csv(store._session(code), rankings, session_code=own.session_code)

    def comparison() -> bytes:
        rankings = store.visible_rankings(code, token, number)
        return export.comparison_csv(round_results(store._session(code), rankings, number))

    def steps() -> bytes:
        return export.next_steps_csv(store._session(code), next_steps.next_steps(view))

    def feedback() -> bytes:
        return export.feedback_csv(store._session(code), survey.feedback(view))

    docs = [
        Document("results", t.gettext("Results CSV (all rounds)"), results, name("results", "csv"), "text/csv"),
        Document(
            "comparison",
            t.gettext("Comparison CSV (round {n})", n=number),
            comparison,
            name(f"comparison-round{number}", "csv"),
            "text/csv",
            round_number=number,
        ),
        Document("next-steps", t.gettext("Next steps CSV"), steps, name("next-steps", "csv"), "text/csv"),
        Document("feedback", t.gettext("Stakeholder feedback CSV"), feedback, name("feedback", "csv"), "text/csv"),
        Document(
            "workbook",
            t.gettext("Excel workbook (full)") if own.all_rounds else t.gettext("Excel workbook (your copy)"),
            lambda: workbook.session_workbook(view, t=t),
            name("workbook", "xlsx"),
            XLSX,
        ),
        Document(
            "workbook-shareable",
            t.gettext("Excel workbook (shareable)"),
            lambda: workbook.session_workbook(view, shareable=True, names=names, t=t),
            name("workbook", "xlsx", shareable=True),
            XLSX,
        ),
        Document(
            "report",
            t.gettext("Printable report (full)") if own.all_rounds else t.gettext("Printable report (your copy)"),
            lambda: report.session_report(view, shareable=False, t=t).encode(),
            name("report", "html"),
            "text/html",
        ),
        Document(
            "report-shareable",
            t.gettext("Printable report (shareable)"),
            lambda: report.session_report(view, shareable=True, names=names, t=t).encode(),
            name("report", "html", shareable=True),
            "text/html",
        ),
        Document(
            "archive",
            t.gettext("Whole session (JSON archive)"),
            lambda: archive.export_session(view),
            export.file_name(session, "archive", "json"),
            "application/json",
        ),
        Document(
            "survey-worksheet",
            t.gettext("Worksheet shared with the survey (printable)"),
            lambda: survey_documents.html(view, t=t).encode(),
            export.file_name(session, "shared-worksheet", "html", session_code=False),
            "text/html",
        ),
    ]
    return [dataclasses.replace(d, view=view, names=names and d.shareable, lang=t.locale) for d in docs]


def allowed(view: View, document: Document) -> bool:
    """Whether the rights table allows the view's holder, now, every right ``document`` needs."""
    try:
        for action in KINDS[document.key].needs:
            rights.ensure(view.actor, action, round_number=document.round_number)
    except TrustcoreError:
        return False
    return True


def offered(
    view: View, *, round_number: int | None = None, names: bool = False, lang: str = i18n.DEFAULT
) -> list[Document]:
    """The documents the view's holder may download now, in the order to offer them (see ``every``)."""
    return [d for d in every(view, round_number=round_number, names=names, lang=lang) if allowed(view, d)]


# ------------------------------------------------------------------ an organisation workspace's files

# A workspace is no session: its files are not in KINDS (whose holders are a session's) nor on the shelf (no
# class of reader to share among); each is built for its holder when clicked, the right checked then.
WORKSPACE_KINDS: dict[str, tuple[Action, ...]] = {
    "workspace-workbook": (Action.DOWNLOAD_WORKSPACE,),
    "workspace-workbook-shareable": (Action.DOWNLOAD_WORKSPACE,),
    "workspace-report": (Action.DOWNLOAD_WORKSPACE,),
    "workspace-report-shareable": (Action.DOWNLOAD_WORKSPACE,),
    "workspace-archive": (Action.ARCHIVE_WORKSPACE,),
}


def workspace_offered(wview: WorkspaceView, *, lang: str = i18n.DEFAULT) -> list[Document]:
    """The files an organisation workspace's holder may download, in the order to offer them: the workbook and
    the printable report, each full and shareable (``audience.organisation``), then the JSON archive.
    ``lang``: the reader's language (the labels, the workbook and the reports; file names stay the same)."""
    base = f"workspace-{wview.workspace.id}"
    t = i18n.translator(lang)

    def name(kind: str, ext: str) -> str:
        return export.file_name(base, kind, ext)

    docs = [
        Document(
            "workspace-workbook",
            t.gettext("Excel workbook (full)"),
            lambda: workspace_workbook.workspace_workbook(wview, t=t),
            name("workbook", "xlsx"),
            XLSX,
        ),
        Document(
            "workspace-workbook-shareable",
            t.gettext("Excel workbook (shareable)"),
            lambda: workspace_workbook.workspace_workbook(wview, shareable=True, t=t),
            name("workbook-shareable", "xlsx"),
            XLSX,
        ),
        Document(
            "workspace-report",
            t.gettext("Printable report (full)"),
            lambda: workspace_report.workspace_report(wview, t=t).encode(),
            name("report", "html"),
            "text/html",
        ),
        Document(
            "workspace-report-shareable",
            t.gettext("Printable report (shareable)"),
            lambda: workspace_report.workspace_report(wview, shareable=True, t=t).encode(),
            name("report-shareable", "html"),
            "text/html",
        ),
        Document(
            "workspace-archive",
            t.gettext("Whole workspace (JSON archive)"),
            lambda: workspace_archive.export_workspace(wview),
            name("archive", "json"),
            "application/json",
        ),
    ]
    return [
        dataclasses.replace(d, lang=t.locale)
        for d in docs
        if all(rights.may(wview.role, a) for a in WORKSPACE_KINDS[d.key])
    ]
