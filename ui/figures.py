"""Plotly charts drawn from JSON computed once per change of the session (``ui/cached.py``).

``st.plotly_chart`` rebuilds and revalidates a ``Figure`` from its argument and serialises it again on every
rerun; with a hundred tabs opening the comparison at once that was most of the compare page's time. Here
the JSON made once by ``plotly.io.to_json`` goes straight into the same element Streamlit's own
``plotly_chart`` sends (``streamlit_internals.send_plotly_chart``, the only part that touches Streamlit's
private internals). ``tests/test_pages.py`` checks that the page shows the charts, and the
browser tests that they draw.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import plotly.io
import streamlit as st

from trustcore import wording
from trustcore.i18n import ENGLISH, Translator
from trustcore.text import markdown_escape as esc

from . import streamlit_internals as internals

CONFIG = {"displaylogo": False}


@dataclass(frozen=True)
class Chart:
    """A figure as the JSON the browser draws, and the height it asks for."""

    spec: str
    height: int
    summary: str = ""  # the chart in words: its text alternative, shown next to it


def chart(fig, summary: str = "") -> Chart:
    """Serialise a figure once (``show`` sends the JSON as it is)."""
    height = fig.layout.height
    return Chart(plotly.io.to_json(fig, validate=False), int(height) if height else 450, summary)


def standalone(chart: Chart, t: Translator = ENGLISH) -> Chart:
    """The chart with its summary no longer pointing at the side-by-side table (for a page without one,
    such as the presenter screen; ``t``: the language the summary is in)."""
    return dataclasses.replace(chart, summary=chart.summary.replace(t.gettext(wording.SAME_NUMBERS), "").strip())


def show(chart: Chart, *, key: str | None = None) -> None:
    """Draw a chart full width, in the current container (``with`` blocks apply, as for ``st.*`` calls),
    with its summary in words as its ``alt`` and as a caption under it."""
    internals.send_plotly_chart(chart.spec, CONFIG, chart.height, alt=chart.summary or None, key=key)
    if chart.summary:
        st.caption(esc(chart.summary))
