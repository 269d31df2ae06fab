"""The organisation's data ecosystem map (the guidebook's Activity 4), kept in its organisation workspace.

Actors are organisations, groups of people and technologies, each with an optional role (steward,
contributor, reuser, beneficiary). One of them is the organisation itself: the actor marked so, else the one
named like the workspace. Flows go from one actor to another and are labelled by kind (data, insights,
services, products, money), with an optional short label. Each actor and flow is internal or shareable: the
shareable map (``EcosystemMap.shareable``: what goes with a stakeholder survey) drops internal actors,
internal flows and every flow touching an internal actor.

A relationship on the map is the organisation and one other organisation actor, with the flows between them
(``EcosystemMap.relationships``). ``start_session`` starts a co-ranking session for one, filled in with the two
organisations and their flows, and links it to the workspace with the organisation as its party.

Reading needs ``SEE_WORKSPACE``; drawing the map ``EDIT_MAP``; starting a session ``START_SESSION_FROM_MAP``
(and the server's rule on who may create sessions, ``signin.may_create``). Edits and removals name the version
the page showed (the one version check, ``followup.common._ExpectedVersion``). The diagram is
``trustcore.ecosystem_svg``; the CSV's columns are ``CSV_COLUMNS`` (docs/ecosystem-map.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import db as dbmod
from . import limits, signin
from . import workspace as ws
from .clock import now
from .errors import InvalidInput, Listing, NotAllowedNow, Phrase
from .followup.common import _ExpectedVersion, _one
from .i18n import ENGLISH, N_, Translator
from .rights import Action
from .text import NAME_MAX, TITLE_MAX, clean_line, name_key, spreadsheet_safe

if TYPE_CHECKING:
    from .store.sessions import Created
    from .workspace import LinkedSession, WorkspaceView

ORGANISATION, PEOPLE, TECHNOLOGY = "organisation", "people", "technology"
# stored codes -> display names (English, marked: shown through ``t.gettext`` in the reader's words)
KINDS = {ORGANISATION: N_("Organisation"), PEOPLE: N_("Group of people"), TECHNOLOGY: N_("Technology")}
ROLES = {
    "": N_("No role"),
    "steward": N_("Steward"),
    "contributor": N_("Contributor"),
    "reuser": N_("Reuser"),
    "beneficiary": N_("Beneficiary"),
}
FLOW_KINDS = {
    "data": N_("Data"),
    "insights": N_("Insights"),
    "services": N_("Services"),
    "products": N_("Products"),
    "money": N_("Money"),
}
LABEL_MAX = 60  # a flow's short label: it is written on the arrow

ACTOR_CHANGED = N_("Someone else changed or removed this actor while you were editing it; your change was not saved.")
FLOW_CHANGED = N_("Someone else changed or removed this flow while you were editing it; your change was not saved.")
UNKNOWN_ACTOR = N_("Choose actors that are on this map (one of them may have just been removed).")
TO_ITSELF = N_("A flow goes from one actor to another: choose two different actors.")
NOT_A_RELATIONSHIP = N_(
    "Choose a relationship on the map: the organisation itself and one other organisation. Mark which actor "
    "is the organisation if none is."
)
# logged in every linked session: what its survey shows (the shareable map) and its downloads may have changed
MAP_CHANGED = "ecosystem_map_changed"
CSV_COLUMNS = ("record", "name", "kind", "role", "organisation", "from", "to", "label", "shareable")


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    kind: str  # KINDS
    role: str  # ROLES ("" for none)
    marked: bool  # marked as the organisation itself
    internal: bool  # left out of the shareable map
    version: int


@dataclass(frozen=True)
class Flow:
    id: int
    source_id: int
    target_id: int
    kind: str  # FLOW_KINDS
    label: str
    internal: bool
    version: int


@dataclass(frozen=True)
class Relationship:
    """The organisation and one other organisation on the map, with the flows between them (either way)."""

    organisation: Actor
    partner: Actor
    flows: tuple[Flow, ...]

    @property
    def key(self) -> str:
        """How annotations (the latest agreement, the open next steps) are keyed (``text.name_key``)."""
        return name_key(self.partner.name)


@dataclass(frozen=True)
class EcosystemMap:
    workspace: str  # the workspace's name (the diagram's title)
    actors: tuple[Actor, ...]  # in the order they were added
    flows: tuple[Flow, ...]

    def actor(self, actor_id: int) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    @property
    def organisation(self) -> Actor | None:
        """The organisation itself: the actor marked so, else the one named like the workspace."""
        marked = next((a for a in self.actors if a.marked), None)
        if marked is not None:
            return marked
        name = self.workspace.casefold()
        return next((a for a in self.actors if a.name.casefold() == name), None)

    def shareable(self) -> EcosystemMap:
        """The version that may leave the organisation: no internal actor, no internal flow, no flow touching an
        internal actor."""
        actors = tuple(a for a in self.actors if not a.internal)
        kept = {a.id for a in actors}
        flows = tuple(f for f in self.flows if not f.internal and f.source_id in kept and f.target_id in kept)
        return replace(self, actors=actors, flows=flows)

    def relationships(self) -> list[Relationship]:
        """The organisation's relationships with each other organisation on the map, in the order added."""
        us = self.organisation
        if us is None:
            return []
        return [
            Relationship(us, a, tuple(f for f in self.flows if {f.source_id, f.target_id} == {us.id, a.id}))
            for a in self.actors
            if a.kind == ORGANISATION and a.id != us.id
        ]

    def describe(self, flow: Flow, t: Translator = ENGLISH) -> str:
        """``CityBus → Council: data (timetables)``, in ``t``'s words."""
        source, target = self.actor(flow.source_id), self.actor(flow.target_id)
        kind = t.gettext(FLOW_KINDS[flow.kind]).lower()
        what = t.gettext("{kind} ({label})", kind=kind, label=flow.label) if flow.label else kind
        return t.gettext(
            "{source} → {target}: {what}",
            source=source.name if source else "?",
            target=target.name if target else "?",
            what=what,
        )


# ------------------------------------------------------------------------------------------- reading


def _actor(row) -> Actor:
    return Actor(
        int(row["id"]),
        row["name"],
        row["kind"],
        row["role"],
        bool(row["is_self"]),
        bool(row["internal"]),
        int(row["version"]),
    )


def _flow(row) -> Flow:
    return Flow(
        int(row["id"]),
        int(row["source_id"]),
        int(row["target_id"]),
        row["kind"],
        row["label"],
        bool(row["internal"]),
        int(row["version"]),
    )


def _read(db, workspace: ws.Workspace) -> EcosystemMap:
    actors = db.query("SELECT * FROM ecosystem_actors WHERE workspace_id = ? ORDER BY id", [workspace.id])
    flows = db.query("SELECT * FROM ecosystem_flows WHERE workspace_id = ? ORDER BY id", [workspace.id])
    return EcosystemMap(workspace.name, tuple(_actor(r) for r in actors), tuple(_flow(r) for r in flows))


def read(wview: WorkspaceView, *, shareable: bool = False) -> EcosystemMap:
    """The workspace's map (``shareable=True``: the version that may go with a stakeholder survey)."""
    w = wview.require(Action.SEE_WORKSPACE)
    with dbmod.connection(wview.store.path) as db:
        found = _read(db, w)
    return found.shareable() if shareable else found


def linked_map(path, db, session_code: str) -> EcosystemMap | None:
    """The shareable map of the workspace the session ``session_code`` is linked to, read on ``db`` (callers
    have checked their right to the session), or None when it is linked to none (or the database predates m014)."""
    if "ecosystem_actors" not in dbmod.tables(path, db):
        return None
    row = _one(
        db,
        """SELECT w.* FROM workspace_sessions l JOIN workspaces w ON w.id = l.workspace_id
           WHERE l.session_code = ?""",
        [session_code],
    )
    return _read(db, ws.workspace_row(row)).shareable() if row else None


# ------------------------------------------------------------------------------------------- checks


def _choice(value, choices: dict[str, str], what: str) -> str:
    key = str(value or "").strip().lower()
    if key not in choices:
        raise InvalidInput(
            N_("{what} must be one of: {choices}."), what=Phrase(what), choices=Listing(map(Phrase, choices.values()))
        )
    return key


def _actor_fields(name, kind, role) -> tuple[str, str, str]:
    return (
        clean_line(name, field=N_("The actor's name"), max_len=NAME_MAX),
        _choice(kind, KINDS, N_("The kind of actor")),
        _choice(role, ROLES, N_("The role")),
    )


def _flow_fields(kind, label) -> tuple[str, str]:
    return (
        _choice(kind, FLOW_KINDS, N_("The kind of flow")),
        clean_line(label, field=N_("The flow's label"), max_len=LABEL_MAX, required=False),
    )


def _id(value) -> int:
    if isinstance(value, bool):
        raise InvalidInput(UNKNOWN_ACTOR)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(UNKNOWN_ACTOR) from None


def _check_name(current: EcosystemMap, name: str, *, except_id: int | None = None) -> None:
    if any(a.name.casefold() == name.casefold() and a.id != except_id for a in current.actors):
        raise InvalidInput(
            N_("There is already an actor called “{name}” on this map: give each actor its own name."), name=name
        )


def _check_ends(current: EcosystemMap, source, target) -> tuple[int, int]:
    source_id, target_id = _id(source), _id(target)
    if current.actor(source_id) is None or current.actor(target_id) is None:
        raise InvalidInput(UNKNOWN_ACTOR)
    if source_id == target_id:
        raise InvalidInput(TO_ITSELF)
    return source_id, target_id


# ------------------------------------------------------------------------------------------- actors


def add_actor(
    wview: WorkspaceView, name: str, kind: str, *, role: str = "", internal: bool = False, organisation: bool = False
) -> Actor:
    """A new actor on the map (``organisation=True``: it is the organisation itself, and no other actor is)."""
    name, kind, role = _actor_fields(name, kind, role)
    with wview.write(Action.EDIT_MAP) as db:
        wid = wview.workspace.id
        _check_name(_read(db, wview.workspace), name)
        limits.ECOSYSTEM_ACTORS.check_count(
            db, "SELECT COUNT(*) AS n FROM ecosystem_actors WHERE workspace_id = ?", [wid]
        )
        if organisation:
            db.execute("UPDATE ecosystem_actors SET is_self = 0 WHERE workspace_id = ? AND is_self = 1", [wid])
        ws.tell_linked_sessions(db, wid, MAP_CHANGED, {})
        new_id = dbmod.insert(
            db,
            """INSERT INTO ecosystem_actors (workspace_id, name, kind, role, is_self, internal, version, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, 1, ?)""",
            [wid, name, kind, role, int(bool(organisation)), int(bool(internal)), now()],
        )
        return _actor(_one(db, "SELECT * FROM ecosystem_actors WHERE id = ?", [new_id]))


def edit_actor(
    wview: WorkspaceView,
    actor_id: int,
    *,
    name: str,
    kind: str,
    role: str = "",
    internal: bool = False,
    organisation: bool = False,
    expected_version: int,
) -> Actor:
    """Change an actor; EditConflict (``current`` = the stored actor, None if removed) when someone else
    changed or removed it since the page showed ``expected_version``."""
    name, kind, role = _actor_fields(name, kind, role)
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    with wview.write(Action.EDIT_MAP) as db:
        wid = wview.workspace.id
        current = _read(db, wview.workspace)
        stored = current.actor(_id(actor_id))
        expected.check(stored, ACTOR_CHANGED)
        assert stored is not None
        _check_name(current, name, except_id=stored.id)
        if organisation:
            db.execute("UPDATE ecosystem_actors SET is_self = 0 WHERE workspace_id = ? AND is_self = 1", [wid])
        db.execute(
            """UPDATE ecosystem_actors SET name = ?, kind = ?, role = ?, is_self = ?, internal = ?,
                      version = version + 1, updated_at = ? WHERE id = ? AND workspace_id = ?""",
            [name, kind, role, int(bool(organisation)), int(bool(internal)), now(), stored.id, wid],
        )
        ws.tell_linked_sessions(db, wid, MAP_CHANGED, {})
        return _actor(_one(db, "SELECT * FROM ecosystem_actors WHERE id = ?", [stored.id]))


def remove_actor(wview: WorkspaceView, actor_id: int, *, expected_version: int) -> None:
    """Remove an actor and every flow to or from it."""
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    with wview.write(Action.EDIT_MAP) as db:
        stored = _read(db, wview.workspace).actor(_id(actor_id))
        expected.check(stored, ACTOR_CHANGED)
        assert stored is not None
        db.execute("DELETE FROM ecosystem_flows WHERE source_id = ? OR target_id = ?", [stored.id, stored.id])
        db.execute("DELETE FROM ecosystem_actors WHERE id = ?", [stored.id])
        ws.tell_linked_sessions(db, wview.workspace.id, MAP_CHANGED, {})


# ------------------------------------------------------------------------------------------- flows


def add_flow(
    wview: WorkspaceView, source_id: int, target_id: int, kind: str, *, label: str = "", internal: bool = False
) -> Flow:
    """A new flow of ``kind`` from one actor of the map to another."""
    kind, label = _flow_fields(kind, label)
    with wview.write(Action.EDIT_MAP) as db:
        wid = wview.workspace.id
        source, target = _check_ends(_read(db, wview.workspace), source_id, target_id)
        limits.ECOSYSTEM_FLOWS.check_count(
            db, "SELECT COUNT(*) AS n FROM ecosystem_flows WHERE workspace_id = ?", [wid]
        )
        ws.tell_linked_sessions(db, wid, MAP_CHANGED, {})
        new_id = dbmod.insert(
            db,
            """INSERT INTO ecosystem_flows (workspace_id, source_id, target_id, kind, label, internal, version,
                                            updated_at)
               VALUES (?, ?, ?, ?, ?, ?, 1, ?)""",
            [wid, source, target, kind, label, int(bool(internal)), now()],
        )
        return _flow(_one(db, "SELECT * FROM ecosystem_flows WHERE id = ?", [new_id]))


def _stored_flow(current: EcosystemMap, flow_id) -> Flow | None:
    try:
        wanted = int(flow_id)
    except (TypeError, ValueError):
        return None
    return next((f for f in current.flows if f.id == wanted), None)


def edit_flow(
    wview: WorkspaceView,
    flow_id: int,
    *,
    source_id: int,
    target_id: int,
    kind: str,
    label: str = "",
    internal: bool = False,
    expected_version: int,
) -> Flow:
    """Change a flow; EditConflict when someone else changed or removed it since ``expected_version``."""
    kind, label = _flow_fields(kind, label)
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    with wview.write(Action.EDIT_MAP) as db:
        current = _read(db, wview.workspace)
        stored = _stored_flow(current, flow_id)
        expected.check(stored, FLOW_CHANGED)
        assert stored is not None
        source, target = _check_ends(current, source_id, target_id)
        db.execute(
            """UPDATE ecosystem_flows SET source_id = ?, target_id = ?, kind = ?, label = ?, internal = ?,
                      version = version + 1, updated_at = ? WHERE id = ?""",
            [source, target, kind, label, int(bool(internal)), now(), stored.id],
        )
        ws.tell_linked_sessions(db, wview.workspace.id, MAP_CHANGED, {})
        return _flow(_one(db, "SELECT * FROM ecosystem_flows WHERE id = ?", [stored.id]))


def remove_flow(wview: WorkspaceView, flow_id: int, *, expected_version: int) -> None:
    expected = _ExpectedVersion.of(expected_version, new_allowed=False)
    with wview.write(Action.EDIT_MAP) as db:
        stored = _stored_flow(_read(db, wview.workspace), flow_id)
        expected.check(stored, FLOW_CHANGED)
        assert stored is not None
        db.execute("DELETE FROM ecosystem_flows WHERE id = ?", [stored.id])
        ws.tell_linked_sessions(db, wview.workspace.id, MAP_CHANGED, {})


# ------------------------------------------------------------------------------------------- a session from a relationship


@dataclass(frozen=True)
class Started:
    """A session started from a relationship on the map: its facilitator link's token is shown once."""

    created: Created
    linked: LinkedSession


def session_fields(m: EcosystemMap, relationship: Relationship) -> dict[str, object]:
    """What a session for ``relationship`` is filled in with: its title, the two organisations, the flows
    between them (one a line; a flow marked internal is left out, since the partner reads the session) and the
    two organisations as its parties."""
    us, them = relationship.organisation.name, relationship.partner.name
    title = f"{us} and {them}"
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    flows = "\n".join(m.describe(f) for f in relationship.flows if not f.internal)
    return {"title": title, "our_org": us, "partner_org": them, "flows": flows, "parties": [us, them]}


def start_session(
    wview: WorkspaceView, partner_id: int, *, owner: str | None = None, rule: signin.CreateRule | None = None
) -> Started:
    """Start a co-ranking session for the organisation's relationship with the actor ``partner_id``, filled in
    from the map, and link it to the workspace with the organisation as its party. ``owner``: the signed-in
    user's address (they own the session); ``rule``: who may create sessions (default: ``TRUSTCORE_CREATE``)."""
    wview.require(Action.START_SESSION_FROM_MAP)
    try:
        decision = signin.may_create(rule if rule is not None else signin.rule_from_env(), owner)
    except ValueError as exc:
        raise NotAllowedNow(
            N_("This server's setting for who may create sessions is not valid: {problem}"), problem=str(exc)
        ) from None
    if not decision.allowed:
        raise NotAllowedNow(decision.why)
    current = read(wview)
    wanted = _id(partner_id)
    relationship = next((r for r in current.relationships() if r.partner.id == wanted), None)
    if relationship is None:
        raise InvalidInput(NOT_A_RELATIONSHIP)
    fields = session_fields(current, relationship)
    store = wview.store
    created = store.create_session(
        str(fields["title"]),
        fields["parties"],
        our_org=str(fields["our_org"]),
        partner_org=str(fields["partner_org"]),
        flows=str(fields["flows"]),
        owner=owner,
    )
    view = store.open(created.session.code, created.facilitator_token)
    try:
        linked = ws.link_session(view, wview, created.session.parties[0].id)
    except Exception:
        store.delete_session(created.session.code, created.facilitator_token)  # no half-made session is left
        raise
    return Started(created, linked)


# ------------------------------------------------------------------------------------------- the CSV


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def csv_text(m: EcosystemMap) -> str:
    """The map as CSV (``CSV_COLUMNS``; docs/ecosystem-map.md): one row per actor, then one per flow; every
    text cell through ``text.spreadsheet_safe``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    us = m.organisation
    for a in m.actors:
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    "actor",
                    a.name,
                    a.kind,
                    a.role,
                    _yes(us is not None and a.id == us.id),
                    "",
                    "",
                    "",
                    _yes(not a.internal),
                )
            ]
        )
    for f in m.flows:
        source, target = m.actor(f.source_id), m.actor(f.target_id)
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    "flow",
                    "",
                    f.kind,
                    "",
                    "",
                    source.name if source else "",
                    target.name if target else "",
                    f.label,
                    _yes(not f.internal),
                )
            ]
        )
    return out.getvalue()
