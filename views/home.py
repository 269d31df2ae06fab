"""Start: create a session, or join one by its code (in the reader's language, ``ui/i18n.py``)."""

import streamlit as st

from trustcore.model import Role
from trustcore.tokens import normalise_code
from ui import signin
from ui.common import show_error
from ui.context import page_context, set_params
from ui.flash import show as show_flash
from ui.i18n import translator

ctx = page_context(Role.VISITOR)
t = translator(ctx)

st.title(t.gettext("Co-rank what makes data stewardship trustworthy"), anchor=False)
st.write(
    t.gettext(
        "Partners who share data rank the ten elements of trustworthy data stewardship on their own, "
        "then compare where they agree and diverge, and agree next steps. Based on the Open Data "
        "Institute's *Trustworthy Data Stewardship Guidebook*."
    )
)
show_error(ctx, t)
show_flash()

join_col, create_col = st.columns(2, gap="large")
with join_col:
    st.subheader(t.gettext("Join a session"), anchor=False)
    with st.form("join_by_code", border=False):
        typed = st.text_input(
            t.gettext("Session code"),
            placeholder=t.gettext("e.g. {code}", code="abcd-efgh-jkmn-pq"),
            max_chars=40,
            help=t.gettext("The code the facilitator shared (letters and digits; dashes and spaces are ignored)."),
            key="home_code",
        )
        go = st.form_submit_button(t.gettext("Join"), type="primary", icon=":material/login:")
    if go:
        code = normalise_code(typed)
        if code is None:
            st.error(
                t.gettext(
                    "That is not a session code: a code has 14 letters and digits, like {code}.",
                    code="abcd-efgh-jkmn-pq",
                )
            )
        else:
            set_params(session=code)
            st.rerun()
with create_col:
    st.subheader(t.gettext("Run a workshop"), anchor=False)
    st.write(t.gettext("Create a session for one relationship and share one link with the parties."))
    st.page_link("views/create.py", label=t.gettext("Create a new session"), icon=":material/add_circle:")
    if signin.configured():  # facilitators may sign in to find their sessions again (participants never need to)
        if signin.email():
            st.page_link("views/my_sessions.py", label=t.gettext("My sessions"), icon=":material/folder_shared:")
            signin.signed_in_bar(key="sign_out_home")
        else:
            st.caption(t.gettext("Facilitators: sign in to find your sessions again without their links."))
            signin.sign_in_button(key="sign_in_home", primary=False)
