"""Who a link makes its holder: the one place a token is turned into its holder (``Access.identify``), the
rights checked against the table, and the write transaction that checks them again."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, cast

from .. import db as dbmod
from .. import rights, signin, tokens
from ..errors import AccessDenied, LinkRemoved, NotFound
from ..model import (
    Actor,
    Participant,
    Role,
    Session,
)
from ..rights import Action
from ..view import View
from ..workspace import Workspace, WorkspaceView, workspace_row
from .rows import _LINK_COLUMNS, DENIED, REMOVED, UNKNOWN_CODE, _participant, _removed_link
from .sessions import Sessions

if TYPE_CHECKING:
    from . import Store


class Access(Sessions):
    def authorise(self, code: str | None, token: str | None) -> Actor:
        """Who this link makes its holder in the session (``resolve``, on a connection of its own).

        Inside a unit of work (a page rerun) each link is resolved once, until the unit writes
        (``db.remembered``)."""
        memory = dbmod.remembered(self.path)
        key = ("actor", code, token)
        if memory is not None and key in memory:
            return memory[key]
        with dbmod.connection(self.path) as db:
            actor = self.resolve(db, code, token)
        if memory is not None:
            memory[key] = actor
        return actor

    def resolve(self, db, code: str | None, token: str | None, *, fresh: bool = False) -> Actor:
        """The holder of a link, read on the connection ``db``: ``identify``, with the session.
        ``fresh``: read the session again rather than the unit's copy (a writer, inside its transaction,
        so a link replaced or a person removed a moment ago grants nothing)."""
        clean = tokens.normalise_code(code)
        session_of = self.load_session if fresh else self._session_of_unit
        if token is None:  # the share link: the code alone
            if clean is None:
                raise NotFound(UNKNOWN_CODE)
            return Actor(session_of(db, clean), None, Role.JOINER)
        role, participant = self.identify(db, clean, token)
        return Actor(session_of(db, str(clean)), participant, role)

    def identify(self, db, code: str | None, token: str | None) -> tuple[Role, Participant | None]:
        """The one place that turns a token into its holder: which link it is in the session with the
        (normalised) ``code``, and the participant for a personal link.

        The token is compared, in constant time, with the session's facilitator, survey and presenter
        tokens, then with its participants' personal tokens. AccessDenied, with one message whether or
        not the session exists, for anything else (an expired session too); LinkRemoved for a personal
        link the facilitator removed.

        A ``signin.SignedIn`` address (a signed-in user opening a session without its link) makes its
        holder the facilitator of a session that address owns (``owner_email``), and nothing else."""
        if isinstance(token, signin.SignedIn):
            return self._signed_in(db, code, token), None
        if code is None or not tokens.looks_like_token(token):
            raise AccessDenied(DENIED)
        row = next(iter(db.query("SELECT * FROM sessions WHERE code = ?", [code])), None)
        if row is None or self._expired(row["created_at"]):
            raise AccessDenied(DENIED)
        for role, column in _LINK_COLUMNS:  # a database before m002/m007 lacks a column: no such link
            if tokens.token_matches(token, row.get(column)):
                return role, None
        person = next(
            iter(
                db.query(
                    """SELECT q.*, p.name AS party FROM participants q JOIN parties p ON p.id = q.party_id
                       WHERE q.token_hash = ? AND q.session_id = ?""",
                    [tokens.hash_token(str(token)), row["id"]],
                )
            ),
            None,
        )
        if person is not None and tokens.token_matches(token, person["token_hash"]):
            return Role.PARTICIPANT, _participant(person)
        if self._removed(db, code, str(token)):
            raise LinkRemoved(REMOVED)
        raise AccessDenied(DENIED)

    def identify_workspace(self, db, workspace_id, token) -> Workspace:
        """The same door for an organisation workspace's link (``?workspace=<id>&org=<token>``): the
        workspace whose token hash ``token`` matches (constant time), or, for a ``signin.SignedIn`` address,
        the workspace that address owns. AccessDenied with the one message of any wrong link otherwise."""
        try:
            wid = int(workspace_id)
        except (TypeError, ValueError):
            raise AccessDenied(DENIED) from None
        row = next(iter(db.query("SELECT * FROM workspaces WHERE id = ?", [wid])), None)
        if isinstance(token, signin.SignedIn):
            if row is None or row.get("owner_email") != token.email:
                raise AccessDenied(DENIED)
        elif not tokens.token_matches(token, row["token_hash"] if row else None):
            raise AccessDenied(DENIED)
        return workspace_row(row)

    def open_workspace(self, workspace_id, token) -> WorkspaceView:
        """The view an organisation workspace's link gives (``identify_workspace``), once it may see it."""
        with dbmod.connection(self.path) as db:
            workspace = self.identify_workspace(db, workspace_id, token)
        rights.ensure_role(Role.WORKSPACE, Action.SEE_WORKSPACE)
        return WorkspaceView(cast("Store", self), workspace, token)

    def _signed_in(self, db, code: str | None, user: signin.SignedIn) -> Role:
        """The facilitator, if ``user`` owns the live session ``code``; AccessDenied (one message) otherwise."""
        row = next(iter(db.query("SELECT * FROM sessions WHERE code = ?", [code])), None) if code else None
        if row is None or self._expired(row["created_at"]) or row.get("owner_email") != user.email:
            raise AccessDenied(DENIED)
        return Role.FACILITATOR

    def facilitator(self, code: str | None, token: str | None) -> Session:
        """The session, if ``token`` is its facilitator token; AccessDenied (one message) otherwise."""
        actor = self.authorise(code, token) if token else None
        if actor is None or actor.role is not Role.FACILITATOR:
            raise AccessDenied(DENIED)
        return actor.session

    def participant(self, code: str | None, token: str | None) -> Participant:
        """The participant this personal token belongs to, in this session; AccessDenied otherwise."""
        actor = self.authorise(code, token) if token else None
        if actor is None or actor.participant is None:
            raise AccessDenied(DENIED)
        return actor.participant

    def open(self, code: str | None, token: str | None) -> View:
        """The view this link gives of the session (``token`` None: the share link): who its holder is,
        resolved once (AccessDenied, with one message whether or not the session exists, for a wrong
        token; NotFound for an unknown code with no token)."""
        actor = self.authorise(code, token)
        rights.ensure(actor, Action.SEE_SESSION)
        return View(cast("Store", self), actor, token)  # a Store: Access is one of its parts

    def require(
        self,
        code: str | None,
        token: str | None,
        action: Action,
        *,
        party_id: int | None = None,
        round_number: int | None = None,
    ) -> Actor:
        """Who the token makes its holder, once ``trustcore.rights`` allows them ``action`` now.

        AccessDenied (one message, whether or not the session exists) for a token without the right;
        NotAllowedNow for a right that waits for a reveal or ended with the round's lock."""
        actor = self.authorise(code, token)
        rights.ensure(actor, action, party_id=party_id, round_number=round_number)
        return actor

    @contextlib.contextmanager
    def write_as(self, code: str, token: str | None, action: Action, *, party_id: int | None = None):
        """``require`` the right, then open a write transaction and yield (db, session), the session
        re-read inside the transaction and the right checked again on it, so concurrent actions (a
        double click, two tabs, a lock) see each other's effects."""
        actor = self.require(code, token, action, party_id=party_id)
        with dbmod.write(self.path) as db:
            fresh = self.resolve(db, actor.session.code, token, fresh=True)
            rights.ensure(fresh, action, party_id=party_id)
            yield db, fresh.session

    def _removed(self, db, code: str, token: str) -> bool:
        """Whether this personal token belonged to someone the facilitator removed from the session (only
        asked for a token that matches nobody; a database from before m006 has no such links)."""
        return "removed_links" in dbmod.tables(self.path, db) and _removed_link(db, code, token)
