"""When the database is not answering for a while: one plain message, once, and a page that heals.

Which exceptions mean "the database is unavailable" is the core's decision (``trustcore.db.unavailable``:
PostgreSQL stopped or restarting, the pool found no connection in time, SQLite's file locked past its busy
timeout, read-only or failing). Anything else is a bug and is raised as before.

- A whole page run that fails on such a fault (``page_failed``, called by ``app.py``) shows the message where
  the page stopped, and a small fragment that asks the database every ``RETRY_SECONDS`` whether it answers
  again, then reruns the page: a page whose first load failed loads by itself.
- A fragment that fails on it (``in_fragment``; Streamlit would show its own error box in the fragment,
  in a whole page run as in the fragment's own) shows the message inside the fragment; the fragment asks
  the room watcher to rerun it once the database answers (``live.retry_soon``), and its next successful
  run draws it without the message. The page says it once: a fragment or the page, whichever meets the
  fault first in a run.
- The message says whether the participant's ranking was saved (``saved``), never a stack trace and never
  Streamlit's redacted error box.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st

from trustcore import db
from trustcore.i18n import ENGLISH, N_, Translator

from . import streamlit_internals as internals
from .i18n import translator

RETRY_SECONDS = 2.0
ICON = ":material/cloud_off:"
_SAYS = {  # marked: worded in the tab's language where it is shown
    None: N_("The session's database is not answering. Keep this page open, we will retry."),
    False: N_(
        "The session's database is not answering. Your ranking was not saved yet: keep this page open, we will retry."
    ),
    True: N_("The session's database is not answering. Your ranking was saved: keep this page open, we will retry."),
}
_down = threading.Event()  # this process's last database call in a fragment failed on a fault
UNSAVED = "tc_outage_unsaved"  # set while a page holds a ranking it could not store yet (``unsaved``)
_SHOWN_BY = "tc_outage_shown_by"  # the fragment (or "page") whose message is on screen now


def message(saved: bool | None = None, t: Translator = ENGLISH) -> str:
    """What the page says: ``saved`` is None when no ranking is at stake, else whether it was stored."""
    return t.gettext(_SAYS[saved])


def unsaved(waiting: bool) -> None:
    """Record whether this tab holds a ranking it could not store yet (the message then says so)."""
    if waiting:
        st.session_state[UNSAVED] = True
    else:
        st.session_state.pop(UNSAVED, None)


def say(saved: bool | None = None, where=None) -> None:
    """The message, in the app's own status box (in ``where``, a container, or here)."""
    if saved is None and st.session_state.get(UNSAVED):
        saved = False
    (where or st).warning(message(saved, translator()), icon=ICON)  # the tab's language (no database needed)


def tell(saved: bool | None = None) -> None:
    """The message, from a fragment's own run, unless another fragment of this tab already shows it."""
    me = internals.this_fragment_id() or "page"
    if st.session_state.get(_SHOWN_BY) in (None, me):
        st.session_state[_SHOWN_BY] = me
        say(saved)


@dataclass
class Outcome:
    failed: bool = False


@contextlib.contextmanager
def in_fragment(saved: bool | None = None) -> Iterator[Outcome]:
    """Run a fragment's block. A transient database fault ends the block, and the fragment says so (unless
    another fragment of this tab, or the page, already does); ``outcome.failed`` tells the caller to ask for
    a retry. Anything else is raised, as before.

    While this process's last database call failed (``_down``), the message is drawn first, in a slot the
    block's success empties: a poll that waits for the database (a pool's timeout) and is then cut short
    by the next poll's rerun still leaves the message on the page."""
    outcome = Outcome()
    me = internals.this_fragment_id() or "page"
    early = None
    if _down.is_set() and st.session_state.get(_SHOWN_BY) in (None, me):
        st.session_state[_SHOWN_BY] = me
        early = st.empty()
        say(saved, early)
    try:
        yield outcome
    except Exception as exc:
        if not db.unavailable(exc):
            raise
        _down.set()
        outcome.failed = True
        if early is None:
            tell(saved)
    else:
        _down.clear()
        if early is not None:
            early.empty()
        if st.session_state.get(_SHOWN_BY) == me:
            del st.session_state[_SHOWN_BY]


def page_starts() -> None:
    """A whole page run draws every fragment afresh: no fragment's message is on screen any more."""
    st.session_state.pop(_SHOWN_BY, None)


def page_failed(exc: BaseException, target) -> bool:
    """After a whole page run raised ``exc`` (``app.py``): when the database is unavailable, say so and retry
    the page once it answers again (True); anything else is not handled here (False)."""
    if not db.unavailable(exc):
        return False
    _down.set()
    if st.session_state.get(_SHOWN_BY) is None:  # else a fragment of this run already says it
        say()
    st.session_state[_SHOWN_BY] = "page"
    _retry_page(str(target))
    return True


@st.fragment(run_every=RETRY_SECONDS)
def _retry_page(target: str) -> None:
    """Rerun the page once the database answers again (drawn only by a run that failed)."""
    if internals.fragment_run() and db.answering(db.target_of(target)):
        st.rerun(scope="app")
