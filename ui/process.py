"""Once per server process: keep Python's garbage collector off the objects that live as long as the server.

A server holds several hundred thousand long-lived objects: Streamlit, pandas, plotly, scipy, openpyxl,
the catalogue. Python's cyclic garbage collector walks all of them in each full (oldest-generation)
collection, and it starts one after every so many allocations, wherever the server is. In a 100-person
room on the 2-core benchmark machine each full collection took 20 ms at first, then up to 190 ms, eight of
them in one run of ``benchmarks/room_load.py``; one landing in the submit burst or the reveal holds up every
page behind it. The floor page has far fewer objects, so this cost was ours alone.

``settle`` imports what the pages use (so that is loaded once, not on some participant's first visit to
the comparison), collects once, and then freezes every object alive: ``gc.freeze`` moves them to a
permanent generation that collections skip. What the room creates afterwards (sessions, caches) is
collected as before. Freezing after a full collection leaves no garbage behind; objects frozen now that
die later are freed by reference counting as usual, only a cycle among them would stay (none is expected
among modules and their constants).
"""

from __future__ import annotations

import gc
import importlib
import threading

# The heavy modules the pages import, directly or through the core (charts, exports, QR codes).
PRELOAD = (
    "pandas",
    "pyarrow",
    "plotly.graph_objects",
    "plotly.io",
    "scipy.stats",
    "openpyxl",
    "trustcore.charts",
    "trustcore.export",
    "trustcore.qr",
    "trustcore.report",
    "trustcore.workbook",
    "trustcore.worksheet",
    "ui.cached",
    "ui.downloads",
    "ui.figures",
    "ui.ranking",
)


def _draw_once() -> None:
    """One small figure of each kind the charts use, in the house template: plotly imports its trace and
    layout classes, and builds the template, on first use (about a second under load). Without this, the
    facilitator's click on *Reveal* paid for it while the whole room waited."""
    import plotly.graph_objects as go
    import plotly.io

    from trustcore import charts

    fig = go.Figure([go.Scatter(x=[0], y=[0], mode="lines+markers"), go.Heatmap(z=[[0]]), go.Bar(x=[0], y=[0])])
    fig.update_layout(template=charts.TEMPLATE)
    plotly.io.to_json(fig, validate=False)


_settled = False
_lock = threading.Lock()


def settle() -> bool:
    """Load the pages' modules and freeze what is alive, the first time in this process (returns whether
    it did it now). Called by the entrypoint on every run; after the first, it costs one test."""
    global _settled
    if _settled:
        return False
    with _lock:
        if _settled:
            return False
        for name in PRELOAD:
            importlib.import_module(name)
        _draw_once()
        gc.collect()
        gc.freeze()
        _settled = True
        return True
