"""The workspace's Activity 4 tab: the data ecosystem map."""

from __future__ import annotations

import streamlit as st

from trustcore.workspace import WorkspaceView


def render(wview: WorkspaceView) -> None:
    st.caption("Not built yet.")
