"""The console's organisation workspace section: link the session to a workspace (its Reflect then reads the
organisation's ranking from there), or adopt the session's consensus there. Both gestures paste the workspace
link beside the facilitator rights this console already has; the core checks both (``trustcore.workspace``)."""

from __future__ import annotations

import streamlit as st

from trustcore import workspace as ws
from trustcore.errors import TrustcoreError
from trustcore.text import markdown_escape as esc
from ui.common import problem
from ui.flash import flash


def _done(message: str) -> None:
    flash(message)
    st.rerun()


def console_section(ctx) -> None:
    session = ctx.session
    st.subheader("Organisation workspace", anchor=False)
    link = ws.linked_ranking(ctx.view)
    if link is not None:
        party = session.party(link.party_id).name
        st.write(f"Linked to the organisation workspace “{esc(link.workspace)}”: {esc(party)} is the organisation.")
        if link.ranking is None:
            st.caption("The workspace has no organisation-wide ranking yet; Reflect asks for one until it has.")
        elif not link.fits:
            st.caption("Its ranking orders other elements than this session's, so Reflect asks for one as before.")
        else:
            st.caption(f"Reflect shows its ranking (version {link.ranking.version}, {link.ranking.entered_at[:10]}).")
        if st.button("Unlink the workspace", icon=":material/link_off:", key="ws:unlink"):
            ws.unlink_session(ctx.view)
            _done("Reflect asks for the organisation-wide ranking again.")
    else:
        st.write(
            "Link this session to its organisation's workspace, and Reflect shows the organisation-wide ranking "
            "kept there instead of asking for it again."
        )
        parties = list(session.parties)
        guess = next((i for i, p in enumerate(parties) if p.name.strip().lower() == session.our_org.strip().lower()), 0)
        with st.form("ws:link", border=False):
            pasted = st.text_input("The organisation workspace's link", key="ws:link:pasted")
            party = st.selectbox(
                "The party that is the organisation", parties, index=guess, format_func=lambda p: p.name
            )
            if st.form_submit_button("Link", icon=":material/link:"):
                try:
                    ws.link_session(ctx.view, ws.open_link(ctx.store, pasted), party.id)
                except TrustcoreError as exc:
                    problem(exc)
                else:
                    _done(f"Linked: Reflect shows the workspace's ranking for {party.name}.")
    with st.expander("Adopt this session's consensus as an organisation's ranking", icon=":material/how_to_vote:"):
        st.caption(
            "For a session whose parties are departments of one organisation: the consensus of its latest revealed "
            "round (Borda order) becomes a new dated version of the workspace's organisation-wide ranking."
        )
        with st.form("ws:adopt", border=False):
            pasted = st.text_input("The organisation workspace's link", key="ws:adopt:pasted")
            if st.form_submit_button("Adopt the consensus", icon=":material/how_to_vote:"):
                try:
                    adopted = ws.adopt_consensus(ws.open_link(ctx.store, pasted), ctx.view)
                except TrustcoreError as exc:
                    problem(exc)
                else:
                    _done(f"Adopted as version {adopted.version} of the organisation-wide ranking.")
