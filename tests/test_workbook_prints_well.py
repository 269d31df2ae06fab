"""The workbook reads and prints well (issue 25), checked on the file itself with openpyxl: every row as tall
as its wrapped text, a page setup on every sheet (landscape, fitted to the width, header row repeated, the
sheet's name above), formula-looking text shown without an apostrophe, times as date cells, headers in
words in an explicit sans-serif font; and the CSVs keep their own columns and apostrophe.
LibreOffice's own reading of the file is in test_workbook_in_libreoffice.py."""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime

import openpyxl
import pytest
from workbook_session import FORMULA_PARTY, FORMULA_REASON, realistic_session

from trustcore import export, workbook
from trustcore.followup.next_steps import next_steps
from trustcore.store import Store

CHARS_PER_WIDTH = 1.35  # the most ordinary text Calibri/Carlito fit per unit of column width (measured)
LINE = 15.0  # points: a line of 11 pt Calibri (Excel's default row height)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("prints") / "t.db").initialise()
    return (store, *realistic_session(store))


@pytest.fixture(scope="module", params=["full", "shareable", "participant"])
def book(world, request) -> openpyxl.Workbook:
    store, code, fac, participant = world
    if request.param == "participant":
        data = workbook.session_workbook(store.open(code, participant))
    else:
        data = workbook.session_workbook(store.open(code, fac), shareable=request.param == "shareable")
    return openpyxl.load_workbook(io.BytesIO(data))


def _least_lines(text: str, width: float) -> int:
    """The fewest lines ``text`` can take in a wrapping cell ``width`` wide: each of its lines, at the most
    characters that fit on a line (an estimate independent of the workbook's own)."""
    per_line = width * CHARS_PER_WIDTH
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def _width(sheet, column: int) -> float:
    return sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width or 13


def test_no_row_is_shorter_than_its_wrapped_text(book):
    checked = 0
    for sheet in book:
        spans = {(m.min_row, m.min_col): m for m in sheet.merged_cells}
        for row in sheet.iter_rows():
            height = sheet.row_dimensions[row[0].row].height or LINE
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                merged = spans.get((cell.row, cell.column))
                columns = range(merged.min_col, merged.max_col + 1) if merged else [cell.column]
                lines = _least_lines(cell.value, sum(_width(sheet, c) for c in columns))
                assert height >= lines * LINE, (sheet.title, cell.coordinate, height, cell.value)
                checked += lines > 1
    assert checked > 20  # the session has long reasons, entries and comments: many rows wrap


def test_a_row_is_not_much_taller_than_its_text_needs(book):
    """Generous, not wasteful: no taller than twice the fewest lines its text can take, plus one."""
    for sheet in book:
        spans = {(m.min_row, m.min_col): m for m in sheet.merged_cells}
        for row in sheet.iter_rows():
            height = sheet.row_dimensions[row[0].row].height
            if height is None:
                continue
            need = 1
            for cell in row:
                if cell.value is not None:
                    merged = spans.get((cell.row, cell.column))
                    columns = range(merged.min_col, merged.max_col + 1) if merged else [cell.column]
                    need = max(need, _least_lines(str(cell.value), sum(_width(sheet, c) for c in columns)))
            assert height <= (2 * need + 1) * LINE, (sheet.title, row[0].row, height, need)


def test_wrapped_lines_counts_line_breaks_and_wraps_words():
    assert workbook.wrapped_lines("short", 20) == 1
    assert workbook.wrapped_lines("one\ntwo\nthree", 20) == 3
    assert workbook.wrapped_lines("", 20) == 1
    assert workbook.wrapped_lines("word " * 40, 20) >= math.ceil(200 / (20 * CHARS_PER_WIDTH))
    assert workbook.wrapped_lines("x" * 100, 10) >= 100 / (10 * CHARS_PER_WIDTH)  # a word longer than a line
    assert workbook.wrapped_lines("Submitted (UTC)", 12, bold=True) >= workbook.wrapped_lines("Submitted (UTC)", 12)


def test_every_sheet_prints_landscape_fitted_to_the_width_with_its_header_row_on_every_page(book):
    for sheet in book:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert str(setup.paperSize) == str(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.oddHeader.center.text == "&A", sheet.title  # the sheet's name on every page
        assert "&P" in sheet.oddFooter.center.text, sheet.title


def test_formula_looking_text_has_the_quote_prefix_style_and_no_apostrophe(book):
    seen = {}
    for sheet in book:
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                    assert c.quotePrefix and c.data_type == "s", (sheet.title, c.coordinate)
                    seen[c.value] = True
                if isinstance(c.value, str):
                    assert not c.value.startswith("'"), (sheet.title, c.coordinate, c.value)
    assert FORMULA_PARTY in seen and "-Agree the log" in seen


def test_times_are_date_cells_in_utc_with_a_date_format(world, book):
    store, code, fac, _ = world
    for name, column in (
        ("Rankings", "Submitted (UTC)"),
        ("Next steps", "Updated (UTC)"),
        ("Feedback", "Submitted (UTC)"),
    ):
        sheet = book[name]
        at = [c.value for c in sheet[1]].index(column) + 1
        cells = [sheet.cell(row=r, column=at) for r in range(2, sheet.max_row + 1)]
        assert cells and all(isinstance(c.value, datetime) for c in cells), name
        assert {c.number_format for c in cells} == {"yyyy-mm-dd hh:mm"}, name
    stored = store._rankings(code)[0].submitted_at
    assert book["Rankings"]["I2"].value.strftime("%Y-%m-%dT%H:%M:%SZ") in {
        r.submitted_at for r in store._rankings(code)
    }
    assert stored.endswith("Z")


def test_headers_are_words_in_an_explicit_sans_serif_font(book):
    for sheet in book:
        for cell in sheet[1]:
            assert cell.font.name == "Calibri" and cell.font.family == 2 and cell.font.b, (sheet.title, cell.value)
            assert "_" not in cell.value, (sheet.title, cell.value)  # "Session code", never "session_code"
    assert [c.value for c in book["Rankings"][1]][:3] == ["Session code", "Session", "Round"]


def test_the_csvs_keep_their_column_names_and_their_apostrophe(world):
    store, code, fac, _ = world
    s = store._session(code)
    rankings = store._rankings(code)
    rows = list(csv.reader(io.StringIO(export.results_csv(s, rankings).decode("utf-8-sig"))))
    assert tuple(rows[0]) == export.RESULTS_COLUMNS
    assert "'" + FORMULA_PARTY in {r[3] for r in rows[1:]}
    assert "'" + FORMULA_REASON in {r[-1] for r in rows[1:]}
    steps = list(
        csv.reader(io.StringIO(export.next_steps_csv(s, next_steps(store.open(code, fac))).decode("utf-8-sig")))
    )
    assert tuple(steps[0]) == export.NEXT_STEPS_COLUMNS
    assert "'-Agree the log" in {r[2] for r in steps[1:]}
    assert steps[1][-1].endswith("Z")  # the CSV keeps the stored UTC text
