"""Earlier sessions: the link to the previous session of the same relationship (revisited), and what
changed since (``changes_since_previous``)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import analysis, events, results, wording
from .. import db as dbmod
from ..clock import now
from ..errors import AccessDenied, InvalidInput, NotFound
from ..i18n import ENGLISH, N_, Translator
from ..model import STATUSES, Session
from ..rights import Action
from ..store import DENIED
from ..view import View
from .common import _latest_orders, _one
from .next_steps import NextStep, _steps


@dataclass(frozen=True)
class Changes:
    """What changed since the previous session of the same relationship."""

    previous_code: str | None  # None for a participant: the earlier session's code would be its share link
    previous_title: str
    previous_created_at: str
    moved: dict[str, float]  # party -> Kendall tau-b of its order then and now (parties in both)
    previous_steps: tuple[NextStep, ...]  # the earlier session's next steps, with their current status (facilitator)
    steps_by_status: dict[str, int]  # of previous_steps, every status in model.STATUSES
    previous_round: int | None  # the round compared: the latest with a ranking (None: nobody ranked)
    round: int | None  # this session's round compared (the latest with a ranking the reader may see)
    agreement_then: wording.Headline | None  # between the parties then (None: fewer than two ranked)
    agreement_now: wording.Headline | None
    same_catalogue: bool  # False: the sessions ranked different elements, so no movement is computed


def link_previous(view: View, previous_code: str, previous_facilitator_token: str) -> None:
    """Record that this session follows ``previous_code`` (the same relationship, revisited). Needs the
    facilitator token of both sessions; refuses the session itself and links that would make a loop."""
    store = view.store
    previous = store.require(previous_code, previous_facilitator_token, Action.LINK_SESSIONS).session
    with view.write(Action.LINK_SESSIONS) as (db, s):
        if previous.id == s.id:
            raise InvalidInput(N_("A session cannot follow itself: give the code of an earlier session."))
        seen = {s.id}
        cursor: int | None = previous.id
        while cursor is not None:
            if cursor in seen:
                raise InvalidInput(N_("That session already follows this one: linking them would make a loop."))
            seen.add(cursor)
            row = _one(db, "SELECT previous_session_id FROM sessions WHERE id = ?", [cursor])
            cursor = row["previous_session_id"] if row else None
        if _one(db, "SELECT 1 FROM sessions WHERE id = ?", [previous.id]) is None:
            raise AccessDenied(DENIED)  # deleted meanwhile
        db.execute(
            "UPDATE sessions SET previous_session_id = ?, updated_at = ? WHERE id = ?", [previous.id, now(), s.id]
        )
        events.log(db, s.id, "facilitator", "previous_linked", {"previous_session": previous.id})


def unlink_previous(view: View) -> None:
    """Forget the link to an earlier session (facilitator only)."""
    with view.write(Action.LINK_SESSIONS) as (db, s):
        db.execute("UPDATE sessions SET previous_session_id = NULL, updated_at = ? WHERE id = ?", [now(), s.id])
        events.log(db, s.id, "facilitator", "previous_unlinked", {})


def _headline(session: Session, orders: dict, t: Translator = ENGLISH) -> wording.Headline | None:
    if len(orders) < 2:
        return None
    names = session.catalogue.names if t is ENGLISH else session.catalogue.names_in(t.locale)
    return results.headline(orders, names, t)


def changes_since_previous(view: View, t: Translator = ENGLISH) -> Changes | None:
    """What changed since the linked earlier session; None if there is none (or it was deleted, or has
    expired: an earlier session that grants nothing is as good as unlinked).

    Parties are matched by name (ignoring case). Each side's orders come from its latest round with a
    ranking. The facilitator (who linked the sessions with both facilitator links) sees all of it. A
    participant holds no link to the earlier session, so they get nothing that works as one (no code)
    and only what a participant of either session may see: its title and date, and the agreement and
    movement from rounds whose results were revealed (in this session and in the earlier one); not the
    earlier next steps, whose owners are people of the earlier session. ``t``: the reader's translator, in
    whose language the agreement headlines are worded (the elements named in it)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    s = actor.session
    with dbmod.connection(store.path) as db:
        row = _one(db, "SELECT previous_session_id FROM sessions WHERE id = ?", [s.id])
        if row is None or row["previous_session_id"] is None:
            return None
        prev_row = _one(db, "SELECT code FROM sessions WHERE id = ?", [row["previous_session_id"]])
        if prev_row is None:
            return None
        try:
            prev = store.load_session(db, prev_row["code"])
        except NotFound:  # expired
            return None
        facilitator = actor.is_facilitator
        prev_round, then, _ = _latest_orders(db, prev, facilitator=facilitator)
        cur_round, now_, _ = _latest_orders(db, s, facilitator=facilitator)
        steps = tuple(_steps(db, prev)) if facilitator else ()
    same = set(prev.catalogue.ids) == set(s.catalogue.ids)
    names = {p.name.casefold(): p.name for p in s.parties}
    then_named = {names.get(party.casefold(), party): order for party, order in then.items()}
    moved = analysis.movement(then_named, now_) if same else {}
    by_status = {status: sum(1 for st in steps if st.status == status) for status in STATUSES}
    return Changes(
        previous_code=prev.code if facilitator else None,
        previous_title=prev.title,
        previous_created_at=prev.created_at,
        moved=moved,
        previous_steps=steps,
        steps_by_status=by_status,
        previous_round=prev_round,
        round=cur_round,
        agreement_then=_headline(prev, then, t),
        agreement_now=_headline(s, now_, t),
        same_catalogue=same,
    )
