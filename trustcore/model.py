"""The domain model: plain frozen dataclasses, built by ``store`` from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from . import clock
from .catalogue import Catalogue

MIN_PARTIES, MAX_PARTIES = 2, 12
DEFAULT_JOIN_CAP = 200  # a full room and then some; the facilitator may choose 1 to 2000 (trustcore.joining)
STATUSES = ("proposed", "agreed", "in progress", "done")


class RoundStatus(StrEnum):
    """Where a round is (a ``StrEnum``: it is stored, logged and compared as its text)."""

    OPEN = "open"  # rankings accepted
    LOCKED = "locked"  # no more changes
    REVEALED = "revealed"  # results shown to everyone


class Anonymity(StrEnum):
    """Who sees people's names (a session setting chosen at creation; ``trustcore.anonymity``)."""

    NAMED = "named"  # everyone sees names
    HIDDEN = "hidden"  # participants see other people as "Participant N"; the facilitator sees names
    ANONYMOUS = "anonymous"  # no names are asked or stored: everyone, the facilitator too, sees parties


class Role(StrEnum):
    """Who a browser tab is, from the link it holds (see ``ui/context.py``; rights in ``trustcore/rights.py``)."""

    VISITOR = "visitor"  # no session: the start page
    JOINER = "joiner"  # the share link: may join a party
    PARTICIPANT = "participant"  # a personal link
    FACILITATOR = "facilitator"  # the facilitator link
    STAKEHOLDER = "stakeholder"  # the survey link
    PRESENTER = "presenter"  # the presenter link: the projector's screen, view only
    WORKSPACE = "workspace"  # an organisation workspace's link (trustcore.workspace), no session's


@dataclass(frozen=True)
class Party:
    id: int
    position: int  # 0-based; fixes the party's colour everywhere
    name: str
    members: tuple[str, ...] = ()  # expected members, when the facilitator listed them


@dataclass(frozen=True)
class Round:
    number: int
    opened_at: str
    locked_at: str | None = None
    revealed_at: str | None = None
    timer_ends_at: str | None = None  # when the round timer runs out (the server's clock, UTC), if one runs
    timer_locks: bool = False  # whether the round locks itself when it does

    @property
    def time_is_up(self) -> bool:
        """A timer ran and has run out (by the server's clock)."""
        return bool(self.timer_ends_at) and clock.now() >= str(self.timer_ends_at)

    @property
    def status(self) -> RoundStatus:
        if self.revealed_at:
            return RoundStatus.REVEALED
        if self.locked_at or (self.timer_locks and self.time_is_up):
            return RoundStatus.LOCKED
        return RoundStatus.OPEN

    @property
    def shown(self) -> tuple:
        """What a page shows of the round, at this moment: (number, status, timer end). Pages that drew one
        value redraw when a poll reads another (a new round, a lock, the timer's too, a reveal)."""
        return (self.number, self.status, self.timer_ends_at)

    def seconds_left(self) -> int | None:
        """Whole seconds until the timer runs out (0 once it has), or None without a timer."""
        if not self.timer_ends_at:
            return None
        return max(0, clock.seconds_until(self.timer_ends_at))


@dataclass(frozen=True)
class Session:
    id: int
    code: str
    title: str
    our_org: str
    partner_org: str
    flows: str
    blind: bool  # results hidden from participants until the facilitator reveals them
    current_round: int
    catalogue: Catalogue
    created_at: str
    parties: tuple[Party, ...]
    rounds: tuple[Round, ...]
    join_cap: int = DEFAULT_JOIN_CAP  # at most this many participants
    joining_open: bool = True  # the facilitator may close joining
    agenda_item: int = 0  # the discussion agenda's item the presenter screen shows (trustcore.presenter)
    anonymity: Anonymity = Anonymity.NAMED  # who sees people's names (chosen at creation, never changed)

    @property
    def round(self) -> Round:
        return self.rounds[-1]

    def party(self, party_id: int) -> Party:
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def get_round(self, number: int) -> Round:
        for r in self.rounds:
            if r.number == number:
                return r
        raise KeyError(number)

    def results_visible(self, number: int | None = None, *, facilitator: bool = False) -> bool:
        """Whether comparisons of a round may be shown: always to the facilitator; to participants when
        the session is live (not blind) or the round was revealed."""
        if facilitator or not self.blind:
            return True
        return self.get_round(number or self.current_round).status is RoundStatus.REVEALED


@dataclass(frozen=True)
class Participant:
    id: int
    session_id: int
    party_id: int
    party: str
    name: str
    start_order: tuple[str, ...]
    joined_at: str


@dataclass(frozen=True)
class Ranking:
    participant_id: int
    participant: str
    party_id: int
    party: str
    round: int
    order: tuple[str, ...]
    start_order: tuple[str, ...]
    submitted_at: str
    reasons: dict[str, str] = field(default_factory=dict)  # element id -> why it is there (optional, short)


@dataclass(frozen=True)
class Actor:
    """Whoever holds a link to a session, as ``Store.authorise`` resolved it: its ``role`` (which link it is)
    and, for a personal link, the participant. The share link (the code alone) makes a ``JOINER``."""

    session: Session
    participant: Participant | None
    role: Role

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.FACILITATOR

    @property
    def label(self) -> str:
        """How the event log names them."""
        if self.participant is not None:
            return f"participant:{self.participant.id}"
        return {Role.STAKEHOLDER: "survey", Role.PRESENTER: "presenter", Role.JOINER: "share link"}.get(
            self.role, "facilitator"
        )

    def may_act_for(self, party_id: int) -> bool:
        """The facilitator acts for every party; a participant only for their own; nobody else for any."""
        if self.role is Role.FACILITATOR:
            return True
        return self.participant is not None and self.participant.party_id == party_id


@dataclass(frozen=True)
class MyRound:
    """What a participant's ranking page shows about the current round."""

    number: int
    status: RoundStatus
    ranking: Ranking | None  # their current ranking in this round, if they submitted one


@dataclass(frozen=True)
class Submission:
    ranking: Ranking
    replaced: bool  # an earlier order of this round was replaced (it stays in the history)
    unchanged: bool  # the same order was already stored (double click): nothing new was written


@dataclass(frozen=True)
class Created:
    session: Session
    facilitator_token: str


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str


@dataclass(frozen=True)
class ParticipantStatus:
    participant: Participant
    submitted_at: str | None  # in the current round


@dataclass(frozen=True)
class Progress:
    round: Round
    participants: tuple[ParticipantStatus, ...]

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.participants if p.submitted_at)

    def parties_submitted(self, session: Session) -> dict[str, tuple[int, int]]:
        """Per party name: (submitted, joined)."""
        out = {p.name: (0, 0) for p in session.parties}
        for st in self.participants:
            done, joined = out[st.participant.party]
            out[st.participant.party] = (done + bool(st.submitted_at), joined + 1)
        return out


@dataclass(frozen=True)
class SessionSummary:
    code: str
    title: str
    parties: int
    participants: int
    current_round: int
    created_at: str


@dataclass(frozen=True)
class Event:
    at: str
    actor: str
    action: str
    detail: dict = field(default_factory=dict)
