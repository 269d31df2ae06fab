"""The printable report: one self-contained HTML page (no script, static SVG charts, no external request),
every piece of user text escaped, its contents, the shareable copy, rights, print rules, and a real render in
headless Chromium (screenshot and PDF)."""

from __future__ import annotations

import html
import os
import random
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from trustcore import charts, report, results
from trustcore.errors import AccessDenied, NotAllowedNow
from trustcore.followup.agreed_order import agreed_order
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.reflections import REFLECTION_QUESTIONS, set_reflection
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.store import Store

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
QUOTES = "\"quotes\" & 'apos' </td></tr></table>"
TITLE = "Sharing <b>flow</b> data <svg onload=alert(3)>"
INTERNAL = "SECRET-INTERNAL-NOTE <i>pen test</i> failed"
PUBLIC = "ISO 27001 certificate shared"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "test-output" / "screenshots" / "report.png"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass
class Workshop:
    store: Store
    code: str
    fac: str
    tokens: dict[str, str]
    survey: str
    names: list[str] = field(default_factory=list)


def shuffled(ids, seed):
    ids = list(ids)
    random.Random(seed).shuffle(ids)
    return ids


def build(store: Store, *, parties=(SCRIPT, IMG), rounds: int = 1, reveal: bool = True) -> Workshop:
    """Hostile names everywhere: title, parties, participants, worksheet, next steps, feedback, reflections."""
    created = store.create_session(
        TITLE,
        list(parties),
        our_org="Our <u>org</u>",
        partner_org=QUOTES,
        flows="Data → them\n<script>alert(4)</script> insights → us",
    )
    s, fac = created.session, created.facilitator_token
    people = [("Ann " + SCRIPT, 0), (QUOTES, 0), ("Cy " + IMG, 1)] + [(f"P{i}", i) for i in range(2, len(parties))]
    tokens = {}
    for i, (name, party) in enumerate(people):
        joined = store.join(s.code, s.parties[party].id, name, rng=random.Random(i))
        store.submit(s.code, joined.token, shuffled(s.catalogue.ids, 20 + i), round_number=1)
        tokens[joined.participant.name] = joined.token
    if reveal:
        store.reveal(s.code, fac, round_number=1)
    for number in range(2, rounds + 1):
        store.next_round(s.code, fac, round_number=1)
        for i, token in enumerate(tokens.values()):
            store.submit(s.code, token, shuffled(s.catalogue.ids, 100 * number + i), round_number=number)
        if reveal:
            store.reveal(s.code, fac, round_number=2)
    first, second = s.parties[:2]
    set_worksheet_entry(store.open(s.code, fac), "privacy", first.id, "B", "Steps " + SCRIPT)
    set_worksheet_entry(store.open(s.code, fac), "privacy", first.id, "C", INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), "privacy", second.id, "C", PUBLIC)
    add_next_step(
        store.open(s.code, fac),
        "privacy",
        "Publish " + IMG,
        owner_party_id=second.id,
        owner_person=QUOTES,
        due="Q2 2027",
        status="agreed",
        agreed_by=[first.id, second.id],
    )
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(
        store.open(s.code, survey),
        "Resp " + SCRIPT,
        {
            None: {"trust": 4, "comment": "Overall " + IMG},
            "privacy": {"trust": 3, "expectations": "partly", "evidence": "yes", "comment": "Comment " + QUOTES},
        },
    )
    set_reflection(store.open(s.code, fac), "areas", "Reflect " + SCRIPT)
    return Workshop(store, s.code, fac, tokens, survey, [p.name for p in s.parties])


class Page(HTMLParser):
    """Every start tag with its attributes, every script's text, and the visible text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._in_style = tag == "style"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = self._in_style = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        elif not self._in_style:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workshop:
    return build(Store(tmp_path_factory.mktemp("report") / "t.db").initialise(), rounds=2)


@pytest.fixture(scope="module")
def internal(ws) -> str:
    return report.session_report(ws.store.open(ws.code, ws.fac), shareable=False)


@pytest.fixture(scope="module")
def shared(ws) -> str:
    return report.session_report(ws.store.open(ws.code, ws.fac))


SVG_TAGS = {"svg", "text", "tspan", "line", "circle", "rect", "path", "polyline"}
SVG_ATTRS = {
    "class",
    "overflow",
    "viewbox",
    "width",
    "height",
    "role",
    "aria-label",
    "font-size",
    "font-family",
    "font-weight",
}
SVG_ATTRS |= {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "d", "points", "fill", "stroke", "stroke-width"}
SVG_ATTRS |= {"stroke-linecap", "stroke-linejoin", "stroke-dasharray", "text-anchor", "dominant-baseline", "transform"}


def charts_in(page: str) -> int:
    return page.count('<figure class="chart">')


# ------------------------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("which", ["internal", "shared"])
def test_every_piece_of_user_text_is_escaped(which, request):
    page = request.getfixturevalue(which)
    assert "<script" not in page and "<img" not in page and "<svg onload" not in page
    assert "<b>flow" not in page and "<u>org" not in page
    parsed = Page(page)
    tags = [tag for tag, _ in parsed.tags]
    assert "img" not in tags and "b" not in tags and "u" not in tags and "i" not in tags and "script" not in tags
    assert not [(t, a) for t, a in parsed.tags for name in a if name.startswith("on")]
    # the only SVG elements are the charts' own (one per figure)
    assert [a.get("class") for t, a in parsed.tags if t == "svg"] == ["chart-svg"] * charts_in(page) != []
    # and the hostile text is shown, as text
    visible = parsed.visible
    for text in (
        TITLE,
        SCRIPT,
        IMG,
        QUOTES,
        "Our <u>org</u>",
        "<script>alert(4)</script> insights → us",
        "Publish " + IMG,
        "Comment " + QUOTES,
        "Reflect " + SCRIPT,
        "Overall " + IMG,
    ):
        assert text in visible, text
    assert escape(SCRIPT) in page and escape(QUOTES) in page


def test_quotes_cannot_break_out_of_an_attribute_or_a_table(internal):
    parsed = Page(internal)
    # QUOTES holds </td></tr></table>: had it not been escaped, the parser would see extra end tags and
    # the worksheet table would close early; escaped, every table keeps its rows
    tables = internal.count("<table")
    assert tables == internal.count("</table>")
    html_attrs = {"id", "class", "href", "style", "lang", "charset", "name", "content", "http-equiv", "aria-label"}
    assert all(set(a) <= (SVG_ATTRS if t in SVG_TAGS else html_attrs) for t, a in parsed.tags)


# ------------------------------------------------------------------------------------------- self-contained


def test_no_script_at_all(internal, shared):
    for page in (internal, shared):
        parsed = Page(page)
        assert parsed.scripts == [] and "<script" not in page
        csp = next(
            a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        )
        assert "script-src 'none'" in csp


def test_no_external_resources(internal, shared):
    for page in (internal, shared):
        parsed = Page(page)
        for tag, attrs in parsed.tags:
            for name in ("src", "href", "srcset", "action", "data", "poster"):
                value = attrs.get(name)
                if value is not None:
                    assert value.startswith("#"), (tag, name, value)  # only links within the page
        assert not [t for t, _ in parsed.tags if t in ("link", "iframe", "object", "embed", "img", "base")]
        assert "http://" not in page and "https://" not in page and "//fonts." not in page
        assert "@import" not in page and "url(" not in page and "@font-face" not in page
        csp = next(
            a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        )
        assert "default-src 'none'" in csp and "connect-src 'none'" in csp


# ------------------------------------------------------------------------------------------- contents


def _round_section(page: str, number: int) -> str:
    return page.split(f'<section class="major round" id="round-{number}">', 1)[1].split("</section>", 1)[0]


def _cells(table: str) -> list[list[str]]:
    rows = [
        [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]
    return [row for row in rows if row]  # the header row holds <th> cells


def test_contents(ws, internal):
    s = ws.store._session(ws.code)
    names = s.catalogue.names
    rankings = ws.store._rankings(s.code)
    visible = Page(internal).visible
    for number in (1, 2):
        res = results.round_results(s, rankings, number)
        section = _round_section(internal, number)
        text = Page(section).visible
        assert res.headline.detail  # two parties: the biggest difference
        assert escape(res.headline.summary) in section and escape(res.headline.detail) in section
        # side by side: one row per element, most contested first, each party's rank
        side = section.split("Side by side, most contested first", 1)[1].split("</table>", 1)[0]
        assert _cells(side) == [
            [row.element, *(str(row.ranks[p]) for p in res.party_orders), f"{row.mean_rank:.1f}", str(row.spread)]
            for row in res.divergence.rows
        ]
        # the discussion agenda: the top 10 talking points, in order
        agenda = section.split('<ol class="agenda">', 1)[1].split("</ol>", 1)[0]
        items = [Page(i).visible for i in re.findall(r"<li>(.*?)</li>", agenda)]
        assert len(items) == 10 and all(shown.startswith(i.text) for shown, i in zip(items, res.agenda))
        assert len(res.agenda) > 10 and f"(10 of {len(res.agenda)})" in text
        # the consensus orders
        consensus = section.split("Consensus order", 1)[1].split("</table>", 1)[0]
        assert _cells(consensus) == [
            [str(i), names[b], names[k]] for i, (b, k) in enumerate(zip(res.borda, res.kemeny), start=1)
        ]
        assert charts_in(section) == 2  # dumbbell + heatmap
    for heading in (
        "Side by side, most contested first",
        "Discussion agenda",
        "Consensus order",
        "Across rounds",
        "Trustworthiness mapping worksheet",
        "Agreed next steps",
        "Stakeholder feedback",
        "Reflections",
        "How this is computed",
        "Parties",
    ):
        assert heading in visible, heading
    moved = results.rounds_comparison(s, rankings, [1, 2])
    assert moved.summary in visible
    # the worksheet: one row per element, in Column A's order
    order, _ = agreed_order(ws.store.open(ws.code, ws.fac))
    sheet = internal.split('<table class="worksheet">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", sheet.split("<tbody>", 1)[1], re.S)
    assert len(rows) == len(order)
    for position, (row, element) in enumerate(zip(rows, order), start=1):
        assert Page(row).visible.startswith(f"{position}. {names[element]}")
    assert "A · Element (agreed order)" in visible and "E · Next steps" in visible
    assert "Q2 2027" in visible and "agreed" in visible
    assert "Resp " + SCRIPT in visible  # respondents named in the internal copy
    assert REFLECTION_QUESTIONS["areas"] in visible
    assert "Kendall's W measures how far three or more rankings agree" in visible  # the explainer, as text
    assert "**" not in visible
    assert "CC BY-SA 4.0" in visible and "made with trustcore" in visible.lower()
    assert "Ann " + SCRIPT in visible and "Cy " + IMG in visible  # participants' names (internal copy only)
    assert charts_in(internal) == 2 * 2 + 1  # two rounds, and the trend


def test_one_round_has_no_trend_and_three_parties_get_the_bump_chart(tmp_path):
    w = build(Store(tmp_path / "t.db").initialise(), parties=("Alpha", "Beta", "Gamma"))
    s = w.store._session(w.code)
    page = report.session_report(w.store.open(w.code, w.fac))
    assert 'id="rounds"' not in page and "Across rounds" not in Page(page).visible
    assert 'id="round-1"' in page and 'id="round-2"' not in page
    res = results.round_results(s, w.store._rankings(w.code), 1)
    assert "among 3 parties: Kendall's W" in res.headline.summary
    assert escape(res.headline.summary) in _round_section(page, 1)
    assert charts_in(page) == 2  # bump chart + heatmap
    bump = _round_section(page, 1).split('<figure class="chart">', 2)[1]
    assert bump.count('stroke-width="4"') >= 1  # the contested elements drawn thick
    first = charts._wrap_lines(res.divergence.rows[0].element, 20)[0]
    assert bump.count(f">{escape(first)}</tspan>") == 2  # the most contested named at both ends


def test_shareable_leaves_out_internal_entries_and_names(internal, shared):
    assert INTERNAL not in Page(shared).visible and html.escape(INTERNAL) not in shared
    assert INTERNAL in Page(internal).visible
    assert PUBLIC in Page(shared).visible
    for name in ("Ann " + SCRIPT, "Cy " + IMG, "Resp " + SCRIPT):
        assert name not in Page(shared).visible, name
        assert name in Page(internal).visible, name
    assert "Shareable version" in Page(shared).visible and "Internal version" in Page(internal).visible
    parties = shared.split('<section id="parties">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", parties) == ["Party", "Participants"]
    assert _cells(parties) == [[SCRIPT, "2"], [IMG, "1"]]


def test_print_rules(internal):
    css = re.search(r"<style>(.*?)</style>", internal, re.S).group(1)
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    media = css[css.index("@media print") :]
    assert re.search(r"section\.major\s*{[^}]*break-before:\s*page", media)
    assert re.search(r"nav\.contents[^{]*{[^}]*display:\s*none", media)
    assert re.search(r"\.chart[^{]*{[^}]*break-inside:\s*avoid", css)
    assert re.search(r"main\s*{[^}]*width:\s*180mm", css)  # the screen column is the A4 text width
    assert "font-face" not in css


# ------------------------------------------------------------------------------------------- rights


def test_rights(tmp_path):
    w = build(Store(tmp_path / "t.db").initialise(), reveal=False)
    participant = next(iter(w.tokens.values()))
    for shareable in (True, False):
        with pytest.raises(NotAllowedNow):
            report.session_report(w.store.open(w.code, participant), shareable=shareable)
    for token in (w.survey, "not-a-real-token-at-all-0000", None):
        with pytest.raises(AccessDenied):
            report.session_report(w.store.open(w.code, token))
    assert 'id="round-1"' not in report.session_report(w.store.open(w.code, w.fac))  # not revealed: not shared
    assert 'id="round-1"' in report.session_report(w.store.open(w.code, w.fac), shareable=False)
    w.store.reveal(w.code, w.fac, round_number=1)
    page = report.session_report(w.store.open(w.code, participant))
    assert 'id="round-1"' in page and INTERNAL not in page


# ------------------------------------------------------------------------------------------- rendering


def _chromium() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is needed to render the report in CI ({CHROMIUM} not found)")
        pytest.skip("Chromium not installed")
    return path


def _run(args: list[str], tmp_path: Path) -> None:
    base = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=10000",
    ]
    done = subprocess.run(base + args, capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]


def test_report_renders_in_chromium(internal, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(internal, encoding="utf-8")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    _run(["--window-size=1240,1754", f"--screenshot={SCREENSHOT}", page.as_uri()], tmp_path)
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, len(data)  # a blank or unstyled page compresses to a few kB


def test_report_prints_to_pdf_with_a_page_per_section(ws, internal, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(internal, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()], tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    sections = internal.count('<section class="major')
    assert sections == 2 + 1 + 5  # two rounds, across rounds, worksheet, next steps, feedback, reflections, method
    assert pages >= 1 + sections, pages  # each section starts a page (A4), after the title page
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+\s*\]", data)  # A4 in points
