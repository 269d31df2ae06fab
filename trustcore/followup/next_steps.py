"""The agreed next steps (Column E): what each party will do about an element, who owns it, by when, and
its status. Versioned: a save names the version it started from (``EditConflict`` otherwise).

An agreement is to the words it was given to: changing a step's element, action, owner or due date
withdraws every agreement but the editor's own party's (all of them when the facilitator edits), and
only the facilitator may delete a step another party agreed to (``Action.DELETE_AGREED_STEP``). The
status is separate from who agreed, and changing it alone withdraws nothing. The event log holds the
old and new value of every changed field, and what a deleted step said."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .. import db as dbmod
from .. import events, limits, rights
from ..clock import now
from ..errors import AccessDenied, EditConflict, InvalidInput, Listing
from ..i18n import N_
from ..model import STATUSES, Actor, Session
from ..rights import Action
from ..text import NAME_MAX, clean_line, clean_text
from ..view import View
from .common import _check_element, _ExpectedVersion, _one, _party_id

ACTION_MAX = 500
DUE_MAX = 80
STEP_FIELDS = ("element_id", "action", "owner_party_id", "owner_person", "due", "status", "agreed_by")
# what a party agrees to: changing one of these withdraws the other parties' agreement
TERMS = ("element_id", "action", "owner_party_id", "owner_person", "due")
# how the event log names a step's fields (party ids as names, which an archive's import keeps meaning)
LOGGED = ("element_id", "action", "owner_party", "owner_person", "due", "status", "agreed_by")

STEP_CHANGED = N_("Someone else changed this next step while you were editing it; your changes were not saved.")
STEP_GONE = N_("Someone else deleted this next step while you were editing it; your changes were not saved.")
STEP_NOT_DELETED = N_("Someone else changed this next step while you were editing it; it was not deleted.")
AGREED_BY_OTHERS = N_(
    "Only the facilitator can delete a next step another party agreed to ({parties}). "
    "Ask the facilitator, or change the step instead."
)


@dataclass(frozen=True)
class NextStep:
    id: int
    element_id: str
    action: str
    owner_party_id: int | None
    owner_party: str | None
    owner_person: str
    due: str  # a date or a timeframe ("Q2 2027"), as typed
    status: str  # one of model.STATUSES
    agreed_by: tuple[str, ...]  # party names, in session order
    version: int
    created_at: str
    updated_at: str
    # only on the step update_next_step returns: the parties whose agreement that save withdrew
    withdrawn: tuple[str, ...] = field(default=(), compare=False)


def _step_values(session: Session, changes: Mapping) -> dict:
    """Validated and cleaned next-step fields (only those given)."""
    out: dict = {}
    if "element_id" in changes:
        out["element_id"] = _check_element(session, changes["element_id"])
    if "action" in changes:
        out["action"] = clean_text(changes["action"], field=N_("The action"), max_len=ACTION_MAX, required=True)
    if "owner_party_id" in changes:
        value = changes["owner_party_id"]
        out["owner_party_id"] = None if value in (None, "") else _party_id(session, value, field=N_("The owner party"))
    if "owner_person" in changes:
        out["owner_person"] = clean_line(
            changes["owner_person"], field=N_("The owner"), max_len=NAME_MAX, required=False
        )
    if "due" in changes:
        out["due"] = clean_line(changes["due"], field=N_("The due date or timeframe"), max_len=DUE_MAX, required=False)
    if "status" in changes:
        status = changes["status"]
        if status not in STATUSES:
            raise InvalidInput(N_("The status must be one of: {statuses}."), statuses=Listing(STATUSES))
        out["status"] = status
    if "agreed_by" in changes:
        value = changes["agreed_by"]
        if value is None:
            value = ()
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise InvalidInput(N_("'Agreed by' must be a list of this session's parties."))
        ids = {_party_id(session, p, field=N_("Each party that agreed")) for p in value}
        out["agreed_by"] = [p.id for p in session.parties if p.id in ids]
    return out


def _next_step(row, session: Session) -> NextStep:
    agreed = set(json.loads(row["agreed_by"] or "[]"))
    owner = row["owner_party_id"]
    owner_name = next((p.name for p in session.parties if p.id == owner), None)
    return NextStep(
        id=row["id"],
        element_id=row["element_id"],
        action=row["action"],
        owner_party_id=owner if owner_name is not None else None,
        owner_party=owner_name,
        owner_person=row["owner_person"],
        due=row["due"],
        status=row["status"],
        agreed_by=tuple(p.name for p in session.parties if p.id in agreed),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _steps(db, session: Session) -> list[NextStep]:
    rank = {e: i for i, e in enumerate(session.catalogue.ids)}
    steps = [
        _next_step(r, session)
        for r in db.query("SELECT * FROM next_steps WHERE session_id = ? ORDER BY id", [session.id])
    ]
    return sorted(steps, key=lambda s: (rank.get(s.element_id, len(rank)), s.id))


def _same_step(step: NextStep, values: dict, session: Session) -> bool:
    """Whether the stored step already holds every value of ``values`` (a repeated save)."""
    for key, value in values.items():
        if key == "agreed_by":
            if step.agreed_by != tuple(p.name for p in session.parties if p.id in value):
                return False
        elif getattr(step, key) != value:
            return False
    return True


def next_steps(view: View) -> list[NextStep]:
    """The session's next steps, in catalogue order of their element, then oldest first."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    with dbmod.connection(store.path) as db:
        return _steps(db, actor.session)


def _may_agree_for(actor, party_ids: set[int]) -> None:
    """Only the facilitator or a party's own members may say that the party agrees (or no longer does)."""
    for party_id in sorted(party_ids):
        rights.ensure(actor, Action.AGREE_FOR_PARTY, party_id=party_id)


def _own_party(actor: Actor) -> set[int]:
    """The party whose agreement an edit by ``actor`` keeps: their own (none for the facilitator)."""
    return set() if actor.participant is None else {actor.participant.party_id}


def _logged(step: NextStep) -> dict:
    """A step's fields as the event log records them."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in ((k, getattr(step, k)) for k in LOGGED)}


def add_next_step(
    view: View,
    element_id: str,
    action: str,
    *,
    owner_party_id=None,
    owner_person: str = "",
    due: str = "",
    status: str = "proposed",
    agreed_by=(),
) -> NextStep:
    """Record a next step for an element (facilitator or any participant)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.EDIT_NEXT_STEPS)
    values = _step_values(
        actor.session,
        {
            "element_id": element_id,
            "action": action,
            "owner_party_id": owner_party_id,
            "owner_person": owner_person,
            "due": due,
            "status": status,
            "agreed_by": agreed_by,
        },
    )
    _may_agree_for(actor, set(values["agreed_by"]))
    with view.write(Action.EDIT_NEXT_STEPS) as (db, session):
        limits.NEXT_STEPS.check_count(db, "SELECT COUNT(*) AS n FROM next_steps WHERE session_id = ?", [session.id])
        stamp = now()
        step_id = dbmod.insert(
            db,
            """INSERT INTO next_steps (session_id, element_id, action, owner_party_id, owner_person, due, status,
                                       agreed_by, version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
            [
                session.id,
                values["element_id"],
                values["action"],
                values["owner_party_id"],
                values["owner_person"],
                values["due"],
                values["status"],
                json.dumps(values["agreed_by"]),
                stamp,
                stamp,
            ],
        )
        added = _next_step(_one(db, "SELECT * FROM next_steps WHERE id = ?", [step_id]), session)
        events.log(
            db,
            session.id,
            actor.label,
            "next_step_added",
            {"step": step_id, "element": added.element_id, "status": added.status, "values": _logged(added)},
        )
        return added


def update_next_step(view: View, step_id: int, expected_version: int, **changes) -> NextStep:
    """Change some fields of a next step (any of element_id, action, owner_party_id, owner_person, due,
    status, agreed_by), if nobody saved it since ``expected_version``; its version goes up by one.

    Changing one of its terms (element, action, owner party or person, due) withdraws the agreement of
    every party but the editor's own (of every party, for the facilitator) that was given before this
    save; the step returned names them in ``withdrawn``. A party marked as agreeing in this very save (by
    someone who may speak for it) stays. The status alone withdraws nothing.

    EditConflict (``current`` = the stored step, or None if it was deleted) when someone else saved or
    deleted it in between; nothing is written then. Saving values the step already holds (a double
    click, or two people making the same change) writes nothing and returns the stored step.
    """
    store, code, token = view.store, view.session.code, view.token
    unknown = sorted(set(changes) - set(STEP_FIELDS))
    if unknown:
        raise TypeError(f"update_next_step() got unexpected field(s): {', '.join(unknown)}")
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    actor = store.require(code, token, Action.EDIT_NEXT_STEPS)
    values = _step_values(actor.session, changes)
    with view.write(Action.EDIT_NEXT_STEPS) as (db, session):
        editor = Actor(session, actor.participant, actor.role)
        row = _one(db, "SELECT * FROM next_steps WHERE id = ? AND session_id = ?", [step_id, session.id])
        if row is None:
            raise EditConflict(STEP_GONE, current=None)
        current = _next_step(row, session)
        if _same_step(current, values, session):
            return current
        expected.check(current, STEP_CHANGED)
        stored = {k: row[k] for k in STEP_FIELDS}
        before = set(json.loads(row["agreed_by"] or "[]"))
        asked = set(values.get("agreed_by", before))
        # whose agreement this save changes: each party's own, or the facilitator's call
        _may_agree_for(editor, asked ^ before)
        agreed = asked
        if any(k in values and values[k] != stored[k] for k in TERMS):
            agreed = (asked & _own_party(editor)) | (asked - before)
        stored.update(values)
        stored["agreed_by"] = [p.id for p in session.parties if p.id in agreed]
        db.execute(
            """UPDATE next_steps SET element_id = ?, action = ?, owner_party_id = ?, owner_person = ?, due = ?,
                      status = ?, agreed_by = ?, version = version + 1, updated_at = ?
               WHERE id = ?""",
            [
                stored["element_id"],
                stored["action"],
                stored["owner_party_id"],
                stored["owner_person"],
                stored["due"],
                stored["status"],
                json.dumps(stored["agreed_by"]),
                now(),
                current.id,
            ],
        )
        saved = _next_step(_one(db, "SELECT * FROM next_steps WHERE id = ?", [current.id]), session)
        withdrawn = tuple(p.name for p in session.parties if p.id in (asked - agreed))
        old, new = _logged(current), _logged(saved)
        changed = {k: {"old": old[k], "new": new[k]} for k in LOGGED if old[k] != new[k]}
        detail: dict = {
            "step": current.id,
            "fields": sorted("owner_party_id" if k == "owner_party" else k for k in changed),
            "version": saved.version,
            "changes": changed,
        }
        if withdrawn:
            detail["agreement_withdrawn"] = list(withdrawn)
        events.log(db, session.id, actor.label, "next_step_updated", detail)
        return replace(saved, withdrawn=withdrawn)


def delete_next_step(view: View, step_id: int, expected_version: int) -> None:
    """Delete a next step, if nobody saved it since ``expected_version`` (EditConflict otherwise, with the
    stored step in ``current``). Deleting a step that is already gone does nothing. A step that a party
    other than the deleter's own agreed to only the facilitator may delete (``DELETE_AGREED_STEP``)."""
    store, code, token = view.store, view.session.code, view.token
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    actor = store.require(code, token, Action.EDIT_NEXT_STEPS)
    with view.write(Action.EDIT_NEXT_STEPS) as (db, session):
        editor = Actor(session, actor.participant, actor.role)
        row = _one(db, "SELECT * FROM next_steps WHERE id = ? AND session_id = ?", [step_id, session.id])
        if row is None:
            return
        current = _next_step(row, session)
        expected.check(current, STEP_NOT_DELETED)
        others = set(json.loads(row["agreed_by"] or "[]")) - _own_party(editor)
        if others:
            try:
                rights.ensure(editor, Action.DELETE_AGREED_STEP)
            except AccessDenied:
                names = Listing(p.name for p in session.parties if p.id in others)
                raise AccessDenied(AGREED_BY_OTHERS, parties=names) from None
        db.execute("DELETE FROM next_steps WHERE id = ?", [current.id])
        events.log(
            db,
            session.id,
            actor.label,
            "next_step_deleted",
            {
                "step": current.id,
                "element": current.element_id,
                "version": current.version,
                "deleted": _logged(current),
            },
        )


def elements_without_steps(view: View) -> list[str]:
    """Element ids (catalogue order) that no next step addresses yet."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    with dbmod.connection(store.path) as db:
        addressed = {
            r["element_id"]
            for r in db.query("SELECT DISTINCT element_id FROM next_steps WHERE session_id = ?", [actor.session.id])
        }
    return [e for e in actor.session.catalogue.ids if e not in addressed]
