"""The framework's floor for the live-room benchmark: a one-button Streamlit page, nothing else.

``room_load.py`` sends it the same burst of clicks as the app's submit button, in the same run, and
prints the app's latency as a ratio of this page's.
"""

import streamlit as st

if st.button("Submit my ranking"):
    st.success("Your ranking is stored (submitted at now).")
