"""Activity 2: the organisation's internal trustworthiness mapping worksheet, in its workspace.

Column A: the elements in the workspace's current organisation-wide ranking (Activity 1,
``workspace.current_ranking``), or the default catalogue's order while it has none; a new version of the
ranking reorders Column A at once. Column B (the steps the organisation takes) and Column C (how it
demonstrates them): one text per element and column, each marked internal or shareable, versioned exactly
like the relationship worksheet's entries (``followup.worksheet_entries``: a save names the version it
started from, ``EditConflict`` when someone else saved in between).

Only the workspace link edits it (``Action.EDIT_INTERNAL_WORKSHEET``) and reads it (``SEE_WORKSPACE``). Its
shareable fields can go with the stakeholder survey of a session linked to the workspace
(``followup.survey_documents``, kind ``INTERNAL``), where ``audience.stakeholder()`` lets no internal field
out (``shareable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import audience as audience_mod
from . import catalogue as catalogue_mod
from . import db as dbmod
from .errors import InvalidInput
from .followup.common import _ExpectedVersion, _one, _write_text_entry
from .followup.worksheet_entries import COLUMNS, WHICH_COLUMN
from .i18n import ENGLISH, N_, Translator
from .rights import Action
from .text import TEXT_MAX, clean_text
from .workspace import WorkspaceView, _versions, tell_linked_sessions

ENTRY_CHANGED = N_(
    "Someone else changed this entry of the internal worksheet while you were editing it; your text was not saved."
)
CHOOSE_ELEMENT = N_("Choose one of the elements in Column A of the organisation's worksheet.")
DEFAULT_ORDER = N_("the elements in their default order (no organisation-wide ranking yet)")
RANKED_ORDER = N_("the elements in the order of the organisation-wide ranking (version {version}, {date})")


@dataclass(frozen=True)
class Entry:
    """One field of the internal worksheet: Column B or C of one element."""

    element_id: str
    column: str  # "B" (steps we take) or "C" (how we demonstrate it)
    text: str
    internal: bool  # left out of everything shared (the survey)
    version: int
    updated_at: str


@dataclass(frozen=True)
class Row:
    position: int  # Column A: 1 = first in the organisation-wide ranking
    element_id: str
    element: str
    description: str
    entries: dict[str, Entry]  # "B"/"C" -> entry (absent: nothing written yet)


@dataclass(frozen=True)
class InternalWorksheet:
    order_source: str  # how Column A's order was decided, in words
    ranking_version: int | None  # the organisation-wide ranking's version that orders Column A
    rows: tuple[Row, ...]


def _entry(row) -> Entry:
    return Entry(
        row["element_id"], row["col"], row["text"], bool(row["internal"]), int(row["version"]), row["updated_at"]
    )


def entries(db, workspace_id: int, *, shareable: bool = False) -> list[Entry]:
    """The workspace's entries read on ``db`` (callers have checked their right): with ``shareable``, only
    what ``audience.stakeholder()`` may see (never a field marked internal, never an empty one)."""
    rows = db.query("SELECT * FROM workspace_worksheet WHERE workspace_id = ?", [workspace_id])
    found = [_entry(r) for r in rows]
    if not shareable:
        return found
    stakeholder = audience_mod.stakeholder()
    return [e for e in found if e.text.strip() and stakeholder.shows_entry(e)]


def _column_a(db, workspace_id: int, t: Translator = ENGLISH) -> tuple[tuple[str, ...], int | None, str]:
    versions = _versions(db, workspace_id)
    if not versions:
        return tuple(catalogue_mod.default().ids), None, t.gettext(DEFAULT_ORDER)
    current = versions[-1]
    day = current.entered_at[:10]
    if t.locale != ENGLISH.locale:  # English keeps the stored ISO date (the exports' form)
        day = t.date(date.fromisoformat(day))
    return current.order, current.version, t.gettext(RANKED_ORDER, version=current.version, date=day)


def build(wview: WorkspaceView, t: Translator = ENGLISH) -> InternalWorksheet:
    """The internal worksheet, every field (internal ones too): the workspace link's own copy, its words (Column
    A's source, the elements' names and descriptions) in ``t``'s language."""
    w = wview.require(Action.SEE_WORKSPACE)
    with dbmod.connection(wview.store.path) as db:
        order, ranking_version, source = _column_a(db, w.id, t)
        found = entries(db, w.id)
    default = catalogue_mod.default()
    rows = []
    for position, eid in enumerate(order, start=1):
        element = default[eid] if eid in default.ids else None
        rows.append(
            Row(
                position,
                eid,
                element.name_in(t.locale) if element else eid,
                element.description_in(t.locale) if element else "",
                {e.column: e for e in found if e.element_id == eid},
            )
        )
    return InternalWorksheet(source, ranking_version, tuple(rows))


def set_entry(
    wview: WorkspaceView,
    element_id: str,
    column: str,
    text: str,
    *,
    internal: bool = False,
    expected_version: int | None = None,
) -> Entry:
    """Write Column B or C of an element of Column A (the workspace link only).

    ``expected_version`` is the version the editor started from; None (or 0) means the entry must not exist
    yet. EditConflict (``current`` = the stored entry) when someone else saved in between; saving the same
    text and mark again changes nothing."""
    wview.require(Action.EDIT_INTERNAL_WORKSHEET)
    element_id = str(element_id or "")
    col = str(column or "").strip().upper()
    if col not in COLUMNS:
        raise InvalidInput(WHICH_COLUMN)
    text = clean_text(text, field=COLUMNS[col], max_len=TEXT_MAX)
    internal = bool(internal)
    expected = _ExpectedVersion.of(expected_version, new_allowed=True)
    with wview.write(Action.EDIT_INTERNAL_WORKSHEET) as db:
        wid = wview.workspace.id
        order, _, _ = _column_a(db, wid)
        if element_id not in order:
            raise InvalidInput(CHOOSE_ELEMENT)
        key = [wid, element_id, col]
        sql = "SELECT * FROM workspace_worksheet WHERE workspace_id = ? AND element_id = ? AND col = ?"
        row = _one(db, sql, key)
        current = _entry(row) if row else None
        if current is not None and (current.text, current.internal) == (text, internal):
            return current
        expected.check(current, ENTRY_CHANGED)
        columns = {"workspace_id": wid, "element_id": element_id, "col": col}
        _write_text_entry(db, "workspace_worksheet", columns, text, internal, new=current is None)
        # what a linked session's survey may show changed, as for a new Activity 1 version
        tell_linked_sessions(db, wid, "internal_worksheet_changed", {"element": element_id, "column": col})
        return _entry(_one(db, sql, key))
