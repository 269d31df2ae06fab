"""My sessions: a signed-in facilitator's sessions, where each stands, and its console without the link (in the
reader's language, ``ui/i18n.py``)."""

import datetime as dt

import streamlit as st

from trustcore import owners
from trustcore import workspace as ws
from trustcore.model import Role, RoundStatus
from trustcore.text import markdown_escape as esc
from trustcore.tokens import display_code
from ui import signin
from ui.common import show_error
from ui.context import OWNER, page_context, set_params
from ui.flash import show as show_flash
from ui.i18n import translator

ctx = page_context(Role.VISITOR)
t = translator(ctx)

st.title(t.gettext("My sessions"), anchor=False)
show_error(ctx, t)
show_flash()

address = signin.email()
if address is None and signin.without_address():
    signin.signed_in_bar(key="sign_out_mine")
    st.stop()
if address is None:
    st.write(
        t.gettext(
            "Facilitators who sign in find every session they created here, and open its console without the "
            "facilitator link. Participants never need to sign in."
        )
    )
    signin.sign_in_button(key="sign_in_mine")
    st.stop()

signin.signed_in_bar(key="sign_out_mine")


def created(stamp: str) -> str:
    """A stored timestamp's day, as the reader's locale writes it."""
    try:
        return t.date(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


def open_workspace(workspace_id: int) -> None:
    set_params(workspace=str(workspace_id), owner=OWNER)


for workspace in ws.mine(ctx.store, address):  # organisation workspaces created while signed in
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{esc(workspace.name)}**")
        left.caption(t.gettext("Organisation workspace · created {date}", date=created(workspace.created_at)))
        right.button(
            t.gettext("Open workspace"),
            key=f"open_workspace_{workspace.id}",
            icon=":material/domain:",
            on_click=open_workspace,
            args=(workspace.id,),
        )

sessions = owners.mine(ctx.store, address)
if not sessions:
    st.info(
        t.gettext(
            "You have no sessions yet. Sessions you create while signed in, or that a co-facilitator hands to "
            "you, appear here."
        ),
        icon=":material/info:",
    )
    st.page_link("views/create.py", label=t.gettext("Create a new session"), icon=":material/add_circle:")
    st.stop()


def open_console(code: str) -> None:
    set_params(session=code, owner=OWNER)


ROUND_STATUS = {  # a round's number and state, one whole phrase each (a translator may reorder it)
    RoundStatus.OPEN: lambda n: t.gettext("round {round} open", round=n),
    RoundStatus.LOCKED: lambda n: t.gettext("round {round} locked", round=n),
    RoundStatus.REVEALED: lambda n: t.gettext("round {round} revealed", round=n),
}


for mine in sessions:
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{esc(mine.title)}**")
        left.caption(
            t.pgettext("list of facts separator", " · ").join(
                [
                    t.gettext("Code {code}", code=display_code(mine.code)),
                    t.gettext("created {date}", date=created(mine.created_at)),
                    ROUND_STATUS[mine.status](mine.round.number),
                    t.ngettext(
                        "{submitted} of {n} submitted",
                        "{submitted} of {n} submitted",
                        mine.participants,
                        submitted=mine.submitted,
                    ),
                    # Translators: how many of the session's rounds were revealed
                    t.ngettext("{n} revealed", "{n} revealed", mine.revealed),
                    t.ngettext("{n} open next step", "{n} open next steps", mine.open_steps),
                ]
            )
        )
        right.button(
            t.gettext("Open console"),
            key=f"open_{mine.code}",
            icon=":material/tune:",
            on_click=open_console,
            args=(mine.code,),
            help=t.gettext("The facilitator console of “{title}”", title=esc(mine.title)),
        )
