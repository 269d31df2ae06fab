"""trustcore: live co-ranking workshops for the elements of trustworthy data stewardship.

Run with ``streamlit run app.py``. This entrypoint runs on every rerun: it resolves who this tab is
(from the URL, checked against the database) and offers the pages that role may use.
"""

import streamlit as st

from trustcore import db
from ui import healing, live, process
from ui.common import calm_motion
from ui.context import PAGES, ROLE_PAGES, get_store, resolve

healing.install()  # pages repair themselves when Streamlit drops a run's output (ui/healing.py)
process.settle()  # once per process: load what the pages use, then keep the collector off it (ui/process.py)

st.set_page_config(page_title="trustcore co-ranking", page_icon=":material/handshake:", layout="centered")
calm_motion()  # no animation for whoever asks their system for less motion

# One database connection for the whole rerun: every read the entrypoint and the page make shares it; and
# one of a few places for a full run at a time (``live.gate``: a hundred tabs revealed at once get their
# pages one after another instead of all at the end).
with live.gate.run(), db.unit(get_store().path):
    live.forget_tab()  # the page drawn now registers its polling fragments again (``live.nudge``)
    ctx = resolve()
    st.session_state["ctx"] = ctx

    # Every page has its own URL, for every role, so any URL the address bar ever showed works as a first
    # request (a phone reconnecting to a restarted server): the role's pages are in the navigation, the
    # others are hidden and send their visitor on to their own main page (``page_context``). The bare URL
    # (a shared or personal link) is the hidden landing page, which goes on to the role's main page.
    mine = ROLE_PAGES[ctx.role]
    pages = [st.Page("views/landing.py", title="trustcore", url_path="welcome", default=True, visibility="hidden")]
    pages += [
        st.Page(
            PAGES[name][0],
            title=PAGES[name][1],
            icon=PAGES[name][2],
            url_path=PAGES[name][3],
            visibility="visible" if name in mine else "hidden",
        )
        for name in [*mine, *(n for n in PAGES if n not in mine)]
    ]
    page = st.navigation(pages, position="top")
    target = live.follow_round(ctx, page.url_path)  # a reveal shows the comparison, a new round the ranking
    if target:
        st.switch_page(target)
    page.run()
