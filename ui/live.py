"""Live updates without reloading: a room watcher per process, and small fragments that it reruns.

Every polling fragment registers what its tab shows of the session (the round, or the change marker). Once
a second the process's room watcher reads each watched session (one indexed query per kind) and reruns the
fragment of every tab whose drawing is out of date (``nudge``); the fragment then reruns its page. The
console nudges at once after the facilitator's actions. Each fragment keeps a slow timer of its own as a
safety net, and asks ``healing`` whether Streamlit dropped this tab's last output (a framework race, see
``ui/healing.py``), so a page always converges to what is stored within a second or two.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
from dataclasses import dataclass

import streamlit as st

from trustcore import db
from trustcore.errors import NotFound
from trustcore.model import RoundStatus
from trustcore.view import View

from . import editing, healing, outage
from . import streamlit_internals as internals
from .i18n import translator

_LOGGER = logging.getLogger(__name__)

POLL_SECONDS = 2  # the facilitator's console: one tab, which shows every join and submission
# Participants' tabs: the process's room watcher (below) looks at the database every WATCH_SECONDS for all of
# them and reruns a tab's polling fragment when what it shows is out of date, so each tab's own timer is
# only a safety net (and the second line of ``healing``). A hundred tabs polling every 2 s cost the server
# 0.18 core for nothing (Streamlit's own cost of a run, benchmarks/README.md); the watcher costs a query or
# two per session per tick.
FALLBACK_SECONDS = 10
WATCH_SECONDS = 1.0
RETRY_SECONDS = 3.0  # a nudged tab that still shows the old value (its rerun lost) is nudged again after this
_FOLLOWED = "tc_followed_round"

ROUND = "round"  # the tab shows the current round (``Round.shown``): number, status, timer
MARKER = "marker"  # the tab shows everything in the session (``View.change_marker``)
# What a fragment "shows" when its last run failed on a database fault: never what is stored, so the room
# watcher reruns it as soon as it can read the session again (``retry_soon``).
FAILED = "failed: the database did not answer"


@dataclass
class _Watch:
    """One polling fragment of one tab: what it shows now, so the watcher can tell when that is stale."""

    fragment_id: str
    view: View  # the tab's view: what the watcher reads the session through
    wants: str  # ROUND or MARKER
    shows: object  # the value of ``wants`` the tab drew
    nudged_at: float = 0.0


# Polling fragments of this process's tabs: session code -> {(browser session id, fragment id): watch}
_watchers: dict[str, dict[tuple[str, str], _Watch]] = {}
_watchers_lock = threading.Lock()
_thread: threading.Thread | None = None


def _register(view, wants: str, shows) -> None:
    """Remember what this tab's current fragment shows of the view's session (so the watcher can rerun it)."""
    session_id = internals.this_session_id()
    fragment_id = internals.this_fragment_id() if session_id is not None else ""
    if session_id is None or not fragment_id:
        return
    code = view.session.code
    with _watchers_lock:
        _watchers.setdefault(code, {})[(session_id, fragment_id)] = _Watch(fragment_id, view, wants, shows)
    _start_watching()


def forget_tab() -> None:
    """Drop this tab's watches (the entrypoint calls it at every full run: the page drawn registers again)."""
    session_id = internals.this_session_id()
    if session_id is None:
        return
    with _watchers_lock:
        for tabs in _watchers.values():
            for key in [key for key in tabs if key[0] == session_id]:
                del tabs[key]


def _start_watching() -> None:
    global _thread
    if _thread is not None or not internals.serving():
        return
    with _watchers_lock:
        if _thread is None:
            _thread = threading.Thread(target=_watch_forever, name="trustcore-room-watcher", daemon=True)
            _thread.start()


def _watch_forever() -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        with _watchers_lock:
            codes = [code for code, tabs in _watchers.items() if tabs]
        for code in codes:
            try:
                nudge(code)
            except Exception as exc:  # noqa: BLE001 - a dead database must not stop the watcher; tabs' own polls remain
                if db.unavailable(exc):  # it says so on the pages; the next tick tries again
                    _LOGGER.warning("room watcher: the database is not answering (%s)", type(exc).__name__)
                else:
                    _LOGGER.warning("room watcher: cannot check session %s", code, exc_info=True)


def _now_shown(view, wants: str):
    try:
        return view.current_round().shown if wants == ROUND else view.change_marker()
    except NotFound:
        return None  # the session was deleted: every tab showing it is stale


def stale_tabs(code: str, now: float, busy=lambda session_id: False) -> list[tuple[str, str]]:
    """(browser session id, fragment id) of the tabs watching ``code`` whose drawing is out of date and that
    were not nudged in the last ``RETRY_SECONDS`` (marked as nudged at ``now``). One query per kind. A tab
    whose page is running (``busy``) is left for the next tick: the run under way registers what it draws,
    and a rerun asked for now would only queue behind it (at a reveal, a hundred tabs wait at the gate)."""
    with _watchers_lock:
        watches = list(_watchers.get(code, {}).items())
    current: dict[tuple[int, str], object] = {}
    stale = []
    for (session_id, _), watch in watches:
        kind = (id(watch.view.store), watch.wants)
        if kind not in current:
            current[kind] = _now_shown(watch.view, watch.wants)
        if current[kind] != watch.shows and now - watch.nudged_at >= RETRY_SECONDS and not busy(session_id):
            watch.nudged_at = now
            stale.append((session_id, watch.fragment_id))
    return stale


def nudge(code: str) -> int:
    """Rerun, now, the polling fragment of every tab of this process whose drawing of ``code`` is out of date.

    The room watcher calls it every ``WATCH_SECONDS``, and the console right after the facilitator locks,
    reveals or opens a round, so the room sees it at once. It asks each such tab's Streamlit session for a
    rerun of its polling fragment, with the browser's last widget state (buttons' triggers left out, so no
    click is ever repeated), the way Streamlit's own run-on-save reruns a session; the fragment then moves
    the tab on as its own poll would (a participant on the ranking goes to the comparison after a reveal).
    Tabs served by other processes (other replicas) are nudged by their own process's watcher. Returns the
    number of tabs nudged."""
    if not internals.serving():
        return 0

    def busy(session_id: str) -> bool:
        session = internals.active_session(session_id)
        return session is not None and internals.is_running(session)

    nudged = 0
    for session_id, fragment_id in stale_tabs(code, time.monotonic(), busy):
        session = internals.active_session(session_id)
        if session is None:
            with _watchers_lock:
                _watchers.get(code, {}).pop((session_id, fragment_id), None)
            continue
        internals.rerun_from_any_thread(session, healing.replay_state(session, fragment_id=fragment_id))
        nudged += 1
    return nudged


class _Gate:
    """At most a few full page runs of this process at once; the others wait, without holding the
    interpreter, for their turn.

    When the facilitator reveals, a hundred tabs run the comparison at the same moment. Python runs one
    thread at a time, and with a hundred runnable script threads the event loop that sends their output to
    the browsers gets a hundredth of the time: every tab then receives its page at the very end, together.
    With a gate, runs finish one after another and each page goes out as soon as it is drawn. A page may
    ``leave`` the gate early, once what matters first is drawn (the comparison's headline), and then wait
    (``heavy_slot``) for the gate to be quiet before drawing the rest: every headline goes out before any
    page's details."""

    def __init__(self, size: int):
        self._size = size
        self._inside = 0  # full runs past the gate, not yet left
        self._waiting = 0  # full runs waiting to enter
        # (time, thread) of the latest entries: whether others came in lately (``_others_entered_since``)
        self._recent: collections.deque[tuple[float, int]] = collections.deque(maxlen=64)
        self._changed = threading.Condition()
        self._held = threading.local()

    @contextlib.contextmanager
    def run(self):
        with self._changed:
            self._waiting += 1
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._inside < self._size)
            self._waiting -= 1
            self._inside += 1
            self._recent.append((time.monotonic(), threading.get_ident()))
        self._held.value = True
        try:
            yield
        finally:
            self.leave()

    def leave(self) -> None:
        if getattr(self._held, "value", False):
            self._held.value = False
            with self._changed:
                self._inside -= 1
                self._changed.notify_all()

    def wait_quiet(self, timeout: float, settle: float = 0.05) -> bool:
        """Wait until no full run has been inside the gate or waiting for it for ``settle`` seconds (the
        tabs of a reveal start one after another, a few milliseconds apart), at most ``timeout`` seconds
        in all, so a steady stream of runs cannot hold a page back for long. A run that was alone (no other
        run entered in the last ``settle`` seconds) does not wait at all. Returns whether it was quiet."""
        deadline = time.monotonic() + timeout

        def quiet() -> bool:
            return self._inside == 0 and self._waiting == 0

        with self._changed:
            if quiet() and not self._others_entered_since(time.monotonic() - settle):
                return True
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait_for(quiet, left):
                    return False
                since = time.monotonic()
                self._changed.wait(min(settle, max(left, 0.0)))  # woken early by any run entering or leaving
                if quiet() and not self._others_entered_since(since):
                    return True

    def _others_entered_since(self, since: float) -> bool:
        """Whether a run of another thread entered the gate after ``since`` (called holding the lock)."""
        me = threading.get_ident()
        for entered, thread in reversed(self._recent):
            if entered < since:
                return False
            if thread != me:
                return True
        return False


gate = _Gate(3)
_heavy = threading.BoundedSemaphore(2)
QUIET_WAIT_S = 2.0


@contextlib.contextmanager
def heavy_slot():
    """Leave the run gate, wait until no other page is waiting to draw its first part (at most
    ``QUIET_WAIT_S``), then take one of two slots for the heavy part of a page (``views/compare.py``)."""
    gate.leave()
    gate.wait_quiet(QUIET_WAIT_S)
    with _heavy:
        yield


def retry_soon(ctx, wants: str = ROUND) -> None:
    """This fragment's run failed on a database fault (``outage.in_fragment``): the room watcher reruns it once
    it can read the session again (a dead PostgreSQL), or every ``RETRY_SECONDS`` while reads work and the
    fault is in writes (a locked or read-only SQLite file), instead of at the fragment's slow timer."""
    _register(ctx.view, wants, FAILED)


def settled() -> None:
    """This fragment's run succeeded after ``retry_soon``: the room watcher stops rerunning it (a fragment
    that registers what it shows at each run replaces its watch instead)."""
    session_id = internals.this_session_id()
    if session_id is None:
        return
    key = (session_id, internals.this_fragment_id())
    with _watchers_lock:
        for tabs in _watchers.values():
            tabs.pop(key, None)


def heal() -> None:
    """Rerun the whole page if Streamlit dropped this tab's last output (call first in every poll)."""
    if healing.output_was_dropped():
        st.rerun(scope="app")


@st.fragment(run_every=FALLBACK_SECONDS)
def watch_round(ctx) -> None:
    """Rerun the whole page when the current round opens, locks or is revealed, or its timer changes
    (participants' view)."""
    heal()
    _register(ctx.view, ROUND, ctx.drawn_round)
    with outage.in_fragment() as poll:
        try:
            now = ctx.view.current_round()
        except NotFound:
            st.rerun(scope="app")  # the session was deleted: the context will say so
            return
        # a new round, a lock (the timer's too), a reveal, or a timer started, extended or stopped
        if now.shown != ctx.drawn_round:
            move_on(ctx, now.number, now.status)
    if poll.failed:
        retry_soon(ctx)


def move_on(ctx, number: int, status: RoundStatus) -> None:
    """From a polling fragment, once the round changed: show the page the room is on now.

    A participant goes straight to the comparison when the round was revealed (no rerun of the page
    they were on first); anyone else, or any other change, reruns the page."""
    if ctx.participant is not None and status is RoundStatus.REVEALED:
        st.session_state[_FOLLOWED] = (number, status)
        st.switch_page("views/compare.py")
    st.rerun(scope="app")


def follow_round(ctx, page_path: str) -> str | None:
    """Where a participant's tab goes when the room moves on (called by the entrypoint before the page).

    When the facilitator reveals a round, a tab on the ranking shows the comparison; when a new round
    opens, a tab on the comparison shows the ranking. Each happens once per change, so a participant can
    still go back; tabs on pages where people type (next steps, worksheet, reflect) never move (their run
    may be the one saving what was typed). Returns the page file to switch to, or None to stay."""
    if ctx.participant is None or page_path not in ("rank", "compare"):
        return None
    rnd = ctx.session.round
    now = (rnd.number, rnd.status)
    seen = st.session_state.get(_FOLLOWED)
    st.session_state[_FOLLOWED] = now
    if seen is None or seen == now:
        return None
    if rnd.status is RoundStatus.REVEALED and page_path != "compare":
        return "views/compare.py"
    if rnd.status is RoundStatus.OPEN and seen[0] != rnd.number and page_path != "rank":
        return "views/rank.py"
    return None


def changed(ctx, key: str) -> tuple | None:
    """The session's change marker if the session changed since this tab last showed it under ``key``,
    else None. Records nothing: once what the change shows was read, call ``shown(ctx, key, marker)``. A
    read that fails (the database is down a moment) then leaves the change for the next poll, instead of
    consuming it and showing the stale drawing until something else changes."""
    marker = ctx.view.change_marker()
    return None if st.session_state.get(f"marker:{key}") == marker else marker


def shown(ctx, key: str, marker: tuple) -> None:
    """Record that this tab now shows the session as of ``marker`` under ``key`` (see ``changed``)."""
    st.session_state[f"marker:{key}"] = marker


@st.fragment(run_every=FALLBACK_SECONDS)
def rerun_on_change(ctx, drawn: tuple) -> None:
    """Rerun the whole page when anything in the session changed (a join, a submission, a reveal...) since
    the page drew it. ``drawn`` is the change marker the page read before the reads it drew from: call this
    once they succeeded, so a page whose reads failed is never taken as showing that change (the marker
    moves only with a page that drew it).

    A poll that finds nothing new costs one query and draws nothing. In the whole page's run it only tells
    the room watcher what the page shows: a change that came in meanwhile is caught by the watcher's next
    tick (a rerun at once would rerun a busy room's pages back to back)."""
    heal()
    _register(ctx.view, MARKER, drawn)
    if not internals.fragment_run():
        return
    marker = _polled_marker(ctx)
    if marker is not None and marker != drawn:
        st.rerun(scope="app")


def _polled_marker(ctx) -> tuple | None:
    """The session's change marker, read by a poll; None when the database did not answer (the poll says
    so and asks the room watcher for a retry). A deleted session reruns the page, whose context says so."""
    marker = None
    with outage.in_fragment() as poll:
        try:
            marker = ctx.view.change_marker()
        except NotFound:
            st.rerun(scope="app")
    if poll.failed:
        retry_soon(ctx, MARKER)
    return marker


def changes_notice(ctx, key: str, *, forget: str = "") -> None:
    """On pages where people type (next steps, worksheet), never rerun under their fingers: say that
    others changed something, and offer a refresh, which also drops the forms' unsaved values (the
    session-state keys under the ``forget`` prefix, see ``editing.forget``) so they show what is stored."""
    st.session_state[f"seen:{key}"] = ctx.view.change_marker()
    _notice(ctx, key, forget)


@st.fragment(run_every=FALLBACK_SECONDS)
def _notice(ctx, key: str, forget: str) -> None:
    heal()
    marker = _polled_marker(ctx)
    if marker is None:
        return
    _register(ctx.view, MARKER, marker)
    if marker != st.session_state.get(f"seen:{key}"):
        t = translator(ctx)  # the reader's language
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(
                t.gettext(
                    "Someone else has made changes since you opened this page. Refresh to see them (edits you "
                    "have not saved are dropped)."
                ),
                icon=":material/update:",
            )
            if st.button(t.gettext("Refresh"), key=f"refresh:{key}", icon=":material/refresh:"):
                if forget:
                    editing.forget(forget)
                st.rerun(scope="app")
