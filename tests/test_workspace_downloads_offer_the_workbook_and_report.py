"""The workspace page's "Downloads and link" tab offers the workspace's workbook and printable report, each full and
shareable, beside its JSON archive (AppTest, no browser), and says what the shareable copies leave out."""

from __future__ import annotations

from test_pages import run, store, texts  # noqa: F401  (fixtures)
from workspace_sample import INTERNAL_B, sample

from trustcore import documents


def test_the_tab_offers_the_workbook_and_the_report_full_and_shareable(store):  # noqa: F811
    found = sample(store)
    at = run(workspace=str(found.wview.workspace.id), org=found.token)
    assert not at.exception, at.exception
    tab = next(t for t in at.tabs if t.label == "Downloads and link")  # (the map's tab has its own files)
    labels = [b.proto.label for b in tab.get("download_button")]
    assert sorted(labels[:4]) == [  # in two columns: full copies on the left, shareable ones on the right
        "Excel workbook (full)",
        "Excel workbook (shareable)",
        "Printable report (full)",
        "Printable report (shareable)",
    ]
    assert labels[4:] == ["Whole workspace (JSON archive)"]
    assert "The shareable copies leave those out" in texts(at)
    names = {b.proto.label: b.proto for b in tab.get("download_button")}
    offered = {d.label: d for d in documents.workspace_offered(found.wview)}
    shareable = offered["Printable report (shareable)"].build()
    assert INTERNAL_B.encode() not in shareable and INTERNAL_B.encode() in offered["Printable report (full)"].build()
    assert set(names) == set(offered)
