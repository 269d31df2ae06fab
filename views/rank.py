"""My ranking: a participant orders the elements and submits; they may resubmit until the round locks.

The order is edited outside any fragment (the sortable must never rerun under a finger). What the page
says about the stored ranking, and the submit button, live in one fragment: a click reruns only that
fragment, which stores the order and shows the confirmation in its own run. A tiny polling fragment
(``watch_round``) follows the round and repairs the page if Streamlit dropped a run's output
(``ui/healing.py``), so the page always ends up showing what is stored.
"""

import datetime as dt

import streamlit as st

from trustcore import db, links, wording
from trustcore import tables as table_of
from trustcore.clock import FORMAT
from trustcore.errors import NotAllowedNow, NotFound, RoundChanged, TrustcoreError
from trustcore.i18n import N_
from trustcore.model import Role, RoundStatus
from trustcore.text import markdown_escape as esc
from ui import cached, outage, ranking
from ui.common import link_box, problem, session_header
from ui.context import base_url, page_context
from ui.flash import show as show_flash
from ui.i18n import translator
from ui.live import move_on, retry_soon, settled, watch_round
from ui.tables import show as show_table
from ui.timer import show_timer


def show_other_reasons(ctx, previous: int) -> None:
    """Delphi's second round: the other parties' reasons, from the previous round, for the elements this
    participant put furthest from them (once that round's results are visible to participants)."""
    session, me = ctx.session, ctx.participant
    if not session.results_visible(previous):
        return
    res = cached.results(ctx.view, previous, ctx.view.change_marker())
    contrasts = res.to_reconsider(me.id)
    if not contrasts:
        return
    with st.expander(
        t.gettext("What the other parties said in round {round}", round=previous),
        expanded=True,
        icon=":material/forum:",
    ):
        st.caption(
            t.gettext("The elements you ranked most differently from the other parties, and the reasons they gave.")
        )
        for c in contrasts:
            st.markdown(
                t.gettext(
                    "**{element}**: {contrast}",
                    element=esc(names[c.element_id]),
                    contrast=esc(wording.contrast_line(c, t=t)),
                )
            )
            if c.reasons:
                st.text("\n".join(wording.reason_line(r, t=t) for r in c.reasons))
            else:
                st.caption(t.gettext("No reason given by the other parties."))


ctx = page_context(Role.PARTICIPANT)
store, session, me = ctx.store, ctx.session, ctx.participant
catalogue = session.catalogue
t = translator(ctx)
names = catalogue.names_in(t.locale)  # each element in the reader's language (the catalogue's own where untranslated)
rnd = session.round

session_header(session, subtitle=t.gettext("{name}, for {party}", name=me.name, party=me.party), t=t)
# Messages that only some runs show go into this one slot, so every element below keeps its place from
# run to run: Streamlit names a fragment by where it is drawn, and a click sent while the page is being
# redrawn must still reach the same fragment (a fragment whose name changed drops the click).
notice = st.container()

show_flash(notice)
# a ranking made on an earlier round's page, refused because this round had opened meanwhile
MOVED = f"rank:round-changed:{session.code}:{me.id}"
if MOVED in st.session_state:
    moved = st.session_state.pop(MOVED)
    notice.warning(moved.translated(t) if isinstance(moved, TrustcoreError) else str(moved), icon=":material/warning:")
with notice:
    show_timer(rnd)  # the round timer, if the facilitator started one
with st.expander(t.gettext("Your personal link"), icon=":material/link:"):
    link_box(
        t.gettext(
            "Bookmark or copy it to come back to your ranking later, on any device. Keep it to yourself: "
            "it lets whoever has it change your ranking."
        ),
        links.participant_link(base_url(), session.code, ctx.params["me"], ctx.params.get("lang")),
    )
# The language of this tab: a switch keeps the order and the reasons typed so far (kept by element id).


def show_order(order, caption: str) -> None:
    show_table(table_of.order(caption, order, names, t))


def when(stamp: str) -> str:
    """A stored time (UTC) as the reader's locale writes it."""
    try:
        moment = dt.datetime.strptime(stamp, FORMAT).replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError):
        return stamp
    return t.gettext("{time} UTC", time=t.datetime(moment, "medium"))


if rnd.status is not RoundStatus.OPEN:
    watch_round(ctx)
    mine = ctx.view.my_ranking(rnd.number)
    if mine:
        st.info(
            t.gettext("Round {round} is locked. This is the ranking you submitted:", round=rnd.number),
            icon=":material/lock:",
        )
        show_order(mine.order, t.gettext("The ranking you submitted in round {round}", round=rnd.number))
    else:
        st.warning(
            t.gettext("Round {round} is locked, and you did not submit a ranking in it.", round=rnd.number),
            icon=":material/lock:",
        )
    if session.results_visible():
        st.page_link("views/compare.py", label=t.gettext("See the comparison"), icon=":material/compare_arrows:")
    else:
        st.caption(t.gettext("The comparison appears here as soon as the facilitator reveals it."))
    st.stop()

key = f"rank:{session.code}:{me.id}:{rnd.number}"
if f"{key}:order" not in st.session_state:
    mine = ctx.view.my_ranking(rnd.number)
    # a new round starts from the previous round's order, and its reasons, which one may then revise
    earlier = mine or (ctx.view.my_ranking(rnd.number - 1) if rnd.number > 1 else None)
    ranking.reset(
        key,
        list(mine.order) if mine else list(ctx.view.start_order(rnd.number)),
        dict(earlier.reasons) if earlier else {},
    )
start = st.session_state[f"{key}:order"]

if rnd.number > 1:
    notice.info(
        t.gettext(
            "Round {round}: you start from your order and reasons in the previous round. Change them as the "
            "discussion suggests, then submit.",
            round=rnd.number,
        ),
        icon=":material/replay:",
    )
    show_other_reasons(ctx, rnd.number - 1)
st.markdown(
    t.ngettext(
        "Put the {n} element in order of importance **for this relationship**: most important at the top.",
        "Put the {n} elements in order of importance **for this relationship**: most important at the top.",
        len(catalogue),
    )
)
mode = (
    st.segmented_control(
        t.gettext("How to reorder"),
        [ranking.DRAG, ranking.BUTTONS],
        default=ranking.DRAG,
        key="rank_mode",
        format_func=lambda code: t.gettext(ranking.MODES[code]),  # stable codes: a switch of language keeps the mode
        help=t.gettext(
            "Drag and drop: press, hold and drag an element (on a keyboard: "
            "Tab to it, Space to pick it up, arrow keys to move, Space to drop). Move buttons: "
            "one step at a time, no dragging."
        ),
    )
    or ranking.DRAG
)
with st.container():  # one slot, whichever input mode draws how many elements
    order_now = ranking.ranking_input(key, catalogue, start, mode=mode, t=t)
with st.container():
    ranking.reasons_input(key, catalogue, order_now, t=t)

with st.expander(t.gettext("What the elements mean"), icon=":material/info:"):
    show_table(cached.elements_table(catalogue, t.locale))  # built once per catalogue and language

NOTES = {  # kept as codes, worded when shown (the reader may switch language in between)
    "unchanged": N_("(That order was already stored: nothing changed.)"),
    "replaced": N_("(Your new order replaced the previous one.)"),
    "stored": "",
}


PENDING = f"{key}:pending"  # (order, reasons, round) of a click not stored yet: the database did not answer
TRIED = f"{key}:tried"  # this run already tried to store it (the click's own run): no second try at once
SAVED_NOW = f"{key}:saved-now"  # this run stored it


def store_pending() -> None:
    """Store the ranking of the last click (``PENDING``). When the database is not answering it stays
    pending: the page says the ranking was not saved yet, and the block tries again (``live.retry_soon``)
    until it is stored or refused."""
    order, reasons, shown = st.session_state[PENDING]
    try:
        result = ctx.view.submit(order, reasons, round_number=shown)
    except Exception as exc:
        if db.unavailable(exc):
            outage.unsaved(True)
            return
        del st.session_state[PENDING]
        outage.unsaved(False)
        if isinstance(exc, RoundChanged):  # another round opened first: the page of that round says so
            st.session_state[MOVED] = exc
        elif isinstance(exc, NotAllowedNow):
            pass  # the round locked first: the fragment below sees it and shows the locked round
        elif isinstance(exc, TrustcoreError):
            st.session_state[f"{key}:problem"] = exc
        else:
            raise
        return
    del st.session_state[PENDING]
    outage.unsaved(False)
    st.session_state[SAVED_NOW] = True
    st.session_state[f"{key}:note"] = NOTES[
        "unchanged" if result.unchanged else "replaced" if result.replaced else "stored"
    ]


def submit(shown: int) -> None:
    """The submit button's callback: it runs first in the click's run, so the button and the status drawn
    after it already show the stored ranking (one run per click, and no stale "Submit" left enabled).
    ``shown`` is the round the page drew: the core refuses the ranking if another round is open now."""
    order = list(st.session_state[f"{key}:order"])
    st.session_state[PENDING] = (order, ranking.current_reasons(key, order), shown)
    st.session_state[TRIED] = True
    store_pending()


@st.fragment
def submit_block() -> None:
    """The submit button and what is stored (a click reruns only this). A ranking that could not be stored
    because the database was not answering is stored here, by the reruns the room watcher asks for."""
    if PENDING in st.session_state and not st.session_state.pop(TRIED, False):
        store_pending()
    st.session_state.pop(TRIED, None)
    if PENDING in st.session_state:  # still not stored: say so (no read now, it would wait as long again)
        outage.tell(saved=False)
        retry_soon(ctx)
        return
    with outage.in_fragment(saved=True if st.session_state.pop(SAVED_NOW, False) else None) as run:
        draw_submit_block()
    if run.failed:
        retry_soon(ctx)
    else:
        settled()


def draw_submit_block() -> None:
    try:
        state = ctx.view.my_round()
    except NotFound:
        st.rerun(scope="app")  # the session was deleted: the page will say so
        return
    if (state.number, state.status) != (rnd.number, RoundStatus.OPEN):
        move_on(ctx, state.number, state.status)  # locked, revealed or a new round: the page shows it
        return
    order = st.session_state[f"{key}:order"]
    mine = state.ranking
    same = bool(mine and list(mine.order) == order and mine.reasons == ranking.current_reasons(key, order))
    st.button(
        t.gettext("Submit my changes") if mine else t.gettext("Submit my ranking"),
        key="submit_ranking",
        type="primary",
        icon=":material/send:",
        disabled=same,
        on_click=submit,
        args=(ctx.drawn_round[0],),
    )
    failure = st.session_state.pop(f"{key}:problem", None)
    if failure:
        problem(failure, t)
    elif same:
        note = st.session_state.get(f"{key}:note")
        stored = t.gettext(
            "Your ranking is stored (submitted at {time}). You can change it and submit "
            "again until the facilitator locks the round.",
            time=when(mine.submitted_at),
        )
        st.success(
            t.gettext("{stored} {note}", stored=stored, note=t.gettext(note)) if note else stored,
            icon=":material/check_circle:",
        )
    elif mine:
        st.warning(
            t.gettext("You have changed your ranking since you submitted: submit again to store the new one."),
            icon=":material/edit:",
        )


submit_block()
watch_round(ctx)
