"""Storage of sessions in SQLite: every read and write a page or the CLI makes goes through ``Store``.

Rights are capabilities. Each method that changes a session takes the token that grants the change
(the facilitator token, or the participant's own token) and checks it here, so no page can forget to.
Each method is one unit of work on its own connection; writes that touch several rows run under
``BEGIN IMMEDIATE`` (see ``db.write``).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from . import anonymity as anonymity_mod
from . import catalogue as catalogue_mod
from . import db as dbmod
from . import events, rights, tokens
from . import reasons as reasons_mod
from .catalogue import Catalogue, validate_order
from .clock import now
from .errors import AccessDenied, InvalidInput, LinkRemoved, NotAllowedNow, NotFound, RoundChanged
from .model import (
    DEFAULT_JOIN_CAP,
    MAX_PARTIES,
    MIN_PARTIES,
    Actor,
    Anonymity,
    Created,
    Event,
    Joined,
    MyRound,
    Participant,
    ParticipantStatus,
    Party,
    Progress,
    Ranking,
    Role,
    Round,
    RoundStatus,
    Session,
    SessionSummary,
    Submission,
)
from .rights import Action
from .text import NAME_MAX, TEXT_MAX, TITLE_MAX, clean_line, clean_text, unique_name
from .view import View

JOINING_CLOSED = (
    "Joining this session has closed (it closes when the facilitator reveals the results, or when they close it)."
    " If you should be in it, ask the facilitator to open joining again."
)
SESSION_FULL = "This session is full: it takes at most {cap} participants. Ask the facilitator to raise the limit."
REMOVED = "The facilitator removed this personal link from the session. Ask them, or join again from the share link."
DENIED = "This link is not valid (it may be mistyped, or the session was deleted)."
UNKNOWN_CODE = "No session has this code. Check the code or the link and try again."
_LINK_COLUMNS = (
    (Role.FACILITATOR, "facilitator_hash"),
    (Role.STAKEHOLDER, "survey_hash"),
    (Role.PRESENTER, "presenter_hash"),
)
EXPIRED = "This session has expired: its data was kept for {days} days and is no longer available."
RETENTION_ENV = "TRUSTCORE_RETENTION_DAYS"


def retention_days_from_env() -> int | None:
    """``$TRUSTCORE_RETENTION_DAYS``: how many days after its creation a session expires (None: never)."""
    raw = os.environ.get(RETENTION_ENV, "").strip()
    if not raw:
        return None
    try:
        days = int(raw)
        if days < 1:
            raise ValueError
    except ValueError:
        raise InvalidInput(f"{RETENTION_ENV} must be a whole number of days (1 or more), not {raw!r}.") from None
    return days


def _parse_parties(parties) -> list[tuple[str, tuple[str, ...]]]:
    """Parties as (name, members): accepts names, (name, members) pairs or dicts with name/members."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for p in parties:
        members: Any
        if isinstance(p, str):
            name, members = p, ()
        elif isinstance(p, dict):
            name, members = p.get("name", ""), p.get("members") or ()
        else:
            name, members = p
        if isinstance(members, str):
            members = [m for m in members.replace("\n", ",").split(",")]
        name = clean_line(name, field=f"Party {len(out) + 1}'s name", max_len=NAME_MAX)
        kept = tuple(m for m in (clean_line(m, field=f"A member of {name}", required=False) for m in members) if m)
        out.append((name, kept))
    if not MIN_PARTIES <= len(out) <= MAX_PARTIES:
        raise InvalidInput(f"A session needs {MIN_PARTIES} to {MAX_PARTIES} parties; {len(out)} given.")
    seen = set()
    for name, _ in out:
        if name.casefold() in seen:
            raise InvalidInput(f"Two parties are called {name!r}: give each party its own name.")
        seen.add(name.casefold())
    return out


class Store:
    """The session store on one database: a SQLite file or a PostgreSQL URL (``path``; see ``trustcore.db``).
    Cheap to create; holds only the target."""

    def __init__(self, path: str | Path | None = None, *, retention_days: int | None | Literal["env"] = "env"):
        self.path = dbmod.target_of(path) if path else dbmod.default_path()
        self.retention_days: int | None = (
            retention_days_from_env() if isinstance(retention_days, str) else retention_days
        )

    def _expired(self, created_at: str) -> bool:
        """Whether a session created at ``created_at`` is past the retention period (it then grants nothing)."""
        if not self.retention_days:
            return False
        cutoff = datetime.now(timezone.utc) - timedelta(days=self.retention_days)
        return created_at < cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")

    def purge_expired(self) -> int:
        """Delete every session past the retention period, with everything about it; returns how many."""
        if not self.retention_days:
            return 0
        cutoff = (datetime.now(timezone.utc) - timedelta(days=self.retention_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with dbmod.write(self.path) as db:
            ids = [r["id"] for r in db.query("SELECT id FROM sessions WHERE created_at < ?", [cutoff])]
            for sid in ids:
                db.execute("UPDATE sessions SET previous_session_id = NULL WHERE previous_session_id = ?", [sid])
                db.execute("DELETE FROM sessions WHERE id = ?", [sid])
            if ids:
                events.log(
                    db, None, "system", "sessions_purged", {"count": len(ids), "retention_days": self.retention_days}
                )
        return len(ids)

    def initialise(self) -> Store:
        dbmod.initialise(self.path)
        return self

    # ------------------------------------------------------------------ reading sessions

    def session(self, code: str | None) -> Session:
        """The session with this share code; NotFound (with a message for people) otherwise."""
        code = tokens.normalise_code(code)
        if code is None:
            raise NotFound(UNKNOWN_CODE)
        with dbmod.connection(self.path) as db:
            return self._session_of_unit(db, code)

    def _session_of_unit(self, db, code: str) -> Session:
        """``load_session``, read once per unit of work (a page rerun reads its session once, however many
        times it asks, until the unit writes: ``db.remembered``). Writers re-read it with ``load_session``."""
        memory = dbmod.remembered(self.path)
        key = ("session", code)
        if memory is not None and key in memory:
            return memory[key]
        session = self.load_session(db, code)
        if memory is not None:
            memory[key] = session
        return session

    def load_session(self, db, code: str) -> Session:
        rows = list(db.query("SELECT * FROM sessions WHERE code = ?", [code]))
        if not rows:
            raise NotFound(UNKNOWN_CODE)
        s = rows[0]
        if self._expired(s["created_at"]):
            raise NotFound(EXPIRED.format(days=self.retention_days))
        parties = tuple(
            Party(r["id"], r["position"], r["name"], tuple(json.loads(r["members"])))
            for r in db.query("SELECT * FROM parties WHERE session_id = ? ORDER BY position", [s["id"]])
        )
        rounds = tuple(
            _round(r) for r in db.query("SELECT * FROM rounds WHERE session_id = ? ORDER BY number", [s["id"]])
        )
        return Session(
            id=s["id"],
            code=s["code"],
            title=s["title"],
            our_org=s["our_org"],
            partner_org=s["partner_org"],
            flows=s["flows"],
            blind=bool(s["blind"]),
            current_round=s["current_round"],
            catalogue=Catalogue.from_json(s["catalogue"]),
            created_at=s["created_at"],
            parties=parties,
            rounds=rounds,
            join_cap=int(s.get("join_cap") or DEFAULT_JOIN_CAP),  # a database from before m005: the default
            joining_open=not s.get("joining_closed"),
            agenda_item=int(s.get("agenda_item") or 0),
            anonymity=anonymity_mod.parse(s.get("anonymity") or Anonymity.NAMED),  # before m008: names shown
        )

    def sessions(self) -> list[SessionSummary]:
        """All sessions, newest first (for the command line; pages never list sessions)."""
        with dbmod.connection(self.path) as db:
            return [
                SessionSummary(
                    r["code"], r["title"], r["parties"], r["participants"], r["current_round"], r["created_at"]
                )
                for r in db.query(
                    """SELECT s.code, s.title, s.current_round, s.created_at,
                              (SELECT count(*) FROM parties p WHERE p.session_id = s.id) AS parties,
                              (SELECT count(*) FROM participants q WHERE q.session_id = s.id) AS participants
                       FROM sessions s ORDER BY s.id DESC"""
                )
            ]

    def authorise(self, code: str | None, token: str | None) -> Actor:
        """Who this link makes its holder in the session (``resolve``, on a connection of its own).

        Inside a unit of work (a page rerun) each link is resolved once, until the unit writes
        (``db.remembered``)."""
        memory = dbmod.remembered(self.path)
        key = ("actor", code, token)
        if memory is not None and key in memory:
            return memory[key]
        with dbmod.connection(self.path) as db:
            actor = self.resolve(db, code, token)
        if memory is not None:
            memory[key] = actor
        return actor

    def resolve(self, db, code: str | None, token: str | None, *, fresh: bool = False) -> Actor:
        """The holder of a link, read on the connection ``db``: ``identify``, with the session.
        ``fresh``: read the session again rather than the unit's copy (a writer, inside its transaction,
        so a link replaced or a person removed a moment ago grants nothing)."""
        clean = tokens.normalise_code(code)
        session_of = self.load_session if fresh else self._session_of_unit
        if token is None:  # the share link: the code alone
            if clean is None:
                raise NotFound(UNKNOWN_CODE)
            return Actor(session_of(db, clean), None, Role.JOINER)
        role, participant = self.identify(db, clean, token)
        return Actor(session_of(db, str(clean)), participant, role)

    def identify(self, db, code: str | None, token: str | None) -> tuple[Role, Participant | None]:
        """The one place that turns a token into its holder: which link it is in the session with the
        (normalised) ``code``, and the participant for a personal link.

        The token is compared, in constant time, with the session's facilitator, survey and presenter
        tokens, then with its participants' personal tokens. AccessDenied, with one message whether or
        not the session exists, for anything else (an expired session too); LinkRemoved for a personal
        link the facilitator removed."""
        if code is None or not tokens.looks_like_token(token):
            raise AccessDenied(DENIED)
        row = next(iter(db.query("SELECT * FROM sessions WHERE code = ?", [code])), None)
        if row is None or self._expired(row["created_at"]):
            raise AccessDenied(DENIED)
        for role, column in _LINK_COLUMNS:  # a database before m002/m007 lacks a column: no such link
            if tokens.token_matches(token, row.get(column)):
                return role, None
        person = next(
            iter(
                db.query(
                    """SELECT q.*, p.name AS party FROM participants q JOIN parties p ON p.id = q.party_id
                       WHERE q.token_hash = ? AND q.session_id = ?""",
                    [tokens.hash_token(str(token)), row["id"]],
                )
            ),
            None,
        )
        if person is not None and tokens.token_matches(token, person["token_hash"]):
            return Role.PARTICIPANT, _participant(person)
        if self._removed(db, code, str(token)):
            raise LinkRemoved(REMOVED)
        raise AccessDenied(DENIED)

    def facilitator(self, code: str | None, token: str | None) -> Session:
        """The session, if ``token`` is its facilitator token; AccessDenied (one message) otherwise."""
        actor = self.authorise(code, token) if token else None
        if actor is None or actor.role is not Role.FACILITATOR:
            raise AccessDenied(DENIED)
        return actor.session

    def participant(self, code: str | None, token: str | None) -> Participant:
        """The participant this personal token belongs to, in this session; AccessDenied otherwise."""
        actor = self.authorise(code, token) if token else None
        if actor is None or actor.participant is None:
            raise AccessDenied(DENIED)
        return actor.participant

    def open(self, code: str | None, token: str | None) -> View:
        """The view this link gives of the session (``token`` None: the share link): who its holder is,
        resolved once (AccessDenied, with one message whether or not the session exists, for a wrong
        token; NotFound for an unknown code with no token)."""
        actor = self.authorise(code, token)
        rights.ensure(actor, Action.SEE_SESSION)
        return View(self, actor, token)

    def change_marker(self, code: str) -> tuple:
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

    def current_round(self, code: str) -> Round:
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

    def my_round(self, code: str, participant: Participant) -> MyRound:
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

    # ------------------------------------------------------------------ facilitator actions

    def create_session(
        self,
        title: str,
        parties,
        *,
        our_org: str = "",
        partner_org: str = "",
        flows: str = "",
        catalogue: Catalogue | None = None,
        blind: bool = True,
        anonymity: Anonymity | str = Anonymity.NAMED,
    ) -> Created:
        """Create a session and its first round; returns it with the facilitator token (shown once).
        ``anonymity``: who sees people's names (``trustcore.anonymity``), fixed for the session's life."""
        anonymity = anonymity_mod.parse(anonymity)
        title = clean_line(title, field="The title", max_len=TITLE_MAX)
        our_org = clean_line(our_org, field="Our organisation", max_len=NAME_MAX, required=False)
        partner_org = clean_line(partner_org, field="The partner", max_len=NAME_MAX, required=False)
        flows = clean_text(flows, field="The flows", max_len=TEXT_MAX)
        party_list = _parse_parties(parties)
        if anonymity is not Anonymity.NAMED and any(members for _, members in party_list):
            raise InvalidInput(
                "This session hides people's names, so its parties cannot list their members: leave the members "
                "empty, or choose “Names shown”."
            )
        catalogue = catalogue or catalogue_mod.default()
        token = tokens.new_token()
        stamp = now()
        with dbmod.write(self.path) as db:
            while True:
                code = tokens.new_code()
                if not list(db.query("SELECT 1 FROM sessions WHERE code = ?", [code])):
                    break
            sid = dbmod.insert(
                db,
                """INSERT INTO sessions (code, title, our_org, partner_org, flows, blind, current_round,
                                         catalogue, facilitator_hash, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)""",
                [
                    code,
                    title,
                    our_org,
                    partner_org,
                    flows,
                    int(bool(blind)),
                    catalogue.to_json(),
                    tokens.hash_token(token),
                    stamp,
                    stamp,
                ],
            )
            if anonymity is not Anonymity.NAMED:  # the column's default (which a database before m008 lacks)
                db.execute("UPDATE sessions SET anonymity = ? WHERE id = ?", [anonymity.value, sid])
            for pos, (name, members) in enumerate(party_list):
                db.execute(
                    "INSERT INTO parties (session_id, position, name, members) VALUES (?, ?, ?, ?)",
                    [sid, pos, name, json.dumps(members, ensure_ascii=False)],
                )
            db.execute("INSERT INTO rounds (session_id, number, opened_at) VALUES (?, 1, ?)", [sid, stamp])
            events.log(
                db,
                sid,
                "facilitator",
                "session_created",
                {"parties": len(party_list), "elements": len(catalogue), "anonymity": anonymity.value},
            )
            return Created(self.load_session(db, code), token)

    def require(
        self,
        code: str | None,
        token: str | None,
        action: Action,
        *,
        party_id: int | None = None,
        round_number: int | None = None,
    ) -> Actor:
        """Who the token makes its holder, once ``trustcore.rights`` allows them ``action`` now.

        AccessDenied (one message, whether or not the session exists) for a token without the right;
        NotAllowedNow for a right that waits for a reveal or ended with the round's lock."""
        actor = self.authorise(code, token)
        rights.ensure(actor, action, party_id=party_id, round_number=round_number)
        return actor

    @contextlib.contextmanager
    def write_as(self, code: str, token: str | None, action: Action, *, party_id: int | None = None):
        """``require`` the right, then open a write transaction and yield (db, session), the session
        re-read inside the transaction and the right checked again on it, so concurrent actions (a
        double click, two tabs, a lock) see each other's effects."""
        actor = self.require(code, token, action, party_id=party_id)
        with dbmod.write(self.path) as db:
            fresh = self.resolve(db, actor.session.code, token, fresh=True)
            rights.ensure(fresh, action, party_id=party_id)
            yield db, fresh.session

    def lock(self, code: str, token: str | None) -> Session:
        """Stop accepting rankings in the current round (participants can no longer change theirs)."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            db.execute(
                "UPDATE rounds SET locked_at = coalesce(locked_at, ?) WHERE session_id = ? AND number = ?",
                [now(), s.id, s.current_round],
            )
            _touch(db, s.id)
            events.log(db, s.id, "facilitator", "round_locked", {"round": s.current_round})
            return self.load_session(db, s.code)

    def unlock(self, code: str, token: str | None) -> Session:
        """Accept rankings again in the current round; not after its results were revealed."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
            if s.round.status is RoundStatus.REVEALED:
                raise NotAllowedNow("This round's results are revealed; open a new round instead of unlocking it.")
            db.execute(  # the timer goes too: one that ran out would lock the round again at once
                "UPDATE rounds SET locked_at = NULL, timer_ends_at = NULL, timer_locks = 0"
                " WHERE session_id = ? AND number = ?",
                [s.id, s.current_round],
            )
            _touch(db, s.id)
            events.log(db, s.id, "facilitator", "round_unlocked", {"round": s.current_round})
            return self.load_session(db, s.code)

    def reveal(self, code: str, token: str | None) -> Session:
        """Show the current round's comparison to everyone. Revealing also locks the round, so nobody can
        rank after seeing the others, and closes joining, so the share link (printed in a report, say) no
        longer makes anyone a member of a party; the facilitator reopens joining to admit a late joiner."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
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

    def next_round(self, code: str, token: str | None) -> Session:
        """Lock the current round and open the next one; everyone re-ranks from their previous order."""
        with self.write_as(code, token, Action.RUN_ROUNDS) as (db, s):
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
                    "Rankings were already submitted in this session, so its elements can no "
                    "longer change. Create a new session for another list."
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
        name = clean_line(name, field="Your name", max_len=NAME_MAX, required=False)
        session = self.require(code, None, Action.JOIN).session  # the share link: the code alone
        if session.anonymity is Anonymity.ANONYMOUS:
            name = ""
        try:
            party = session.party(int(party_id))
        except (KeyError, TypeError, ValueError):
            raise InvalidInput("Choose one of this session's parties.") from None
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
                raise NotAllowedNow(SESSION_FULL.format(cap=cap))
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

    def _removed(self, db, code: str, token: str) -> bool:
        """Whether this personal token belonged to someone the facilitator removed from the session (only
        asked for a token that matches nobody; a database from before m006 has no such links)."""
        return "removed_links" in dbmod.tables(self.path, db) and _removed_link(db, code, token)

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
            raise InvalidInput("The round of a ranking must be a whole number.")
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
            start = previous["start_order"] if previous else json.dumps(list(self._start_order(db, me, number)))
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

    def start_order(self, participant: Participant, round_number: int) -> tuple[str, ...]:
        """The order a participant starts from in a round: their random shuffle in round 1, their
        previous round's order afterwards (or the shuffle if they did not rank then)."""
        with dbmod.connection(self.path) as db:
            return self._start_order(db, participant, round_number)

    @staticmethod
    def _start_order(db, participant: Participant, round_number: int) -> tuple[str, ...]:
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

    def my_ranking(self, participant: Participant, round_number: int) -> Ranking | None:
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

    def rankings(
        self, code: str, round_number: int | None = None, *, history: bool = False, masked: bool = False
    ) -> list[Ranking]:
        """Current rankings of one round (or every round when ``round_number`` is None), in party then
        participant order. ``history=True`` adds the replaced ones too. ``masked=True``: as participants
        may see them, each person as "Participant N" where the session hides names from them
        (``trustcore.anonymity``).

        The caller decides who may see them (``Session.results_visible``); pages show them only then.
        """
        session = self.session(code)
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
            return self.rankings(actor.session.code, round_number, masked=not actor.is_facilitator)
        try:
            actor = self.require(code, token, Action.SEE_RESULTS)
        except NotAllowedNow:  # a participant before any round was revealed: nothing to see yet
            return []
        session = actor.session
        rounds = {
            r.number for r in session.rounds if session.results_visible(r.number, facilitator=actor.is_facilitator)
        }
        return [r for r in self.rankings(session.code, masked=not actor.is_facilitator) if r.round in rounds]

    def facilitator_progress(self, code: str, token: str | None) -> Progress:
        """Who has joined and who has submitted (facilitator only)."""
        return self.progress(self.require(code, token, Action.SEE_PROGRESS).session.code)

    def progress(self, code: str) -> Progress:
        """Who has joined and who has submitted in the current round."""
        session = self.session(code)
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


def query_rankings(db, session_id: int, round_number: int | None = None, *, history: bool = False) -> list[Ranking]:
    """A session's current rankings of one round (or every round when ``round_number`` is None), read on
    the connection ``db``, in round, party then participant order (oldest first); ``history=True`` adds
    the replaced ones too. Checks no rights: ``Store.rankings`` and the follow-up features call it."""
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


def _round_moved(shown: int, current: Round) -> str:
    """Why a ranking made on round ``shown``'s page was not saved, ``current`` being the current round."""
    if current.number < shown:
        said = f"Round {shown} is not open"
    elif current.status is RoundStatus.OPEN:
        said = f"Round {shown} has closed and round {current.number} is open"
    else:
        said = f"Round {shown} has closed"
    return f"{said}: your ranking was not saved. The page now shows round {current.number}."


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
