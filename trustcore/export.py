"""Downloads: results, start orders and per-round comparisons as CSV files (no Streamlit here).

All CSV files are written by ``_csv``: UTF-8 with a byte order mark (so Excel reads accents), CRLF line
ends, and every cell (header cells included) passed through ``text.spreadsheet_safe`` so that a name
such as ``=HYPERLINK(...)`` is shown as text and never run as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

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
)
START_ORDER_COLUMNS = ("session_code", "round", "party", "participant", "position", "element_id")
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


def results_csv(session: Session, rankings: Iterable[Ranking]) -> bytes:
    """One row per participant, round and element: who put which element at which rank (1 = most important).

    Only each participant's current ranking of a round is exported, never replaced ones.
    """
    names = session.catalogue.names
    rows = (
        (session.code, session.title, r.round, r.party, r.participant, element_id, names.get(element_id, element_id),
         rank, r.submitted_at)
        for r in _sorted(session, rankings)
        for rank, element_id in enumerate(r.order, start=1)
    )
    return _csv(RESULTS_COLUMNS, rows)


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


def comparison_csv(results: RoundResults) -> bytes:
    """One round's comparison: one row per element, most contested first, with each party's rank,
    the mean rank, spread (max - min) and standard deviation (2 decimals)."""
    frame = results.divergence.to_frame()
    header = ["round", *frame.columns]
    rounded = {"mean_rank", "sd"}
    rows = (
        [results.round, *(
            round(float(value), 2) if column in rounded else _plain(value)
            for column, value in zip(frame.columns, record)
        )]
        for record in frame.itertuples(index=False, name=None)
    )
    return _csv(header, rows)


def file_name(session: Session | str, kind: str, ext: str = "csv") -> str:
    """A safe download name such as ``trustcore-<code>-results.csv``; never contains user text.

    ``kind`` and ``ext`` are chosen by the program (lowercase letters, digits and single dashes).
    """
    code = session if isinstance(session, str) else session.code
    for label, part in (("code", code), ("kind", kind), ("extension", ext)):
        if not _FILE_PART.match(part or ""):
            raise ValueError(f"file_name: the {label} {part!r} is not a safe file name part")
    return f"trustcore-{code}-{kind}.{ext}"
