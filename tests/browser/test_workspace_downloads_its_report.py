"""The organisation workspace's Downloads tab in Chromium: the workbook and the printable report, full and
shareable; the shareable report downloaded carries no field marked internal, and prints (as the browser's print
preview shows it) with its worksheet and relationships."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect
from workspace_sample import INTERNAL_B, INTERNAL_C, SHARED_B, sample

from .conftest import SHOTS
from .helpers import open_app, shot, wait_idle


def test_the_downloads_tab_gives_the_shareable_report_and_workbook_without_internal_fields(server, store, new_page):
    found = sample(store, "Acme Browser")
    page = new_page()
    open_app(page, f"{server.url}/?workspace={found.wview.workspace.id}&org={found.token}")
    page.get_by_role("tab", name="Downloads and link").click()
    wait_idle(page)
    panel = page.get_by_role("tabpanel", name="Downloads and link")
    for label in ("Excel workbook (full)", "Excel workbook (shareable)", "Printable report (full)"):
        expect(panel.get_by_role("button", name=label)).to_be_visible()
    shot(page, "workspace-downloads")

    with page.expect_download() as info:
        panel.get_by_role("button", name="Printable report (shareable)").click()
    report = open(info.value.path(), "rb").read().decode()
    assert SHARED_B in report and INTERNAL_B not in report and INTERNAL_C not in report

    with page.expect_download() as info:
        panel.get_by_role("button", name="Excel workbook (shareable)").click()
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    cells = "\n".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert SHARED_B in cells and INTERNAL_B not in cells

    preview = new_page(width=900, height=1200)
    preview.set_content(report)
    preview.emulate_media(media="print")
    expect(preview.get_by_role("heading", name="Internal worksheet (Activity 2)")).to_be_attached()
    expect(preview.get_by_role("heading", name="CityBus")).to_be_attached()
    SHOTS.mkdir(parents=True, exist_ok=True)
    preview.screenshot(path=str(SHOTS / "workspace-report-print.png"), full_page=True)
