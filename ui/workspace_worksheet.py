"""The workspace's Activity 2 tab: the internal trustworthiness mapping worksheet. Column A follows the
organisation-wide ranking (Activity 1); per element, Column B (steps) and Column C (evidence), each marked
internal or shareable, saved with the version check of every editable record (``ui.editing``)."""

from __future__ import annotations

import streamlit as st

from trustcore import internal_worksheet as iw
from trustcore.errors import EditConflict, TrustcoreError
from trustcore.followup.worksheet_entries import COLUMNS
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui import editing
from ui.common import plain, problem
from ui.flash import DONE

INTERNAL_LABEL = "Internal (never shown with a stakeholder survey)"
SAVED = "iw-saved"  # what the last save did, said once at the top of this tab


def render(wview: WorkspaceView) -> None:
    sheet = iw.build(wview)
    saved = st.session_state.pop(SAVED, None)
    if saved:
        st.success(plain(saved), icon=DONE)
    st.caption(
        esc(
            f"Column A: {sheet.order_source}. Columns B and C: what the organisation "
            "does and how it shows it, across all its relationships. A field not marked internal is shareable: a "
            "relationship session linked to this workspace can show it with its stakeholder survey."
        )
    )
    for row in sheet.rows:
        written = sum(1 for e in row.entries.values() if e.text)
        with st.expander(
            esc(f"A{row.position}. {row.element}") + (f" · {written} of 2 written" if written else ""),
            expanded=row.position <= 3,
        ):
            if row.description:
                st.caption(esc(row.description))
            _entry_form(wview, row)


def _entry_form(wview: WorkspaceView, row: iw.Row) -> None:
    """Columns B and C of one element, as one form; a save refused because someone else saved in between shows
    both texts (nothing is overwritten silently)."""
    key = f"iw:{row.element_id}"
    conflict = editing.conflict(key)
    if conflict:
        (column, yours), theirs, message = conflict
        st.warning(plain(message), icon=":material/sync_problem:")
        st.markdown(f"**Your text for {esc(COLUMNS[column])} (not saved)**")
        st.text(yours)
        st.markdown("**Saved by someone else**")
        st.text(theirs.text if theirs else "")
        if st.button("Keep theirs", key=f"{key}:keep", icon=":material/check:"):
            editing.forget(key)
            st.rerun()
        return
    entries = {col: row.entries.get(col) for col in COLUMNS}
    bases = {col: editing.base_version(f"{key}:{col}", e.version if e else None) for col, e in entries.items()}
    drawn = {  # what each field held when this user started editing (forgotten with the form, like its base)
        col: st.session_state.setdefault(f"{key}:{col}:drawn", (e.text, e.internal) if e else ("", False))
        for col, e in entries.items()
    }
    with st.form(f"form:{key}", border=False):
        values = {}
        for col, label in COLUMNS.items():
            entry = entries[col]
            values[col] = (
                st.text_area(
                    label, value=entry.text if entry else "", key=f"{key}:{col}:text", height=90, max_chars=2000
                ),
                st.checkbox(INTERNAL_LABEL, value=entry.internal if entry else False, key=f"{key}:{col}:internal"),
            )
        saved = st.form_submit_button("Save", icon=":material/save:")
    if not saved:
        return
    for col, (text, internal) in values.items():
        if (text.strip(), internal) == drawn[col]:
            continue  # left as it was: someone else's save of this field meanwhile is no conflict of ours
        try:
            iw.set_entry(wview, row.element_id, col, text, internal=internal, expected_version=bases[col])
        except EditConflict as exc:
            st.session_state[f"{key}:conflict"] = ((col, text), exc.current, str(exc))
            st.rerun()
        except TrustcoreError as exc:
            problem(exc)
            return
    editing.forget(key)
    # said inside this tab, not by ``ui.flash`` above the page: a message drawn above the tabs would make them
    # new elements, and the rerun would show the first tab instead of this one
    st.session_state[SAVED] = f"Saved the internal worksheet's entries for {row.element}."
    st.rerun()
