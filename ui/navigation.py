"""The pages of the navigation, built once per process and role and copied for each run.

``st.Page`` resolves its file on disk, checks that it exists and validates its icon each time it is made:
13 pages cost about 0.55 ms of every run of every tab (``benchmarks/README.md``). The pages a role gets
never change while the process runs, so each role's list is made once (in a script run, which ``st.Page``
needs) and each run gets shallow copies: ``st.navigation`` marks the page it returns as the one this run
may call (``_can_be_called``), and runs of other tabs on other threads must not see that mark.
"""

from __future__ import annotations

import copy
import threading

import streamlit as st

from trustcore.i18n import ENGLISH, Translator
from trustcore.model import Role

from . import signin
from .context import PAGES, ROLE_PAGES

_made: dict[tuple[Role, str], tuple[st.Page, ...]] = {}  # (role, language): the pages, titled in it
_lock = threading.Lock()


def pages_for(role: Role, t: Translator = ENGLISH) -> list[st.Page]:
    """Every page, for a tab of ``role``: the role's pages visible in the navigation (its main page first),
    the others hidden, so any URL the address bar ever showed works as a first request (a phone
    reconnecting to a restarted server); hidden pages send their visitor on to their own main page
    (``page_context``). The bare URL (a shared or personal link) is the hidden landing page, which goes on
    to the role's main page. The titles are in ``t``'s language (made once per role and language)."""
    with _lock:
        made = _made.get((role, t.locale))
        if made is None:
            made = _made[role, t.locale] = _make(role, t)
    return [copy.copy(page) for page in made]


def _make(role: Role, t: Translator = ENGLISH) -> tuple[st.Page, ...]:
    # "My sessions" is in the navigation only where people can sign in (``ui/signin.py``)
    mine = [name for name in ROLE_PAGES[role] if name != "mine" or signin.configured()]
    landing = st.Page("views/landing.py", title="trustcore", url_path="welcome", default=True, visibility="hidden")
    return (
        landing,
        *(
            st.Page(
                PAGES[name][0],
                title=t.gettext(PAGES[name][1]),
                icon=PAGES[name][2],
                url_path=PAGES[name][3],
                visibility="visible" if name in mine else "hidden",
            )
            for name in [*mine, *(n for n in PAGES if n not in mine)]
        ),
    )
