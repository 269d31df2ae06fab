"""Rounds, and the facilitator's other actions on a session: lock, reveal, open the next round, replace the
elements, delete, read the event log; and the cheap reads live pages poll."""

from __future__ import annotations

import json
import random

from .. import db as dbmod
from .. import events, tokens
from ..catalogue import Catalogue
from ..clock import now
from ..errors import NotAllowedNow, NotFound
from ..i18n import N_
from ..model import (
    Event,
    Round,
    RoundStatus,
    Session,
)
from ..rights import Action
from .access import Access
from .rows import UNKNOWN_CODE, _round, _touch, check_round


class Rounds(Access):
    def _change_marker(self, code: str) -> tuple:
        """A cheap fingerprint of everything live views show; equal markers mean nothing changed.

        Every change to a session writes an event, so the newest event id is the marker."""
        code = tokens.normalise_code(code) or ""
        row = dbmod.query_one(
            self.path,
            """SELECT s.current_round,
                                 (SELECT max(id) FROM events e WHERE e.session_id = s.id) AS last_event
                              FROM sessions s WHERE s.code = ?""",
            [code],
        )
        if row is None:
            raise NotFound(UNKNOWN_CODE)
        return tuple(row.values())

    def _current_round(self, code: str) -> Round:
        """The current round, its timer included, in one cheap query (what the open pages poll)."""
        code = tokens.normalise_code(code) or ""
        row = dbmod.query_one(
            self.path,
            """SELECT r.* FROM sessions s
                   JOIN rounds r ON r.session_id = s.id AND r.number = s.current_round WHERE s.code = ?""",
            [code],
        )
        if row is None:
            raise NotFound(UNKNOWN_CODE)
        return _round(row)

    def lock(self, code: str, token: str | None, *, round_number: int) -> Session:
        """Stop accepting rankings in round ``round_number``, the current one (participants can no longer
        change theirs).

        Like every round action, it carries the round the facilitator's page showed: once another round is
        current (another window opened one), RoundChanged and nothing is written."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            check_round(s.current_round, round_number)
            db.execute(
                "UPDATE rounds SET locked_at = coalesce(locked_at, ?) WHERE session_id = ? AND number = ?",
                [now(), s.id, s.current_round],
            )
            _touch(db, s.id)
            events.log(db, s.id, "facilitator", "round_locked", {"round": s.current_round})
            return self.load_session(db, s.code)

    def unlock(self, code: str, token: str | None, *, round_number: int) -> Session:
        """Accept rankings again in round ``round_number``, the current one; not after its results were revealed."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            check_round(s.current_round, round_number)
            if s.round.status is RoundStatus.REVEALED:
                raise NotAllowedNow(N_("This round's results are revealed; open a new round instead of unlocking it."))
            db.execute(  # the timer goes too: one that ran out would lock the round again at once
                "UPDATE rounds SET locked_at = NULL, timer_ends_at = NULL, timer_locks = 0"
                " WHERE session_id = ? AND number = ?",
                [s.id, s.current_round],
            )
            _touch(db, s.id)
            events.log(db, s.id, "facilitator", "round_unlocked", {"round": s.current_round})
            return self.load_session(db, s.code)

    def reveal(self, code: str, token: str | None, *, round_number: int) -> Session:
        """Show round ``round_number``'s comparison (the current round's) to everyone. Revealing also locks the round, so nobody can
        rank after seeing the others, and closes joining, so the share link (printed in a report, say) no
        longer makes anyone a member of a party; the facilitator reopens joining to admit a late joiner."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            check_round(s.current_round, round_number)
            stamp = now()
            db.execute(
                """UPDATE rounds SET locked_at = coalesce(locked_at, ?), revealed_at = coalesce(revealed_at, ?)
                   WHERE session_id = ? AND number = ?""",
                [stamp, stamp, s.id, s.current_round],
            )
            _touch(db, s.id)
            events.log(db, s.id, "facilitator", "round_revealed", {"round": s.current_round})
            if s.joining_open:
                db.execute("UPDATE sessions SET joining_closed = 1 WHERE id = ?", [s.id])
                events.log(db, s.id, "facilitator", "joining_changed", {"open": False, "reason": "reveal"})
            return self.load_session(db, s.code)

    def next_round(self, code: str, token: str | None, *, round_number: int) -> Session:
        """Lock round ``round_number``, the current one, and open the next; everyone re-ranks from their previous
        order. A second click from another window that still showed round ``round_number`` is refused
        (RoundChanged), so one click opens one round."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            check_round(s.current_round, round_number)
            stamp = now()
            db.execute(
                "UPDATE rounds SET locked_at = coalesce(locked_at, ?) WHERE session_id = ? AND number = ?",
                [stamp, s.id, s.current_round],
            )
            number = s.current_round + 1
            db.execute("INSERT INTO rounds (session_id, number, opened_at) VALUES (?, ?, ?)", [s.id, number, stamp])
            db.execute("UPDATE sessions SET current_round = ?, updated_at = ? WHERE id = ?", [number, stamp, s.id])
            events.log(db, s.id, "facilitator", "round_opened", {"round": number})
            return self.load_session(db, s.code)

    def replace_catalogue(
        self, code: str, token: str | None, catalogue: Catalogue, *, rng: random.Random | None = None
    ) -> Session:
        """Rank another list of elements in this session (facilitator only). Allowed only while nobody
        has submitted a ranking, so no stored ranking ever refers to elements the session lacks; everyone
        who joined gets a fresh random start order."""
        rng = rng or random.SystemRandom()
        with self.write_as(code, token, Action.REPLACE_ELEMENTS) as (db, s):
            if list(db.query("SELECT 1 FROM rankings WHERE session_id = ? LIMIT 1", [s.id])):
                raise NotAllowedNow(
                    N_(
                        "Rankings were already submitted in this session, so its elements can no "
                        "longer change. Create a new session for another list."
                    )
                )
            db.execute(
                "UPDATE sessions SET catalogue = ?, updated_at = ? WHERE id = ?", [catalogue.to_json(), now(), s.id]
            )
            for row in list(db.query("SELECT id FROM participants WHERE session_id = ?", [s.id])):
                start = list(catalogue.ids)
                rng.shuffle(start)
                db.execute("UPDATE participants SET start_order = ? WHERE id = ?", [json.dumps(start), row["id"]])
            events.log(
                db, s.id, "facilitator", "catalogue_replaced", {"elements": len(catalogue), "source": catalogue.source}
            )
            return self.load_session(db, s.code)

    def delete_session(self, code: str, token: str | None) -> None:
        """Delete the session and everything about it (parties, people, rankings, notes, its event log)."""
        with self.write_as(code, token, Action.DELETE) as (db, s):
            db.execute("UPDATE sessions SET previous_session_id = NULL WHERE previous_session_id = ?", [s.id])
            db.execute("DELETE FROM sessions WHERE id = ?", [s.id])
            events.log(db, None, "facilitator", "session_deleted", {})

    def events(self, code: str, token: str | None) -> list[Event]:
        """The session's event log, oldest first (facilitator only)."""
        s = self.require(code, token, Action.SEE_EVENTS).session
        with dbmod.connection(self.path) as db:
            return [
                Event(r["at"], r["actor"], r["action"], json.loads(r["detail"]))
                for r in db.query("SELECT * FROM events WHERE session_id = ? ORDER BY id", [s.id])
            ]
