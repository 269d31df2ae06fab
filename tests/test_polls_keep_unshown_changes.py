"""A poll that failed to read what changed does not consume the change (issue 24): the console stayed at
"2 of 4 submitted" for over a minute after SQLite was briefly unwritable, because ``live.changed`` recorded
the new change marker before the read that used it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ui import live


class _View:
    def __init__(self):
        self.marker = (1, 1)
        self.progress_fails = False

    def change_marker(self):
        return self.marker

    def progress(self):
        if self.progress_fails:
            raise OSError("attempt to write a readonly database")
        return f"progress at {self.marker}"


def _poll(ctx, shown_now: dict) -> None:
    """What the console's progress box does on each poll (views/console.py ``live_progress``)."""
    marker = live.changed(ctx, "console")
    if marker or "progress" not in shown_now:
        shown_now["progress"] = ctx.view.progress()
        if marker is not None:
            live.shown(ctx, "console", marker)


@pytest.fixture
def ctx(monkeypatch):
    monkeypatch.setattr(live, "st", SimpleNamespace(session_state={}))
    return SimpleNamespace(view=_View(), session=SimpleNamespace(code="ABC"))


def test_a_change_whose_read_failed_is_shown_by_the_next_poll(ctx):
    drawn: dict = {}
    _poll(ctx, drawn)
    assert drawn["progress"] == "progress at (1, 1)"
    ctx.view.marker = (1, 2)  # two more rankings
    ctx.view.progress_fails = True
    with pytest.raises(OSError):
        _poll(ctx, drawn)
    ctx.view.progress_fails = False  # the fault is over; nothing else changes
    _poll(ctx, drawn)
    assert drawn["progress"] == "progress at (1, 2)"


def test_a_poll_with_nothing_new_reads_nothing(ctx):
    drawn: dict = {}
    _poll(ctx, drawn)
    ctx.view.progress_fails = True  # a read now would fail: the poll must not make one
    _poll(ctx, drawn)
    assert live.changed(ctx, "console") is None
