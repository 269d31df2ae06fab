"""Organisation-wide rankings (Activity 1): each party's ranking of the elements for the whole organisation,
and how it compares with the party's ranking in this relationship. ``trustcore.uploads.parse_baseline_csv``
reads one from an uploaded file or a paste."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import analysis, events, workspace
from .. import db as dbmod
from ..catalogue import validate_order
from ..clock import now
from ..errors import InvalidInput, NotAllowedNow
from ..i18n import N_
from ..model import Session
from ..results import party_orders as _party_consensus
from ..rights import Action
from ..store import query_rankings
from ..view import View
from .common import _ExpectedVersion, _one, _party_id

FROM_WORKSPACE = N_(
    "{party}'s organisation-wide ranking comes from the organisation workspace “{workspace}”: change it there."
)
BASELINE_CHANGED = N_(
    "Someone else saved {party}'s organisation-wide ranking while you were ranking it; your order was not saved."
)


@dataclass(frozen=True)
class Baseline:
    """A party's organisation-wide ranking (Activity 1), versioned like the worksheet's entries."""

    party_id: int
    party: str
    order: tuple[str, ...]
    version: int
    entered_at: str


def _baseline(row, session: Session) -> Baseline:
    return Baseline(
        row["party_id"],
        session.party(row["party_id"]).name,
        tuple(json.loads(row["ordering"])),
        int(row.get("version") or 1),  # a database from before m009: every ranking at version 1
        row["entered_at"],
    )


def set_baseline(view: View, party_id: int, order, *, expected_version: int | None = None) -> Baseline:
    """Store (or replace) a party's organisation-wide ranking (Activity 1): every element once.
    The facilitator sets it for any party, a participant for their own.

    ``expected_version`` is the version the page showed (None or 0: none saved yet). EditConflict
    (``current`` = the stored Baseline) when someone else saved another order in between; saving the
    stored order again changes nothing."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.ENTER_BASELINE)
    pid = _party_id(actor.session, party_id, field=N_("The party"))
    order = validate_order(order, actor.session.catalogue)
    expected = _ExpectedVersion.of(expected_version, new_allowed=True)
    with view.write(Action.ENTER_BASELINE, party_id=pid) as (db, session):
        link = workspace.linked(store.path, db, session)
        if link is not None and link.party_id == pid and link.fits:
            raise NotAllowedNow(FROM_WORKSPACE, party=session.party(pid).name, workspace=link.workspace)
        row = _one(db, "SELECT * FROM baselines WHERE session_id = ? AND party_id = ?", [session.id, pid])
        current = _baseline(row, session) if row else None
        if current is not None and current.order == order:
            return current
        expected.check(current, BASELINE_CHANGED, party=session.party(pid).name)
        if current is None:
            db.execute(
                "INSERT INTO baselines (session_id, party_id, ordering, entered_at) VALUES (?, ?, ?, ?)",
                [session.id, pid, json.dumps(list(order)), now()],
            )
        else:
            db.execute(
                """UPDATE baselines SET ordering = ?, entered_at = ?, version = version + 1
                   WHERE session_id = ? AND party_id = ?""",
                [json.dumps(list(order)), now(), session.id, pid],
            )
        events.log(
            db,
            session.id,
            actor.label,
            "baseline_replaced" if current else "baseline_set",
            {"party": session.party(pid).name},
        )
        return _baseline(
            _one(db, "SELECT * FROM baselines WHERE session_id = ? AND party_id = ?", [session.id, pid]), session
        )


def baselines(view: View) -> dict[str, tuple[str, ...]]:
    """Party name -> its organisation-wide ranking, in session party order (parties without one left out)."""
    return {party: b.order for party, b in baseline_records(view).items()}


def baseline_records(view: View) -> dict[str, Baseline]:
    """Party name -> its organisation-wide ranking with its version (what a page that edits it shows), in
    session party order (parties without one left out)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    with dbmod.connection(store.path) as db:
        return _baselines(db, actor.session, store.path)


def _baselines(db, session: Session, path) -> dict[str, Baseline]:
    """Each party's stored ranking; for the organisation's party of a session linked to an organisation
    workspace, the workspace's current ranking instead (when it orders this session's elements)."""
    stored = {
        r["party_id"]: _baseline(r, session)
        for r in db.query("SELECT * FROM baselines WHERE session_id = ?", [session.id])
        if any(p.id == r["party_id"] for p in session.parties)
    }
    link = workspace.linked(path, db, session)
    if link is not None and link.fits and link.ranking is not None:
        r = link.ranking
        stored[link.party_id] = Baseline(
            link.party_id, session.party(link.party_id).name, r.order, r.version, r.entered_at
        )
    return {p.name: stored[p.id] for p in session.parties if p.id in stored}


def _check_round(session: Session, round_number) -> int:
    try:
        return session.get_round(int(round_number)).number
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(N_("This session has no round {number}."), number=str(round_number)) from None


def baseline_comparison(view: View, round_number: int) -> dict[str, dict]:
    """Per party with both an organisation-wide ranking and a ranking in ``round_number`` (its members'
    consensus): ``tau`` (Kendall tau-b), ``rho`` (Spearman), ``footrule`` (footrule similarity, 1 =
    identical), ``footrule_distance``, ``org_order``, ``relationship_order`` and ``moved``: the
    elements whose rank differs, as (element_id, org_rank, relationship_rank), biggest move first.

    A participant sees it only once the round's results are visible to participants (NotAllowedNow)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    s = actor.session
    number = _check_round(s, round_number)
    if not s.results_visible(number, facilitator=actor.is_facilitator):
        raise NotAllowedNow(N_("The results of round {number} are not revealed yet."), number=number)
    with dbmod.connection(store.path) as db:
        base = {party: b.order for party, b in _baselines(db, s, store.path).items()}
        relation = {name: pc.order for name, pc in _party_consensus(s, query_rankings(db, s.id, number)).items()}
    out: dict[str, dict] = {}
    for party, org in base.items():
        if party not in relation:
            continue
        rel = relation[party]
        org_rank, rel_rank = analysis.ranks(org), analysis.ranks(rel)
        moved = sorted(
            ((e, org_rank[e], rel_rank[e]) for e in org if org_rank[e] != rel_rank[e]),
            key=lambda m: (-abs(m[1] - m[2]), m[1]),
        )
        fr = analysis.footrule(org, rel)
        out[party] = {
            "tau": analysis.kendall_tau(org, rel),
            "rho": analysis.spearman_rho(org, rel),
            "footrule": fr.similarity,
            "footrule_distance": fr.distance,
            "org_order": tuple(org),
            "relationship_order": tuple(rel),
            "moved": moved,
        }
    return out
