"""The printable report opened from a file in Chromium with no network: it asks for nothing, draws its
charts, keeps each due date on one line, prints each reason once, and prints to A4 with each major
section on a new page. Uses the realistic 100-person session of ``tests/report_sample.py``; no app
server."""

from __future__ import annotations

import re
from collections import Counter

from report_sample import build

from trustcore import report
from trustcore.store import Store

from .helpers import shot


def test_report_opens_offline_and_prints(new_page, tmp_path):
    sample = build(Store(tmp_path / "t.db").initialise())
    html = report.session_report(sample.store.open(sample.code, sample.fac), shareable=False)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")

    page = new_page(width=900, height=1200)
    asked: list[str] = []

    def offline(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    shot(page, "report-offline")
    assert asked == [], f"the report asked the network for {asked}"

    # the charts are drawn: two per round (order chart, heatmap) and the trend, each with some size
    boxes = [page.locator("figure.chart svg").nth(i).bounding_box() for i in range(5)]
    assert page.locator("figure.chart svg").count() == 5
    assert all(b and b["width"] > 500 and b["height"] > 150 for b in boxes), boxes

    # a due date never breaks in the middle: the Due cell of each next step holds one line of text
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#next-steps tbody td:nth-child(4)')].map(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return [td.innerText, tops.size];
        })"""
    )
    assert len(lines) == 8 and all(n == 1 for _, n in lines), lines

    # each reason once, as a reader sees the page
    text = page.locator("main").inner_text()
    reasons = Counter(re.findall(r"\(ranked it \d+\): “[^”]*”", text))
    assert reasons and max(reasons.values()) == 1

    # printed: A4, the title page, then each major section from a new page
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    sections = page.locator("section.major").count()
    assert sections == 2 + 1 + 5  # two rounds, across rounds, worksheet, next steps, feedback, reflections, method
    assert 1 + sections <= pages <= 40, pages
