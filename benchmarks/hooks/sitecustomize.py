"""Hooks loaded into a streamlit server through ``PYTHONPATH`` (Python imports ``sitecustomize`` at start-up).

Nothing happens unless one of the environment variables below is set. Profiling is py-spy's job
(``py-spy record --pid``; ``room_load.py --profile`` and ``workshop_load.py --profile`` run it); these
hooks only log runs and stretch race windows that exist anyway on a loaded server, so tests hit them
every time:

- ``TRUSTCORE_RUNLOG_OUT=<file>``: one JSON line per script run (wall and thread CPU time) and per finish;
- ``TRUSTCORE_SLOW_POLL`` / ``TRUSTCORE_SLOW_FINISH``: the lost-click window (``tests/test_benchmark_smoke.py``);
- ``TRUSTCORE_LATE_ARM`` / ``TRUSTCORE_LATE_S``: the dropped-output window (``ui/healing.py``,
  ``tests/test_live_room.py``, ``benchmarks/race_repro.py``).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

# ------------------------------------------------------------------------------------------ run log
# With TRUSTCORE_RUNLOG_OUT=<file>, every script run (full run or fragment run) appends one JSON line:
# {"session": id, "start": t, "end": t, "fragment": bool, "cpu": thread CPU seconds, "db": connections
# the run took (``trustcore.db.used_here``)}. This separates the time the server spends on a submit from
# the time the browser takes to show the result, and counts connections per run (tests/test_connections.py).

_RUNLOG = os.environ.get("TRUSTCORE_RUNLOG_OUT")


def _install_runlog(path: str) -> None:

    lock = threading.Lock()

    def patch() -> None:
        while "streamlit.runtime.scriptrunner.script_runner" not in sys.modules:
            time.sleep(0.05)
        module = sys.modules["streamlit.runtime.scriptrunner.script_runner"]
        while not hasattr(module, "ScriptRunner"):
            time.sleep(0.05)
        original = module.ScriptRunner._run_script

        def _run_script(self, rerun_data):
            start, cpu0 = time.time(), time.thread_time()
            db = sys.modules.get("trustcore.db")
            used0 = db.used_here() if db else 0
            try:
                return original(self, rerun_data)
            finally:
                db = sys.modules.get("trustcore.db")
                record = {
                    "session": getattr(self, "_session_id", "?"),
                    "start": start,
                    "end": time.time(),
                    "fragment": bool(rerun_data.fragment_id_queue),
                    "cpu": time.thread_time() - cpu0,
                    "db": (db.used_here() - used0) if db else 0,
                }
                with lock, open(path, "a") as f:
                    f.write(json.dumps(record) + "\n")

        module.ScriptRunner._run_script = _run_script
        finished = module.ScriptRunner._on_script_finished

        def _on_script_finished(self, ctx, event, *args, **kwargs):
            record = {
                "session": getattr(self, "_session_id", "?"),
                "finished": getattr(event, "name", str(event)),
                "at": time.time(),
            }
            with lock, open(path, "a") as f:
                f.write(json.dumps(record) + "\n")
            return finished(self, ctx, event, *args, **kwargs)

        module.ScriptRunner._on_script_finished = _on_script_finished

    threading.Thread(target=patch, name="trustcore-runlog", daemon=True).start()


if _RUNLOG:
    _install_runlog(_RUNLOG)


# ------------------------------------------------------------------------------------- slow polls
# Two delays that stretch windows which exist anyway on a loaded server (a thread can be descheduled for
# tens of milliseconds anywhere), so a test can hit them every time (tests/test_benchmark_smoke.py):
# - TRUSTCORE_SLOW_POLL=<s>: Store._current_round (what a participant's page polls every 2 s in its
#   watch_round fragment) sleeps first;
# - TRUSTCORE_SLOW_FINISH=<s>: SessionState.on_script_finished (the end-of-run clean-up that resets button
#   triggers) sleeps first.
# With TRUSTCORE_POLL_MARK=<file>, each appends "poll <time>" / "finish <time>" to the file as it begins.

_SLOW_POLL = os.environ.get("TRUSTCORE_SLOW_POLL")
_SLOW_FINISH = os.environ.get("TRUSTCORE_SLOW_FINISH")
_MARK = os.environ.get("TRUSTCORE_POLL_MARK")


def _mark(what: str) -> None:
    if _MARK:
        with open(_MARK, "a") as f:
            f.write(f"{what} {time.time()}\n")


def _install_delays(poll: float, finish: float) -> None:
    def wait_for(module: str, attr: str):
        while module not in sys.modules or not hasattr(sys.modules[module], attr):
            time.sleep(0.005)
        return getattr(sys.modules[module], attr)

    def patch_poll() -> None:
        store_cls = wait_for("trustcore.store", "Store")
        original = store_cls._current_round

        def current_round(self, code):
            _mark("poll")
            time.sleep(poll)
            return original(self, code)

        store_cls._current_round = current_round

    def patch_finish() -> None:
        state_cls = wait_for("streamlit.runtime.state.session_state", "SessionState")
        original = state_cls.on_script_finished

        def on_script_finished(self, *args, **kwargs):
            _mark("finish")
            time.sleep(finish)
            return original(self, *args, **kwargs)

        state_cls.on_script_finished = on_script_finished

    if poll:
        threading.Thread(target=patch_poll, name="trustcore-slow-poll", daemon=True).start()
    if finish:
        threading.Thread(target=patch_finish, name="trustcore-slow-finish", daemon=True).start()


if _SLOW_POLL or _SLOW_FINISH:
    _install_delays(float(_SLOW_POLL or 0), float(_SLOW_FINISH or 0))


# ------------------------------------------------------------------------------------- late output
# TRUSTCORE_LATE_ARM=<file>, TRUSTCORE_LATE_S=<s>: widens the window of the race in ui/healing.py (a poll
# that arrives while a finished run's output is still queued makes Streamlit drop that output). While
# <file> exists, the next script runner that starts holds back everything it emits (its deltas, its
# finish, its shutdown) and hands it to the event loop <s> seconds after it shut down; <file> is removed
# (one shot). A poll sent in those seconds meets a stopped runner that is still the current one, as on a
# loaded server. With TRUSTCORE_POLL_MARK, "stopped <time>" is marked when the runner shut down, and
# "dropped <n>" when the held-back events reached the loop after another runner had replaced it.

_LATE_ARM = os.environ.get("TRUSTCORE_LATE_ARM")
_LATE_S = float(os.environ.get("TRUSTCORE_LATE_S") or 1.0)


def _install_late_output(arm: str, delay: float) -> None:
    def patch() -> None:
        while "streamlit.runtime.app_session" not in sys.modules or not hasattr(
            sys.modules["streamlit.runtime.app_session"], "AppSession"
        ):
            time.sleep(0.005)
        module = sys.modules["streamlit.runtime.app_session"]
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent

        cls = module.AppSession
        original = cls._on_scriptrunner_event
        held: dict[int, list] = {}

        def _on_scriptrunner_event(self, sender, event, *args, **kwargs):
            key = id(sender)
            if event == ScriptRunnerEvent.SCRIPT_STARTED and key not in held and os.path.exists(arm):
                os.remove(arm)
                held[key] = []
            if key not in held:
                return original(self, sender, event, *args, **kwargs)
            held[key].append((event, args, kwargs))
            if event != ScriptRunnerEvent.SHUTDOWN:
                return None
            events = held.pop(key)
            _mark("stopped")

            def deliver() -> None:
                if sender is not self._scriptrunner:
                    _mark(f"dropped {len(events)}")
                for ev, a, kw in events:
                    self._handle_scriptrunner_event_on_event_loop(sender, ev, *a, **kw)

            self._event_loop.call_soon_threadsafe(lambda: self._event_loop.call_later(delay, deliver))
            return None

        cls._on_scriptrunner_event = _on_scriptrunner_event

    threading.Thread(target=patch, name="trustcore-late-output", daemon=True).start()


if _LATE_ARM:
    _install_late_output(_LATE_ARM, _LATE_S)
