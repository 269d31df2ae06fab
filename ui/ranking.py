"""The ranking input: a drag-and-drop list (streamlit-sortables) and an equivalent move-button list.

Both edit one order kept in ``st.session_state`` (a plain key, so it survives reruns and page
switches). The sortable is keyed by the element set and a version that the buttons bump, so it
remounts showing the new order whenever the buttons changed it (the component reads its items only
when it mounts; see docs/streamlit-internals.md §5).
"""

from __future__ import annotations

import hashlib
import json
import re

import streamlit as st
from streamlit_sortables import sort_items

from trustcore import wording
from trustcore.catalogue import Catalogue
from trustcore.i18n import ENGLISH, N_, Translator
from trustcore.reasons import REASON_MAX

from .common import REDUCED_MOTION, plain

DRAG, BUTTONS = "Drag and drop", "Move buttons"  # the input modes' stable codes (English, as before)
MODES = {DRAG: N_("Drag and drop"), BUTTONS: N_("Move buttons")}  # their labels, translated where shown

SORTABLE_CSS = (
    """
.sortable-component.vertical { display: block; }
.sortable-component.vertical .sortable-container { padding: 0; min-width: 0; }
.sortable-container-body { background: transparent; padding: 0; counter-reset: item; }
.sortable-item, .sortable-item:hover {
  display: block; box-sizing: border-box; width: calc(100% - 4px); margin: 0 2px 6px 2px;
  padding: 10px 12px; text-align: left; white-space: normal; line-height: 1.3; font-size: 16px;
  background: var(--secondary-background-color); color: #1b2733; border: 1px solid #b8c7d6;
  border-radius: 8px; touch-action: manipulation;
}
.sortable-item::before {
  content: counter(item); counter-increment: item; display: inline-block; min-width: 1.6em;
  margin-right: 8px; padding: 1px 0; border-radius: 4px; text-align: center; font-weight: 700;
  background: var(--primary-color); color: #fff;
}
.sortable-item.dragging::before { content: none; counter-increment: none; }
.sortable-item.active { opacity: .45; }
.sortable-item.dragging { box-shadow: 0 6px 18px rgba(0,0,0,.25); border-color: var(--primary-color); }
.sortable-item:focus-visible { outline: 3px solid #e8a33d; outline-offset: 1px; }
"""
    + REDUCED_MOTION
)


# The move buttons show only their arrow icon (Streamlit marks it aria-hidden) and keep their full label,
# "Move Privacy up", for screen readers and voice control: the label is hidden visually, not removed.
MOVE_CSS = """<style>
.st-key-tc-move-buttons button [data-testid="stMarkdownContainer"] {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0;
}
</style>"""

# After a move, focus follows the element that moved (Streamlit redraws rows by position, so the focused
# button would otherwise belong to the element that took its place): its button in the same direction,
# or the other one where that is now disabled (at the top or the bottom).
FOCUS_SCRIPT = """<script data-move="%(n)d">
(function () {
  const keys = %(keys)s, place = %(place)d;
  let tries = 0;
  function go() {
    // wait until the redrawn list has the element's buttons in their new row, then focus one
    const rows = [...document.querySelectorAll('.st-key-tc-move-buttons [data-testid="stHorizontalBlock"]')];
    for (const k of keys) {
      const b = document.querySelector('.st-key-' + k + ' button');
      if (b && rows.indexOf(b.closest('[data-testid="stHorizontalBlock"]')) === place - 1) {
        if (!b.disabled) { b.focus(); return; }
      }
    }
    if (++tries < 100) { setTimeout(go, 50); }
  }
  go();
})();
</script>"""


def _state_keys(key: str) -> tuple[str, str]:
    return f"{key}:order", f"{key}:version"


def _css_key(widget_key: str) -> str:
    """The class suffix Streamlit derives from a widget key (``st-key-`` + non-alphanumerics as ``-``)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())


def _button_key(key: str, direction: str, element_id: str) -> str:
    return f"{key}:{direction}:{element_id}"


def reset(key: str, order: list[str], reasons: dict[str, str] | None = None) -> None:
    """Start the input again from ``order`` and ``reasons`` (e.g. a new round, or the stored ranking)."""
    order_key, version_key = _state_keys(key)
    st.session_state[order_key] = list(order)
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.session_state[f"{key}:reasons"] = dict(reasons or {})
    for eid in order:
        st.session_state.pop(_reason_key(key, eid), None)


def _reason_key(key: str, element_id: str) -> str:
    return f"{key}:reason:{element_id}"


def _keep_reason(key: str, element_id: str) -> None:
    """A reason field's callback: keep its text in a plain key, which outlives the widget (a field whose
    label changed, because its element moved to or from the top, or a visit to another page)."""
    st.session_state[f"{key}:reasons"][element_id] = st.session_state.get(_reason_key(key, element_id), "")


def current_reasons(key: str, ids) -> dict[str, str]:
    """The reasons typed so far, by element id (empty ones left out). A field's own value wins over the
    kept copy: a click on *Submit* may be handled before the field's callback in the same run."""
    kept = st.session_state.get(f"{key}:reasons", {})
    out = {}
    for eid in ids:
        text = st.session_state.get(_reason_key(key, eid), kept.get(eid, ""))
        if isinstance(text, str) and text.strip():
            out[eid] = text
    return out


def reasons_input(key: str, catalogue: Catalogue, order: list[str], *, t: Translator = ENGLISH) -> None:
    """A short reason per element, optional: the top and bottom elements invited first, the others behind
    a toggle. Each field keeps its element's text wherever the element moves (and whatever the language:
    the fields are keyed by element, never by their label)."""
    kept = st.session_state.setdefault(f"{key}:reasons", {})
    names = catalogue.names_in(t.locale)

    def field(eid: str, label: str) -> None:
        st.text_input(
            plain(label),
            value=kept.get(eid, ""),
            key=_reason_key(key, eid),
            max_chars=REASON_MAX,
            on_change=_keep_reason,
            args=(key, eid),
            placeholder=t.gettext("Optional: a sentence or two"),
        )

    st.markdown(t.gettext("**Why?** (optional)"))
    st.caption(
        t.gettext(
            "A short reason (up to {max} characters) helps the discussion after the reveal, above all for "
            "your top and bottom elements. It is saved with your ranking when you submit.",
            max=REASON_MAX,
        )
    )
    top, bottom = order[0], order[-1]
    field(top, t.gettext("Why is {element} at the top?", element=names[top]))
    field(bottom, t.gettext("Why is {element} at the bottom?", element=names[bottom]))
    # The other fields only on request: every widget on the page costs the server a little on each of the
    # page's polls and clicks (Streamlit handles every widget's state on every run, fragments included),
    # and most people give two reasons at most. Already on when a middle element has a reason.
    middle = order[1:-1]
    more = st.toggle(
        t.gettext("Give a reason for another element"),
        value=any(kept.get(eid, "").strip() for eid in middle),
        key=f"{key}:more-reasons",
    )
    if more:
        for eid in middle:
            field(eid, names[eid])


def _move(key: str, index: int, step: int) -> None:
    order_key, version_key = _state_keys(key)
    order = list(st.session_state[order_key])
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        st.session_state[order_key] = order
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
        st.session_state[f"{key}:moved"] = (order[target], step)


def ranking_input(
    key: str, catalogue: Catalogue, start: list[str], *, mode: str = DRAG, t: Translator = ENGLISH
) -> list[str]:
    """Show the ranking input and return the current order of element ids (most important first), the
    elements named in ``t``'s language. The order is kept by element id: a switch of language keeps it."""
    order_key, version_key = _state_keys(key)
    ids = catalogue.ids
    saved = [x for x in st.session_state.get(order_key) or start if x in ids]
    order = saved + [x for x in ids if x not in saved]
    st.session_state[order_key] = order
    names = catalogue.names_in(t.locale)
    if mode == BUTTONS:
        _move_buttons(key, order, names, t)
        return order
    by_label = {names[e]: e for e in ids}
    set_hash = hashlib.sha1("\x1f".join(sorted(ids)).encode()).hexdigest()[:10]
    version = st.session_state.get(version_key, 0)
    labels = sort_items(
        [names[e] for e in order],
        direction="vertical",
        custom_style=SORTABLE_CSS,
        # the language joins the key: the component reads its labels only when it mounts
        key=f"sortable:{key}:{set_hash}:{version}:{t.locale}",
    )
    new_order = [by_label[label] for label in labels if label in by_label]
    if sorted(new_order) == sorted(ids):
        st.session_state[order_key] = new_order
        order = new_order
    return order


def _move_buttons(key: str, order: list[str], names: dict[str, str], t: Translator = ENGLISH) -> None:
    """One row per element: up, down, and its place and name; a status line says what the last move did."""
    st.html(MOVE_CSS)
    moved = st.session_state.pop(f"{key}:moved", None)
    count = len(order)
    with st.container(key="tc-move-buttons"):
        # One status box, always drawn in the same place, so its text changes in a live region
        # (role="status") that screen readers announce.
        if moved and moved[0] in order:
            eid, step = moved
            st.info(plain(wording.moved(names[eid], step, order.index(eid) + 1, count, t)), icon=":material/swap_vert:")
            n = st.session_state[_state_keys(key)[1]]
            first, other = ("up", "down") if step < 0 else ("down", "up")
            keys = [_css_key(_button_key(key, d, eid)) for d in (first, other)]
            script = FOCUS_SCRIPT % {"n": n, "keys": json.dumps(keys), "place": order.index(eid) + 1}
            st.html(script, unsafe_allow_javascript=True)
        else:
            st.info(
                t.gettext("Each element has a button to move it up and one to move it down."),
                icon=":material/swap_vert:",
            )
        for i, eid in enumerate(order):
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                for direction, step, icon, disabled in (
                    ("up", -1, ":material/arrow_upward:", i == 0),
                    ("down", 1, ":material/arrow_downward:", i == count - 1),
                ):
                    st.button(
                        plain(wording.move_button(names[eid], direction, t)),
                        key=_button_key(key, direction, eid),
                        icon=icon,
                        disabled=disabled,
                        on_click=_move,
                        args=(key, i, step),
                    )
                st.text(f"{i + 1}. {names[eid]}", width=240)  # fits beside the buttons on a 390 px phone
