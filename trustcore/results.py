"""What a round's comparison shows, computed once from the stored rankings.

Pages and exports call ``round_results`` and lay out its fields; no statistics live in a page.
A party with several members is represented by their exact Kemeny consensus (see
``analysis.party_consensus``); parties with no submission yet are left out until they submit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from . import analysis, wording
from .i18n import ENGLISH, Translator
from .model import Ranking, Session
from .reasons import Contrast, Reason, for_elements, of_rankings, to_reconsider


@dataclass(frozen=True)
class RoundResults:
    round: int
    rankings: tuple[Ranking, ...]
    party_orders: dict[str, tuple[str, ...]]  # party name -> its order (session party order)
    parties: dict[str, analysis.PartyConsensus]
    divergence: analysis.Divergence
    headline: wording.Headline  # in words, from the numbers below (``wording.headline``)
    agenda: tuple[analysis.AgendaItem, ...]
    borda: tuple[str, ...]
    kemeny: tuple[str, ...]  # empty when the catalogue is too long for the exact consensus
    agreement: pd.DataFrame | None  # party x party Kendall tau-b, when two or more parties submitted
    reasons: tuple[Reason, ...] = ()  # every reason given with these rankings (party, then join order)
    pair: analysis.PairAgreement | None = None  # exactly two parties: τ-b, ρ, discordant pairs, footrule
    concordance: analysis.KendallsW | None = None  # three or more: W with its permutation p-value

    @property
    def comparable(self) -> bool:
        """At least two parties have submitted."""
        return len(self.party_orders) >= 2

    def reasons_for(self, element_id: str) -> tuple[Reason, ...]:
        """The reasons given for one element."""
        return for_elements(self.reasons, [element_id])

    def agenda_reasons(self, item: analysis.AgendaItem) -> tuple[Reason, ...]:
        """The reasons the agenda item's two parties gave for its two elements."""
        return for_elements(self.reasons, [item.higher_in_a, item.higher_in_b], [item.party_a, item.party_b])

    def headline_in(self, t: Translator = ENGLISH, names: dict[str, str] | None = None) -> wording.Headline:
        """The headline in ``t``'s language (``names``: the element names in it), worded again from the numbers
        this round already computed (``headline`` is the English one)."""
        if t is ENGLISH and names is None:
            return self.headline
        return wording.headline(
            list(self.party_orders),
            pair=self.pair,
            concordance=self.concordance,
            agenda=self.agenda,
            divergence=self.divergence,
            t=t,
            names=names,
        )

    def divergence_in(self, names: Mapping[str, str] | None) -> analysis.Divergence:
        """The divergence with each element named from ``names`` (the element names in the reader's language):
        the same numbers, relabelled, so charts and tables in another language compute nothing again."""
        if not names:
            return self.divergence
        rows = tuple(
            dataclasses.replace(row, element=names.get(row.element_id, row.element)) for row in self.divergence.rows
        )
        return dataclasses.replace(self.divergence, rows=rows)

    def agenda_text(
        self, start: int = 0, stop: int | None = None, t: Translator = ENGLISH, names: dict[str, str] | None = None
    ) -> str:
        """Agenda items ``start:stop`` as plain text, one per line, each followed (indented) by the reasons
        its parties gave for its elements that no earlier item of the text showed: an element's reasons
        come once, under the first pair it is in, not under each of its pairs. ``t``: the reader's translator,
        ``names``: the element names in its language."""
        names = names or {row.element_id: row.element for row in self.divergence.rows}
        lines: list[str] = []
        shown: set = set()
        for i, item in enumerate(self.agenda[:stop]):
            fresh = [r for r in self.agenda_reasons(item) if r not in shown] if self.reasons else []
            shown.update(fresh)
            if i >= start:  # the items before ``start`` only count as shown (the text is split in two)
                lines.append("• " + (item.text if t is ENGLISH else item.sentence(names, t)))
                lines += ["    – " + wording.reason_line(r, names, t) for r in fresh]
        return "\n".join(lines)

    def to_reconsider(self, participant_id: int) -> tuple[Contrast, ...]:
        """For the next round: the elements this participant placed furthest from the other parties in this
        round, with those parties' reasons (``reasons.to_reconsider``); nothing if they did not rank."""
        mine = next((r for r in self.rankings if r.participant_id == participant_id), None)
        return to_reconsider(mine, self.party_orders, self.reasons) if mine else ()

    @property
    def contested_with_reasons(self) -> tuple[tuple[analysis.DivergenceRow, tuple[Reason, ...]], ...]:
        """The elements some party gave a reason for, most contested first, each with its reasons."""
        rows = ((row, self.reasons_for(row.element_id)) for row in self.divergence.rows)
        return tuple((row, why) for row, why in rows if why)


def party_orders(session: Session, rankings) -> dict[str, analysis.PartyConsensus]:
    """Each party's consensus over its members' rankings, in the session's party order."""
    by_party: dict[str, list[list[str]]] = {}
    for r in rankings:
        by_party.setdefault(r.party, []).append(list(r.order))
    return {p.name: analysis.party_consensus(by_party[p.name]) for p in session.parties if p.name in by_party}


def round_results(session: Session, rankings, round_number: int) -> RoundResults:
    """Everything the comparison of one round shows, from that round's current rankings. Each statistic
    is computed once: the headline is worded from the numbers computed here (``wording.headline``)."""
    rankings = tuple(r for r in rankings if r.round == round_number)
    names = session.catalogue.names
    parties = party_orders(session, rankings)
    orders = {name: tuple(pc.order) for name, pc in parties.items()}
    lists = {name: list(o) for name, o in orders.items()}
    divergence = analysis.divergence(lists, names)
    agenda = tuple(analysis.discussion_agenda(lists, names)) if len(lists) >= 2 else ()
    agreement = analysis.agreement_matrix(lists) if len(lists) >= 2 else None
    pair, concordance = _agreement(lists, agenda, agreement)
    return RoundResults(
        round=round_number,
        rankings=rankings,
        party_orders=orders,
        parties=parties,
        divergence=divergence,
        headline=wording.headline(
            list(lists), pair=pair, concordance=concordance, agenda=agenda, divergence=divergence
        ),
        agenda=agenda,
        borda=tuple(analysis.borda_consensus(list(lists.values()))) if lists else (),
        kemeny=tuple(analysis.kemeny_consensus(list(lists.values())))
        if lists and len(session.catalogue) <= analysis.KEMENY_MAX_ELEMENTS
        else (),
        agreement=agreement,
        reasons=of_rankings(rankings),
        pair=pair,
        concordance=concordance,
    )


def _agreement(
    lists: dict[str, list[str]], agenda: tuple[analysis.AgendaItem, ...], agreement: pd.DataFrame | None
) -> tuple[analysis.PairAgreement | None, analysis.KendallsW | None]:
    """The headline's numbers, reusing what the round already computed: for two parties their τ-b (from
    the agreement matrix) and their discordant pairs (the agenda of two parties lists each once), with
    ρ and the footrule; for three or more, Kendall's W with its permutation p-value."""
    if len(lists) == 2 and agreement is not None:
        a, b = lists.values()
        n = len(a)
        pair = analysis.PairAgreement(
            kendall_tau_b=float(agreement.iloc[0, 1]),
            spearman_rho=analysis.spearman_rho(a, b),
            discordant_pairs=len(agenda),
            element_pairs=n * (n - 1) // 2,
            footrule=analysis.footrule(a, b),
            n=n,
        )
        return pair, None
    if len(lists) >= 3:
        return None, analysis.kendalls_w(list(lists.values()), permutations=analysis.HEADLINE_PERMUTATIONS)
    return None, None


def headline(party_orders, names=None, t: Translator = ENGLISH) -> wording.Headline:
    """The agreement headline of some party orders alone (party -> order), outside a round's results (a
    follow-up session's then and now): the same numbers and words as ``round_results``."""
    lists = {party: list(order) for party, order in party_orders.items()}
    two = len(lists) == 2
    agenda = tuple(analysis.discussion_agenda(lists, names)) if two else ()
    divergence = analysis.divergence(lists, names) if len(lists) >= 3 else None
    pair, concordance = _agreement(lists, agenda, analysis.agreement_matrix(lists) if two else None)
    return wording.headline(
        list(lists), pair=pair, concordance=concordance, agenda=agenda, divergence=divergence, t=t, names=names
    )


@dataclass(frozen=True)
class RoundsComparison:
    """How the parties moved and whether agreement grew across rounds (the latest two compared)."""

    trend: pd.DataFrame  # analysis.rounds_trend: W and each pair's tau per round
    previous: int
    latest: int
    before: dict[str, tuple[str, ...]]  # party orders in the previous round
    after: dict[str, tuple[str, ...]]  # and in the latest
    stability: dict[str, float]  # each party's tau between its two orders (1 = did not move)

    @property
    def summary(self) -> str:
        """Whether agreement grew, in words, with Kendall's W of the first and latest round."""
        return self.describe()

    def describe(self, t: Translator = ENGLISH) -> str:
        """``summary`` in ``t``'s language."""
        w = self.trend["kendalls_w"].dropna()
        if len(w) < 2:
            return t.gettext("Agreement across rounds needs at least two parties in two rounds.")
        first, last = float(w.iloc[0]), float(w.iloc[-1])
        verdict = (
            t.gettext("the parties came closer")
            if last - first > 0.05
            else t.gettext("the parties moved apart")
            if last - first < -0.05
            else t.gettext("about the same")
        )
        return t.gettext(
            "Agreement (Kendall's W) went from {first} in round {first_round} to {last} in round {last_round}: "
            "{verdict}.",
            first=t.decimal(first, 2),
            first_round=int(self.trend["round"].iloc[0]),
            last=t.decimal(last, 2),
            last_round=int(self.trend["round"].iloc[-1]),
            verdict=verdict,
        )


def rounds_comparison(session: Session, rankings, rounds: list[int]) -> RoundsComparison | None:
    """Compare the given rounds (two or more, ascending); None when fewer than two have rankings."""
    by_round = {}
    for number in rounds:
        parties = party_orders(session, [r for r in rankings if r.round == number])
        if parties:
            by_round[number] = {name: list(pc.order) for name, pc in parties.items()}
    if len(by_round) < 2:
        return None
    previous, latest = sorted(by_round)[-2:]
    return RoundsComparison(
        trend=analysis.rounds_trend(by_round),
        previous=previous,
        latest=latest,
        before={p: tuple(o) for p, o in by_round[previous].items()},
        after={p: tuple(o) for p, o in by_round[latest].items()},
        stability=analysis.movement(by_round[previous], by_round[latest]),
    )


def element_agenda_order(
    session: Session, rankings, *, facilitator: bool, t: Translator = ENGLISH
) -> tuple[list[str], str]:
    """The elements in the order a discussion of next steps takes them: most contested first in the
    latest round the reader may see, or catalogue order when nothing can be compared yet.
    Returns (element ids, a few words saying which order it is)."""
    for rnd in reversed(session.rounds):
        if not session.results_visible(rnd.number, facilitator=facilitator):
            continue
        res = round_results(session, rankings, rnd.number)
        if res.comparable:
            return [row.element_id for row in res.divergence.rows], t.gettext(
                "divergence in round {round}, most contested first", round=rnd.number
            )
    return list(session.catalogue.ids), t.gettext("the catalogue (no comparison yet)")
