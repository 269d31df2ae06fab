"""The organisation workspace: the organisation's own side of the guidebook's Assess section, across sessions.

A workspace has a name and a link of its own (``?workspace=<id>&org=<token>``; only the token's hash is
stored, like every link). ``Store.open_workspace`` turns the link into a ``WorkspaceView`` (through
``Store.identify_workspace``, beside ``Store.identify``: the one place a token becomes its holder). A workspace
is not a session: its view is bound to the workspace, and its holder is ``Role.WORKSPACE`` in the one rights
table (``trustcore.rights``), where a session's links have none of its rights. A signed-in creator owns the
workspace and finds it on "My sessions" (``mine``); their ``signin.SignedIn`` address opens it without the link.

It holds the organisation-wide ranking (Activity 1), dated, every version kept: entered directly
(``set_ranking``, with the version check of the other editable records), or adopted from a co-ranking
session among departments (``adopt_consensus``: the Borda order of that session's latest revealed round,
by its facilitator, who holds the workspace link too). A relationship session linked to the workspace
(``link_session``, by its facilitator holding both links) reads the current ranking as the organisation's
party's organisation-wide ranking on *Reflect* (``linked_ranking``; ``followup.baselines``).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import catalogue as catalogue_mod
from . import db as dbmod
from . import events, links, rights, signin, tokens
from .catalogue import Catalogue, validate_order
from .clock import now
from .errors import EditConflict, InvalidInput, NotAllowedNow
from .i18n import N_
from .model import Role, RoundStatus, Session
from .rights import Action
from .text import clean_line

if TYPE_CHECKING:
    from .store import Store
    from .view import View

NAME_MAX = 120
# the workspace's tables (m012, m013, m014): about an organisation, not a session, so no session's archive
# carries them
TABLES = (
    "workspaces",
    "workspace_rankings",
    "workspace_sessions",
    "workspace_worksheet",
    "ecosystem_actors",
    "ecosystem_flows",
)
RANKING_CHANGED = N_(
    "Someone else saved the organisation-wide ranking while you were ranking it; your order was not saved."
)
NO_REVEALED_ROUND = N_("This session has no revealed round yet: reveal a round's results to adopt its consensus.")
NO_CONSENSUS = N_("Nobody ranked in this session's latest revealed round, so it has no consensus to adopt.")


@dataclass(frozen=True)
class Workspace:
    id: int
    name: str
    created_at: str
    owner_email: str | None = None


@dataclass(frozen=True)
class OrgRanking:
    """One dated version of the organisation-wide ranking (Activity 1)."""

    version: int
    order: tuple[str, ...]
    entered_at: str
    source: str  # "" entered directly; otherwise where it was adopted from, in words


@dataclass(frozen=True)
class LinkedSession:
    code: str
    title: str
    party: str  # the party that is the organisation in that session
    linked_at: str


@dataclass(frozen=True)
class CreatedWorkspace:
    workspace: Workspace
    token: str  # shown once


def workspace_row(row) -> Workspace:
    return Workspace(int(row["id"]), row["name"], row["created_at"], row.get("owner_email"))


@dataclass(frozen=True)
class WorkspaceView:
    """What a workspace link lets its holder see and do, resolved once (``Store.open_workspace``)."""

    store: Store
    workspace: Workspace
    token: str

    @property
    def role(self) -> Role:
        return Role.WORKSPACE

    def require(self, action: Action) -> Workspace:
        rights.ensure_role(self.role, action)
        return self.workspace

    @property
    def link_query(self) -> str:
        """The link's query string (only for a token link: a signed-in owner has none to show)."""
        return f"?workspace={self.workspace.id}&org={self.token}"

    @contextlib.contextmanager
    def write(self, action: Action):
        """``require`` the right, then a write transaction in which the link is identified again (a workspace
        deleted a moment ago grants nothing)."""
        self.require(action)
        with dbmod.write(self.store.path) as db:
            self.store.identify_workspace(db, self.workspace.id, self.token)
            rights.ensure_role(self.role, action)
            yield db


NOT_A_WORKSPACE_LINK = N_("Paste the organisation workspace's whole link (it contains workspace=... and org=...).")


def open_link(store: Store, pasted: str) -> WorkspaceView:
    """The workspace a pasted link opens (the console's gesture: linking a session, adopting a consensus)."""
    found = links.parse(pasted)
    if not found.get("workspace") or not found.get("org"):
        raise InvalidInput(NOT_A_WORKSPACE_LINK)
    return store.open_workspace(found["workspace"], found["org"])


def create_workspace(store: Store, name: str, *, owner: str | None = None) -> CreatedWorkspace:
    """A new workspace and its link's token (shown once); ``owner``: the signed-in creator's address."""
    name = clean_line(name, field=N_("The organisation's name"), max_len=NAME_MAX)
    owner_email = signin.email_of(owner) if owner is not None else None
    if owner is not None and owner_email is None:
        raise InvalidInput(N_("The signed-in account has no e-mail address, so the workspace cannot be yours."))
    token = tokens.new_token()
    at = now()
    with dbmod.write(store.path) as db:
        wid = dbmod.insert(
            db,
            "INSERT INTO workspaces (name, token_hash, owner_email, created_at) VALUES (?, ?, ?, ?)",
            [name, tokens.hash_token(token), owner_email, at],
        )
    return CreatedWorkspace(Workspace(wid, name, at, owner_email), token)


def mine(store: Store, email: str | None) -> list[Workspace]:
    """The workspaces the signed-in ``email`` owns, newest first (none for no address)."""
    owner = signin.email_of(email)
    if owner is None:
        return []
    with dbmod.connection(store.path) as db:
        rows = list(db.query("SELECT * FROM workspaces WHERE owner_email = ? ORDER BY id DESC", [owner]))
    return [workspace_row(r) for r in rows]


# ------------------------------------------------------------------ Activity 1: the organisation-wide ranking


def _ranking(row) -> OrgRanking:
    return OrgRanking(int(row["version"]), tuple(json.loads(row["ordering"])), row["entered_at"], row["source"])


def _versions(db, workspace_id: int) -> list[OrgRanking]:
    rows = db.query("SELECT * FROM workspace_rankings WHERE workspace_id = ? ORDER BY version", [workspace_id])
    return [_ranking(r) for r in rows]


def rankings(wview: WorkspaceView) -> list[OrgRanking]:
    """Every version of the organisation-wide ranking, oldest first (the last is the current one)."""
    w = wview.require(Action.SEE_WORKSPACE)
    with dbmod.connection(wview.store.path) as db:
        return _versions(db, w.id)


def current_ranking(wview: WorkspaceView) -> OrgRanking | None:
    versions = rankings(wview)
    return versions[-1] if versions else None


def _add_version(db, workspace_id: int, order: tuple[str, ...], source: str) -> OrgRanking:
    versions = _versions(db, workspace_id)
    number = versions[-1].version + 1 if versions else 1
    at = now()
    db.execute(
        "INSERT INTO workspace_rankings (workspace_id, version, ordering, source, entered_at) VALUES (?, ?, ?, ?, ?)",
        [workspace_id, number, json.dumps(list(order)), source, at],
    )
    tell_linked_sessions(db, workspace_id, "organisation_ranking_changed", {"version": number})
    return OrgRanking(number, order, at, source)


def tell_linked_sessions(db, workspace_id: int, action: str, detail: dict) -> None:
    """What every linked session shows changed: its event log says so, which is also what its open pages
    poll and its downloads are keyed by (``Store._change_marker``: the newest event)."""
    linked_ids = db.query(
        """SELECT s.id FROM workspace_sessions l JOIN sessions s ON s.code = l.session_code
           WHERE l.workspace_id = ?""",
        [workspace_id],
    )
    for row in list(linked_ids):
        events.log(db, row["id"], "workspace", action, detail)


def set_ranking(
    wview: WorkspaceView,
    order,
    *,
    expected_version: int | None = None,
    catalogue: Catalogue | None = None,
) -> OrgRanking:
    """Enter the organisation-wide ranking directly: a new dated version (earlier ones are kept), every
    element of ``catalogue`` (the default one unless given) once.

    ``expected_version``: the version the page showed (None or 0: none yet). EditConflict (``current`` = the
    stored OrgRanking) when someone else saved in between; saving the current order again adds nothing."""
    wview.require(Action.RANK_ORGANISATION)
    order = validate_order(order, catalogue or catalogue_mod.default())
    if expected_version is not None and (
        isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0
    ):
        raise InvalidInput(N_("The version to edit must be a whole number."))
    with wview.write(Action.RANK_ORGANISATION) as db:
        versions = _versions(db, wview.workspace.id)
        current = versions[-1] if versions else None
        if current is not None and current.order == order:
            return current
        if (current.version if current else None) != (expected_version or None):
            raise EditConflict(RANKING_CHANGED, current=current)
        return _add_version(db, wview.workspace.id, order, "")


def adopt_consensus(wview: WorkspaceView, view: View) -> OrgRanking:
    """Adopt a co-ranking session's consensus (its parties are departments) as a new version of the
    organisation-wide ranking: the Borda order of the session's latest revealed round. Needs both the
    session's facilitator (``ADOPT_CONSENSUS``) and the workspace link (``RANK_ORGANISATION``)."""
    view.require(Action.ADOPT_CONSENSUS)
    wview.require(Action.RANK_ORGANISATION)
    session = view.store._session(view.session.code)
    revealed = [r.number for r in session.rounds if r.status is RoundStatus.REVEALED]
    if not revealed:
        raise NotAllowedNow(NO_REVEALED_ROUND)
    number = revealed[-1]
    borda = tuple(view.results(number).borda)
    if not borda:
        raise NotAllowedNow(NO_CONSENSUS)
    source = f"Adopted from “{session.title}”, round {number} (consensus of {len(session.parties)} departments)"
    with wview.write(Action.RANK_ORGANISATION) as db:
        adopted = _add_version(db, wview.workspace.id, borda, source)
        events.log(db, session.id, view.actor.label, "consensus_adopted", {"round": number, "version": adopted.version})
        return adopted


# ------------------------------------------------------------------ relationship sessions linked to the workspace


def link_session(view: View, wview: WorkspaceView, party_id: int) -> LinkedSession:
    """Link a relationship session to the workspace (its facilitator, holding the workspace link too):
    ``party_id`` is the session's party that is the organisation. Its *Reflect* then reads that party's
    organisation-wide ranking from the workspace. Linking again moves the link (one workspace per session)."""
    view.require(Action.LINK_WORKSPACE)
    wview.require(Action.SEE_WORKSPACE)
    try:
        party = view.session.party(int(party_id))
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(N_("Choose one of this session's parties as the organisation.")) from None
    at = now()
    with view.write(Action.LINK_WORKSPACE) as (db, session):
        wview.store.identify_workspace(db, wview.workspace.id, wview.token)
        db.execute("DELETE FROM workspace_sessions WHERE session_code = ?", [session.code])
        db.execute(
            """INSERT INTO workspace_sessions (session_code, workspace_id, party_position, linked_at)
               VALUES (?, ?, ?, ?)""",
            [session.code, wview.workspace.id, party.position, at],
        )
        events.log(db, session.id, view.actor.label, "workspace_linked", {"party": party.name})
    return LinkedSession(view.session.code, view.session.title, party.name, at)


def unlink_session(view: View) -> None:
    """Stop reading the workspace's ranking (the session's facilitator): *Reflect* asks for it again."""
    with view.write(Action.LINK_WORKSPACE) as (db, session):
        db.execute("DELETE FROM workspace_sessions WHERE session_code = ?", [session.code])
        events.log(db, session.id, view.actor.label, "workspace_unlinked", {})


def linked_sessions(wview: WorkspaceView) -> list[LinkedSession]:
    """The live sessions linked to the workspace, newest link first."""
    w = wview.require(Action.SEE_WORKSPACE)
    store = wview.store
    with dbmod.connection(store.path) as db:
        rows = list(
            db.query(
                """SELECT l.*, s.title, s.created_at, p.name AS party FROM workspace_sessions l
                   JOIN sessions s ON s.code = l.session_code
                   JOIN parties p ON p.session_id = s.id AND p.position = l.party_position
                   WHERE l.workspace_id = ? ORDER BY l.linked_at DESC, l.session_code""",
                [w.id],
            )
        )
    return [
        LinkedSession(r["session_code"], r["title"], r["party"], r["linked_at"])
        for r in rows
        if not store._expired(r["created_at"])
    ]


@dataclass(frozen=True)
class Linked:
    """What a linked session reads from its workspace: the organisation's party and the current ranking."""

    workspace: str  # its name
    party_id: int
    ranking: OrgRanking | None  # None: the workspace has no ranking yet
    fits: bool  # the ranking orders exactly this session's elements (else Reflect asks for one, as before)
    workspace_id: int


def linked(path, db, session: Session) -> Linked | None:
    """The workspace link of ``session``, read on ``db`` of the store at ``path`` (callers have checked their
    right to the session; a database from before m012 has no workspaces)."""
    if "workspace_sessions" not in dbmod.tables(path, db):
        return None
    row = next(
        iter(
            db.query(
                """SELECT l.*, w.name FROM workspace_sessions l JOIN workspaces w ON w.id = l.workspace_id
                   WHERE l.session_code = ?""",
                [session.code],
            )
        ),
        None,
    )
    party = next((p for p in session.parties if row and p.position == row["party_position"]), None)
    if row is None or party is None:
        return None
    versions = _versions(db, int(row["workspace_id"]))
    current = versions[-1] if versions else None
    fits = current is not None and sorted(current.order) == sorted(session.catalogue.ids)
    return Linked(row["name"], party.id, current, fits, int(row["workspace_id"]))


def linked_ranking(view: View) -> Linked | None:
    """The workspace this session reads its organisation's ranking from, if it is linked to one."""
    actor = view.require(Action.READ_FOLLOWUP)
    with dbmod.connection(view.store.path) as db:
        return linked(view.store.path, db, actor.session)
