"""The workspace's Downloads tab: its files (``trustcore.documents.workspace_offered``: the workbook and the printable
report, each full and shareable, and the JSON archive), then
its link and its deletion (``trustcore.workspace_admin``): replace the link (the new one shown once; the old one
refused at once, in every open tab too) and delete the workspace once its name is typed."""

from __future__ import annotations

import streamlit as st

from trustcore import documents, links, signin, workspace_admin
from trustcore.errors import TrustcoreError
from trustcore.i18n import ENGLISH, Translator
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui.common import link_box, problem
from ui.context import base_url, set_params
from ui.downloads import download_button
from ui.flash import flash

NEW_LINK = "workspace:new-link"  # the replaced link, shown once on the next run


def render(wview: WorkspaceView, t: Translator = ENGLISH) -> None:
    st.subheader(t.gettext("Download"), anchor=False)
    offered = documents.workspace_offered(wview, lang=t.locale)
    copies = [d for d in offered if d.key != "workspace-archive"]
    columns = st.columns(2)
    for i, doc in enumerate(copies):
        with columns[i % 2]:
            download_button(doc, width="stretch")
    if copies:
        st.caption(
            t.gettext(
                "The workbook and the printable report hold the organisation-wide ranking and its versions, the "
                "internal worksheet, the relationships and their next steps, and the ecosystem map. The full copies "
                "include the fields, actors and flows marked internal: keep them inside the organisation. The "
                "shareable copies leave those out, name nobody and hold no link: they are for stakeholders, partners "
                "or a board."
            )
        )
    for doc in offered:
        if doc.key == "workspace-archive":
            download_button(doc)
    st.caption(
        t.gettext(
            "The JSON archive holds the workspace (its name and every version of its ranking, with its other parts) "
            "to import into another trustcore installation, where it gets a new link "
            "(`python -m trustcore workspace-import FILE`). It holds no link. The sessions linked to the workspace "
            "are not in it, only their titles: they are sessions, each with its own archive."
        )
    )
    st.subheader(t.gettext("Link and deletion"), anchor=False)
    _replace_link(wview, t)
    _delete(wview, t)


def _replace_link(wview: WorkspaceView, t: Translator) -> None:
    new = st.session_state.pop(NEW_LINK, None)
    if new:
        st.success(t.gettext("The workspace has a new link; the old one no longer works."), icon=":material/key:")
        link_box(t.gettext("The new workspace link (shown once here: keep it now)"), new)
    with st.expander(t.gettext("Replace the workspace link"), icon=":material/key:"):
        st.write(
            t.gettext(
                "If the link reached someone who should not hold it: the workspace gets a new link, and the old one "
                "stops working at once, in every tab that has it open too. Give the new link to those who keep the "
                "organisation's ranking, and paste it again wherever a session's console asks for it."
            )
        )
        if st.button(t.gettext("Replace the link"), icon=":material/autorenew:", key="workspace:replace-link"):
            try:
                token = workspace_admin.replace_link(wview)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                st.session_state[NEW_LINK] = links.workspace_link(base_url(), wview.workspace.id, token)
                if not isinstance(wview.token, signin.SignedIn):  # this tab keeps working with the new link
                    set_params(workspace=str(wview.workspace.id), org=token)
                st.rerun()


def _delete(wview: WorkspaceView, t: Translator) -> None:
    name = wview.workspace.name
    with st.expander(t.gettext("Delete this workspace"), icon=":material/delete_forever:"):
        st.write(
            t.gettext(
                "This removes the workspace and everything in it (every version of its ranking and its other parts) "
                "for everyone, at once, and its link stops working. The sessions linked to it are unlinked: they "
                "keep working, and their Reflect asks for the organisation-wide ranking again. It cannot be undone: "
                "download the archive first."
            )
        )
        st.write(t.gettext("Type the workspace's name, **{name}**, to confirm.", name=esc(name)))
        typed = st.text_input(t.gettext("The workspace's name"), key="workspace:delete-confirm")
        if st.button(
            t.gettext("Delete the workspace"),
            type="primary",
            icon=":material/delete_forever:",
            disabled=typed.strip() != name,
            key="workspace:delete",
        ):
            try:
                unlinked = workspace_admin.delete_workspace(wview, typed)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                message = (
                    t.ngettext(
                        "The workspace “{name}” and everything in it were deleted. {n} linked session was unlinked "
                        "and keeps working.",
                        "The workspace “{name}” and everything in it were deleted. {n} linked sessions were unlinked "
                        "and keep working.",
                        len(unlinked),
                        name=name,
                    )
                    if unlinked
                    else t.gettext("The workspace “{name}” and everything in it were deleted.", name=name)
                )
                flash(message, icon=":material/delete:")
                set_params()
                if isinstance(wview.token, signin.SignedIn):  # its owner goes back to their list
                    st.switch_page("views/my_sessions.py")
                st.rerun()
