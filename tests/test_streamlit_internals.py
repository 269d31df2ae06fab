"""ui/streamlit_internals.py: every private part of Streamlit it touches still exists in the installed
Streamlit (docs/streamlit-internals.md), so an upgrade that moves one fails here, not in a workshop."""

from __future__ import annotations

import dataclasses
import inspect
from types import SimpleNamespace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    FragmentThreadState,
    ScriptRunContext,
    ThreadState,
)

from ui import streamlit_internals as internals


def test_the_session_attributes_it_reads_are_set_by_streamlit():
    source = inspect.getsource(AppSession.__init__)
    for attribute in ("_scriptrunner", "_event_loop", "_client_state", "_pages_manager", "_state"):
        assert f"self.{attribute}" in source, attribute
    assert list(inspect.signature(AppSession.request_rerun).parameters)[:2] == ["self", "client_state"]
    assert "_scriptrunner" in inspect.getsource(AppSession.request_rerun)
    assert isinstance(inspect.getattr_static(PagesManager, "current_page_script_hash"), property)
    assert AppSessionState.APP_IS_RUNNING
    assert "self._session_mgr" in inspect.getsource(Runtime.__init__)
    assert callable(Runtime.exists) and callable(Runtime.instance)
    assert callable(ThreadState.get)
    assert "fragment_id" in {f.name for f in dataclasses.fields(FragmentThreadState)}
    assert "fragment_ids_this_run" in inspect.signature(ScriptRunContext.__init__).parameters


def test_the_download_parts_it_wraps_exist():
    from starlette.middleware.gzip import GZipResponder
    from streamlit.runtime.media_file_manager import MediaFileManager

    init = inspect.getsource(MediaFileManager.__init__)
    assert "self._lock" in init and "self._files_by_session_and_coord" in init
    assert "_files_by_session_and_coord.values()" in inspect.getsource(MediaFileManager._get_inactive_file_ids)
    assert list(inspect.signature(MediaFileManager.execute_deferred).parameters) == ["self", "file_id"]
    assert "exclude_content_types" in inspect.signature(GZipResponder.__init__).parameters


def test_the_chart_element_is_built_from_parts_that_exist():
    assert hasattr(st, "_main") and callable(DeltaGenerator._enqueue)
    assert "layout_config" in inspect.signature(DeltaGenerator._enqueue).parameters


def test_a_replayed_state_keeps_the_query_and_page_and_drops_clicks():
    last = ClientState(query_string="session=OLD", page_script_hash="join")
    last.widget_states.widgets.add(id="submit", trigger_value=True)
    last.widget_states.widgets.add(id="name", string_value="Ada")
    session = SimpleNamespace(_client_state=last, _pages_manager=SimpleNamespace(current_page_script_hash="rank"))

    full = internals.replay_state(session, "session=NEW&me=t")
    assert (full.query_string, full.page_script_hash, full.fragment_id, full.is_auto_rerun) == (
        "session=NEW&me=t",
        "rank",
        "",
        False,
    )
    assert [w.id for w in full.widget_states.widgets] == ["name"]  # the click is not repeated
    poll = internals.replay_state(session, None, fragment_id="f1")
    assert (poll.query_string, poll.page_script_hash, poll.fragment_id, poll.is_auto_rerun) == (
        "session=OLD",
        "join",
        "f1",
        True,
    )


def test_outside_a_server_there_is_no_tab_to_rerun():
    assert not internals.serving()
    assert internals.active_session("no-such-tab") is None
    assert internals.this_session_id() is None
