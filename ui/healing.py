"""Pages that heal themselves when Streamlit drops a run's output (shared/docs/streamlit-notes.md §2.9.1).

The race, in Streamlit 1.67 (``runtime/app_session.py``): a run finishes on its script thread, and its last
deltas and its ``script_finished`` are still queued for the event loop when a fragment poll
(``auto_rerun``) arrives. ``AppSession.request_rerun`` then finds the runner stopped, creates a new one,
and the event loop discards every queued event of the old runner as coming from a "non-current
ScriptRunner". The browser keeps showing the page as it was before that run, and no later poll repairs
it by itself. ``benchmarks/race_repro.py`` reproduces it in a few lines.

Two things make every page converge anyway:

1. A click's confirmation is drawn in the click's own run (``views/rank.py``), and the room watcher
   (``ui/live.py``) reruns the polling fragment of any page that still shows another round than the stored
   one, once a second until it does.
2. ``install`` wraps the event loop's handler: when it is about to discard an output event of a
   non-current runner, it asks the session for a full rerun of the page it was on, with the browser's
   last widget state (buttons' triggers left out, so no click is repeated), the way Streamlit's own
   run-on-save reruns a session. This matters because the dropped output may include the ``auto_rerun``
   message that restarts the page's polls: without a rerun from the server the page would never poll
   again. It also records the session id until that rerun is requested: ``output_was_dropped`` (called
   by every polling fragment) then answers True once, and the fragment reruns the whole page, as a second
   line of repair should a poll run first. With
   ``runner.fastReruns = false`` (our setting) a non-current runner only emits such events in this race.

The wrapper does not change what Streamlit does; it only watches. ``tests/test_live_room.py`` checks that
the handler it wraps still exists with the arguments it expects, so an upgrade that changes them fails
the suite instead of silently losing the repair.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

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

_dropped: set[str] = set()
_repairing: set[str] = set()  # sessions with a repairing rerun requested and not yet started
_url_unsure: set[str] = set()  # sessions whose dropped output may have held the URL's update (``url_unsure``)
_lock = threading.Lock()
_TRIGGERS = ("trigger_value", "string_trigger_value", "json_trigger_value", "chat_input_value")
dropped_total = 0  # events seen dropped since the process started (for tests and benchmarks)
# The query string each browser session's page last ran with or set (session id -> query string; the
# newest few thousand). Streamlit's own copy (``AppSession._client_state``) is only updated when a script
# runner shuts down, so right after a run that changed the URL (joining adds the personal token) it is
# the old one: a repair from it would show the personal page's owner the join page.
_queries: OrderedDict[str, str] = OrderedDict()
QUERIES_KEPT = 5000


def install() -> None:
    """Wrap ``AppSession._handle_scriptrunner_event_on_event_loop`` once per process (idempotent)."""
    original = AppSession._handle_scriptrunner_event_on_event_loop
    if getattr(original, "_trustcore_healing", False):
        return

    def handler(self, sender, event, *args, **kwargs):
        if sender is not None and sender is not self._scriptrunner and event in WATCHED:
            global dropped_total
            with _lock:
                _dropped.add(self.id)
                _url_unsure.add(self.id)
                dropped_total += 1
                first = self.id not in _repairing
                _repairing.add(self.id)
            if first:  # the rest of the dropped events are already queued: this runs after them
                self._event_loop.call_soon(_repair, self)
        return original(self, sender, event, *args, **kwargs)

    handler._trustcore_healing = True  # type: ignore[attr-defined]
    handler.__wrapped__ = original  # type: ignore[attr-defined]
    AppSession._handle_scriptrunner_event_on_event_loop = handler  # type: ignore[method-assign]


def remember_query(query_string: str) -> None:
    """Record the query string this tab's page runs with now (``ui.context`` calls it each run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return
    with _lock:
        _queries[ctx.session_id] = query_string
        _queries.move_to_end(ctx.session_id)
        while len(_queries) > QUERIES_KEPT:
            _queries.popitem(last=False)


def replay_state(session, *, fragment_id: str = "") -> ClientState:
    """The browser's last state of ``session`` for a rerun the server asks for (a repair, a nudge): its
    query string, page and widget values, with buttons' triggers left out so no click is ever repeated.
    ``fragment_id`` reruns that fragment only, as an automatic poll; otherwise the whole current page."""
    state = ClientState()
    state.CopyFrom(session._client_state)
    with _lock:
        state.query_string = _queries.get(session.id, state.query_string)
    state.fragment_id = fragment_id
    state.is_auto_rerun = bool(fragment_id)
    page = session._pages_manager.current_page_script_hash
    if page and not fragment_id:
        state.page_script_hash = page
    for widget in list(state.widget_states.widgets):
        if widget.WhichOneof("value") in _TRIGGERS:
            state.widget_states.widgets.remove(widget)
    return state


def _repair(session) -> None:
    """Rerun the page the session was showing (on the event loop, after the dropped events).

    That rerun redraws the whole page, so it also settles the drop for the polls: without clearing the
    flag here, the polling fragment drawn at the end of the repairing run would find it and rerun the
    whole page a second time (two full runs per drop, measured in the submit burst). A drop of the
    repairing run's own output sets the flag again."""
    with _lock:
        _repairing.discard(session.id)
        _dropped.discard(session.id)
    session.request_rerun(replay_state(session))


def url_unsure() -> bool:
    """Whether Streamlit dropped output of this browser session since its last full run asked (then True
    once): that output may have held the URL's update (``page_info_changed``), so the browser's address bar
    may not show what the app set, although the repairing run's query string does (``replay_state``).
    ``ui.context.set_params`` then writes the URL even where it looks unchanged."""
    return _take(_url_unsure)


def output_was_dropped() -> bool:
    """Whether Streamlit discarded output of this browser session since the last call (then True once)."""
    return _take(_dropped)


def _take(flagged: set[str]) -> bool:
    """Whether this run's browser session is in ``flagged``, taking it out (so True once per flag)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return False
    with _lock:
        if ctx.session_id in flagged:
            flagged.discard(ctx.session_id)
            return True
    return False
