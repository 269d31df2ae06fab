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

Every text cell is stored as a string (data type "s"), so a name such as ``=HYPERLINK(...)`` is shown as
text and never run; text a spreadsheet would take for a formula (``text.formula_like``) also gets the cell's
quote-prefix style, so editing the cell keeps it text, with no apostrophe shown (the CSVs, which have no
styles, keep ``text.spreadsheet_safe``'s apostrophe). Numbers stay numbers; times are date cells (UTC).

Headers are words for people (``heading``: "Submitted (UTC)" for ``submitted_at``), while the CSVs keep
their column names. The workbook is written in its reader's language (``t``, ``trustcore.i18n``): sheet
names, headers, labels, element names (``Catalogue.names_in``) and numbers' words; the English default keeps
``SHEETS`` and ``HEADINGS`` as they are. Values that are codes (a step's status, an answer's yes/partly/no)
stay codes, as in the CSVs. Each sheet prints landscape on A4, fitted to the page width, its header row repeated
on every page, the sheet's name in the page header; each row is as tall as its wrapped text
(``wrapped_lines``), since LibreOffice does not fit rows to their text when it opens the file.

Rights (``session_data``, shared with ``report``): the facilitator token, or a participant token once
the results of at least one round are visible to participants; a participant only ever gets the
rounds whose results they may see (``Session.results_visible``). The survey token is refused.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from . import analysis, anonymity, clock, export, wording
from . import audience as audience_mod
from . import db as dbmod
from . import worksheet as worksheet_mod
from .audience import Audience
from .errors import NotAllowedNow
from .followup import next_steps, reflections, survey
from .followup.next_steps import NextStep
from .followup.reflections import Reflection
from .followup.survey import TRUST_SCALE, FeedbackAnswer
from .i18n import ENGLISH, N_, Translator
from .model import Ranking, Session
from .results import RoundResults, RoundsComparison, round_results, rounds_comparison
from .rights import Action
from .text import formula_like
from .view import View

SHEETS = (
    N_("Rankings"),
    N_("Comparison"),
    N_("Statistics"),
    N_("Worksheet"),
    N_("Next steps"),
    N_("Feedback"),
    N_("Reasons"),
)
REASONS_COLUMNS = ("round", "element_id", "element", "spread", "party", "participant", "rank", "reason")
STATISTICS_COLUMNS = ("round", "statistic", "between", "value", "in words")
NOT_REVEALED_YET = N_(
    "The results are not revealed yet: the downloads open once the facilitator reveals a round, "
    "so that nobody sees the other parties' rankings before ranking."
)
INTERNAL_MARK = "[internal] "

HEADINGS = {  # the CSVs' column names -> the workbook's headers
    "session_code": N_("Session code"),
    "session_title": N_("Session"),
    "round": N_("Round"),
    "party": N_("Party"),
    "participant": N_("Participant"),
    "element_id": N_("Element ID"),
    "element": N_("Element"),
    "rank": N_("Rank"),
    "submitted_at": N_("Submitted (UTC)"),
    "reason": N_("Reason"),
    "mean_rank": N_("Mean rank"),
    "spread": N_("Spread"),
    "sd": N_("Standard deviation"),
    "action": N_("Action"),
    "owner_party": N_("Owner (party)"),
    "owner_person": N_("Owner (person)"),
    "due": N_("Due"),
    "status": N_("Status"),
    "agreed_by": N_("Agreed by"),
    "updated_at": N_("Updated (UTC)"),
    "respondent": N_("Respondent"),
    "trust": N_("Trust (1-5)"),
    "trust_label": N_("Trust in words"),
    "expectations": N_("Meets expectations"),
    "evidence": N_("Evidence helps trust"),
    "comment": N_("Comment"),
    "statistic": N_("Statistic"),
    "between": N_("Between"),
    "value": N_("Value"),
    "in words": N_("In words"),
}
DATE_COLUMNS = frozenset({"submitted_at", "updated_at"})  # stored as clock.FORMAT text, written as dates
DATE_FORMAT = "yyyy-mm-dd hh:mm"
LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri (Excel's default row height)

_FONT_NAME = "Calibri"  # Excel's default; LibreOffice shows its metric twin Carlito
_HEADER_FONT = Font(name=_FONT_NAME, family=2, size=11, bold=True)  # family 2: a sans-serif (swiss) font
_HEADER_FILL = PatternFill("solid", fgColor="E0E0E0")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MIN_WIDTH, _MAX_WIDTH = 8, 50
_TEXT_WIDTH = 40  # long free text columns (reasons, actions, comments, worksheet entries)


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


def session_data(view: View, *, shareable: bool = False, names: bool = False, t: Translator = ENGLISH) -> SessionData:
    """What ``session_workbook`` and ``report.session_report`` show, read on one snapshot of the database:
    a write that lands while it is read is in the file whole or not at all (both renderings are pure
    functions of this). ``shareable``: the copy for people outside the session, with people's names
    only if ``names`` and the session shows names (``audience.of``).

    AccessDenied for anything but the facilitator token or a participant token of this session (the
    survey token included); NotAllowedNow for a participant while no round's results are visible."""
    store = view.store
    with dbmod.snapshot(store.path):
        return _session_data(view, shareable=shareable, names=names, t=t)


def _session_data(view: View, *, shareable: bool, names: bool, t: Translator) -> SessionData:
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
        sheet=worksheet_mod.build(view, audience=seen, t=t),  # t: the words of Column A's order_source
        steps=tuple(seen.next_steps(next_steps.next_steps(view))),
        feedback=tuple(seen.respondents(survey.feedback(view))),
        reflections=reflections.reflections(view),
    )


# --------------------------------------------------------------------------------------- cell text


def step_line(step: NextStep, t: Translator = ENGLISH) -> str:
    """One next step in a line: action (owner; due; status; agreed by)."""
    fields = {
        "action": step.action,
        "owner": " / ".join(x for x in (step.owner_party or "", step.owner_person) if x) or t.gettext("no owner yet"),
        "due": step.due or "—",
        "status": wording.status_words(step.status, t),
    }
    if step.agreed_by:
        parties = t.pgettext("list separator", ", ").join(step.agreed_by)
        return t.gettext("{action} ({owner}; due {due}; {status}; agreed by {parties})", parties=parties, **fields)
    return t.gettext("{action} ({owner}; due {due}; {status})", **fields)


def feedback_text(summary: worksheet_mod.FeedbackSummary, *, respondents: bool = True, t: Translator = ENGLISH) -> str:
    """Column D in a cell: the summary line (in ``t``'s words), then each comment on its own line."""
    lines = [summary.text_in(t)]
    for respondent, comment in summary.comments:
        lines.append(f"“{comment}” ({respondent})" if respondents else f"“{comment}”")
    return "\n".join(lines)


def shareable_notice(audience: Audience, t: Translator = ENGLISH) -> str:
    """What a shareable copy leaves out, in words (the report's first page and the workbook's notes)."""
    if audience.participant_names:
        return t.gettext(
            "Shareable version: worksheet entries marked internal, rounds not yet revealed to the participants "
            "and the session code are left out; people's names are included (the session shows names)."
        )
    return t.gettext(
        "Shareable version: worksheet entries marked internal, rounds not yet revealed to the participants "
        "and the session code are left out; the names of participants, survey respondents and next steps' "
        "owners are left out."
    )


def steps_text(steps: Sequence[NextStep], t: Translator = ENGLISH) -> str:
    """Column E in a cell: one line per next step."""
    return "\n".join(f"• {step_line(s, t)}" for s in steps) if steps else t.gettext("none yet")


class TextEntry(Protocol):
    """A Column B or C text of either worksheet (the relationship's or the organisation's internal one)."""

    @property
    def text(self) -> str: ...

    @property
    def internal(self) -> bool: ...


def entry_text(entry: TextEntry | None, t: Translator = ENGLISH) -> str:
    """The entry's text as a workbook cell shows it, marked when internal."""
    if entry is None or not entry.text:
        return ""
    return t.gettext("[internal] {text}", text=entry.text) if entry.internal else entry.text


def statistics_rows(res: RoundResults, t: Translator = ENGLISH, names: dict[str, str] | None = None) -> list[tuple]:
    """The Statistics sheet's rows for one round (STATISTICS_COLUMNS), in ``t``'s language (``names``: the
    element names in it)."""
    n = res.round
    orders = res.party_orders
    every = t.gettext("all parties")
    rows: list[tuple] = [(n, t.gettext("parties that ranked"), "", len(orders), "")]
    if not res.comparable:
        return rows + [(n, t.gettext("note"), "", None, res.headline_in(t, names).text)]
    # three or more parties: the round's results already hold W with its permutation test
    w = res.concordance or analysis.kendalls_w(list(orders.values()), permutations=analysis.HEADLINE_PERMUTATIONS)
    shuffles = t.gettext("permutation p ({n} shuffles)", n=analysis.HEADLINE_PERMUTATIONS)
    rows += [
        (n, t.gettext("Kendall's W"), every, w.w, wording.agreement_label(w.w, "w", t)),
        (n, "chi²", every, w.chi2, ""),
        (n, t.gettext("degrees of freedom"), every, w.dof, ""),
        (n, "p (chi²)", every, w.p_value, ""),
        (n, shuffles, every, w.permutation_p_value, ""),
    ]
    for a, b in combinations(orders, 2):
        between = t.gettext("{a} vs {b}", a=a, b=b)
        tau = analysis.kendall_tau(orders[a], orders[b])
        rho = analysis.spearman_rho(orders[a], orders[b])
        rows += [
            (n, "Kendall τ-b", between, tau, wording.agreement_label(tau, "tau", t)),
            (n, "Spearman ρ", between, rho, wording.agreement_label(rho, "rho", t)),
            (
                n,
                t.gettext("footrule similarity"),
                between,
                analysis.footrule(orders[a], orders[b]).similarity,
                t.gettext("1 = identical orders"),
            ),
        ]
    for party, pc in res.parties.items():
        if pc.within_w is not None:
            rows.append(
                (
                    n,
                    t.gettext("within-party Kendall's W"),
                    t.ngettext("{party} ({n} member)", "{party} ({n} members)", pc.members, party=party),
                    pc.within_w.w,
                    wording.agreement_label(pc.within_w.w, "w", t),
                )
            )
    return rows


# --------------------------------------------------------------------------------------- writing cells


def heading(column: str, t: Translator = ENGLISH) -> str:
    """The workbook's header for a CSV column name (``HEADINGS``; "rank (Alpha)" -> "Rank (Alpha)"), in
    ``t``'s language."""
    if column in HEADINGS:
        return t.gettext(HEADINGS[column])
    if column.startswith("rank (") and column.endswith(")"):
        return t.gettext("Rank ({party})", party=column[6:-1])
    return column


def _when(value):
    """A stored time (``clock.FORMAT``, UTC) as a date cell's value; anything else as it is."""
    if isinstance(value, str):
        try:
            return datetime.strptime(value, clock.FORMAT)
        except ValueError:
            return value
    return value


def _value(value):
    """A cell value: plain Python, no NaN/inf (Excel refuses them), text XML-legal."""
    value = export._plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(ws: Sheet, row: int, column: int, value, *, number_format: str | None = None):
    cell = ws.cell(row=row, column=column)
    value = _value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it looks like: never a formula
        if formula_like(value):
            cell.quotePrefix = True  # and it stays text when someone edits it (no apostrophe shown)
    elif isinstance(value, datetime):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float) and number_format:
        cell.number_format = number_format
    cell.alignment = _WRAP
    return cell


def _header(ws: Sheet, header: Sequence[str], t: Translator = ENGLISH) -> None:
    for column, name in enumerate(header, start=1):
        cell = _put(ws, 1, column, heading(name, t))
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


def _shown(value) -> str:
    """A cell's value as it shows (near enough to size columns and rows)."""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm"
    return str(value)


def _merged(ws: Sheet) -> set[tuple[int, int]]:
    """(row, column) of every cell in a merged range (asking ``ws.merged_cells`` per cell is slow)."""
    return {
        (r, c)
        for m in ws.merged_cells
        for r in range(m.min_row, m.max_row + 1)
        for c in range(m.min_col, m.max_col + 1)
    }


def _widths(ws: Sheet, fixed: dict[int, float] | None = None, *, most: dict[int, float] | None = None) -> None:
    """Each column as wide as its longest line (within bounds, ``most`` for a column's own upper bound;
    longer text wraps), or its ``fixed`` width."""
    fixed, most = fixed or {}, most or {}
    longest: dict[int, int] = {}
    merged = _merged(ws)
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged:
                continue
            size = max(len(line) for line in _shown(cell.value).split("\n"))
            longest[cell.column] = max(longest.get(cell.column, 0), size)
    for column, size in longest.items():
        width = fixed.get(column, min(most.get(column, _MAX_WIDTH), max(_MIN_WIDTH, size + 2)))
        ws.column_dimensions[get_column_letter(column)].width = width


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide (Excel's unit, the width
    of a digit): its line breaks, and its words wrapped as a spreadsheet wraps them. Calibri (and its
    metric twin Carlito) fit 1.2 to 1.35 characters of ordinary text per unit of width; this counts 1.2
    (1.05 in bold) less two for the cell's margins, so that a row is rather too tall than too short."""
    per_line = max(1, int(width * (1.05 if bold else 1.2)) - 2)
    return sum(max(1, len(textwrap.wrap(line, per_line, break_on_hyphens=False))) for line in text.split("\n"))


def _heights(ws: Sheet) -> None:
    """Each row as tall as its tallest cell's wrapped text (LibreOffice does not fit rows on opening a
    file; Excel does not either once a height is set): ``wrapped_lines`` lines of ``LINE_HEIGHT``."""
    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 13 for c in range(1, ws.max_column + 1)}
    spans = {(m.min_row, m.min_col): sum(widths[c] for c in range(m.min_col, m.max_col + 1)) for m in ws.merged_cells}
    merged = _merged(ws)
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or ((cell.row, cell.column) in merged and (cell.row, cell.column) not in spans):
                continue
            width = spans.get((cell.row, cell.column), widths[cell.column])
            lines = max(lines, wrapped_lines(_shown(cell.value), width, bold=bool(cell.font.bold)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT


def _print_setup(ws: Sheet, t: Translator = ENGLISH) -> None:
    """Landscape A4, fitted to the page width (as many pages down as it takes), the header row on every
    page, the sheet's name above and the page number below (not "of N": LibreOffice counts N over the
    whole file, Excel over the sheet), grid lines printed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddHeader.center.text = "&A"  # the sheet's name
    ws.oddHeader.center.font = f"{_FONT_NAME},Bold"
    ws.oddFooter.center.text = t.gettext("Page {page}", page="&P")  # &P: the page number
    ws.oddFooter.center.font = _FONT_NAME


def _finish(ws: Sheet, t: Translator = ENGLISH) -> None:
    _heights(ws)
    _print_setup(ws, t)


def _table(
    ws: Sheet,
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    number_format: str = "0.00",
    fixed: dict[int, float] | None = None,
    most: dict[int, float] | None = None,
    t: Translator = ENGLISH,
) -> None:
    """A sheet of ``rows`` under ``header`` (CSV column names: the workbook shows ``heading``); the values
    of DATE_COLUMNS are written as dates."""
    dates = [i for i, name in enumerate(header) if name in DATE_COLUMNS]
    if dates:
        rows = [[_when(v) if i in dates else v for i, v in enumerate(values)] for values in rows]
    _header(ws, header, t)
    _rows(ws, rows, number_format=number_format)
    _widths(ws, fixed, most=most)
    _finish(ws, t)


# --------------------------------------------------------------------------------------- sheets


def _comparison(ws: Sheet, data: SessionData, t: Translator, names: dict[str, str]) -> None:
    """One block per round (the divergence table, most contested first), a blank row between blocks;
    one rank column per party of the session (empty where a party did not rank that round)."""
    parties = [p.name for p in data.session.parties]
    header = ["round", "element_id", "element", *(f"rank ({p})" for p in parties), "mean_rank", "spread", "sd"]
    _header(ws, header, t)
    row = 2
    for res in data.results:
        block_header, block = export.comparison_table(res)
        at = {name: i for i, name in enumerate(block_header)}
        for values in block:  # the element's name in the reader's language
            values[at["element"]] = names.get(values[at["element_id"]], values[at["element"]])
        if row > 2:
            row += 1
        row = _rows(ws, ([values[at[c]] if c in at else None for c in header] for values in block), start=row)
    _widths(ws)
    _finish(ws, t)


def reasons_rows(data: SessionData, names: dict[str, str] | None = None) -> list[tuple]:
    """The rows of the Reasons sheet: per round, the elements most contested first, each reason given
    (``names``: the element names in the reader's language)."""
    names = names or {}
    return [
        (
            res.round,
            row.element_id,
            names.get(row.element_id, row.element),
            row.spread,
            why.party,
            why.participant,
            why.rank,
            why.text,
        )
        for res in data.results
        for row, reasons in res.contested_with_reasons
        for why in reasons
    ]


def _worksheet(ws: Sheet, data: SessionData, t: Translator, names: dict[str, str]) -> None:
    """Columns A-E: one row per element in the agreed order; B and C per party."""
    s = data.session
    header = [t.gettext("A: position"), t.gettext("A: element")]
    for p in s.parties:
        header += [
            t.gettext("B: steps we take ({party})", party=p.name),
            t.gettext("C: how we demonstrate it ({party})", party=p.name),
        ]
    header += [t.gettext("D: stakeholder feedback"), t.gettext("E: next steps")]
    rows = []
    for row in data.sheet.rows:
        cells = [row.position, names.get(row.element_id, row.element)]
        for p in s.parties:
            cells += [entry_text(row.entries.get((p.id, "B")), t), entry_text(row.entries.get((p.id, "C")), t)]
        cells += [feedback_text(row.feedback, respondents=data.audience.other_names, t=t), steps_text(row.steps, t)]
        rows.append(cells)
    _header(ws, header)  # already in the reader's words
    after = _rows(ws, rows)
    notes = [
        (t.gettext("Column A order"), data.sheet.order_source),
        (t.gettext("Our organisation"), s.our_org or "—"),
        (t.gettext("Partner"), s.partner_org or "—"),
        (t.gettext("Flows"), s.flows or "—"),
        (
            t.gettext("Overall trust (survey)"),
            feedback_text(data.sheet.overall, respondents=data.audience.other_names, t=t),
        ),
        (t.gettext("Column D"), t.gettext("this app's reading of the guidebook: the stakeholder survey's answers")),
    ]
    if data.shareable:
        notes.append((t.gettext("Shareable version"), shareable_notice(data.audience, t)))
    for i, (label, text) in enumerate(notes, start=after + 1):
        _put(ws, i, 1, label).font = _HEADER_FONT
        _put(ws, i, 2, text)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=len(header))  # a note spans the sheet
    wide = {c: 30 for c in range(3, len(header) - 1)}  # B and C of each party
    _widths(ws, {1: 12, 2: 24, **wide, len(header) - 1: _TEXT_WIDTH, len(header): 30})  # D holds the most text
    _finish(ws, t)


def session_workbook(view: View, *, shareable: bool = False, names: bool = False, t: Translator = ENGLISH) -> bytes:
    """The session as an .xlsx file: sheets SHEETS, in that order (see the module docstring), in ``t``'s
    language.

    ``shareable=True`` is the copy for people outside the session (``trustcore.audience``): no worksheet
    entry marked internal, no round participants may not see yet, no session code, and people's names
    only with ``names`` in a session that shows them (facilitator only). Rights: see ``session_data``."""
    data = session_data(view, shareable=shareable, names=names, t=t)
    s = data.session
    words = s.catalogue.names_in(t.locale)  # the element names in the reader's language
    sheets = [t.gettext(name)[:31] for name in SHEETS]  # a sheet's name: at most 31 characters
    wb = Workbook()
    wb.properties.creator = "trustcore"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", s.title)
    ws = wb.active
    ws.title = sheets[0]
    _table(
        ws,
        export.RESULTS_COLUMNS,
        export.results_rows(s, data.rankings, session_code=data.audience.session_code, names=words),
        fixed={10: _TEXT_WIDTH},
        most={2: 60},  # the session's title, the same on every row: one line, not two
        t=t,
    )
    _comparison(wb.create_sheet(sheets[1]), data, t, words)
    _table(
        wb.create_sheet(sheets[2]),
        STATISTICS_COLUMNS,
        [row for res in data.results for row in statistics_rows(res, t, words if t is not ENGLISH else None)],
        number_format="0.000",
        t=t,
    )
    _worksheet(wb.create_sheet(sheets[3]), data, t, words)
    steps = export.next_steps_rows(s, data.steps, names=words)
    answers = [
        (*row[:2], t.gettext(export.OVERALL) if a.element_id is None else row[2], row[3], _trust_words(a, t), *row[5:])
        for a, row in zip(data.feedback, export.feedback_rows(s, data.feedback, names=words))
    ]
    _table(wb.create_sheet(sheets[4]), export.NEXT_STEPS_COLUMNS, steps, fixed={3: _TEXT_WIDTH}, t=t)
    _table(wb.create_sheet(sheets[5]), export.FEEDBACK_COLUMNS, answers, fixed={8: _TEXT_WIDTH}, t=t)
    _table(wb.create_sheet(sheets[6]), REASONS_COLUMNS, reasons_rows(data, words), fixed={8: 50}, t=t)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# the words of survey.TRUST_SCALE, marked here for translation (the CSVs keep them in English)
_TRUST_WORDS = (N_("Not at all"), N_("A little"), N_("Somewhat"), N_("Mostly"), N_("Completely"))


def _trust_words(answer: FeedbackAnswer, t: Translator) -> str:
    """The words of an answer's 1-5 trust (``survey.TRUST_SCALE``) in ``t``'s language."""
    return "" if answer.trust is None else t.gettext(TRUST_SCALE.get(answer.trust, ""))
