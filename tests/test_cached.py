"""ui/cached.py: the reveal's warm-up computes what every page's headline needs, and nothing the details need."""

from ui import cached


def test_warm_computes_the_results_once_and_leaves_the_charts_for_later(store, monkeypatch):
    made = store.create_session("Warm", ["Alpha", "Beta"])
    s = made.session
    ids = list(s.catalogue.ids)
    for i, order in enumerate((ids, ids[::-1])):
        store.submit(s.code, store.join(s.code, s.parties[i].id, f"P{i}").token, order, round_number=1)
    store.reveal(s.code, made.facilitator_token)
    computed, drawn = [], []
    real_results, real_chart = cached.round_results, cached.chart
    monkeypatch.setattr(cached, "round_results", lambda *a: computed.append(a) or real_results(*a))
    monkeypatch.setattr(cached, "chart", lambda *a: drawn.append(a) or real_chart(*a))

    cached.warm(store, s.code)
    assert len(computed) == 1 and drawn == []
    marker = store.change_marker(s.code)
    res = cached.results(store, s.code, 1, marker)
    assert len(computed) == 1 and res.comparable  # the page's headline finds it ready
    assert set(cached.comparison_charts(store, s.code, 1, marker)) == {"divergence", "heatmap", "agreement", "spread"}
    assert len(computed) == 1 and len(drawn) == 4  # the details build the charts from the same results
