"""The statistics in words: agreement labels, the headline, talking points and the explainer.

``analysis`` and ``results`` compute the numbers; this module says what they mean, in the sentences the
pages, the workbook and the report show. It computes no statistic: it is given the numbers (a round's
``results.RoundResults`` holds them) and imports nothing from ``analysis`` at run time, so the two do not
import each other (``analysis`` uses ``agenda_sentence``; ``tests/test_layering.py`` checks the graph).

Every sentence takes the reader's translator ``t`` (``i18n.translator``; English by default) and is built from a
message with named placeholders, so that a translator can reorder it (``docs/i18n.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .i18n import ENGLISH, N_, Translator

if TYPE_CHECKING:  # for the annotations only: no import at run time
    from .analysis import AgendaItem, Divergence, KendallsW, PairAgreement

Order = Sequence[str]

EXPLAINER = N_("""\
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
""")


def explainer(t: Translator = ENGLISH) -> str:
    """``EXPLAINER`` in the reader's language (markdown)."""
    return t.gettext(EXPLAINER)


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
    party_a: str,
    party_b: str,
    higher_in_a: str,
    higher_in_b: str,
    names: Mapping[str, str] | None,
    t: Translator = ENGLISH,
) -> str:
    """A talking point: two parties order two elements in opposite ways."""
    return t.gettext(
        "{party_a} puts {higher} above {lower}; {party_b} the reverse.",
        party_a=party_a,
        party_b=party_b,
        higher=_name(higher_in_a, names),
        lower=_name(higher_in_b, names),
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _format_p(p: float, t: Translator = ENGLISH) -> str:
    if p < 0.001:
        return t.gettext("p < {p}", p=t.decimal(0.001, 3))
    return t.gettext("p = {p}", p=t.decimal(p, 3))


_BANDS = ((0.1, "very weak"), (0.3, "weak"), (0.5, "moderate"), (0.7, "strong"))
# the labels in words, one message each (a band's adjective agrees with its noun in French and Spanish)
_AGREEMENT = {
    "very weak": N_("very weak agreement"),
    "weak": N_("weak agreement"),
    "moderate": N_("moderate agreement"),
    "strong": N_("strong agreement"),
    "very strong": N_("very strong agreement"),
}
_DISAGREEMENT = {
    "weak": N_("weak disagreement"),
    "moderate": N_("moderate disagreement"),
    "strong": N_("strong disagreement (orders mostly reversed)"),
    "very strong": N_("very strong disagreement (orders nearly reversed)"),
}
_NO_CLEAR = N_("no clear agreement")


def _band(value: float) -> str:
    return next((label for upper, label in _BANDS if value < upper), "very strong")


def agreement_label(value: float, kind: Literal["tau", "rho", "w"] = "tau", t: Translator = ENGLISH) -> str:
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
        return t.gettext(_AGREEMENT[_band(value)])
    if value > -0.1:
        return t.gettext(_NO_CLEAR)
    return t.gettext(_DISAGREEMENT[_band(-value)])


def headline(
    parties: Sequence[str],
    *,
    pair: PairAgreement | None = None,
    concordance: KendallsW | None = None,
    agenda: Sequence[AgendaItem] = (),
    divergence: Divergence | None = None,
    t: Translator = ENGLISH,
    names: Mapping[str, str] | None = None,
) -> Headline:
    """The agreement headline in plain words, with the numbers behind it. Nothing is computed here: the
    numbers come from a round's results (``results.round_results``; ``results.headline`` for orders alone).

    For two parties (``pair``: their ``analysis.PairAgreement``): the τ-b label, τ-b, ρ and how many
    element pairs they order differently, followed by the biggest talking point (``agenda[0]``). For three
    or more (``concordance``: their ``analysis.KendallsW`` with its permutation p-value): the W label,
    Kendall's W with its permutation p-value, followed by the most contested element
    (``divergence.rows[0]``). For fewer than two parties: a sentence saying there is nothing to compare yet.
    ``t``: the reader's translator; ``names``: the element names in the reader's language (default: the names
    the numbers were computed with).
    """
    parties = list(parties)
    if names is None and divergence is not None:
        names = {row.element_id: row.element for row in divergence.rows}
    if not parties:
        return Headline(t.gettext("No party has ranked yet: nothing to compare."), {"parties": 0})
    if len(parties) == 1:
        return Headline(
            t.gettext("Only one party ({party}) has ranked so far: nothing to compare yet.", party=parties[0]),
            {"parties": 1},
        )
    if len(parties) == 2:
        if pair is None:
            raise ValueError("The headline of two parties needs their PairAgreement.")
        return _two_party_headline(pair, agenda[0] if agenda else None, t, names)
    if concordance is None or divergence is None:
        raise ValueError("The headline of three or more parties needs their Kendall's W and divergence.")
    return _group_headline(concordance, divergence, t, names)


def _two_party_headline(
    numbers: PairAgreement, biggest: AgendaItem | None, t: Translator, names: Mapping[str, str] | None
) -> Headline:
    tau, rho = numbers.kendall_tau_b, numbers.spearman_rho
    differing, pairs = numbers.discordant_pairs, numbers.element_pairs
    label = agreement_label(tau, "tau", t)
    # Translators: {n} (the plural's number) is how many of the {pairs} element pairs the parties order differently
    text = t.ngettext(
        "{label}: Kendall τ-b = {tau}, Spearman ρ = {rho} ({n} of {pairs} element pairs ordered differently).",
        "{label}: Kendall τ-b = {tau}, Spearman ρ = {rho} ({n} of {pairs} element pairs ordered differently).",
        differing,
        label=_capitalised(label),
        tau=t.decimal(tau, 2),
        rho=t.decimal(rho, 2),
        pairs=pairs,
    )
    detail = ""
    if biggest:
        sentence = biggest.text if t is ENGLISH and names is None else biggest.sentence(names, t)  # text: names given
        detail = t.gettext("Biggest difference: {sentence}", sentence=sentence)
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


def _group_headline(
    result: KendallsW, divergence: Divergence, t: Translator, names: Mapping[str, str] | None
) -> Headline:
    assert result.permutation_p_value is not None
    label = agreement_label(result.w, "w", t)
    text = t.ngettext(
        "{label} among {n} party: Kendall's W = {w} ({p}).",
        "{label} among {n} parties: Kendall's W = {w} ({p}).",
        result.m,
        label=_capitalised(label),
        w=t.decimal(result.w, 2),
        p=_format_p(result.permutation_p_value, t),
    )
    contested = divergence.rows[0]
    detail = ""
    if contested.spread:
        ranks_given = contested.ranks.values()
        detail = t.gettext(
            "Most contested: {element} (ranked from {highest} to {lowest}).",
            element=names.get(contested.element_id, contested.element) if names else contested.element,
            highest=min(ranks_given),
            lowest=max(ranks_given),
        )
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

SAME_NUMBERS = N_("The side-by-side table above holds the same numbers.")


def chart_summaries(div: Divergence, agreement, t: Translator = ENGLISH) -> dict[str, str]:
    """A text alternative for each chart of the comparison, shown next to it (and given to it as ``alt``):
    what it draws in words, and the table above that holds the same numbers.

    ``div``: the round's divergence; ``agreement``: the party × party Kendall τ-b matrix (a DataFrame)."""
    parties = list(div.parties)
    rows = list(div.rows)
    top = rows[:3]
    sep = t.pgettext("list separator", ", ")
    semi = t.pgettext("list of groups separator", "; ")

    def ranks(row) -> str:
        return sep.join(t.gettext("{party} {rank}", party=p, rank=row.ranks[p]) for p in parties)

    contested = semi.join(
        t.gettext("{element} ({ranks})", element=row.element, ranks=ranks(row)) for row in top if row.spread
    ) or t.gettext("none: every party agrees")
    pairs = []
    if agreement is not None and getattr(agreement, "shape", (0, 0))[0] >= 2:
        names = [str(p) for p in agreement.index]
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                value = float(agreement.loc[a, b])
                pairs.append(
                    t.gettext(
                        "{a} and {b}: {tau} ({label})",
                        a=a,
                        b=b,
                        tau=t.decimal(value, 2),
                        label=agreement_label(value, "tau", t),
                    )
                )
    spread = sep.join(t.gettext("{element} {spread}", element=row.element, spread=row.spread) for row in rows)
    same = t.gettext(SAME_NUMBERS)
    return {
        "divergence": t.gettext(
            "Each element's rank for each party ({parties}). Most contested: {contested}. {same}",
            parties=sep.join(parties),
            contested=contested,
            same=same,
        ),
        "heatmap": t.gettext(
            "A grid of ranks, elements by party, most contested at the top (rank 1 darkest). {same}", same=same
        ),
        "agreement": t.gettext(
            "How far each pair of parties agrees (Kendall τ-b, −1 reversed to +1 the same): {pairs}.",
            pairs=semi.join(pairs) if pairs else t.gettext("fewer than two parties"),
        ),
        "spread": t.gettext(
            "How far apart the parties' ranks are for each element (highest minus lowest): {spread}.", spread=spread
        ),
    }


def move_button(name: str, direction: str, t: Translator = ENGLISH) -> str:
    """A move button's accessible name: which element it moves, and which way (``direction``: "up" or "down")."""
    if direction == "up":
        return t.gettext("Move {name} up", name=name)
    if direction == "down":
        return t.gettext("Move {name} down", name=name)
    return t.gettext("Move {name} {direction}", name=name, direction=direction)


def moved(name: str, step: int, place: int, count: int, t: Translator = ENGLISH) -> str:
    """What the status line says after a move button moved ``name`` by ``step`` (-1 up, +1 down)."""
    if step < 0:
        return t.gettext("{name} moved up to place {place} of {count}.", name=name, place=place, count=count)
    return t.gettext("{name} moved down to place {place} of {count}.", name=name, place=place, count=count)


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def rounds_summary(trend, t: Translator = ENGLISH) -> str:
    """The rounds chart in words: Kendall's W and each pair's τ-b, round by round (``analysis.rounds_trend``)."""
    if trend is None or getattr(trend, "empty", True) or "round" not in trend:
        return t.gettext("No rounds to compare yet.")
    rounds = [int(r) for r in trend["round"]]
    sep = t.pgettext("list separator", ", ")
    parts = []
    for column in [c for c in trend.columns if c == "kendalls_w" or str(c).startswith("tau (")]:
        label = (
            t.gettext("Kendall's W of all parties")
            if column == "kendalls_w"
            else t.gettext("τ-b of {pair}", pair=str(column)[5:-1])
        )
        values = [
            t.gettext("round {round} {value}", round=r, value=t.decimal(v, 2))
            if (v := _number(x)) is not None
            else t.gettext("round {round} not ranked", round=r)
            for r, x in zip(rounds, trend[column])
        ]
        parts.append(t.gettext("{label}: {values}", label=label, values=sep.join(values)))
    return t.gettext(
        "Agreement round by round (−1 reversed, +1 the same). {parts}.",
        parts=t.pgettext("list of groups separator", "; ").join(parts),
    )


def movement_summary(
    before: Mapping[str, Sequence[str]],
    after: Mapping[str, Sequence[str]],
    names: Mapping[str, str] | None = None,
    *,
    before_label: str = "before",
    after_label: str = "now",
    most: int = 3,
    t: Translator = ENGLISH,
) -> str:
    """The movement chart in words: for each party, the elements that moved most from ``before`` to
    ``after`` (place before → place after), and how many others moved. ``before_label`` and ``after_label``
    are shown as given: pass them in the reader's language."""
    names = names or {}
    sep = t.pgettext("list separator", ", ")
    parts = []
    for party in [p for p in after if p in before]:
        both = [e for e in after[party] if e in set(before[party])]
        was = {e: i + 1 for i, e in enumerate(e for e in before[party] if e in set(both))}
        now = {e: i + 1 for i, e in enumerate(both)}
        moves = sorted((e for e in both if was[e] != now[e]), key=lambda e: (-abs(was[e] - now[e]), now[e]))
        if not moves:
            parts.append(t.gettext("{party}: no element moved", party=party))
            continue
        shown = sep.join(
            t.gettext("{element} {before}→{after}", element=_name(e, names), before=was[e], after=now[e])
            for e in moves[:most]
        )
        rest = len(moves) - most
        if rest > 0:
            parts.append(
                t.ngettext(
                    "{party}: {shown}, and {n} more moved",
                    "{party}: {shown}, and {n} more moved",
                    rest,
                    party=party,
                    shown=shown,
                )
            )
        else:
            parts.append(t.gettext("{party}: {shown}", party=party, shown=shown))
    if not parts:
        return t.gettext("No party ranked in both.")
    return t.gettext(
        "How each party's ranks moved from {before} to {after}. {parts}.",
        before=before_label,
        after=after_label,
        parts=t.pgettext("list of groups separator", "; ").join(parts),
    )


def feedback_summary(frame, names: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> str:
    """The stakeholder heatmap in words: each element's average trust (1 not at all … 5 completely), with the
    number of answers, lowest first (``worksheet.trust_frame``)."""
    names = names or {}
    totals: dict[str, list[float]] = {}
    if frame is not None and not getattr(frame, "empty", True):
        for element, trust in zip(frame["element_id"], frame["trust"]):
            if (value := _number(trust)) is not None:
                totals.setdefault(str(element), []).append(value)
    if not totals:
        return t.gettext("No stakeholder has answered yet.")
    catalogue_order = {e: i for i, e in enumerate(names)}
    ordered = sorted(totals, key=lambda e: (sum(totals[e]) / len(totals[e]), catalogue_order.get(e, len(names)), e))
    cells = []
    for e in ordered:
        n = len(totals[e])
        cells.append(
            t.ngettext(
                "{element} {average} ({n} answer)",
                "{element} {average} ({n} answers)",
                n,
                element=_name(e, names),
                average=t.decimal(sum(totals[e]) / n, 1),
            )
        )
    return t.gettext(
        "Average trust by element, lowest first (1 not at all … 5 completely): {cells}.",
        cells=t.pgettext("list of groups separator", "; ").join(cells),
    )


def reason_line(reason, names: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> str:
    """One reason in words: who (party and person, as the reader may see them), the place they gave the
    element and what they said; ``names`` adds the element's name (where several elements are listed)."""
    if names is not None:
        return t.gettext(
            "{party}, {person} on {element} (ranked it {rank}): “{reason}”",
            party=reason.party,
            person=reason.participant,
            element=names.get(reason.element_id, reason.element_id),
            rank=reason.rank,
            reason=reason.text,
        )
    return t.gettext(
        "{party}, {person} (ranked it {rank}): “{reason}”",
        party=reason.party,
        person=reason.participant,
        rank=reason.rank,
        reason=reason.text,
    )


def contrast_line(contrast, names: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> str:
    """Where a participant put an element and where the other parties did (``reasons.Contrast``), after
    the element's name when ``names`` is given."""
    theirs = t.pgettext("list separator", ", ").join(
        t.gettext("{party} at {rank}", party=party, rank=rank) for party, rank in contrast.their_ranks.items()
    )
    if names is not None:
        return t.gettext(
            "{element}: you put it at {rank}; {theirs}.",
            element=names.get(contrast.element_id, contrast.element_id),
            rank=contrast.my_rank,
            theirs=theirs,
        )
    return t.gettext("you put it at {rank}; {theirs}.", rank=contrast.my_rank, theirs=theirs)


# a next step's status (``model.STATUSES``: stored codes, kept as they are in the CSVs and the Next steps sheet)
STATUS_WORDS = {
    "proposed": N_("proposed"),
    "agreed": N_("agreed"),
    "in progress": N_("in progress"),
    "done": N_("done"),
}


def status_words(status: str, t: Translator = ENGLISH) -> str:
    """A next step's status as a reader of ``t``'s language reads it (an unknown code as it is)."""
    return t.gettext(STATUS_WORDS[status]) if status in STATUS_WORDS else status
