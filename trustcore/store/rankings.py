"""Rankings: submitted (one write transaction each), read back by their participant, and read for the results."""

from __future__ import annotations

import json

from .. import anonymity as anonymity_mod
from .. import db as dbmod
from .. import events, limits, rights, tokens
from .. import reasons as reasons_mod
from ..catalogue import Catalogue, validate_order
from ..clock import now
from ..errors import AccessDenied, InvalidInput, NotAllowedNow, NotFound, RoundChanged
from ..i18n import N_
from ..model import (
    MyRound,
    Participant,
    ParticipantStatus,
    Progress,
    Ranking,
    RoundStatus,
    Submission,
)
from ..rights import Action
from .participants import Participants
from .rows import (
    DENIED,
    UNKNOWN_CODE,
    _participant,
    _ranking,
    _reasons,
    _reasons_json,
    _round,
    _round_moved,
    query_rankings,
)


class Rankings(Participants):
    def _my_round(self, code: str, participant: Participant) -> MyRound:
        """The current round, its status and the participant's current ranking in it, in one query: what a
        participant's ranking page polls for. NotFound when the session (or the participant) is gone."""
        code = tokens.normalise_code(code) or ""
        row = dbmod.query_one(
            self.path,
            """SELECT r.*, k.round, k.ordering, k.reasons,
                                        k.start_order, k.submitted_at, q.id AS participant_id
                                 FROM sessions s JOIN rounds r ON r.session_id = s.id AND r.number = s.current_round
                                 LEFT JOIN participants q ON q.id = ? AND q.session_id = s.id
                                 LEFT JOIN rankings k ON k.participant_id = q.id AND k.round = s.current_round
                                                      AND k.current = 1
                                 WHERE s.code = ?""",
            [participant.id, code],
        )
        if row is None or row["participant_id"] is None:
            raise NotFound(UNKNOWN_CODE)
        status = _round(row).status
        mine = _ranking(row, participant) if row["ordering"] else None
        return MyRound(row["number"], status, mine)

    def submit(self, code: str, token: str | None, order, reasons=None, *, round_number: int) -> Submission:
        """Store the participant's ranking for round ``round_number``, with their reasons (element id -> a
        short text, optional; ``trustcore.reasons``), which are saved with it.

        ``round_number`` is the round the participant's page showed: if it is no longer the current round
        (the facilitator opened the next one meanwhile), RoundChanged (a NotAllowedNow) and nothing is stored, so a ranking
        made after seeing one round never lands in another.
        The order must rank every element once. Resubmitting replaces the round's previous ranking (which
        stays in the history); submitting the same order and reasons again (a double click) writes nothing.
        Refused once the round is locked. One connection: the token, the round and the catalogue are
        read inside the write transaction, so a lock or a new round that lands first wins.
        """
        clean = tokens.normalise_code(code)
        if clean is None or not tokens.looks_like_token(token):
            raise AccessDenied(DENIED)
        if isinstance(round_number, bool) or not isinstance(round_number, int):
            raise InvalidInput(N_("The round of a ranking must be a whole number."))
        with dbmod.write(self.path) as db:
            role, me = self.identify(db, clean, token)
            if me is None:  # another link's token: it does not rank
                rights.ensure_role(role, Action.RANK)
                raise AccessDenied(DENIED)
            rnd = next(
                iter(
                    db.query(
                        """SELECT s.catalogue, r.* FROM sessions s
                   JOIN rounds r ON r.session_id = s.id AND r.number = s.current_round WHERE s.id = ?""",
                        [me.session_id],
                    )
                ),
                None,
            )
            if rnd is None:
                raise NotFound(UNKNOWN_CODE)
            if rnd["number"] != round_number:
                raise RoundChanged(_round_moved(round_number, _round(rnd)))
            catalogue = Catalogue.from_json(rnd["catalogue"])
            order = validate_order(order, catalogue)
            why = reasons_mod.clean(reasons, catalogue)
            # the token matched a participant of this session: their right, checked against the table
            open_now = _round(rnd).status is RoundStatus.OPEN  # a timer that locks may have run out
            rights.ensure_role(role, Action.RANK, open_round=open_now)
            number = rnd["number"]
            previous = next(
                iter(
                    db.query(
                        "SELECT * FROM rankings WHERE participant_id = ? AND round = ? AND current = 1", [me.id, number]
                    )
                ),
                None,
            )
            if previous and tuple(json.loads(previous["ordering"])) == order and _reasons(previous) == why:
                return Submission(_ranking(previous, me), replaced=False, unchanged=True)
            limits.RANKINGS.check_count(
                db, "SELECT COUNT(*) AS n FROM rankings WHERE session_id = ?", [rnd["session_id"]]
            )
            start = previous["start_order"] if previous else json.dumps(list(self._start_order_in(db, me, number)))
            if previous:
                db.execute("UPDATE rankings SET current = 0 WHERE id = ?", [previous["id"]])
            stamp = now()
            ranking_id = dbmod.insert(
                db,
                """INSERT INTO rankings (session_id, participant_id, round, ordering, start_order, submitted_at, current)
                   VALUES (?, ?, ?, ?, ?, ?, 1)""",
                [rnd["session_id"], me.id, number, json.dumps(list(order)), start, stamp],
            )
            if why:  # no reasons: the column's default (which a database before m008 lacks)
                db.execute("UPDATE rankings SET reasons = ? WHERE id = ?", [_reasons_json(why), ranking_id])
            events.log(
                db,
                rnd["session_id"],
                f"participant:{me.id}",
                "ranking_replaced" if previous else "ranking_submitted",
                {"round": number, "reasons": len(why)},
            )
            row = {
                "round": number,
                "ordering": json.dumps(list(order)),
                "start_order": start,
                "submitted_at": stamp,
                "id": ranking_id,
                "reasons": _reasons_json(why),
            }
        return Submission(_ranking(row, me), replaced=previous is not None, unchanged=False)

    def _start_order(self, participant: Participant, round_number: int) -> tuple[str, ...]:
        """The order a participant starts from in a round: their random shuffle in round 1, their
        previous round's order afterwards (or the shuffle if they did not rank then)."""
        with dbmod.connection(self.path) as db:
            return self._start_order_in(db, participant, round_number)

    @staticmethod
    def _start_order_in(db, participant: Participant, round_number: int) -> tuple[str, ...]:
        row = next(
            iter(
                db.query(
                    """SELECT ordering FROM rankings WHERE participant_id = ? AND round < ? AND current = 1
               ORDER BY round DESC LIMIT 1""",
                    [participant.id, round_number],
                )
            ),
            None,
        )
        return tuple(json.loads(row["ordering"])) if row else participant.start_order

    def _my_ranking(self, participant: Participant, round_number: int) -> Ranking | None:
        """The participant's current order in a round, if they submitted one."""
        with dbmod.connection(self.path) as db:
            row = next(
                iter(
                    db.query(
                        "SELECT * FROM rankings WHERE participant_id = ? AND round = ? AND current = 1",
                        [participant.id, round_number],
                    )
                ),
                None,
            )
        return _ranking(row, participant) if row else None

    # ------------------------------------------------------------------ results

    def _rankings(
        self, code: str, round_number: int | None = None, *, history: bool = False, masked: bool = False
    ) -> list[Ranking]:
        """Current rankings of one round (or every round when ``round_number`` is None), in party then
        participant order. ``history=True`` adds the replaced ones too. ``masked=True``: as participants
        may see them, each person as "Participant N" where the session hides names from them
        (``trustcore.anonymity``).

        The caller decides who may see them (``Session.results_visible``); pages show them only then.
        """
        session = self._session(code)
        with dbmod.connection(self.path) as db:
            found = query_rankings(db, session.id, round_number, history=history)
            if masked and not anonymity_mod.shows_names(session, facilitator=False):
                ids = [r["id"] for r in db.query("SELECT id FROM participants WHERE session_id = ?", [session.id])]
                found = anonymity_mod.mask(found, anonymity_mod.pseudonyms(ids))
            return found

    def visible_rankings(self, code: str, token: str | None, round_number: int | None = None) -> list[Ranking]:
        """The rankings the token's holder may see: all of them for the facilitator; for a participant,
        those of the rounds whose results are visible to participants (NotAllowedNow when the asked round
        is not); AccessDenied for anyone else. ``round_number`` None: every visible round."""
        if round_number is not None:
            actor = self.require(code, token, Action.SEE_RESULTS, round_number=round_number)
            return self._rankings(actor.session.code, round_number, masked=not actor.is_facilitator)
        try:
            actor = self.require(code, token, Action.SEE_RESULTS)
        except NotAllowedNow:  # a participant before any round was revealed: nothing to see yet
            return []
        session = actor.session
        rounds = {
            r.number for r in session.rounds if session.results_visible(r.number, facilitator=actor.is_facilitator)
        }
        return [r for r in self._rankings(session.code, masked=not actor.is_facilitator) if r.round in rounds]

    def facilitator_progress(self, code: str, token: str | None) -> Progress:
        """Who has joined and who has submitted (facilitator only)."""
        return self._progress(self.require(code, token, Action.SEE_PROGRESS).session.code)

    def _progress(self, code: str) -> Progress:
        """Who has joined and who has submitted in the current round."""
        session = self._session(code)
        with dbmod.connection(self.path) as db:
            rows = list(
                db.query(
                    """SELECT q.*, p.name AS party,
                          (SELECT submitted_at FROM rankings r WHERE r.participant_id = q.id AND r.round = ?
                           AND r.current = 1) AS submitted_at
                   FROM participants q JOIN parties p ON p.id = q.party_id
                   WHERE q.session_id = ? ORDER BY p.position, q.id""",
                    [session.current_round, session.id],
                )
            )
        return Progress(session.round, tuple(ParticipantStatus(_participant(r), r["submitted_at"]) for r in rows))
