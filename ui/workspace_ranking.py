"""The workspace's Activity 1 tab: the organisation-wide ranking, its dated versions, and the form that enters
a new one (with the version check of every editable record)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trustcore import catalogue as catalogue_mod
from trustcore import workspace as ws
from trustcore.workspace import WorkspaceView
from ui import editing, ranking
from ui.common import plain


def render(wview: WorkspaceView) -> None:
    catalogue = catalogue_mod.default()
    names = catalogue.names
    versions = ws.rankings(wview)
    current = versions[-1] if versions else None

    if current is None:
        st.info(
            "No organisation-wide ranking yet: enter one below, or adopt a departments' session's consensus "
            "from its console.",
            icon=":material/info:",
        )
    else:
        st.caption(
            f"Version {current.version}, {current.entered_at[:10]}" + (f" · {current.source}" if current.source else "")
        )
        st.text("\n".join(f"{i}. {names.get(e, e)}" for i, e in enumerate(current.order, 1)))
    if len(versions) > 1:
        with st.expander(f"Earlier versions ({len(versions) - 1})", icon=":material/history:"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Version": [v.version for v in reversed(versions)],
                        "Date": [v.entered_at[:10] for v in reversed(versions)],
                        "From": [v.source or "entered here" for v in reversed(versions)],
                        "First three": ["; ".join(names.get(e, e) for e in v.order[:3]) for v in reversed(versions)],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

    key, edit = "org-ranking", "org-ranking-edit"
    conflict = editing.conflict(edit)
    if conflict:
        yours, theirs, message = conflict
        st.warning(plain(message), icon=":material/sync_problem:")
        if st.button("Keep theirs", key=f"{edit}:keep", icon=":material/check:"):
            editing.forget(edit)
            if theirs:
                ranking.reset(key, list(theirs.order))
            st.rerun()
    else:
        with st.expander("Enter a new version", icon=":material/edit:", expanded=current is None):
            base = editing.base_version(edit, current.version if current else None)
            order = ranking.ranking_input(key, catalogue, list(current.order if current else catalogue.ids))
            if st.button(
                "Save the organisation-wide ranking", key=f"{key}:save", type="primary", icon=":material/save:"
            ):
                editing.save(
                    edit,
                    lambda: ws.set_ranking(wview, order, expected_version=base),
                    typed=list(order),
                    done="Saved a new version of the organisation-wide ranking.",
                )
