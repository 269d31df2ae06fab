"""Editing records that several people may change at once (next steps, worksheet, reflections).

A form keeps what its user typed across reruns (stable widget keys), and remembers the version of
the record the user started from (its *base*). Saving sends that base version: if someone else saved
in between, the core raises EditConflict and the page shows both versions. Nothing is overwritten
silently, and nothing typed is lost by a rerun.
"""

from __future__ import annotations

import streamlit as st


def base_version(key: str, current: int | None) -> int | None:
    """The version this user started editing from (recorded the first time the form is shown)."""
    state_key = f"{key}:base"
    if state_key not in st.session_state:
        st.session_state[state_key] = current
    return st.session_state[state_key]


def forget(key: str) -> None:
    """Drop the form's typed values and base version, so it shows the stored record again."""
    for name in [k for k in st.session_state if isinstance(k, str) and (k == key or k.startswith(f"{key}:"))]:
        del st.session_state[name]
