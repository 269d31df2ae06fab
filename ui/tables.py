"""Draw a ``trustcore.tables.Table``: its HTML, rendered once in the core (autoescaped), as it is."""

from __future__ import annotations

import streamlit as st

from trustcore.tables import Table


def show(table: Table) -> None:
    """A table that reads on a phone: a table where its columns fit, one card per row where they do not."""
    st.html(table)  # its _repr_html_: the rendered HTML, sent without being cleaned again
