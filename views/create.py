"""New session: the facilitator describes the relationship and the parties, and gets the links."""

import streamlit as st

from trustcore import anonymity, links, signin
from trustcore import catalogue as catalogue_mod
from trustcore.errors import InvalidInput
from trustcore.model import MAX_PARTIES, MIN_PARTIES, Anonymity, Role
from trustcore.text import markdown_escape as esc
from ui import signin as signin_ui
from ui.common import link_box, plain, problem
from ui.context import base_url, page_context, set_params

ctx = page_context(Role.VISITOR)
store = ctx.store

st.title("New co-ranking session", anchor=False)

# Who may create here (``TRUSTCORE_CREATE``, decided in the core); a signed-in creator owns the session.
owner = signin_ui.email()
decision = signin.may_create_here(owner)
signin_ui.signed_in_bar()
if not decision.allowed:
    st.warning(plain(decision.why), icon=":material/lock:")
    if decision.sign_in_helps:
        if owner is None and not signin_ui.without_address():
            signin_ui.sign_in_button(key="sign_in_create")
        else:
            st.caption("To use another account, sign out and sign in again.")
    st.stop()

created = st.session_state.get("created")
if created:
    code, token = created
    base = base_url()
    st.success("The session is ready.", icon=":material/check_circle:")
    link_box(
        "Share link for the parties",
        links.share_link(base, code),
        help="Everyone who should rank opens this link; it lets them join, nothing more.",
    )
    st.warning(
        "**Your facilitator link is shown only now.** Keep it private and save it (bookmark it or copy it "
        "somewhere safe): it is the only way to control this session: reveal results, lock rounds, delete it.",
        icon=":material/key:",
    )
    link_box("Facilitator link (private)", links.facilitator_link(base, code, token))
    if owner:
        st.info(
            f"You are signed in, so this session is also under **My sessions**: you can open its console "
            f"there without the link, from any browser where you sign in as {esc(owner)}.",
            icon=":material/folder_shared:",
        )
    if st.button("Open the facilitator console", type="primary", icon=":material/tune:"):
        del st.session_state["created"]
        set_params(session=code, admin=token)
        st.rerun()
    st.stop()

count = st.number_input(
    "How many parties will rank?",
    min_value=MIN_PARTIES,
    max_value=MAX_PARTIES,
    value=2,
    step=1,
    help="Usually two organisations; up to twelve for an ecosystem.",
)

with st.form("new_session"):
    title = st.text_input(
        "Session title", max_chars=120, placeholder="e.g. Data sharing between CityBus and the council"
    )
    c1, c2 = st.columns(2)
    our_org = c1.text_input("Our organisation", max_chars=80)
    partner = c2.text_input("The partner organisation", max_chars=80)
    flows = st.text_area("Flows between them (data, insights, services, products, money)", max_chars=2000, height=80)
    st.markdown("**Parties**: who ranks. List members if you know them, or leave membership open.")
    parties = []
    for i in range(int(count)):
        p1, p2 = st.columns([2, 3])
        name = p1.text_input(
            f"Party {i + 1}",
            key=f"party_name_{i}",
            max_chars=80,
            placeholder=["Our organisation", "Partner"][i] if i < 2 else f"Party {i + 1}",
        )
        members = p2.text_input(
            f"Members of party {i + 1} (optional, comma-separated)", key=f"party_members_{i}", max_chars=1000
        )
        parties.append({"name": name, "members": members})
    source = st.radio(
        "Elements to rank", ["The ODI's ten elements", "Upload my own list (CSV or JSON)"], horizontal=True
    )
    upload = st.file_uploader("Element list (CSV with columns id,name,description or JSON)", type=["csv", "json"])
    privacy = st.radio(
        "Who sees people's names",
        list(Anonymity),
        format_func=lambda a: anonymity.LABELS[a],
        captions=[anonymity.EXPLAINED[a] for a in Anonymity],
        help="Chosen now for the whole session, and shown to everyone when they join.",
    )
    live = st.toggle(
        "Show results live as rankings arrive",
        value=False,
        help="Off (recommended): everyone ranks blind, and you reveal the comparison when ready.",
    )
    submitted = st.form_submit_button("Create session", type="primary", icon=":material/add_circle:")

if submitted:
    try:
        catalogue = None
        if source.startswith("Upload"):
            if upload is None:
                raise InvalidInput("Choose the file with your element list, or use the ODI's ten elements.")
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
        problem(exc)
    else:
        st.session_state["created"] = (made.session.code, made.facilitator_token)
        st.rerun()
