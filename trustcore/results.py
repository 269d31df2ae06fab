"""What a round's comparison shows, computed once from the stored rankings.

Pages and exports call ``round_results`` and lay out its fields; no statistics live in a page.
A party with several members is represented by their exact Kemeny consensus (see
``analysis.party_consensus``); parties with no submission yet are left out until they submit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import analysis, wording
from .model import Ranking, Session
from .reasons import Contrast, Reason, for_elements, of_rankings, to_reconsider


@dataclass(frozen=True)
class RoundResults:
    round: int
    rankings: tuple[Ranking, ...]
    party_orders: dict[str, tuple[str, ...]]  # party name -> its order (session party order)
    parties: dict[str, analysis.PartyConsensus]
    divergence: analysis.Divergence
    headline: wording.Headline
    agenda: tuple[analysis.AgendaItem, ...]
    borda: tuple[str, ...]
    kemeny: tuple[str, ...]  # empty when the catalogue is too long for the exact consensus
    agreement: pd.DataFrame | None  # party x party Kendall tau-b, when two or more parties submitted
    reasons: tuple[Reason, ...] = ()  # every reason given with these rankings (party, then join order)

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

    def agenda_text(self, start: int = 0, stop: int | None = None) -> str:
        """Agenda items ``start:stop`` as plain text, one per line, each followed (indented) by the reasons
        its parties gave for its elements that no earlier item of the text showed: an element's reasons
        come once, under the first pair it is in, not under each of its pairs."""
        names = {row.element_id: row.element for row in self.divergence.rows}
        lines: list[str] = []
        shown: set = set()
        for i, item in enumerate(self.agenda[:stop]):
            fresh = [r for r in self.agenda_reasons(item) if r not in shown] if self.reasons else []
            shown.update(fresh)
            if i >= start:  # the items before ``start`` only count as shown (the text is split in two)
                lines.append("• " + item.text)
                lines += ["    – " + wording.reason_line(r, names) for r in fresh]
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
    """Everything the comparison of one round shows, from that round's current rankings."""
    rankings = tuple(r for r in rankings if r.round == round_number)
    names = session.catalogue.names
    parties = party_orders(session, rankings)
    orders = {name: tuple(pc.order) for name, pc in parties.items()}
    lists = {name: list(o) for name, o in orders.items()}
    return RoundResults(
        round=round_number,
        rankings=rankings,
        party_orders=orders,
        parties=parties,
        divergence=analysis.divergence(lists, names),
        headline=wording.headline(lists, names),
        agenda=tuple(analysis.discussion_agenda(lists, names)) if len(lists) >= 2 else (),
        borda=tuple(analysis.borda_consensus(list(lists.values()))) if lists else (),
        kemeny=tuple(analysis.kemeny_consensus(list(lists.values())))
        if lists and len(session.catalogue) <= analysis.KEMENY_MAX_ELEMENTS
        else (),
        agreement=analysis.agreement_matrix(lists) if len(lists) >= 2 else None,
        reasons=of_rankings(rankings),
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
        w = self.trend["kendalls_w"].dropna()
        if len(w) < 2:
            return "Agreement across rounds needs at least two parties in two rounds."
        first, last = float(w.iloc[0]), float(w.iloc[-1])
        verdict = (
            "the parties came closer"
            if last - first > 0.05
            else "the parties moved apart"
            if last - first < -0.05
            else "about the same"
        )
        return (
            f"Agreement (Kendall's W) went from {first:.2f} in round {int(self.trend['round'].iloc[0])} "
            f"to {last:.2f} in round {int(self.trend['round'].iloc[-1])}: {verdict}."
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


def element_agenda_order(session: Session, rankings, *, facilitator: bool) -> tuple[list[str], str]:
    """The elements in the order a discussion of next steps takes them: most contested first in the
    latest round the reader may see, or catalogue order when nothing can be compared yet.
    Returns (element ids, a few words saying which order it is)."""
    for rnd in reversed(session.rounds):
        if not session.results_visible(rnd.number, facilitator=facilitator):
            continue
        res = round_results(session, rankings, rnd.number)
        if res.comparable:
            return [
                row.element_id for row in res.divergence.rows
            ], f"divergence in round {rnd.number}, most contested first"
    return list(session.catalogue.ids), "the catalogue (no comparison yet)"
