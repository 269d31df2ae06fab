"""Who may still join a session: the facilitator closes or reopens joining and sets the cap on participants.

``Store.join`` enforces both inside its write transaction, so a join that arrives after the close, or
the one past the cap, is refused and creates nothing. The cap also bounds what a flood of joins from
the share link can cost the console and the comparison.
"""

from __future__ import annotations

import json

from . import db as dbmod
from . import events
from .errors import InvalidInput, Plural
from .i18n import ENGLISH, N_, Translator
from .model import Session
from .rights import Action
from .store import participant_count
from .view import View

MAX_CAP = 2000


def set_joining(view: View, *, open: bool | None = None, cap=None) -> Session:
    """Open or close joining (``open``) and/or set the cap (``cap``, 1 to 2000; not below who has joined)."""
    store = view.store
    if cap is not None:
        try:
            cap = int(cap)
        except (TypeError, ValueError):
            raise InvalidInput(N_("The limit must be a whole number of participants.")) from None
        if not 1 <= cap <= MAX_CAP:
            raise InvalidInput(N_("The limit must be between 1 and {most} participants."), most=MAX_CAP)
    with view.write(Action.MANAGE_JOINING) as (db, s):
        detail: dict = {}
        if cap is not None and cap != s.join_cap:
            joined = participant_count(db, s.id)
            if cap < joined:
                raise InvalidInput(
                    Plural.ngettext(
                        "{n} person has joined already: the limit cannot be lower than that.",
                        "{n} people have joined already: the limit cannot be lower than that.",
                        joined,
                    )
                )
            db.execute("UPDATE sessions SET join_cap = ? WHERE id = ?", [cap, s.id])
            detail["cap"] = cap
        if open is not None and bool(open) != s.joining_open:
            db.execute("UPDATE sessions SET joining_closed = ? WHERE id = ?", [int(not open), s.id])
            detail["open"] = bool(open)
        if detail:
            events.log(db, s.id, "facilitator", "joining_changed", detail)
        return store.load_session(db, s.code)


def closed_note(view: View, t: Translator = ENGLISH) -> str | None:
    """What the console says about joining while it is closed (None while it is open): whether it closed
    when the round was revealed (``Store.reveal`` closes it) and how to admit a late joiner (in ``t``'s
    language)."""
    store, code, token = view.store, view.session.code, view.token
    s = store.require(code, token, Action.MANAGE_JOINING).session
    if s.joining_open:
        return None
    with dbmod.connection(store.path) as db:
        changes = [
            json.loads(r["detail"])
            for r in db.query(
                "SELECT detail FROM events WHERE session_id = ? AND action = 'joining_changed' ORDER BY id DESC",
                [s.id],
            )
        ]
    closing: dict = next((c for c in changes if "open" in c), {})  # the latest change that opened or closed it
    at_reveal = closing.get("reason") == "reveal"
    if at_reveal:
        # Translators: {toggle} and {button} are the console's labels "Joining is open" and "Save joining"
        return t.gettext(
            "Joining closed when you revealed the results: the share link and the code admit nobody new, so only "
            "the people listed above act for their parties (agree to next steps, edit their worksheet entries and "
            "organisation-wide ranking; remove anyone who should not under People). To admit a late joiner, "
            "switch on “{toggle}” and press “{button}”, then close it again once they have joined.",
            toggle=t.gettext("Joining is open"),
            button=t.gettext("Save joining"),
        )
    # Translators: {toggle} and {button} are the console's labels "Joining is open" and "Save joining"
    return t.gettext(
        "Joining is closed: the share link and the code admit nobody new, so only the people listed above act for "
        "their parties (agree to next steps, edit their worksheet entries and organisation-wide ranking; remove "
        "anyone who should not under People). To admit a late joiner, switch on “{toggle}” and press “{button}”, "
        "then close it again once they have joined.",
        toggle=t.gettext("Joining is open"),
        button=t.gettext("Save joining"),
    )
