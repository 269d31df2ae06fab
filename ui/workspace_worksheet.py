"""The workspace's Activity 2 tab: the internal trustworthiness mapping worksheet. Column A follows the
organisation-wide ranking (Activity 1); per element, Column B (steps) and Column C (evidence), each marked
internal or shareable, saved with the version check of every editable record (``ui.editing``)."""

from __future__ import annotations

import streamlit as st

from trustcore import internal_worksheet as iw
from trustcore.errors import EditConflict, TrustcoreError
from trustcore.followup.worksheet_entries import COLUMNS
from trustcore.i18n import ENGLISH, N_, Translator
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui import editing
from ui.common import plain, problem
from ui.flash import DONE

INTERNAL_LABEL = N_("Internal (never shown with a stakeholder survey)")
SAVED = "iw-saved"  # what the last save did (the element's id), said once at the top of this tab


def render(wview: WorkspaceView, t: Translator = ENGLISH) -> None:
    sheet = iw.build(wview, t)
    saved = st.session_state.pop(SAVED, None)
    if saved:
        element = next((r.element for r in sheet.rows if r.element_id == saved), saved)
        st.success(
            plain(t.gettext("Saved the internal worksheet's entries for {element}.", element=element)), icon=DONE
        )
    st.caption(
        esc(
            t.gettext(
                "Column A: {source}. Columns B and C: what the organisation does and how it shows it, across all "
                "its relationships. A field not marked internal is shareable: a relationship session linked to this "
                "workspace can show it with its stakeholder survey.",
                source=sheet.order_source,
            )
        )
    )
    for row in sheet.rows:
        written = sum(1 for e in row.entries.values() if e.text)
        title = esc(t.gettext("A{position}. {element}", position=row.position, element=row.element))
        with st.expander(
            t.ngettext("{title} · {n} of 2 written", "{title} · {n} of 2 written", written, title=title)
            if written
            else title,
            expanded=row.position <= 3,
        ):
            if row.description:
                st.caption(esc(row.description))
            _entry_form(wview, row, t)


def _entry_form(wview: WorkspaceView, row: iw.Row, t: Translator) -> None:
    """Columns B and C of one element, as one form; a save refused because someone else saved in between shows
    both texts (nothing is overwritten silently)."""
    key = f"iw:{row.element_id}"
    conflict = editing.conflict(key)
    if conflict:
        (column, yours), theirs, message = conflict
        st.warning(plain(t.gettext(message)), icon=":material/sync_problem:")
        column_label = esc(t.gettext(COLUMNS[column]))
        st.markdown("**" + t.gettext("Your text for {column} (not saved)", column=column_label) + "**")
        st.text(yours)
        st.markdown("**" + t.gettext("Saved by someone else") + "**")
        st.text(theirs.text if theirs else "")
        if st.button(t.gettext("Keep theirs"), key=f"{key}:keep", icon=":material/check:"):
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
        for col in COLUMNS:
            entry = entries[col]
            values[col] = (
                st.text_area(
                    t.gettext(COLUMNS[col]),
                    value=entry.text if entry else "",
                    key=f"{key}:{col}:text",
                    height=90,
                    max_chars=2000,
                ),
                st.checkbox(
                    t.gettext(INTERNAL_LABEL), value=entry.internal if entry else False, key=f"{key}:{col}:internal"
                ),
            )
        saved = st.form_submit_button(t.gettext("Save"), icon=":material/save:", key=f"{key}:save")
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
            problem(exc, t)
            return
    editing.forget(key)
    # said inside this tab, not by ``ui.flash`` above the page: a message drawn above the tabs would make them
    # new elements, and the rerun would show the first tab instead of this one
    st.session_state[SAVED] = row.element_id  # worded on the next run, in that run's language
    st.rerun()
