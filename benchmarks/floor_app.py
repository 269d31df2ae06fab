"""The framework's floor for the live-room benchmark: a one-button Streamlit page that polls like ours.

``room_load.py`` sends it the same burst of clicks as the app's submit button, in the same run, and prints
the app's latency as a ratio of this page's. Every page of the app polls every two seconds (a fragment
with ``run_every``), so the floor page does too, with a fragment that draws nothing: its idle CPU is the
framework's own cost of keeping N tabs live, the floor for the app's idle figure.
"""

import streamlit as st


@st.fragment(run_every=2)
def poll() -> None:
    pass


poll()
if st.button("Submit my ranking"):
    st.success("Your ranking is stored (submitted at now).")
