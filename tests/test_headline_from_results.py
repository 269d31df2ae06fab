"""A round's headline is worded from the numbers its results already hold: no statistic is computed twice
(``results.round_results`` computes, ``wording.headline`` only phrases)."""

from __future__ import annotations

import collections
import inspect

import pytest

from trustcore import analysis, wording
from trustcore.results import round_results
from trustcore.store import Store

# The statistics a comparison computes; each is spied on (calls from inside ``analysis`` count too: a
# statistic of the same rankings asked for twice is computed twice).
SPIED = (
    "kendall_tau",
    "spearman_rho",
    "footrule",
    "discordant_pairs",
    "kendalls_w",
    "divergence",
    "agreement_matrix",
    "discussion_agenda",
)


def _results(tmp_path, parties: int):
    store = Store(tmp_path / "headline.db").initialise()
    made = store.create_session("Headline", [f"P{i}" for i in range(parties)])
    code, ids = made.session.code, list(made.session.catalogue.ids)
    for i, party in enumerate(made.session.parties):  # one member per party, each order a little different
        order = ids[i:] + ids[:i] if i % 2 == 0 else ids[::-1]
        store.submit(code, store.join(code, party.id).token, order, round_number=1)
    return store._session(code), store._rankings(code)


@pytest.mark.parametrize("parties", [2, 3])
def test_round_results_compute_each_statistic_once_including_the_permutation_test(tmp_path, monkeypatch, parties):
    session, rankings = _results(tmp_path, parties)
    calls: collections.Counter[str] = collections.Counter()
    permutation_tests = []
    for name in SPIED:
        real = getattr(analysis, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls[f"{_name}{args!r}{sorted(kwargs.items())!r}"] += 1
            if kwargs.get("permutations"):
                permutation_tests.append(kwargs["permutations"])
            return _real(*args, **kwargs)

        monkeypatch.setattr(analysis, name, spy)
    res = round_results(session, rankings, 1)
    assert res.comparable and res.headline.text
    assert {call: n for call, n in calls.items() if n > 1} == {}
    assert permutation_tests == ([analysis.HEADLINE_PERMUTATIONS] if parties >= 3 else [])


@pytest.mark.parametrize("parties", [2, 3])
def test_the_headline_is_worded_from_the_results_with_no_statistic_at_hand(tmp_path, monkeypatch, parties):
    session, rankings = _results(tmp_path, parties)
    res = round_results(session, rankings, 1)

    def refuse(*args, **kwargs):
        raise AssertionError("wording computed a statistic")

    for name, member in inspect.getmembers(analysis, inspect.isfunction):
        if member.__module__ == analysis.__name__:
            monkeypatch.setattr(analysis, name, refuse)
    words = wording.headline(
        list(res.party_orders), pair=res.pair, concordance=res.concordance, agenda=res.agenda, divergence=res.divergence
    )
    assert words == res.headline
    if parties == 3:
        assert res.concordance is not None and res.concordance.permutations == analysis.HEADLINE_PERMUTATIONS
        assert words.stats["permutation_p_value"] == res.concordance.permutation_p_value
    else:
        assert res.pair is not None and words.stats["kendall_tau_b"] == res.agreement.iloc[0, 1]
        assert words.stats["discordant_pairs"] == len(res.agenda)
