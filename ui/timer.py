"""The round timer as pages show it: the time left by the server's clock, counting down in the browser.

The server says how many seconds are left when it draws the page (``Round.seconds_left``); the browser
only counts those seconds down with its monotonic clock, never its wall clock, so a phone whose clock is
wrong still shows the truth. The words are the core's (``round_timer.describe``); without JavaScript the
text the server drew stays, and the page's next poll (``live.FALLBACK_SECONDS``) redraws it.
"""

from __future__ import annotations

import json

import streamlit as st

from trustcore.model import Round
from trustcore.round_timer import describe

STYLE = (
    "display:inline-block;font-size:1.35rem;font-weight:700;padding:.35rem .8rem;margin:.2rem 0;"
    "border:2px solid #1f5f8b;border-radius:8px;color:#0b1117;background:#eef5fb"
)

# a stopwatch, drawn inline (an emoji needs a font that phones and Chromium may lack)
ICON = (
    '<svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
    'stroke-width="2.2" stroke-linecap="round" style="vertical-align:-4px;margin-right:.4rem">'
    '<circle cx="12" cy="13" r="8"/><path d="M12 9v4l2.5 2.5M9.5 2.5h5M12 2.5V5"/></svg>'
)

SCRIPT = """<script>
(function () {
  const el = document.getElementById(%(id)s);
  if (!el) { return; }
  const left = %(left)d, locks = %(locks)s, start = performance.now();
  const up = locks ? "Time is up: the round is locked." : "Time is up: submit your ranking now.";
  function tick() {
    const s = Math.max(0, left - Math.floor((performance.now() - start) / 1000));
    const m = Math.floor(s / 60), r = String(s %% 60).padStart(2, "0");
    el.textContent = s > 0 ? m + ":" + r + " left" + (locks ? " (the round locks at zero)" : "") : up;
    if (s > 0 && document.body.contains(el)) { setTimeout(tick, 250); }
  }
  tick();
})();
</script>"""


def show_timer(rnd: Round) -> None:
    """The round's timer, if one runs (nothing otherwise)."""
    left = rnd.seconds_left()
    if left is None:
        return
    element = f"tc-timer-{rnd.number}-{rnd.timer_ends_at}".replace(":", "")
    text = describe(left, locks=rnd.timer_locks)
    st.html(
        f'<div role="timer" aria-label="Time left in round {rnd.number}" style="{STYLE}">'
        f'{ICON}<span id="{element}">{text}</span></div>'
        + SCRIPT
        % {"id": json.dumps(element), "left": left, "locks": "true" if rnd.timer_locks else "false"},
        unsafe_allow_javascript=True,
    )
