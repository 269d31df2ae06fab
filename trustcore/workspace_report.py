"""The printable report of an organisation workspace: ONE self-contained HTML page (no Streamlit here).

It is built like the session's report (``trustcore.report``): the Jinja2 template
``templates/workspace_report.html.j2`` with the same ``report.css`` (A4, each major section on a new page,
table rows never split, the contents list not printed), autoescaped so every piece of typed text (the
workspace's name, worksheet fields, session titles, party names, next steps) is written as text, and the
same Content-Security-Policy: the page makes no request and runs no script.

It shows what ``workspace_workbook.workspace_data`` gathered, for its audience (``audience.organisation``):
the workspace's name and dates, Activity 1 (the current ranking, the rank in the latest versions and every
version with where it came from), Activity 2 (Column A in the Activity 1 order, B and C), the relationships
(each partner, its sessions and agreement over time), Column E across them (open, overdue, done) and the
data ecosystem map (Activity 4: its SVG, from its own autoescaped template, with each relationship's latest
agreement and open next steps, then its actors and flows in tables). The shareable copy leaves out every
field marked internal, and shows the map's shareable version. Rights: ``Action.DOWNLOAD_WORKSPACE``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from markupsafe import Markup

from . import ecosystem, ecosystem_svg, relationships, templating
from .report import _CSP, CREDIT, MADE_WITH
from .workspace import WorkspaceView
from .workspace_workbook import (
    STATE_WORDS,
    WorkspaceData,
    latest_words,
    shareable_notice,
    source,
    step_counts,
    workspace_data,
)

RANK_VERSIONS = 5  # the versions whose ranks the Activity 1 table shows (the latest; all are listed below it)


def render(data: WorkspaceData, *, generated: str | None = None, on: date | None = None) -> str:
    """The report page of already gathered data (``workspace_report`` checks the right first)."""
    generated = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    current = data.current
    shown = list(reversed(data.versions))[:RANK_VERSIONS]
    order = list(current.order) if current else []
    ranking = [
        {
            "rank": i,
            "element": data.name(eid),
            "ranks": [v.order.index(eid) + 1 if eid in v.order else None for v in shown],
        }
        for i, eid in enumerate(order, start=1)
    ]
    column = min(14.0, 50 / len(shown)) if shown else 0.0  # a version's rank column
    contents = [
        ("ranking", "Organisation-wide ranking (Activity 1)"),
        ("worksheet", "Internal worksheet (Activity 2)"),
        ("relationships", "Relationships"),
        ("next-steps", "Next steps (Column E)"),
        ("map", "Data ecosystem map (Activity 4)"),
    ]
    notes = relationships.annotations_of(relationships.summaries(list(data.relationships)))
    m = data.map
    us = m.organisation
    page = templating.render(
        "workspace_report.html.j2",
        data=data,
        w=data.workspace,
        csp=_CSP,
        generated=generated,
        notice=shareable_notice(data),
        contents=contents,
        current=current,
        versions=list(data.versions),
        shown_versions=shown,
        version_heads=[f"v{v.version} ({v.entered_at[:10]})" for v in shown],
        rank_widths=[8, 92 - column * len(shown), *([column] * len(shown))],
        ranking=ranking,
        source=source,
        relationships=[
            {
                "relationship": r,
                "latest": latest_words(r),
                "words": relationships.in_words(r) if len(relationships.over_time(r)) > 1 else "",
                "counts": step_counts(r),
            }
            for r in data.relationships
        ],
        column_e=data.column_e,
        map_svg=Markup(ecosystem_svg.svg(m, notes)) if m.actors else "",
        map_words=ecosystem_svg.summary(m, notes),
        actors=[
            (
                a.name,
                ecosystem.KINDS.get(a.kind, a.kind),
                ecosystem.ROLES.get(a.role, a.role) if a.role else "—",
                us is not None and a.id == us.id,
                a.internal,
            )
            for a in m.actors
        ],
        flows=[(m.describe(f), f.internal) for f in m.flows],
        states=list(STATE_WORDS.items()),
        today=(on or relationships.today()).isoformat(),
        credit=CREDIT,
        made_with=MADE_WITH,
    )
    return page + "\n"


def workspace_report(wview: WorkspaceView, *, shareable: bool = False, on: date | None = None) -> str:
    """The workspace's report as one self-contained HTML page that prints to A4 (see the module docstring);
    ``shareable``: the copy for people outside the organisation (no field marked internal)."""
    return render(workspace_data(wview, shareable=shareable, on=on), on=on)
