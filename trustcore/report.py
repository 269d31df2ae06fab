"""The printable session report: ONE self-contained HTML page (no Streamlit here).

The page makes no request at all and runs no script: the charts are static SVG drawn by
``report_charts`` from the same results as the app's plotly charts; the CSS is inline and uses the
system's fonts; a Content-Security-Policy meta tag forbids any script, connection, image, font or frame.
It prints to A4 from a browser: the content column is exactly as wide as the printed page, each major
section starts on a new page, charts and table rows are never split, the contents list is not printed,
dates never break across lines, and nothing relies on colour alone.

The page is the Jinja2 template ``templates/report.html.j2`` (with ``report.css``), autoescaped: every
piece of user text (titles, organisation, party, participant and element names, worksheet entries,
next steps, feedback, reasons, reflections) is written as text. Each reason is printed once, under its
element in the round's Reasons; the agenda's pairs point to it. Rights are those of
``workbook.session_data``.

The page is written in its reader's language (``t``, ``trustcore.i18n``; ``<html lang>`` is it): the template
calls ``_``, ``ngettext`` and ``pgettext`` (bound to ``t``; ``pybabel`` extracts them from the template, see
``babel.cfg``), numbers and dates go through ``t``, the element names are the catalogue's in that language
(``Catalogue.names_in``) and the statistics' sentences are worded again from the numbers (``headline_in``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import Any

from markupsafe import Markup

from . import charts, report_charts, templating, wording
from .followup import survey
from .followup.next_steps import NextStep
from .i18n import ENGLISH, N_, Translator
from .results import RoundResults
from .view import View
from .wording import status_words
from .workbook import SessionData, feedback_text, session_data, shareable_notice

AGENDA_TOP = 10
CREDIT = N_(
    "The elements of trustworthy data stewardship and the activities of this workshop follow the Open Data "
    "Institute's Trustworthy Data Stewardship Guidebook (public draft, March 2021, "
    "open-data-institute.gitbook.io/p22-trustworthy-data-stewardship-guidebook), licensed under CC BY-SA 4.0; "
    "its wording is paraphrased and stays under that licence."
)
MADE_WITH = N_("Made with trustcore.")
# the survey's answers (``survey.EXPECTATIONS``, ``survey.EVIDENCE``: stored codes), as the report words them
ANSWERS = {"yes": N_("yes"), "partly": N_("partly"), "no": N_("no"), "unsure": N_("unsure")}
_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; "
    "connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)


def _explainer(text: str) -> list[list[tuple[bool, str]]]:
    """Our own markdown (the explainer), minimally: one paragraph per line, each a list of (bold, text)
    pieces for **bold**; a leading bold title line is dropped (the section heading says it)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and re.fullmatch(r"\*\*[^*]+\*\*", lines[0]):
        lines = lines[1:]
    return [
        [(i % 2 == 1, piece) for i, piece in enumerate(re.split(r"\*\*(.+?)\*\*", line)) if piece] for line in lines
    ]


def _owner(step: NextStep) -> str:
    return " / ".join(x for x in (step.owner_party or "", step.owner_person) if x)


def _counts(values: dict[str, int], keys: Sequence[str], t: Translator = ENGLISH) -> str:
    if not values:
        return "—"
    return t.pgettext("list separator", ", ").join(
        t.gettext("{answer} {n}", answer=t.gettext(ANSWERS.get(k, k)), n=values.get(k, 0)) for k in keys
    )


def _moment(text: str | None, t: Translator) -> str:
    """A stored UTC time (ISO text) as the reader's locale writes it; the text as it is if it is none."""
    try:
        return t.datetime(datetime.fromisoformat((text or "").replace("Z", "+00:00")).replace(tzinfo=None))
    except ValueError:
        return text or ""


def _day(text: str | None, t: Translator) -> str:
    """A stored day (ISO text: ``2026-05-14``) as the reader's locale writes it; "—" for none."""
    if not text:
        return "—"
    try:
        return t.date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def _status(data: SessionData, res: RoundResults, t: Translator = ENGLISH) -> str:
    """Whether the participants see the round (its reveal time is ``revealed``, shown by the template)."""
    s = data.session
    if s.get_round(res.round).revealed_at:
        return ""
    if s.results_visible(res.round):
        return t.gettext("Results shown live to everyone in this session.")
    return t.gettext("Not revealed to the participants yet: only the facilitator sees this round.")


def _round(data: SessionData, res: RoundResults, colours: dict[str, str], t: Translator = ENGLISH) -> dict:
    """What the template shows of one round: charts, agenda (pairs pointing to reasons), reasons once."""
    s = data.session
    names = s.catalogue.names_in(t.locale)
    english = t is ENGLISH
    revealed = s.get_round(res.round).revealed_at
    out: dict = {
        "res": res,
        "headline": res.headline_in(t, None if english else names),
        "status": _status(data, res, t),
        "revealed": _moment(revealed, t) if revealed else "",
        "waiting": [p.name for p in s.parties if p.name not in res.party_orders],
    }
    if not res.comparable:
        return out
    parties = list(res.party_orders)
    divergence = res.divergence_in(None if english else names)
    if len(parties) == 2:
        caption = t.gettext(
            "Each element's rank per party (1 = most important, on the left), most contested at the top; "
            "the bar joins the two parties' ranks, and each party has its own marker shape."
        )
        order_chart = report_charts.dumbbell(divergence, colours, title=caption, t=t)
    else:
        caption = t.gettext(
            "Each element's rank across the parties (1 = most important, at the top); the most contested "
            "elements are drawn thick and named at both ends."
        )
        order_chart = report_charts.bump(divergence, colours, title=caption, t=t)
    rank_width = min(14.0, 52 / len(parties))
    # Reasons: once per element (most contested first); the agenda's pairs point to them.
    blocks: list[dict[str, Any]] = []
    anchor_of: dict[str, str] = {}
    for index, (row, why) in enumerate(res.contested_with_reasons, start=1):
        anchor = f"round-{res.round}-reasons-{index}"
        anchor_of[row.element_id] = anchor
        blocks.append(
            {
                "anchor": anchor,
                "row": row,
                "reasons": why,
                "ranks": t.pgettext("list separator", ", ").join(
                    t.gettext("{party} {rank}", party=party, rank=rank) for party, rank in row.ranks.items()
                ),
                "lines": [wording.reason_line(r, None, t) for r in why],
                "points": [],
            }
        )
    by_anchor = {b["anchor"]: b for b in blocks}
    agenda = []
    for number, item in enumerate(res.agenda[:AGENDA_TOP], start=1):
        given = {r.element_id for r in res.agenda_reasons(item)}
        refs = [
            (anchor_of[e], names.get(e, e))
            for e in (item.higher_in_a, item.higher_in_b)
            if e in given and e in anchor_of
        ]
        for anchor, _ in refs:
            by_anchor[anchor]["points"].append(number)
        agenda.append({"text": item.text if english else item.sentence(names, t), "refs": refs})
    out.update(
        parties=parties,
        order_chart=Markup(order_chart),
        order_caption=caption,
        heatmap=Markup(
            report_charts.rank_heatmap(
                divergence,
                colours,
                title=t.gettext("Ranks as a table: the rank in each cell, darker = more important."),
                t=t,
            )
        ),
        side_widths=[100 - 22 - rank_width * len(parties), *[rank_width] * len(parties), 11, 11],
        agenda=agenda,
        reasons=blocks,
        within=[
            (name, pc.members, w.w, wording.agreement_label(w.w, "w", t))
            for name, pc in res.parties.items()
            if (w := pc.within_w) is not None
        ],
    )
    return out


def _worksheet(data: SessionData, names: dict[str, str], t: Translator = ENGLISH) -> list[dict]:
    def entries(row, column: str) -> list[tuple[str, object]]:
        return [
            (p.name, entry)
            for p in data.session.parties
            if (entry := row.entries.get((p.id, column))) is not None and entry.text
        ]

    return [
        {
            "position": row.position,
            "element": names.get(row.element_id, row.element),
            "B": entries(row, "B"),
            "C": entries(row, "C"),
            "D": feedback_text(row.feedback, respondents=data.audience.other_names, t=t)
            .replace(" · ", "\n")
            .split("\n"),
            "E": row.steps,
        }
        for row in data.sheet.rows
    ]


# --------------------------------------------------------------------------------------- the page


def _number(t: Translator) -> Callable[..., str]:
    def number(value: object, digits: int = 2) -> str:
        """A number for a table cell in ``t``'s locale: a float with ``digits`` decimals, "—" for none."""
        if value is None:
            return "—"
        if isinstance(value, float):
            return t.decimal(value, digits)
        if isinstance(value, int) and not isinstance(value, bool):
            return t.number(value)
        return str(value)

    return number


def render(data: SessionData, *, generated: str | None = None, t: Translator = ENGLISH) -> str:
    """The report page of already gathered data (``session_report`` checks the rights first), in ``t``'s
    language."""
    generated = generated or t.gettext(
        "{moment} UTC", moment=t.datetime(datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0))
    )
    s = data.session
    names = s.catalogue.names_in(t.locale)
    colours = charts.colour_map([p.name for p in s.parties])
    contents = [("parties", t.gettext("Parties"))]
    contents += [(f"round-{res.round}", t.gettext("Round {n}", n=res.round)) for res in data.results]
    if data.trend:
        contents.append(("rounds", t.gettext("Across rounds")))
    contents += [
        ("worksheet", t.gettext("Worksheet (A–E)")),
        ("next-steps", t.gettext("Agreed next steps")),
        ("feedback", t.gettext("Stakeholder feedback")),
        ("reflections", t.gettext("Reflections")),
        ("method", t.gettext("How this is computed")),
    ]
    summaries = [(t.gettext("Overall"), data.sheet.overall)] + [
        (names.get(row.element_id, row.element), row.feedback) for row in data.sheet.rows
    ]
    trend = data.trend
    page = templating.render(
        "report.html.j2",
        **templating.in_html(t),
        number=_number(t),
        day=lambda text: _day(text, t),
        lang=t.locale,
        data=data,
        s=s,
        names=names,
        csp=_CSP,
        generated=generated,
        round_count=len(s.rounds) if data.audience.all_rounds else len(data.rounds),
        notice=shareable_notice(data.audience, t),
        contents=contents,
        listed=not data.shareable or data.audience.participant_names,
        participant_total=sum(len(v) for v in data.members.values()),
        rounds=[_round(data, res, colours, t) for res in data.results],
        trend=trend,
        trend_summary=trend.describe(t) if trend else "",
        trend_chart=Markup(report_charts.rounds_chart(trend.trend, title=t.gettext("Agreement round by round"), t=t))
        if trend
        else "",
        stability=[(p, tau, wording.agreement_label(tau, "tau", t)) for p, tau in trend.stability.items()]
        if trend
        else [],
        worksheet=_worksheet(data, names, t),
        owner=_owner,
        status=lambda code: status_words(code, t),
        respondents=len({a.respondent for a in data.feedback}),
        trust_low=t.gettext(survey.TRUST_SCALE[1]).lower(),
        trust_high=t.gettext(survey.TRUST_SCALE[5]).lower(),
        summaries=summaries,
        counts=lambda values, keys: _counts(values, keys, t),
        expectations=survey.EXPECTATIONS,
        evidence=survey.EVIDENCE,
        comments=[(label, who, text) for label, f in summaries for who, text in f.comments],
        explainer=_explainer(wording.explainer(t)),
        credit=t.gettext(CREDIT),
        made_with=t.gettext(MADE_WITH),
    )
    return page + "\n"


def session_report(view: View, *, shareable: bool = True, names: bool = False, t: Translator = ENGLISH) -> str:
    """The session report as one self-contained HTML page that prints to A4 (see the module docstring).

    ``shareable=True`` (the default) is the copy for people outside the session (``trustcore.audience``):
    no worksheet entry marked internal, no round participants may not see yet, no session code, and
    people's names (participants, respondents, next steps' owners) only with ``names`` in a session that
    shows them (facilitator only); ``shareable=False`` is the holder's own copy.
    Rights: the facilitator token, or a participant token once a round's results are visible to
    participants (NotAllowedNow before; AccessDenied for any other token, the survey link's included).
    ``t``: the reader's translator (the page's language)."""
    return render(session_data(view, shareable=shareable, names=names, t=t), t=t)
