"""The workbook as LibreOffice shows and prints it (issue 25): a realistic session (three parties, 20
participants, two rounds with reasons, worksheet entries, next steps, survey answers) converted once to PDF
with Debian's headless LibreOffice (``soffice --headless --convert-to pdf``), read back with poppler-utils
(``pdfinfo``, ``pdftotext``, ``pdffonts``), and opened once through LibreOffice's ``uno`` bridge to compare
every row's height with the height LibreOffice itself fits to the row's text (tests/lo_row_heights.py).

scripts/test.sh installs libreoffice-calc, python3-uno, poppler-utils and fonts-crosextra-carlito (Calibri's
metric twin) when missing. Outside CI a missing tool skips these tests with a message; under CI
(``CI=true``) it fails them, as tests/browser/conftest.py does for Chromium.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from workbook_session import FORMULA_PARTY, realistic_session

from trustcore import workbook
from trustcore.store import Store

SOFFICE = os.environ.get("SOFFICE_PATH") or shutil.which("soffice") or "/usr/bin/soffice"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has LibreOffice's uno module (python3-uno)
ROW_HEIGHTS = Path(__file__).with_name("lo_row_heights.py")
MOST_PAGES = 24  # 21 today; 57 before issue 25 (no page setup, no row heights)


def _missing() -> str | None:
    if not Path(SOFFICE).exists():
        return f"LibreOffice not found at {SOFFICE}"
    for tool in ("pdfinfo", "pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            return f"{tool} (poppler-utils) not found"
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if "carlito" not in fonts.lower():  # without it LibreOffice sets Calibri in a wider font than Excel does
        return "the Carlito font (fonts-crosextra-carlito) not found"
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        return f"LibreOffice's uno module (python3-uno) not importable by {SYSTEM_PYTHON}"
    return None


def require_libreoffice() -> None:
    """Skip when LibreOffice or poppler-utils is missing, but fail under CI (``CI=true``)."""
    missing = _missing()
    if missing:
        message = (
            f"{missing}: run scripts/test.sh, which installs libreoffice-calc, python3-uno, poppler-utils, Carlito"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Printed:
    book: openpyxl.Workbook
    pages: list[str]  # each page's text (pdftotext -layout)
    fonts: str  # pdffonts' listing
    rows: list[dict]  # per sheet and row: the height set, and LibreOffice's optimal height (1/100 mm)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Printed:
    require_libreoffice()
    tmp = tmp_path_factory.mktemp("lo")
    store = Store(tmp / "t.db").initialise()
    code, fac, _ = realistic_session(store)
    data = workbook.session_workbook(store.open(code, fac))
    xlsx = tmp / "session.xlsx"
    xlsx.write_bytes(data)
    # its own profile (no clash with another office running), made once and shared by both runs
    profile = f"-env:UserInstallation=file://{tmp / 'profile'}"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp / "session.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    pages = text.split("\f")[:count]
    measured = subprocess.run(
        [SYSTEM_PYTHON, str(ROW_HEIGHTS), SOFFICE, str(xlsx), str(tmp / "profile")],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return Printed(openpyxl.load_workbook(io.BytesIO(data)), pages, fonts, json.loads(measured.stdout))


def test_a_realistic_session_prints_on_few_pages_each_headed_by_its_sheet_and_header_row(printed):
    assert len(workbook.SHEETS) <= len(printed.pages) <= MOST_PAGES, len(printed.pages)
    firsts = {name: [c.value for c in printed.book[name][1]][0] for name in workbook.SHEETS}
    for number, page in enumerate(printed.pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        sheet = lines[0]  # the page header: the sheet's name
        assert sheet in workbook.SHEETS, (number, lines[:2])
        assert lines[1].startswith(firsts[sheet]), (number, lines[:2])  # its header row, repeated on every page
    assert [p.split()[0] for p in printed.pages].count("Rankings") >= 2  # the long sheet does repeat it


def test_formula_looking_text_prints_as_typed_without_an_apostrophe(printed):
    text = "\n".join(printed.pages)
    for shown in (FORMULA_PARTY, "=HYPERLINK(1)", "-Agree the log", "@risk lead"):
        assert shown in text, shown
        assert "'" + shown not in text, shown


def test_headers_print_in_a_sans_serif_font(printed):
    names = [line.split()[0] for line in printed.fonts.splitlines()[2:]]
    assert names, printed.fonts
    assert not [n for n in names if "Serif" in n or "Times" in n], printed.fonts


def test_no_row_is_shorter_than_the_height_libreoffice_fits_to_its_text(printed):
    rows = printed.rows
    assert {r["sheet"] for r in rows} == set(workbook.SHEETS)
    short = [r for r in rows if r["height"] + 5 < r["optimal"]]  # 0.05 mm: LibreOffice's rounding
    assert not short, short[:10]
    assert sum(r["optimal"] > 1000 for r in rows) > 20  # many rows hold wrapped text (a line is ~450)
