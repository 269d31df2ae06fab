"""A link that grants one thing (the survey link, the presenter link): shown once when made, replaced
or closed from the console. The token lives only in this tab's state until the facilitator leaves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from .common import link_box


@dataclass(frozen=True)
class SecretLink:
    name: str  # "survey", "presenter": the state key and the label's first word
    label: str  # "Survey link"
    shown_once: str  # the warning shown with the new link
    icon: str
    close_label: str  # "Close the survey"
    link: Callable[[str], str]  # token -> the whole link
    is_open: Callable[[], bool]
    create: Callable[[], str]  # makes (or replaces) the token, returns it
    close: Callable[[], None]


def secret_link_controls(code: str, spec: SecretLink) -> None:
    """The new link (once), and the buttons that create, replace or close it."""
    key = f"{spec.name}_link:{code}"
    new = st.session_state.get(key)
    if new:
        st.warning(spec.shown_once, icon=":material/key:")
        link_box(spec.label, spec.link(new))
    is_open = spec.is_open()
    thing = spec.label[0].lower() + spec.label[1:]  # "survey link"
    left, right = st.columns(2)
    if left.button(
        f"Replace the {thing}" if is_open else f"Create a {thing}",
        icon=spec.icon,
        width="stretch",
        help="A new link stops the old one working." if is_open else None,
    ):
        st.session_state[key] = spec.create()
        st.rerun()
    if is_open and right.button(spec.close_label, icon=":material/block:", width="stretch"):
        spec.close()
        st.session_state.pop(key, None)
        st.rerun()
