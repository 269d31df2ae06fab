"""Organisation: the organisation workspace (its link, or its signed-in owner), one tab per part of the
organisation's own side of the guidebook's Assess section (each drawn by its ``ui/`` module). Without a
workspace link (a visitor), the form that creates one."""

from datetime import date

import streamlit as st

from trustcore import links, signin
from trustcore import relationships as rel
from trustcore import workspace as ws
from trustcore.errors import TrustcoreError
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui import ecosystem_map, relationships, workspace_downloads, workspace_ranking, workspace_worksheet
from ui import signin as signin_ui
from ui.common import link_box, plain, problem, show_error
from ui.context import base_url, page_context, set_params
from ui.flash import show as show_flash
from ui.i18n import translator

ctx = page_context(Role.VISITOR, Role.WORKSPACE)
t = translator(ctx)
show_error(ctx)
show_flash()

if ctx.workspace is None:
    st.title(t.gettext("New organisation workspace"), anchor=False)
    st.write(
        t.gettext(
            "The organisation's own side of the guidebook's Assess section, across sessions: its organisation-wide "
            "ranking (Activity 1), entered here or adopted from a session among its departments, and the "
            "relationship sessions that read it on their Reflect page."
        )
    )
    owner = signin_ui.email()
    decision = signin.may_create_here(owner)
    if not decision.allowed:
        st.warning(plain(decision.worded(t)), icon=":material/lock:")
        st.stop()
    with st.form("workspace:new", border=False):
        name = st.text_input(t.gettext("The organisation's name"), max_chars=ws.NAME_MAX, key="workspace:new:name")
        if st.form_submit_button(t.gettext("Create the workspace"), type="primary", icon=":material/domain_add:"):
            try:
                made = ws.create_workspace(ctx.store, name, owner=owner)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                set_params(workspace=str(made.workspace.id), org=made.token)
                st.rerun()
    st.stop()

wview = ctx.workspace
workspace = wview.workspace
st.title(esc(workspace.name), anchor=False)
st.caption(
    t.gettext("Organisation workspace · created {date}", date=t.date(date.fromisoformat(workspace.created_at[:10])))
)
token = ctx.params.get("org")
if token:
    with st.expander(t.gettext("The workspace link"), icon=":material/key:"):
        link_box(
            t.gettext("Workspace link"),
            links.workspace_link(base_url(), workspace.id, token),
            help=t.gettext(
                "Whoever holds it keeps the organisation's ranking. Keep it like a facilitator link; if it leaks, "
                "replace it under Downloads and link."
            ),
        )


labels = [
    t.gettext("Ranking (Activity 1)"),
    t.gettext("Internal worksheet (Activity 2)"),
    t.gettext("Ecosystem map (Activity 4)"),
    t.gettext("Relationships"),
    t.gettext("Downloads and link"),
]
# the tabs' state is the open tab's label: after a change of language, the same part (by its position) stays open
opened = st.session_state.get("workspace:part:open")
if opened is not None and st.session_state.get("workspace:part") not in labels:
    st.session_state["workspace:part"] = labels[opened]
tabs = st.tabs(
    labels,
    # keyed and stateful: the tab open stays open when a message drawn above the tabs (a flash after a save)
    # shifts the page, instead of jumping back to the first tab
    key="workspace:part",
    on_change="rerun",
)
st.session_state["workspace:part:open"] = next((i for i, tab in enumerate(tabs) if tab.open), 0)
found = rel.relationships(wview)  # read once per run: the map annotates its partners, the Relationships tab lists them
parts = (
    lambda: workspace_ranking.render(wview, t),
    lambda: workspace_worksheet.render(wview, t),
    lambda: ecosystem_map.render(wview, t, rel.annotations_of(rel.summaries(found), t)),
    lambda: relationships.render(wview, t, found),
    lambda: workspace_downloads.render(wview, t),
)
for tab, draw in zip(tabs, parts, strict=True):
    with tab:
        draw()
