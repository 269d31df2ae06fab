"""Downloads: results, start orders and per-round comparisons as CSV files (no Streamlit here).

The CSVs are a contract: the same column names and values in every language (codes, and the catalogue's own
element names); only the workbook and the report are written in their reader's language (``docs/i18n.md``).

All CSV files are written by ``_csv``: UTF-8 with a byte order mark (so Excel reads accents), CRLF line
ends, and every cell (header cells included) passed through ``text.spreadsheet_safe`` so that a name
such as ``=HYPERLINK(...)`` is shown as text and never run as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from .followup.next_steps import NextStep
from .followup.survey import TRUST_SCALE, FeedbackAnswer
from .i18n import N_
from .model import Ranking, Session
from .results import RoundResults
from .text import spreadsheet_safe

RESULTS_COLUMNS = (
    "session_code",
    "session_title",
    "round",
    "party",
    "participant",
    "element_id",
    "element",
    "rank",
    "submitted_at",
    "reason",  # why they put it there, if they said (last: the columns before it keep their order)
)
START_ORDER_COLUMNS = ("session_code", "round", "party", "participant", "position", "element_id")
NEXT_STEPS_COLUMNS = (
    "element_id",
    "element",
    "action",
    "owner_party",
    "owner_person",
    "due",
    "status",
    "agreed_by",
    "updated_at",
)
FEEDBACK_COLUMNS = (
    "respondent",
    "element_id",
    "element",
    "trust",
    "trust_label",
    "expectations",
    "evidence",
    "comment",
    "submitted_at",
)
OVERALL = N_("Overall")  # the element column of the survey's overall question (the CSV's value: English)
_FILE_PART = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _plain(value):
    """A numpy/pandas scalar as the plain Python value (so the csv module writes 3, not np.int64(3))."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The one CSV writer: UTF-8 with BOM, CRLF, every cell made spreadsheet-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(_plain(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _current(rankings: Iterable[Ranking]) -> list[Ranking]:
    """One ranking per participant and round: the latest, should replaced ones (history) be passed in."""
    latest: dict[tuple[int, int], tuple[tuple[str, int], Ranking]] = {}
    for i, r in enumerate(rankings):
        key = (r.participant_id, r.round)
        if key not in latest or (r.submitted_at, i) >= latest[key][0]:
            latest[key] = ((r.submitted_at, i), r)
    return [r for _, r in latest.values()]


def _sorted(session: Session, rankings: Iterable[Ranking]) -> list[Ranking]:
    """Current rankings by round, party position, participant (join order)."""
    position = {p.id: p.position for p in session.parties}
    return sorted(
        _current(rankings), key=lambda r: (r.round, position.get(r.party_id, len(position)), r.participant_id)
    )


def results_rows(
    session: Session,
    rankings: Iterable[Ranking],
    *,
    session_code: bool = True,
    names: Mapping[str, str] | None = None,
) -> list[tuple]:
    """The rows of ``results_csv`` (RESULTS_COLUMNS), as plain values: the workbook shares them.
    ``session_code=False`` leaves the ``session_code`` column empty (``audience.Audience.session_code``);
    ``names``: the element names to write (the workbook's reader's language; default the catalogue's own)."""
    names = session.catalogue.names if names is None else names
    code = session.code if session_code else ""
    return [
        (
            code,
            session.title,
            r.round,
            r.party,
            r.participant,
            element_id,
            names.get(element_id, element_id),
            rank,
            r.submitted_at,
            r.reasons.get(element_id, ""),
        )
        for r in _sorted(session, rankings)
        for rank, element_id in enumerate(r.order, start=1)
    ]


def results_csv(session: Session, rankings: Iterable[Ranking], *, session_code: bool = True) -> bytes:
    """One row per participant, round and element: who put which element at which rank (1 = most important),
    and the reason they gave for it, if any (``reason``, the last column).

    Only each participant's current ranking of a round is exported, never replaced ones. The participant
    column holds what the reader may see (``trustcore.anonymity``: the caller passes masked rankings).
    The ``session_code`` column is empty with ``session_code=False`` (the code lets anyone join: only the
    facilitator's own copy carries it, ``audience.Audience.session_code``).
    """
    return _csv(RESULTS_COLUMNS, results_rows(session, rankings, session_code=session_code))


def start_orders_csv(session: Session, rankings: Iterable[Ranking]) -> bytes:
    """The order each participant was shown before ranking, per round (position 1 = top of the list).

    In round 1 this is their random shuffle; in later rounds it is their previous round's order.
    """
    rows = (
        (session.code, r.round, r.party, r.participant, position, element_id)
        for r in _sorted(session, rankings)
        for position, element_id in enumerate(r.start_order, start=1)
    )
    return _csv(START_ORDER_COLUMNS, rows)


def comparison_table(results: RoundResults) -> tuple[list[str], list[list]]:
    """(header, rows) of ``comparison_csv``, as plain values: the workbook shares them."""
    frame = results.divergence.to_frame()
    header = ["round", *frame.columns]
    rounded = {"mean_rank", "sd"}
    rows = [
        [
            results.round,
            *(
                round(float(value), 2) if column in rounded else _plain(value)
                for column, value in zip(frame.columns, record)
            ),
        ]
        for record in frame.itertuples(index=False, name=None)
    ]
    return header, rows


def comparison_csv(results: RoundResults) -> bytes:
    """One round's comparison: one row per element, most contested first, with each party's rank,
    the mean rank, spread (max - min) and standard deviation (2 decimals)."""
    header, rows = comparison_table(results)
    return _csv(header, rows)


def file_name(session: Session | str, kind: str, ext: str = "csv", *, session_code: bool = True) -> str:
    """A safe download name such as ``trustcore-<code>-results.csv``; never contains user text.
    ``session_code=False`` (a document that leaves the session) names the day the session was created
    instead of its code: ``trustcore-2026-05-14-report.html``.

    ``kind`` and ``ext`` are chosen by the program (lowercase letters, digits and single dashes).
    """
    code = session if isinstance(session, str) else session.code
    if not session_code:
        if isinstance(session, str):
            raise ValueError("file_name: a name without the session code needs the session")
        code = session.created_at[:10]
    for label, part in (("code", code), ("kind", kind), ("extension", ext)):
        if not _FILE_PART.match(part or ""):
            raise ValueError(f"file_name: the {label} {part!r} is not a safe file name part")
    return f"trustcore-{code}-{kind}.{ext}"


def next_steps_rows(
    session: Session, steps: Iterable[NextStep], *, names: Mapping[str, str] | None = None
) -> list[tuple]:
    """The rows of ``next_steps_csv`` (NEXT_STEPS_COLUMNS): elements in catalogue order, then the order given
    (``names``: as in ``results_rows``)."""
    names = session.catalogue.names if names is None else names
    rank = {e: i for i, e in enumerate(session.catalogue.ids)}
    ordered = sorted(enumerate(steps), key=lambda item: (rank.get(item[1].element_id, len(rank)), item[0]))
    return [
        (
            s.element_id,
            names.get(s.element_id, s.element_id),
            s.action,
            s.owner_party or "",
            s.owner_person,
            s.due,
            s.status,
            "; ".join(s.agreed_by),
            s.updated_at,
        )
        for _, s in ordered
    ]


def next_steps_csv(session: Session, steps: Iterable[NextStep]) -> bytes:
    """The agreed next steps (Column E): one row per step, elements in catalogue order; ``agreed_by`` is
    the parties' names joined with "; "."""
    return _csv(NEXT_STEPS_COLUMNS, next_steps_rows(session, steps))


def feedback_rows(
    session: Session, answers: Iterable[FeedbackAnswer], *, names: Mapping[str, str] | None = None
) -> list[tuple]:
    """The rows of ``feedback_csv`` (FEEDBACK_COLUMNS), in the order given (the order submitted; ``names``: as
    in ``results_rows``)."""
    names = session.catalogue.names if names is None else names
    return [
        (
            a.respondent,
            "" if a.element_id is None else a.element_id,
            OVERALL if a.element_id is None else names.get(a.element_id, a.element_id),
            "" if a.trust is None else a.trust,
            TRUST_SCALE.get(a.trust, "") if a.trust is not None else "",
            a.expectations or "",
            a.evidence or "",
            a.comment,
            a.submitted_at,
        )
        for a in answers
    ]


def feedback_csv(session: Session, answers: Iterable[FeedbackAnswer]) -> bytes:
    """The stakeholder survey (Column D): one row per respondent and question. The overall question has an
    empty ``element_id`` and the element "Overall"; ``trust_label`` is the words of the 1-5 scale."""
    return _csv(FEEDBACK_COLUMNS, feedback_rows(session, answers))
