"""The statistics in words: agreement labels, the headline, talking points and the explainer.

``analysis`` and ``results`` compute the numbers; this module says what they mean, in the sentences the
pages, the workbook and the report show. It computes no statistic: it is given the numbers (a round's
``results.RoundResults`` holds them) and imports nothing from ``analysis`` at run time, so the two do not
import each other (``analysis`` uses ``agenda_sentence``; ``tests/test_layering.py`` checks the graph).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # for the annotations only: no import at run time
    from .analysis import AgendaItem, Divergence, KendallsW, PairAgreement

Order = Sequence[str]

EXPLAINER = """\
**How this is computed.**
Kendall's τ-b counts, over every pair of elements, whether two rankings put the pair in \
the same order (+1 = identical orders, −1 = exactly reversed, ties are corrected for), \
and Spearman's ρ is the correlation between the two lists of rank numbers.
Kendall's W measures how far three or more rankings agree as a group, from 0 (no shared \
pattern) to 1 (everyone gave the same order).
Its p-value comes from a permutation test: we shuffle every ranking at random thousands \
of times and report how often chance alone produces agreement at least as high as the \
one observed.
The consensus order uses the Borda count (each element scores n − rank points from every \
ranking, which is the same as ordering by mean rank), and the "fairest compromise" is the \
exact Kemeny order: the order that disagrees with the submitted rankings on the fewest \
element pairs in total.
With only ten elements, p-values are weak evidence either way, so read the size of the \
numbers and the list of disagreements rather than significance.
The words attached to the numbers ("moderate", "strong", …) are conventions to help the \
discussion, not facts about the data.
"""


@dataclass(frozen=True)
class Headline:
    """The agreement headline in plain words, with the numbers behind it."""

    text: str
    stats: dict[str, object]
    detail: str = ""  # the sentence after the first, if any (the biggest difference)

    @property
    def summary(self) -> str:
        """The first sentence alone: the agreement label and its numbers."""
        return self.text[: len(self.text) - len(self.detail)].rstrip() if self.detail else self.text


def _name(element: str, names: Mapping[str, str] | None) -> str:
    return names.get(element, element) if names else element


def agenda_sentence(
    party_a: str, party_b: str, higher_in_a: str, higher_in_b: str, names: Mapping[str, str] | None
) -> str:
    return f"{party_a} puts {_name(higher_in_a, names)} above {_name(higher_in_b, names)}; {party_b} the reverse."


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _format_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


_BANDS = ((0.1, "very weak"), (0.3, "weak"), (0.5, "moderate"), (0.7, "strong"))
_DISAGREEMENT = {
    "weak": "weak disagreement",
    "moderate": "moderate disagreement",
    "strong": "strong disagreement (orders mostly reversed)",
    "very strong": "very strong disagreement (orders nearly reversed)",
}


def _band(value: float) -> str:
    return next((label for upper, label in _BANDS if value < upper), "very strong")


def agreement_label(value: float, kind: Literal["tau", "rho", "w"] = "tau") -> str:
    """A plain-words label for an agreement statistic.  The bands are a convention.

    Bands on the size of the value: < 0.1 very weak, 0.1–0.3 weak, 0.3–0.5 moderate,
    0.5–0.7 strong, ≥ 0.7 very strong (lower bound inclusive).  For W the label is
    "<band> agreement".  For τ and ρ, |value| < 0.1 is "no clear agreement", positive
    values are "<band> agreement" and negative ones "<band> disagreement", with
    "(orders mostly reversed)" or "(orders nearly reversed)" for strong and very strong.
    """
    if kind not in ("tau", "rho", "w"):
        raise ValueError(f"kind must be 'tau', 'rho' or 'w', got {kind!r}.")
    lowest = 0.0 if kind == "w" else -1.0
    if not lowest - 1e-9 <= value <= 1.0 + 1e-9:
        raise ValueError(f"A {kind} value must lie between {lowest:g} and 1, got {value!r}.")
    if kind == "w" or value >= 0.1:
        return f"{_band(value)} agreement"
    if value > -0.1:
        return "no clear agreement"
    return _DISAGREEMENT[_band(-value)]


def headline(
    parties: Sequence[str],
    *,
    pair: PairAgreement | None = None,
    concordance: KendallsW | None = None,
    agenda: Sequence[AgendaItem] = (),
    divergence: Divergence | None = None,
) -> Headline:
    """The agreement headline in plain words, with the numbers behind it. Nothing is computed here: the
    numbers come from a round's results (``results.round_results``; ``results.headline`` for orders alone).

    For two parties (``pair``: their ``analysis.PairAgreement``): the τ-b label, τ-b, ρ and how many
    element pairs they order differently, followed by the biggest talking point (``agenda[0]``). For three
    or more (``concordance``: their ``analysis.KendallsW`` with its permutation p-value): the W label,
    Kendall's W with its permutation p-value, followed by the most contested element
    (``divergence.rows[0]``). For fewer than two parties: a sentence saying there is nothing to compare yet.
    """
    parties = list(parties)
    if not parties:
        return Headline("No party has ranked yet: nothing to compare.", {"parties": 0})
    if len(parties) == 1:
        return Headline(
            f"Only one party ({parties[0]}) has ranked so far: nothing to compare yet.",
            {"parties": 1},
        )
    if len(parties) == 2:
        if pair is None:
            raise ValueError("The headline of two parties needs their PairAgreement.")
        return _two_party_headline(pair, agenda[0] if agenda else None)
    if concordance is None or divergence is None:
        raise ValueError("The headline of three or more parties needs their Kendall's W and divergence.")
    return _group_headline(concordance, divergence)


def _two_party_headline(numbers: PairAgreement, biggest: AgendaItem | None) -> Headline:
    tau, rho = numbers.kendall_tau_b, numbers.spearman_rho
    differing, pairs = numbers.discordant_pairs, numbers.element_pairs
    label = agreement_label(tau, "tau")
    text = (
        f"{_capitalised(label)}: Kendall τ-b = {tau:.2f}, Spearman ρ = {rho:.2f} "
        f"({differing} of {pairs} element pairs ordered differently)."
    )
    detail = f"Biggest difference: {biggest.text}" if biggest else ""
    if detail:
        text += " " + detail
    return Headline(
        text,
        {
            "parties": 2,
            "elements": numbers.n,
            "label": label,
            "kendall_tau_b": tau,
            "spearman_rho": rho,
            "discordant_pairs": differing,
            "element_pairs": pairs,
            "footrule": numbers.footrule.distance,
            "footrule_similarity": numbers.footrule.similarity,
        },
        detail,
    )


def _group_headline(result: KendallsW, divergence: Divergence) -> Headline:
    assert result.permutation_p_value is not None
    label = agreement_label(result.w, "w")
    text = (
        f"{_capitalised(label)} among {result.m} parties: Kendall's W = {result.w:.2f} "
        f"({_format_p(result.permutation_p_value)})."
    )
    contested = divergence.rows[0]
    detail = ""
    if contested.spread:
        ranks_given = contested.ranks.values()
        detail = f"Most contested: {contested.element} (ranked from {min(ranks_given)} to {max(ranks_given)})."
        text += " " + detail
    return Headline(
        text,
        {
            "parties": result.m,
            "elements": result.n,
            "label": label,
            "kendalls_w": result.w,
            "chi2": result.chi2,
            "dof": result.dof,
            "p_value": result.p_value,
            "permutation_p_value": result.permutation_p_value,
            "permutations": result.permutations,
        },
        detail,
    )


# ------------------------------------------------------------------- charts in words

SAME_NUMBERS = "The side-by-side table above holds the same numbers."


def chart_summaries(div: Divergence, agreement) -> dict[str, str]:
    """A text alternative for each chart of the comparison, shown next to it (and given to it as ``alt``):
    what it draws in words, and the table above that holds the same numbers.

    ``div``: the round's divergence; ``agreement``: the party × party Kendall τ-b matrix (a DataFrame)."""
    parties = list(div.parties)
    rows = list(div.rows)
    top = rows[:3]

    def ranks(row) -> str:
        return ", ".join(f"{p} {row.ranks[p]}" for p in parties)

    contested = "; ".join(f"{row.element} ({ranks(row)})" for row in top if row.spread) or "none: every party agrees"
    pairs = []
    if agreement is not None and getattr(agreement, "shape", (0, 0))[0] >= 2:
        names = [str(p) for p in agreement.index]
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                value = float(agreement.loc[a, b])
                pairs.append(f"{a} and {b}: {value:.2f} ({agreement_label(value, 'tau')})")
    spread = ", ".join(f"{row.element} {row.spread}" for row in rows)
    same = SAME_NUMBERS
    return {
        "divergence": f"Each element's rank for each party ({', '.join(parties)}). Most contested: {contested}. {same}",
        "heatmap": f"A grid of ranks, elements by party, most contested at the top (rank 1 darkest). {same}",
        "agreement": "How far each pair of parties agrees (Kendall τ-b, −1 reversed to +1 the same): "
        + ("; ".join(pairs) if pairs else "fewer than two parties")
        + ".",
        "spread": f"How far apart the parties' ranks are for each element (highest minus lowest): {spread}.",
    }


def move_button(name: str, direction: str) -> str:
    """A move button's accessible name: which element it moves, and which way."""
    return f"Move {name} {direction}"


def moved(name: str, step: int, place: int, count: int) -> str:
    """What the status line says after a move button moved ``name`` by ``step`` (-1 up, +1 down)."""
    return f"{name} moved {'up' if step < 0 else 'down'} to place {place} of {count}."


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def rounds_summary(trend) -> str:
    """The rounds chart in words: Kendall's W and each pair's τ-b, round by round (``analysis.rounds_trend``)."""
    if trend is None or getattr(trend, "empty", True) or "round" not in trend:
        return "No rounds to compare yet."
    rounds = [int(r) for r in trend["round"]]
    parts = []
    for column in [c for c in trend.columns if c == "kendalls_w" or str(c).startswith("tau (")]:
        label = "Kendall's W of all parties" if column == "kendalls_w" else f"τ-b of {str(column)[5:-1]}"
        values = [
            f"round {r} {v:.2f}" if (v := _number(x)) is not None else f"round {r} not ranked"
            for r, x in zip(rounds, trend[column])
        ]
        parts.append(f"{label}: {', '.join(values)}")
    return "Agreement round by round (−1 reversed, +1 the same). " + "; ".join(parts) + "."


def movement_summary(
    before: Mapping[str, Sequence[str]],
    after: Mapping[str, Sequence[str]],
    names: Mapping[str, str] | None = None,
    *,
    before_label: str = "before",
    after_label: str = "now",
    most: int = 3,
) -> str:
    """The movement chart in words: for each party, the elements that moved most from ``before`` to
    ``after`` (place before → place after), and how many others moved."""
    names = names or {}
    parts = []
    for party in [p for p in after if p in before]:
        both = [e for e in after[party] if e in set(before[party])]
        was = {e: i + 1 for i, e in enumerate(e for e in before[party] if e in set(both))}
        now = {e: i + 1 for i, e in enumerate(both)}
        moves = sorted((e for e in both if was[e] != now[e]), key=lambda e: (-abs(was[e] - now[e]), now[e]))
        if not moves:
            parts.append(f"{party}: no element moved")
            continue
        shown = ", ".join(f"{_name(e, names)} {was[e]}→{now[e]}" for e in moves[:most])
        rest = len(moves) - most
        parts.append(f"{party}: {shown}" + (f", and {rest} more moved" if rest > 0 else ""))
    if not parts:
        return "No party ranked in both."
    return f"How each party's ranks moved from {before_label} to {after_label}. " + "; ".join(parts) + "."


def feedback_summary(frame, names: Mapping[str, str] | None = None) -> str:
    """The stakeholder heatmap in words: each element's average trust (1 not at all … 5 completely), with the
    number of answers, lowest first (``worksheet.trust_frame``)."""
    names = names or {}
    totals: dict[str, list[float]] = {}
    if frame is not None and not getattr(frame, "empty", True):
        for element, trust in zip(frame["element_id"], frame["trust"]):
            if (value := _number(trust)) is not None:
                totals.setdefault(str(element), []).append(value)
    if not totals:
        return "No stakeholder has answered yet."
    catalogue_order = {e: i for i, e in enumerate(names)}
    ordered = sorted(totals, key=lambda e: (sum(totals[e]) / len(totals[e]), catalogue_order.get(e, len(names)), e))
    cells = []
    for e in ordered:
        n = len(totals[e])
        cells.append(f"{_name(e, names)} {sum(totals[e]) / n:.1f} ({n} answer{'s' if n != 1 else ''})")
    return "Average trust by element, lowest first (1 not at all … 5 completely): " + "; ".join(cells) + "."


def reason_line(reason, names: Mapping[str, str] | None = None) -> str:
    """One reason in words: who (party and person, as the reader may see them), the place they gave the
    element and what they said; ``names`` adds the element's name (where several elements are listed)."""
    about = f" on {names.get(reason.element_id, reason.element_id)}" if names is not None else ""
    return f"{reason.party}, {reason.participant}{about} (ranked it {reason.rank}): “{reason.text}”"


def contrast_line(contrast, names: Mapping[str, str] | None = None) -> str:
    """Where a participant put an element and where the other parties did (``reasons.Contrast``), after
    the element's name when ``names`` is given."""
    theirs = ", ".join(f"{party} at {rank}" for party, rank in contrast.their_ranks.items())
    name = f"{names.get(contrast.element_id, contrast.element_id)}: " if names is not None else ""
    return f"{name}you put it at {contrast.my_rank}; {theirs}."
