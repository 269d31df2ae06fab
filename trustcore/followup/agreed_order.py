"""Column A: the agreed order of the elements (fixed by the facilitator, or the consensus of the parties'
latest rankings, or the catalogue order)."""

from __future__ import annotations

import json

from .. import analysis, events
from .. import db as dbmod
from ..catalogue import validate_order
from ..clock import now
from ..errors import NotFound
from ..i18n import ENGLISH, N_, Translator
from ..rights import Action
from ..store import UNKNOWN_CODE
from ..view import View
from .common import _latest_orders, _one

FIXED = N_("fixed by the facilitator")
NO_RANKINGS = N_("catalogue order (no rankings yet)")
NOT_REVEALED = N_("catalogue order (no revealed rankings yet)")


def set_agreed_order(view: View, order) -> None:
    """Fix Column A's order (facilitator only); None goes back to the consensus."""
    with view.write(Action.FIX_AGREED_ORDER) as (db, s):
        value = None if order is None else json.dumps(list(validate_order(order, s.catalogue)))
        db.execute("UPDATE sessions SET agreed_order = ?, updated_at = ? WHERE id = ?", [value, now(), s.id])
        events.log(db, s.id, "facilitator", "agreed_order_cleared" if value is None else "agreed_order_set", {})


def _consensus(orders: list) -> tuple[tuple[str, ...], str]:
    if len(orders[0]) > analysis.KEMENY_MAX_ELEMENTS:
        return tuple(analysis.borda_consensus(orders)), "Borda"
    return tuple(analysis.kemeny_consensus(orders)), "Kemeny"


def agreed_order(view: View, *, all_rounds: bool = True, t: Translator = ENGLISH) -> tuple[tuple[str, ...], str]:
    """Column A: (order, where it comes from). The facilitator's fixed order if set; else the consensus
    (Kemeny; Borda for catalogues longer than analysis.KEMENY_MAX_ELEMENTS) of the parties' orders in the
    latest round with a ranking (for a participant, or with ``all_rounds=False`` for the facilitator's
    shareable copy (``audience.Audience.all_rounds``): the latest whose results participants may see);
    else the catalogue order. Where it comes from is worded in ``t``'s language."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    s = actor.session
    with dbmod.connection(store.path) as db:
        row = _one(db, "SELECT agreed_order FROM sessions WHERE id = ?", [s.id])
        if row is None:
            raise NotFound(UNKNOWN_CODE)
        if row["agreed_order"]:
            return tuple(json.loads(row["agreed_order"])), t.gettext(FIXED)
        number, orders, hidden = _latest_orders(db, s, facilitator=actor.is_facilitator and all_rounds)
    if number is None:
        return tuple(s.catalogue.ids), t.gettext(NOT_REVEALED if hidden else NO_RANKINGS)
    order, method = _consensus(list(orders.values()))
    return order, t.gettext("consensus ({method}) of round {round}", method=method, round=number)
