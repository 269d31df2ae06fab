"""ui/healing.py: what its watch of Streamlit's event handler records when a run's output is dropped."""

from __future__ import annotations

from types import SimpleNamespace

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import ScriptRunnerEvent

from ui import healing


def test_a_dropped_output_marks_the_session_for_a_repair_and_for_writing_its_url_again(monkeypatch):
    seen = []
    monkeypatch.setattr(AppSession, "_handle_scriptrunner_event_on_event_loop", lambda *a, **k: seen.append(a[2]))
    monkeypatch.setattr(healing, "_dropped", set())
    monkeypatch.setattr(healing, "_repairing", set())
    monkeypatch.setattr(healing, "_url_unsure", set())
    healing.install()  # wraps the stand-in above
    scheduled = []
    current, old = object(), object()
    session = SimpleNamespace(
        id="tab-1", _scriptrunner=current, _event_loop=SimpleNamespace(call_soon=lambda fn, *args: scheduled.append(fn))
    )

    AppSession._handle_scriptrunner_event_on_event_loop(session, current, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG)
    assert healing._url_unsure == set() and scheduled == []  # the current runner's output: nothing dropped

    AppSession._handle_scriptrunner_event_on_event_loop(session, old, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG)
    AppSession._handle_scriptrunner_event_on_event_loop(session, old, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS)
    assert healing._url_unsure == {"tab-1"} and healing._dropped == {"tab-1"}
    assert len(scheduled) == 1  # one repair for the whole dropped output
    assert seen == [ScriptRunnerEvent.ENQUEUE_FORWARD_MSG] * 2 + [ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS]
