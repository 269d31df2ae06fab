"""A view: what one link lets its holder see and do in one session, resolved once.

``Store.open(code, token)`` answers "who is this?" a single time (``Store.identify``, the one place that
turns a token into its holder), for a page rerun, a download or a command: the facilitator, one
participant, the share link (``token`` None), the survey link or the presenter link. The view then
checks each action against the rights table (``view.require``) without another lookup, says what its
holder may see of a round's results (``view.results_reader``: the class shared caches are keyed by),
opens the write transaction that re-reads the session (``view.write``) and the one read snapshot that
exports are built from (``view.snapshot``). ``ui/context.py`` opens one per rerun.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import anonymity, limits, rights
from . import db as dbmod
from .catalogue import Catalogue
from .errors import AccessDenied, NotAllowedNow
from .model import (
    Actor,
    Event,
    Joined,
    MyRound,
    Participant,
    Progress,
    Ranking,
    Role,
    Round,
    RoundStatus,
    Session,
    Submission,
)
from .results import RoundResults, round_results
from .rights import Action

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class View:
    store: Store
    actor: Actor
    token: str | None  # None: the share link (the code alone)

    @property
    def role(self) -> Role:
        return rights.role_of(self.actor)

    @property
    def session(self) -> Session:
        return self.actor.session

    @property
    def participant(self) -> Participant | None:
        return self.actor.participant

    def reopened(self) -> View:
        """The same link opened again: its holder and session as stored now (after a change of this run's)."""
        return self.store.open(self.session.code, self.token)

    def require(self, action: Action, *, party_id: int | None = None, round_number: int | None = None) -> Actor:
        """The actor, once the rights table allows them ``action`` now (AccessDenied or NotAllowedNow)."""
        rights.ensure(self.actor, action, party_id=party_id, round_number=round_number)
        return self.actor

    def results_reader(self, number: int) -> str:
        """Whether this holder may see round ``number``'s results now, and as whom: "names" (people's
        stored names) or "masked" ("Participant N" where the session hides names from participants). The
        facilitator and participants need ``SEE_RESULTS`` for that round; the presenter screen shows what
        the room may see, once the round is revealed (``PRESENT``). AccessDenied or NotAllowedNow otherwise.
        Shared caches of results are keyed by this value, never by who asked first."""
        if self.role is Role.PRESENTER:
            self.require(Action.PRESENT)
            if self.session.get_round(number).status is not RoundStatus.REVEALED:
                raise NotAllowedNow(rights.NOT_YET)
        else:
            self.require(Action.SEE_RESULTS, round_number=number)
        return "names" if anonymity.shows_names(self.session, facilitator=self.actor.is_facilitator) else "masked"

    @contextlib.contextmanager
    def write(self, action: Action, *, party_id: int | None = None) -> Iterator[tuple[Any, Session]]:
        """A write transaction for ``action``: yields (connection, the session re-read inside it), with the
        right checked again on what was re-read (a lock or a second tab may have come first)."""
        with self.store.write_as(self.session.code, self.token, action, party_id=party_id) as (db, session):
            yield db, session

    # ------------------------------------------------------------------ the session's actions, for this holder
    # Each goes to the store with this view's link, which checks the rights table (and re-resolves the link
    # inside its write transaction); pages and the CLI call these, never the store with a code and a token.
    # The round actions carry the round the page showed (``round_number``): refused once another is current.

    def lock(self, *, round_number: int) -> Session:
        return self.store.lock(self.session.code, self.token, round_number=round_number)

    def unlock(self, *, round_number: int) -> Session:
        return self.store.unlock(self.session.code, self.token, round_number=round_number)

    def reveal(self, *, round_number: int) -> Session:
        return self.store.reveal(self.session.code, self.token, round_number=round_number)

    def next_round(self, *, round_number: int) -> Session:
        return self.store.next_round(self.session.code, self.token, round_number=round_number)

    def replace_catalogue(self, catalogue: Catalogue) -> Session:
        return self.store.replace_catalogue(self.session.code, self.token, catalogue)

    def delete(self) -> None:
        self.store.delete_session(self.session.code, self.token)

    def change_marker(self) -> tuple:
        """A fingerprint of everything the session's pages show: equal markers, nothing changed (``SEE_SESSION``;
        every holder may watch the session it holds a link to)."""
        self.require(Action.SEE_SESSION)
        return self.store._change_marker(self.session.code)

    def current_round(self) -> Round:
        """The current round, its timer included, in one cheap query: what open pages poll (``SEE_SESSION``)."""
        self.require(Action.SEE_SESSION)
        return self.store._current_round(self.session.code)

    def results(self, number: int, reader: str | None = None) -> RoundResults:
        """Round ``number``'s results as this holder may see them (``results_reader``: with people's names, or
        with "Participant N" where the session hides names from this holder), from the session as stored now.
        ``reader`` asks for a class this holder may see, for a cache shared by that class: "masked" always
        is ("names" seen as the room sees them), "names" only by a holder who sees names."""
        allowed = self.results_reader(number)
        reader = reader or allowed
        if reader not in ("names", "masked") or (reader == "names" and allowed != "names"):
            raise AccessDenied(rights.DENIED)
        masked = reader == "masked"
        session = self.store._session(self.session.code)
        return round_results(session, self.store._rankings(session.code, number, masked=masked), number)

    def events(self) -> list[Event]:
        return self.store.events(self.session.code, self.token)

    def progress(self) -> Progress:
        """Who has joined and who has submitted (``SEE_PROGRESS``)."""
        return self.store.facilitator_progress(self.session.code, self.token)

    def visible_rankings(self, round_number: int | None = None) -> list[Ranking]:
        return self.store.visible_rankings(self.session.code, self.token, round_number)

    def join(self, party_id: int, name: str = "", *, client: str | None = None) -> Joined:
        """Join a party through the share link (``JOIN``); ``client`` (``limits.client_address``, as the page
        sees it) is held to ``limits.JOINS`` first."""
        if client is not None:
            limits.JOINS.admit(client)
        return self.store.join(self.session.code, party_id, name)

    def submit(self, order, reasons=None, *, round_number: int) -> Submission:
        return self.store.submit(self.session.code, self.token, order, reasons, round_number=round_number)

    def _me(self) -> Participant:
        if self.participant is None:
            raise AccessDenied(rights.DENIED)
        return self.participant

    def my_round(self) -> MyRound:
        """The current round and this participant's ranking in it (what their ranking page polls)."""
        return self.store._my_round(self.session.code, self._me())

    def my_ranking(self, round_number: int) -> Ranking | None:
        return self.store._my_ranking(self._me(), round_number)

    def start_order(self, round_number: int) -> tuple[str, ...]:
        return self.store._start_order(self._me(), round_number)

    def snapshot(self):
        """One read transaction: every read inside it sees the same committed state (exports)."""
        return dbmod.snapshot(self.store.path)
