"""The organisation workspace as a workbook and a printable report (issue 26, part 7), full and shareable, on
both backends: each part is there, the shareable copies carry no field marked internal (not in the bytes, not
in the xlsx's XML), nobody's name, no link or session code; typed formulas stay text and typed markup is
escaped; only the workspace's current link reads them."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from markupsafe import escape
from workspace_sample import (
    FORMULA,
    INTERNAL_ACTOR,
    INTERNAL_B,
    INTERNAL_C,
    INTERNAL_FLOW,
    OWNER,
    SCRIPT,
    SHARED_B,
    SHARED_C,
    SHARED_FLOW,
    TO_INTERNAL,
    sample,
)

from trustcore import audience, documents, workspace_admin, workspace_report, workspace_workbook
from trustcore.errors import AccessDenied
from trustcore.internal_worksheet import Entry


def _xml(data: bytes) -> str:
    """Every member of the xlsx (a zip), as text: what a reader of the file's XML sees."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _cells(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


INTERNAL = (INTERNAL_B, INTERNAL_C, INTERNAL_ACTOR, INTERNAL_FLOW, TO_INTERNAL)  # none in a shareable copy


def _secrets(found) -> list[str]:
    return [*found.codes, *found.tokens, found.token, OWNER]


def test_the_workbook_opens_and_holds_each_part(store):
    found = sample(store)
    for shareable in (False, True):
        cells = _cells(workspace_workbook.workspace_workbook(found.wview, shareable=shareable))
        assert list(cells) == list(workspace_workbook.SHEETS)
        assert ("Organisation", "Acme Data") in cells["About"]
        ranking = cells["Ranking"]
        assert ranking[0][:4] == ("Rank (current)", "Element", "Element ID", ranking[0][3])
        assert ranking[0][3].startswith("Version 2") and ranking[0][4].startswith("Version 1")
        assert [row[0] for row in ranking[1:]] == list(range(1, 11))
        versions = cells["Ranking versions"]
        assert [row[0] for row in versions[1:]] == [2, 1]
        assert versions[1][2].startswith("Adopted from “Departments 2026”, round 1")
        assert versions[2][2] == workspace_workbook.TYPED_IN
        sheet = cells["Worksheet"]
        assert [row[1] for row in sheet[1:11]] == [row[1] for row in ranking[1:]]  # Column A in Activity 1's order
        assert SHARED_B in sheet[2] and SHARED_C in sheet[1]
        assert [row[0] for row in cells["Relationships"][1:]] == ["CityBus", "Water Board"]
        assert {row[1] for row in cells["Agreement"][1:]} == {"Bus 2026", "Water 2027"}
        steps = cells["Next steps"]
        assert [(row[0], row[4]) for row in steps[1:]] == [
            ("Open", "Share logs"),
            ("Overdue", "Publish a DPIA"),
            ("Done", "Old step"),
        ]
        actors = [row[0] for row in cells["Map actors"][1:]]
        assert actors[:2] == ["Acme Data", "CityBus"] and cells["Map actors"][1][3] == "yes"  # the organisation
        flows = cells["Map flows"][1:]
        assert ("CityBus", "Acme Data", "Data", SHARED_FLOW, "yes") in flows
        assert (INTERNAL_ACTOR in actors) is not shareable
        assert len(flows) == (1 if shareable else 3)


def test_the_full_workbook_marks_the_internal_fields(store):
    found = sample(store)
    cells = _cells(workspace_workbook.workspace_workbook(found.wview))
    assert "[internal] " + INTERNAL_B in cells["Worksheet"][1]
    assert "[internal] " + INTERNAL_C in cells["Worksheet"][2]


def test_the_shareable_workbook_holds_no_internal_text_no_name_and_no_link(store):
    found = sample(store)
    full = workspace_workbook.workspace_workbook(found.wview)
    assert all(text in _xml(full) for text in INTERNAL)  # the planted texts are where the check looks
    data = workspace_workbook.workspace_workbook(found.wview, shareable=True)
    xml = _xml(data)
    for secret in (*INTERNAL, *_secrets(found)):
        assert secret.encode() not in data and secret not in xml, secret
    assert SHARED_B in xml and SHARED_C in xml


def test_the_shareable_report_holds_no_internal_text_no_name_and_no_link(store):
    found = sample(store)
    full = workspace_report.workspace_report(found.wview)
    assert all(text in full for text in INTERNAL) and ">internal</span>" in full
    page = workspace_report.workspace_report(found.wview, shareable=True)
    for secret in (*INTERNAL, *_secrets(found)):
        assert secret not in page, secret
    assert SHARED_B in page and SHARED_C in page and SHARED_FLOW in page and "Shareable version" in page
    assert "<svg" in page and "data ecosystem map" in page  # the shareable map, drawn
    for part in ("Acme Data", "Adopted from “Departments 2026”", "CityBus", "Water Board", "Publish a DPIA"):
        assert part.replace("“", "&#8220;") in page or part in page, part


def test_a_typed_formula_stays_text_in_the_workbook(store):
    found = sample(store)
    for shareable in (False, True):
        data = workspace_workbook.workspace_workbook(found.wview, shareable=shareable)
        book = openpyxl.load_workbook(io.BytesIO(data))
        cell = next(c for row in book["Worksheet"].iter_rows() for c in row if c.value == FORMULA)
        assert cell.data_type == "s" and cell.quotePrefix
        assert "<f>" not in _xml(data)  # no formula anywhere in the file


def test_typed_markup_is_escaped_in_the_report(store):
    found = sample(store)
    for shareable in (False, True):
        page = workspace_report.workspace_report(found.wview, shareable=shareable)
        assert "<script>" not in page and str(escape(SCRIPT)) in page  # shown as typed, as text
        assert "script-src &#39;none&#39;" in page  # and the page may run none anyway


def test_the_shareable_copy_is_decided_in_audience():
    internal = Entry("privacy", "B", "x", True, 1, "2026-01-01T00:00:00Z")
    assert audience.organisation().shows_entry(internal)
    assert not audience.organisation(shareable=True).shows_entry(internal)
    assert not audience.organisation(shareable=True).other_names and not audience.organisation().session_code


def test_the_downloads_offer_the_four_copies_and_the_archive(store):
    found = sample(store)
    offered = documents.workspace_offered(found.wview)
    assert [d.label for d in offered] == [
        "Excel workbook (full)",
        "Excel workbook (shareable)",
        "Printable report (full)",
        "Printable report (shareable)",
        "Whole workspace (JSON archive)",
    ]
    built = {d.key: d.build() for d in offered}
    for key in ("workspace-workbook-shareable", "workspace-report-shareable"):
        assert not [text for text in INTERNAL if text.encode() in built[key]], key
    assert all(found.token not in d.file_name for d in offered)


def test_a_replaced_link_downloads_nothing(store):
    found = sample(store)
    workspace_admin.replace_link(found.wview)
    for make in (workspace_workbook.workspace_workbook, workspace_report.workspace_report):
        with pytest.raises(AccessDenied):
            make(found.wview, shareable=True)
