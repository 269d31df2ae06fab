"""Joining a session through the share link."""

from __future__ import annotations

import json
import random

from .. import db as dbmod
from .. import events, tokens
from ..clock import now
from ..errors import InvalidInput, NotAllowedNow, NotFound
from ..i18n import N_
from ..model import (
    DEFAULT_JOIN_CAP,
    Anonymity,
    Joined,
    Participant,
)
from ..rights import Action
from ..text import NAME_MAX, clean_line, unique_name
from .rounds import Rounds
from .rows import JOINING_CLOSED, SESSION_FULL, UNKNOWN_CODE, participant_count


class Participants(Rounds):
    # ------------------------------------------------------------------ participants

    def join(self, code: str, party_id: int, name: str = "", *, rng: random.Random | None = None) -> Joined:
        """Add a participant to a party. Returns their personal token (their link back to their ranking).

        An empty name becomes "Participant N". With names shown, a name already used in the session gets
        " (2)", " (3)"... (everyone sees the names anyway). With names hidden, a name is stored as typed,
        even if someone else in the session uses it: a suffix would tell the joiner that a person of that
        name is in the room; the facilitator tells namesakes apart by party and join order. In an
        anonymous session no name is stored: everyone is "Participant N".
        The participant's start order is a fresh random shuffle of the elements (recorded).
        """
        name = clean_line(name, field=N_("Your name"), max_len=NAME_MAX, required=False)
        session = self.require(code, None, Action.JOIN).session  # the share link: the code alone
        if session.anonymity is Anonymity.ANONYMOUS:
            name = ""
        try:
            party = session.party(int(party_id))
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(N_("Choose one of this session's parties.")) from None
        start = list(session.catalogue.ids)
        (rng or random.SystemRandom()).shuffle(start)
        token = tokens.new_token()
        with dbmod.write(self.path) as db:
            now_session = next(iter(db.query("SELECT * FROM sessions WHERE id = ?", [session.id])), None)
            if now_session is None:
                raise NotFound(UNKNOWN_CODE)
            if now_session.get("joining_closed"):
                raise NotAllowedNow(JOINING_CLOSED)
            cap = int(now_session.get("join_cap") or DEFAULT_JOIN_CAP)
            if participant_count(db, session.id) >= cap:
                raise NotAllowedNow(SESSION_FULL, cap=cap)
            names = [r["name"] for r in db.query("SELECT name FROM participants WHERE session_id = ?", [session.id])]
            if not (name and session.anonymity is Anonymity.HIDDEN):  # no name oracle where names are hidden
                name = unique_name(name, {n.casefold() for n in names}, anonymous="Participant", count=len(names))
            stamp = now()
            pid = dbmod.insert(
                db,
                """INSERT INTO participants (session_id, party_id, name, token_hash, start_order, joined_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [session.id, party.id, name, tokens.hash_token(token), json.dumps(start), stamp],
            )
            events.log(db, session.id, f"participant:{pid}", "joined", {"party": party.name})
        return Joined(Participant(pid, session.id, party.id, party.name, name, tuple(start), stamp), token)
