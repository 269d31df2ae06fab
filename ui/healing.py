"""Pages that heal themselves when Streamlit drops a run's output (``docs/streamlit-internals.md`` §1).

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
2. ``install`` watches the event loop's handler (``streamlit_internals.watch_dropped_output``): when it is about to discard an output event of a
   non-current runner, it asks the session for a full rerun of the page it was on, with the browser's
   last widget state (buttons' triggers left out, so no click is repeated), the way Streamlit's own
   run-on-save reruns a session. This matters because the dropped output may include the ``auto_rerun``
   message that restarts the page's polls: without a rerun from the server the page would never poll
   again. It also records the session id until that rerun is requested: ``output_was_dropped`` (called
   by every polling fragment) then answers True once, and the fragment reruns the whole page, as a second
   line of repair should a poll run first. With
   ``runner.fastReruns = false`` (our setting) a non-current runner only emits such events in this race.

The wrapper does not change what Streamlit does; it only watches. It, and everything else here that reaches
into Streamlit's private internals, is in ``ui/streamlit_internals.py``; ``tests/test_live_room.py`` and
``tests/test_streamlit_internals.py`` check that the handler it wraps still exists with the arguments it
expects, so an upgrade that changes them fails the suite instead of silently losing the repair.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from . import streamlit_internals as internals

_dropped: set[str] = set()
_repairing: set[str] = set()  # sessions with a repairing rerun requested and not yet started
_url_unsure: set[str] = set()  # sessions whose dropped output may have held the URL's update (``url_unsure``)
_lock = threading.Lock()
dropped_total = 0  # events seen dropped since the process started (for tests and benchmarks)
# The query string each browser session's page last ran with or set (session id -> query string; the
# newest few thousand). Streamlit's own copy (``AppSession._client_state``) is only updated when a script
# runner shuts down, so right after a run that changed the URL (joining adds the personal token) it is
# the old one: a repair from it would show the personal page's owner the join page.
_queries: OrderedDict[str, str] = OrderedDict()
QUERIES_KEPT = 5000


def install() -> None:
    """Watch for dropped output, once per process (idempotent)."""
    internals.watch_dropped_output(_dropped_output)


def _dropped_output(session) -> None:
    """Streamlit is about to discard an output event of ``session`` (on the event loop): record it, and
    schedule one repair for the whole dropped output (its other events are already queued, so the repair
    runs after them)."""
    global dropped_total
    with _lock:
        _dropped.add(session.id)
        _url_unsure.add(session.id)
        dropped_total += 1
        first = session.id not in _repairing
        _repairing.add(session.id)
    if first:
        internals.call_soon(session, _repair, session)


def remember_query(query_string: str) -> None:
    """Record the query string this tab's page runs with now (``ui.context`` calls it each run)."""
    session_id = internals.this_session_id()
    if session_id is None:
        return
    with _lock:
        _queries[session_id] = query_string
        _queries.move_to_end(session_id)
        while len(_queries) > QUERIES_KEPT:
            _queries.popitem(last=False)


def replay_state(session, *, fragment_id: str = ""):
    """The browser's last state of ``session`` for a rerun the server asks for (a repair, a nudge), with the
    query string its page last ran with or set (``remember_query``): ``streamlit_internals.replay_state``."""
    with _lock:
        query = _queries.get(session.id)
    return internals.replay_state(session, query, fragment_id=fragment_id)


def _repair(session) -> None:
    """Rerun the page the session was showing (on the event loop, after the dropped events).

    That rerun redraws the whole page, so it also settles the drop for the polls: without clearing the
    flag here, the polling fragment drawn at the end of the repairing run would find it and rerun the
    whole page a second time (two full runs per drop, measured in the submit burst). A drop of the
    repairing run's own output sets the flag again."""
    with _lock:
        _repairing.discard(session.id)
        _dropped.discard(session.id)
    internals.rerun(session, replay_state(session))


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
    session_id = internals.this_session_id()
    if session_id is None:
        return False
    with _lock:
        if session_id in flagged:
            flagged.discard(session_id)
            return True
    return False
