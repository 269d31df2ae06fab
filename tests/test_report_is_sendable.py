"""The printable report is something a facilitator sends a partner: small (no script bundle), opened
offline without a single request, each reason printed once (the agenda's pairs point to it), counts in
words that agree with their number, and dates that never break across lines. On a realistic session:
100 participants, two rounds, reasons (``tests/report_sample.py``)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from report_sample import build

from trustcore import report
from trustcore.store import Store

MAX_BYTES = 1_000_000


class Text(HTMLParser):
    """The visible text of the page, and each list item's text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(Store(tmp_path_factory.mktemp("sendable") / "t.db").initialise())


@pytest.fixture(scope="module")
def pages(sample) -> dict[str, str]:
    view = lambda: sample.store.open(sample.code, sample.fac)  # noqa: E731
    return {
        "full": report.session_report(view(), shareable=False),
        "shareable": report.session_report(view()),
        "shareable with names": report.session_report(view(), shareable=True, names=True),
    }


def test_the_report_of_a_100_person_session_is_well_under_a_megabyte(pages):
    for which, page in pages.items():
        size = len(page.encode("utf-8"))
        assert size < MAX_BYTES, f"the {which} report is {size:,} bytes"


def test_the_report_asks_for_nothing_over_the_network(pages):
    for page in pages.values():
        assert not re.search(r"https?:", page, re.I)  # no address at all, so nothing to fetch
        assert not re.search(r"<(script|link|iframe|img|object|embed|base)\b", page, re.I)
        assert not re.search(r"\b(src|srcset|action|poster|xlink:href)\s*=", page, re.I)
        assert not re.search(r"url\(|@import|@font-face", page, re.I)
        assert not [h for h in re.findall(r'href="([^"]*)"', page) if not h.startswith("#")]  # links in the page


def _reason_lines(page: str) -> list[str]:
    return re.findall(r"\(ranked it \d+\): “[^”]*”", Text(page).text)


def test_each_reason_is_printed_once(sample, pages):
    page = pages["full"]
    lines = _reason_lines(page)
    assert len(lines) > 20  # the sample has reasons in both rounds
    repeated = {line: n for line, n in Counter(lines).items() if n > 1}
    assert not repeated, f"{len(repeated)} reasons printed more than once"
    # and the agenda's pairs point to them: each link goes to a reasons block that exists
    anchors = set(re.findall(r'<div class="reasons" id="([^"]+)"', page))
    links = re.findall(r'<a href="#(round-\d+-reasons-\d+)"', page)
    assert links and set(links) <= anchors


def test_counts_agree_with_their_number(pages):
    text = Text(pages["full"]).text
    assert "1 answer)" in text  # the one survey respondent's trust answer on one element
    assert not re.search(r"\b1 (answers|respondents|participants|rounds|parties|comments|points)\b", text)


def test_due_dates_are_kept_on_one_line(pages):
    page = pages["full"]
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert re.search(r"\.date\s*{[^}]*white-space:\s*nowrap", css)
    day = r"[A-Z][a-z]{2} \d{1,2}, \d{4}"  # as the reader's locale writes a day (English here: "Mar 5, 2026")
    dates = re.findall(day, Text(page).text)
    wrapped = re.findall(rf'<span class="date">({day})', page)
    assert len(dates) > 8 and Counter(wrapped) == Counter(dates)  # every date in the page, each in a nowrap span


def test_every_template_ships_with_the_package():
    import tomllib
    from pathlib import Path, PurePosixPath

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["trustcore"]
    templates = [p.relative_to(root / "trustcore").as_posix() for p in (root / "trustcore/templates").rglob("*.*")]

    def shipped(path: str) -> bool:  # as setuptools globs it: "*" stays within one folder
        return any(
            len(PurePosixPath(path).parts) == len(PurePosixPath(p).parts) and PurePosixPath(path).match(p)
            for p in patterns
        )

    assert templates and [t for t in templates if not shipped(t)] == []
