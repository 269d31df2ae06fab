"""A link that grants one thing (the survey link, the presenter link): shown once when made, replaced
or closed from the console. The token lives only in this tab's state until the facilitator leaves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from trustcore.i18n import ENGLISH, Translator

from .common import link_box


@dataclass(frozen=True)
class SecretLink:
    name: str  # "survey", "presenter": the state key
    label: str  # "Survey link" (every label in the reader's language: the caller translates them)
    create_label: str  # "Create a survey link"
    replace_label: str  # "Replace the survey link"
    shown_once: str  # the warning shown with the new link
    icon: str
    close_label: str  # "Close the survey"
    link: Callable[[str], str]  # token -> the whole link
    is_open: Callable[[], bool]
    create: Callable[[], str]  # makes (or replaces) the token, returns it
    close: Callable[[], None]


def secret_link_controls(session_code: str, spec: SecretLink, t: Translator = ENGLISH) -> None:
    """The new link (once), and the buttons that create, replace or close it (``t``: the reader's translator).
    The buttons' keys are stable, so the page may switch language between two clicks."""
    key = f"{spec.name}_link:{session_code}"
    new = st.session_state.get(key)
    if new:
        st.warning(spec.shown_once, icon=":material/key:")
        link_box(spec.label, spec.link(new))
    is_open = spec.is_open()
    left, right = st.columns(2)
    if left.button(
        spec.replace_label if is_open else spec.create_label,
        icon=spec.icon,
        width="stretch",
        help=t.gettext("A new link stops the old one working.") if is_open else None,
        key=f"{spec.name}_link_make",
    ):
        st.session_state[key] = spec.create()
        st.rerun()
    if is_open and right.button(
        spec.close_label, icon=":material/block:", width="stretch", key=f"{spec.name}_link_close"
    ):
        spec.close()
        st.session_state.pop(key, None)
        st.rerun()
