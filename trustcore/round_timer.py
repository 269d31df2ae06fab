"""The round timer: the facilitator gives the open round a countdown, extends it or stops it.

The time left is the server's: the end is stored in UTC (``rounds.timer_ends_at``) and every page shows
what is left of it by the server's clock, so a phone whose clock is wrong still sees the truth. When the
facilitator asked for it, the round locks at zero: ``Round.status`` counts a run-out timer that locks as
a lock, so ``Store.submit`` refuses from that second on, without anything having to run at zero.
Each action names the round the console showed (``round_number``): once another round is current, it is
refused (RoundChanged) and nothing is written, so a timer never lands on a round nobody set it for.
"""

from __future__ import annotations

from . import clock, events
from .errors import InvalidInput, NotAllowedNow, Phrase
from .i18n import ENGLISH, N_, Translator
from .model import RoundStatus, Session
from .rights import Action
from .store import check_round
from .view import View

MAX_SECONDS = 3 * 60 * 60  # three hours: longer than any round of a workshop
NOT_OPEN = N_("The timer runs only while the round is open.")
NO_TIMER = N_("No timer is running in this round.")
TOO_LONG = N_("{what} must be between 1 second and {hours} hours.")


def _seconds(value, *, what: str = N_("The timer")) -> int:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(N_("{what} needs a number of minutes."), what=Phrase(what)) from None
    if seconds != seconds or seconds < 1 or seconds > MAX_SECONDS:  # NaN, negative, zero, days
        raise InvalidInput(TOO_LONG, what=Phrase(what), hours=MAX_SECONDS // 3600)
    return round(seconds)


def start_timer(view: View, seconds: float, *, round_number: int, lock_at_zero: bool = False) -> Session:
    """Start (or restart) a countdown of ``seconds`` for round ``round_number``, the open one; with ``lock_at_zero``, the round
    locks when it runs out."""
    store = view.store
    length = _seconds(seconds)
    with view.write(Action.RUN_ROUNDS) as (db, s):
        check_round(s.current_round, round_number)
        if s.round.status is not RoundStatus.OPEN:
            raise NotAllowedNow(NOT_OPEN)
        ends = clock.later(length)
        db.execute(
            "UPDATE rounds SET timer_ends_at = ?, timer_locks = ? WHERE session_id = ? AND number = ?",
            [ends, int(bool(lock_at_zero)), s.id, s.current_round],
        )
        events.log(
            db,
            s.id,
            "facilitator",
            "timer_started",
            {"round": s.current_round, "seconds": length, "lock_at_zero": bool(lock_at_zero)},
        )
        return store.load_session(db, s.code)


def extend_timer(view: View, seconds: float, *, round_number: int) -> Session:
    """Add ``seconds`` to the running timer (to what is left, or from now if it already ran out)."""
    store = view.store
    more = _seconds(seconds, what=N_("An extension"))
    with view.write(Action.RUN_ROUNDS) as (db, s):
        check_round(s.current_round, round_number)
        rnd = s.round
        if rnd.status is not RoundStatus.OPEN:
            raise NotAllowedNow(NOT_OPEN)
        if not rnd.timer_ends_at:
            raise NotAllowedNow(NO_TIMER)
        base = rnd.timer_ends_at if not rnd.time_is_up else clock.now()
        ends = clock.later(more, base)
        if clock.seconds_until(ends) > MAX_SECONDS:
            raise InvalidInput(TOO_LONG, what=Phrase(N_("The timer")), hours=MAX_SECONDS // 3600)
        db.execute(
            "UPDATE rounds SET timer_ends_at = ? WHERE session_id = ? AND number = ?", [ends, s.id, s.current_round]
        )
        events.log(db, s.id, "facilitator", "timer_extended", {"round": s.current_round, "seconds": more})
        return store.load_session(db, s.code)


def stop_timer(view: View, *, round_number: int) -> Session:
    """Take the timer off the round (the round stays as it is: open, or locked if it locked at zero)."""
    store = view.store
    with view.write(Action.RUN_ROUNDS) as (db, s):
        check_round(s.current_round, round_number)
        rnd = s.round
        if not rnd.timer_ends_at:
            raise NotAllowedNow(NO_TIMER)
        if rnd.timer_locks and rnd.time_is_up and not rnd.locked_at:  # keep the lock the timer made
            db.execute(
                "UPDATE rounds SET locked_at = ? WHERE session_id = ? AND number = ?",
                [rnd.timer_ends_at, s.id, s.current_round],
            )
        db.execute(
            "UPDATE rounds SET timer_ends_at = NULL, timer_locks = 0 WHERE session_id = ? AND number = ?",
            [s.id, s.current_round],
        )
        events.log(db, s.id, "facilitator", "timer_stopped", {"round": s.current_round})
        return store.load_session(db, s.code)


def wording(*, locks: bool, t: Translator = ENGLISH) -> tuple[str, str]:
    """The timer's two sentences in ``t``'s language: while it runs (``{time}`` is the minutes and seconds
    left, "4:05"), and at zero. The browser's countdown (``ui/timer.py``) fills ``{time}`` itself."""
    if locks:
        return (
            t.gettext("{time} left (the round locks at zero)", time="{time}"),
            t.gettext("Time is up: the round is locked."),
        )
    return t.gettext("{time} left", time="{time}"), t.gettext("Time is up: submit your ranking now.")


def describe(seconds_left: int | None, *, locks: bool, t: Translator = ENGLISH) -> str:
    """The timer in words, as pages show it: "4:05 left", then what happens at zero (in ``t``'s language)."""
    if seconds_left is None:
        return ""
    running, up = wording(locks=locks, t=t)
    if seconds_left <= 0:
        return up
    minutes, seconds = divmod(seconds_left, 60)
    return running.replace("{time}", f"{minutes}:{seconds:02d}")
