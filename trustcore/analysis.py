"""Statistics for comparing rankings of the ten elements of trustworthy data stewardship.

Conventions used throughout:

* An *order* is a list or tuple of element ids (strings), most important first;
  the first element has rank 1.
* Several functions also accept a *rank mapping* ``{element_id: rank}`` so that
  ties can be expressed.  Only the order of the values matters: they are turned
  into mid-ranks (tied elements share the average of the positions they occupy),
  so ``{"a": 1, "b": 1, "c": 2}`` means ranks 1.5, 1.5 and 3.
* Functions comparing rankings require them to rank exactly the same elements and
  raise ``ValueError`` otherwise.

Nothing here imports Streamlit. The words for these numbers (labels, the headline, talking points, the
explainer) are in ``wording``.
"""

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from numbers import Real
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import wording
from .errors import TrustcoreError
from .i18n import N_

Order = Sequence[str]
Ranking = Sequence[str] | Mapping[str, float]

KEMENY_MAX_ELEMENTS = 16
HEADLINE_PERMUTATIONS = 9_999
_PERMUTATION_CHUNK = 2_000_000  # ranks shuffled per vectorised batch (bounds memory)
_ALL_TIED = "A ranking with every element tied cannot be correlated: at least two elements need different ranks."


class NotEnoughRankings(TrustcoreError, ValueError):
    """Raised when there are too few rankings for a statistic to mean anything.

    The message is meant to be shown to the facilitator as it is.
    """


@dataclass(frozen=True)
class Footrule:
    """Spearman's footrule: total displacement of the elements between two rankings."""

    distance: int
    max_distance: int
    similarity: float


@dataclass(frozen=True)
class KendallsW:
    """Kendall's coefficient of concordance for a group of rankings, with its tests."""

    w: float
    chi2: float
    dof: int
    p_value: float
    permutation_p_value: float | None
    m: int
    n: int
    permutations: int = 0  # shuffles behind ``permutation_p_value`` (0: not tested)


@dataclass(frozen=True)
class PairAgreement:
    """How two rankings agree: the numbers of a two-party headline."""

    kendall_tau_b: float
    spearman_rho: float
    discordant_pairs: int  # element pairs the two order differently
    element_pairs: int  # n(n - 1)/2
    footrule: Footrule
    n: int


@dataclass(frozen=True)
class DivergenceRow:
    """How differently the parties ranked one element."""

    element_id: str
    element: str
    ranks: dict[str, int]
    mean_rank: float
    spread: int
    sd: float


@dataclass(frozen=True)
class Divergence:
    """Per-element disagreement between parties, most contested element first."""

    parties: tuple[str, ...]
    rows: tuple[DivergenceRow, ...]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a table: element_id, element, one ``rank (party)`` column per party,
        then mean_rank, spread and sd."""
        columns = [
            "element_id",
            "element",
            *(f"rank ({party})" for party in self.parties),
            "mean_rank",
            "spread",
            "sd",
        ]
        records = [
            [
                row.element_id,
                row.element,
                *(row.ranks[party] for party in self.parties),
                row.mean_rank,
                row.spread,
                row.sd,
            ]
            for row in self.rows
        ]
        return pd.DataFrame(records, columns=columns)


@dataclass(frozen=True)
class PartyConsensus:
    """A party's combined order and how much its own members agree."""

    order: tuple[str, ...]
    within_w: KendallsW | None
    members: int


@dataclass(frozen=True)
class AgendaItem:
    """One talking point: two parties order two elements in opposite ways.

    ``higher_in_a`` is the element party A puts higher; party B puts ``higher_in_b``
    higher.  ``gap`` is how far both elements moved between the two parties' rankings
    (the sum of their absolute rank differences).  ``text`` is the sentence rendered
    with the element names given to :func:`discussion_agenda`.
    """

    party_a: str
    party_b: str
    higher_in_a: str
    higher_in_b: str
    gap: int
    text: str

    def sentence(self, names: Mapping[str, str] | None = None, t: wording.Translator = wording.ENGLISH) -> str:
        """The talking point in words, using ``names`` for the element names, in ``t``'s language."""
        return wording.agenda_sentence(self.party_a, self.party_b, self.higher_in_a, self.higher_in_b, names, t)


# --------------------------------------------------------------------------- helpers


def _check_order(order: Order) -> tuple[str, ...]:
    if isinstance(order, str) or not isinstance(order, Sequence):
        raise TypeError(f"An order must be a list or tuple of element ids, got {type(order).__name__}.")
    elements = tuple(order)
    for element in elements:
        if not isinstance(element, str):
            raise TypeError(f"Element ids must be strings, got {element!r}.")
    if len(set(elements)) != len(elements):
        repeated = sorted({e for e in elements if elements.count(e) > 1})
        raise ValueError(f"An order must list each element once; repeated: {', '.join(map(repr, repeated))}.")
    return elements


def _scores(ranking: Ranking) -> dict[str, float]:
    """A ranking as ``{element: rank value}`` (lower = more important)."""
    if not isinstance(ranking, Mapping):
        return {element: float(rank) for element, rank in ranks(ranking).items()}
    scores: dict[str, float] = {}
    for element, value in ranking.items():
        if not isinstance(element, str):
            raise TypeError(f"Element ids must be strings, got {element!r}.")
        if not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"The rank of {element!r} must be a finite number, got {value!r}.")
        scores[element] = float(value)
    return scores


def _check_same_elements(reference: Sequence[str], other: Sequence[str], which: str) -> None:
    other_set, reference_set = set(other), set(reference)
    missing = [e for e in reference if e not in other_set]
    extra = [e for e in other if e not in reference_set]
    if missing or extra:
        problems = []
        if missing:
            problems.append("missing " + ", ".join(map(repr, missing)))
        if extra:
            problems.append("extra " + ", ".join(map(repr, extra)))
        raise ValueError(f"{which} must rank exactly the same elements as the first ranking ({'; '.join(problems)}).")


def _rank_matrix(rankings: Sequence[Ranking]) -> tuple[tuple[str, ...], np.ndarray]:
    """Element ids (in the first ranking's order) and an m × n matrix of mid-ranks."""
    score_maps = [_scores(ranking) for ranking in rankings]
    elements = tuple(score_maps[0])
    for number, scores in enumerate(score_maps[1:], start=2):
        _check_same_elements(elements, tuple(scores), f"Ranking {number}")
    raw = np.array([[scores[e] for e in elements] for scores in score_maps], dtype=float)
    return elements, stats.rankdata(raw.reshape(len(score_maps), len(elements)), axis=1)


def _rank_pair(a: Ranking, b: Ranking) -> np.ndarray:
    return _rank_matrix([a, b])[1]


def _strict_pair(a: Order, b: Order) -> tuple[dict[str, int], dict[str, int]]:
    ranks_a, ranks_b = ranks(a), ranks(b)
    _check_same_elements(tuple(ranks_a), tuple(ranks_b), "The second ranking")
    return ranks_a, ranks_b


def _position_matrix(orders: Sequence[Order], elements: Sequence[str]) -> np.ndarray:
    """m × n matrix: rank that each order gives to each of ``elements``."""
    rows = []
    for number, order in enumerate(orders, start=1):
        order_ranks = ranks(order)
        _check_same_elements(elements, tuple(order_ranks), f"Ranking {number}")
        rows.append([order_ranks[e] for e in elements])
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(elements))


def _tau_matrix(r: np.ndarray) -> np.ndarray:
    """Kendall τ-b between every pair of rows of a mid-rank matrix."""
    m, n = r.shape
    if n < 2:
        return np.ones((m, m))
    first, second = np.triu_indices(n, 1)
    signs = np.sign(r[:, first] - r[:, second])
    untied = np.count_nonzero(signs, axis=1)
    if np.any(untied == 0):
        raise ValueError(_ALL_TIED)
    return np.clip(signs @ signs.T / np.sqrt(np.outer(untied, untied)), -1.0, 1.0)


def _rho_matrix(r: np.ndarray) -> np.ndarray:
    """Spearman ρ (Pearson correlation of mid-ranks) between every pair of rows."""
    m, n = r.shape
    if n < 2:
        return np.ones((m, m))
    centred = r - (n + 1) / 2
    squares = np.einsum("ij,ij->i", centred, centred)
    if np.any(squares == 0):
        raise ValueError(_ALL_TIED)
    return np.clip(centred @ centred.T / np.sqrt(np.outer(squares, squares)), -1.0, 1.0)


def _name(element: str, names: Mapping[str, str] | None) -> str:
    return names.get(element, element) if names else element


def _rank_sum_spread(rank_sums: np.ndarray, m: int, n: int) -> np.ndarray:
    """S = Σ (Rᵢ − R̄)² along the last axis; exact for mid-ranks (multiples of ½)."""
    return ((rank_sums - m * (n + 1) / 2) ** 2).sum(axis=-1)


# --------------------------------------------------------------------- two rankings


def ranks(order: Order) -> dict[str, int]:
    """The rank of every element in an order: the first element has rank 1.

    Formula: rank(order[i]) = i + 1.  Raises ``ValueError`` if an element is listed twice.
    """
    return {element: position for position, element in enumerate(_check_order(order), start=1)}


def kendall_tau(a: Ranking, b: Ranking) -> float:
    """Kendall's τ-b: how consistently two rankings order each pair of elements.

    For a facilitator: +1 means the two parties put every pair of elements in the same
    order, −1 means one ranking is the other turned upside down, 0 means no pattern.

    Formula: τ-b = (C − D) / √((P − Tₐ)(P − T_b)), where C and D count concordant and
    discordant pairs, P = n(n−1)/2 and Tₐ, T_b count pairs tied within each ranking.
    For orders without ties this is τ-a = 1 − 2D/P.  Accepts orders or rank mappings.
    With fewer than two elements there is nothing to disagree about and the result is
    defined as 1.0; a ranking in which every element is tied raises ``ValueError``.
    """
    return float(_tau_matrix(_rank_pair(a, b))[0, 1])


def spearman_rho(a: Ranking, b: Ranking) -> float:
    """Spearman's ρ: the correlation between the two lists of rank numbers.

    For a facilitator: +1 identical orders, −1 exactly reversed; big moves of a few
    elements pull ρ down more than many small swaps.

    Formula: ρ = Σ dₐd_b / √(Σdₐ² Σd_b²) with d = mid-rank − (n+1)/2; without ties
    this equals 1 − 6Σ(rₐ − r_b)² / (n(n² − 1)).  Accepts orders or rank mappings.
    Fewer than two elements gives 1.0; an all-tied ranking raises ``ValueError``.
    """
    return float(_rho_matrix(_rank_pair(a, b))[0, 1])


def footrule(a: Ranking, b: Ranking) -> Footrule:
    """Spearman's footrule: how many places the elements moved in total between two rankings.

    For a facilitator: ``distance`` is the total number of places moved, ``similarity``
    rescales it so that 1 means identical and 0 means as far apart as possible.

    Formula: F = Σ |rₐ(i) − r_b(i)|, maximum ⌊n²/2⌋ (a reversed order), similarity
    = 1 − F / max (1.0 when n < 2).  Accepts orders or rank mappings.  F is a whole
    number even with ties: half-integer mid-ranks come in tie groups of even size, so
    the halves cancel in pairs.
    """
    r = _rank_pair(a, b)
    n = r.shape[1]
    distance = round(float(np.abs(r[0] - r[1]).sum()))
    max_distance = n * n // 2
    return Footrule(
        distance=distance,
        max_distance=max_distance,
        similarity=1.0 - distance / max_distance if n >= 2 else 1.0,
    )


def discordant_pairs(a: Order, b: Order) -> list[tuple[str, str]]:
    """The element pairs the two parties order in opposite ways: talking points.

    Returns every (x, y) with x above y in ``a`` but below y in ``b``; there are
    D = (1 − τ)/2 · n(n−1)/2 of them.  Sorted so the pairs whose elements moved most
    come first: by |rₐ(x) − r_b(x)| + |rₐ(y) − r_b(y)| (largest first), then by the
    larger of the two moves, then by the position of x and then y in ``a``.
    """
    ranks_a, ranks_b = _strict_pair(a, b)
    shift = {element: abs(ranks_a[element] - ranks_b[element]) for element in ranks_a}
    pairs = [(x, y) for x, y in combinations(ranks_a, 2) if ranks_b[x] > ranks_b[y]]
    return sorted(
        pairs,
        key=lambda pair: (
            -(shift[pair[0]] + shift[pair[1]]),
            -max(shift[pair[0]], shift[pair[1]]),
            ranks_a[pair[0]],
            ranks_a[pair[1]],
        ),
    )


# -------------------------------------------------------------------- many rankings


def kendalls_w(orders: Sequence[Ranking], *, permutations: int = 0, seed: int = 0) -> KendallsW:
    """Kendall's W: how much a group of two or more rankings agree, from 0 to 1.

    For a facilitator: 1 means everyone gave the same order, 0 means no shared pattern
    at all.  With two rankings W = (1 + ρ)/2, so show τ or ρ there instead.

    Formula (tie-corrected): with Rᵢ the sum of the m ranks of element i,
    S = Σ (Rᵢ − m(n+1)/2)² and W = 12S / (m²(n³ − n) − m ΣΣ(t³ − t)), the inner sum
    running over the groups of t tied elements in each ranking.  χ² = m(n − 1)W (the
    Friedman statistic) with n − 1 degrees of freedom gives ``p_value``.  If
    ``permutations`` > 0, every ranking is shuffled independently that many times
    (NumPy generator seeded with ``seed``) and ``permutation_p_value`` =
    (#{W_perm ≥ W_obs} + 1) / (permutations + 1).

    Raises ``NotEnoughRankings`` for fewer than two rankings and ``ValueError`` for
    fewer than two elements or when every ranking ties all elements.
    """
    if not orders:
        raise NotEnoughRankings(N_("No rankings yet: nothing to compare."))
    if len(orders) == 1:
        raise NotEnoughRankings(N_("Only one ranking so far: nothing to compare yet."))
    if permutations < 0:
        raise ValueError(f"permutations must be 0 or more, got {permutations}.")
    _, r = _rank_matrix(orders)
    m, n = r.shape
    if n < 2:
        raise ValueError("Kendall's W needs at least two elements to compare.")
    # Σ over tie groups of (t³ − t) = Σ over elements of (t² − 1), t = size of its group.
    group_size = (r[:, :, None] == r[:, None, :]).sum(axis=2)
    tie_term = int((group_size**2 - 1).sum())
    denominator = m * m * (n**3 - n) - m * tie_term
    if denominator == 0:
        raise ValueError("Every ranking ties all elements: agreement cannot be measured.")
    spread = float(_rank_sum_spread(r.sum(axis=0), m, n))
    w = 12 * spread / denominator
    chi2 = m * (n - 1) * w
    permutation_p_value = None
    if permutations:
        rng = np.random.default_rng(seed)
        chunk = max(1, _PERMUTATION_CHUNK // (m * n))
        at_least = 0
        for start in range(0, permutations, chunk):
            size = min(chunk, permutations - start)
            shuffled = rng.permuted(np.broadcast_to(r, (size, m, n)), axis=2)
            shuffled_spread = _rank_sum_spread(shuffled.sum(axis=1), m, n)
            at_least += int(np.count_nonzero(shuffled_spread >= spread))
        permutation_p_value = (at_least + 1) / (permutations + 1)
    return KendallsW(
        w=w,
        chi2=chi2,
        dof=n - 1,
        p_value=float(stats.chi2.sf(chi2, n - 1)),
        permutation_p_value=permutation_p_value,
        m=m,
        n=n,
        permutations=permutations,
    )


def borda_consensus(orders: Sequence[Order]) -> list[str]:
    """The group order by Borda count, i.e. by mean rank.

    For a facilitator: every ranking gives an element n − rank points; the element with
    most points comes first.  This is the same as sorting by average position.

    Formula: points(i) = Σₖ (n − rₖ(i)).  Ties are broken by the best (lowest) single
    rank any ranking gave the element, then by position in the first order.
    """
    if not orders:
        raise NotEnoughRankings(N_("No rankings yet: there is nothing to combine."))
    first = _check_order(orders[0])
    positions = _position_matrix(orders, first)
    points = (len(first) - positions).sum(axis=0)
    best = positions.min(axis=0)
    return [first[i] for i in sorted(range(len(first)), key=lambda i: (-int(points[i]), int(best[i]), i))]


def kemeny_consensus(orders: Sequence[Order]) -> list[str]:
    """The exact Kemeny–Young order: the "fairest compromise".

    For a facilitator: of all possible orders, the one that disagrees with the submitted
    rankings on the fewest element pairs in total.

    Formula: argmin over orders π of Σₖ K(π, orderₖ), K = number of discordant pairs.
    Solved exactly by dynamic programming over sets of already-placed elements
    (O(2ⁿ · n²)), so it is limited to 16 elements.  When several orders are optimal,
    the one that follows the Borda order as long as possible wins (the lexicographically
    smallest sequence of Borda positions).
    """
    borda = borda_consensus(orders)
    n = len(borda)
    if n > KEMENY_MAX_ELEMENTS:
        raise ValueError(
            f"The exact Kemeny consensus is limited to {KEMENY_MAX_ELEMENTS} elements "
            f"(got {n}); use the Borda consensus instead."
        )
    positions = _position_matrix(orders, borda)
    # against[x, y]: how many rankings put y above x, the cost of placing x before y.
    against = (positions[:, None, :] < positions[:, :, None]).sum(axis=0)
    masks = np.arange(1 << n)
    bits = (masks[:, None] >> np.arange(n)) & 1
    # place_cost[S, x]: cost of placing x next, before every element not yet in S.
    place_cost = (1 - bits) @ against.T
    # best_rest[S]: minimum cost of ordering the elements outside S after those in S.
    best_rest = np.zeros(1 << n, dtype=np.int64)
    popcount = bits.sum(axis=1)
    unavailable = np.iinfo(np.int64).max
    for size in range(n - 1, -1, -1):
        layer = np.flatnonzero(popcount == size)
        successors = layer[:, None] | (1 << np.arange(n))
        candidates = np.where(bits[layer] == 0, place_cost[layer] + best_rest[successors], unavailable)
        best_rest[layer] = candidates.min(axis=1)
    consensus: list[str] = []
    placed = 0
    for _ in range(n):
        x = next(
            x
            for x in range(n)
            if not placed >> x & 1 and place_cost[placed, x] + best_rest[placed | 1 << x] == best_rest[placed]
        )
        consensus.append(borda[x])
        placed |= 1 << x
    return consensus


def kemeny_distance(order: Order, orders: Sequence[Order]) -> int:
    """How many element pairs ``order`` orders differently from the rankings, in total.

    For a facilitator: "the consensus disagrees with the rankings in K pairs in total".

    Formula: Σₖ #{(i, j): i above j in ``order`` but below j in orderₖ}.
    """
    reference = _check_order(order)
    positions = _position_matrix(orders, reference)
    first, second = np.triu_indices(len(reference), 1)
    return int(np.count_nonzero(positions[:, first] > positions[:, second]))


# ------------------------------------------------------------------------- parties


def divergence(party_orders: Mapping[str, Order], names: Mapping[str, str] | None = None) -> Divergence:
    """Per element: each party's rank and how far apart the parties are on it.

    For a facilitator: the top rows are the elements to discuss first.

    Formula per element: mean rank, spread = max rank − min rank, sd = population
    standard deviation of the ranks (ddof = 0).  Sorted by spread (largest first), then
    sd (largest first), then mean rank (most important first), then element id.
    """
    parties = tuple(party_orders)
    if not parties:
        return Divergence(parties=(), rows=())
    rank_maps = {party: ranks(order) for party, order in party_orders.items()}
    elements = tuple(rank_maps[parties[0]])
    for party in parties[1:]:
        _check_same_elements(elements, tuple(rank_maps[party]), f"The ranking of {party!r}")
    rows = []
    for element in elements:
        element_ranks = {party: rank_maps[party][element] for party in parties}
        values = list(element_ranks.values())
        rows.append(
            DivergenceRow(
                element_id=element,
                element=_name(element, names),
                ranks=element_ranks,
                mean_rank=statistics.fmean(values),
                spread=max(values) - min(values),
                sd=statistics.pstdev(values),
            )
        )
    rows.sort(key=lambda row: (-row.spread, -row.sd, row.mean_rank, row.element_id))
    return Divergence(parties=parties, rows=tuple(rows))


def agreement_matrix(
    party_orders: Mapping[str, Ranking], method: Literal["kendall", "spearman"] = "kendall"
) -> pd.DataFrame:
    """Agreement between every pair of parties, as a party × party table.

    For a facilitator: read across a row to see who that party agrees with most.

    Formula: Kendall τ-b (``method="kendall"``) or Spearman ρ (``"spearman"``) for each
    pair; the table is symmetric with 1.0 on the diagonal.
    """
    matrices = {"kendall": _tau_matrix, "spearman": _rho_matrix}
    if method not in matrices:
        raise ValueError(f"method must be 'kendall' or 'spearman', got {method!r}.")
    parties = list(party_orders)
    if not parties:
        return pd.DataFrame(index=[], columns=[], dtype=float)
    _, r = _rank_matrix(list(party_orders.values()))
    values = matrices[method](r)
    np.fill_diagonal(values, 1.0)
    return pd.DataFrame(values, index=parties, columns=parties)


def party_consensus(member_orders: Sequence[Order]) -> PartyConsensus:
    """One party's combined order and how much its own members agree.

    For a facilitator: separates "we disagree internally" from "our organisations
    disagree".  The order is the exact Kemeny consensus of the members (see
    :func:`kemeny_consensus`), or their Borda order for catalogues longer than
    ``KEMENY_MAX_ELEMENTS``; ``within_w`` is Kendall's W of the members, or None
    when the party has a single member.
    """
    if not member_orders:
        raise NotEnoughRankings(N_("This party has no rankings yet."))
    exact = len(member_orders[0]) <= KEMENY_MAX_ELEMENTS
    return PartyConsensus(
        order=tuple(kemeny_consensus(member_orders) if exact else borda_consensus(member_orders)),
        within_w=kendalls_w(member_orders) if len(member_orders) > 1 else None,
        members=len(member_orders),
    )


def discussion_agenda(
    party_orders: Mapping[str, Order],
    names: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[AgendaItem]:
    """Talking points: every pair of elements that two parties order in opposite ways.

    For a facilitator: "Party A puts X above Y; Party B the reverse", biggest
    disagreements first.

    Formula: for each pair of parties (in the given order), their discordant pairs
    (see :func:`discordant_pairs`) with gap = |rₐ(x) − r_b(x)| + |rₐ(y) − r_b(y)|.
    Sorted by gap (largest first); equal gaps keep party-pair order, then the
    :func:`discordant_pairs` order.  ``limit`` keeps only the first items.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}.")
    items = []
    for party_a, party_b in combinations(party_orders, 2):
        ranks_a, ranks_b = _strict_pair(party_orders[party_a], party_orders[party_b])
        for x, y in discordant_pairs(party_orders[party_a], party_orders[party_b]):
            items.append(
                AgendaItem(
                    party_a=party_a,
                    party_b=party_b,
                    higher_in_a=x,
                    higher_in_b=y,
                    gap=abs(ranks_a[x] - ranks_b[x]) + abs(ranks_a[y] - ranks_b[y]),
                    text=wording.agenda_sentence(party_a, party_b, x, y, names),
                )
            )
    items.sort(key=lambda item: -item.gap)
    return items[:limit]


# -------------------------------------------------------------------------- rounds


def rounds_trend(orders_by_round: Mapping[int, Mapping[str, Order]]) -> pd.DataFrame:
    """How agreement changed from round to round (convergence).

    For a facilitator: did the discussion bring the parties closer together?

    One row per round (ascending): ``round``, ``parties`` (how many ranked),
    ``kendalls_w`` (NaN with fewer than two parties) and one ``tau (A vs B)`` column
    per pair of parties seen in any round (in order of first appearance), NaN when one
    of the two did not rank in that round.
    """
    rounds = sorted(orders_by_round)
    parties = list(dict.fromkeys(p for rnd in rounds for p in orders_by_round[rnd]))
    pairs = list(combinations(parties, 2))
    pair_columns = [f"tau ({a} vs {b})" for a, b in pairs]
    records = []
    for rnd in rounds:
        current = orders_by_round[rnd]
        taus = agreement_matrix(current).to_numpy()
        index = {party: i for i, party in enumerate(current)}
        record: dict[str, float] = {
            "round": rnd,
            "parties": len(current),
            "kendalls_w": kendalls_w(list(current.values())).w if len(current) > 1 else math.nan,
        }
        for (a, b), column in zip(pairs, pair_columns):
            both_ranked = a in index and b in index
            record[column] = float(taus[index[a], index[b]]) if both_ranked else math.nan
        records.append(record)
    return pd.DataFrame(records, columns=["round", "parties", "kendalls_w", *pair_columns])


def movement(prev: Mapping[str, Order], cur: Mapping[str, Order]) -> dict[str, float]:
    """Each party's stability between two rounds: Kendall τ-b of its old and new order.

    For a facilitator: 1.0 means the party did not change its order; lower values mean
    it moved more.  Parties missing from either round are left out.
    """
    return {party: kendall_tau(prev[party], order) for party, order in cur.items() if party in prev}
