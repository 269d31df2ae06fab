"""What the store's parts share: the messages people are shown, and rows of the database made into the model."""

from __future__ import annotations

import json

from .. import tokens
from ..clock import now
from ..errors import InvalidInput, Phrase, RoundChanged
from ..i18n import N_
from ..model import (
    Participant,
    Ranking,
    Role,
    Round,
    RoundStatus,
)
from ..rights import DENIED  # noqa: F401 - the message of any wrong token (``trustcore.store.DENIED``)

JOINING_CLOSED = N_(
    "Joining this session has closed (it closes when the facilitator reveals the results, or when they close it)."
    " If you should be in it, ask the facilitator to open joining again."
)
SESSION_FULL = N_("This session is full: it takes at most {cap} participants. Ask the facilitator to raise the limit.")
REMOVED = N_(
    "The facilitator removed this personal link from the session. Ask them, or join again from the share link."
)

UNKNOWN_CODE = N_("No session has this code. Check the code or the link and try again.")
_LINK_COLUMNS = (
    (Role.FACILITATOR, "facilitator_hash"),
    (Role.STAKEHOLDER, "survey_hash"),
    (Role.PRESENTER, "presenter_hash"),
)
EXPIRED = N_("This session has expired: its data was kept for {days} days and is no longer available.")
RETENTION_ENV = "TRUSTCORE_RETENTION_DAYS"


def query_rankings(db, session_id: int, round_number: int | None = None, *, history: bool = False) -> list[Ranking]:
    """A session's current rankings of one round (or every round when ``round_number`` is None), read on
    the connection ``db``, in round, party then participant order (oldest first); ``history=True`` adds
    the replaced ones too. Checks no rights: ``Store._rankings`` and the follow-up features call it."""
    sql = """SELECT r.*, q.name AS participant, q.party_id, p.name AS party
             FROM rankings r JOIN participants q ON q.id = r.participant_id JOIN parties p ON p.id = q.party_id
             WHERE r.session_id = ?"""
    args: list = [session_id]
    if round_number is not None:
        sql += " AND r.round = ?"
        args.append(round_number)
    if not history:
        sql += " AND r.current = 1"
    sql += " ORDER BY r.round, p.position, q.id, r.id"
    return [
        Ranking(
            r["participant_id"],
            r["participant"],
            r["party_id"],
            r["party"],
            r["round"],
            tuple(json.loads(r["ordering"])),
            tuple(json.loads(r["start_order"])),
            r["submitted_at"],
            _reasons(r),
        )
        for r in db.query(sql, args)
    ]


def participant_count(db, session_id: int) -> int:
    """How many people have joined the session."""
    return db.execute("SELECT count(*) FROM participants WHERE session_id = ?", [session_id]).fetchone()[0]


def _removed_link(db, code: str, token: str) -> bool:
    return bool(
        list(
            db.query(
                """SELECT 1 FROM removed_links l JOIN sessions s ON s.id = l.session_id
                   WHERE s.code = ? AND l.token_hash = ?""",
                [code, tokens.hash_token(token)],
            )
        )
    )


def _round_moved(shown: int, current: Round) -> Phrase:
    """Why a ranking made on round ``shown``'s page was not saved, ``current`` being the current round."""
    if current.number < shown:
        said = N_("Round {shown} is not open: your ranking was not saved. The page now shows round {current}.")
    elif current.status is RoundStatus.OPEN:
        said = N_(
            "Round {shown} has closed and round {current} is open: your ranking was not saved. "
            "The page now shows round {current}."
        )
    else:
        said = N_("Round {shown} has closed: your ranking was not saved. The page now shows round {current}.")
    return Phrase(said, shown=shown, current=current.number)


def _round_acted(shown: int, current: int) -> Phrase:
    """Why a facilitator's action clicked on round ``shown``'s page did nothing, ``current`` being the current
    round's number (another window opened a round meanwhile)."""
    if current > shown:
        said = N_(
            "Round {current} was already opened from another window, so round {shown} is no longer current: "
            "nothing was changed. The page now shows round {current}."
        )
    else:
        said = N_("Round {shown} is not open yet: nothing was changed. The page now shows round {current}.")
    return Phrase(said, shown=shown, current=current)


def check_round(current: int, round_number: int) -> None:
    """Refuse (RoundChanged, nothing written) an action meant for round ``round_number`` (the round the
    page showed) when round ``current`` is the current one; called inside the write transaction."""
    if isinstance(round_number, bool) or not isinstance(round_number, int):
        raise InvalidInput(N_("The round of an action must be a whole number."))
    if round_number != current:
        raise RoundChanged(_round_acted(round_number, current))


def _round(row) -> Round:
    """A round from a row of ``rounds`` (a database from before m004 has no timer columns: no timer)."""
    return Round(
        row["number"],
        row.get("opened_at") or "",
        row["locked_at"],
        row["revealed_at"],
        row.get("timer_ends_at"),
        bool(row.get("timer_locks")),
    )


def _participant(row) -> Participant:
    return Participant(
        row["id"],
        row["session_id"],
        row["party_id"],
        row["party"],
        row["name"],
        tuple(json.loads(row["start_order"])),
        row["joined_at"],
    )


def _ranking(row, me: Participant) -> Ranking:
    return Ranking(
        me.id,
        me.name,
        me.party_id,
        me.party,
        row["round"],
        tuple(json.loads(row["ordering"])),
        tuple(json.loads(row["start_order"])),
        row["submitted_at"],
        _reasons(row),
    )


def _reasons(row) -> dict[str, str]:
    """A ranking row's reasons (a database from before m008 has none)."""
    return json.loads(row.get("reasons") or "{}")


def _reasons_json(reasons: dict[str, str]) -> str:
    return json.dumps(reasons, ensure_ascii=False)


def _touch(db, session_id: int) -> None:
    db.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", [now(), session_id])
