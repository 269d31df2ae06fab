"""The parsers of uploaded files: an organisation-wide ranking uploaded or pasted on the Reflect page
(``parse_baseline_csv``; ``followup.baselines.set_baseline`` stores it).

An element catalogue file is parsed by ``catalogue.parse``, which stays with the catalogue model: it also
reads the shipped ``data/elements.csv`` (``catalogue.load``)."""

from __future__ import annotations

import csv
import itertools
import re

from .catalogue import Catalogue, shown, too_big, validate_order
from .errors import InvalidInput, Listing, Phrase
from .i18n import N_

NO_SUCH_ELEMENT = N_("line {line}: no element has the id or name {value}")

_HEADER_WORDS = {"element_id", "id", "element", "name", "elements", "element_name", "rank"}
_ELEMENT_COLUMNS = ("element_id", "id", "element", "element_name", "name", "elements")
_NUMBERING = re.compile(r"^\d{1,3}\s*[.):,;\t-]?\s*")
BASELINE_MAX_CHARS = 100_000


def _lookup(catalogue: Catalogue) -> dict[str, str]:
    """Casefolded id or name (spaces collapsed) -> element id; ids win over names."""
    out = {" ".join(e.name.split()).casefold(): e.id for e in catalogue.elements}
    out.update({e.id.casefold(): e.id for e in catalogue.elements})
    return out


def _key(text: str) -> str:
    return " ".join(str(text).strip().strip('"').split()).casefold()


def _cells(line: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter), [])]


def _rank_header(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, normalised column names) if ``line`` is a CSV header with a rank and an element column."""
    for delimiter in (",", ";", "\t"):
        cols = [c.lower().replace(" ", "_") for c in _cells(line, delimiter)]
        if "rank" in cols and any(c in _ELEMENT_COLUMNS for c in cols):
            return delimiter, cols
    return None


def _line_element(line: str, lookup: dict[str, str]) -> str | None:
    """The element a pasted line names: the whole line, without its numbering ("3." "3)"), or one cell."""
    candidates = [line, _NUMBERING.sub("", line.strip())]
    for delimiter in (",", ";", "\t"):
        candidates += _cells(line, delimiter)
    return next((lookup[_key(c)] for c in candidates if _key(c) in lookup), None)


def parse_baseline_csv(data: bytes | str, catalogue: Catalogue) -> list[str]:
    """An organisation-wide ranking from an upload or a paste, as element ids, most important first.

    Accepts a CSV (comma, semicolon or tab separated) whose header has a ``rank`` column (1 = most
    important) and an element column (``element_id``/``id`` or ``element``/``name``; either may hold an
    id or a name), or one element (id or name, case ignored, optionally numbered "1." or "1)") per line,
    most important first, with an optional header line. InvalidInput lists every problem (with line
    numbers) otherwise.
    """
    problem = too_big(data)
    if problem:  # refused before it is decoded
        raise InvalidInput(N_("The organisation-wide ranking is too long: {problem}."), problem=problem)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                N_("The organisation-wide ranking is not UTF-8 text ({reason} at byte {byte})."),
                reason=exc.reason,
                byte=exc.start,
            ) from None
    if not isinstance(data, str):
        raise InvalidInput(N_("The organisation-wide ranking must be text."))
    text = data.removeprefix("\ufeff")
    if len(text) > BASELINE_MAX_CHARS:
        raise InvalidInput(
            N_("The organisation-wide ranking is too long: {length} characters, at most {most}."),
            length=len(text),
            most=BASELINE_MAX_CHARS,
        )
    n_elements = len(catalogue)
    numbered = ((i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip().strip(",;\t"))
    lines = list(itertools.islice(numbered, n_elements + 2))  # a header and one line per element, and one more
    if not lines:
        raise InvalidInput(
            N_(
                "The organisation-wide ranking is empty: give one element per line, most important "
                "first, or a CSV with columns element_id (or element) and rank."
            )
        )
    if len(lines) > n_elements + 1:
        raise InvalidInput(
            N_(
                "The organisation-wide ranking has more than {most} lines (line {line} is one too "
                "many): give one line per element ({n}), with at most one header line."
            ),
            most=n_elements + 1,
            line=lines[-1][0],
            n=n_elements,
        )
    lookup = _lookup(catalogue)
    problems: list[str] = []
    seen: dict[str, list[int]] = {}  # element id -> lines naming it
    ranked: list[tuple[int, int, str]] = []  # (rank, line, element id)
    header = _rank_header(lines[0][1]) if _key(lines[0][1]) not in lookup else None
    if header:
        delimiter, cols = header
        element_cols = [i for i, c in enumerate(cols) if c in _ELEMENT_COLUMNS]
        rank_col = cols.index("rank")
        for line_no, line in lines[1:]:
            cells = _cells(line, delimiter)
            value = next((cells[i] for i in element_cols if i < len(cells) and cells[i]), "")
            element = lookup.get(_key(value)) if value else None
            if not value:
                problems.append(Phrase(N_("line {line}: no element given"), line=line_no))
            elif element is None:
                problems.append(Phrase(NO_SUCH_ELEMENT, line=line_no, value=shown(value)))
            else:
                seen.setdefault(element, []).append(line_no)
            raw = cells[rank_col] if rank_col < len(cells) else ""
            try:
                if len(raw) > 6:  # never int() of a 4,300-digit number
                    raise ValueError
                rank = int(raw)
            except ValueError:
                problems.append(
                    Phrase(N_("line {line}: the rank {rank} is not a whole number"), line=line_no, rank=shown(raw))
                    if raw
                    else Phrase(N_("line {line}: the rank is missing"), line=line_no)
                )
                continue
            if not 1 <= rank <= n_elements:
                problems.append(
                    Phrase(N_("line {line}: rank {rank} is outside 1 to {n}"), line=line_no, rank=rank, n=n_elements)
                )
            elif element is not None:
                ranked.append((rank, line_no, element))
    else:
        for n, (line_no, line) in enumerate(lines):
            element = _line_element(line, lookup)
            if element is None:
                cells = [_key(c) for c in _cells(line, ",") if c]
                if n == 0 and cells and all(c in _HEADER_WORDS for c in cells):
                    continue  # a header line ("element_id", "name"...)
                problems.append(Phrase(NO_SUCH_ELEMENT, line=line_no, value=shown(line.strip())))
                continue
            seen.setdefault(element, []).append(line_no)
            ranked.append((len(ranked) + 1, line_no, element))
    for element, at in seen.items():
        if len(at) > 1:
            problems.append(
                Phrase(N_("{element} is listed more than once (lines {lines})"), element=element, lines=Listing(at))
            )
    by_rank: dict[int, list[str]] = {}
    for rank, _, element in ranked:
        by_rank.setdefault(rank, []).append(element)
    for rank, elements in sorted(by_rank.items()):
        if len(set(elements)) > 1:
            problems.append(
                Phrase(N_("rank {rank} is given to more than one element ({ids})"), rank=rank, ids=Listing(elements))
            )
    missing = [e for e in catalogue.ids if e not in seen]
    if missing:
        problems.append(Phrase(N_("missing: {ids}"), ids=Listing(missing)))
    if problems:
        raise InvalidInput(
            N_("The organisation-wide ranking has problems:\n- {problems}"),
            problems=Listing(problems, separator="\n- "),
        )
    return list(validate_order([element for _, _, element in sorted(ranked)], catalogue))
