"""The workspace's Downloads tab: its workbook, report, map and archive."""

from __future__ import annotations

import streamlit as st

from trustcore.workspace import WorkspaceView


def render(wview: WorkspaceView) -> None:
    st.caption("Not built yet.")
