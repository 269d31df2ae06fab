"""The presenter screen, for the projector: what the room may see, in type readable from the back.

Before the reveal: the title, the join QR code and the code in large type, progress per party (counts
only), the round timer. After it: the headline, the divergence chart and the discussion agenda, one item
at a time, as the facilitator steps through it on the console. It controls nothing, and follows the
session by itself (a poll, then a rerun when anything changed). Drawn in the room's language (the presenter
link's ``?lang=``, else the projector browser's): the shared results are worded per run.
"""

import streamlit as st

from trustcore import links, presenter
from trustcore.model import Role, RoundStatus
from trustcore.qr import alt_text, qr_png
from trustcore.tokens import display_code
from ui import cached, figures
from ui.common import plain
from ui.context import base_url, page_context
from ui.i18n import translator
from ui.live import rerun_on_change
from ui.timer import show_timer

REASONS_SHOWN = 4  # what fits under the item in large type

ctx = page_context(Role.PRESENTER)
session = ctx.session
t = translator(ctx)
marker = ctx.view.change_marker()
number = session.current_round
revealed = session.round.status is RoundStatus.REVEALED
screen = presenter.screen(ctx.view, cached.results(ctx.view, number, marker) if revealed else None, t)

st.html(
    """<style>
    [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 2rem 4rem !important; }
    [data-testid="stMain"] h1 { font-size: 3.4rem; }
    .st-key-tc-present p, .st-key-tc-present li { font-size: 1.9rem; line-height: 1.35; }
    .st-key-tc-agenda-item h3 { font-size: 2.9rem; line-height: 1.25; }
    </style>"""
)
st.title(plain(session.title), anchor=False)

with st.container(key="tc-present"):
    if not screen.revealed:
        left, right = st.columns([3, 2], gap="large", vertical_alignment="center")
        with left:
            st.markdown(
                t.gettext("Join at the share link or with the code **{code}**", code=display_code(session.code))
            )
            show_timer(session.round)
            for party, (done, joined) in screen.submitted.items():
                # Translators: {n} (the plural's number) is how many joined the party, {done} how many of them submitted
                progress = t.ngettext(
                    "{party}: {done} of {n} submitted",
                    "{party}: {done} of {n} submitted",
                    joined,
                    party=party,
                    done=done,
                )
                st.markdown(plain(progress))
        with right:
            share = links.share_link(base_url(), session.code)
            st.image(qr_png(share, scale=14), width="stretch", alt=alt_text(session.code))
    else:
        st.markdown(f"**{plain(screen.headline)}**")
        if screen.detail:
            st.markdown(plain(screen.detail))
        ready = cached.comparison_charts(ctx.view, number, marker, t.locale)
        if screen.agenda:
            st.caption(
                t.gettext("Discussion agenda: item {item} of {count}", item=screen.item + 1, count=len(screen.agenda))
            )
            with st.container(key="tc-agenda-item"):
                st.markdown(f"### {plain(screen.agenda[screen.item])}")
            for line in screen.reasons[:REASONS_SHOWN]:
                st.markdown(plain(line))
            if len(screen.reasons) > REASONS_SHOWN:
                st.caption(
                    t.ngettext(
                        "… and {n} more reason on the comparison page.",
                        "… and {n} more reasons on the comparison page.",
                        len(screen.reasons) - REASONS_SHOWN,
                    )
                )
        else:
            st.markdown(
                t.gettext("Every party ranked the elements in the same order: nothing to discuss on the agenda.")
            )
        if "divergence" in ready:
            figures.show(figures.standalone(ready["divergence"], t), key="chart:divergence")  # no table here

rerun_on_change(ctx, marker)  # once everything above was read and drawn
