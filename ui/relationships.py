"""The workspace's Relationships tab: the relationship sessions linked to the workspace."""

from __future__ import annotations

import streamlit as st

from trustcore import workspace as ws
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView


def render(wview: WorkspaceView) -> None:
    linked = ws.linked_sessions(wview)
    if not linked:
        st.caption(
            "No session reads this ranking yet. A session's facilitator links it on the console (Organisation "
            "workspace), with this workspace's link."
        )
    for s in linked:
        # not the session's code: it would let the workspace's holder join the session
        st.markdown(f"**{esc(s.title)}** · {esc(s.party)} is the organisation · linked {s.linked_at[:10]}")
