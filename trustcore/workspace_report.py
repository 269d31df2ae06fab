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
from .i18n import ENGLISH, Translator
from .report import _CSP, CREDIT, MADE_WITH, _day, _moment, _number
from .wording import status_words
from .workspace import WorkspaceView
from .workspace_workbook import (
    STATE_WORDS,
    WorkspaceData,
    element_names,
    latest_words,
    shareable_notice,
    source,
    step_counts,
    step_element,
    workspace_data,
)

RANK_VERSIONS = 5  # the versions whose ranks the Activity 1 table shows (the latest; all are listed below it)


def render(
    data: WorkspaceData, *, generated: str | None = None, on: date | None = None, t: Translator = ENGLISH
) -> str:
    """The report page of already gathered data (``workspace_report`` checks the right first), in ``t``'s
    language."""
    generated = generated or t.gettext(
        "{moment} UTC", moment=t.datetime(datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0))
    )
    names = element_names(data, t)

    def day(text: str | None) -> str:  # a stored day as the reader's locale writes it (ISO in English)
        return (text or "—") if t.locale == ENGLISH.locale else _day(text, t)

    current = data.current
    shown = list(reversed(data.versions))[:RANK_VERSIONS]
    order = list(current.order) if current else []
    ranking = [
        {
            "rank": i,
            "element": names.get(eid, eid),
            "ranks": [v.order.index(eid) + 1 if eid in v.order else None for v in shown],
        }
        for i, eid in enumerate(order, start=1)
    ]
    column = min(14.0, 50 / len(shown)) if shown else 0.0  # a version's rank column
    contents = [
        ("ranking", t.gettext("Organisation-wide ranking (Activity 1)")),
        ("worksheet", t.gettext("Internal worksheet (Activity 2)")),
        ("relationships", t.gettext("Relationships")),
        ("next-steps", t.gettext("Next steps (Column E)")),
        ("map", t.gettext("Data ecosystem map (Activity 4)")),
    ]
    notes = relationships.annotations_of(relationships.summaries(list(data.relationships)), t)
    m = data.map
    us = m.organisation
    page = templating.render(
        "workspace_report.html.j2",
        **templating.in_html(t),
        number=_number(t),
        day=day,
        element=lambda name: step_element(name, t),
        status=lambda code: status_words(code, t),
        moment=lambda text: text[:16].replace("T", " ") if t.locale == ENGLISH.locale else _moment(text, t),
        lang=t.locale,
        data=data,
        w=data.workspace,
        csp=_CSP,
        generated=generated,
        notice=shareable_notice(data, t),
        contents=contents,
        current=current,
        versions=list(data.versions),
        shown_versions=shown,
        version_heads=[t.gettext("v{version} ({day})", version=v.version, day=day(v.entered_at[:10])) for v in shown],
        rank_widths=[11, 89 - column * len(shown), *([column] * len(shown))],
        ranking=ranking,
        rows=[(row, names.get(row.element_id, row.element)) for row in data.sheet.rows],
        source=lambda version: source(version, t),
        relationships=[
            {
                "relationship": r,
                "latest": latest_words(r, t),
                "words": relationships.in_words(r, t) if len(relationships.over_time(r)) > 1 else "",
                "counts": step_counts(r),
            }
            for r in data.relationships
        ],
        statistic=lambda a: relationships.statistic_in(a, t),
        label=lambda a: relationships.label_in(a, t),
        column_e=data.column_e,
        map_svg=Markup(ecosystem_svg.svg(m, notes, t=t)) if m.actors else "",
        map_words=ecosystem_svg.summary(m, notes, t),
        actors=[
            (
                a.name,
                t.gettext(ecosystem.KINDS[a.kind]) if a.kind in ecosystem.KINDS else a.kind,
                (t.gettext(ecosystem.ROLES[a.role]) if a.role in ecosystem.ROLES else a.role) if a.role else "—",
                us is not None and a.id == us.id,
                a.internal,
            )
            for a in m.actors
        ],
        flows=[(m.describe(f, t), f.internal) for f in m.flows],
        states=[(state, t.gettext(words)) for state, words in STATE_WORDS.items()],
        today=(on or relationships.today()).isoformat(),
        credit=t.gettext(CREDIT),
        made_with=t.gettext(MADE_WITH),
    )
    return page + "\n"


def workspace_report(
    wview: WorkspaceView, *, shareable: bool = False, on: date | None = None, t: Translator = ENGLISH
) -> str:
    """The workspace's report as one self-contained HTML page that prints to A4 (see the module docstring), in
    ``t``'s language (the reader's); ``shareable``: the copy for people outside the organisation (no field
    marked internal)."""
    return render(workspace_data(wview, shareable=shareable, on=on, t=t), on=on, t=t)
