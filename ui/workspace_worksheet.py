"""The workspace's Activity 2 tab: the internal trustworthiness mapping worksheet."""

from __future__ import annotations

import streamlit as st

from trustcore.workspace import WorkspaceView


def render(wview: WorkspaceView) -> None:
    st.caption("Not built yet.")
