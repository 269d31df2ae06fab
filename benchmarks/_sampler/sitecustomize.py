"""A poor man's py-spy: a sampling profiler for every thread of a Python process (py-spy is not installed).

Python imports ``sitecustomize`` at start-up from ``sys.path``. ``workshop_load.py --profile`` starts the
streamlit server with this folder on ``PYTHONPATH`` and ``TRUSTCORE_SAMPLE_OUT=<file>``; a daemon thread
then takes ``sys._current_frames()`` every ``TRUSTCORE_SAMPLE_INTERVAL`` seconds (default 0.005) and
charges the CPU time each thread used since the previous sample (its own CPU clock,
``time.pthread_getcpuclockid``) to the stack it is on now: to the innermost function (self) and to every
function on the stack (inclusive). A thread that slept or waited used no CPU and is charged nothing, so
the report shows where CPU time goes, not where threads wait. Results are written (text report plus
folded stacks for a flame graph, weighted in microseconds) every 5 s and at exit.

Nothing happens unless ``TRUSTCORE_SAMPLE_OUT`` is set.
"""

from __future__ import annotations

import atexit
import collections
import os
import sys
import threading
import time

_OUT = os.environ.get("TRUSTCORE_SAMPLE_OUT")


def _key(code, lineno=None) -> str:
    name = code.co_filename
    for marker in ("site-packages/", "python3.11/", "/work/main/"):
        if marker in name:
            name = name.split(marker, 1)[1]
            break
    return f"{name}:{code.co_name}" if lineno is None else f"{name}:{lineno}:{code.co_name}"


class Sampler:
    def __init__(self, out: str, interval: float):
        self.out, self.interval = out, interval
        self.self_counts: collections.Counter = collections.Counter()
        self.incl_counts: collections.Counter = collections.Counter()
        self.line_counts: collections.Counter = collections.Counter()
        self.folded: collections.Counter = collections.Counter()
        self.by_thread: collections.Counter = collections.Counter()
        self.ticks = 0
        self.busy = 0.0  # CPU seconds charged
        self.last_cpu: dict[int, float] = {}
        self.started = time.time()
        self.lock = threading.Lock()

    def _cpu(self, tid: int) -> float | None:
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(tid))
        except (OSError, OverflowError, ValueError):
            return None

    def sample(self) -> None:
        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        frames = sys._current_frames()
        with self.lock:
            self.ticks += 1
            for tid, frame in frames.items():
                if tid == me:
                    continue
                cpu = self._cpu(tid)
                if cpu is None:
                    continue
                used = cpu - self.last_cpu.get(tid, cpu)
                self.last_cpu[tid] = cpu
                if used <= 0:
                    continue
                leaf = frame.f_code
                self.busy += used
                thread = names.get(tid, "?").split("-")[0].split("(")[0].strip()
                self.by_thread[thread] += used
                stack = []
                f = frame
                while f is not None:
                    stack.append(f)
                    f = f.f_back
                self.self_counts[_key(leaf)] += used
                self.line_counts[_key(leaf, frame.f_lineno)] += used
                seen = set()
                for fr in stack:
                    k = _key(fr.f_code)
                    if k not in seen:
                        seen.add(k)
                        self.incl_counts[k] += used
                self.folded[";".join([thread] + [_key(fr.f_code) for fr in reversed(stack)])] += used

    def run(self) -> None:
        last_dump = time.time()
        while True:
            time.sleep(self.interval)
            try:
                self.sample()
            except Exception:  # noqa: BLE001 - never disturb the process being measured
                pass
            if time.time() - last_dump > 5:
                self.dump()
                last_dump = time.time()

    def dump(self) -> None:
        with self.lock:
            busy = self.busy or 1e-9

            def table(counter, top):
                return [f"  {n:8.2f}s {100 * n / busy:5.1f}%  {k}" for k, n in counter.most_common(top)]

            lines = [
                f"sampled every {self.interval * 1000:.0f} ms for {time.time() - self.started:.1f} s "
                f"({self.ticks} samples); CPU charged to Python threads: {self.busy:.2f} s",
                "",
                "CPU by thread:", *table(self.by_thread, 20),
                "", "inclusive (function on the stack), top 90:", *table(self.incl_counts, 90),
                "", "self (innermost Python function, including the C calls it makes), top 60:",
                *table(self.self_counts, 60),
                "", "self by line, top 40:", *table(self.line_counts, 40),
            ]
            folded = [f"{k} {int(n * 1e6)}" for k, n in self.folded.most_common()]
        tmp = self.out + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, self.out)
        with open(self.out + ".folded.tmp", "w") as f:
            f.write("\n".join(folded) + "\n")
        os.replace(self.out + ".folded.tmp", self.out + ".folded")


if _OUT:
    _sampler = Sampler(_OUT, float(os.environ.get("TRUSTCORE_SAMPLE_INTERVAL", "0.005")))
    threading.Thread(target=_sampler.run, name="trustcore-sampler", daemon=True).start()
    atexit.register(_sampler.dump)


# ------------------------------------------------------------------------------------------ run log
# With TRUSTCORE_RUNLOG_OUT=<file>, every script run (full run or fragment run) appends one JSON line:
# {"session": id, "start": t, "end": t, "fragment": bool, "cpu": thread CPU seconds}. This separates
# the time the server spends on a submit from the time the browser takes to show the result.

_RUNLOG = os.environ.get("TRUSTCORE_RUNLOG_OUT")


def _install_runlog(path: str) -> None:
    import json

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
            try:
                return original(self, rerun_data)
            finally:
                record = {"session": getattr(self, "_session_id", "?"), "start": start, "end": time.time(),
                          "fragment": bool(rerun_data.fragment_id_queue), "cpu": time.thread_time() - cpu0}
                with lock, open(path, "a") as f:
                    f.write(json.dumps(record) + "\n")

        module.ScriptRunner._run_script = _run_script
        finished = module.ScriptRunner._on_script_finished

        def _on_script_finished(self, ctx, event, *args, **kwargs):
            record = {"session": getattr(self, "_session_id", "?"), "finished": getattr(event, "name", str(event)),
                      "at": time.time()}
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
# - TRUSTCORE_SLOW_POLL=<s>: Store.round_state (what a participant's page polls every 2 s in its
#   watch_round fragment, and what every full run of that page calls too) sleeps first;
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
        original = store_cls.round_state

        def round_state(self, code):
            _mark("poll")
            time.sleep(poll)
            return original(self, code)

        store_cls.round_state = round_state

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
        while "streamlit.runtime.app_session" not in sys.modules or \
                not hasattr(sys.modules["streamlit.runtime.app_session"], "AppSession"):
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
