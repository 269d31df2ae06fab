"""One way to say what just happened: ``flash`` before a rerun or a page switch, ``show`` on the next run.

The message is drawn once, as a status box that stays on the page (a toast vanishes before a screen
reader or a slow reader gets to it), and any user text in it is shown as text, never as markdown.
"""

from __future__ import annotations

import streamlit as st

from .common import plain

_KEY = "tc_flash"
DONE = ":material/check_circle:"
WARNING = ":material/sync_problem:"


def flash(message: str, *, icon: str = DONE, kind: str = "success") -> None:
    """Leave ``message`` for the next run of this tab (whichever page it shows); ``kind="warning"`` for a
    click that did nothing (another window came first)."""
    st.session_state[_KEY] = (str(message), icon, kind)


def show(where=None) -> bool:
    """Draw the message left by ``flash``, once (in ``where``, a container, or here); whether there was one."""
    left = st.session_state.pop(_KEY, None)
    if left is None:
        return False
    message, icon, kind = left
    box = where or st
    (box.warning if kind == "warning" else box.success)(plain(message), icon=icon)
    return True
