"""Editing records that several people may change at once (next steps, worksheet, reflections).

A form keeps what its user typed across reruns (stable widget keys), and remembers the version of
the record the user started from (its *base*). Saving sends that base version: if someone else saved
in between, the core raises EditConflict and the page shows both versions. Nothing is overwritten
silently, and nothing typed is lost by a rerun.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from trustcore.errors import EditConflict, TrustcoreError
from trustcore.i18n import Translator

from .common import problem
from .flash import flash


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


def save(
    key: str,
    call: Callable[[], object],
    *,
    typed: object,
    done: str | Callable[[object], str] | None = None,
    t: Translator | None = None,
) -> None:
    """Run ``call``, the save (or delete) of the record edited under ``key``, and show its outcome.

    Someone else saved in between (EditConflict): what this user typed and the stored record are kept
    under ``f"{key}:conflict"`` for the page to show side by side. Another refusal is shown as it is, and
    the form keeps what was typed (a refusal in ``t``'s language). Success forgets the form, says ``done`` (or what ``done`` makes of the
    call's result) on the next run, and reruns."""
    try:
        result = call()
    except EditConflict as exc:
        st.session_state[f"{key}:conflict"] = (typed, exc.current, exc)  # worded when shown (``conflict``)
        st.rerun()
    except TrustcoreError as exc:
        problem(exc, t)
        return
    forget(key)
    message = done(result) if callable(done) else done
    if message:
        flash(message)
    st.rerun()


def conflict(key: str, t: Translator | None = None):
    """(what was typed, the stored record, the message) of a save refused by ``save``, if any; the message in
    ``t``'s language (English without one)."""
    found = st.session_state.get(f"{key}:conflict")
    if found is None:
        return None
    typed, current, refusal = found
    return typed, current, refusal.translated(t) if isinstance(refusal, TrustcoreError) else str(refusal)
