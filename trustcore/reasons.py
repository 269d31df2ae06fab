"""The reasons behind the ranks: a short text a participant may give for any element of their ranking.

Reasons are saved with the ranking they explain (each resubmission saves its own), shown after the reveal
beside the divergence of each contested element, in the discussion agenda, on the presenter screen and in
every export. In a later round a participant sees the other parties' reasons for the elements they ranked
most differently (``to_reconsider``), as Delphi tools do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .catalogue import Catalogue
from .errors import InvalidInput, Phrase
from .i18n import N_
from .model import Ranking
from .text import clean_line

REASON_MAX = 280  # characters: a sentence or two, readable beside a chart or on a projector


@dataclass(frozen=True)
class Reason:
    """One participant's reason for the place they gave one element."""

    element_id: str
    party: str
    participant: str  # the name, or "Participant N" where the reader may not see names
    rank: int  # the place they gave it (1 = most important)
    text: str


def clean(reasons: Mapping[str, object] | None, catalogue: Catalogue) -> dict[str, str]:
    """The reasons as stored: element id -> one tidy line, in catalogue order, empty ones left out.

    InvalidInput (and nothing saved) for an element the session does not rank, or a reason longer than
    REASON_MAX characters; the message names the element."""
    if reasons is None:
        return {}
    if not isinstance(reasons, Mapping):
        raise InvalidInput(N_("Give reasons per element."))
    names = catalogue.names
    if any(e not in names for e in reasons):
        raise InvalidInput(N_("A reason was given for an element this session does not rank."))
    out: dict[str, str] = {}
    for eid in catalogue.ids:
        if eid in reasons:
            text = clean_line(
                reasons[eid],
                field=Phrase(N_("The reason for {element}"), element=catalogue[eid].phrase),
                max_len=REASON_MAX,
                required=False,
            )
            if text:
                out[eid] = text
    return out


def of_rankings(rankings: Iterable[Ranking]) -> tuple[Reason, ...]:
    """Every reason of these rankings, in their order (party, then join order), each ranking's in its order."""
    return tuple(
        Reason(eid, r.party, r.participant, rank, r.reasons[eid])
        for r in rankings
        for rank, eid in enumerate(r.order, start=1)
        if eid in r.reasons
    )


def for_elements(
    reasons: Iterable[Reason], element_ids: Iterable[str], parties: Iterable[str] | None = None
) -> tuple[Reason, ...]:
    """The reasons given for these elements (by these parties only, if given), elements in the order given."""
    wanted = list(dict.fromkeys(element_ids))
    allowed = None if parties is None else set(parties)
    pool = [r for r in reasons if allowed is None or r.party in allowed]
    return tuple(r for eid in wanted for r in pool if r.element_id == eid)


@dataclass(frozen=True)
class Contrast:
    """An element a participant ranked far from the other parties, with those parties' reasons for it."""

    element_id: str
    my_rank: int
    their_ranks: dict[str, int]  # other party -> the place its consensus gave the element
    reasons: tuple[Reason, ...]  # the other parties' reasons for it

    @property
    def gap(self) -> float:
        """How far the participant's place is from the other parties' mean place."""
        return abs(self.my_rank - sum(self.their_ranks.values()) / len(self.their_ranks))


def to_reconsider(
    mine: Ranking, party_orders: Mapping[str, tuple[str, ...]], reasons: Iterable[Reason], *, limit: int = 3
) -> tuple[Contrast, ...]:
    """The ``limit`` elements ``mine`` (a previous round's ranking) placed furthest from the other parties'
    orders, most different first, with the other parties' reasons for each. Elements placed where the
    others put them are left out; nothing when no other party ranked."""
    others = {party: order for party, order in party_orders.items() if party != mine.party}
    if not others:
        return ()
    pool = [r for r in reasons if r.party != mine.party]
    contrasts = []
    for rank, eid in enumerate(mine.order, start=1):
        theirs = {party: order.index(eid) + 1 for party, order in others.items() if eid in order}
        if not theirs:
            continue
        contrasts.append(Contrast(eid, rank, theirs, tuple(r for r in pool if r.element_id == eid)))
    contrasts.sort(key=lambda c: (-c.gap, c.my_rank))
    return tuple(c for c in contrasts if c.gap > 0)[:limit]
