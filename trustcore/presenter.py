"""The presenter screen: a view-only link for the projector laptop, and the agenda item it shows.

The presenter link carries a token of its own (only its hash is stored). It shows what the room may see
and controls nothing, so the projector never holds the facilitator's rights: a projected address bar or a
forgotten tab leaks nothing that changes the session. Used as any other link, it is refused with the
same message as any wrong token. The facilitator creates, replaces and revokes it on the console, and
steps the screen through the discussion agenda after the reveal (``show_agenda_item``); the screen
follows within a poll.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import db as dbmod
from . import events, tokens, wording
from .errors import InvalidInput, Plural
from .i18n import ENGLISH, N_, Translator
from .model import RoundStatus, Session
from .results import RoundResults, round_results
from .rights import Action
from .store import Store
from .view import View


def new_presenter_link(view: View) -> str:
    """Create (or replace: the old one stops working) the presenter token; returns it. Facilitator only."""
    presenter_token = tokens.new_token()
    with view.write(Action.MANAGE_PRESENTER) as (db, s):
        replaced = bool(db.execute("SELECT presenter_hash FROM sessions WHERE id = ?", [s.id]).fetchone()[0])
        db.execute("UPDATE sessions SET presenter_hash = ? WHERE id = ?", [tokens.hash_token(presenter_token), s.id])
        events.log(db, s.id, "facilitator", "presenter_link_replaced" if replaced else "presenter_link_created", {})
    return presenter_token


def revoke_presenter_link(view: View) -> None:
    """The presenter link stops working (facilitator only)."""
    with view.write(Action.MANAGE_PRESENTER) as (db, s):
        db.execute("UPDATE sessions SET presenter_hash = NULL WHERE id = ?", [s.id])
        events.log(db, s.id, "facilitator", "presenter_link_revoked", {})


def has_presenter_link(view: View) -> bool:
    """Whether a presenter link works now (facilitator only)."""
    store, code, token = view.store, view.session.code, view.token
    session = store.require(code, token, Action.MANAGE_PRESENTER).session
    with dbmod.connection(store.path) as db:
        return bool(db.execute("SELECT presenter_hash FROM sessions WHERE id = ?", [session.id]).fetchone()[0])


def presenter_session(view: View) -> Session:
    """The session, if ``presenter_token`` is its current presenter token; AccessDenied otherwise."""
    return view.store.require(view.session.code, view.token, Action.PRESENT).session  # its token, checked again


def show_agenda_item(view: View, index: int) -> Session:
    """Put the discussion agenda's item ``index`` (0 = the first) on the presenter screen (facilitator)."""
    store, code, token = view.store, view.session.code, view.token
    try:
        index = int(index)
    except (TypeError, ValueError):
        raise InvalidInput(N_("Choose an item of the agenda.")) from None
    session = store.require(code, token, Action.MANAGE_PRESENTER).session
    count = len(agenda(_results(store, session)))  # the statistics, before the write lock is taken
    if not 0 <= index < max(count, 1):
        raise InvalidInput(
            Plural.ngettext(
                "The agenda has {n} item: choose one of them.",
                "The agenda has {n} items: choose one of them.",
                count,
            )
        )
    with view.write(Action.MANAGE_PRESENTER) as (db, s):
        db.execute("UPDATE sessions SET agenda_item = ? WHERE id = ?", [index, s.id])
        events.log(db, s.id, "facilitator", "agenda_item_shown", {"item": index})
        return store.load_session(db, s.code)


def _results(store: Store, session: Session) -> RoundResults:
    """The current round's results as the room may see them (names masked where the session hides them)."""
    number = session.current_round
    return round_results(session, store._rankings(session.code, number, masked=True), number)


def agenda(res: RoundResults, t: Translator = ENGLISH, names: dict[str, str] | None = None) -> tuple[str, ...]:
    """The discussion agenda of a round's results (``RoundResults.agenda``), as the screen steps through it,
    in ``t``'s language (``names``: the element names in it)."""
    if t is ENGLISH and names is None:
        return tuple(item.text for item in res.agenda)
    names = names or {row.element_id: row.element for row in res.divergence.rows}
    return tuple(item.sentence(names, t) for item in res.agenda)


@dataclass(frozen=True)
class Screen:
    """What the presenter screen shows: before the reveal the progress per party (counts only, never who
    is late), after it the headline, the divergence, and the agenda with the item on screen and the reasons
    its two parties gave for its two elements."""

    session: Session
    revealed: bool
    submitted: dict[str, tuple[int, int]]  # party -> (submitted, joined)
    headline: str = ""
    detail: str = ""
    agenda: tuple[str, ...] = ()
    item: int = 0
    reasons: tuple[str, ...] = ()  # the item's reasons, one line each


def screen(view: View, results: RoundResults | None = None, t: Translator = ENGLISH) -> Screen:
    """The presenter screen's content, for the presenter link's ``view`` (``PRESENT``); ``results``: the
    current round's as the room may see them (``View.results``), if the caller has them already (a page's
    cache), read here otherwise. ``t``: the room's language; the numbers are not computed again, only
    worded in it (``RoundResults.headline_in``), with the element names in it."""
    session = view.require(Action.PRESENT).session
    submitted = view.store._progress(session.code).parties_submitted(session)
    if session.round.status is not RoundStatus.REVEALED:
        return Screen(session, False, submitted)
    res = results or _results(view.store, session)
    names = session.catalogue.names if t is ENGLISH else session.catalogue.names_in(t.locale)
    headline = res.headline_in(t, None if t is ENGLISH else names)
    items = agenda(res, t, None if t is ENGLISH else names)
    item = min(session.agenda_item, max(len(items) - 1, 0))
    why = tuple(wording.reason_line(r, names, t) for r in res.agenda_reasons(res.agenda[item])) if items else ()
    return Screen(session, True, submitted, headline.summary, headline.detail or "", items, item, why)
