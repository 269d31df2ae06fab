"""The printable session report: ONE self-contained HTML page (no Streamlit here).

The page makes no request at all: plotly.js is embedded once, inline; charts are fragments from
``charts.figure_html``; the CSS is inline and uses the system's fonts; a Content-Security-Policy meta
tag forbids any connection, image, font or frame from elsewhere. It prints to A4 from a browser: the
content column is exactly as wide as the printed page (so charts drawn on screen fit the paper), each
major section starts on a new page, charts and table rows are never split, the contents list is not
printed, and nothing relies on colour alone.

Every piece of user text (titles, organisation, party, participant and element names, worksheet
entries, next steps, feedback, reflections) goes through ``html.escape``; chart labels are escaped by
``charts``. Rights are those of ``workbook.session_data``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import plotly.offline

from . import charts, wording
from .followup import survey
from .results import RoundResults
from .view import View
from .workbook import SessionData, feedback_text, session_data, shareable_notice, step_line

AGENDA_TOP = 10
CREDIT = (
    "The elements of trustworthy data stewardship and the activities of this workshop follow the Open Data "
    "Institute's Trustworthy Data Stewardship Guidebook (public draft, March 2021, "
    "open-data-institute.gitbook.io/p22-trustworthy-data-stewardship-guidebook), licensed under CC BY-SA 4.0; "
    "its wording is paraphrased and stays under that licence."
)
MADE_WITH = "Made with trustcore."
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)

_CSS = """
@page { size: A4; margin: 15mm 15mm 16mm; }
* { box-sizing: border-box; }
html { background: #ececec; }
body { margin: 0; color: #111; font: 10.5pt/1.42 system-ui, -apple-system, "Segoe UI", Roboto,
       "Helvetica Neue", Arial, sans-serif; }
main { width: 180mm; max-width: 100%; margin: 8mm auto; background: #fff; padding: 0;
       box-shadow: 0 0 0 12mm #fff, 0 0 0 calc(12mm + 1px) #ccc; }
h1 { font-size: 21pt; line-height: 1.15; margin: 0 0 2mm; overflow-wrap: anywhere; }
h2 { font-size: 15pt; margin: 8mm 0 3mm; padding-bottom: 1mm; border-bottom: 2px solid #111;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2mm; }
.meta { color: #333; }
.relationship { font-size: 12pt; font-weight: 600; }
.notice { border: 1.5px solid #111; padding: 2mm 3mm; margin: 3mm 0; }
.notice.internal { border-style: dashed; }
.headline { font-size: 12.5pt; font-weight: 700; margin: 2mm 0 1mm; }
.detail { font-size: 11pt; margin: 0 0 3mm; }
.status { font-style: italic; color: #333; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: #555; }
.tag { font-size: 8.5pt; font-weight: 700; border: 1px solid #111; padding: 0 1mm; white-space: nowrap; }
table { border-collapse: collapse; table-layout: fixed; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
th, td { border: 1px solid #888; padding: 0.9mm 1.4mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
thead th { background: #e6e6e6; border-bottom: 2px solid #111; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
.worksheet td { font-size: 8.8pt; }
.worksheet td p { margin: 0 0 1.2mm; }
.chart, .keep { margin: 1mm 0 3mm; break-inside: avoid; page-break-inside: avoid; }
.chart figcaption { font-size: 9pt; color: #333; margin-top: 1mm; }
ol.agenda li, ul.comments li { margin-bottom: 1mm; }
dl.reflections dt { font-weight: 700; margin-top: 3mm; }
dl.reflections dd { margin: 1mm 0 0 0; }
nav.contents { border: 1px solid #bbb; padding: 2mm 4mm; margin: 4mm 0; font-size: 10pt; }
nav.contents ol { margin: 1mm 0; padding-left: 6mm; columns: 2; }
nav.contents a { color: #0b4f8a; }
footer { margin-top: 10mm; padding-top: 2mm; border-top: 1px solid #111; font-size: 8.5pt; color: #333; }
@media print {
  html, body { background: #fff; }
  main { width: auto; margin: 0; box-shadow: none; }
  nav.contents, .modebar-container, .modebar { display: none !important; }
  section.major { break-before: page; page-break-before: always; }
  h2 { margin-top: 0; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


class _Html(str):
    """Markup built here from escaped parts: a table cell writes it as it is."""


@dataclass(frozen=True)
class _Num:
    """A number for a table cell, with its decimals."""

    value: float | int | None
    digits: int = 2


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _number(value: object, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _cell(value: object, tag: str = "td") -> str:
    if isinstance(value, _Html):
        return f"<{tag}>{value}</{tag}>"
    if isinstance(value, _Num):
        return f'<{tag} class="num">{_e(_number(value.value, value.digits))}</{tag}>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<{tag} class="num">{_e(_number(value))}</{tag}>'
    return f'<{tag} class="text">{_e(value)}</{tag}>'


def _table(
    header: Sequence[object], rows: Iterable[Sequence[object]], widths: Sequence[float], *, cls: str = ""
) -> str:
    """A table with fixed column widths (percent of the page width): long names wrap inside their
    column instead of pushing the table off the paper."""
    cols = "".join(f'<col style="width:{w:g}%">' for w in widths)
    head = "".join(_cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(fig, caption: str) -> str:
    return f'<figure class="chart">{charts.figure_html(fig)}<figcaption>{_e(caption)}</figcaption></figure>'


def _markdown(text: str) -> str:
    """Our own markdown (the explainer), minimally: one paragraph per line, **bold**, a leading bold
    title line dropped (the section heading says it)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and re.fullmatch(r"\*\*[^*]+\*\*", lines[0]):
        lines = lines[1:]
    return "".join("<p>" + re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _e(line)) + "</p>" for line in lines)


# --------------------------------------------------------------------------------------- sections


def _title(data: SessionData, generated: str) -> str:
    s = data.session
    parts = [f"<h1>{_e(s.title)}</h1>"]
    if s.our_org or s.partner_org:
        parts.append(f'<p class="relationship">{_e(s.our_org or "?")} ↔ {_e(s.partner_org or "?")}</p>')
    if s.flows:
        parts.append(f'<p><strong>Flows between them:</strong> <span class="text">{_e(s.flows)}</span></p>')
    rounds = len(s.rounds) if data.audience.all_rounds else len(data.rounds)
    session = f"Session {_e(s.code)} · " if data.audience.session_code else ""
    parts.append(
        f'<p class="meta">{session}held {_e(s.created_at[:10])} · '
        f"{rounds} round{'s' if rounds != 1 else ''} · report of {_e(generated)}</p>"
    )
    if data.shareable:
        parts.append(f'<p class="notice">{_e(shareable_notice(data.audience))}</p>')
    elif not data.facilitator:
        parts.append(
            '<p class="notice internal">Your copy, as you see the session: it may include entries your party '
            "marked internal. Share the shareable version instead.</p>"
        )
    else:
        parts.append(
            '<p class="notice internal">Internal version: it includes entries marked internal and '
            "people's names. Share the shareable version instead.</p>"
        )
    return "".join(parts)


def _contents(data: SessionData) -> str:
    items = [("parties", "Parties")]
    items += [(f"round-{res.round}", f"Round {res.round}") for res in data.results]
    if data.trend:
        items.append(("rounds", "Across rounds"))
    items += [
        ("worksheet", "Worksheet (A–E)"),
        ("next-steps", "Agreed next steps"),
        ("feedback", "Stakeholder feedback"),
        ("reflections", "Reflections"),
        ("method", "How this is computed"),
    ]
    links = "".join(f'<li><a href="#{anchor}">{_e(label)}</a></li>' for anchor, label in items)
    return f'<nav class="contents" aria-label="Contents"><strong>Contents</strong><ol>{links}</ol></nav>'


def _parties(data: SessionData) -> str:
    listed = not data.shareable or data.audience.participant_names
    header = ["Party", "Participants"] + (["Names"] if listed else [])
    rows = []
    for p in data.session.parties:
        names = data.members.get(p.name, ())
        row: list[object] = [p.name, len(names)]
        if listed:
            row.append(", ".join(names) or "—")
        rows.append(row)
    total = sum(len(v) for v in data.members.values())
    widths = [40, 16, 44] if listed else [72, 28]
    return (
        f'<section id="parties"><h2>Parties</h2><p>{len(data.session.parties)} parties, {total} '
        f"participant{'s' if total != 1 else ''} in all.</p>{_table(header, rows, widths)}</section>"
    )


def _round(data: SessionData, res: RoundResults, colours: dict[str, str]) -> str:
    s = data.session
    names = s.catalogue.names
    rnd = s.get_round(res.round)
    if rnd.revealed_at:
        status = f"Revealed {rnd.revealed_at[:16].replace('T', ' ')} UTC."
    elif s.results_visible(res.round):
        status = "Results shown live to everyone in this session."
    else:
        status = "Not revealed to the participants yet: only the facilitator sees this round."
    waiting = [p.name for p in s.parties if p.name not in res.party_orders]
    out = [
        f'<section class="major round" id="round-{res.round}"><h2>Round {res.round}</h2>',
        f'<p class="status">{_e(status)}</p>',
        f'<p class="headline">{_e(res.headline.summary)}</p>',
    ]
    if res.headline.detail:
        out.append(f'<p class="detail">{_e(res.headline.detail)}</p>')
    if waiting:
        out.append(f'<p class="muted">Did not rank in this round: {_e(", ".join(waiting))}.</p>')
    if not res.comparable:
        out.append("<p>The comparison needs rankings from at least two parties.</p></section>")
        return "".join(out)
    parties = list(res.party_orders)
    if len(parties) == 2:
        fig, caption = (
            charts.dumbbell(res.divergence, colours),
            (
                "Each element's rank per party (1 = most important, on the left), most contested at the top; "
                "the bar joins the two parties' ranks, and each party has its own marker shape."
            ),
        )
    else:
        fig, caption = (
            charts.bump(res.divergence, colours),
            (
                "Each element's rank across the parties (1 = most important, at the top); the most contested "
                "elements are drawn thick and named at both ends."
            ),
        )
    out.append(_chart(fig, caption))
    out.append('<div class="keep"><h3>Side by side, most contested first</h3>')
    rank_width = min(14.0, 52 / len(parties))
    out.append(
        _table(
            ["Element", *parties, "Mean rank", "Spread"],
            [
                [row.element, *(row.ranks[p] for p in parties), _Num(row.mean_rank, 1), row.spread]
                for row in res.divergence.rows
            ],
            [100 - 22 - rank_width * len(parties), *[rank_width] * len(parties), 11, 11],
        )
    )
    out.append("</div>")
    out.append(
        _chart(
            charts.rank_heatmap(res.divergence, colours),
            "Ranks as a table: the number in each cell is the rank (darker = more important).",
        )
    )
    out.append("<h3>Discussion agenda</h3>")
    if res.agenda:
        shown = res.agenda[:AGENDA_TOP]
        out.append(
            f'<p class="muted">Element pairs the parties put the other way round, biggest differences '
            f"first ({len(shown)} of {len(res.agenda)}).</p>"
        )
        out.append('<ol class="agenda">' + "".join(_agenda_item(res, item, names) for item in shown) + "</ol>")
    else:
        out.append("<p>The parties put every pair of elements the same way round: nothing to reconcile.</p>")
    out.append(_reasons(res))
    out.append('<div class="keep"><h3>Consensus order</h3>')
    out.append(
        '<p class="muted">Borda: by mean rank. Kemeny: the order that disagrees with the parties in the '
        "fewest element pairs (exact). Each party counts once, whatever its number of members.</p>"
    )
    header = ["Rank", "Borda"] + (["Kemeny"] if res.kemeny else [])
    rows = [
        [i, names.get(e, e)] + ([names.get(res.kemeny[i - 1], res.kemeny[i - 1])] if res.kemeny else [])
        for i, e in enumerate(res.borda, start=1)
    ]
    out.append(_table(header, rows, [10, 45, 45] if res.kemeny else [10, 90]))
    out.append("</div>")
    multi = {name: pc for name, pc in res.parties.items() if pc.within_w is not None}
    if multi:
        out.append('<div class="keep"><h3>Agreement within parties</h3>')
        out.append(
            _table(
                ["Party", "Members who ranked", "Kendall's W", "In words"],
                [
                    [name, pc.members, w.w, wording.agreement_label(w.w, "w")]
                    for name, pc in multi.items()
                    if (w := pc.within_w) is not None
                ],
                [42, 18, 14, 26],
            )
        )
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _agenda_item(res: RoundResults, item, names) -> str:
    """One agenda item, with the reasons its two parties gave for its two elements under it."""
    why = res.agenda_reasons(item)
    lines = "".join(f'<li class="text">{_e(wording.reason_line(r, names))}</li>' for r in why)
    return f"<li>{_e(item.text)}" + (f'<ul class="comments">{lines}</ul>' if lines else "") + "</li>"


def _reasons(res: RoundResults) -> str:
    """The reasons given in the round, per element, most contested first."""
    contested = res.contested_with_reasons
    if not contested:
        return '<h3>Reasons</h3><p class="muted">Nobody gave a reason for their ranks in this round.</p>'
    out = [
        '<h3>Reasons</h3><p class="muted">What participants said about the place they gave an element, '
        "elements most contested first.</p>"
    ]
    for row, why in contested:
        ranks = ", ".join(f"{party} {rank}" for party, rank in row.ranks.items())
        out.append(f'<h4>{_e(row.element)} <span class="muted">(ranks: {_e(ranks)}; spread {row.spread})</span></h4>')
        out.append(
            '<ul class="comments">'
            + "".join(f'<li class="text">{_e(wording.reason_line(r))}</li>' for r in why)
            + "</ul>"
        )
    return "".join(out)


def _rounds(data: SessionData) -> str:
    t = data.trend
    if t is None:
        return ""
    return (
        f'<section class="major" id="rounds"><h2>Across rounds</h2><p class="headline">{_e(t.summary)}</p>'
        + _chart(
            charts.rounds_chart(t.trend),
            "Agreement round by round: Kendall's W of all parties (thick line) "
            "and each pair's Kendall τ-b (dotted lines); 1 = identical orders.",
        )
        + f"<h3>How far each party moved from round {t.previous} to round {t.latest}</h3>"
        + _table(
            ["Party", "τ with its previous order", "In words"],
            [[p, tau, wording.agreement_label(tau, "tau")] for p, tau in t.stability.items()],
            [50, 22, 28],
        )
        + "</section>"
    )


def _entries(data: SessionData, row, column: str) -> _Html:
    parts = []
    for p in data.session.parties:
        entry = row.entries.get((p.id, column))
        if entry is None or not entry.text:
            continue
        tag = ' <span class="tag">internal</span>' if entry.internal else ""
        parts.append(f'<p><strong>{_e(p.name)}</strong>{tag}: <span class="text">{_e(entry.text)}</span></p>')
    return _Html("".join(parts) or '<span class="muted">—</span>')


def _lines(text: str) -> _Html:
    return _Html("".join(f'<p class="text">{_e(line)}</p>' for line in text.split("\n")))


def _worksheet(data: SessionData) -> str:
    sheet = data.sheet
    rows = [
        [
            _Html(f"<strong>{row.position}.</strong> {_e(row.element)}"),
            _entries(data, row, "B"),
            _entries(data, row, "C"),
            _lines(feedback_text(row.feedback, respondents=data.audience.other_names).replace(" · ", "\n")),
            _lines("\n".join(f"• {step_line(s)}" for s in row.steps) if row.steps else "none yet"),
        ]
        for row in sheet.rows
    ]
    header = [
        "A · Element (agreed order)",
        "B · Steps we take",
        "C · How we demonstrate it",
        "D · Stakeholder feedback",
        "E · Next steps",
    ]
    return (
        '<section class="major" id="worksheet"><h2>Trustworthiness mapping worksheet</h2>'
        f'<p class="muted">Column A: the elements in the agreed order: {_e(sheet.order_source)}. '
        "Columns B and C: "
        "each party's entries. Column D is this app's reading of the guidebook: the stakeholder survey's answers. "
        "Column E: the next steps.</p>" + _table(header, rows, [17, 22, 22, 19, 20], cls="worksheet") + "</section>"
    )


def _next_steps(data: SessionData) -> str:
    names = data.session.catalogue.names
    if not data.steps:
        body = "<p>No next steps recorded yet.</p>"
    else:
        body = _table(
            ["Element", "Action", "Owner", "Due", "Status", "Agreed by"],
            [
                [
                    names.get(s.element_id, s.element_id),
                    s.action,
                    " / ".join(x for x in (s.owner_party or "", s.owner_person) if x) or "—",
                    s.due or "—",
                    s.status,
                    ", ".join(s.agreed_by) or "—",
                ]
                for s in data.steps
            ],
            [17, 29, 17, 11, 11, 15],
        )
    return f'<section class="major" id="next-steps"><h2>Agreed next steps</h2>{body}</section>'


def _counts(values: dict[str, int], keys: Sequence[str]) -> str:
    return ", ".join(f"{k} {values.get(k, 0)}" for k in keys) if values else "—"


def _feedback(data: SessionData) -> str:
    sheet = data.sheet
    out = ['<section class="major" id="feedback"><h2>Stakeholder feedback</h2>']
    if not data.feedback:
        out.append("<p>No stakeholder feedback yet.</p></section>")
        return "".join(out)
    respondents = len({a.respondent for a in data.feedback})
    out.append(
        f'<p class="muted">{respondents} respondent{"s" if respondents != 1 else ""}. Trust from 1 '
        f"({_e(survey.TRUST_SCALE[1].lower())}) to 5 ({_e(survey.TRUST_SCALE[5].lower())}).</p>"
    )
    summaries = [("Overall", sheet.overall)] + [(row.element, row.feedback) for row in sheet.rows]
    out.append(
        _table(
            ["Element", "Answers", "Mean trust", "Our steps meet expectations", "Our evidence helps"],
            [
                [
                    label,
                    f.answers,
                    _Num(None if f.mean_trust is None else float(f.mean_trust), 1),
                    _counts(f.expectations, survey.EXPECTATIONS),
                    _counts(f.evidence, survey.EVIDENCE),
                ]
                for label, f in summaries
                if f.answers
            ],
            [26, 11, 11, 26, 26],
        )
    )
    comments = [(label, who, text) for label, f in summaries for who, text in f.comments]
    if comments:
        out.append('<h3>Comments</h3><ul class="comments">')
        for label, who, text in comments:
            by = f' <span class="muted">({_e(who)})</span>' if data.audience.other_names else ""
            out.append(f'<li><strong>{_e(label)}:</strong> <span class="text">“{_e(text)}”</span>{by}</li>')
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _reflections(data: SessionData) -> str:
    if not data.reflections:
        body = "<p>No reflections recorded yet.</p>"
    else:
        body = (
            '<dl class="reflections">'
            + "".join(
                f'<dt>{_e(r.question)}</dt><dd class="text">{_e(r.answer)}</dd>' for r in data.reflections.values()
            )
            + "</dl>"
        )
    return f'<section class="major" id="reflections"><h2>Reflections</h2>{body}</section>'


def _method() -> str:
    return f'<section class="major" id="method"><h2>How this is computed</h2>{_markdown(wording.EXPLAINER)}</section>'


# --------------------------------------------------------------------------------------- the page


def render(data: SessionData, *, generated: str | None = None) -> str:
    """The report page of already gathered data (``session_report`` checks the rights first)."""
    generated = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    colours = charts.colour_map([p.name for p in data.session.parties])
    body = "".join(
        [
            _title(data, generated),
            _contents(data),
            _parties(data),
            *(_round(data, res, colours) for res in data.results),
            _rounds(data),
            _worksheet(data),
            _next_steps(data),
            _feedback(data),
            _reflections(data),
            _method(),
            f"<footer><p>{_e(CREDIT)}</p><p>{_e(MADE_WITH)}</p></footer>",
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f'<meta name="generator" content="trustcore"><title>{_e(data.session.title)} · trustcore report</title>'
        f"<style>{_CSS}</style>"
        f'<script id="plotly-js">{plotly.offline.get_plotlyjs()}</script>'
        f"</head><body><main>{body}</main></body></html>\n"
    )


def session_report(view: View, *, shareable: bool = True, names: bool = False) -> str:
    """The session report as one self-contained HTML page that prints to A4 (see the module docstring).

    ``shareable=True`` (the default) is the copy for people outside the session (``trustcore.audience``):
    no worksheet entry marked internal, no round participants may not see yet, no session code, and
    people's names (participants, respondents, next steps' owners) only with ``names`` in a session that
    shows them (facilitator only); ``shareable=False`` is the holder's own copy.
    Rights: the facilitator token, or a participant token once a round's results are visible to
    participants (NotAllowedNow before; AccessDenied for any other token, the survey link's included)."""
    return render(session_data(view, shareable=shareable, names=names))
