"""Organisation: the organisation workspace (its link, or its signed-in owner): the organisation-wide ranking
(Activity 1) with its dated versions, the form to enter a new one, and the relationship sessions linked to it.
Without a workspace link (a visitor), the form that creates one."""

import pandas as pd
import streamlit as st

from trustcore import catalogue as catalogue_mod
from trustcore import links, signin
from trustcore import workspace as ws
from trustcore.errors import TrustcoreError
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui import editing, ranking
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
    try:
        decision = signin.may_create(signin.rule_from_env(), owner)
    except ValueError as exc:
        decision = signin.CreateDecision(False, f"This server's setting for who may create is not valid: {exc}")
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
            help="Whoever holds it keeps the organisation's ranking. Keep it like a facilitator link.",
        )

catalogue = catalogue_mod.default()
names = catalogue.names
versions = ws.rankings(wview)
current = versions[-1] if versions else None

st.subheader("Organisation-wide ranking (Activity 1)", anchor=False)
if current is None:
    st.info(
        "No organisation-wide ranking yet: enter one below, or adopt a departments' session's consensus "
        "from its console.",
        icon=":material/info:",
    )
else:
    st.caption(
        f"Version {current.version}, {current.entered_at[:10]}" + (f" · {current.source}" if current.source else "")
    )
    st.text("\n".join(f"{i}. {names.get(e, e)}" for i, e in enumerate(current.order, 1)))
if len(versions) > 1:
    with st.expander(f"Earlier versions ({len(versions) - 1})", icon=":material/history:"):
        st.dataframe(
            pd.DataFrame(
                {
                    "Version": [v.version for v in reversed(versions)],
                    "Date": [v.entered_at[:10] for v in reversed(versions)],
                    "From": [v.source or "entered here" for v in reversed(versions)],
                    "First three": ["; ".join(names.get(e, e) for e in v.order[:3]) for v in reversed(versions)],
                }
            ),
            hide_index=True,
            width="stretch",
        )

key, edit = "org-ranking", "org-ranking-edit"
conflict = editing.conflict(edit)
if conflict:
    yours, theirs, message = conflict
    st.warning(plain(message), icon=":material/sync_problem:")
    if st.button("Keep theirs", key=f"{edit}:keep", icon=":material/check:"):
        editing.forget(edit)
        if theirs:
            ranking.reset(key, list(theirs.order))
        st.rerun()
else:
    with st.expander("Enter a new version", icon=":material/edit:", expanded=current is None):
        base = editing.base_version(edit, current.version if current else None)
        order = ranking.ranking_input(key, catalogue, list(current.order if current else catalogue.ids))
        if st.button("Save the organisation-wide ranking", key=f"{key}:save", type="primary", icon=":material/save:"):
            editing.save(
                edit,
                lambda: ws.set_ranking(wview, order, expected_version=base),
                typed=list(order),
                done="Saved a new version of the organisation-wide ranking.",
            )

st.subheader("Relationship sessions", anchor=False)
linked = ws.linked_sessions(wview)
if not linked:
    st.caption(
        "No session reads this ranking yet. A session's facilitator links it on the console (Organisation "
        "workspace), with this workspace's link."
    )
for s in linked:
    # not the session's code: it would let the workspace's holder join the session
    st.markdown(f"**{esc(s.title)}** · {esc(s.party)} is the organisation · linked {s.linked_at[:10]}")
