"""The round timer as pages show it: the time left by the server's clock, counting down in the browser.

The server says how many seconds are left when it draws the page (``Round.seconds_left``); the browser
only counts those seconds down with its monotonic clock, never its wall clock, so a phone whose clock is
wrong still shows the truth. The words are the core's (``round_timer.describe``, ``round_timer.wording``), in
the reader's language; without JavaScript the text the server drew stays, and the page's next poll
(``live.FALLBACK_SECONDS``) redraws it.
"""

from __future__ import annotations

import html
import json

import streamlit as st

from trustcore.i18n import Translator
from trustcore.model import Round
from trustcore.round_timer import describe, wording

from .i18n import translator

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
  const left = %(left)d, running = %(running)s, up = %(up)s, start = performance.now();
  function tick() {
    const s = Math.max(0, left - Math.floor((performance.now() - start) / 1000));
    const m = Math.floor(s / 60), r = String(s %% 60).padStart(2, "0");
    el.textContent = s > 0 ? running.replace("{time}", m + ":" + r) : up;
    if (s > 0 && document.body.contains(el)) { setTimeout(tick, 250); }
  }
  tick();
})();
</script>"""


def show_timer(rnd: Round, t: Translator | None = None) -> None:
    """The round's timer, if one runs (nothing otherwise), in ``t``'s language (default: this tab's reader's)."""
    left = rnd.seconds_left()
    if left is None:
        return
    t = t or translator()
    element = f"tc-timer-{rnd.number}-{rnd.timer_ends_at}".replace(":", "")
    text = html.escape(describe(left, locks=rnd.timer_locks, t=t))
    running, up = wording(locks=rnd.timer_locks, t=t)
    label = html.escape(t.gettext("Time left in round {round}", round=rnd.number), quote=True)
    st.html(
        f'<div role="timer" aria-label="{label}" style="{STYLE}">'
        f'{ICON}<span id="{element}">{text}</span></div>'
        + SCRIPT
        % {"id": json.dumps(element), "left": left, "running": _js(running), "up": _js(up)},
        unsafe_allow_javascript=True,
    )


def _js(text: str) -> str:
    """A string for the script: JSON, with ``<`` escaped so no text can close the script element."""
    return json.dumps(text).replace("<", "\\u003c")
