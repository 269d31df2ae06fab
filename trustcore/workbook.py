"""The session as one Excel workbook (.xlsx), and the data the downloads share (no Streamlit here).

``session_workbook`` writes seven sheets, in this order: Rankings (the columns of ``export.results_csv``),
Comparison (one block per round: the divergence table), Statistics (per round: Kendall's W with its
tests, each pair's τ-b, ρ and footrule similarity, each party's internal agreement), Worksheet
(Columns A-E, one row per element in the agreed order), Next steps and Feedback (the columns of
``export.next_steps_csv`` and ``export.feedback_csv``) and Reasons (per round, the elements most
contested first, each reason a participant gave for one, with its party and rank).

People's names are what the reader may see (``trustcore.anonymity``): a participant of a session that
hides names sees everyone as "Participant N". What the whole file may carry (names, rounds, internal
entries, the session code) is its ``audience.Audience``: the shareable copy names nobody unless chosen.

Every text cell goes through ``text.spreadsheet_safe`` and is stored as a string (data type "s"), so
a name such as ``=HYPERLINK(...)`` is shown as text and never run. Numbers stay numbers.

Rights (``session_data``, shared with ``report``): the facilitator token, or a participant token once
the results of at least one round are visible to participants; a participant only ever gets the
rounds whose results they may see (``Session.results_visible``). The survey token is refused.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from . import analysis, anonymity, export, wording
from . import audience as audience_mod
from . import db as dbmod
from . import worksheet as worksheet_mod
from .audience import Audience
from .errors import NotAllowedNow
from .followup import next_steps, reflections, survey, worksheet_entries
from .followup.next_steps import NextStep
from .followup.reflections import Reflection
from .followup.survey import FeedbackAnswer
from .model import Ranking, Session
from .results import RoundResults, RoundsComparison, round_results, rounds_comparison
from .rights import Action
from .text import spreadsheet_safe
from .view import View

SHEETS = ("Rankings", "Comparison", "Statistics", "Worksheet", "Next steps", "Feedback", "Reasons")
REASONS_COLUMNS = ("round", "element_id", "element", "spread", "party", "participant", "rank", "reason")
STATISTICS_COLUMNS = ("round", "statistic", "between", "value", "in words")
NOT_REVEALED_YET = (
    "The results are not revealed yet: the downloads open once the facilitator reveals a round, "
    "so that nobody sees the other parties' rankings before ranking."
)
INTERNAL_MARK = "[internal] "

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E0E0E0")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MIN_WIDTH, _MAX_WIDTH = 8, 60


# --------------------------------------------------------------------------------------- what a reader may get


@dataclass(frozen=True)
class SessionData:
    """Everything a download shows, as its audience may see it (``trustcore.audience``)."""

    session: Session
    facilitator: bool
    audience: Audience
    rankings: tuple[Ranking, ...]  # current rankings of the rounds shown only
    results: tuple[RoundResults, ...]  # each round shown that has a ranking, ascending
    trend: RoundsComparison | None  # when two or more rounds shown have rankings
    members: dict[str, tuple[str, ...]]  # party name -> its participants' names (join order), every party
    sheet: worksheet_mod.Worksheet
    steps: tuple[NextStep, ...]
    feedback: tuple[FeedbackAnswer, ...]
    reflections: dict[str, Reflection]

    @property
    def rounds(self) -> tuple[int, ...]:
        return tuple(r.round for r in self.results)

    @property
    def shareable(self) -> bool:
        return self.audience.shareable


def shown_rounds(session: Session, *, facilitator: bool, shareable: bool) -> list[int]:
    """The rounds a download may show: every round for the facilitator's own copy; for a shareable copy
    or a participant, the rounds whose results participants may see (revealed, or a live session)."""
    seen = audience_mod.of(session, facilitator=facilitator, shareable=shareable)
    return [r.number for r in session.rounds if seen.sees_round(session, r.number)]


def session_data(view: View, *, shareable: bool = False, names: bool = False) -> SessionData:
    """What ``session_workbook`` and ``report.session_report`` show, read on one snapshot of the database:
    a write that lands while it is read is in the file whole or not at all (both renderings are pure
    functions of this). ``shareable``: the copy for people outside the session, with people's names
    only if ``names`` and the session shows names (``audience.of``).

    AccessDenied for anything but the facilitator token or a participant token of this session (the
    survey token included); NotAllowedNow for a participant while no round's results are visible."""
    store = view.store
    with dbmod.snapshot(store.path):
        return _session_data(view, shareable=shareable, names=names)


def _session_data(view: View, *, shareable: bool, names: bool) -> SessionData:
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.DOWNLOAD)
    s = actor.session
    if not actor.is_facilitator and not shown_rounds(s, facilitator=False, shareable=True):
        raise NotAllowedNow(NOT_REVEALED_YET)
    seen = audience_mod.of(s, facilitator=actor.is_facilitator, shareable=shareable, names=names)
    rounds = [r.number for r in s.rounds if seen.sees_round(s, r.number)]
    people = [st.participant for st in store._progress(s.code).participants]
    shown = {p.id: p.name for p in people} if seen.participant_names else anonymity.pseudonyms(p.id for p in people)
    rankings = tuple(
        anonymity.mask((r for r in store._rankings(s.code) if r.round in rounds), shown)
        if not seen.participant_names
        else (r for r in store._rankings(s.code) if r.round in rounds)
    )
    results = tuple(round_results(s, rankings, n) for n in rounds if any(r.round == n for r in rankings))
    trend = rounds_comparison(s, rankings, [r.round for r in results]) if len(results) > 1 else None
    members: dict[str, list[str]] = {p.name: [] for p in s.parties}
    for person in people:
        members.setdefault(person.party, []).append(shown[person.id])
    return SessionData(
        session=s,
        facilitator=actor.is_facilitator,
        audience=seen,
        rankings=rankings,
        results=results,
        trend=trend,
        members={party: tuple(names) for party, names in members.items()},
        sheet=worksheet_mod.build(view, audience=seen),
        steps=tuple(seen.next_steps(next_steps.next_steps(view))),
        feedback=tuple(seen.respondents(survey.feedback(view))),
        reflections=reflections.reflections(view),
    )


# --------------------------------------------------------------------------------------- cell text


def step_line(step: NextStep) -> str:
    """One next step in a line: action (owner; due; status; agreed by)."""
    owner = " / ".join(x for x in (step.owner_party or "", step.owner_person) if x) or "no owner yet"
    agreed = f"; agreed by {', '.join(step.agreed_by)}" if step.agreed_by else ""
    return f"{step.action} ({owner}; due {step.due or '—'}; {step.status}{agreed})"


def feedback_text(summary: worksheet_mod.FeedbackSummary, *, respondents: bool = True) -> str:
    """Column D in a cell: the summary line, then each comment on its own line."""
    lines = [summary.text]
    for respondent, comment in summary.comments:
        lines.append(f"“{comment}” ({respondent})" if respondents else f"“{comment}”")
    return "\n".join(lines)


def shareable_notice(audience: Audience) -> str:
    """What a shareable copy leaves out, in words (the report's first page and the workbook's notes)."""
    people = (
        "people's names are included (the session shows names)"
        if audience.participant_names
        else "the names of participants, survey respondents and next steps' owners are left out"
    )
    return (
        f"Shareable version: worksheet entries marked internal, rounds not yet revealed to the participants "
        f"and the session code are left out; {people}."
    )


def steps_text(steps: Sequence[NextStep]) -> str:
    """Column E in a cell: one line per next step."""
    return "\n".join(f"• {step_line(s)}" for s in steps) if steps else "none yet"


def entry_text(entry: worksheet_entries.WorksheetEntry | None) -> str:
    if entry is None or not entry.text:
        return ""
    return (INTERNAL_MARK if entry.internal else "") + entry.text


def statistics_rows(res: RoundResults) -> list[tuple]:
    """The Statistics sheet's rows for one round (STATISTICS_COLUMNS)."""
    n = res.round
    orders = res.party_orders
    rows: list[tuple] = [(n, "parties that ranked", "", len(orders), "")]
    if not res.comparable:
        return rows + [(n, "note", "", None, res.headline.text)]
    # three or more parties: the round's results already hold W with its permutation test
    w = res.concordance or analysis.kendalls_w(list(orders.values()), permutations=analysis.HEADLINE_PERMUTATIONS)
    rows += [
        (n, "Kendall's W", "all parties", w.w, wording.agreement_label(w.w, "w")),
        (n, "chi²", "all parties", w.chi2, ""),
        (n, "degrees of freedom", "all parties", w.dof, ""),
        (n, "p (chi²)", "all parties", w.p_value, ""),
        (n, f"permutation p ({analysis.HEADLINE_PERMUTATIONS} shuffles)", "all parties", w.permutation_p_value, ""),
    ]
    for a, b in combinations(orders, 2):
        between = f"{a} vs {b}"
        tau = analysis.kendall_tau(orders[a], orders[b])
        rho = analysis.spearman_rho(orders[a], orders[b])
        rows += [
            (n, "Kendall τ-b", between, tau, wording.agreement_label(tau, "tau")),
            (n, "Spearman ρ", between, rho, wording.agreement_label(rho, "rho")),
            (
                n,
                "footrule similarity",
                between,
                analysis.footrule(orders[a], orders[b]).similarity,
                "1 = identical orders",
            ),
        ]
    for party, pc in res.parties.items():
        if pc.within_w is not None:
            rows.append(
                (
                    n,
                    "within-party Kendall's W",
                    f"{party} ({pc.members} members)",
                    pc.within_w.w,
                    wording.agreement_label(pc.within_w.w, "w"),
                )
            )
    return rows


# --------------------------------------------------------------------------------------- writing cells


def _value(value):
    """A cell value: plain Python, no NaN/inf (Excel refuses them), text neutralised and XML-legal."""
    value = export._plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _put(ws: Sheet, row: int, column: int, value, *, number_format: str | None = None):
    cell = ws.cell(row=row, column=column)
    value = _value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it looks like: never a formula
    elif isinstance(value, float) and number_format:
        cell.number_format = number_format
    cell.alignment = _WRAP
    return cell


def _header(ws: Sheet, header: Sequence[str]) -> None:
    for column, name in enumerate(header, start=1):
        cell = _put(ws, 1, column, name)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"


def _rows(ws: Sheet, rows: Iterable[Sequence], *, start: int = 2, number_format: str = "0.00") -> int:
    """Write rows from row ``start``; returns the next free row."""
    r = start
    for values in rows:
        for column, value in enumerate(values, start=1):
            _put(ws, r, column, value, number_format=number_format)
        r += 1
    return r


def _widths(ws: Sheet, fixed: dict[int, float] | None = None) -> None:
    """Each column as wide as its longest line (within bounds; longer text wraps)."""
    fixed = fixed or {}
    longest: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:.3f}" if isinstance(cell.value, float) else str(cell.value)
            size = max(len(line) for line in text.split("\n"))
            longest[cell.column] = max(longest.get(cell.column, 0), size)
    for column, size in longest.items():
        width = fixed.get(column, min(_MAX_WIDTH, max(_MIN_WIDTH, size + 2)))
        ws.column_dimensions[get_column_letter(column)].width = width


def _table(
    ws: Sheet,
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    number_format: str = "0.00",
    fixed: dict[int, float] | None = None,
) -> None:
    _header(ws, header)
    _rows(ws, rows, number_format=number_format)
    _widths(ws, fixed)


# --------------------------------------------------------------------------------------- sheets


def _comparison(ws: Sheet, data: SessionData) -> None:
    """One block per round (the divergence table, most contested first), a blank row between blocks;
    one rank column per party of the session (empty where a party did not rank that round)."""
    parties = [p.name for p in data.session.parties]
    header = ["round", "element_id", "element", *(f"rank ({p})" for p in parties), "mean_rank", "spread", "sd"]
    _header(ws, header)
    row = 2
    for res in data.results:
        block_header, block = export.comparison_table(res)
        at = {name: i for i, name in enumerate(block_header)}
        if row > 2:
            row += 1
        row = _rows(ws, ([values[at[c]] if c in at else None for c in header] for values in block), start=row)
    _widths(ws)


def reasons_rows(data: SessionData) -> list[tuple]:
    """The rows of the Reasons sheet: per round, the elements most contested first, each reason given."""
    return [
        (res.round, row.element_id, row.element, row.spread, why.party, why.participant, why.rank, why.text)
        for res in data.results
        for row, reasons in res.contested_with_reasons
        for why in reasons
    ]


def _worksheet(ws: Sheet, data: SessionData) -> None:
    """Columns A-E: one row per element in the agreed order; B and C per party."""
    s = data.session
    header = ["A: position", "A: element"]
    for p in s.parties:
        header += [f"B: steps we take ({p.name})", f"C: how we demonstrate it ({p.name})"]
    header += ["D: stakeholder feedback", "E: next steps"]
    rows = []
    for row in data.sheet.rows:
        cells = [row.position, row.element]
        for p in s.parties:
            cells += [entry_text(row.entries.get((p.id, "B"))), entry_text(row.entries.get((p.id, "C")))]
        cells += [feedback_text(row.feedback, respondents=data.audience.other_names), steps_text(row.steps)]
        rows.append(cells)
    _header(ws, header)
    after = _rows(ws, rows)
    notes = [
        ("Column A order", data.sheet.order_source),
        ("Our organisation", s.our_org or "—"),
        ("Partner", s.partner_org or "—"),
        ("Flows", s.flows or "—"),
        ("Overall trust (survey)", feedback_text(data.sheet.overall, respondents=data.audience.other_names)),
        ("Column D", "this app's reading of the guidebook: the stakeholder survey's answers"),
    ]
    if data.shareable:
        notes.append(("Shareable version", shareable_notice(data.audience)))
    for i, (label, text) in enumerate(notes, start=after + 1):
        _put(ws, i, 1, label).font = _HEADER_FONT
        _put(ws, i, 2, text)
    wide = {c: 40 for c in range(3, len(header) + 1)}
    _widths(ws, {1: 12, 2: 30, **wide})


def session_workbook(view: View, *, shareable: bool = False, names: bool = False) -> bytes:
    """The session as an .xlsx file: sheets SHEETS, in that order (see the module docstring).

    ``shareable=True`` is the copy for people outside the session (``trustcore.audience``): no worksheet
    entry marked internal, no round participants may not see yet, no session code, and people's names
    only with ``names`` in a session that shows them (facilitator only). Rights: see ``session_data``."""
    data = session_data(view, shareable=shareable, names=names)
    s = data.session
    wb = Workbook()
    wb.properties.creator = "trustcore"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", s.title)
    ws = wb.active
    ws.title = SHEETS[0]
    _table(ws, export.RESULTS_COLUMNS, export.results_rows(s, data.rankings, session_code=data.audience.session_code))
    _comparison(wb.create_sheet(SHEETS[1]), data)
    _table(
        wb.create_sheet(SHEETS[2]),
        STATISTICS_COLUMNS,
        [row for res in data.results for row in statistics_rows(res)],
        number_format="0.000",
    )
    _worksheet(wb.create_sheet(SHEETS[3]), data)
    _table(wb.create_sheet(SHEETS[4]), export.NEXT_STEPS_COLUMNS, export.next_steps_rows(s, data.steps), fixed={3: 50})
    _table(wb.create_sheet(SHEETS[5]), export.FEEDBACK_COLUMNS, export.feedback_rows(s, data.feedback), fixed={8: 50})
    _table(wb.create_sheet(SHEETS[6]), REASONS_COLUMNS, reasons_rows(data), fixed={8: 60})
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
