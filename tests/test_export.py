"""CSV exports: exact columns, faithful ranks, BOM, formula neutralising, rounds, history, comparison."""

from __future__ import annotations

import codecs
import csv
import io
import random
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustcore import catalogue as catalogue_mod
from trustcore import export, results
from trustcore.catalogue import Catalogue, Element
from trustcore.followup.next_steps import add_next_step, next_steps
from trustcore.followup.survey import feedback, new_survey_link, submit_feedback
from trustcore.model import Party, Ranking, Round, Session
from trustcore.text import spreadsheet_safe

RESULTS_HEADER = [
    "session_code",
    "session_title",
    "round",
    "party",
    "participant",
    "element_id",
    "element",
    "rank",
    "submitted_at",
    "reason",
]
START_HEADER = ["session_code", "round", "party", "participant", "position", "element_id"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def records(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def shuffled(ids, seed):
    ids = list(ids)
    random.Random(seed).shuffle(ids)
    return ids


def workshop(
    store,
    title="Data sharing with Acme",
    parties=("Us", "Acme"),
    people=(("Ann", 0), ("Bob", 0), ("Cy", 1)),
    catalogue=None,
):
    """A session with people joined and ranked (each a different, known order). Returns (created, joined, orders)."""
    created = store.create_session(title, list(parties), catalogue=catalogue)
    s = created.session
    joined, orders = [], {}
    for i, (name, party_index) in enumerate(people):
        j = store.join(s.code, s.parties[party_index].id, name, rng=random.Random(100 + i))
        order = shuffled(s.catalogue.ids, i)
        store.submit(s.code, j.token, order, round_number=1)
        joined.append(j)
        orders[j.participant.name] = order
    return created, joined, orders


# ------------------------------------------------------------------------------------------- results CSV


def test_results_header_is_exact_and_first(store):
    created, _, _ = workshop(store)
    s = created.session
    data = export.results_csv(s, store._rankings(s.code))
    assert data.startswith(
        codecs.BOM_UTF8
        + b"session_code,session_title,round,party,participant,element_id,element,rank,submitted_at,reason\r\n"
    )
    assert parse(data)[0] == RESULTS_HEADER


def test_rows_and_ranks_match_submitted_orders_exactly(store):
    created, joined, orders = workshop(store)
    s = store._session(created.session.code)
    rankings = store._rankings(s.code)
    rows = records(export.results_csv(s, rankings))
    assert len(rows) == 3 * len(s.catalogue) == 30
    names = s.catalogue.names
    submitted = {r.participant: r.submitted_at for r in rankings}
    for person, order in orders.items():
        mine = [r for r in rows if r["participant"] == person]
        assert [r["rank"] for r in mine] == [str(n) for n in range(1, 11)]
        assert [r["element_id"] for r in mine] == order
        assert all(r["element"] == names[r["element_id"]] for r in mine)
        assert {r["submitted_at"] for r in mine} == {submitted[person]}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mine[0]["submitted_at"])
    assert {r["session_code"] for r in rows} == {s.code}
    assert {r["session_title"] for r in rows} == {"Data sharing with Acme"}
    assert {r["round"] for r in rows} == {"1"}
    # party position, then participant (join order), then rank
    assert [r["participant"] for r in rows[::10]] == ["Ann", "Bob", "Cy"]
    assert [r["party"] for r in rows[::10]] == ["Us", "Us", "Acme"]


def test_rows_ordered_by_party_position_not_submission_order(store):
    created = store.create_session("T", ["First", "Second"])
    s = created.session
    late = store.join(s.code, s.parties[1].id, "Zed")  # joins and submits first, but in the second party
    early = store.join(s.code, s.parties[0].id, "Amy")
    store.submit(s.code, late.token, s.catalogue.ids, round_number=1)
    store.submit(s.code, early.token, list(reversed(s.catalogue.ids)), round_number=1)
    shuffled_input = list(reversed(store._rankings(s.code)))
    rows = records(export.results_csv(s, shuffled_input))
    assert [r["participant"] for r in rows[::10]] == ["Amy", "Zed"]
    assert [r["element_id"] for r in rows[:10]] == list(reversed(s.catalogue.ids))


def test_bom_present_and_accents_decode(store):
    created, _, _ = workshop(
        store, title="Échange de données – Zürich", parties=("Ministère", "Ōsaka"), people=(("Zoë", 0), ("Łukasz", 1))
    )
    data = export.results_csv(created.session, store._rankings(created.session.code))
    assert data[:3] == codecs.BOM_UTF8
    text = data.decode("utf-8-sig")
    assert not text.startswith("\ufeff")
    assert "Échange de données – Zürich" in text and "Ministère" in text and "Łukasz" in text
    assert "\r\n" in text


def test_formula_injection_neutralised_through_the_store(store):
    title = '=HYPERLINK("http://evil.example","click")'
    created, _, _ = workshop(store, title=title, parties=("+1", "-2"), people=(("@SUM(A1:A9)", 0), ("=1+1", 1)))
    s = created.session
    rows = records(export.results_csv(s, store._rankings(s.code)))
    assert {r["session_title"] for r in rows} == {"'" + title}
    assert {r["party"] for r in rows} == {"'+1", "'-2"}
    assert {r["participant"] for r in rows} == {"'@SUM(A1:A9)", "'=1+1"}
    # numbers stay numbers: no apostrophe, and a spreadsheet reader sees integers
    assert sorted({r["rank"] for r in rows}, key=int) == [str(n) for n in range(1, 11)]
    frame = pd.read_csv(io.BytesIO(export.results_csv(s, store._rankings(s.code))), encoding="utf-8-sig")
    assert list(frame.columns) == RESULTS_HEADER
    assert frame["rank"].dtype.kind == "i" and frame["round"].dtype.kind == "i"
    assert sorted(frame["rank"].unique().tolist()) == list(range(1, 11))


def _model(title, parties, people, element_names=None):
    """A session and rankings built directly (names the store would clean, e.g. a leading tab or CR)."""
    names = element_names or ["Alpha", "Beta", "Gamma"]
    cat = Catalogue(tuple(Element(f"e{i}", n) for i, n in enumerate(names)))
    session = Session(
        1,
        "abcdefghjkmnpq",
        title,
        "",
        "",
        "",
        True,
        1,
        cat,
        "2026-11-28T14:00:00Z",
        tuple(Party(10 + i, i, p) for i, p in enumerate(parties)),
        (Round(1, "2026-11-28T14:00:00Z"),),
    )
    rankings = [
        Ranking(
            100 + i,
            person,
            10 + party,
            parties[party],
            1,
            tuple(cat.ids),
            tuple(reversed(cat.ids)),
            "2026-11-28T14:03:07Z",
        )
        for i, (person, party) in enumerate(people)
    ]
    return session, rankings


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "=", "-"])
def test_every_formula_start_neutralised_in_every_text_column(evil):
    session, rankings = _model(evil, [evil, "Other"], [(evil, 0), ("Plain", 1)], element_names=[evil, "B", "C"])
    for data in (export.results_csv(session, rankings), export.start_orders_csv(session, rankings)):
        for row in parse(data):
            for cell in row:
                assert not cell.startswith(FORMULA), (cell, row)
        assert ("'" + evil) in [cell for row in parse(data) for cell in row]
    rows = records(export.results_csv(session, rankings))
    assert rows[0]["session_title"] == rows[0]["party"] == rows[0]["participant"] == rows[0]["element"] == "'" + evil
    assert rows[0]["rank"] == "1"


def test_negative_looking_text_is_neutralised_but_numbers_are_not():
    assert spreadsheet_safe(-2) == -2
    session, rankings = _model("-2", ["-2", "B"], [("-3", 0)])
    rows = parse(export.results_csv(session, rankings))
    assert rows[1][1] == "'-2" and rows[1][3] == "'-2" and rows[1][4] == "'-3"
    assert rows[1][2] == "1" and rows[1][7] == "1"


def test_multiple_rounds(store):
    created, joined, orders = workshop(store)
    s, token = created.session, created.facilitator_token
    store.next_round(s.code, token, round_number=1)
    second = {}
    for i, j in enumerate(joined):
        second[j.participant.name] = shuffled(s.catalogue.ids, 50 + i)
        store.submit(s.code, j.token, second[j.participant.name], round_number=2)
    s = store._session(s.code)
    rows = records(export.results_csv(s, store._rankings(s.code)))
    assert len(rows) == 2 * 3 * 10
    assert [r["round"] for r in rows] == ["1"] * 30 + ["2"] * 30
    for number, expected in (("1", orders), ("2", second)):
        for person, order in expected.items():
            assert [r["element_id"] for r in rows if r["round"] == number and r["participant"] == person] == order
    # start orders: round 2 starts from the participant's round-1 order
    starts = records(export.start_orders_csv(s, store._rankings(s.code)))
    for person, order in orders.items():
        assert [r["element_id"] for r in starts if r["round"] == "2" and r["participant"] == person] == order
    # one round only
    only2 = records(export.results_csv(s, store._rankings(s.code, 2)))
    assert len(only2) == 30 and {r["round"] for r in only2} == {"2"}


def test_history_is_not_exported(store):
    created, joined, orders = workshop(store, people=(("Ann", 0), ("Cy", 1)))
    s = created.session
    replacement = list(reversed(orders["Ann"]))
    assert store.submit(s.code, joined[0].token, replacement, round_number=1).replaced
    history = store._rankings(s.code, history=True)
    assert len(history) == 3  # the replaced ranking is still stored
    for given_rankings in (store._rankings(s.code), history):
        rows = records(export.results_csv(s, given_rankings))
        assert len(rows) == 2 * 10
        assert [r["element_id"] for r in rows if r["participant"] == "Ann"] == replacement
        starts = records(export.start_orders_csv(s, given_rankings))
        assert len(starts) == 2 * 10


def test_start_orders_are_the_shuffles_shown(store):
    created, joined, _ = workshop(store)
    s = created.session
    data = export.start_orders_csv(s, store._rankings(s.code))
    assert parse(data)[0] == START_HEADER
    rows = records(data)
    assert len(rows) == 30
    for j in joined:
        mine = [r for r in rows if r["participant"] == j.participant.name]
        assert [r["element_id"] for r in mine] == list(j.participant.start_order)
        assert [r["position"] for r in mine] == [str(n) for n in range(1, 11)]
        assert {r["party"] for r in mine} == {j.participant.party}
        assert {r["session_code"] for r in mine} == {s.code}
    assert len({tuple(j.participant.start_order) for j in joined}) == 3  # really randomised per participant


# ------------------------------------------------------------------------------------------- comparison CSV


def test_comparison_one_row_per_element_most_contested_first(store):
    people = (("Ann", 0), ("Bo", 1), ("Cy", 2))
    created, _, orders = workshop(store, parties=("Us", "Acme", "=Regulator"), people=people)
    s = created.session
    res = results.round_results(s, store._rankings(s.code), 1)
    data = export.comparison_csv(res)
    table = parse(data)
    assert table[0] == [
        "round",
        "element_id",
        "element",
        "rank (Us)",
        "rank (Acme)",
        "rank (=Regulator)",
        "mean_rank",
        "spread",
        "sd",
    ]
    rows = records(data)
    assert len(rows) == len(s.catalogue) == 10
    assert sorted(r["element_id"] for r in rows) == sorted(s.catalogue.ids)
    assert {r["round"] for r in rows} == {"1"}
    party_of = {"Us": "Ann", "Acme": "Bo", "=Regulator": "Cy"}
    for r in rows:
        ranks = [int(r[f"rank ({p})"]) for p in party_of]
        assert ranks == [orders[person].index(r["element_id"]) + 1 for person in party_of.values()]
        assert int(r["spread"]) == max(ranks) - min(ranks)
        assert float(r["mean_rank"]) == round(sum(ranks) / 3, 2)
        assert re.fullmatch(r"\d+(\.\d{1,2})?", r["mean_rank"]) and re.fullmatch(r"\d+(\.\d{1,2})?", r["sd"])
        assert r["element"] == s.catalogue.names[r["element_id"]]
    keys = [(int(r["spread"]), float(r["sd"])) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert int(rows[0]["spread"]) > int(rows[-1]["spread"])


def test_comparison_neutralises_element_and_party_text(store):
    cat = catalogue_mod.validate(
        [{"id": "a", "name": "@evil()"}, {"id": "b", "name": "Fine"}, {"id": "c", "name": "+x"}]
    )
    created, _, _ = workshop(store, parties=("=A", "B"), people=(("p", 0), ("q", 1)), catalogue=cat)
    res = results.round_results(created.session, store._rankings(created.session.code), 1)
    data = export.comparison_csv(res)
    cells = [c for row in parse(data) for c in row]
    assert "'@evil()" in cells and "'+x" in cells and "@evil()" not in cells
    assert "rank (=A)" in parse(data)[0]
    assert not any(c.startswith(FORMULA) for c in cells)


def test_comparison_of_round_with_no_rankings_is_header_only(store):
    created = store.create_session("T", ["A", "B"])
    res = results.round_results(created.session, [], 1)
    assert parse(export.comparison_csv(res)) == [["round", "element_id", "element", "mean_rank", "spread", "sd"]]


def test_all_csv_functions_share_one_writer(store, monkeypatch):
    created, _, _ = workshop(store)
    s = created.session
    rankings = store._rankings(s.code)
    res = results.round_results(s, rankings, 1)
    calls = []
    real = export._csv
    monkeypatch.setattr(export, "_csv", lambda header, rows: calls.append(list(header)) or real(header, rows))
    export.results_csv(s, rankings)
    export.start_orders_csv(s, rankings)
    export.comparison_csv(res)
    assert [c[0] for c in calls] == ["session_code", "session_code", "round"]


# ------------------------------------------------------------------------------------------- file names


def test_file_name_is_safe_and_has_no_user_text(store):
    created = store.create_session("../../etc/passwd = evil", ["A", "B"])
    s = created.session
    assert export.file_name(s, "results", "csv") == f"trustcore-{s.code}-results.csv"
    assert export.file_name(s, "comparison-round-2", "csv") == f"trustcore-{s.code}-comparison-round-2.csv"
    for kind in ("../x", "a/b", "", "Results", "a b", "a--b"):
        with pytest.raises(ValueError):
            export.file_name(s, kind, "csv")
    with pytest.raises(ValueError):
        export.file_name(s, "results", "csv/../x")


# ------------------------------------------------------------------------------------------- property


names = st.text(min_size=1, max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=names, party=names, other=names, person=names, element=names)
def test_arbitrary_unicode_round_trips(title, party, other, person, element):
    if party == other:
        other = other + "x"
    element_names = [element, element + "\u2060b", element + "\u2060c"]
    session, rankings = _model(title, [party, other], [(person, 0), (person, 1)], element_names=element_names)
    rows = records(export.results_csv(session, rankings))
    assert len(rows) == 2 * 3
    for r in rows:
        assert r["session_title"] == spreadsheet_safe(title)
        assert r["participant"] == spreadsheet_safe(person)
        for original in (title, person):
            cell = spreadsheet_safe(original)
            assert cell == original or (original.startswith(FORMULA) and cell == "'" + original)
    assert [r["party"] for r in rows] == [spreadsheet_safe(party)] * 3 + [spreadsheet_safe(other)] * 3
    assert [r["element"] for r in rows[:3]] == [spreadsheet_safe(n) for n in element_names]
    assert [r["rank"] for r in rows[:3]] == ["1", "2", "3"]
    res_rows = parse(export.comparison_csv(results.round_results(session, rankings, 1)))
    assert res_rows[0][3:5] == [f"rank ({party})", f"rank ({other})"]


def test_csv_helper_neutralises_header_cells_too():
    data = export._csv(["=party", "ok", "@x"], [["-1", -1, 2.5, None]])
    assert parse(data) == [["'=party", "ok", "'@x"], ["'-1", "-1", "2.5", ""]]


# ------------------------------------------------------------------------------------------- next steps and feedback

NEXT_STEPS_HEADER = [
    "element_id",
    "element",
    "action",
    "owner_party",
    "owner_person",
    "due",
    "status",
    "agreed_by",
    "updated_at",
]
FEEDBACK_HEADER = [
    "respondent",
    "element_id",
    "element",
    "trust",
    "trust_label",
    "expectations",
    "evidence",
    "comment",
    "submitted_at",
]


def _followup_workshop(store, parties=("Us", "Acme")):
    created = store.create_session("Follow-up", list(parties))
    s, fac = created.session, created.facilitator_token
    return s, fac


def test_next_steps_csv_exact_header_rows_catalogue_order_and_bom(store):
    s, fac = _followup_workshop(store)
    us, acme = s.parties
    # added out of catalogue order: quality first, then impact (the catalogue's first element)
    late = add_next_step(
        store.open(s.code, fac),
        "quality",
        "Weekly data quality report",
        owner_party_id=acme.id,
        owner_person="Dee",
        due="Q3 2027",
        status="in progress",
        agreed_by=[us.id, acme.id],
    )
    early = add_next_step(store.open(s.code, fac), "impact", "Publish an impact statement")
    data = export.next_steps_csv(s, next_steps(store.open(s.code, fac)))
    assert data.startswith(
        codecs.BOM_UTF8 + b"element_id,element,action,owner_party,owner_person,due,status,agreed_by,updated_at\r\n"
    )
    rows = parse(data)
    assert rows[0] == NEXT_STEPS_HEADER
    assert rows[1:] == [
        [
            "impact",
            "Active and positive impact",
            "Publish an impact statement",
            "",
            "",
            "",
            "proposed",
            "",
            early.updated_at,
        ],
        [
            "quality",
            "Quality and accuracy",
            "Weekly data quality report",
            "Acme",
            "Dee",
            "Q3 2027",
            "in progress",
            "Us; Acme",
            late.updated_at,
        ],
    ]
    # the order comes from the catalogue, not from the order the steps are passed in
    assert parse(export.next_steps_csv(s, list(reversed(next_steps(store.open(s.code, fac)))))) == rows


def test_next_steps_csv_neutralises_formulas(store):
    s, fac = _followup_workshop(store, parties=('=HYPERLINK("http://evil")', "+Acme"))
    evil, plus = s.parties
    add_next_step(
        store.open(s.code, fac),
        "privacy",
        "=cmd|' /C calc'!A0",
        owner_party_id=plus.id,
        owner_person="@SUM(A1:A9)",
        due="-1 month",
        agreed_by=[evil.id, plus.id],
    )
    row = records(export.next_steps_csv(s, next_steps(store.open(s.code, fac))))[0]
    assert row["action"] == "'=cmd|' /C calc'!A0"
    assert row["owner_party"] == "'+Acme"
    assert row["owner_person"] == "'@SUM(A1:A9)"
    assert row["due"] == "'-1 month"
    assert row["agreed_by"] == '\'=HYPERLINK("http://evil"); +Acme'
    for cell in parse(export.next_steps_csv(s, next_steps(store.open(s.code, fac))))[1]:
        assert not cell.startswith(FORMULA), cell


def test_next_steps_csv_without_steps_is_header_only(store):
    s, _ = _followup_workshop(store)
    assert parse(export.next_steps_csv(s, [])) == [NEXT_STEPS_HEADER]


def test_feedback_csv_exact_header_rows_overall_and_labels(store):
    s, fac = _followup_workshop(store)
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(
        store.open(s.code, survey),
        "Pat",
        {
            None: {"trust": 4, "comment": "Good start"},
            "privacy": {"trust": 2, "expectations": "partly", "evidence": "unsure", "comment": "Show the audit"},
            "quality": {"expectations": "no"},
        },
    )
    answers = feedback(store.open(s.code, fac))
    data = export.feedback_csv(s, answers)
    assert data.startswith(
        codecs.BOM_UTF8 + b"respondent,element_id,element,trust,trust_label,expectations,evidence,"
        b"comment,submitted_at\r\n"
    )
    rows = parse(data)
    assert rows[0] == FEEDBACK_HEADER
    stamp = answers[0].submitted_at
    assert rows[1:] == [
        ["Pat", "", "Overall", "4", "Mostly", "", "", "Good start", stamp],
        ["Pat", "privacy", "Privacy and security", "2", "A little", "partly", "unsure", "Show the audit", stamp],
        ["Pat", "quality", "Quality and accuracy", "", "", "no", "", "", stamp],
    ]
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert frame["trust"].dropna().tolist() == [4, 2]  # numbers stay numbers


def test_feedback_csv_neutralises_formulas(store):
    s, fac = _followup_workshop(store)
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(store.open(s.code, survey), "=1+1", {"privacy": {"trust": 3, "comment": "-2 and @home"}})
    row = records(export.feedback_csv(s, feedback(store.open(s.code, fac))))[0]
    assert row["respondent"] == "'=1+1"
    assert row["comment"] == "'-2 and @home"
    assert row["trust"] == "3"


def test_next_steps_and_feedback_csv_use_the_one_writer(store, monkeypatch):
    s, fac = _followup_workshop(store)
    calls = []
    real = export._csv
    monkeypatch.setattr(export, "_csv", lambda header, rows: calls.append(list(header)) or real(header, rows))
    export.next_steps_csv(s, [])
    export.feedback_csv(s, [])
    assert calls == [NEXT_STEPS_HEADER, FEEDBACK_HEADER]
