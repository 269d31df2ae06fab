"""Who a document is for, and so what it may carry: ONE decision the report, the workbook, the worksheet
and the CSV downloads all read (no Streamlit here).

- ``FACILITATOR``: the facilitator's full copy: every round (revealed or not), entries marked internal,
  the names the facilitator sees, the session code (which lets anyone join: keep it private).
- ``PARTICIPANT``: a participant's own copy: only rounds participants may see, people as the session
  lets participants see them (``anonymity.shows_names``), their own party's internal entries (the rights
  filter the others), no session code.
- ``SHAREABLE``: a copy for people outside the session (stakeholders, a board): only rounds participants
  may see, no entry marked internal, no session code or link, and no participant's, respondent's or
  next-step owner's name ("Participant N", "Respondent N", the owner's party only), unless the session
  shows names (``Anonymity.NAMED``) and the facilitator chose to include them.
- ``STAKEHOLDER``: the holder of the survey link (``stakeholder()``), and the facilitator's preview of what
  that holder sees: the shareable rules, never names, and of the worksheet only the columns the facilitator
  chose to show with the survey (``followup.survey_documents``); of a linked organisation workspace's
  internal worksheet (Activity 2), likewise only fields not marked internal (``shows_entry``).
- ``WORKSPACE``: an organisation workspace's link reading the sessions linked to it (``workspace()``,
  ``trustcore.relationships``). It is none of those sessions' links, not their facilitator: only rounds
  whose results were revealed (not an open round of a live session, whose numbers still move), no entry
  marked internal, no person's name (participants, next steps' owners), and never a session code or link
  (a code lets anyone join). What it reads of a session is its title, date, number of rounds, party
  names, its partner organisation, each revealed round's agreement headline, and its next steps' words,
  owning party, due date, status and the parties that agreed.
- ``ORGANISATION``: an organisation workspace's own documents (``organisation()``: its workbook and printable
  report, ``trustcore.workspace_workbook``/``workspace_report``) for the holder of its link: every field of its
  internal worksheet (Activity 2), internal ones marked as such. Its shareable copy (``organisation(shareable=
  True)``, reader ``SHAREABLE``) is for people outside the organisation (stakeholders, a partner, a board):
  no field marked internal (Activity 2; the ecosystem map's internal actors and flows, and every flow to an
  internal actor: ``ecosystem.EcosystemMap.shareable``, what a survey shows of the map), and nothing that
  names a person or opens anything: no link, token or session code, no participant's or next step's owner's
  name. Either copy reads the linked sessions as ``WORKSPACE`` does (revealed rounds, no names, no codes), so
  the relationships and Column E across them are the same in both; Activity 1 (every version of the ranking,
  its date and where it came from: typed in, or a co-ranking session's title and round) is in both too.

A shareable copy never carries more than its maker may see: a participant's shareable copy is the
participant's copy with the shareable rules on top.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Iterable
from typing import Any, Protocol, TypeVar

from . import anonymity
from .model import Anonymity, RoundStatus, Session

RESPONDENT = "Respondent {n}"
T = TypeVar("T")
A = TypeVar("A", bound="_Answer")


class _Entry(Protocol):
    @property
    def internal(self) -> bool: ...


class _Answer(Protocol):
    @property
    def respondent(self) -> str: ...


class Reader(enum.Enum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    SHAREABLE = "shareable"
    STAKEHOLDER = "stakeholder"
    WORKSPACE = "workspace"
    ORGANISATION = "organisation"


@dataclasses.dataclass(frozen=True)
class Audience:
    """What one document may carry (build it with ``of``)."""

    reader: Reader
    participant_names: bool  # participants' stored names; else "Participant N"
    other_names: bool  # survey respondents' names and next steps' owner persons; else left out
    all_rounds: bool  # rounds participants may not see yet (the facilitator's full copy only)

    @property
    def shareable(self) -> bool:
        """Entries marked internal are left out (``worksheet_entries.worksheet(shareable=True)``)."""
        return self.reader in (Reader.SHAREABLE, Reader.STAKEHOLDER, Reader.WORKSPACE)

    def shows_entry(self, entry: _Entry) -> bool:
        """Whether a worksheet entry (Column B or C) may appear: never an internal one in a shareable copy
        or to a stakeholder (what a participant sees of other parties' internal entries the rights decide)."""
        return not (entry.internal and self.shareable)

    @property
    def session_code(self) -> bool:
        """Whether the session code (a key: anyone holding it can join) may be printed."""
        return self.reader is Reader.FACILITATOR

    def sees_round(self, session: Session, number: int) -> bool:
        """Whether this document may show round ``number`` (its rankings, comparison, agenda, reasons,
        statistics, and the consensus that orders Column A). The workspace reads revealed rounds only."""
        if self.reader is Reader.WORKSPACE:
            return any(r.number == number and r.status is RoundStatus.REVEALED for r in session.rounds)
        return session.results_visible(number, facilitator=self.all_rounds)

    def respondents(self, answers: Iterable[A]) -> list[A]:
        """Survey answers with each respondent's name, or "Respondent N" (N: order of first answer)."""
        answers = list(answers)
        if self.other_names:
            return answers
        numbers: dict[str, int] = {}
        for a in answers:
            numbers.setdefault(a.respondent, len(numbers) + 1)
        return [_replace(a, respondent=RESPONDENT.format(n=numbers[a.respondent])) for a in answers]

    def next_steps(self, steps: Iterable[T]) -> list[T]:
        """Next steps with their owner person, or with the owning party only."""
        steps = list(steps)
        return steps if self.other_names else [_replace(s, owner_person="") for s in steps]


def _replace(record: T, **changes: Any) -> T:
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


def of(session: Session, *, facilitator: bool, shareable: bool = False, names: bool = False) -> Audience:
    """The audience of a document made by the facilitator or a participant; ``shareable`` for a copy that
    leaves the session; ``names`` includes people's names in it, honoured only for the facilitator of a
    session that shows names."""
    if shareable:
        named = names and facilitator and session.anonymity is Anonymity.NAMED
        return Audience(Reader.SHAREABLE, participant_names=named, other_names=named, all_rounds=False)
    if facilitator:
        return Audience(Reader.FACILITATOR, participant_names=True, other_names=True, all_rounds=True)
    return Audience(
        Reader.PARTICIPANT,
        participant_names=anonymity.shows_names(session, facilitator=False),
        other_names=True,
        all_rounds=False,
    )


def stakeholder() -> Audience:
    """The survey link's holder (and the facilitator's preview of the survey): the shareable rules, no names."""
    return Audience(Reader.STAKEHOLDER, participant_names=False, other_names=False, all_rounds=False)


def workspace() -> Audience:
    """An organisation workspace's link reading a session linked to it (``trustcore.relationships``): revealed
    rounds only, no names, no internal entries, no session code (see the module's docstring)."""
    return Audience(Reader.WORKSPACE, participant_names=False, other_names=False, all_rounds=False)


def organisation(*, shareable: bool = False) -> Audience:
    """An organisation workspace's own workbook and report (see the module's docstring): the workspace link's
    full copy (internal fields included, marked) or, ``shareable``, the copy for people outside the
    organisation (no internal field, no names, no link or code)."""
    reader = Reader.SHAREABLE if shareable else Reader.ORGANISATION
    return Audience(reader, participant_names=False, other_names=False, all_rounds=False)


def may_include_names(session: Session, *, facilitator: bool) -> bool:
    """Whether a shareable copy may carry names at all (the option the facilitator is offered)."""
    return facilitator and session.anonymity is Anonymity.NAMED


def reader_class(
    session: Session,
    *,
    facilitator: bool,
    party_id: int | None,
    internal_parties: Collection[int] = (),
    shareable: bool = False,
    names: bool = False,
) -> tuple[Audience, int | None]:
    """The class of reader a document is built for: everything besides the session's state that its
    content depends on. Two readers of one class get the same file, so a file built for one is shared
    with the others (``trustcore.shelf``), and never with a reader of another class.

    The class is the ``Audience`` (``of``), and for a participant's own copy their party when that party
    marked entries internal (``internal_parties``): the copy carries their own party's internal entries,
    and nothing else sets it apart from another party's member's. It is never the person: a participant's
    own copy shows every ranking alike (names, or "Participant N") and marks none as theirs. A document
    that came to carry something of its reader alone (their own ranking marked, their name) would have to
    add it here; ``tests/test_download_sharing.py`` compares the shared file with one built for its
    reader alone, for every holder, and fails if two readers of one class ever need different files."""
    seen = of(session, facilitator=facilitator, shareable=shareable, names=names)
    own_entries = seen.reader is Reader.PARTICIPANT and party_id in internal_parties
    return seen, (party_id if own_entries else None)
