"""A view: what one token lets its holder see and do in one session, resolved once.

``Store.open(code, token)`` answers "who is this?" a single time, for a page rerun, a download or a
command: the facilitator or one participant (the survey link grants only the survey, through
``followup.survey``). The view then
checks each action against the rights table (``view.require``) without another lookup, opens the write
transaction that re-reads the session (``view.write``) and the one read snapshot that exports are built
from (``view.snapshot``). ``ui/context.py`` opens one per rerun.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import db as dbmod
from . import rights
from .model import Actor, Participant, Role, Session
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

    def require(self, action: Action, *, party_id: int | None = None, round_number: int | None = None) -> Actor:
        """The actor, once the rights table allows them ``action`` now (AccessDenied or NotAllowedNow)."""
        rights.ensure(self.actor, action, party_id=party_id, round_number=round_number)
        return self.actor

    @contextlib.contextmanager
    def write(self, action: Action, *, party_id: int | None = None) -> Iterator[tuple[Any, Session]]:
        """A write transaction for ``action``: yields (connection, the session re-read inside it), with the
        right checked again on what was re-read (a lock or a second tab may have come first)."""
        with self.store.write_as(self.session.code, self.token, action, party_id=party_id) as (db, session):
            yield db, session

    def snapshot(self):
        """One read transaction: every read inside it sees the same committed state (exports)."""
        return dbmod.snapshot(self.store.path)
