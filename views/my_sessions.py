"""My sessions: a signed-in facilitator's sessions, where each stands, and its console without the link."""

import streamlit as st

from trustcore import owners
from trustcore import workspace as ws
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from trustcore.tokens import display_code
from ui import signin
from ui.common import show_error
from ui.context import OWNER, page_context, set_params
from ui.flash import show as show_flash

ctx = page_context(Role.VISITOR)

st.title("My sessions", anchor=False)
show_error(ctx)
show_flash()

address = signin.email()
if address is None and signin.without_address():
    signin.signed_in_bar(key="sign_out_mine")
    st.stop()
if address is None:
    st.write(
        "Facilitators who sign in find every session they created here, and open its console without the "
        "facilitator link. Participants never need to sign in."
    )
    signin.sign_in_button(key="sign_in_mine")
    st.stop()

signin.signed_in_bar(key="sign_out_mine")


def open_workspace(workspace_id: int) -> None:
    set_params(workspace=str(workspace_id), owner=OWNER)


for workspace in ws.mine(ctx.store, address):  # organisation workspaces created while signed in
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{esc(workspace.name)}**")
        left.caption(f"Organisation workspace · created {workspace.created_at[:10]}")
        right.button(
            "Open workspace",
            key=f"open_workspace_{workspace.id}",
            icon=":material/domain:",
            on_click=open_workspace,
            args=(workspace.id,),
        )

sessions = owners.mine(ctx.store, address)
if not sessions:
    st.info(
        "You have no sessions yet. Sessions you create while signed in, or that a co-facilitator hands to you, "
        "appear here.",
        icon=":material/info:",
    )
    st.page_link("views/create.py", label="Create a new session", icon=":material/add_circle:")
    st.stop()


def open_console(code: str) -> None:
    set_params(session=code, owner=OWNER)


for mine in sessions:
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{esc(mine.title)}**")
        left.caption(
            f"Code {display_code(mine.code)} · created {mine.created_at[:10]} · round {mine.round.number} "
            f"{mine.status.value} · {mine.submitted} of {mine.participants} submitted · "
            f"{mine.revealed} revealed · {mine.open_steps} open next steps"
        )
        right.button(
            "Open console",
            key=f"open_{mine.code}",
            icon=":material/tune:",
            on_click=open_console,
            args=(mine.code,),
            help=f"The facilitator console of “{esc(mine.title)}”",
        )
