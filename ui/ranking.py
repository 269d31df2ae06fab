"""The ranking input: a drag-and-drop list (streamlit-sortables) and an equivalent move-button list.

Both edit one order kept in ``st.session_state`` (a plain key, so it survives reruns and page
switches). The sortable is keyed by the element set and a version that the buttons bump, so it
remounts showing the new order whenever the buttons changed it (the component reads its items only
when it mounts; see shared/docs/streamlit-notes.md §1.3-1.4).
"""

from __future__ import annotations

import hashlib

import streamlit as st
from streamlit_sortables import sort_items

from trustcore.catalogue import Catalogue

DRAG, BUTTONS = "Drag and drop", "Move buttons"

SORTABLE_CSS = """
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


def _state_keys(key: str) -> tuple[str, str]:
    return f"{key}:order", f"{key}:version"


def reset(key: str, order: list[str]) -> None:
    """Start the input again from ``order`` (e.g. a new round, or the stored ranking)."""
    order_key, version_key = _state_keys(key)
    st.session_state[order_key] = list(order)
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1


def _move(key: str, index: int, step: int) -> None:
    order_key, version_key = _state_keys(key)
    order = list(st.session_state[order_key])
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        st.session_state[order_key] = order
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1


def ranking_input(key: str, catalogue: Catalogue, start: list[str], *, mode: str = DRAG) -> list[str]:
    """Show the ranking input and return the current order of element ids (most important first)."""
    order_key, version_key = _state_keys(key)
    ids = catalogue.ids
    saved = [x for x in st.session_state.get(order_key) or start if x in ids]
    order = saved + [x for x in ids if x not in saved]
    st.session_state[order_key] = order
    names = catalogue.names
    if mode == BUTTONS:
        for i, eid in enumerate(order):
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                st.button(
                    "▲",
                    key=f"{key}:up:{eid}",
                    help=f"Move {names[eid]} up one place",
                    disabled=i == 0,
                    on_click=_move,
                    args=(key, i, -1),
                )
                st.button(
                    "▼",
                    key=f"{key}:down:{eid}",
                    help=f"Move {names[eid]} down one place",
                    disabled=i == len(order) - 1,
                    on_click=_move,
                    args=(key, i, 1),
                )
                st.text(f"{i + 1}. {names[eid]}", width=240)  # fits beside the buttons on a 390 px phone
        return order
    by_label = {names[e]: e for e in ids}
    set_hash = hashlib.sha1("\x1f".join(sorted(ids)).encode()).hexdigest()[:10]
    version = st.session_state.get(version_key, 0)
    labels = sort_items(
        [names[e] for e in order],
        direction="vertical",
        custom_style=SORTABLE_CSS,
        key=f"sortable:{key}:{set_hash}:{version}",
    )
    new_order = [by_label[label] for label in labels if label in by_label]
    if sorted(new_order) == sorted(ids):
        st.session_state[order_key] = new_order
        order = new_order
    return order
