"""New session: the facilitator describes the relationship and the parties, and gets the links (in the reader's
language, ``ui/i18n.py``; every widget keyed, so a change of language keeps what was typed)."""

import streamlit as st

from trustcore import anonymity, signin
from trustcore import catalogue as catalogue_mod
from trustcore.errors import InvalidInput
from trustcore.i18n import N_
from trustcore.model import MAX_PARTIES, MIN_PARTIES, Anonymity, Role
from trustcore.text import markdown_escape as esc
from ui import signin as signin_ui
from ui.common import new_session_links, plain, problem
from ui.context import page_context, set_params
from ui.i18n import translator

ctx = page_context(Role.VISITOR)
store = ctx.store
t = translator(ctx)

st.title(t.gettext("New co-ranking session"), anchor=False)

# Who may create here (``TRUSTCORE_CREATE``, decided in the core); a signed-in creator owns the session.
owner = signin_ui.email()
decision = signin.may_create_here(owner)
signin_ui.signed_in_bar()
if not decision.allowed:
    st.warning(plain(decision.worded(t)), icon=":material/lock:")
    if decision.sign_in_helps:
        if owner is None and not signin_ui.without_address():
            signin_ui.sign_in_button(key="sign_in_create")
        else:
            st.caption(t.gettext("To use another account, sign out and sign in again."))
    st.stop()

created = st.session_state.get("created")
if created:
    code, token = created
    new_session_links(created, t, ready=t.gettext("The session is ready."))
    if owner:
        st.info(
            t.gettext(
                "You are signed in, so this session is also under **My sessions**: you can open its console "
                "there without the link, from any browser where you sign in as {address}.",
                address=esc(owner),
            ),
            icon=":material/folder_shared:",
        )
    if st.button(t.gettext("Open the facilitator console"), type="primary", icon=":material/tune:", key="open_console"):
        del st.session_state["created"]
        set_params(session=code, admin=token)
        st.rerun()
    st.stop()

count = st.number_input(
    t.gettext("How many parties will rank?"),
    min_value=MIN_PARTIES,
    max_value=MAX_PARTIES,
    value=2,
    step=1,
    help=t.gettext("Usually two organisations; up to twelve for an ecosystem."),
    key="party_count",
)
# the elements' source: stable codes, worded per run
SOURCES = {
    "odi": t.gettext("The ODI's ten elements"),
    "upload": t.gettext("Upload my own list (CSV or JSON)"),
}

with st.form("new_session"):
    title = st.text_input(
        t.gettext("Session title"),
        max_chars=120,
        placeholder=t.gettext("e.g. Data sharing between CityBus and the council"),
        key="session_title",
    )
    c1, c2 = st.columns(2)
    our_org = c1.text_input(t.gettext("Our organisation"), max_chars=80, key="our_org")
    partner = c2.text_input(t.gettext("The partner organisation"), max_chars=80, key="partner_org")
    flows = st.text_area(
        t.gettext("Flows between them (data, insights, services, products, money)"),
        max_chars=2000,
        height=80,
        key="flows",
    )
    st.markdown(t.gettext("**Parties**: who ranks. List members if you know them, or leave membership open."))
    parties = []
    for i in range(int(count)):
        p1, p2 = st.columns([2, 3])
        name = p1.text_input(
            t.gettext("Party {n}", n=i + 1),
            key=f"party_name_{i}",
            max_chars=80,
            placeholder=(
                [t.gettext("Our organisation"), t.pgettext("a party's name", "Partner")][i]
                if i < 2
                else t.gettext("Party {n}", n=i + 1)
            ),
        )
        members = p2.text_input(
            t.gettext("Members of party {n} (optional, comma-separated)", n=i + 1),
            key=f"party_members_{i}",
            max_chars=1000,
        )
        parties.append({"name": name, "members": members})
    source = st.radio(
        t.gettext("Elements to rank"),
        list(SOURCES),
        format_func=lambda code: SOURCES[code],
        horizontal=True,
        key="element_source",
    )
    upload = st.file_uploader(
        t.gettext("Element list (CSV with columns id,name,description or JSON)"),
        type=["csv", "json"],
        key="element_file",
    )
    privacy = st.radio(
        t.gettext("Who sees people's names"),
        list(Anonymity),
        format_func=lambda a: t.gettext(anonymity.LABELS[a]),
        captions=[t.gettext(anonymity.EXPLAINED[a]) for a in Anonymity],
        help=t.gettext("Chosen now for the whole session, and shown to everyone when they join."),
        key="anonymity",
    )
    live = st.toggle(
        t.gettext("Show results live as rankings arrive"),
        value=False,
        help=t.gettext("Off (recommended): everyone ranks blind, and you reveal the comparison when ready."),
        key="live_results",
    )
    submitted = st.form_submit_button(t.gettext("Create session"), type="primary", icon=":material/add_circle:")

if submitted:
    try:
        catalogue = None
        if source == "upload":
            if upload is None:
                raise InvalidInput(N_("Choose the file with your element list, or use the ODI's ten elements."))
            catalogue = catalogue_mod.parse(upload.getvalue(), upload.name)
        made = store.create_session(
            title,
            parties,
            our_org=our_org,
            partner_org=partner,
            flows=flows,
            catalogue=catalogue,
            blind=not live,
            anonymity=privacy,
            owner=owner,
        )
    except InvalidInput as exc:
        problem(exc, t)
    else:
        st.session_state["created"] = (made.session.code, made.facilitator_token)
        st.rerun()
