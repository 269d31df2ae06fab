"""The session workbook (.xlsx): sheets and their order, headers, faithful rankings, comparison blocks,
statistics, the worksheet (A-E), text never run as a formula, the shareable copy, and rights."""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

import openpyxl
import pytest

from trustcore import analysis, export, workbook
from trustcore.errors import AccessDenied, NotAllowedNow
from trustcore.followup.agreed_order import agreed_order
from trustcore.followup.next_steps import add_next_step, next_steps
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.store import Store

EVIL_PARTY = '=HYPERLINK("http://evil.example","click")'
EVIL_PERSON = "@SUM(A1:A9)"
INTERNAL = "SECRET-INTERNAL-NOTE pen test failed"
PUBLIC = "Pseudonymised at source"
SHEETS = ["Rankings", "Comparison", "Statistics", "Worksheet", "Next steps", "Feedback", "Reasons"]


@dataclass
class Workshop:
    store: Store
    code: str
    fac: str
    tokens: dict[str, str]  # participant name -> token
    orders: dict[tuple[int, str], list[str]]  # (round, participant) -> order
    survey: str
    ids: list[str]


def shuffled(ids, seed):
    ids = list(ids)
    random.Random(seed).shuffle(ids)
    return ids


def build(store: Store, *, reveal: bool = True) -> Workshop:
    """Alpha (Ann, Bob) and a formula-looking party (one participant with a formula-looking name); one
    ranked round (revealed if ``reveal``); worksheet entries (one internal), next steps, feedback."""
    created = store.create_session(
        "Sharing flow data",
        ["Alpha", EVIL_PARTY],
        our_org="Us",
        partner_org="Them",
        flows="Admissions data\nForecasts back",
    )
    s, fac = created.session, created.facilitator_token
    people = [("Ann", 0), ("Bob", 0), (EVIL_PERSON, 1)]
    tokens, orders = {}, {}
    for i, (name, party) in enumerate(people):
        joined = store.join(s.code, s.parties[party].id, name, rng=random.Random(i))
        order = shuffled(s.catalogue.ids, 10 + i)
        store.submit(s.code, joined.token, order, round_number=1)
        tokens[joined.participant.name] = joined.token
        orders[(1, joined.participant.name)] = order
    if reveal:
        store.reveal(s.code, fac, round_number=1)
    alpha, evil = s.parties
    set_worksheet_entry(store.open(s.code, fac), "privacy", alpha.id, "B", PUBLIC)
    set_worksheet_entry(store.open(s.code, fac), "privacy", alpha.id, "C", INTERNAL, internal=True)
    set_worksheet_entry(store.open(s.code, fac), "quality", evil.id, "B", "=1+1 checks every week")
    add_next_step(
        store.open(s.code, fac),
        "privacy",
        "Publish the DPIA summary",
        owner_party_id=alpha.id,
        owner_person="Ann",
        due="Q2 2027",
        status="agreed",
        agreed_by=[alpha.id, evil.id],
    )
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(
        store.open(s.code, survey),
        "Pat",
        {
            None: {"trust": 4},
            "privacy": {"trust": 3, "expectations": "partly", "evidence": "yes", "comment": "Show us the audit"},
        },
    )
    submit_feedback(store.open(s.code, survey), "Sam", {"privacy": {"trust": 4, "expectations": "yes"}})
    return Workshop(store, s.code, fac, tokens, orders, survey, list(s.catalogue.ids))


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workshop:
    return build(Store(tmp_path_factory.mktemp("wb") / "t.db").initialise())


@pytest.fixture(scope="module")
def book(ws) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(ws.store.open(ws.code, ws.fac))))


def header(sheet) -> list:
    return [c.value for c in sheet[1]]


def values(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def all_text(book) -> str:
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


# ------------------------------------------------------------------------------------------- structure


def test_sheet_names_and_order(book):
    assert book.sheetnames == SHEETS


def test_header_rows_exact_bold_frozen_and_wrapped(book):
    assert header(book["Rankings"]) == [
        "Session code",
        "Session",
        "Round",
        "Party",
        "Participant",
        "Element ID",
        "Element",
        "Rank",
        "Submitted (UTC)",
        "Reason",
    ]
    assert header(book["Next steps"]) == [
        "Element ID",
        "Element",
        "Action",
        "Owner (party)",
        "Owner (person)",
        "Due",
        "Status",
        "Agreed by",
        "Updated (UTC)",
    ]
    assert header(book["Feedback"]) == [
        "Respondent",
        "Element ID",
        "Element",
        "Trust (1-5)",
        "Trust in words",
        "Meets expectations",
        "Evidence helps trust",
        "Comment",
        "Submitted (UTC)",
    ]
    assert header(book["Statistics"]) == ["Round", "Statistic", "Between", "Value", "In words"]
    assert header(book["Comparison"]) == [
        "Round",
        "Element ID",
        "Element",
        "Rank (Alpha)",
        f"Rank ({EVIL_PARTY})",
        "Mean rank",
        "Spread",
        "Standard deviation",
    ]
    assert header(book["Worksheet"]) == [
        "A: position",
        "A: element",
        "B: steps we take (Alpha)",
        "C: how we demonstrate it (Alpha)",
        f"B: steps we take ({EVIL_PARTY})",
        f"C: how we demonstrate it ({EVIL_PARTY})",
        "D: stakeholder feedback",
        "E: next steps",
    ]
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.bold for c in sheet[1]), sheet.title
        assert all(c.alignment.wrap_text for c in sheet[1]), sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 60 for w in widths), (sheet.title, widths)


def test_rankings_rows_equal_the_stored_orders(ws, book):
    rows = values(book["Rankings"])
    stored = ws.store._rankings(ws.code)
    assert len(rows) == len(stored) * len(ws.ids)
    by_person: dict[str, list] = {}
    for r in rows:
        by_person.setdefault(r[4], []).append(r)
    for ranking in stored:
        mine = by_person[ranking.participant]
        assert [r[5] for r in mine] == list(ranking.order) == ws.orders[(1, ranking.participant)]
        assert [r[7] for r in mine] == list(range(1, len(ws.ids) + 1))  # numbers, not text
        assert {r[2] for r in mine} == {1}
        assert {r[8] for r in mine} == {datetime.strptime(ranking.submitted_at, "%Y-%m-%dT%H:%M:%SZ")}
    assert [r[3] for r in rows[:: len(ws.ids)]] == ["Alpha", "Alpha", EVIL_PARTY]


def test_comparison_is_the_divergence_table(ws, book):
    s = ws.store._session(ws.code)
    res = analysis.divergence(
        {
            "Alpha": analysis.party_consensus([ws.orders[(1, "Ann")], ws.orders[(1, "Bob")]]).order,
            EVIL_PARTY: ws.orders[(1, EVIL_PERSON)],
        },
        s.catalogue.names,
    )
    rows = values(book["Comparison"])
    assert [r[1] for r in rows] == [row.element_id for row in res.rows]
    assert [r[3:5] for r in rows] == [[row.ranks["Alpha"], row.ranks[EVIL_PARTY]] for row in res.rows]
    assert [r[6] for r in rows] == [row.spread for row in res.rows]


def test_statistics_match_the_analysis(ws, book):
    rows = values(book["Statistics"])
    stats = {(r[1], r[2]): r[3] for r in rows}
    alpha = analysis.party_consensus([ws.orders[(1, "Ann")], ws.orders[(1, "Bob")]])
    other = ws.orders[(1, EVIL_PERSON)]
    pair = f"Alpha vs {EVIL_PARTY}"
    assert stats[("parties that ranked", None)] == 2
    assert stats[("Kendall τ-b", pair)] == pytest.approx(analysis.kendall_tau(alpha.order, other))
    assert stats[("Spearman ρ", pair)] == pytest.approx(analysis.spearman_rho(alpha.order, other))
    assert stats[("footrule similarity", pair)] == pytest.approx(analysis.footrule(alpha.order, other).similarity)
    w = analysis.kendalls_w([alpha.order, other])
    assert stats[("Kendall's W", "all parties")] == pytest.approx(w.w)
    assert stats[("chi²", "all parties")] == pytest.approx(w.chi2)
    assert stats[("p (chi²)", "all parties")] == pytest.approx(w.p_value)
    assert 0 < stats[(f"permutation p ({analysis.HEADLINE_PERMUTATIONS:,} shuffles)", "all parties")] <= 1
    assert stats[("within-party Kendall's W", "Alpha (2 members)")] == pytest.approx(alpha.within_w.w)
    assert {r[0] for r in rows} == {1}


def test_worksheet_rows_follow_column_a_with_b_to_e(ws, book):
    order, _ = agreed_order(ws.store.open(ws.code, ws.fac))
    names = ws.store._session(ws.code).catalogue.names
    rows = values(book["Worksheet"])[: len(ws.ids)]
    assert [r[0] for r in rows] == list(range(1, len(ws.ids) + 1))
    assert [r[1] for r in rows] == [names[e] for e in order]
    privacy = rows[order.index("privacy")]
    assert privacy[2] == PUBLIC
    assert privacy[3] == workbook.INTERNAL_MARK + INTERNAL  # the facilitator's own copy marks it
    assert privacy[6].startswith("trust 3.5/5 (2 answers)")
    assert "partly 1" in privacy[6] and "“Show us the audit” (Pat)" in privacy[6]
    assert "Publish the DPIA summary (Alpha / Ann; due Q2 2027; agreed" in privacy[7]
    quality = rows[order.index("quality")]
    assert quality[4] == "=1+1 checks every week"
    assert quality[6] == "no feedback yet" and quality[7] == "none yet"


def test_next_steps_and_feedback_sheets_match_the_csv_rows(ws, book):
    s = ws.store._session(ws.code)
    steps = export.next_steps_rows(s, next_steps(ws.store.open(ws.code, ws.fac)))
    when = export.NEXT_STEPS_COLUMNS.index("updated_at")
    assert [[("" if v is None else v) for v in r] for r in values(book["Next steps"])] == [
        [datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ") if i == when else v for i, v in enumerate(r)] for r in steps
    ]
    feedback = values(book["Feedback"])
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in feedback] == [
        ("Pat", None, "Overall", 4, "Mostly"),
        ("Pat", "privacy", "Privacy and security", 3, "Somewhat"),
        ("Sam", "privacy", "Privacy and security", 4, "Mostly"),
    ]


# ------------------------------------------------------------------------------------------- formulas


def test_formula_looking_text_is_stored_as_text_with_the_quote_prefix_style(ws):
    """Shown as typed (no apostrophe in the value), a text cell, with the quote-prefix style so that editing
    the cell in Excel or LibreOffice keeps it text; no formula anywhere in the file."""
    data = workbook.session_workbook(ws.store.open(ws.code, ws.fac))
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = book["Rankings"]["D" + str(2 + 2 * len(ws.ids))]
    assert cell.value == EVIL_PARTY and cell.data_type == "s" and cell.quotePrefix
    person = book["Rankings"]["E" + str(2 + 2 * len(ws.ids))]
    assert person.value == EVIL_PERSON and person.data_type == "s" and person.quotePrefix
    assert not book["Rankings"]["D2"].quotePrefix  # "Alpha": plain text needs no prefix
    formula_like = 0
    for sheet in book:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert c.quotePrefix and c.data_type == "s", (sheet.title, c.coordinate)
                    formula_like += 1
                if isinstance(c.value, str):
                    assert not c.value.startswith("'"), (sheet.title, c.coordinate)
    assert formula_like > 3
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'quotePrefix="1"' in z.read("xl/styles.xml").decode()
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", z.read(name).decode()), name  # no formula element at all


def test_text_cells_are_strings_even_when_they_look_like_numbers_or_dates(tmp_path):
    store = Store(tmp_path / "t.db").initialise()
    created = store.create_session("2026-11-28", ["1e5", "0042"])
    s = created.session
    joined = store.join(s.code, s.parties[0].id, "12")
    store.submit(s.code, joined.token, s.catalogue.ids, round_number=1)
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(s.code, created.facilitator_token))))
    row = book["Rankings"][2]
    assert [row[1].value, row[3].value, row[4].value] == ["2026-11-28", "1e5", "12"]
    assert {row[1].data_type, row[3].data_type, row[4].data_type} == {"s"}


# ------------------------------------------------------------------------------------------- shareable


def test_shareable_leaves_out_internal_entries(ws, book):
    assert INTERNAL in all_text(book)
    shared = openpyxl.load_workbook(
        io.BytesIO(workbook.session_workbook(ws.store.open(ws.code, ws.fac), shareable=True))
    )
    text = all_text(shared)
    assert INTERNAL not in text and workbook.INTERNAL_MARK not in text
    assert PUBLIC in text
    assert shared.sheetnames == SHEETS


def test_a_participant_never_gets_another_partys_internal_entries(ws):
    theirs = workbook.session_workbook(ws.store.open(ws.code, ws.tokens[EVIL_PERSON]))
    assert INTERNAL not in all_text(openpyxl.load_workbook(io.BytesIO(theirs)))
    mine = workbook.session_workbook(ws.store.open(ws.code, ws.tokens["Ann"]))
    assert INTERNAL in all_text(openpyxl.load_workbook(io.BytesIO(mine)))


# ------------------------------------------------------------------------------------------- rights


def test_participant_before_the_reveal_is_refused(tmp_path):
    w = build(Store(tmp_path / "t.db").initialise(), reveal=False)
    with pytest.raises(NotAllowedNow):
        workbook.session_workbook(w.store.open(w.code, w.tokens["Ann"]))
    with pytest.raises(NotAllowedNow):
        workbook.session_workbook(w.store.open(w.code, w.tokens["Ann"]), shareable=True)
    # the facilitator may download at any time
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(w.store.open(w.code, w.fac))))
    assert len(values(book["Rankings"])) == 3 * len(w.ids)
    w.store.reveal(w.code, w.fac, round_number=1)
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(w.store.open(w.code, w.tokens["Ann"]))))
    assert len(values(book["Rankings"])) == 3 * len(w.ids)


def test_survey_and_unknown_tokens_are_refused(ws):
    for token in (ws.survey, "not-a-real-token-at-all-0000", "", None):
        with pytest.raises(AccessDenied):
            workbook.session_workbook(ws.store.open(ws.code, token))
    other = ws.store.create_session("Other", ["A", "B"])
    with pytest.raises(AccessDenied):
        workbook.session_workbook(ws.store.open(other.session.code, ws.fac))  # a token of another session


def test_unrevealed_round_is_left_out_for_participants_and_the_shareable_copy(tmp_path):
    w = build(Store(tmp_path / "t.db").initialise())
    w.store.next_round(w.code, w.fac, round_number=1)
    for i, token in enumerate(w.tokens.values()):
        w.store.submit(w.code, token, shuffled(w.ids, 99 + i), round_number=2)

    def rounds(token, **kw):
        book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(w.store.open(w.code, token), **kw)))
        return (
            {r[2] for r in values(book["Rankings"])},
            {r[0] for r in values(book["Comparison"]) if r[0]},
            {r[0] for r in values(book["Statistics"])},
        )

    assert rounds(w.tokens["Ann"]) == ({1}, {1}, {1})
    assert rounds(w.fac, shareable=True) == ({1}, {1}, {1})
    assert rounds(w.fac) == ({1, 2}, {1, 2}, {1, 2})
    w.store.reveal(w.code, w.fac, round_number=2)
    assert rounds(w.tokens["Ann"]) == ({1, 2}, {1, 2}, {1, 2})
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(w.store.open(w.code, w.tokens["Ann"]))))
    comparison = values(book["Comparison"])
    blank = comparison.index([None] * 8)
    assert blank == len(w.ids) and len(comparison) == 2 * len(w.ids) + 1  # one block per round


@pytest.mark.parametrize("make", ["workbook", "report"])
def test_a_write_that_lands_during_the_build_is_in_the_file_whole_or_not_at_all(tmp_path, monkeypatch, make):
    """While a download is being read (its rankings already, its next steps not yet), another tab commits
    one transaction: a new participant's ranking and a new next step. The file shows both or neither."""
    import json
    import threading

    from trustcore import db as dbmod
    from trustcore import report
    from trustcore import worksheet as worksheet_mod
    from trustcore.followup import next_steps as next_steps_mod

    store = Store(tmp_path / "snap.db").initialise()
    w = build(store)
    session = store._session(w.code)
    real_build = worksheet_mod.build

    def write_elsewhere() -> None:  # another tab, on another thread, in one transaction
        order = json.dumps(list(session.catalogue.ids))
        with dbmod.write(store.path) as db:
            cur = db.execute(
                "INSERT INTO participants (session_id, party_id, name, token_hash, start_order, joined_at) "
                "VALUES (?, ?, 'Zedekiah-During', 'x' || hex(randomblob(16)), ?, '2026')",
                [session.id, session.parties[0].id, order],
            )
            db.execute(
                "INSERT INTO rankings (session_id, participant_id, round, ordering, start_order, submitted_at) "
                "VALUES (?, ?, 1, ?, ?, '2026')",
                [session.id, cur.lastrowid, order, order],
            )
            db.execute(
                "INSERT INTO next_steps (session_id, element_id, action, created_at, updated_at) "
                "VALUES (?, 'quality', 'Step-Written-During', '2026', '2026')",
                [session.id],
            )

    def build_with_a_write_first(*args, **kwargs):  # the rankings are read by now; the steps are not
        thread = threading.Thread(target=write_elsewhere)
        thread.start()
        thread.join()
        return real_build(*args, **kwargs)

    monkeypatch.setattr(worksheet_mod, "build", build_with_a_write_first)
    if make == "workbook":
        text = all_text(openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(w.code, w.fac)))))
    else:
        text = report.session_report(store.open(w.code, w.fac), shareable=False)
    ranking, step = "Zedekiah-During" in text, "Step-Written-During" in text
    assert ranking == step, f"the file holds half of one write: the ranking {ranking}, the next step {step}"
    monkeypatch.setattr(worksheet_mod, "build", real_build)  # the write did land: the next file has it all
    assert any(s.action == "Step-Written-During" for s in next_steps_mod.next_steps(store.open(w.code, w.fac)))
    assert "Zedekiah-During" in all_text(
        openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(w.code, w.fac))))
    )
