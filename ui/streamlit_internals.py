"""The one module that touches Streamlit's private internals (tested with Streamlit 1.67).

Everything else in the app uses Streamlit's public API (``streamlit``, ``st.*``). What is here reaches into
modules and attributes Streamlit may change in any release, so it is kept small and each use is listed
with its reason. ``docs/streamlit-internals.md`` describes the facts these rely on and how each is tested;
``tests/test_streamlit_internals.py`` checks that every one of them still exists in the installed Streamlit,
and ``tests/test_layering.py`` that no other module of the app imports a private path.

What it touches, and why:

- ``streamlit.runtime.app_session.AppSession._handle_scriptrunner_event_on_event_loop`` (wrapped, not
  changed: ``watch_dropped_output``): the event loop's handler of a script runner's events, which discards
  the output of a runner that is no longer current. The wrapper tells ``ui.healing`` when that happens, so
  the page is repaired (the race is described in ``ui/healing.py``). It reads the session's
  ``_scriptrunner`` (the current runner) and ``id``.
- ``streamlit.runtime.scriptrunner.ScriptRunnerEvent``: which of those events are output (``WATCHED``).
- ``AppSession._event_loop`` (``call_soon``, ``call_soon_threadsafe``) and ``AppSession.request_rerun``:
  a rerun asked for by the server (a repair, a nudge of the room watcher), run on the session's event loop
  the way Streamlit's own run-on-save does.
- ``streamlit.proto.ClientState_pb2.ClientState``, ``AppSession._client_state`` and
  ``AppSession._pages_manager.current_page_script_hash``: the browser's last state, replayed for such a
  rerun (``replay_state``).
- ``streamlit.runtime.scriptrunner_utils.script_run_context``: ``get_script_run_ctx().session_id`` (which
  browser session this run draws for), ``.fragment_ids_this_run`` (whether a run reruns fragments only) and ``ThreadState.get().fragment_id`` (which fragment is running).
- ``streamlit.runtime.Runtime`` (``exists``, ``instance``, ``_session_mgr.get_active_session_info``) and
  ``AppSessionState.APP_IS_RUNNING``: the room watcher finds a tab's session and whether its page is
  running (``serving``, ``active_session``, ``is_running``).
- ``Runtime.instance().media_file_mgr`` (its ``execute_deferred``, wrapped on the instance, ``_lock`` and
  ``_files_by_session_and_coord``): a file made by a download button's click is kept referenced for
  ``KEEP_MADE_FILES_S`` (``keep_made_files``). Streamlit drops it once two script runs of any tab have ended,
  which in a polling room is a few dozen milliseconds, so a phone's request a round trip later got 404.
- ``starlette.middleware.gzip.GZipResponder`` (its ``__init__``, wrapped: ``serve_zips_as_they_are``):
  Streamlit 1.67 serves everything through Starlette's GZip at level 9, which leaves ``application/zip`` alone
  but not the workbook's own type; compressing a workbook again cost 4.6 ms of the interpreter per download
  for 11 % fewer bytes.
- ``st._main``, ``DeltaGenerator._enqueue``, ``streamlit.elements.lib`` (``current_form_id``,
  ``LayoutConfig``, ``compute_and_register_element_id``) and ``streamlit.proto.PlotlyChart_pb2``: a plotly
  chart sent from JSON made once, as the element ``st.plotly_chart`` itself sends (``send_plotly_chart``).
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from starlette.middleware.gzip import GZipResponder
from streamlit.elements.lib.form_utils import current_form_id
from streamlit.elements.lib.layout_utils import LayoutConfig
from streamlit.elements.lib.utils import compute_and_register_element_id
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.PlotlyChart_pb2 import PlotlyChart as PlotlyChartProto
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx

# Output events whose loss leaves a page stale (the deltas, and the end of a run).
WATCHED = frozenset(
    {
        ScriptRunnerEvent.ENQUEUE_FORWARD_MSG,
        ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
        ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
        ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
        ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS,
    }
)
# Widget values that are clicks: left out of a replayed state, so no click is ever repeated.
_TRIGGERS = ("trigger_value", "string_trigger_value", "json_trigger_value", "chat_input_value")


# ------------------------------------------------------------------------------ dropped output


def watch_dropped_output(on_drop: Callable[[Any], None]) -> None:
    """Wrap ``AppSession._handle_scriptrunner_event_on_event_loop`` once per process (idempotent): before it
    handles an output event (``WATCHED``) of a runner that is no longer the session's current one, which
    it discards, call ``on_drop(session)`` (on the event loop). The handler's behaviour is unchanged."""
    original = AppSession._handle_scriptrunner_event_on_event_loop
    if getattr(original, "_trustcore_healing", False):
        return

    def handler(self, sender, event, *args, **kwargs):
        if sender is not None and sender is not self._scriptrunner and event in WATCHED:
            on_drop(self)
        return original(self, sender, event, *args, **kwargs)

    handler._trustcore_healing = True  # type: ignore[attr-defined]
    handler.__wrapped__ = original  # type: ignore[attr-defined]
    AppSession._handle_scriptrunner_event_on_event_loop = handler  # type: ignore[method-assign]


# ------------------------------------------------------------------------------ downloads

KEEP_MADE_FILES_S = 120.0  # a made file stays fetchable this long after its click
KEEPER = "trustcore:made-files"  # the pseudo-session that references made files while they are kept
ZIPPED = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)  # already compressed
_keep_lock = threading.Lock()


def keep_made_files(seconds: float = KEEP_MADE_FILES_S) -> None:
    """Once per process (idempotent): wrap the media file manager's ``execute_deferred`` (which runs a download
    button's callable and stores its file, referenced by no tab) so that the file it made stays referenced, by
    ``KEEPER``, for ``seconds``; files kept longer are let go at the next click. The files are the shelf's
    (``trustcore.shelf``): a hundred participants' workbooks are one file, so keeping them costs little."""
    with _keep_lock:
        manager = Runtime.instance().media_file_mgr
        if getattr(manager.execute_deferred, "_trustcore_keeps", False):
            return
        original = manager.execute_deferred
        made: dict[str, float] = {}

        def execute_deferred(file_id: str) -> str:
            url = original(file_id)
            file = url.rsplit("/", 1)[-1].split(".", 1)[0]  # ``{endpoint}/{file id}{extension}``
            now = time.monotonic()
            with manager._lock:
                kept = manager._files_by_session_and_coord.setdefault(KEEPER, {})
                for old, at in list(made.items()):
                    if now - at > seconds:
                        del made[old]
                        kept.pop(old, None)
                made[file] = now
                kept[file] = file
            return url

        execute_deferred._trustcore_keeps = True  # type: ignore[attr-defined]
        manager.execute_deferred = execute_deferred  # type: ignore[method-assign]


def serve_zips_as_they_are() -> None:
    """Once per process (idempotent): Starlette's GZip leaves the ``ZIPPED`` types (the workbook) uncompressed,
    as it does ``application/zip``. (Its responders normalise the types they are given.)"""
    original = GZipResponder.__init__
    if getattr(original, "_trustcore_zipped", False):
        return
    default = inspect.signature(original).parameters["exclude_content_types"].default

    def __init__(self, *args, exclude_content_types=default, **kwargs):
        original(self, *args, exclude_content_types=(*exclude_content_types, *ZIPPED), **kwargs)

    __init__._trustcore_zipped = True  # type: ignore[attr-defined]
    GZipResponder.__init__ = __init__  # type: ignore[method-assign]


def call_soon(session, fn: Callable[..., object], *args: object) -> None:
    """Run ``fn(*args)`` on the session's event loop after what is already queued there (call it from the
    event loop itself, as ``on_drop`` is)."""
    session._event_loop.call_soon(fn, *args)


# ------------------------------------------------------------------------------ reruns from the server


def replay_state(session, query_string: str | None = None, *, fragment_id: str = "") -> ClientState:
    """The browser's last state of ``session`` for a rerun the server asks for (a repair, a nudge): its
    query string (``query_string`` when given), page and widget values, with buttons' triggers left out so
    no click is ever repeated. ``fragment_id`` reruns that fragment only, as an automatic poll; otherwise
    the whole current page."""
    state = ClientState()
    state.CopyFrom(session._client_state)
    if query_string is not None:
        state.query_string = query_string
    state.fragment_id = fragment_id
    state.is_auto_rerun = bool(fragment_id)
    page = session._pages_manager.current_page_script_hash
    if page and not fragment_id:
        state.page_script_hash = page
    for widget in list(state.widget_states.widgets):
        if widget.WhichOneof("value") in _TRIGGERS:
            state.widget_states.widgets.remove(widget)
    return state


def rerun(session, state: ClientState) -> None:
    """Ask the session for a rerun with ``state`` (on its event loop)."""
    session.request_rerun(state)


def rerun_from_any_thread(session, state: ClientState) -> None:
    """Ask the session for a rerun with ``state`` from any thread (the room watcher's)."""
    session._event_loop.call_soon_threadsafe(session.request_rerun, state)


# ------------------------------------------------------------------------------ the run and the server


def this_session_id() -> str | None:
    """The browser session this script run draws for (None outside a run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.session_id


def this_fragment_id() -> str:
    """The fragment running now on this script thread ("" in a full run; call it only during a run)."""
    return ThreadState.get().fragment_id or ""


def fragment_run() -> bool:
    """Whether this script run reruns fragments only (a poll, a click in a fragment), not the whole page."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def serving() -> bool:
    """Whether this process is a real Streamlit server (not an ``AppTest`` run, which puts a mock in
    ``Runtime._instance`` for the length of a run)."""
    return Runtime.exists() and type(Runtime.instance()) is Runtime


def active_session(session_id: str):
    """The server's session of a connected browser tab, or None (no server, or the tab is gone)."""
    if not Runtime.exists():
        return None
    info = Runtime.instance()._session_mgr.get_active_session_info(session_id)
    return None if info is None else info.session


def is_running(session) -> bool:
    """Whether the session's page is running now."""
    return session._state is AppSessionState.APP_IS_RUNNING


# ------------------------------------------------------------------------------ charts


def send_plotly_chart(spec: str, config: dict, height: int, *, alt: str | None, key: str | None) -> None:
    """Draw a plotly figure from its JSON ``spec``, full width in the current container, as the element
    ``st.plotly_chart`` sends (``streamlit/elements/plotly_chart.py``, the path without selections): same
    proto, same element id rule, same layout, without rebuilding and revalidating a ``Figure``."""
    dg = st._main
    proto = PlotlyChartProto()
    proto.theme = "streamlit"
    proto.form_id = current_form_id(dg)
    proto.spec = spec
    proto.config = json.dumps(config)
    if alt:
        proto.alt = alt
    proto.id = compute_and_register_element_id(
        "plotly_chart",
        user_key=key,
        key_as_main_identity=False,
        dg=dg,
        plotly_spec=proto.spec,
        plotly_config=proto.config,
        selection_mode=("points", "box", "lasso"),
        is_selection_activated=False,
        theme="streamlit",
        width="stretch",
        height="content",
        alt=alt,
    )
    dg._enqueue("plotly_chart", proto, layout_config=LayoutConfig(width="stretch", height=height))
