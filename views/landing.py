"""The bare URL (a share, personal, facilitator or survey link): go on to the role's main page."""

import streamlit as st

from ui.context import MAIN_PAGE, carry_error

ctx = st.session_state["ctx"]
carry_error(ctx)  # e.g. "No session has this code": the next page says it
st.switch_page(MAIN_PAGE[ctx.role])
