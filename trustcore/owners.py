"""Sessions a signed-in facilitator owns: "My sessions" (every session they created or were handed, with
where it stands), and handing a session to a co-facilitator by e-mail address.

Owning a session makes its owner the facilitator of it when they open it without its link
(``signin.SignedIn``, turned into a holder in ``Store.identify`` only). A session created without sign-in
has no owner until its facilitator hands it to someone.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import db as dbmod
from . import events, signin
from .model import Round, RoundStatus
from .rights import Action
from .store import Store
from .store.rows import _round
from .view import View


@dataclass(frozen=True)
class MySession:
    """One line of "My sessions": a session and where it stands."""

    code: str
    title: str
    created_at: str
    round: Round  # the current round
    participants: int
    submitted: int  # rankings in the current round
    revealed: int  # rounds whose results were revealed
    open_steps: int  # next steps not yet done

    @property
    def status(self) -> RoundStatus:
        return self.round.status


def mine(store: Store, email: str | None) -> list[MySession]:
    """The live sessions the signed-in ``email`` owns, newest first (none for no address)."""
    owner = signin.email_of(email)
    if owner is None:
        return []
    with dbmod.connection(store.path) as db:
        rows = list(
            db.query(
                """SELECT s.id, s.code, s.title, s.created_at, s.current_round,
                      (SELECT count(*) FROM participants q WHERE q.session_id = s.id) AS participants,
                      (SELECT count(*) FROM rankings r WHERE r.session_id = s.id AND r.round = s.current_round
                       AND r.current = 1) AS submitted,
                      (SELECT count(*) FROM rounds d WHERE d.session_id = s.id AND d.revealed_at IS NOT NULL)
                        AS revealed,
                      (SELECT count(*) FROM next_steps n WHERE n.session_id = s.id AND n.status <> 'done')
                        AS open_steps
                   FROM sessions s WHERE s.owner_email = ? ORDER BY s.id DESC""",
                [owner],
            )
        )
        current = {
            r["session_id"]: _round(r)
            for r in db.query(
                """SELECT d.* FROM rounds d JOIN sessions s ON s.id = d.session_id
                   WHERE s.owner_email = ? AND d.number = s.current_round""",
                [owner],
            )
        }
    return [
        MySession(
            r["code"],
            r["title"],
            r["created_at"],
            current[r["id"]],
            int(r["participants"]),
            int(r["submitted"]),
            int(r["revealed"]),
            int(r["open_steps"]),
        )
        for r in rows
        if not store._expired(r["created_at"]) and r["id"] in current
    ]


def owner_of(view: View) -> str | None:
    """The address that owns the session (facilitator only), None for a session nobody signed in to."""
    session = view.require(Action.HAND_OVER).session
    with dbmod.connection(view.store.path) as db:
        row = next(iter(db.query("SELECT owner_email FROM sessions WHERE id = ?", [session.id])), None)
    return row["owner_email"] if row else None


def hand_over(view: View, email: str) -> str:
    """Make the signed-in user ``email`` the session's owner (facilitator only): it leaves the previous
    owner's "My sessions" and appears in theirs; the facilitator link keeps working. Returns the address."""
    to = signin.parse_email(email)
    with view.write(Action.HAND_OVER) as (db, s):
        db.execute("UPDATE sessions SET owner_email = ? WHERE id = ?", [to, s.id])
        events.log(db, s.id, view.actor.label, "handed_over", {"to": to})
    return to
