"""trustcore: live co-ranking workshops for the elements of trustworthy data stewardship.

Run with ``streamlit run app.py``. This entrypoint runs on every rerun: it resolves who this tab is
(from the URL, checked against the database) and offers the pages that role may use.
"""

import streamlit as st

from trustcore import db, settings
from trustcore.model import Role
from ui import downloads, healing, live, outage, process
from ui.common import calm_motion, plain
from ui.context import WIDE_PATHS, get_store, resolve
from ui.i18n import follow_html_lang, switcher, translator
from ui.navigation import pages_for

healing.install()  # pages repair themselves when Streamlit drops a run's output (ui/healing.py)
downloads.install()  # a clicked file stays fetchable in a busy room, and workbooks are not gzipped again
process.settle()  # once per process: load what the pages use, then keep the collector off it (ui/process.py)

calm_motion()  # no animation for whoever asks their system for less motion

# A server with a setting that is not valid serves no page until it is fixed, and says which (trustcore.settings).
misconfigured = settings.problems()
if misconfigured:
    st.error(
        plain(
            translator().gettext(
                "This server is not set up correctly, so it serves no page until whoever runs it fixes its "
                "settings (the README's configuration table describes each):"
            )
            + "\n\n"
            + "\n\n".join(misconfigured)
        ),
        icon=":material/settings_alert:",
    )
    st.stop()

# One database connection for the whole rerun: every read the entrypoint and the page make shares it; and
# one of a few places for a full run at a time (``live.gate``: a hundred tabs revealed at once get their
# pages one after another instead of all at the end).
# When the database is not answering (it restarts, its file is locked or read-only), the page says so in
# plain words and reruns by itself once it answers again (``ui/outage.py``).
outage.page_starts()
path = db.default_path()
navigated = False
try:
    with live.gate.run(), db.unit(get_store().path):
        live.forget_tab()  # the page drawn now registers its polling fragments again (``live.nudge``)
        ctx = resolve()
        st.session_state["ctx"] = ctx
        t = translator(ctx)  # the shell's words (the navigation, the tab's title, the switcher): the tab's language

        # Every page has its own URL, for every role (``ui/navigation.py``): any URL the address bar ever
        # showed works as a first request.
        page = st.navigation(pages_for(ctx.role, t), position="top")
        navigated = True
        # One page config per run, once the page is known (a second call for a wide page was one more
        # message to every tab on every rerun).
        st.set_page_config(
            page_title=t.gettext("trustcore co-ranking"),
            page_icon=":material/handshake:",
            layout="wide" if page.url_path in WIDE_PATHS else "centered",
        )
        target = live.follow_round(ctx, page.url_path)  # a reveal shows the comparison, a new round the ranking
        if target:
            st.switch_page(target)
        follow_html_lang(ctx)  # <html lang>: the page's language (ui/i18n.py)
        switcher(ctx, t)  # the tab's language, at the top of every page (``?lang=``, kept in the tab's links)
        page.run()
except Exception as exc:
    if not db.unavailable(exc):
        raise
    if not navigated:
        # the first load of this tab, before anyone is known: keep the URL's page and link for the retry
        st.navigation(pages_for(Role.VISITOR, translator()), position="hidden")
    outage.page_failed(exc, path)
