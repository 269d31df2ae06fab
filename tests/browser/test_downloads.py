"""Every export, downloaded through the buttons as a person would, then opened with a reader."""

from __future__ import annotations

import io
import json
import re

import openpyxl
from playwright.sync_api import expect

from trustcore import archive
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.store import Store

from .helpers import download, go, open_app, parse_csv, shot


def test_facilitator_downloads_every_export(server, store, new_page, tmp_path):
    made = store.create_session("Exports =SUM(1)", ["Alpha", "Beta"])
    code, fac = made.session.code, made.facilitator_token
    ids = list(made.session.catalogue.ids)
    a = store.join(code, made.session.parties[0].id, "Ann")
    b = store.join(code, made.session.parties[1].id, "@Bob")
    store.submit(code, a.token, ids, round_number=1)
    store.submit(code, b.token, ids[::-1], round_number=1)
    store.reveal(code, fac, round_number=1)
    add_next_step(store.open(code, fac), "privacy", "Publish the DPIA", due="Q2 2027")
    survey = new_survey_link(store.open(code, fac))
    submit_feedback(store.open(code, survey), "Forum", {"privacy": {"trust": 4, "comment": "Good"}})

    page = new_page()
    open_app(page, f"{server.url}/?session={code}&admin={fac}")

    results = parse_csv(download(page, "Results CSV (all rounds)"))
    assert {r["participant"] for r in results} == {"Ann", "'@Bob"}  # neutralised for spreadsheets
    assert len(results) == 2 * len(ids)
    comparison = parse_csv(download(page, "Comparison CSV (round 1)"))
    assert len(comparison) == len(ids)
    steps = parse_csv(download(page, "Next steps CSV"))
    assert [(s["element_id"], s["action"], s["due"]) for s in steps] == [("privacy", "Publish the DPIA", "Q2 2027")]
    feedback = parse_csv(download(page, "Stakeholder feedback CSV"))
    assert [(f["respondent"], f["element_id"], f["trust"]) for f in feedback] == [("Forum", "privacy", "4")]

    book = openpyxl.load_workbook(io.BytesIO(download(page, "Excel workbook (full)")))
    assert book.sheetnames == ["Rankings", "Comparison", "Statistics", "Worksheet", "Next steps", "Feedback", "Reasons"]
    assert book["Rankings"].max_row == 1 + 2 * len(ids)

    shared = download(page, "Excel workbook (shareable)")
    cells = " ".join(
        str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(shared)) for row in ws.iter_rows() for c in row
    )
    assert "Publish the DPIA" in cells and "Participant 1" in cells
    assert not {"Ann", "Bob", "Forum", code} & set(re.findall(r"[\w@']+", cells))  # no names, no session code
    full = download(page, "Printable report (full)").decode("utf-8")
    assert "Ann" in full and code in full

    report = download(page, "Printable report (shareable)").decode("utf-8")
    assert code not in report and "Forum" not in report
    assert "Publish the DPIA" in report and "Exports =SUM(1)" in report
    path = tmp_path / "report.html"
    path.write_text(report, encoding="utf-8")
    viewer = new_page(width=1000, height=1400)
    viewer.goto(path.as_uri())
    expect(viewer.get_by_text("Publish the DPIA").first).to_be_visible()
    viewer.wait_for_timeout(1000)
    shot(viewer, "30-report")

    data = download(page, "Whole session (JSON archive)")
    assert json.loads(data)["format"] == "trustcore-session"
    elsewhere = Store(tmp_path / "elsewhere.db", retention_days=None).initialise()
    new_code = archive.import_session(elsewhere, data)
    assert [r.order for r in elsewhere._rankings(new_code)] == [r.order for r in store._rankings(code)]
    shot(page, "31-console-downloads")


def test_participant_downloads_only_after_the_reveal(server, store, new_page):
    made = store.create_session("Blind downloads", ["Alpha", "Beta"])
    code = made.session.code
    ann = store.join(code, made.session.parties[0].id, "Ann")
    store.submit(code, ann.token, made.session.catalogue.ids, round_number=1)
    page = new_page()
    open_app(page, f"{server.url}/?session={code}&me={ann.token}")
    go(page, "Comparison")
    expect(page.get_by_role("button", name="Results CSV (all rounds)")).to_have_count(0)
    expect(page.get_by_text("CSV files, the Excel workbook", exact=False)).to_have_count(0)
    store.reveal(code, made.facilitator_token, round_number=1)
    expect(page.get_by_text("The comparison appears when at least two parties have submitted")).to_be_visible(
        timeout=10000
    )
