"""Join: someone opened the share link; they pick their party (and a name) and get a personal link.

The first page drawn in the reader's language (``ui/i18n.py``): its strings are marked (``t.gettext``), the
language comes from the browser or ``?lang=``, and ``<html lang>`` follows it."""

import streamlit as st

from trustcore import anonymity
from trustcore.errors import TrustcoreError
from trustcore.model import Anonymity, Role
from trustcore.store import JOINING_CLOSED
from trustcore.text import markdown_escape as esc
from ui.client import address as client_address
from ui.common import leave_session_button, problem, session_header, show_error
from ui.context import page_context, set_params
from ui.flash import flash
from ui.i18n import translator

ctx = page_context(Role.JOINER)
session = ctx.session
t = translator(ctx)

session_header(session, t=t)
show_error(ctx)
st.write(
    t.gettext(
        "You have been invited to rank the elements of trustworthy data stewardship for this relationship. "
        "Your ranking stays private until the facilitator reveals the comparison."
    )
    if session.blind
    else t.gettext(
        "You have been invited to rank the elements of trustworthy data stewardship for this relationship. "
        "In this session, results are shown live as rankings arrive."
    )
)
leave_label = t.gettext("Not your session? Enter another code")

if not session.joining_open:  # nothing to fill in: say so, and keep the way to another session
    st.info(t.gettext(JOINING_CLOSED), icon=":material/block:")
    leave_session_button(ctx, label=leave_label)
    st.stop()

st.info(
    t.gettext(
        "{label}: {explained}",
        label=t.gettext(anonymity.LABELS[session.anonymity]),
        explained=t.gettext(anonymity.EXPLAINED[session.anonymity]),
    ),
    icon=":material/badge:",
)
labels = {}
for p in session.parties:
    labels[p.id] = (
        t.gettext("{party} (members: {members})", party=p.name, members=", ".join(p.members)) if p.members else p.name
    )
named = session.anonymity is not Anonymity.ANONYMOUS

with st.form("join"):
    party_id = st.radio(
        t.gettext("Which party are you ranking for?"),
        list(labels),
        format_func=lambda pid: esc(labels[pid]),
        index=None,
        key="join_party",
    )
    name = (
        st.text_input(
            t.gettext("Your name (optional)"),
            max_chars=80,
            help=(
                t.gettext("Shown to the facilitator and in the results. Leave empty to appear as “Participant N”.")
                if session.anonymity is Anonymity.NAMED
                else t.gettext("Shown to the facilitator only. Leave empty to appear as “Participant N”.")
            ),
            key="join_name",
        )
        if named
        else ""  # an anonymous session asks for no name
    )
    go = st.form_submit_button(t.gettext("Join and start ranking"), type="primary", icon=":material/login:")

# A token this tab already got for this session (a double click on Join must not join twice).
mine = st.session_state.setdefault("my_tokens", {})
if go and mine.get(session.code):
    set_params(session=session.code, me=mine[session.code])
    st.rerun()
if go:
    if party_id is None:
        st.error(t.gettext("Choose your party first."), icon=":material/error:")
    else:
        try:
            joined = ctx.view.join(party_id, name, client=client_address())
        except TrustcoreError as exc:
            problem(exc, t)
        else:
            mine[session.code] = joined.token
            set_params(session=session.code, me=joined.token)
            flash(
                t.gettext("You have joined. Your personal link below brings you back to this page from any device."),
                icon=":material/waving_hand:",
            )
            st.rerun()

leave_session_button(ctx, label=leave_label)
