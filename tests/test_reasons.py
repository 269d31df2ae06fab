"""The reasons behind the ranks: saved with each submission, validated, and shown wherever results are."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from conftest import count, presenter_view, ranked_before, raw

from trustcore import export, presenter, reasons, report, workbook
from trustcore.errors import InvalidInput
from trustcore.reasons import REASON_MAX
from trustcore.results import round_results


@pytest.fixture
def room(store, created):
    """Alpha's Ann and Beta's Bo in one session; returns (store, session, facilitator token, ann, bo)."""
    s = created.session
    ann = store.join(s.code, s.parties[0].id, "Ann")
    bo = store.join(s.code, s.parties[1].id, "Bo")
    return store, s, created.facilitator_token, ann, bo


def test_reasons_are_saved_with_the_ranking_cleaned_and_in_catalogue_order(room):
    store, s, _, ann, _ = room
    ids = list(s.catalogue.ids)
    done = store.submit(
        s.code, ann.token, ids, {ids[-1]: "  last\nbut   not least ", ids[0]: "first", ids[3]: "   "}, round_number=1
    )
    assert done.ranking.reasons == {ids[0]: "first", ids[-1]: "last but not least"}
    assert list(done.ranking.reasons) == [ids[0], ids[-1]]  # catalogue order, the empty one left out
    assert store._my_ranking(ann.participant, 1).reasons == done.ranking.reasons
    assert store._rankings(s.code)[0].reasons == done.ranking.reasons
    assert store._my_round(s.code, ann.participant).ranking.reasons == done.ranking.reasons


def test_a_resubmission_saves_its_own_reasons_and_the_history_keeps_the_old(room):
    store, s, _, ann, _ = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "v1"}, round_number=1)
    again = store.submit(
        s.code, ann.token, ids, {ids[0]: "v2"}, round_number=1
    )  # same order, new reason: a new ranking
    assert again.replaced and not again.unchanged
    assert [r.reasons for r in store._rankings(s.code, history=True)] == [{ids[0]: "v1"}, {ids[0]: "v2"}]
    twice = store.submit(s.code, ann.token, ids, {ids[0]: "v2"}, round_number=1)  # a double click writes nothing
    assert twice.unchanged
    assert count(store, "SELECT count(*) FROM rankings") == 2


def test_an_over_long_reason_is_refused_whole_with_the_element_named(room):
    store, s, _, ann, _ = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "kept"}, round_number=1)
    name = s.catalogue.names[ids[1]]
    with pytest.raises(InvalidInput, match=f"The reason for {name} is too long: {REASON_MAX + 1} characters"):
        store.submit(s.code, ann.token, ids[::-1], {ids[0]: "fine", ids[1]: "x" * (REASON_MAX + 1)}, round_number=1)
    mine = store._my_ranking(ann.participant, 1)  # nothing half-saved: neither the order nor a reason
    assert list(mine.order) == ids and mine.reasons == {ids[0]: "kept"}
    assert (
        store.submit(s.code, ann.token, ids, {ids[1]: "x" * REASON_MAX}, round_number=1).ranking.reasons[ids[1]]
        == "x" * REASON_MAX
    )


@pytest.mark.parametrize("bad", [{"no-such-element": "why"}, ["a list"], "text"])
def test_reasons_for_unknown_elements_or_of_the_wrong_shape_are_refused(room, bad):
    store, s, _, ann, _ = room
    with pytest.raises(InvalidInput):
        store.submit(s.code, ann.token, list(s.catalogue.ids), bad, round_number=1)
    assert store._my_ranking(ann.participant, 1) is None


def test_markup_and_formulas_are_stored_as_typed_and_exported_safely(room):
    store, s, fac, ann, bo = room
    ids = list(s.catalogue.ids)
    store.submit(
        s.code, ann.token, ids, {ids[0]: '=HYPERLINK("http://x")', ids[1]: "<b>bold</b> **md**"}, round_number=1
    )
    store.submit(s.code, bo.token, ids[::-1], round_number=1)
    rows = list(csv.DictReader(io.StringIO(export.results_csv(s, store._rankings(s.code)).decode("utf-8-sig"))))
    by = {(r["participant"], r["element_id"]): r["reason"] for r in rows}
    assert by[("Ann", ids[0])] == '\'=HYPERLINK("http://x")'  # never run as a formula
    assert by[("Ann", ids[1])] == "<b>bold</b> **md**" and by[("Bo", ids[0])] == ""
    html = report.session_report(store.open(s.code, fac), shareable=False)
    assert "&lt;b&gt;bold&lt;/b&gt; **md**" in html and "<b>bold</b>" not in html


def test_the_results_csv_keeps_its_columns_and_adds_reason_last(room):
    store, s, _, ann, bo = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "why first"}, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], round_number=1)
    header = export.results_csv(s, store._rankings(s.code)).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "reason" and header[:-1] == list(export.RESULTS_COLUMNS[:-1])
    assert header[:9] == ["session_code", "session_title", "round", "party", "participant"] + [
        "element_id",
        "element",
        "rank",
        "submitted_at",
    ]


def test_results_hold_the_reasons_by_element_and_agenda_item(room):
    store, s, _, ann, bo = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "top for us", ids[-1]: "least for us"}, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], {ids[0]: "bottom for us", ids[4]: "middling"}, round_number=1)
    res = round_results(s, store._rankings(s.code), 1)
    assert [(r.party, r.participant, r.rank, r.text) for r in res.reasons_for(ids[0])] == [
        ("Alpha", "Ann", 1, "top for us"),
        ("Beta", "Bo", 10, "bottom for us"),
    ]
    contested = res.contested_with_reasons  # most contested first, only elements with a reason
    assert [row.element_id for row, _ in contested][:2] == [ids[0], ids[-1]] or {
        contested[0][0].element_id,
        contested[1][0].element_id,
    } == {ids[0], ids[-1]}
    assert contested[-1][0].element_id == ids[4]
    assert all(row.spread >= contested[i + 1][0].spread for i, (row, _) in enumerate(contested[:-1]))
    first = res.agenda[0]
    told = res.agenda_reasons(first)
    assert told and all(r.element_id in (first.higher_in_a, first.higher_in_b) for r in told)
    text = res.agenda_text(0, 1)
    assert text.startswith("• " + first.text) and "“" + told[0].text + "”" in text
    whole = res.agenda_text()  # each reason once, under the first pair its element is in
    assert res.agenda_text(0, 3) + "\n" + res.agenda_text(3) == whole  # also when the text is split in two
    assert all(whole.count("“" + r.text + "”") == 1 for r in res.reasons)
    assert len(res.agenda) > 4 and whole.count("• ") == len(res.agenda)


def test_presenter_shows_the_reasons_of_the_agenda_item_on_screen(room):
    store, s, fac, ann, bo = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "we need it first"}, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], {ids[-1]: "we need it first too"}, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    screen = presenter.screen(presenter_view(store, s.code, fac))
    res = round_results(s, store._rankings(s.code), 1)
    wanted = {r.text for r in res.agenda_reasons(res.agenda[0])}
    assert wanted and {line.split("“")[1].rstrip("”") for line in screen.reasons} == wanted


def test_workbook_and_report_include_the_reasons(room):
    store, s, fac, ann, bo = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[0]: "the reason in the workbook"}, round_number=1)
    store.submit(s.code, bo.token, ids[::-1], round_number=1)
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(s.code, fac))))
    sheet = book["Reasons"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [workbook.heading(c) for c in workbook.REASONS_COLUMNS]
    assert rows[1][1] == ids[0] and rows[1][4:] == ["Alpha", "Ann", 1, "the reason in the workbook"]
    ranks = [[c.value for c in row] for row in book["Rankings"].iter_rows()]
    assert ranks[0][-1] == "Reason" and ["the reason in the workbook"] == [r[-1] for r in ranks[1:] if r[-1]]
    html = report.session_report(store.open(s.code, fac), shareable=False)
    assert "the reason in the workbook" in html and "<h3>Reasons</h3>" in html


def test_to_reconsider_picks_the_elements_ranked_furthest_from_the_other_parties(room):
    store, s, fac, ann, bo = room
    ids = list(s.catalogue.ids)
    theirs = ids[::-1]
    store.submit(s.code, ann.token, ids, {ids[0]: "mine, never shown to me"}, round_number=1)
    store.submit(s.code, bo.token, theirs, {ids[0]: "least for Beta", ids[5]: "not far apart"}, round_number=1)
    res = round_results(s, store._rankings(s.code), 1)
    mine = next(r for r in res.rankings if r.participant_id == ann.participant.id)
    picked = reasons.to_reconsider(mine, res.party_orders, res.reasons, limit=2)
    assert [c.element_id for c in picked] == [ids[0], ids[-1]]  # 9 places apart each, mine higher first
    assert picked[0].my_rank == 1 and picked[0].their_ranks == {"Beta": 10} and picked[0].gap == 9
    assert [r.text for r in picked[0].reasons] == ["least for Beta"]  # never my own party's reasons
    assert picked[1].reasons == ()
    assert reasons.to_reconsider(mine, {"Alpha": tuple(ids)}, res.reasons) == ()  # no other party


def test_reasons_survive_an_archive_round_trip(room, tmp_path):
    from trustcore import archive
    from trustcore.store import Store

    store, s, fac, ann, _ = room
    ids = list(s.catalogue.ids)
    store.submit(s.code, ann.token, ids, {ids[2]: "kept through the archive"}, round_number=1)
    other = Store(tmp_path / "other.db").initialise()
    code = archive.import_session(other, archive.export_session(store.open(s.code, fac)))
    assert other._rankings(code)[0].reasons == {ids[2]: "kept through the archive"}


def test_a_database_before_m008_reads_as_no_reasons_and_names_shown(tmp_path):
    from trustcore import db as dbmod
    from trustcore.store import Store

    path = tmp_path / "old.db"
    _, made, _ = ranked_before(path, "m008_reasons_and_anonymity")
    dbmod.initialise(path)
    new = Store(path)
    assert new._rankings(made.session.code)[0].reasons == {}
    assert new._session(made.session.code).anonymity.value == "named"
    with raw(path) as conn:
        assert json.loads(conn.execute("SELECT reasons FROM rankings").fetchone()[0]) == {}
