"""The organisation's relationships: the sessions linked to its workspace, grouped by partner organisation,
with how agreement changed over time, and the next steps (Column E) of all of them.

A workspace's link is none of these sessions' links: it reads them as ``audience.workspace()`` decides
(revealed rounds only, no person's name, no internal entry, never a session code), after
``Action.SEE_RELATIONSHIPS`` is checked; nothing here returns a session's code.

**Which relationship a session belongs to** (``partner_of``): its partner organisation as typed at creation
(``Session.partner_org``); when that names the organisation itself (the workspace's name or the session's
party that is the organisation: a session created from the partner's side), its other organisation
(``our_org``), unless that names the organisation too; when it is empty (or both name the organisation), the names of its parties other than the organisation's,
joined with " & ". Names are compared ignoring case, and spaces at the ends and repeated inside (``key``):
"City Bus", "city  bus " and "CITY BUS" are one relationship, named as most of its sessions spell it (the
oldest one's on a tie).

**Agreement over time**: for each revealed round of each session, oldest session first, the headline the
session's comparison shows (``results.headline`` of the parties' orders): Kendall's τ-b for two parties,
Kendall's W for three or more. The latest agreement of a relationship is that of its newest session's latest
revealed round that had two parties or more.

**Overdue** (``due_date``, ``state_of``): a next step's due date is free text. A full date is read in ISO
form (2027-03-31, 2027/03/31), day first with slashes, dots or dashes (31/03/2027, 31.03.2027, 31-03-2027;
the guidebook is British), or with the month in words (31 March 2027, 31 Mar 2027, March 31, 2027). A step
is *done* when its status is "done"; otherwise *overdue* when its due date is before today (UTC); otherwise
*open*, which includes every step whose due date is a timeframe ("Q2 2027", "March 2027", "next year") or
empty: a timeframe is never called overdue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

from . import audience, results
from . import db as dbmod
from .errors import NotFound
from .followup.next_steps import _steps
from .i18n import ENGLISH, N_, Translator
from .model import Session
from .rights import Action
from .store import query_rankings
from .text import name_key
from .workspace import WorkspaceView

OPEN, OVERDUE, DONE = "open", "overdue", "done"
STATES = (OPEN, OVERDUE, DONE)


key = name_key  # a partner's name as relationships are grouped and the ecosystem map is keyed

# the statistics' names as ``Agreement.statistic`` stores them (English), marked to be shown in the reader's words
TAU_B, KENDALLS_W = N_("Kendall τ-b"), N_("Kendall's W")


# ------------------------------------------------------------------ what the workspace reads of a session


@dataclass(frozen=True)
class Agreement:
    """One revealed round's agreement headline."""

    round: int
    parties: int  # how many parties ranked in it
    statistic: str  # "Kendall τ-b" (two parties), "Kendall's W" (three or more), "" (fewer than two)
    value: float | None
    label: str  # "strong agreement", ...; "" with fewer than two parties
    summary: str  # the headline's first sentence, as the session's comparison shows it


@dataclass(frozen=True)
class Step:
    """A next step as the workspace sees it: its words, never its owner's name."""

    partner: str
    session: str  # the session's title
    element: str  # the element's name
    action: str
    owner_party: str | None
    due: str  # as typed
    due_date: date | None  # the due text read as a date, if it is one
    status: str  # one of model.STATUSES
    agreed_by: tuple[str, ...]
    state: str  # open, overdue or done (the module's rule)


@dataclass(frozen=True)
class RelationshipSession:
    title: str
    created_at: str
    organisation: str  # the party that is the organisation
    parties: tuple[str, ...]
    rounds: int  # how many rounds the session has had
    agreement: tuple[Agreement, ...]  # its revealed rounds, in order
    steps: tuple[Step, ...]

    @property
    def latest(self) -> Agreement | None:
        return next((a for a in reversed(self.agreement) if a.value is not None), None)


@dataclass(frozen=True)
class Relationship:
    key: str
    partner: str  # as most of its sessions spell it (the oldest one's on a tie)
    sessions: tuple[RelationshipSession, ...]  # oldest first

    @property
    def latest(self) -> Agreement | None:
        """The newest session's latest revealed agreement (an older session's if the newer ones have none)."""
        return next((s.latest for s in reversed(self.sessions) if s.latest is not None), None)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for s in self.sessions for step in s.steps)


@dataclass(frozen=True)
class Point:
    """One revealed round with an agreement, on a relationship's timeline."""

    session: str  # its title
    date: str  # the session's date (YYYY-MM-DD)
    agreement: Agreement

    def label_in(self, t: Translator) -> str:
        """``2026 review (7 Dec 2026), round 1``, in ``t``'s words (the chart's axis, the sentences)."""
        return t.gettext(
            "{session} ({date}), round {round}",
            session=self.session,
            date=_date(self.date, t),
            round=self.agreement.round,
        )


def _date(iso: str, t: Translator) -> str:
    """A session's date (YYYY-MM-DD) for ``t``'s locale; as stored in English (the exports' and tests' form)."""
    if t.locale == ENGLISH.locale:
        return iso
    try:
        return t.date(date.fromisoformat(iso))
    except ValueError:
        return iso


def statistic_in(a: Agreement, t: Translator = ENGLISH) -> str:
    """The agreement's statistic named in ``t``'s words ("Kendall's W" is « W de Kendall » in French)."""
    return t.gettext(a.statistic) if a.statistic else ""


def label_in(a: Agreement, t: Translator = ENGLISH) -> str:
    """The agreement's label ("strong agreement", as ``wording`` words it) in ``t``'s words."""
    return t.gettext(a.label) if a.label else ""


def over_time(relationship: Relationship) -> list[Point]:
    """Every revealed round of the relationship's sessions that had two parties or more, oldest first."""
    return [
        Point(s.title, s.created_at[:10], a) for s in relationship.sessions for a in s.agreement if a.value is not None
    ]


def stated(a: Agreement, t: Translator = ENGLISH) -> str:
    """``strong agreement (Kendall τ-b = 0.60)`` in ``t``'s words."""
    return t.gettext(
        "{label} ({statistic} = {value})",
        label=label_in(a, t),
        statistic=statistic_in(a, t),
        value=t.decimal(a.value if a.value is not None else 0.0, 2),
    )


def in_words(relationship: Relationship, t: Translator = ENGLISH) -> str:
    """The relationship's agreement over time in one sentence (the chart's text alternative), in ``t``'s words."""
    points = over_time(relationship)
    if not points:
        return t.gettext(
            "No round of this relationship's sessions has been revealed yet, so there is no agreement to show."
        )
    first, last = points[0], points[-1]
    if len(points) == 1:
        return t.gettext(
            "One revealed round so far: {agreement} in {round}.",
            agreement=stated(first.agreement, t),
            round=first.label_in(t),
        )
    return t.gettext(
        "Over {n} revealed rounds, agreement went from {first} in {first_round} to {last} in {last_round}.",
        n=len(points),
        first=stated(first.agreement, t),
        first_round=first.label_in(t),
        last=stated(last.agreement, t),
        last_round=last.label_in(t),
    )


@dataclass(frozen=True)
class Summary:
    """What the ecosystem map shows of one relationship."""

    partner: str
    latest: Agreement | None
    open_steps: int  # steps not done (overdue ones included)
    overdue_steps: int


def partner_of(session: Session, organisation: str, workspace_name: str) -> str:
    """The relationship a session belongs to (the module's rule)."""
    ours = {key(organisation), key(workspace_name)}
    if key(session.partner_org) and key(session.partner_org) not in ours:
        return " ".join(session.partner_org.split())
    if key(session.partner_org) and key(session.our_org) and key(session.our_org) not in ours:
        return " ".join(session.our_org.split())  # created from the partner's side
    others = [p.name for p in session.parties if key(p.name) != key(organisation)]
    return " & ".join(others) or session.title


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NUMERIC = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), (1, 2, 3)),  # year, month, day
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), (3, 2, 1)),  # day first
)
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def due_date(due: str) -> date | None:
    """The due text read as a date, or None when it is a timeframe, empty or not a real date."""
    text = " ".join(str(due or "").split()).lower()
    try:
        for pattern, (y, m, d) in _NUMERIC:
            if found := pattern.fullmatch(text):
                return date(int(found[y]), int(found[m]), int(found[d]))
        if (found := _DAY_MONTH.fullmatch(text)) and found[2] in _MONTHS:
            return date(int(found[3]), _MONTHS[found[2]], int(found[1]))
        if (found := _MONTH_DAY.fullmatch(text)) and found[1] in _MONTHS:
            return date(int(found[3]), _MONTHS[found[1]], int(found[2]))
    except ValueError:  # 31/02/2027
        return None
    return None


def today() -> date:
    return datetime.now(timezone.utc).date()


def state_of(status: str, due: str, on: date) -> str:
    """Open, overdue or done (the module's rule), on the day ``on``."""
    if status == "done":
        return DONE
    when = due_date(due)
    return OVERDUE if when is not None and when < on else OPEN


def _agreement(session: Session, number: int, rankings) -> Agreement:
    orders = {name: pc.order for name, pc in results.party_orders(session, rankings).items()}
    headline = results.headline(orders, session.catalogue.names)
    stats = headline.stats
    if "kendall_tau_b" in stats:
        statistic, value = TAU_B, float(stats["kendall_tau_b"])  # type: ignore[arg-type]
    elif "kendalls_w" in stats:
        statistic, value = KENDALLS_W, float(stats["kendalls_w"])  # type: ignore[arg-type]
    else:
        statistic, value = "", None
    return Agreement(number, len(orders), statistic, value, str(stats.get("label", "")), headline.summary)


def _read(db, session: Session, organisation: str, workspace_name: str, on: date) -> RelationshipSession:
    seen = audience.workspace()
    by_round: dict[int, list] = {}
    for r in query_rankings(db, session.id):
        by_round.setdefault(r.round, []).append(r)
    agreement = tuple(
        _agreement(session, r.number, by_round[r.number])
        for r in session.rounds
        if seen.sees_round(session, r.number) and r.number in by_round
    )
    partner = partner_of(session, organisation, workspace_name)
    names = session.catalogue.names
    steps = tuple(
        Step(
            partner=partner,
            session=session.title,
            element=names.get(s.element_id, s.element_id),
            action=s.action,
            owner_party=s.owner_party,
            due=s.due,
            due_date=due_date(s.due),
            status=s.status,
            agreed_by=s.agreed_by,
            state=state_of(s.status, s.due, on),
        )
        for s in seen.next_steps(_steps(db, session))
    )
    return RelationshipSession(
        title=session.title,
        created_at=session.created_at,
        organisation=organisation,
        parties=tuple(p.name for p in session.parties),
        rounds=len(session.rounds),
        agreement=agreement,
        steps=steps,
    )


def _spelling(names: list[str]) -> str:
    """The spelling most sessions use, the oldest session's on a tie."""
    return max(names, key=lambda n: (names.count(n), -names.index(n)))


def relationships(wview: WorkspaceView, *, on: date | None = None) -> list[Relationship]:
    """The workspace's linked sessions grouped by partner (the module's rule), each relationship's sessions
    oldest first, relationships by partner name. ``on``: the day overdue is judged on (today, UTC)."""
    w = wview.require(Action.SEE_RELATIONSHIPS)
    store = wview.store
    on = on or today()
    grouped: dict[str, list[RelationshipSession]] = {}
    spellings: dict[str, list[str]] = {}  # key -> the partner's name as each session spells it, oldest first
    with dbmod.connection(store.path) as db:
        if "workspace_sessions" not in dbmod.tables(store.path, db):
            return []
        rows = list(
            db.query(
                """SELECT l.session_code, l.party_position, s.created_at FROM workspace_sessions l
                   JOIN sessions s ON s.code = l.session_code
                   WHERE l.workspace_id = ? ORDER BY s.created_at, s.id""",
                [w.id],
            )
        )
        for row in rows:
            try:
                session = store.load_session(db, row["session_code"])
            except NotFound:  # expired: it grants nothing any more
                continue
            organisation = next((p.name for p in session.parties if p.position == row["party_position"]), "")
            read = _read(db, session, organisation, w.name, on)
            partner = partner_of(session, organisation, w.name)
            grouped.setdefault(key(partner), []).append(read)
            spellings.setdefault(key(partner), []).append(partner)
    return sorted(
        (Relationship(k, _spelling(spellings[k]), tuple(sessions)) for k, sessions in grouped.items()),
        key=lambda r: r.key,
    )


def column_e(found: list[Relationship]) -> dict[str, list[Step]]:
    """Every next step of every relationship, grouped open / overdue / done (each by due date, undated last)."""
    out: dict[str, list[Step]] = {state: [] for state in STATES}
    for relationship in found:
        for step in relationship.steps:
            out[step.state].append(step)
    for steps in out.values():
        steps.sort(key=lambda s: (s.due_date is None, s.due_date or date.min, s.partner.lower()))
    return out


def summaries(found: list[Relationship]) -> dict[str, Summary]:
    return {
        r.key: Summary(
            partner=r.partner,
            latest=r.latest,
            open_steps=sum(1 for s in r.steps if s.state != DONE),
            overdue_steps=sum(1 for s in r.steps if s.state == OVERDUE),
        )
        for r in found
    }


def by_partner(wview: WorkspaceView, *, on: date | None = None) -> dict[str, Summary]:
    """Each relationship's latest agreement and open next steps, keyed by ``key(partner)`` (the ecosystem map)."""
    return summaries(relationships(wview, on=on))


def annotation(summary: Summary, t: Translator = ENGLISH) -> str:
    """One line for the ecosystem map: the latest agreement and the open next steps, in ``t``'s words."""
    latest = summary.latest
    agreement = stated(latest, t) if latest and latest.value is not None else ""
    agreement = agreement[:1].upper() + agreement[1:] if agreement else t.gettext("No revealed agreement yet")
    if summary.overdue_steps:
        steps = t.ngettext(
            "{n} open next step ({overdue} overdue)",
            "{n} open next steps ({overdue} overdue)",
            summary.open_steps,
            overdue=summary.overdue_steps,
        )
    else:
        steps = t.ngettext("{n} open next step", "{n} open next steps", summary.open_steps)
    return t.gettext("{agreement} · {steps}", agreement=agreement, steps=steps)


def map_annotations(wview: WorkspaceView, *, on: date | None = None, t: Translator = ENGLISH) -> dict[str, str]:
    """``annotation`` of each relationship, keyed by ``key(partner)``: what the ecosystem map takes (its ``annotations``)."""
    return annotations_of(by_partner(wview, on=on), t)


def annotations_of(found: Mapping[str, Summary], t: Translator = ENGLISH) -> dict[str, str]:
    return {k: annotation(s, t) for k, s in found.items()}
