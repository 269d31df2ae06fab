"""Organisation: the organisation workspace (its link, or its signed-in owner), one tab per part of the
organisation's own side of the guidebook's Assess section (each drawn by its ``ui/`` module). Without a
workspace link (a visitor), the form that creates one."""

import streamlit as st

from trustcore import links, signin
from trustcore import workspace as ws
from trustcore.errors import TrustcoreError
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui import ecosystem_map, relationships, workspace_downloads, workspace_ranking, workspace_worksheet
from ui import signin as signin_ui
from ui.common import link_box, plain, problem, show_error
from ui.context import base_url, page_context, set_params
from ui.flash import show as show_flash

ctx = page_context(Role.VISITOR, Role.WORKSPACE)
show_error(ctx)
show_flash()

if ctx.workspace is None:
    st.title("New organisation workspace", anchor=False)
    st.write(
        "The organisation's own side of the guidebook's Assess section, across sessions: its organisation-wide "
        "ranking (Activity 1), entered here or adopted from a session among its departments, and the relationship "
        "sessions that read it on their Reflect page."
    )
    owner = signin_ui.email()
    decision = signin.may_create_here(owner)
    if not decision.allowed:
        st.warning(plain(decision.why), icon=":material/lock:")
        st.stop()
    with st.form("workspace:new", border=False):
        name = st.text_input("The organisation's name", max_chars=ws.NAME_MAX)
        if st.form_submit_button("Create the workspace", type="primary", icon=":material/domain_add:"):
            try:
                made = ws.create_workspace(ctx.store, name, owner=owner)
            except TrustcoreError as exc:
                problem(exc)
            else:
                set_params(workspace=str(made.workspace.id), org=made.token)
                st.rerun()
    st.stop()

wview = ctx.workspace
workspace = wview.workspace
st.title(esc(workspace.name), anchor=False)
st.caption(f"Organisation workspace · created {workspace.created_at[:10]}")
token = ctx.params.get("org")
if token:
    with st.expander("The workspace link", icon=":material/key:"):
        link_box(
            "Workspace link",
            links.workspace_link(base_url(), workspace.id, token),
            help="Whoever holds it keeps the organisation's ranking. Keep it like a facilitator link; if it leaks, "
            "replace it under Downloads and link.",
        )


tabs = st.tabs(
    [
        "Ranking (Activity 1)",
        "Internal worksheet (Activity 2)",
        "Ecosystem map (Activity 4)",
        "Relationships",
        "Downloads and link",
    ],
    # keyed and stateful: the tab open stays open when a message drawn above the tabs (a flash after a save)
    # shifts the page, instead of jumping back to the first tab
    key="workspace:part",
    on_change="rerun",
)
for tab, part in zip(tabs, (workspace_ranking, workspace_worksheet, ecosystem_map, relationships, workspace_downloads)):
    with tab:
        part.render(wview)
