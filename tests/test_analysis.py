"""Tests for trustcore.analysis: agreement statistics, consensus orders and their wording.

Reference values come from SciPy (kendalltau, spearmanr, friedmanchisquare) and from
brute force over all permutations; hand-made examples pin the documented tie-breaks.
"""

import math
import re
from dataclasses import FrozenInstanceError
from itertools import combinations, permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from trustcore.analysis import (
    KEMENY_MAX_ELEMENTS,
    AgendaItem,
    KendallsW,
    NotEnoughRankings,
    agreement_matrix,
    borda_consensus,
    discordant_pairs,
    discussion_agenda,
    divergence,
    footrule,
    kemeny_consensus,
    kemeny_distance,
    kendall_tau,
    kendalls_w,
    movement,
    party_consensus,
    ranks,
    rounds_trend,
    spearman_rho,
)
from trustcore.errors import TrustcoreError
from trustcore.results import headline
from trustcore.wording import EXPLAINER, agreement_label

ELEMENTS = [
    "impact", "engagement", "ethics", "finance", "governance",
    "legal", "privacy", "quality", "readiness", "skills",
]  # fmt: skip
NAMES = {"privacy": "Privacy and security", "quality": "Quality and accuracy"}


def shuffled(rng: np.random.Generator, elements: list[str]) -> list[str]:
    return [str(e) for e in rng.permutation(elements)]


def vectors(a, b) -> tuple[list[float], list[float]]:
    """Two rankings as aligned rank vectors (orders become 1..n)."""
    ra = a if isinstance(a, dict) else ranks(a)
    rb = b if isinstance(b, dict) else ranks(b)
    keys = sorted(ra)
    return [ra[k] for k in keys], [rb[k] for k in keys]


def tied_mapping(rng: np.random.Generator, n: int) -> dict[str, int]:
    """A rank mapping over the first n elements with many ties (values 1..4)."""
    return {e: int(v) for e, v in zip(ELEMENTS[:n], rng.integers(1, 5, size=n))}


# ------------------------------------------------------------------------- ranks


def test_ranks_gives_rank_one_to_the_first_element():
    assert ranks(["privacy", "quality", "ethics"]) == {"privacy": 1, "quality": 2, "ethics": 3}


def test_ranks_rejects_repeated_elements():
    with pytest.raises(ValueError, match="repeated: 'quality'"):
        ranks(["quality", "privacy", "quality"])


@pytest.mark.parametrize("bad", ["abc", ["a", 2], {"a", "b"}])
def test_an_order_must_be_a_sequence_of_strings(bad):
    with pytest.raises(TypeError):
        ranks(bad)


# ------------------------------------------------------------- tau and rho vs scipy


def test_tau_and_rho_match_scipy_on_random_permutations():
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(2, 13))
        a = shuffled(rng, (ELEMENTS + ["extra1", "extra2"])[:n])
        b = shuffled(rng, a)
        x, y = vectors(a, b)
        assert kendall_tau(a, b) == pytest.approx(stats.kendalltau(x, y, variant="b").statistic)
        assert spearman_rho(a, b) == pytest.approx(stats.spearmanr(x, y).statistic)


@settings(max_examples=100, deadline=None)
@given(st.permutations(ELEMENTS), st.permutations(ELEMENTS))
def test_tau_and_rho_match_scipy_for_any_pair_of_orders(a, b):
    x, y = vectors(a, b)
    assert kendall_tau(a, b) == pytest.approx(stats.kendalltau(x, y, variant="b").statistic)
    assert spearman_rho(a, b) == pytest.approx(stats.spearmanr(x, y).statistic)


def test_tau_and_rho_match_scipy_with_ties():
    rng = np.random.default_rng(2)
    checked = 0
    for _ in range(400):
        n = int(rng.integers(3, 11))
        a, b = tied_mapping(rng, n), tied_mapping(rng, n)
        if len(set(a.values())) == 1 or len(set(b.values())) == 1:
            continue
        x, y = vectors(a, b)
        assert kendall_tau(a, b) == pytest.approx(stats.kendalltau(x, y, variant="b").statistic)
        assert spearman_rho(a, b) == pytest.approx(stats.spearmanr(x, y).statistic)
        checked += 1
    assert checked > 300


def test_an_order_can_be_compared_with_a_tied_mapping():
    order = ["a", "b", "c", "d"]
    tiers = {"a": 1, "b": 1, "c": 2, "d": 3}
    x, y = vectors(order, tiers)
    assert kendall_tau(order, tiers) == pytest.approx(stats.kendalltau(x, y).statistic)
    assert spearman_rho(tiers, order) == pytest.approx(stats.spearmanr(y, x).statistic)


def test_only_the_order_of_mapping_values_matters():
    dense = {"a": 1, "b": 1, "c": 2, "d": 3}
    spaced = {"a": 10, "b": 10, "c": 30, "d": 31.5}
    other = ["d", "a", "c", "b"]
    assert spearman_rho(dense, other) == spearman_rho(spaced, other)
    assert kendall_tau(dense, other) == kendall_tau(spaced, other)
    assert footrule(dense, other) == footrule(spaced, other)


# ---------------------------------------------------------------------- edge cases


def test_identical_orders_agree_perfectly():
    assert kendall_tau(ELEMENTS, list(ELEMENTS)) == 1.0
    assert spearman_rho(ELEMENTS, list(ELEMENTS)) == 1.0
    assert kendalls_w([ELEMENTS, ELEMENTS, ELEMENTS]).w == 1.0


def test_reversed_orders_disagree_perfectly():
    reversed_order = ELEMENTS[::-1]
    assert kendall_tau(ELEMENTS, reversed_order) == -1.0
    assert spearman_rho(ELEMENTS, reversed_order) == -1.0
    assert kendalls_w([ELEMENTS, reversed_order]).w == 0.0


def test_a_single_element_counts_as_perfect_agreement():
    assert kendall_tau(["privacy"], ["privacy"]) == 1.0
    assert spearman_rho(["privacy"], ["privacy"]) == 1.0
    assert footrule(["privacy"], ["privacy"]).similarity == 1.0


@pytest.mark.parametrize("measure", [kendall_tau, spearman_rho])
def test_a_ranking_with_every_element_tied_cannot_be_correlated(measure):
    with pytest.raises(ValueError, match="every element tied"):
        measure({"a": 1, "b": 1, "c": 1}, ["a", "b", "c"])


@pytest.mark.parametrize("value", [math.nan, math.inf, "1"])
def test_mapping_ranks_must_be_finite_numbers(value):
    with pytest.raises(ValueError, match="finite number"):
        kendall_tau({"a": 1, "b": value}, ["a", "b"])


NOT_A_PERMUTATION = (["a", "b", "c"], ["a", "b", "d"])


@pytest.mark.parametrize(
    "call",
    [
        lambda a, b: kendall_tau(a, b),
        lambda a, b: spearman_rho(a, b),
        lambda a, b: footrule(a, b),
        lambda a, b: discordant_pairs(a, b),
        lambda a, b: kendalls_w([a, a, b]),
        lambda a, b: borda_consensus([a, b]),
        lambda a, b: kemeny_consensus([a, b]),
        lambda a, b: kemeny_distance(a, [a, b]),
        lambda a, b: divergence({"A": a, "B": b}),
        lambda a, b: agreement_matrix({"A": a, "B": b}),
        lambda a, b: discussion_agenda({"A": a, "B": b}),
        lambda a, b: headline({"A": a, "B": b}),
        lambda a, b: kendall_tau(a, b[:2]),
        lambda a, b: kendall_tau(a + ["d"], a),
    ],
)
def test_rankings_of_different_elements_are_rejected(call):
    with pytest.raises(ValueError, match="same elements") as caught:
        call(*NOT_A_PERMUTATION)
    assert "'c'" in str(caught.value) or "'d'" in str(caught.value)


# ------------------------------------------------------------------------ footrule


@pytest.mark.parametrize("n", range(0, 13))
def test_footrule_maximum_is_reached_by_the_reversed_order(n):
    order = [f"e{i}" for i in range(n)]
    result = footrule(order, order[::-1])
    assert result.max_distance == n * n // 2
    assert result.distance == result.max_distance
    assert result.similarity == (0.0 if n >= 2 else 1.0)
    assert footrule(order, list(order)).similarity == 1.0


@pytest.mark.parametrize("n", range(2, 7))
def test_footrule_maximum_is_the_largest_possible_distance(n):
    order = [f"e{i}" for i in range(n)]
    largest = max(footrule(order, list(other)).distance for other in permutations(order))
    assert largest == footrule(order, order).max_distance


def test_footrule_adds_up_the_places_moved():
    result = footrule(["a", "b", "c", "d"], ["b", "a", "d", "c"])
    assert result.distance == 4
    assert isinstance(result.distance, int)
    assert result.max_distance == 8
    assert result.similarity == 0.5


def test_footrule_with_ties_is_a_whole_number_of_mid_rank_moves():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(2, 11))
        a, b = tied_mapping(rng, n), tied_mapping(rng, n)
        x, y = vectors(a, b)
        expected = np.abs(stats.rankdata(x) - stats.rankdata(y)).sum()
        result = footrule(a, b)
        assert isinstance(result.distance, int)
        assert result.distance == expected
        assert 0.0 <= result.similarity <= 1.0


# ---------------------------------------------------------------- discordant pairs


def test_discordant_pairs_are_exactly_the_pairs_ordered_differently():
    rng = np.random.default_rng(4)
    for _ in range(200):
        n = int(rng.integers(2, 11))
        a = shuffled(rng, ELEMENTS[:n])
        b = shuffled(rng, a)
        ra, rb = ranks(a), ranks(b)
        pairs = discordant_pairs(a, b)
        expected = {
            (x, y) if ra[x] < ra[y] else (y, x) for x, y in combinations(a, 2) if (ra[x] - ra[y]) * (rb[x] - rb[y]) < 0
        }
        assert set(pairs) == expected
        assert len(pairs) == len(expected)
        assert len(pairs) == round((1 - kendall_tau(a, b)) / 2 * math.comb(n, 2))


def test_discordant_pairs_come_biggest_moves_first():
    # Moves: a 1, b 1, c 2, d 0, e 2.
    pairs = discordant_pairs(list("abcde"), list("baedc"))
    # (c, e) moved 4 places in total; (c, d), (d, e) and (a, b) 2 each, but c and e
    # each moved 2 while a and b moved 1; (c, d) precedes (d, e) by position in a.
    assert pairs == [("c", "e"), ("c", "d"), ("d", "e"), ("a", "b")]


def test_discordant_pairs_tie_break_by_position_in_the_first_order():
    pairs = discordant_pairs(list("abcde"), list("ebcda"))
    assert pairs == [
        ("a", "e"), ("a", "b"), ("a", "c"), ("a", "d"), ("b", "e"), ("c", "e"), ("d", "e"),
    ]  # fmt: skip


def test_identical_orders_have_no_discordant_pairs():
    assert discordant_pairs(ELEMENTS, list(ELEMENTS)) == []
    assert len(discordant_pairs(ELEMENTS, ELEMENTS[::-1])) == 45


# ----------------------------------------------------------------------- Kendall's W


def friedman_reference(rank_rows: list[list[float]]) -> tuple[float, float]:
    """Friedman χ² and p for an m × n matrix of rankings (columns are the elements)."""
    result = stats.friedmanchisquare(*np.array(rank_rows, dtype=float).T)
    return float(result.statistic), float(result.pvalue)


def test_w_matches_the_friedman_test():
    rng = np.random.default_rng(5)
    for _ in range(200):
        m, n = int(rng.integers(2, 13)), int(rng.integers(3, 11))
        orders = [shuffled(rng, ELEMENTS[:n]) for _ in range(m)]
        chi2, p = friedman_reference([[ranks(o)[e] for e in ELEMENTS[:n]] for o in orders])
        result = kendalls_w(orders)
        assert (result.m, result.n, result.dof) == (m, n, n - 1)
        assert result.w == pytest.approx(chi2 / (m * (n - 1)))
        assert result.chi2 == pytest.approx(chi2)
        assert result.p_value == pytest.approx(p)
        assert result.permutation_p_value is None


def test_tie_corrected_w_matches_the_friedman_test():
    rng = np.random.default_rng(6)
    checked = 0
    for _ in range(300):
        m, n = int(rng.integers(2, 9)), int(rng.integers(3, 11))
        rankings = [tied_mapping(rng, n) for _ in range(m)]
        if all(len(set(r.values())) == 1 for r in rankings):
            continue
        chi2, p = friedman_reference([[r[e] for e in ELEMENTS[:n]] for r in rankings])
        result = kendalls_w(rankings)
        assert result.w == pytest.approx(chi2 / (m * (n - 1)))
        assert result.p_value == pytest.approx(p)
        checked += 1
    assert checked > 250


def test_w_mixes_orders_and_tied_mappings():
    tiers = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    orders = [list("abcde"), list("baced"), tiers]
    chi2, _ = friedman_reference([[ranks(orders[0])[e] for e in "abcde"],
                                  [ranks(orders[1])[e] for e in "abcde"],
                                  [tiers[e] for e in "abcde"]])  # fmt: skip
    assert kendalls_w(orders).w == pytest.approx(chi2 / (3 * 4))


def test_w_is_the_rescaled_mean_pairwise_rho():
    rng = np.random.default_rng(7)
    for _ in range(50):
        m = int(rng.integers(2, 9))
        orders = [shuffled(rng, ELEMENTS) for _ in range(m)]
        mean_rho = np.mean([spearman_rho(a, b) for a, b in combinations(orders, 2)])
        assert kendalls_w(orders).w == pytest.approx(((m - 1) * mean_rho + 1) / m)


def test_w_needs_at_least_two_rankings():
    with pytest.raises(NotEnoughRankings, match="No rankings yet"):
        kendalls_w([])
    with pytest.raises(NotEnoughRankings, match="Only one ranking so far: nothing to compare yet."):
        kendalls_w([ELEMENTS])
    assert issubclass(NotEnoughRankings, ValueError)
    assert issubclass(NotEnoughRankings, TrustcoreError)


def test_w_needs_two_elements_and_some_untied_ranking():
    with pytest.raises(ValueError, match="at least two elements"):
        kendalls_w([["a"], ["a"]])
    with pytest.raises(ValueError, match="ties all elements"):
        kendalls_w([{"a": 1, "b": 1}, {"a": 2, "b": 2}])


def exact_null_p(rows: list[list[float]]) -> float:
    """Exact permutation p-value of W: every arrangement of every row, equally likely."""

    def spread(rank_sums: np.ndarray) -> np.ndarray:
        return ((rank_sums - rank_sums.mean(axis=-1, keepdims=True)) ** 2).sum(axis=-1)

    arrangements = [np.array(list(permutations(row))) for row in rows]
    grids = np.meshgrid(*[np.arange(len(a)) for a in arrangements], indexing="ij")
    rank_sums = sum(a[g.ravel()] for a, g in zip(arrangements, grids))
    observed = spread(np.array(rows).sum(axis=0))
    return float(np.mean(spread(rank_sums) >= observed - 1e-9))


@pytest.mark.parametrize(
    "rankings",
    [
        [list("abcd"), list("abdc"), list("bacd")],
        [list("abcd"), list("dcba"), {"a": 1, "b": 1, "c": 2, "d": 3}],
    ],
)
def test_permutation_p_value_approximates_the_exact_null(rankings):
    rows = [list(stats.rankdata([r[e] if isinstance(r, dict) else ranks(r)[e] for e in "abcd"]))
            for r in rankings]  # fmt: skip
    exact = exact_null_p(rows)
    result = kendalls_w(rankings, permutations=20_000, seed=11)
    assert result.permutation_p_value == pytest.approx(exact, abs=0.015)


def test_permutation_p_value_is_reproducible_and_never_zero():
    orders = [ELEMENTS] * 5
    first = kendalls_w(orders, permutations=2_000, seed=3)
    assert first == kendalls_w(orders, permutations=2_000, seed=3)
    # A random shuffle essentially never reproduces five identical orders.
    assert first.permutation_p_value == 1 / 2_001
    rng = np.random.default_rng(8)
    noisy = [shuffled(rng, ELEMENTS) for _ in range(4)]
    result = kendalls_w(noisy, permutations=1_000, seed=1)
    assert 1 / 1_001 <= result.permutation_p_value <= 1.0


def test_negative_permutations_are_rejected():
    with pytest.raises(ValueError, match="permutations"):
        kendalls_w([ELEMENTS, ELEMENTS], permutations=-1)


def test_results_are_frozen():
    result = kendalls_w([ELEMENTS, ELEMENTS])
    assert isinstance(result, KendallsW)
    with pytest.raises(FrozenInstanceError):
        result.w = 0.5  # type: ignore[misc]


# -------------------------------------------------------------------------- Borda


def test_borda_sums_points():
    # Points (n − rank): a 2+1+0 = 3, b 1+2+1 = 4, c 0+0+2 = 2.
    assert borda_consensus([list("abc"), list("bac"), list("cba")]) == ["b", "a", "c"]


def test_borda_breaks_ties_by_best_rank_then_first_order():
    # All three score 2 points; a and c were each ranked first once, b never.
    assert borda_consensus([list("abc"), list("cba")]) == ["a", "c", "b"]
    assert borda_consensus([list("cba"), list("abc")]) == ["c", "a", "b"]
    assert borda_consensus([list("ab"), list("ba")]) == ["a", "b"]


def test_borda_orders_by_mean_rank():
    rng = np.random.default_rng(9)
    for _ in range(50):
        orders = [shuffled(rng, ELEMENTS) for _ in range(int(rng.integers(1, 8)))]
        mean_rank = {e: np.mean([ranks(o)[e] for o in orders]) for e in ELEMENTS}
        result = borda_consensus(orders)
        assert [mean_rank[e] for e in result] == sorted(mean_rank.values())


def test_consensus_of_one_order_is_that_order():
    assert borda_consensus([ELEMENTS]) == ELEMENTS
    assert kemeny_consensus([ELEMENTS]) == ELEMENTS


def test_consensus_needs_a_ranking():
    with pytest.raises(NotEnoughRankings):
        borda_consensus([])
    with pytest.raises(NotEnoughRankings):
        kemeny_consensus([])


# ------------------------------------------------------------------------- Kemeny


def brute_force_kemeny(orders: list[list[str]]) -> tuple[list[str], int]:
    """Best order over all permutations; ties go to the smallest Borda positions."""
    elements = list(orders[0])
    positions = [ranks(o) for o in orders]
    against = {(x, y): sum(p[y] < p[x] for p in positions) for x in elements for y in elements}
    borda_position = {e: i for i, e in enumerate(borda_consensus(orders))}

    def cost(order: tuple[str, ...]) -> int:
        return sum(against[x, y] for x, y in combinations(order, 2))

    best = min(permutations(elements), key=lambda o: (cost(o), [borda_position[e] for e in o]))
    return list(best), cost(best)


@st.composite
def profiles(draw):
    n = draw(st.integers(3, 7))
    m = draw(st.integers(1, 6))
    return [draw(st.permutations(ELEMENTS[:n])) for _ in range(m)]


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_kemeny_equals_brute_force(orders):
    expected, cost = brute_force_kemeny(orders)
    assert kemeny_consensus(orders) == expected
    assert kemeny_distance(expected, orders) == cost


def tie_prone_profiles():
    rng = np.random.default_rng(10)
    for n in range(3, 8):
        for _ in range(4):
            a, b = shuffled(rng, ELEMENTS[:n]), shuffled(rng, ELEMENTS[:n])
            yield [a, a[::-1]]
            yield [a, a[::-1], b, b[::-1]]
            yield [a[i:] + a[:i] for i in range(n)]  # a Condorcet cycle
            yield [a, b]
            yield [a, b, b[::-1]]


def test_kemeny_equals_brute_force_on_tie_prone_profiles():
    for orders in tie_prone_profiles():
        expected, cost = brute_force_kemeny(orders)
        assert kemeny_consensus(orders) == expected, orders
        assert kemeny_distance(expected, orders) == cost


def test_kemeny_tie_break_follows_borda():
    # With two reversed orders every order is optimal (3 disagreements); Borda says a, c, b.
    assert kemeny_consensus([list("abc"), list("cba")]) == ["a", "c", "b"]


def test_kemeny_is_never_worse_than_borda():
    rng = np.random.default_rng(12)
    orders = [shuffled(rng, ELEMENTS) for _ in range(100)]
    best = kemeny_consensus(orders)
    assert sorted(best) == sorted(ELEMENTS)
    assert kemeny_distance(best, orders) <= kemeny_distance(borda_consensus(orders), orders)


def test_kemeny_handles_the_limit_and_refuses_beyond_it():
    order = [f"e{i:02d}" for i in range(KEMENY_MAX_ELEMENTS)]
    assert kemeny_consensus([order, order]) == order
    longer = order + ["extra"]
    with pytest.raises(ValueError, match="limited to 16 elements"):
        kemeny_consensus([longer])


def test_kemeny_distance_counts_disagreeing_pairs():
    rng = np.random.default_rng(13)
    for _ in range(50):
        order = shuffled(rng, ELEMENTS)
        orders = [shuffled(rng, ELEMENTS) for _ in range(int(rng.integers(1, 6)))]
        expected = sum(len(discordant_pairs(order, other)) for other in orders)
        assert kemeny_distance(order, orders) == expected
    assert kemeny_distance(list("abc"), [list("abc"), list("cba")]) == 3


# ---------------------------------------------------------------------- divergence


def test_divergence_lists_the_most_contested_elements_first():
    parties = {
        "A": ["privacy", "ethics", "legal", "quality"],
        "B": ["ethics", "privacy", "legal", "quality"],
        "C": ["quality", "ethics", "privacy", "legal"],
        "D": ["quality", "ethics", "legal", "privacy"],
    }
    result = divergence(parties, NAMES)
    assert result.parties == ("A", "B", "C", "D")
    # quality and privacy both span 3 places, but quality's ranks (4, 4, 1, 1) are more
    # spread out than privacy's (1, 2, 3, 4); ethics and legal tie on spread and sd,
    # and ethics has the better mean rank.
    assert [row.element_id for row in result.rows] == ["quality", "privacy", "ethics", "legal"]
    quality, privacy, ethics, legal = result.rows
    assert quality.ranks == {"A": 4, "B": 4, "C": 1, "D": 1}
    assert [row.spread for row in result.rows] == [3, 3, 1, 1]
    assert quality.sd == pytest.approx(np.std([4, 4, 1, 1]))
    assert privacy.sd == pytest.approx(np.std([1, 2, 3, 4]))
    assert ethics.sd == legal.sd == pytest.approx(np.std([2, 1, 2, 2]))
    assert (ethics.mean_rank, legal.mean_rank) == (1.75, 3.25)
    assert [quality.element, ethics.element] == ["Quality and accuracy", "ethics"]


def test_divergence_table_has_one_column_per_party():
    parties = {"Org <A>": ["b", "a"], "B & co": ["a", "b"]}
    frame = divergence(parties).to_frame()
    assert list(frame.columns) == [
        "element_id", "element", "rank (Org <A>)", "rank (B & co)", "mean_rank", "spread", "sd",
    ]  # fmt: skip
    # Both elements tie on spread, sd and mean rank, so the element id decides.
    assert frame["element_id"].tolist() == ["a", "b"]
    assert frame["rank (B & co)"].tolist() == [1, 2]
    assert frame["spread"].tolist() == [1, 1]
    assert frame["sd"].tolist() == [0.5, 0.5]


def test_divergence_of_no_parties_is_empty():
    result = divergence({})
    assert (result.parties, result.rows) == ((), ())
    assert list(result.to_frame().columns) == ["element_id", "element", "mean_rank", "spread", "sd"]


# --------------------------------------------------------------- agreement matrix


@pytest.mark.parametrize("method, measure", [("kendall", kendall_tau), ("spearman", spearman_rho)])
def test_agreement_matrix_is_symmetric_with_unit_diagonal(method, measure):
    rng = np.random.default_rng(14)
    parties = {name: shuffled(rng, ELEMENTS) for name in ["A", "B", "C", "D"]}
    matrix = agreement_matrix(parties, method=method)
    assert list(matrix.index) == list(matrix.columns) == ["A", "B", "C", "D"]
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T)
    assert (np.diag(matrix.to_numpy()) == 1.0).all()
    for a, b in combinations(parties, 2):
        assert matrix.loc[a, b] == pytest.approx(measure(parties[a], parties[b]))


def test_agreement_matrix_rejects_unknown_methods():
    with pytest.raises(ValueError, match="method"):
        agreement_matrix({"A": ELEMENTS, "B": ELEMENTS}, method="pearson")  # type: ignore[arg-type]


# ---------------------------------------------------------------- party consensus


def test_party_with_one_member_has_no_within_agreement():
    result = party_consensus([ELEMENTS])
    assert result.order == tuple(ELEMENTS)
    assert result.within_w is None
    assert result.members == 1


def test_party_with_several_members_uses_kemeny_and_w():
    rng = np.random.default_rng(15)
    members = [shuffled(rng, ELEMENTS) for _ in range(5)]
    result = party_consensus(members)
    assert result.order == tuple(kemeny_consensus(members))
    assert result.within_w == kendalls_w(members)
    assert result.members == 5


def test_party_without_members_has_no_consensus():
    with pytest.raises(NotEnoughRankings):
        party_consensus([])


# ------------------------------------------------------------ discussion agenda


def test_agenda_sentences_name_the_elements_and_parties():
    parties = {
        "Party A": ["privacy", "quality", "ethics"],
        "Party B": ["quality", "privacy", "ethics"],
    }
    (item,) = discussion_agenda(parties, NAMES)
    assert isinstance(item, AgendaItem)
    assert (item.party_a, item.party_b, item.higher_in_a, item.higher_in_b, item.gap) == (
        "Party A", "Party B", "privacy", "quality", 2,
    )  # fmt: skip
    assert item.text == ("Party A puts Privacy and security above Quality and accuracy; Party B the reverse.")
    assert item.sentence() == "Party A puts privacy above quality; Party B the reverse."
    assert item.sentence({"quality": "Q"}) == "Party A puts privacy above Q; Party B the reverse."


def test_agenda_keeps_party_names_as_typed():
    parties = {"<b>R&D</b>": ["a", "b"], "Ops {0}": ["b", "a"]}
    (item,) = discussion_agenda(parties)
    assert item.text == "<b>R&D</b> puts a above b; Ops {0} the reverse."


def test_agenda_is_ordered_by_gap_across_all_party_pairs():
    parties = {
        "A": list("abcde"),
        "B": list("bacde"),  # swaps a and b: gap 2
        "C": list("ebcda"),  # moves a and e by 4
    }
    agenda = discussion_agenda(parties)
    gaps = [item.gap for item in agenda]
    assert gaps == sorted(gaps, reverse=True)
    expected_count = sum(len(discordant_pairs(parties[x], parties[y])) for x, y in combinations(parties, 2))
    assert len(agenda) == expected_count
    assert (agenda[0].party_a, agenda[0].party_b, agenda[0].higher_in_a, agenda[0].higher_in_b) == (
        "A", "C", "a", "e",
    )  # fmt: skip
    assert agenda[0].gap == 8
    # Equal gaps keep the party-pair order: A vs B before A vs C before B vs C.
    gap_two = [(item.party_a, item.party_b) for item in agenda if item.gap == 2]
    assert gap_two == sorted(gap_two, key=list(combinations(parties, 2)).index)
    assert discussion_agenda(parties, limit=3) == agenda[:3]
    assert discussion_agenda(parties, limit=0) == []


def test_agenda_rejects_a_negative_limit():
    with pytest.raises(ValueError, match="limit"):
        discussion_agenda({"A": ["a"], "B": ["a"]}, limit=-1)


def test_agenda_is_empty_without_disagreement():
    assert discussion_agenda({"A": ELEMENTS, "B": list(ELEMENTS)}) == []
    assert discussion_agenda({"A": ELEMENTS}) == []


# ---------------------------------------------------------------- agreement label


@pytest.mark.parametrize(
    "value, kind, label",
    [
        (0.0, "w", "very weak agreement"),
        (0.0999, "w", "very weak agreement"),
        (0.1, "w", "weak agreement"),
        (0.3, "w", "moderate agreement"),
        (0.5, "w", "strong agreement"),
        (0.7, "w", "very strong agreement"),
        (1.0, "w", "very strong agreement"),
        (0.42, "tau", "moderate agreement"),
        (0.05, "tau", "no clear agreement"),
        (-0.05, "rho", "no clear agreement"),
        (0.2, "rho", "weak agreement"),
        (-0.2, "tau", "weak disagreement"),
        (-0.4, "rho", "moderate disagreement"),
        (-0.6, "tau", "strong disagreement (orders mostly reversed)"),
        (-1.0, "tau", "very strong disagreement (orders nearly reversed)"),
        (0.9, "rho", "very strong agreement"),
    ],
)
def test_agreement_labels(value, kind, label):
    assert agreement_label(value, kind) == label


@pytest.mark.parametrize("value, kind", [(-0.1, "w"), (1.5, "tau"), (math.nan, "rho"), (0.5, "kappa")])
def test_agreement_label_rejects_impossible_input(value, kind):
    with pytest.raises(ValueError):
        agreement_label(value, kind)


# ----------------------------------------------------------------------- headline


def test_headline_with_nobody_or_one_party_says_there_is_nothing_to_compare():
    assert headline({}).text == "No party has ranked yet: nothing to compare."
    single = headline({"Acme": ELEMENTS})
    assert single.text == "Only one party (Acme) has ranked so far: nothing to compare yet."
    assert single.stats == {"parties": 1}


def test_headline_for_two_parties():
    a = ELEMENTS
    b = ["quality", "engagement", "privacy", "impact", "governance",
         "legal", "ethics", "finance", "skills", "readiness"]  # fmt: skip
    x, y = vectors(a, b)
    tau = stats.kendalltau(x, y).statistic
    rho = stats.spearmanr(x, y).statistic
    differing = round((1 - tau) / 2 * 45)
    result = headline({"Party A": a, "Party B": b}, NAMES)
    first_sentence = (
        f"{agreement_label(tau).capitalize()}: Kendall τ-b = {tau:.2f}, Spearman ρ = {rho:.2f} "
        f"({differing} of 45 element pairs ordered differently)."
    )
    top = discussion_agenda({"Party A": a, "Party B": b}, NAMES, limit=1)[0]
    assert result.text == f"{first_sentence} Biggest difference: {top.text}"
    assert "Privacy and security" in result.text or "Quality and accuracy" in result.text
    assert result.stats["kendall_tau_b"] == pytest.approx(tau)
    assert result.stats["spearman_rho"] == pytest.approx(rho)
    assert result.stats["discordant_pairs"] == differing
    assert result.stats["element_pairs"] == 45
    assert result.stats["footrule"] == footrule(a, b).distance


def test_headline_for_two_identical_parties_has_no_talking_point():
    result = headline({"A": ELEMENTS, "B": list(ELEMENTS)})
    assert result.text == (
        "Very strong agreement: Kendall τ-b = 1.00, Spearman ρ = 1.00 (0 of 45 element pairs ordered differently)."
    )


def test_headline_for_three_identical_parties():
    result = headline({"A": ELEMENTS, "B": ELEMENTS, "C": ELEMENTS})
    assert result.text == "Very strong agreement among 3 parties: Kendall's W = 1.00 (p < 0.001)."


def test_headline_for_three_parties_reports_w_and_the_most_contested_element():
    parties = {
        "A": ELEMENTS,
        "B": ELEMENTS[1:] + ELEMENTS[:1],
        "C": ["privacy"] + [e for e in ELEMENTS if e != "privacy"],
    }
    result = headline(parties, NAMES)
    w = kendalls_w(list(parties.values()), permutations=9_999, seed=0)
    assert result.text.startswith(
        f"{agreement_label(w.w, 'w').capitalize()} among 3 parties: Kendall's W = {w.w:.2f} ("
    )
    assert result.text.endswith(" Most contested: impact (ranked from 1 to 10).")
    assert result.stats["kendalls_w"] == pytest.approx(w.w)
    assert result.stats["permutation_p_value"] == w.permutation_p_value
    assert result.stats["p_value"] == pytest.approx(w.p_value)
    p = w.permutation_p_value
    assert f"(p = {p:.3f})." in result.text if p >= 0.001 else "(p < 0.001)." in result.text


def test_headline_for_weak_agreement_prints_the_p_value():
    rng = np.random.default_rng(16)
    parties = {name: shuffled(rng, ELEMENTS) for name in "ABCD"}
    result = headline(parties)
    p = result.stats["permutation_p_value"]
    assert isinstance(p, float) and p > 0.001
    assert f"(p = {p:.3f})." in result.text


# ------------------------------------------------------------------------- rounds


def test_rounds_trend_has_one_row_per_round():
    a, b, c = ELEMENTS, ELEMENTS[::-1], ELEMENTS[1:] + ELEMENTS[:1]
    trend = rounds_trend({2: {"A": a, "B": a}, 1: {"A": a, "B": b, "C": c}, 3: {"C": c}})
    assert list(trend.columns) == [
        "round", "parties", "kendalls_w", "tau (A vs B)", "tau (A vs C)", "tau (B vs C)",
    ]  # fmt: skip
    assert trend["round"].tolist() == [1, 2, 3]
    assert trend["parties"].tolist() == [3, 2, 1]
    assert trend.loc[0, "kendalls_w"] == pytest.approx(kendalls_w([a, b, c]).w)
    assert trend.loc[1, "kendalls_w"] == 1.0
    assert math.isnan(trend.loc[2, "kendalls_w"])
    assert trend.loc[0, "tau (A vs B)"] == -1.0
    assert trend.loc[0, "tau (B vs C)"] == pytest.approx(kendall_tau(b, c))
    assert trend.loc[1, "tau (A vs B)"] == 1.0
    assert math.isnan(trend.loc[1, "tau (A vs C)"])
    assert trend.iloc[2, 3:].isna().all()


def test_rounds_trend_of_no_rounds_is_empty():
    assert list(rounds_trend({}).columns) == ["round", "parties", "kendalls_w"]


def test_movement_is_each_partys_tau_between_rounds():
    before = {"A": ELEMENTS, "B": ELEMENTS, "Gone": ELEMENTS}
    after = {"B": ELEMENTS[::-1], "A": ELEMENTS, "New": ELEMENTS}
    assert movement(before, after) == {"B": -1.0, "A": 1.0}


# ---------------------------------------------------------------------- explainer


def test_explainer_covers_every_method_in_a_few_sentences():
    terms = ["τ-b", "ρ", "Kendall's W", "permutation", "Borda", "Kemeny"]
    for term in [*terms, "weak evidence", "conventions"]:
        assert term in EXPLAINER
    body = EXPLAINER.split("\n", 1)[1]
    assert 5 <= len(re.findall(r"\.(?:\s|$)", body)) <= 8


def test_headline_summary_and_detail_split_the_text():

    ids = list("abcdef")
    two = headline({"A": ids, "B": ids[::-1]})
    assert two.detail.startswith("Biggest difference: ")
    assert two.text == f"{two.summary} {two.detail}" and "Kendall τ-b" in two.summary
    same = headline({"A": ids, "B": ids})
    assert same.detail == "" and same.summary == same.text
    three = headline({"A": ids, "B": ids[::-1], "C": ids})
    assert three.detail.startswith("Most contested: ") and three.text == f"{three.summary} {three.detail}"
