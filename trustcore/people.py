"""The people in the room: the facilitator removes a participant (a duplicate join, someone in the wrong
room), or many at once (a ticked list, or everyone who joined in the last N minutes: a flood of fake
joiners), or moves one to another party.

Removing deletes the participant with their rankings, so they leave the comparison, the console and every
export; the event log keeps that it happened (the id and the party, not the name), and their personal
link then says that it was removed (``removed_links`` holds its hash). Moving changes their party; their
rankings go with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import events
from .clock import later, now
from .errors import InvalidInput
from .i18n import N_
from .model import Session
from .rights import Action
from .view import View

GONE = N_("That participant is no longer in this session (perhaps someone removed them already).")


def _participant_row(db, session: Session, participant_id) -> dict:
    try:
        pid = int(participant_id)
    except (TypeError, ValueError):
        raise InvalidInput(GONE) from None
    row = next(iter(db.query("SELECT * FROM participants WHERE id = ? AND session_id = ?", [pid, session.id])), None)
    if row is None:
        raise InvalidInput(GONE)
    return row


def remove_participant(view: View, participant_id) -> Session:
    """Remove a participant and their rankings from the session (facilitator only)."""
    store = view.store
    with view.write(Action.MANAGE_PEOPLE) as (db, s):
        row = _participant_row(db, s, participant_id)
        db.execute(
            "INSERT INTO removed_links (session_id, token_hash, removed_at) VALUES (?, ?, ?)",
            [s.id, row["token_hash"], now()],
        )
        db.execute("DELETE FROM participants WHERE id = ?", [row["id"]])  # their rankings go with them (cascade)
        events.log(
            db,
            s.id,
            "facilitator",
            "participant_removed",
            {"participant": row["id"], "party": s.party(row["party_id"]).name},
        )
        return store.load_session(db, s.code)


MINUTES_MAX = 24 * 60


def remove_participants(
    view: View, participant_ids: Iterable | None = None, *, joined_within_minutes=None
) -> tuple[Session, int]:
    """Remove many participants and their rankings in one write (facilitator only): those of
    ``participant_ids`` (a ticked list; any already gone are skipped), or, with ``joined_within_minutes``,
    everyone who joined in the last that many minutes by the server's clock, decided inside the write.
    Give exactly one. Returns the session as it now is and how many were removed (0: nobody matched,
    nothing written). Each removed personal link says that it was removed; the event log has one entry
    with their ids and parties (not their names)."""
    if (participant_ids is None) == (joined_within_minutes is None):
        raise InvalidInput(N_("Choose whom to remove: tick people, or give a number of minutes."))
    since, minutes = None, 0
    ids: set[int] = set()
    if joined_within_minutes is not None:
        try:
            minutes = int(joined_within_minutes)
        except (TypeError, ValueError):
            raise InvalidInput(N_("The number of minutes must be a whole number.")) from None
        if not 1 <= minutes <= MINUTES_MAX:
            raise InvalidInput(N_("The number of minutes must be between 1 and {most}."), most=MINUTES_MAX)
        since = later(-60 * minutes)
    else:
        if isinstance(participant_ids, (str, bytes)):
            raise InvalidInput(GONE)
        try:
            ids = {int(pid) for pid in participant_ids or ()}
        except (TypeError, ValueError):
            raise InvalidInput(GONE) from None
        if not ids:
            raise InvalidInput(N_("Tick the people to remove first."))
    store = view.store
    with view.write(Action.MANAGE_PEOPLE) as (db, s):
        rows = [
            r
            for r in db.query("SELECT * FROM participants WHERE session_id = ? ORDER BY id", [s.id])
            if (r["joined_at"] >= since if since is not None else r["id"] in ids)
        ]
        if not rows:
            return s, 0
        stamp = now()
        for row in rows:
            db.execute(
                "INSERT INTO removed_links (session_id, token_hash, removed_at) VALUES (?, ?, ?)",
                [s.id, row["token_hash"], stamp],
            )
            db.execute("DELETE FROM participants WHERE id = ?", [row["id"]])  # their rankings go (cascade)
        detail: dict = {
            "participants": [r["id"] for r in rows],
            "parties": [s.party(r["party_id"]).name for r in rows],
        }
        if since is not None:
            detail["joined_within_minutes"] = minutes
        events.log(db, s.id, "facilitator", "participants_removed", detail)
        return store.load_session(db, s.code), len(rows)


def joined_within(participants: Iterable, minutes: int, at: str | None = None) -> list:
    """Those of ``participants`` (anything with ``joined_at``) who joined in the ``minutes`` before ``at``
    (default: now): who ``remove_participants(joined_within_minutes=minutes)`` would remove, for a page to
    show before the facilitator confirms."""
    since = later(-60 * int(minutes), at)
    return [p for p in participants if p.joined_at >= since]


def move_participant(view: View, participant_id, party_id) -> Session:
    """Move a participant, with their rankings, to another party of the session (facilitator only)."""
    store = view.store
    with view.write(Action.MANAGE_PEOPLE) as (db, s):
        row = _participant_row(db, s, participant_id)
        try:
            party = s.party(int(party_id))
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(N_("Choose one of this session's parties to move them to.")) from None
        if party.id == row["party_id"]:
            return s
        db.execute("UPDATE participants SET party_id = ? WHERE id = ?", [party.id, row["id"]])
        events.log(
            db,
            s.id,
            "facilitator",
            "participant_moved",
            {"participant": row["id"], "from": s.party(row["party_id"]).name, "to": party.name},
        )
        return store.load_session(db, s.code)
