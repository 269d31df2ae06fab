"""The organisation workspace's workbook as LibreOffice prints it (as ``test_workbook_in_libreoffice`` does for a
session's): converted once to PDF with Debian's headless LibreOffice, each page headed by its sheet's name and
its header row, a typed formula printed as typed, and no row shorter than LibreOffice fits to its text."""

from __future__ import annotations

import json
import subprocess

import pytest
from test_workbook_in_libreoffice import ROW_HEIGHTS, SOFFICE, SYSTEM_PYTHON, require_libreoffice
from workspace_sample import FORMULA, sample

from trustcore import workspace_workbook
from trustcore.store import Store

MOST_PAGES = 12  # 7 sheets, a page each for the sample


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    require_libreoffice()
    tmp = tmp_path_factory.mktemp("lo-workspace")
    store = Store(tmp / "t.db").initialise()
    xlsx = tmp / "workspace.xlsx"
    xlsx.write_bytes(workspace_workbook.workspace_workbook(sample(store).wview))
    profile = f"-env:UserInstallation=file://{tmp / 'profile'}"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp / "workspace.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    measured = subprocess.run(
        [SYSTEM_PYTHON, str(ROW_HEIGHTS), SOFFICE, str(xlsx), str(tmp / "profile")],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return text.split("\f")[:count], json.loads(measured.stdout)


def test_each_page_is_headed_by_its_sheet_and_a_formula_prints_as_typed(printed):
    pages, _ = printed
    assert len(workspace_workbook.SHEETS) <= len(pages) <= MOST_PAGES, len(pages)
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] in workspace_workbook.SHEETS, (number, lines[:2])
    assert {p.strip().splitlines()[0].strip() for p in pages} == set(workspace_workbook.SHEETS)
    assert FORMULA in "\n".join(pages) and "'" + FORMULA not in "\n".join(pages)


def test_no_row_is_shorter_than_the_height_libreoffice_fits_to_its_text(printed):
    _, rows = printed
    assert {r["sheet"] for r in rows} == set(workspace_workbook.SHEETS)
    short = [r for r in rows if r["height"] + 5 < r["optimal"]]
    assert not short, short[:10]
