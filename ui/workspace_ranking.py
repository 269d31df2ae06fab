"""The workspace's Activity 1 tab: the organisation-wide ranking, its dated versions, and the form that enters
a new one (with the version check of every editable record)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from trustcore import catalogue as catalogue_mod
from trustcore import workspace as ws
from trustcore.i18n import ENGLISH, Translator
from trustcore.workspace import WorkspaceView
from ui import editing, ranking
from ui.common import plain


def _day(stamp: str, t: Translator) -> str:
    """A stored time stamp's day, for ``t``'s locale."""
    try:
        return t.date(date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


def render(wview: WorkspaceView, t: Translator = ENGLISH) -> None:
    catalogue = catalogue_mod.default()
    names = catalogue.names_in(t.locale)
    versions = ws.rankings(wview)
    current = versions[-1] if versions else None
    separator = t.pgettext("list of groups separator", "; ")

    if current is None:
        st.info(
            t.gettext(
                "No organisation-wide ranking yet: enter one below, or adopt a departments' session's consensus "
                "from its console."
            ),
            icon=":material/info:",
        )
    else:
        st.caption(
            plain(
                t.gettext(
                    "Version {version}, {date} · {source}",
                    version=current.version,
                    date=_day(current.entered_at, t),
                    source=current.source,
                )
                if current.source
                else t.gettext("Version {version}, {date}", version=current.version, date=_day(current.entered_at, t))
            )
        )
        st.text("\n".join(f"{t.number(i)}. {names.get(e, e)}" for i, e in enumerate(current.order, 1)))
    if len(versions) > 1:
        with st.expander(t.gettext("Earlier versions ({n})", n=len(versions) - 1), icon=":material/history:"):
            st.dataframe(
                pd.DataFrame(
                    {
                        t.gettext("Version"): [v.version for v in reversed(versions)],
                        t.gettext("Date"): [_day(v.entered_at, t) for v in reversed(versions)],
                        # Translators: the column saying where a version of the ranking came from
                        t.pgettext("ranking version", "From"): [
                            v.source or t.gettext("entered here") for v in reversed(versions)
                        ],
                        t.gettext("First three"): [
                            separator.join(names.get(e, e) for e in v.order[:3]) for v in reversed(versions)
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

    key, edit = "org-ranking", "org-ranking-edit"
    conflict = editing.conflict(edit)
    if conflict:
        yours, theirs, message = conflict
        st.warning(plain(t.gettext(message)), icon=":material/sync_problem:")
        if st.button(t.gettext("Keep theirs"), key=f"{edit}:keep", icon=":material/check:"):
            editing.forget(edit)
            if theirs:
                ranking.reset(key, list(theirs.order))
            st.rerun()
    else:
        with st.expander(t.gettext("Enter a new version"), icon=":material/edit:", expanded=current is None):
            base = editing.base_version(edit, current.version if current else None)
            order = ranking.ranking_input(key, catalogue, list(current.order if current else catalogue.ids), t=t)
            if st.button(
                t.gettext("Save the organisation-wide ranking"),
                key=f"{key}:save",
                type="primary",
                icon=":material/save:",
            ):
                editing.save(
                    edit,
                    lambda: ws.set_ranking(wview, order, expected_version=base),
                    typed=list(order),
                    done=t.gettext("Saved a new version of the organisation-wide ranking."),
                )
