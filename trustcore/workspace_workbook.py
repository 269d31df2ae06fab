"""An organisation workspace as one Excel workbook (.xlsx), and the data its printable report shares (no
Streamlit here).

``workspace_workbook`` writes the sheets ``SHEETS``, in this order: About (the workspace's name and dates,
and what the copy leaves out), Ranking (Activity 1: the elements in the current organisation-wide ranking's
order, with their rank in every version), Ranking versions (each version's date and where it came from),
Worksheet (Activity 2: Column A in the Activity 1 order, B the steps the organisation takes, C how it
demonstrates them), Relationships (each partner: its sessions, latest agreement and agreement over time in
words, its next steps counted), Agreement (each revealed round of each linked session), Next steps
(Column E across the relationships: open, overdue, done), and the data ecosystem map (Activity 4) as Map
actors and Map flows (the columns of the map's own CSV, ``ecosystem.CSV_COLUMNS``, in words).

It is written with the session workbook's machinery (``trustcore.workbook``): every text cell typed text
(never a formula; formula-looking text quote-prefixed), rows as tall as their wrapped text, each sheet
printing landscape on A4 fitted to the width with its header row on every page.

What a copy carries is its ``audience.organisation`` (the one decision, in ``trustcore.audience``): the
workspace link's full copy marks internal fields "[internal]" (and says which actors and flows of the map are
shareable); the shareable copy leaves them out, with the map's internal actors and flows and every flow
touching an internal actor (``ecosystem.EcosystemMap.shareable``, what a survey shows of it). Either copy
reads the linked sessions as ``trustcore.relationships`` does (revealed rounds only, no person's name, no
session code). Rights: ``Action.DOWNLOAD_WORKSPACE`` (the workspace link), the link identified again on
the one read snapshot everything is read on, so a replaced link reads nothing.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from . import audience as audience_mod
from . import catalogue as catalogue_mod
from . import clock, ecosystem, internal_worksheet, relationships
from . import db as dbmod
from . import workspace as ws
from .audience import Audience
from .ecosystem import EcosystemMap
from .i18n import ENGLISH, N_, Translator
from .internal_worksheet import InternalWorksheet
from .relationships import Relationship, Step
from .rights import Action
from .workbook import _HEADER_FONT, _TEXT_WIDTH, _finish, _put, _table, _when, _widths, entry_text
from .workspace import OrgRanking, Workspace, WorkspaceView

SHEETS = (  # in English; the workbook names them in its reader's language (``sheet_names``)
    N_("About"),
    N_("Ranking"),
    N_("Ranking versions"),
    N_("Worksheet"),
    N_("Relationships"),
    N_("Agreement"),
    N_("Next steps"),
    N_("Map actors"),
    N_("Map flows"),
)
TYPED_IN = N_("entered in the workspace")
STATE_WORDS = {relationships.OPEN: N_("Open"), relationships.OVERDUE: N_("Overdue"), relationships.DONE: N_("Done")}


def sheet_names(t: Translator = ENGLISH) -> list[str]:
    """``SHEETS`` in ``t``'s language (a sheet's name: at most 31 characters)."""
    return [t.gettext(name)[:31] for name in SHEETS]


# --------------------------------------------------------------------------------------- what a reader may get


@dataclass(frozen=True)
class WorkspaceData:
    """Everything the workspace's workbook and report show, as its audience may see it."""

    workspace: Workspace
    audience: Audience
    generated: str  # when it was read (clock.FORMAT, UTC)
    versions: tuple[OrgRanking, ...]  # Activity 1, oldest first (the last is the current one)
    names: dict[str, str]  # element id -> its name
    sheet: InternalWorksheet  # Activity 2, only the entries the audience may see
    relationships: tuple[Relationship, ...]
    column_e: dict[str, list[Step]]  # open / overdue / done
    map: EcosystemMap  # Activity 4, as the audience may see it

    @property
    def shareable(self) -> bool:
        return self.audience.shareable

    @property
    def current(self) -> OrgRanking | None:
        return self.versions[-1] if self.versions else None

    def name(self, element_id: str) -> str:
        return self.names.get(element_id, element_id)


def workspace_data(
    wview: WorkspaceView, *, shareable: bool = False, on: date | None = None, t: Translator = ENGLISH
) -> WorkspaceData:
    """What ``workspace_workbook`` and ``workspace_report`` show, read on one snapshot of the database.
    ``shareable``: the copy for people outside the organisation (``audience.organisation``); ``on``: the day
    next steps are judged overdue on (today, UTC)."""
    wview.require(Action.DOWNLOAD_WORKSPACE)
    seen = audience_mod.organisation(shareable=shareable)
    store = wview.store
    with dbmod.snapshot(store.path) as db:
        workspace = store.identify_workspace(db, wview.workspace.id, wview.token)  # a replaced link reads nothing
        versions = tuple(ws.rankings(wview))
        sheet = internal_worksheet.build(wview, t)  # t: the words of Column A's order_source
        found = relationships.relationships(wview, on=on)
        drawn = ecosystem.read(wview, shareable=seen.shareable)
    names = dict(catalogue_mod.default().names)
    rows = tuple(
        dataclasses.replace(row, entries={c: e for c, e in row.entries.items() if e.text and seen.shows_entry(e)})
        for row in sheet.rows
    )
    return WorkspaceData(
        workspace=workspace,
        audience=seen,
        generated=clock.now(),
        versions=versions,
        names=names,
        sheet=dataclasses.replace(sheet, rows=rows),
        relationships=tuple(found),
        column_e=relationships.column_e(found),
        map=drawn,
    )


# --------------------------------------------------------------------------------------- words shared with the report


def element_names(data: WorkspaceData, t: Translator = ENGLISH) -> dict[str, str]:
    """Each element's name in ``t``'s language (the catalogue's own name where it has no translation)."""
    return {**data.names, **catalogue_mod.default().names_in(t.locale)}


def step_element(name: str, t: Translator = ENGLISH) -> str:
    """A next step's element (stored by its name in the session's catalogue) named in ``t``'s language when
    it is one of the default catalogue's; otherwise as it is."""
    default = catalogue_mod.default()
    ids = {element_name: element_id for element_id, element_name in default.names.items()}
    return default.names_in(t.locale).get(ids.get(name, ""), name)


def shareable_notice(data: WorkspaceData, t: Translator = ENGLISH) -> str:
    """What the copy is, and what a shareable one leaves out, in words (the report's first page, About)."""
    if data.shareable:
        return t.gettext(
            "Shareable version: the internal worksheet's fields marked internal, and the ecosystem map's internal "
            "actors and flows, are left out; it names no person and holds no link or session code. The "
            "relationships show revealed rounds only."
        )
    return t.gettext(
        "Full version, for the organisation: it includes the internal worksheet's fields marked internal "
        "(marked as such) and the ecosystem map's internal actors and flows. Share the shareable version instead."
    )


def source(version: OrgRanking, t: Translator = ENGLISH) -> str:
    """Where a version of the organisation-wide ranking came from, in words (a session's title as stored)."""
    return version.source or t.gettext(TYPED_IN)


def latest_words(relationship: Relationship, t: Translator = ENGLISH) -> str:
    latest = relationship.latest
    if latest is None or latest.value is None:
        return t.gettext("no revealed agreement yet")
    return relationships.stated(latest, t)


def step_counts(relationship: Relationship) -> dict[str, int]:
    return {state: sum(1 for s in relationship.steps if s.state == state) for state in relationships.STATES}


# --------------------------------------------------------------------------------------- sheets


def _about(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    current = data.current
    sessions = sum(len(r.sessions) for r in data.relationships)
    rows = [
        (t.gettext("Organisation"), data.workspace.name),
        (t.gettext("Workspace created (UTC)"), _when(data.workspace.created_at)),
        (t.gettext("This file made (UTC)"), _when(data.generated)),
        (
            t.gettext("Organisation-wide ranking"),
            t.gettext(
                "version {version} of {count}, {day}, {source}",
                version=current.version,
                count=len(data.versions),
                day=current.entered_at[:10],
                source=source(current, t),
            )
            if current
            else t.gettext("none yet"),
        ),
        (
            t.gettext("Relationships"),
            t.gettext(
                "{partners}, {sessions}",
                partners=t.ngettext("{n} partner", "{n} partners", len(data.relationships)),
                sessions=t.ngettext("{n} session", "{n} sessions", sessions),
            ),
        ),
        (t.gettext("This copy"), shareable_notice(data, t)),
    ]
    _table(sh, [t.gettext("About"), t.gettext("Value")], rows, fixed={1: 26, 2: 90}, t=t)


def _ranking(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    """The elements in the current order, with their rank in every version (newest first)."""
    names = element_names(data, t)
    versions = list(reversed(data.versions))
    header = [t.gettext("Rank (current)"), t.gettext("Element"), t.gettext("Element ID")] + [
        t.gettext("Version {version} ({day})", version=v.version, day=v.entered_at[:10]) for v in versions
    ]
    order = list(data.current.order) if data.current else list(catalogue_mod.default().ids)
    for v in versions:  # an element only an earlier version had (a co-ranking session's own list)
        order += [e for e in v.order if e not in order]
    rows = []
    for eid in order:
        ranks = [v.order.index(eid) + 1 if eid in v.order else None for v in versions]
        current = data.current.order.index(eid) + 1 if data.current and eid in data.current.order else None
        rows.append([current, names.get(eid, eid), eid, *ranks])
    _table(sh, header, rows, fixed={2: 34}, t=t)


def _versions(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    names = element_names(data, t)
    separator = t.pgettext("list separator", ", ")
    rows = [
        (v.version, _when(v.entered_at), source(v, t), separator.join(names.get(e, e) for e in v.order[:3]))
        for v in reversed(data.versions)
    ]
    header = [
        t.gettext("Version"),
        t.gettext("Entered (UTC)"),
        t.gettext("Where it came from"),
        t.gettext("Its top three"),
    ]
    _table(sh, header, rows, fixed={3: 50, 4: 50}, t=t)


def _worksheet(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    names = element_names(data, t)
    header = [
        t.gettext("A: position"),
        t.gettext("A: element"),
        t.gettext("B: steps we take"),
        t.gettext("C: how we demonstrate it"),
    ]
    rows = [
        (
            row.position,
            names.get(row.element_id, row.element),
            entry_text(row.entries.get("B"), t),
            entry_text(row.entries.get("C"), t),
        )
        for row in data.sheet.rows
    ]
    _table(sh, header, rows, fixed={1: 12, 2: 30, 3: 50, 4: 50}, t=t)
    notes = [
        (t.gettext("Column A order"), data.sheet.order_source),
        (t.gettext("This copy"), shareable_notice(data, t)),
    ]
    for i, (label, text) in enumerate(notes, start=len(rows) + 3):
        _put(sh, i, 1, label).font = _HEADER_FONT
        _put(sh, i, 2, text)
        sh.merge_cells(start_row=i, start_column=2, end_row=i, end_column=len(header))
    _widths(sh, {1: 12, 2: 30, 3: 50, 4: 50})
    _finish(sh, t)


def _relationships(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    header = [
        t.gettext("Partner"),
        t.gettext("Sessions"),
        t.gettext("Latest agreement"),
        t.gettext("Agreement over time"),
        *(t.gettext(STATE_WORDS[state]) for state in relationships.STATES),
    ]
    rows = []
    for r in data.relationships:
        counts = step_counts(r)
        sessions = "\n".join(f"{s.title} ({s.created_at[:10]})" for s in r.sessions)
        rows.append(
            [
                r.partner,
                sessions,
                latest_words(r, t),
                relationships.in_words(r, t),
                *(counts[state] for state in relationships.STATES),
            ]
        )
    _table(sh, header, rows, fixed={1: 22, 2: 34, 3: 26, 4: 50}, t=t)


def _agreement(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    header = [
        t.gettext("Partner"),
        t.gettext("Session"),
        t.gettext("Held"),
        t.gettext("Organisation's party"),
        t.gettext("Parties"),
        t.gettext("Round"),
        t.gettext("Statistic"),
        t.gettext("Value"),
        t.gettext("In words"),
        t.gettext("Headline"),
    ]
    separator = t.pgettext("list separator", ", ")
    rows: list[list[object]] = []
    for r in data.relationships:
        for s in r.sessions:
            base: list[object] = [r.partner, s.title, s.created_at[:10], s.organisation, separator.join(s.parties)]
            if not s.agreement:
                rows.append([*base, None, "", None, t.gettext("no round revealed yet"), ""])
            for a in s.agreement:
                words = relationships.label_in(a, t)  # the headline: as the session worded it (English)
                rows.append([*base, a.round, relationships.statistic_in(a, t), a.value, words, a.summary])
    _table(sh, header, rows, fixed={2: 26, 10: _TEXT_WIDTH}, most={5: 24, 9: 24}, t=t)


def _steps(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    header = [
        t.gettext("State"),
        t.gettext("Partner"),
        t.gettext("Session"),
        t.gettext("Element"),
        t.gettext("Action"),
        t.gettext("Owner (party)"),
        t.gettext("Due"),
        t.gettext("Status"),
        t.gettext("Agreed by"),
    ]
    separator = t.pgettext("list separator", ", ")
    rows = [
        [
            t.gettext(STATE_WORDS[state]),
            s.partner,
            s.session,
            step_element(s.element, t),
            s.action,
            s.owner_party or "",
            s.due,
            s.status,
            separator.join(s.agreed_by),
        ]
        for state in relationships.STATES
        for s in data.column_e[state]
    ]
    _table(sh, header, rows, fixed={5: _TEXT_WIDTH}, t=t)


def _yes(flag: bool, t: Translator) -> str:
    return t.gettext("yes") if flag else t.gettext("no")


def _actors(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    m = data.map
    us = m.organisation
    header = [
        t.gettext("Actor"),
        t.gettext("Kind"),
        t.gettext("Role"),
        t.gettext("The organisation"),
        t.gettext("Shareable"),
    ]
    rows = [
        [
            a.name,
            t.gettext(ecosystem.KINDS[a.kind]) if a.kind in ecosystem.KINDS else a.kind,
            (t.gettext(ecosystem.ROLES[a.role]) if a.role in ecosystem.ROLES else a.role) if a.role else "",
            _yes(us is not None and a.id == us.id, t),
            _yes(not a.internal, t),
        ]
        for a in m.actors
    ]
    _table(sh, header, rows, fixed={1: 34}, t=t)


def _flows(sh: Sheet, data: WorkspaceData, t: Translator) -> None:
    m = data.map
    header = [t.gettext("From"), t.gettext("To"), t.gettext("Kind"), t.gettext("Label"), t.gettext("Shareable")]
    rows = []
    for f in m.flows:
        source, target = m.actor(f.source_id), m.actor(f.target_id)
        rows.append(
            [
                source.name if source else "",
                target.name if target else "",
                t.gettext(ecosystem.FLOW_KINDS[f.kind]) if f.kind in ecosystem.FLOW_KINDS else f.kind,
                f.label,
                _yes(not f.internal, t),
            ]
        )
    _table(sh, header, rows, fixed={1: 30, 2: 30, 4: 40}, t=t)


def render(data: WorkspaceData, t: Translator = ENGLISH) -> bytes:
    """The workbook of already gathered data (``workspace_workbook`` checks the right first), in ``t``'s
    language."""
    wb = Workbook()
    wb.properties.creator = "trustcore"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", data.workspace.name)
    titles = sheet_names(t)
    first = wb.active
    first.title = titles[0]
    _about(first, data, t)
    sheets = (_ranking, _versions, _worksheet, _relationships, _agreement, _steps, _actors, _flows)
    for title, draw in zip(titles[1:], sheets, strict=True):
        draw(wb.create_sheet(title), data, t)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workspace_workbook(
    wview: WorkspaceView, *, shareable: bool = False, on: date | None = None, t: Translator = ENGLISH
) -> bytes:
    """The workspace as an .xlsx file: sheets SHEETS (see the module docstring) in ``t``'s language (the
    reader's); ``shareable`` leaves out every field marked internal (``audience.organisation``). Rights:
    ``Action.DOWNLOAD_WORKSPACE``."""
    return render(workspace_data(wview, shareable=shareable, on=on, t=t), t)
