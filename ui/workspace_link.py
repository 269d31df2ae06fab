"""The console's organisation workspace section: link the session to a workspace (its Reflect then reads the
organisation's ranking from there), or adopt the session's consensus there. Both gestures paste the workspace
link beside the facilitator rights this console already has; the core checks both (``trustcore.workspace``)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from trustcore import workspace as ws
from trustcore.errors import TrustcoreError
from trustcore.i18n import ENGLISH, Translator
from trustcore.text import markdown_escape as esc
from ui.common import problem
from ui.flash import flash


def _done(message: str) -> None:
    flash(message)
    st.rerun()


def _day(stamp: str, t: Translator) -> str:
    """The day of an ISO timestamp, as the reader's locale writes dates (the stored text if it is no date)."""
    try:
        return t.date(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


def console_section(ctx, t: Translator = ENGLISH) -> None:
    """The section, in ``t``'s language (the reader's)."""
    session = ctx.session
    st.subheader(t.gettext("Organisation workspace"), anchor=False)
    link = ws.linked_ranking(ctx.view)
    if link is not None:
        party = session.party(link.party_id).name
        st.write(
            t.gettext(
                "Linked to the organisation workspace “{workspace}”: {party} is the organisation.",
                workspace=esc(link.workspace),
                party=esc(party),
            )
        )
        if link.ranking is None:
            st.caption(
                t.gettext("The workspace has no organisation-wide ranking yet; Reflect asks for one until it has.")
            )
        elif not link.fits:
            st.caption(
                t.gettext("Its ranking orders other elements than this session's, so Reflect asks for one as before.")
            )
        else:
            st.caption(
                t.gettext(
                    "Reflect shows its ranking (version {version}, {date}).",
                    version=link.ranking.version,
                    date=_day(link.ranking.entered_at, t),
                )
            )
        if st.button(t.gettext("Unlink the workspace"), icon=":material/link_off:", key="ws:unlink"):
            ws.unlink_session(ctx.view)
            _done(t.gettext("Reflect asks for the organisation-wide ranking again."))
    else:
        st.write(
            t.gettext(
                "Link this session to its organisation's workspace, and Reflect shows the organisation-wide ranking "
                "kept there instead of asking for it again."
            )
        )
        parties = list(session.parties)
        guess = next((i for i, p in enumerate(parties) if p.name.strip().lower() == session.our_org.strip().lower()), 0)
        with st.form("ws:link", border=False):
            pasted = st.text_input(t.gettext("The organisation workspace's link"), key="ws:link:pasted")
            party = st.selectbox(
                t.gettext("The party that is the organisation"),
                parties,
                index=guess,
                format_func=lambda p: p.name,
                key="ws:link:party",
            )
            if st.form_submit_button(t.gettext("Link"), icon=":material/link:"):
                try:
                    ws.link_session(ctx.view, ws.open_link(ctx.store, pasted), party.id)
                except TrustcoreError as exc:
                    problem(exc, t)
                else:
                    _done(t.gettext("Linked: Reflect shows the workspace's ranking for {party}.", party=party.name))
    with st.expander(
        t.gettext("Adopt this session's consensus as an organisation's ranking"), icon=":material/how_to_vote:"
    ):
        st.caption(
            t.gettext(
                "For a session whose parties are departments of one organisation: the consensus of its latest "
                "revealed round (Borda order) becomes a new dated version of the workspace's organisation-wide "
                "ranking."
            )
        )
        with st.form("ws:adopt", border=False):
            pasted = st.text_input(t.gettext("The organisation workspace's link"), key="ws:adopt:pasted")
            if st.form_submit_button(t.gettext("Adopt the consensus"), icon=":material/how_to_vote:"):
                try:
                    adopted = ws.adopt_consensus(ws.open_link(ctx.store, pasted), ctx.view)
                except TrustcoreError as exc:
                    problem(exc, t)
                else:
                    _done(
                        t.gettext(
                            "Adopted as version {version} of the organisation-wide ranking.", version=adopted.version
                        )
                    )
