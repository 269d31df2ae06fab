"""The worksheet's Columns B (steps we take) and C (how we demonstrate it): one text per element, party and
column, optionally internal (left out of the shareable worksheet). Versioned like the next steps.
``trustcore.worksheet`` assembles the whole worksheet (Columns A-E)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import db as dbmod
from .. import events, rights
from ..errors import InvalidInput
from ..i18n import N_
from ..model import Session
from ..rights import Action
from ..text import TEXT_MAX, clean_text
from ..view import View
from .common import _check_element, _ExpectedVersion, _one, _party_id, _write_text_entry

COLUMNS = {"B": N_("Column B (steps we take)"), "C": N_("Column C (how we demonstrate it)")}

ENTRY_CHANGED = N_("Someone else changed this worksheet entry while you were editing it; your text was not saved.")
WHICH_COLUMN = N_("The worksheet column must be B (steps we take) or C (how we demonstrate it).")


@dataclass(frozen=True)
class WorksheetEntry:
    element_id: str
    party_id: int
    party: str
    column: str  # "B" (steps we take) or "C" (how we demonstrate it)
    text: str
    internal: bool  # left out of the shareable worksheet
    version: int
    updated_at: str


def _entry(row, session: Session) -> WorksheetEntry:
    return WorksheetEntry(
        row["element_id"],
        row["party_id"],
        session.party(row["party_id"]).name,
        row["col"],
        row["text"],
        bool(row["internal"]),
        row["version"],
        row["updated_at"],
    )


def worksheet(view: View, *, shareable: bool = False) -> list[WorksheetEntry]:
    """Columns B and C, in catalogue order of the elements, then party order, then column.

    ``shareable=True`` leaves out entries marked internal. A participant never sees other parties'
    internal entries (only their own party's)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    s = actor.session
    with dbmod.connection(store.path) as db:
        rows = list(db.query("SELECT * FROM worksheet WHERE session_id = ?", [s.id]))
    rank = {e: i for i, e in enumerate(s.catalogue.ids)}
    position = {p.id: p.position for p in s.parties}
    entries = [
        _entry(r, s) for r in rows if not (r["internal"] and (shareable or not actor.may_act_for(r["party_id"])))
    ]
    return sorted(entries, key=lambda e: (rank.get(e.element_id, len(rank)), position[e.party_id], e.column))


def parties_with_internal_entries(view: View) -> frozenset[int]:
    """The parties (ids) that marked an entry internal: a participant's own copy of the workbook or the
    report differs from another party's member's only by their own party's internal entries, so only the
    members of these parties need a copy of their own (``audience.reader_class``)."""
    store = view.store
    actor = store.require(view.session.code, view.token, Action.READ_FOLLOWUP)
    with dbmod.connection(store.path) as db:
        rows = db.query(
            "SELECT DISTINCT party_id FROM worksheet WHERE session_id = ? AND internal = 1", [actor.session.id]
        )
        return frozenset(r["party_id"] for r in rows)


def set_worksheet_entry(
    view: View,
    element_id: str,
    party_id: int,
    column: str,
    text: str,
    *,
    internal: bool = False,
    expected_version: int | None = None,
) -> WorksheetEntry:
    """Write a party's Column B or C text for an element. A participant writes only for their own party.

    ``expected_version`` is the version the editor started from; None (or 0) means the entry must not
    exist yet. EditConflict (``current`` = the stored entry) when someone else saved in between."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.EDIT_WORKSHEET)
    s = actor.session
    element_id = _check_element(s, element_id)
    pid = _party_id(s, party_id, field=N_("The party"))
    rights.ensure(actor, Action.EDIT_WORKSHEET, party_id=pid)
    col = str(column or "").strip().upper()
    if col not in COLUMNS:
        raise InvalidInput(WHICH_COLUMN)
    text = clean_text(text, field=COLUMNS[col], max_len=TEXT_MAX)
    internal = bool(internal)
    expected = _ExpectedVersion.of(expected_version, new_allowed=True)
    with view.write(Action.EDIT_WORKSHEET, party_id=pid) as (db, session):
        key = [session.id, element_id, pid, col]
        row = _one(
            db, "SELECT * FROM worksheet WHERE session_id = ? AND element_id = ? AND party_id = ? AND col = ?", key
        )
        current = _entry(row, session) if row else None
        if current is not None and (current.text, current.internal) == (text, internal):
            return current
        expected.check(current, ENTRY_CHANGED)
        columns = {"session_id": session.id, "element_id": element_id, "party_id": pid, "col": col}
        _write_text_entry(db, "worksheet", columns, text, internal, new=current is None)
        events.log(
            db,
            session.id,
            actor.label,
            "worksheet_entry_set",
            {"element": element_id, "party": session.party(pid).name, "column": col, "internal": internal},
        )
        return _entry(
            _one(
                db, "SELECT * FROM worksheet WHERE session_id = ? AND element_id = ? AND party_id = ? AND col = ?", key
            ),
            session,
        )
