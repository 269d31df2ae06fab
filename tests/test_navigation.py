"""ui/navigation.py: the navigation's pages are made once per role and each run gets its own copies."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from trustcore.model import Role
from ui import navigation

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_each_run_gets_copies_so_one_tab_marking_its_page_leaves_the_others_alone(monkeypatch):
    page = st.Page.__new__(st.Page)
    page._can_be_called, page._url_path = False, "compare"
    monkeypatch.setattr(navigation, "_made", {(Role.FACILITATOR, "en"): (page,)})
    mine, theirs = navigation.pages_for(Role.FACILITATOR), navigation.pages_for(Role.FACILITATOR)
    mine[0]._can_be_called = True  # what st.navigation does to the page it returns for this run
    assert theirs[0]._can_be_called is False and page._can_be_called is False
    assert mine[0] is not page and mine[0]._url_path == theirs[0]._url_path == "compare"


def test_the_pages_of_a_role_are_made_once_and_still_route(backend_store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    monkeypatch.setattr(navigation, "_made", {})
    made_for: list[Role] = []
    real = navigation._make
    monkeypatch.setattr(navigation, "_make", lambda role, *t: made_for.append(role) or real(role, *t))
    made = backend_store.create_session("Pages once", ["Alpha", "Beta"])
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"], at.query_params["admin"] = made.session.code, made.facilitator_token
    at.run()
    at.switch_page("views/next_steps.py").run()
    at.run()
    assert not at.exception, at.exception
    assert made_for == [Role.FACILITATOR]
    assert "Next steps" in " ".join(str(c.value) for c in at.caption)  # the session header names the page
