"""Sessions: created, read (once per unit of work), listed, expired after the retention period."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, Self

from .. import anonymity as anonymity_mod
from .. import catalogue as catalogue_mod
from .. import db as dbmod
from .. import events, signin, tokens
from ..catalogue import Catalogue
from ..clock import now
from ..errors import InvalidInput, NotFound, Phrase
from ..i18n import N_
from ..model import (
    DEFAULT_JOIN_CAP,
    MAX_PARTIES,
    MIN_PARTIES,
    Anonymity,
    Created,
    Party,
    Session,
    SessionSummary,
)
from ..text import NAME_MAX, TEXT_MAX, TITLE_MAX, clean_line, clean_text
from .rows import EXPIRED, RETENTION_ENV, UNKNOWN_CODE, _round


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
        raise InvalidInput(
            N_("{variable} must be a whole number of days (1 or more), not {value}."),
            variable=RETENTION_ENV,
            value=repr(raw),
        ) from None
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
        name = clean_line(name, field=Phrase(N_("Party {n}'s name"), n=len(out) + 1), max_len=NAME_MAX)
        kept = tuple(
            m
            for m in (
                clean_line(m, field=Phrase(N_("A member of {party}"), party=name), required=False) for m in members
            )
            if m
        )
        out.append((name, kept))
    if not MIN_PARTIES <= len(out) <= MAX_PARTIES:
        raise InvalidInput(
            N_("A session needs {low} to {high} parties; {given} given."),
            low=MIN_PARTIES,
            high=MAX_PARTIES,
            given=len(out),
        )
    seen = set()
    for name, _ in out:
        if name.casefold() in seen:
            raise InvalidInput(N_("Two parties are called {name}: give each party its own name."), name=repr(name))
        seen.add(name.casefold())
    return out


class Sessions:
    """The store's target and its sessions (the base of ``Store``)."""

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

    def initialise(self) -> Self:
        dbmod.initialise(self.path)
        return self

    # ------------------------------------------------------------------ reading sessions

    def _session(self, code: str | None) -> Session:
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
            raise NotFound(EXPIRED, days=self.retention_days)
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
        owner: str | None = None,
    ) -> Created:
        """Create a session and its first round; returns it with the facilitator token (shown once).
        ``anonymity``: who sees people's names (``trustcore.anonymity``), fixed for the session's life;
        ``owner``: the signed-in creator's e-mail address (``trustcore.signin``), None without sign-in."""
        owner_email = signin.email_of(owner) if owner is not None else None
        if owner is not None and owner_email is None:
            raise InvalidInput(N_("The signed-in account has no e-mail address, so the session cannot be yours."))
        anonymity = anonymity_mod.parse(anonymity)
        title = clean_line(title, field=N_("The title"), max_len=TITLE_MAX)
        our_org = clean_line(our_org, field=N_("Our organisation"), max_len=NAME_MAX, required=False)
        partner_org = clean_line(partner_org, field=N_("The partner"), max_len=NAME_MAX, required=False)
        flows = clean_text(flows, field=N_("The flows"), max_len=TEXT_MAX)
        party_list = _parse_parties(parties)
        if anonymity is not Anonymity.NAMED and any(members for _, members in party_list):
            raise InvalidInput(
                N_(
                    "This session hides people's names, so its parties cannot list their members: leave the "
                    "members empty, or choose “Names shown”."
                )
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
            if owner_email:  # m010's column: who signed in to create it ("My sessions")
                db.execute("UPDATE sessions SET owner_email = ? WHERE id = ?", [owner_email, sid])
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
