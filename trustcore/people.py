"""The people in the room: the facilitator removes a participant (a duplicate join, someone in the wrong
room) or moves one to another party.

Removing deletes the participant with their rankings, so they leave the comparison, the console and every
export; the event log keeps that it happened (the id and the party, not the name), and their personal
link then says that it was removed (``removed_links`` holds its hash). Moving changes their party; their
rankings go with them.
"""

from __future__ import annotations

from . import events
from .clock import now
from .errors import InvalidInput
from .model import Session
from .rights import Action
from .view import View

GONE = "That participant is no longer in this session (perhaps someone removed them already)."


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


def move_participant(view: View, participant_id, party_id) -> Session:
    """Move a participant, with their rankings, to another party of the session (facilitator only)."""
    store = view.store
    with view.write(Action.MANAGE_PEOPLE) as (db, s):
        row = _participant_row(db, s, participant_id)
        try:
            party = s.party(int(party_id))
        except (KeyError, TypeError, ValueError):
            raise InvalidInput("Choose one of this session's parties to move them to.") from None
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
