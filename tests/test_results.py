"""results: what a round's comparison and the rounds comparison show, from stored rankings."""

from trustcore import analysis, results, wording
from trustcore.results import round_results, rounds_comparison


def _submit_all(store, made, orders_by_party, round_number=1):
    code = made.session.code
    for party, orders in orders_by_party.items():
        pid = next(p.id for p in made.session.parties if p.name == party)
        for order in orders:
            joined = store.join(code, pid)
            store.submit(code, joined.token, order, round_number=1)


def test_round_results_uses_member_consensus_and_party_order(store):
    made = store.create_session("R", ["A", "B", "C"])
    ids = made.session.catalogue.ids
    rev = ids[::-1]
    _submit_all(store, made, {"B": [rev, rev, ids], "A": [ids]})
    res = round_results(made.session, store._rankings(made.session.code), 1)
    assert list(res.party_orders) == ["A", "B"]  # session order; C has not submitted
    assert res.party_orders["B"] == tuple(analysis.kemeny_consensus([rev, rev, ids]))
    assert res.parties["B"].members == 3 and res.parties["B"].within_w is not None
    assert res.comparable and res.agreement.loc["A", "B"] == analysis.kendall_tau(ids, res.party_orders["B"])
    assert (
        res.headline.text
        == results.headline({"A": ids, "B": list(res.party_orders["B"])}, made.session.catalogue.names).text
    )


def test_round_results_with_one_party_is_not_comparable(store):
    made = store.create_session("R", ["A", "B"])
    _submit_all(store, made, {"A": [made.session.catalogue.ids]})
    res = round_results(made.session, store._rankings(made.session.code), 1)
    assert not res.comparable and res.agreement is None and res.agenda == ()


def test_rounds_comparison_reports_movement_and_trend(store):
    made = store.create_session("R", ["A", "B"])
    code, ids = made.session.code, made.session.catalogue.ids
    a = store.join(code, made.session.parties[0].id)
    b = store.join(code, made.session.parties[1].id)
    store.submit(code, a.token, ids, round_number=1)
    store.submit(code, b.token, ids[::-1], round_number=1)
    assert rounds_comparison(made.session, store._rankings(code), [1]) is None
    store.next_round(code, made.facilitator_token, round_number=1)
    store.submit(code, a.token, ids, round_number=2)
    closer = ids[:5][::-1] + ids[5:]
    store.submit(code, b.token, closer, round_number=2)
    session = store._session(code)
    moved = rounds_comparison(session, store._rankings(code), [1, 2])
    assert (moved.previous, moved.latest) == (1, 2)
    assert moved.stability["A"] == 1.0
    assert moved.stability["B"] == analysis.kendall_tau(ids[::-1], closer)
    assert list(moved.trend["round"]) == [1, 2]
    assert moved.trend["kendalls_w"].iloc[1] > moved.trend["kendalls_w"].iloc[0]
    assert "came closer" in moved.summary


def test_trust_frame_leaves_out_the_overall_question(store):
    from trustcore.followup.survey import feedback, new_survey_link, submit_feedback
    from trustcore.worksheet import trust_frame

    made = store.create_session("R", ["A", "B"])
    code, fac = made.session.code, made.facilitator_token
    survey = new_survey_link(store.open(code, fac))
    submit_feedback(
        store.open(code, survey), "X", {"privacy": {"trust": 2}, None: {"trust": 5}, "quality": {"comment": "ok"}}
    )
    frame = trust_frame(feedback(store.open(code, fac)))
    assert list(frame.columns) == ["element_id", "respondent", "trust"]
    assert sorted(frame["element_id"]) == ["privacy", "quality"]
    assert frame.set_index("element_id").loc["privacy", "trust"] == 2


def test_every_comparison_chart_has_a_summary_in_words(store):
    made = store.create_session("Charts", ["A", "B", "C"])
    ids = made.session.catalogue.ids
    _submit_all(store, made, {"A": [ids], "B": [ids[::-1]], "C": [ids[1:] + ids[:1]]})
    res = round_results(made.session, store._rankings(made.session.code), 1)
    words = wording.chart_summaries(res.divergence, res.agreement)
    assert set(words) == {"divergence", "heatmap", "agreement", "spread"}
    top = res.divergence.rows[0]
    assert top.element in words["divergence"] and wording.SAME_NUMBERS in words["heatmap"]
    assert all(f"{row.element} {row.spread}" in words["spread"] for row in res.divergence.rows)
    assert " and " in words["agreement"] and "agreement" in words["agreement"]


def test_the_rounds_and_movement_charts_have_summaries_in_words(store):
    made = store.create_session("R", ["A", "B"])
    code, ids = made.session.code, made.session.catalogue.ids
    names = made.session.catalogue.names
    a = store.join(code, made.session.parties[0].id)
    b = store.join(code, made.session.parties[1].id)
    store.submit(code, a.token, ids, round_number=1)
    store.submit(code, b.token, ids[::-1], round_number=1)
    store.next_round(code, made.facilitator_token, round_number=1)
    store.submit(code, a.token, ids, round_number=2)
    store.submit(code, b.token, [ids[-1], ids[0], *ids[1:-1]][::-1], round_number=2)
    moved = rounds_comparison(store._session(code), store._rankings(code), [1, 2])
    trend_words = wording.rounds_summary(moved.trend)
    w1, w2 = moved.trend["kendalls_w"]
    assert f"Kendall's W of all parties: round 1 {w1:.2f}, round 2 {w2:.2f}" in trend_words
    assert "τ-b of A vs B: round 1 -1.00" in trend_words
    words = wording.movement_summary(moved.before, moved.after, names, before_label="round 1", after_label="round 2")
    assert words.startswith("How each party's ranks moved from round 1 to round 2.")
    assert "A: no element moved" in words
    # B carried one element from the top to the bottom, so each of the other nine moved up one place
    was, now = list(moved.before["B"]), list(moved.after["B"])
    biggest = max(ids, key=lambda e: abs(was.index(e) - now.index(e)))
    assert f"B: {names[biggest]} {was.index(biggest) + 1}→{now.index(biggest) + 1}" in words
    assert "and 7 more moved" in words  # all 10 moved, 3 are named
    assert wording.movement_summary({"A": ids}, {"C": ids}) == "No party ranked in both."
    assert wording.rounds_summary(None) == "No rounds to compare yet."


def test_the_stakeholder_heatmap_has_a_summary_in_words():
    import pandas as pd

    names = {"privacy": "Privacy", "quality": "Quality", "skills": "Skills"}
    frame = pd.DataFrame(
        [("privacy", "X", 2), ("privacy", "Y", 3), ("quality", "X", 5), ("skills", "X", None)],
        columns=["element_id", "respondent", "trust"],
    )
    words = wording.feedback_summary(frame, names)
    assert words.endswith("Privacy 2.5 (2 answers); Quality 5.0 (1 answer).")
    assert "Skills" not in words  # no answer, so no average
    assert wording.feedback_summary(frame.iloc[0:0], names) == "No stakeholder has answered yet."
