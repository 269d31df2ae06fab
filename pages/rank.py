"""My ranking: a participant orders the elements and submits; they may resubmit until the round locks."""

import streamlit as st

from trustcore import links
from trustcore.errors import AccessDenied, InvalidInput, NotAllowedNow, NotFound
from ui import ranking
from ui.common import link_box, problem, session_header
from ui.context import base_url, page_context
from ui.live import watch_round

ctx = page_context("participant")
store, session, me = ctx.store, ctx.session, ctx.participant
catalogue = session.catalogue
names = catalogue.names
rnd = session.round

session_header(session, subtitle=f"{me.name}, for {me.party}")
watch_round(ctx)

if st.session_state.pop("just_joined", False):
    st.success("You have joined. Your personal link below brings you back to this page from any device.",
               icon=":material/waving_hand:")
with st.expander("Your personal link", icon=":material/link:"):
    link_box("Bookmark or copy it to come back to your ranking later, on any device. Keep it to yourself: "
             "it lets whoever has it change your ranking.", links.participant_link(base_url(), session.code,
                                                                                     ctx.params["me"]))

mine = store.my_ranking(me, rnd.number)


def show_order(order) -> None:
    st.dataframe({"Rank": list(range(1, len(order) + 1)), "Element": [names[e] for e in order]},
                 hide_index=True, width="stretch")


if rnd.status != "open":
    if mine:
        st.info(f"Round {rnd.number} is locked. This is the ranking you submitted:", icon=":material/lock:")
        show_order(mine.order)
    else:
        st.warning(f"Round {rnd.number} is locked, and you did not submit a ranking in it.", icon=":material/lock:")
    if session.results_visible():
        st.page_link("pages/compare.py", label="See the comparison", icon=":material/compare_arrows:")
    else:
        st.caption("The comparison appears here as soon as the facilitator reveals it.")
    st.stop()

key = f"rank:{session.code}:{me.id}:{rnd.number}"
start = list(mine.order) if mine else list(store.start_order(me, rnd.number))
if f"{key}:order" not in st.session_state:
    ranking.reset(key, start)

if rnd.number > 1 and not mine:
    st.info(f"Round {rnd.number}: you start from your order in the previous round. Change it as the discussion "
            "suggests, then submit.", icon=":material/replay:")
st.markdown(f"Put the {len(catalogue)} elements in order of importance **for this relationship**: most important at "
            "the top.")
mode = st.segmented_control("How to reorder", [ranking.DRAG, ranking.BUTTONS], default=ranking.DRAG,
                            key="rank_mode", help="Drag and drop: press, hold and drag an element (on a keyboard: "
                            "Tab to it, Space to pick it up, arrow keys to move, Space to drop). Move buttons: "
                            "one step at a time, no dragging.") or ranking.DRAG
order = ranking.ranking_input(key, catalogue, start, mode=mode)

with st.expander("What the elements mean", icon=":material/info:"):
    st.dataframe({"Element": [e.name for e in catalogue.elements],
                  "What it covers": [e.description for e in catalogue.elements]},
                 hide_index=True, width="stretch")

if mine and list(mine.order) == order:
    st.success(f"Your ranking is stored (submitted at {mine.submitted_at}). You can change it and submit again "
               "until the facilitator locks the round.", icon=":material/check_circle:")
elif mine:
    st.warning("You have changed your order since you submitted: submit again to store the new one.",
               icon=":material/edit:")

label = "Submit my new order" if mine else "Submit my ranking"
if st.button(label, key="submit_ranking", type="primary", icon=":material/send:",
             disabled=bool(mine and list(mine.order) == order)):
    try:
        result = store.submit(session.code, ctx.params["me"], order)
    except (InvalidInput, NotAllowedNow, AccessDenied, NotFound) as exc:
        problem(exc)
    else:
        st.session_state["submitted_note"] = (
            "That order was already stored: nothing changed." if result.unchanged else
            "Your new order replaced the previous one." if result.replaced else "Your ranking is stored.")
        st.rerun()

note = st.session_state.pop("submitted_note", None)
if note:
    st.toast(note, icon=":material/check_circle:")
