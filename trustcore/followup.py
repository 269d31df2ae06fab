"""After the reveal: agreed next steps (Column E), the worksheet (Columns A-C), organisation-wide rankings
(Activity 1), the stakeholder survey (Column D), reflections and the link to an earlier session.

Plain functions on a ``Store``; like the store's methods, each checks the token it is given (through
``Store.authorise``), runs every change in one ``BEGIN IMMEDIATE`` transaction that re-reads what it
checks, and logs an event. Records that several people edit at once (next steps, worksheet entries,
reflections) carry a version: a save names the version it started from and is refused with
``EditConflict`` (holding the stored record) when someone else saved in between.

Rights: the facilitator token grants everything; a participant token grants reading, the next steps,
the reflections, and the worksheet entries and organisation-wide ranking of the participant's own
party; the survey token grants only ``submit_feedback`` (``Store.authorise`` never accepts it).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import analysis, tokens
from . import db as dbmod
from .catalogue import Catalogue
from .errors import AccessDenied, EditConflict, InvalidInput, NotAllowedNow, NotFound
from .model import STATUSES, Actor, Ranking, Session
from .results import party_orders as _party_consensus
from .store import DENIED, UNKNOWN_CODE, Store, _log, now, validate_order
from .text import NAME_MAX, TEXT_MAX, clean_line, clean_text, unique_name

TRUST_SCALE = {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Mostly", 5: "Completely"}
EXPECTATIONS = ("yes", "partly", "no")
EVIDENCE = ("yes", "no", "unsure")

# The guidebook's Activity 6 reflection questions, paraphrased (CC BY-SA 4.0, ODI Trustworthy Data
# Stewardship Guidebook).
REFLECTION_QUESTIONS: dict[str, str] = {
    "areas": "Did this engagement show areas where we should raise our trustworthiness?",
    "actions": "What will we do about them?",
    "timeframe": "Over what timeframe will we do it?",
    "org_wide": "How does this relationship's ranking compare with our organisation-wide ranking?",
    "hierarchy": "Do our data practices fit the hierarchy of trustworthy data stewardship?",
}

COLUMNS = {"B": "Column B (steps we take)", "C": "Column C (how we demonstrate it)"}
ACTION_MAX = 500
DUE_MAX = 80
COMMENT_MAX = TEXT_MAX
FIXED = "fixed by the facilitator"
NO_RANKINGS = "catalogue order (no rankings yet)"
NOT_REVEALED = "catalogue order (no revealed rankings yet)"
STEP_FIELDS = ("element_id", "action", "owner_party_id", "owner_person", "due", "status", "agreed_by")
ANSWER_KEYS = ("trust", "expectations", "evidence", "comment")

CHOOSE_ELEMENT = "Choose one of this session's elements."
OWN_PARTY_ONLY = "You can only change your own party's entries."
STEP_CHANGED = "Someone else changed this next step while you were editing it; your changes were not saved."
STEP_GONE = "Someone else deleted this next step while you were editing it; your changes were not saved."
ENTRY_CHANGED = "Someone else changed this worksheet entry while you were editing it; your text was not saved."
REFLECTION_CHANGED = "Someone else changed this answer while you were editing it; your text was not saved."


# --------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class NextStep:
    id: int
    element_id: str
    action: str
    owner_party_id: int | None
    owner_party: str | None
    owner_person: str
    due: str  # a date or a timeframe ("Q2 2027"), as typed
    status: str  # one of model.STATUSES
    agreed_by: tuple[str, ...]  # party names, in session order
    version: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class WorksheetEntry:
    element_id: str
    party_id: int
    party: str
    column: str  # "B" (steps we take) or "C" (how we demonstrate it)
    text: str
    internal: bool  # left out of the shareable worksheet
    version: int
    updated_at: str


@dataclass(frozen=True)
class FeedbackAnswer:
    respondent: str
    element_id: str | None  # None: the overall question
    trust: int | None  # 1-5, see TRUST_SCALE
    expectations: str | None  # EXPECTATIONS
    evidence: str | None  # EVIDENCE
    comment: str
    submitted_at: str


@dataclass(frozen=True)
class Reflection:
    key: str
    question: str
    answer: str
    version: int
    updated_at: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous session of the same relationship."""

    previous_code: str
    previous_title: str
    previous_created_at: str
    moved: dict[str, float]  # party -> Kendall tau-b of its order then and now (parties in both)
    previous_steps: tuple[NextStep, ...]  # the earlier session's next steps, with their current status
    steps_by_status: dict[str, int]  # of previous_steps, every status in model.STATUSES
    previous_round: int | None  # the round compared: the latest with a ranking (None: nobody ranked)
    round: int | None  # this session's round compared (the latest with a ranking the reader may see)
    agreement_then: analysis.Headline | None  # between the parties then (None: fewer than two ranked)
    agreement_now: analysis.Headline | None
    same_catalogue: bool  # False: the sessions ranked different elements, so no movement is computed


# --------------------------------------------------------------------------------------- helpers


def _actor(store: Store, code, token) -> Actor:
    return store.authorise(code, token)


def _reload(store: Store, db, actor: Actor) -> Session:
    """The session re-read inside a write transaction (NotFound if it was deleted meanwhile)."""
    return store._load(db, actor.session.code)


def _one(db, sql: str, args) -> dict | None:
    return next(iter(db.query(sql, args)), None)


def _survey_hash(db, session_id: int) -> str | None:
    row = _one(db, "SELECT survey_hash FROM sessions WHERE id = ?", [session_id])
    if row is None:
        raise NotFound(UNKNOWN_CODE)
    return row["survey_hash"]


def _check_element(session: Session, element_id) -> str:
    element_id = str(element_id or "")
    if element_id not in session.catalogue.ids:
        raise InvalidInput(CHOOSE_ELEMENT)
    return element_id


def _party_id(session: Session, party_id, *, field: str) -> int:
    try:
        pid = int(party_id)
        if isinstance(party_id, bool) or str(pid) != str(party_id).strip():
            raise ValueError
        session.party(pid)
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(f"{field} must be one of this session's parties.") from None
    return pid


def _check_version(expected) -> int | None:
    if expected is None:
        return None
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise InvalidInput("The version to edit must be a whole number.")
    return expected or None  # 0 means "not saved yet", like None


def _step_version(expected) -> int:
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 1:
        raise InvalidInput("The version to edit must be a whole number from 1.")
    return expected


def _element_label(session: Session, element_id: str | None) -> str:
    if element_id is None:
        return "the overall question"
    return session.catalogue.names.get(element_id, element_id)


# --------------------------------------------------------------------------------------- next steps


def _step_values(session: Session, changes: Mapping) -> dict:
    """Validated and cleaned next-step fields (only those given)."""
    out: dict = {}
    if "element_id" in changes:
        out["element_id"] = _check_element(session, changes["element_id"])
    if "action" in changes:
        out["action"] = clean_text(changes["action"], field="The action", max_len=ACTION_MAX, required=True)
    if "owner_party_id" in changes:
        value = changes["owner_party_id"]
        out["owner_party_id"] = None if value in (None, "") else _party_id(session, value, field="The owner party")
    if "owner_person" in changes:
        out["owner_person"] = clean_line(changes["owner_person"], field="The owner", max_len=NAME_MAX, required=False)
    if "due" in changes:
        out["due"] = clean_line(changes["due"], field="The due date or timeframe", max_len=DUE_MAX, required=False)
    if "status" in changes:
        status = changes["status"]
        if status not in STATUSES:
            raise InvalidInput(f"The status must be one of: {', '.join(STATUSES)}.")
        out["status"] = status
    if "agreed_by" in changes:
        value = changes["agreed_by"]
        if value is None:
            value = ()
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise InvalidInput("'Agreed by' must be a list of this session's parties.")
        ids = {_party_id(session, p, field="Each party that agreed") for p in value}
        out["agreed_by"] = [p.id for p in session.parties if p.id in ids]
    return out


def _next_step(row, session: Session) -> NextStep:
    agreed = set(json.loads(row["agreed_by"] or "[]"))
    owner = row["owner_party_id"]
    owner_name = next((p.name for p in session.parties if p.id == owner), None)
    return NextStep(
        id=row["id"],
        element_id=row["element_id"],
        action=row["action"],
        owner_party_id=owner if owner_name is not None else None,
        owner_party=owner_name,
        owner_person=row["owner_person"],
        due=row["due"],
        status=row["status"],
        agreed_by=tuple(p.name for p in session.parties if p.id in agreed),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _steps(db, session: Session) -> list[NextStep]:
    rank = {e: i for i, e in enumerate(session.catalogue.ids)}
    steps = [
        _next_step(r, session)
        for r in db.query("SELECT * FROM next_steps WHERE session_id = ? ORDER BY id", [session.id])
    ]
    return sorted(steps, key=lambda s: (rank.get(s.element_id, len(rank)), s.id))


def _same_step(step: NextStep, values: dict, session: Session) -> bool:
    """Whether the stored step already holds every value of ``values`` (a repeated save)."""
    for key, value in values.items():
        if key == "agreed_by":
            if step.agreed_by != tuple(p.name for p in session.parties if p.id in value):
                return False
        elif getattr(step, key) != value:
            return False
    return True


def next_steps(store: Store, code: str, token: str) -> list[NextStep]:
    """The session's next steps, in catalogue order of their element, then oldest first."""
    actor = _actor(store, code, token)
    with dbmod.session(store.path) as db:
        return _steps(db, actor.session)


def add_next_step(
    store: Store,
    code: str,
    token: str,
    element_id: str,
    action: str,
    *,
    owner_party_id=None,
    owner_person: str = "",
    due: str = "",
    status: str = "proposed",
    agreed_by=(),
) -> NextStep:
    """Record a next step for an element (facilitator or any participant)."""
    actor = _actor(store, code, token)
    values = _step_values(
        actor.session,
        {
            "element_id": element_id,
            "action": action,
            "owner_party_id": owner_party_id,
            "owner_person": owner_person,
            "due": due,
            "status": status,
            "agreed_by": agreed_by,
        },
    )
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        stamp = now()
        cur = db.execute(
            """INSERT INTO next_steps (session_id, element_id, action, owner_party_id, owner_person, due, status,
                                       agreed_by, version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
            [
                session.id,
                values["element_id"],
                values["action"],
                values["owner_party_id"],
                values["owner_person"],
                values["due"],
                values["status"],
                json.dumps(values["agreed_by"]),
                stamp,
                stamp,
            ],
        )
        _log(
            db,
            session.id,
            actor.label,
            "next_step_added",
            {"step": dbmod.inserted_id(cur), "element": values["element_id"], "status": values["status"]},
        )
        return _next_step(_one(db, "SELECT * FROM next_steps WHERE id = ?", [dbmod.inserted_id(cur)]), session)


def update_next_step(store: Store, code: str, token: str, step_id: int, expected_version: int, **changes) -> NextStep:
    """Change some fields of a next step (any of element_id, action, owner_party_id, owner_person, due,
    status, agreed_by), if nobody saved it since ``expected_version``; its version goes up by one.

    EditConflict (``current`` = the stored step, or None if it was deleted) when someone else saved or
    deleted it in between; nothing is written then. Saving values the step already holds (a double
    click, or two people making the same change) writes nothing and returns the stored step.
    """
    unknown = sorted(set(changes) - set(STEP_FIELDS))
    if unknown:
        raise TypeError(f"update_next_step() got unexpected field(s): {', '.join(unknown)}")
    expected_version = _step_version(expected_version)
    actor = _actor(store, code, token)
    values = _step_values(actor.session, changes)
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        row = _one(db, "SELECT * FROM next_steps WHERE id = ? AND session_id = ?", [step_id, session.id])
        if row is None:
            raise EditConflict(STEP_GONE, current=None)
        current = _next_step(row, session)
        if _same_step(current, values, session):
            return current
        if current.version != expected_version:
            raise EditConflict(STEP_CHANGED, current=current)
        stored = {k: row[k] for k in STEP_FIELDS}
        stored["agreed_by"] = json.loads(row["agreed_by"] or "[]")
        stored.update(values)
        db.execute(
            """UPDATE next_steps SET element_id = ?, action = ?, owner_party_id = ?, owner_person = ?, due = ?,
                      status = ?, agreed_by = ?, version = version + 1, updated_at = ?
               WHERE id = ?""",
            [
                stored["element_id"],
                stored["action"],
                stored["owner_party_id"],
                stored["owner_person"],
                stored["due"],
                stored["status"],
                json.dumps(stored["agreed_by"]),
                now(),
                current.id,
            ],
        )
        changed = sorted(k for k in values if not _same_step(current, {k: values[k]}, session))
        _log(
            db,
            session.id,
            actor.label,
            "next_step_updated",
            {"step": current.id, "fields": changed, "version": current.version + 1},
        )
        return _next_step(_one(db, "SELECT * FROM next_steps WHERE id = ?", [current.id]), session)


def delete_next_step(store: Store, code: str, token: str, step_id: int, expected_version: int) -> None:
    """Delete a next step, if nobody saved it since ``expected_version`` (EditConflict otherwise, with the
    stored step in ``current``). Deleting a step that is already gone does nothing."""
    expected_version = _step_version(expected_version)
    actor = _actor(store, code, token)
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        row = _one(db, "SELECT * FROM next_steps WHERE id = ? AND session_id = ?", [step_id, session.id])
        if row is None:
            return
        current = _next_step(row, session)
        if current.version != expected_version:
            raise EditConflict(
                STEP_CHANGED.replace("your changes were not saved", "it was not deleted"), current=current
            )
        db.execute("DELETE FROM next_steps WHERE id = ?", [current.id])
        _log(db, session.id, actor.label, "next_step_deleted", {"step": current.id, "element": current.element_id})


def elements_without_steps(store: Store, code: str, token: str) -> list[str]:
    """Element ids (catalogue order) that no next step addresses yet."""
    actor = _actor(store, code, token)
    with dbmod.session(store.path) as db:
        addressed = {
            r["element_id"]
            for r in db.query("SELECT DISTINCT element_id FROM next_steps WHERE session_id = ?", [actor.session.id])
        }
    return [e for e in actor.session.catalogue.ids if e not in addressed]


# --------------------------------------------------------------------------------------- worksheet


def _entry(row, session: Session) -> WorksheetEntry:
    return WorksheetEntry(
        row["element_id"],
        row["party_id"],
        session.party(row["party_id"]).name,
        row["col"],
        row["text"],
        bool(row["internal"]),
        row["version"],
        row["updated_at"],
    )


def worksheet(store: Store, code: str, token: str, *, shareable: bool = False) -> list[WorksheetEntry]:
    """Columns B and C, in catalogue order of the elements, then party order, then column.

    ``shareable=True`` leaves out entries marked internal. A participant never sees other parties'
    internal entries (only their own party's)."""
    actor = _actor(store, code, token)
    s = actor.session
    with dbmod.session(store.path) as db:
        rows = list(db.query("SELECT * FROM worksheet WHERE session_id = ?", [s.id]))
    rank = {e: i for i, e in enumerate(s.catalogue.ids)}
    position = {p.id: p.position for p in s.parties}
    entries = [
        _entry(r, s) for r in rows if not (r["internal"] and (shareable or not actor.may_act_for(r["party_id"])))
    ]
    return sorted(entries, key=lambda e: (rank.get(e.element_id, len(rank)), position[e.party_id], e.column))


def set_worksheet_entry(
    store: Store,
    code: str,
    token: str,
    element_id: str,
    party_id: int,
    column: str,
    text: str,
    *,
    internal: bool = False,
    expected_version: int | None = None,
) -> WorksheetEntry:
    """Write a party's Column B or C text for an element. A participant writes only for their own party.

    ``expected_version`` is the version the editor started from; None (or 0) means the entry must not
    exist yet. EditConflict (``current`` = the stored entry) when someone else saved in between."""
    actor = _actor(store, code, token)
    s = actor.session
    element_id = _check_element(s, element_id)
    pid = _party_id(s, party_id, field="The party")
    if not actor.may_act_for(pid):
        raise AccessDenied(OWN_PARTY_ONLY)
    col = str(column or "").strip().upper()
    if col not in COLUMNS:
        raise InvalidInput("The worksheet column must be B (steps we take) or C (how we demonstrate it).")
    text = clean_text(text, field=COLUMNS[col], max_len=TEXT_MAX)
    internal = bool(internal)
    expected = _check_version(expected_version)
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        key = [session.id, element_id, pid, col]
        row = _one(
            db, "SELECT * FROM worksheet WHERE session_id = ? AND element_id = ? AND party_id = ? AND col = ?", key
        )
        current = _entry(row, session) if row else None
        if current is not None and (current.text, current.internal) == (text, internal):
            return current
        if (current.version if current else None) != expected:
            raise EditConflict(ENTRY_CHANGED, current=current)
        stamp = now()
        if current is None:
            db.execute(
                """INSERT INTO worksheet (session_id, element_id, party_id, col, text, internal, version, updated_at)
                          VALUES (?, ?, ?, ?, ?, ?, 1, ?)""",
                [*key, text, int(internal), stamp],
            )
        else:
            db.execute(
                """UPDATE worksheet SET text = ?, internal = ?, version = version + 1, updated_at = ?
                          WHERE session_id = ? AND element_id = ? AND party_id = ? AND col = ?""",
                [text, int(internal), stamp, *key],
            )
        _log(
            db,
            session.id,
            actor.label,
            "worksheet_entry_set",
            {"element": element_id, "party": session.party(pid).name, "column": col, "internal": internal},
        )
        return _entry(
            _one(
                db, "SELECT * FROM worksheet WHERE session_id = ? AND element_id = ? AND party_id = ? AND col = ?", key
            ),
            session,
        )


# --------------------------------------------------------------------------------------- baselines


def set_baseline(store: Store, code: str, token: str, party_id: int, order) -> None:
    """Store (or replace) a party's organisation-wide ranking (Activity 1): every element once.
    The facilitator sets it for any party, a participant for their own."""
    actor = _actor(store, code, token)
    pid = _party_id(actor.session, party_id, field="The party")
    if not actor.may_act_for(pid):
        raise AccessDenied(OWN_PARTY_ONLY)
    order = validate_order(order, actor.session.catalogue)
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        replaced = _one(db, "SELECT 1 FROM baselines WHERE session_id = ? AND party_id = ?", [session.id, pid])
        db.execute(
            """INSERT INTO baselines (session_id, party_id, ordering, entered_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (session_id, party_id) DO UPDATE SET ordering = excluded.ordering,
                                                               entered_at = excluded.entered_at""",
            [session.id, pid, json.dumps(list(order)), now()],
        )
        _log(
            db,
            session.id,
            actor.label,
            "baseline_replaced" if replaced else "baseline_set",
            {"party": session.party(pid).name},
        )


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
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"The organisation-wide ranking is not UTF-8 text ({exc.reason} at byte {exc.start})."
            ) from None
    if not isinstance(data, str):
        raise InvalidInput("The organisation-wide ranking must be text.")
    text = data.removeprefix("\ufeff")
    if len(text) > BASELINE_MAX_CHARS:
        raise InvalidInput(
            f"The organisation-wide ranking is too long: {len(text)} characters, at most {BASELINE_MAX_CHARS}."
        )
    lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip().strip(",;\t")]
    if not lines:
        raise InvalidInput(
            "The organisation-wide ranking is empty: give one element per line, most important "
            "first, or a CSV with columns element_id (or element) and rank."
        )
    lookup = _lookup(catalogue)
    n_elements = len(catalogue)
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
                problems.append(f"line {line_no}: no element given")
            elif element is None:
                problems.append(f"line {line_no}: no element has the id or name {value!r}")
            else:
                seen.setdefault(element, []).append(line_no)
            raw = cells[rank_col] if rank_col < len(cells) else ""
            try:
                rank = int(raw)
            except ValueError:
                problems.append(
                    f"line {line_no}: the rank {raw!r} is not a whole number"
                    if raw
                    else f"line {line_no}: the rank is missing"
                )
                continue
            if not 1 <= rank <= n_elements:
                problems.append(f"line {line_no}: rank {rank} is outside 1 to {n_elements}")
            elif element is not None:
                ranked.append((rank, line_no, element))
    else:
        for n, (line_no, line) in enumerate(lines):
            element = _line_element(line, lookup)
            if element is None:
                cells = [_key(c) for c in _cells(line, ",") if c]
                if n == 0 and cells and all(c in _HEADER_WORDS for c in cells):
                    continue  # a header line ("element_id", "name"...)
                problems.append(f"line {line_no}: no element has the id or name {line.strip()!r}")
                continue
            seen.setdefault(element, []).append(line_no)
            ranked.append((len(ranked) + 1, line_no, element))
    for element, at in seen.items():
        if len(at) > 1:
            problems.append(f"{element} is listed more than once (lines {', '.join(map(str, at))})")
    by_rank: dict[int, list[str]] = {}
    for rank, _, element in ranked:
        by_rank.setdefault(rank, []).append(element)
    for rank, elements in sorted(by_rank.items()):
        if len(set(elements)) > 1:
            problems.append(f"rank {rank} is given to more than one element ({', '.join(elements)})")
    missing = [e for e in catalogue.ids if e not in seen]
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if problems:
        raise InvalidInput("The organisation-wide ranking has problems:\n- " + "\n- ".join(problems))
    return list(validate_order([element for _, _, element in sorted(ranked)], catalogue))


def baselines(store: Store, code: str, token: str) -> dict[str, tuple[str, ...]]:
    """Party name -> its organisation-wide ranking, in session party order (parties without one left out)."""
    actor = _actor(store, code, token)
    with dbmod.session(store.path) as db:
        return _baselines(db, actor.session)


def _baselines(db, session: Session) -> dict[str, tuple[str, ...]]:
    stored = {
        r["party_id"]: tuple(json.loads(r["ordering"]))
        for r in db.query("SELECT party_id, ordering FROM baselines WHERE session_id = ?", [session.id])
    }
    return {p.name: stored[p.id] for p in session.parties if p.id in stored}


def _rankings(db, session: Session, round_number: int | None = None) -> list[Ranking]:
    sql = """SELECT r.*, q.name AS participant, q.party_id, p.name AS party
             FROM rankings r JOIN participants q ON q.id = r.participant_id JOIN parties p ON p.id = q.party_id
             WHERE r.session_id = ? AND r.current = 1"""
    args: list = [session.id]
    if round_number is not None:
        sql += " AND r.round = ?"
        args.append(round_number)
    sql += " ORDER BY r.round, p.position, q.id"
    return [
        Ranking(
            r["participant_id"],
            r["participant"],
            r["party_id"],
            r["party"],
            r["round"],
            tuple(json.loads(r["ordering"])),
            tuple(json.loads(r["start_order"])),
            r["submitted_at"],
        )
        for r in db.query(sql, args)
    ]


def _check_round(session: Session, round_number) -> int:
    try:
        return session.get_round(int(round_number)).number
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(f"This session has no round {round_number}.") from None


def baseline_comparison(store: Store, code: str, token: str, round_number: int) -> dict[str, dict]:
    """Per party with both an organisation-wide ranking and a ranking in ``round_number`` (its members'
    consensus): ``tau`` (Kendall tau-b), ``rho`` (Spearman), ``footrule`` (footrule similarity, 1 =
    identical), ``footrule_distance``, ``org_order``, ``relationship_order`` and ``moved``: the
    elements whose rank differs, as (element_id, org_rank, relationship_rank), biggest move first.

    A participant sees it only once the round's results are visible to participants (NotAllowedNow)."""
    actor = _actor(store, code, token)
    s = actor.session
    number = _check_round(s, round_number)
    if not s.results_visible(number, facilitator=actor.is_facilitator):
        raise NotAllowedNow(f"The results of round {number} are not revealed yet.")
    with dbmod.session(store.path) as db:
        base = _baselines(db, s)
        relation = {name: pc.order for name, pc in _party_consensus(s, _rankings(db, s, number)).items()}
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


# --------------------------------------------------------------------------------------- survey


def new_survey_link(store: Store, code: str, token: str) -> str:
    """Create (or replace: the old one stops working) the session's survey token; returns it. Only its
    hash is stored. Build the link with ``links.survey_link``. Facilitator only."""
    survey_token = tokens.new_token()
    with store._facilitator_write(code, token) as (db, s):
        replaced = _survey_hash(db, s.id) is not None
        db.execute(
            "UPDATE sessions SET survey_hash = ?, updated_at = ? WHERE id = ?",
            [tokens.hash_token(survey_token), now(), s.id],
        )
        _log(db, s.id, "facilitator", "survey_link_replaced" if replaced else "survey_link_created", {})
    return survey_token


def close_survey(store: Store, code: str, token: str) -> None:
    """Stop accepting feedback: the survey link stops working (facilitator only)."""
    with store._facilitator_write(code, token) as (db, s):
        db.execute("UPDATE sessions SET survey_hash = NULL, updated_at = ? WHERE id = ?", [now(), s.id])
        _log(db, s.id, "facilitator", "survey_closed", {})


def _survey_row(db, code, survey_token) -> dict:
    code = tokens.normalise_code(code)
    row = _one(db, "SELECT id, code, survey_hash FROM sessions WHERE code = ?", [code or ""])
    if not tokens.token_matches(survey_token, row["survey_hash"] if row else None) or row is None:
        raise AccessDenied(DENIED)
    return row


def survey_is_open(store: Store, code: str, token: str) -> bool:
    """Whether the session has a survey link that works (facilitator only)."""
    session = store.facilitator(code, token)
    with dbmod.session(store.path) as db:
        return _survey_hash(db, session.id) is not None


def survey_session(store: Store, code: str, survey_token: str) -> Session:
    """The session, if ``survey_token`` is its current survey token; AccessDenied otherwise."""
    with dbmod.session(store.path) as db:
        row = _survey_row(db, code, survey_token)
        return store._load(db, row["code"])


def _answer(session: Session, element_id, answer) -> dict | None:
    """One validated answer row (None when every field is empty)."""
    label = _element_label(session, element_id)
    if not isinstance(answer, Mapping):
        raise InvalidInput(f"The answer on {label} must be a set of fields ({', '.join(ANSWER_KEYS)}).")
    unknown = sorted(str(k) for k in set(answer) - set(ANSWER_KEYS))
    if unknown:
        raise InvalidInput(f"The answer on {label} has unknown field(s): {', '.join(unknown)}.")
    trust = answer.get("trust")
    if trust in (None, ""):
        trust = None
    else:
        try:
            if isinstance(trust, bool) or str(int(trust)) != str(trust).strip():
                raise ValueError
            trust = int(trust)
            if trust not in TRUST_SCALE:
                raise ValueError
        except (TypeError, ValueError):
            raise InvalidInput(f"The degree of trust in {label} must be a whole number from 1 to 5.") from None
    choices: dict[str, str | None] = {}
    for key, allowed, what in (
        ("expectations", EXPECTATIONS, "Whether our steps meet your expectations"),
        ("evidence", EVIDENCE, "Whether our evidence helps you trust us"),
    ):
        value = answer.get(key)
        if value in (None, ""):
            choices[key] = None
        elif isinstance(value, str) and value.strip().lower() in allowed:
            choices[key] = value.strip().lower()
        else:
            raise InvalidInput(f"{what} ({label}) must be one of: {', '.join(allowed)}.")
    comment = clean_text(answer.get("comment"), field=f"Your comment on {label}", max_len=COMMENT_MAX)
    if trust is None and not comment and not any(choices.values()):
        return None
    return {"element_id": element_id, "trust": trust, **choices, "comment": comment}


def submit_feedback(store: Store, code: str, survey_token: str, respondent: str, answers: Mapping) -> int:
    """Store a stakeholder's survey answers: ``answers`` maps element ids (and None, the overall
    question) to dicts with any of trust (1-5), expectations (EXPECTATIONS), evidence (EVIDENCE) and
    comment. Everything is checked first; then all rows are stored in one transaction. Answers with every
    field empty are skipped; returns the number of rows stored.

    An empty respondent name becomes "Stakeholder N"; a name already used in the session gets " (2)"...
    so each submission stays one respondent."""
    session = survey_session(store, code, survey_token)
    respondent = clean_line(respondent, field="Your name", max_len=NAME_MAX, required=False)
    if not isinstance(answers, Mapping):
        raise InvalidInput("The survey answers must be given per element.")
    rows = []
    for element_id in [None, *session.catalogue.ids]:
        if element_id in answers:
            row = _answer(session, element_id, answers[element_id])
            if row:
                rows.append(row)
    unknown = [k for k in answers if k is not None and k not in session.catalogue.ids]
    if unknown:
        raise InvalidInput(f"{CHOOSE_ELEMENT} Unknown: {', '.join(map(str, unknown))}.")
    if not rows:
        raise InvalidInput("The survey is empty: answer at least one question.")
    with dbmod.write(store.path) as db:
        sid = _survey_row(db, session.code, survey_token)["id"]  # re-checked: a replaced link stops here
        taken = {
            r["respondent"].casefold()
            for r in db.query("SELECT DISTINCT respondent FROM feedback WHERE session_id = ?", [sid])
        }
        respondent = unique_name(respondent, taken, anonymous="Stakeholder")
        stamp = now()
        for r in rows:
            db.execute(
                """INSERT INTO feedback (session_id, respondent, element_id, trust, expectations, evidence, comment,
                                         submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [sid, respondent, r["element_id"], r["trust"], r["expectations"], r["evidence"], r["comment"], stamp],
            )
        _log(db, sid, "survey", "feedback_submitted", {"answers": len(rows)})
    return len(rows)


def feedback(store: Store, code: str, token: str) -> list[FeedbackAnswer]:
    """Every stakeholder answer, in the order submitted (facilitator or participant)."""
    actor = _actor(store, code, token)
    with dbmod.session(store.path) as db:
        return [
            FeedbackAnswer(
                r["respondent"],
                r["element_id"],
                r["trust"],
                r["expectations"],
                r["evidence"],
                r["comment"],
                r["submitted_at"],
            )
            for r in db.query("SELECT * FROM feedback WHERE session_id = ? ORDER BY id", [actor.session.id])
        ]


# --------------------------------------------------------------------------------------- reflections


def _reflection(row) -> Reflection:
    return Reflection(row["key"], REFLECTION_QUESTIONS[row["key"]], row["answer"], row["version"], row["updated_at"])


def set_reflection(
    store: Store, code: str, token: str, key: str, answer: str, *, expected_version: int | None = None
) -> Reflection:
    """Answer one of REFLECTION_QUESTIONS (facilitator or any participant); versioned like the worksheet."""
    actor = _actor(store, code, token)
    if key not in REFLECTION_QUESTIONS:
        raise InvalidInput(f"Unknown reflection question {key!r}: use one of {', '.join(REFLECTION_QUESTIONS)}.")
    answer = clean_text(answer, field=f"The answer to “{REFLECTION_QUESTIONS[key]}”", max_len=TEXT_MAX)
    expected = _check_version(expected_version)
    with dbmod.write(store.path) as db:
        session = _reload(store, db, actor)
        row = _one(db, "SELECT * FROM reflections WHERE session_id = ? AND key = ?", [session.id, key])
        current = _reflection(row) if row else None
        if current is not None and current.answer == answer:
            return current
        if (current.version if current else None) != expected:
            raise EditConflict(REFLECTION_CHANGED, current=current)
        stamp = now()
        if current is None:
            db.execute(
                "INSERT INTO reflections (session_id, key, answer, version, updated_at) VALUES (?, ?, ?, 1, ?)",
                [session.id, key, answer, stamp],
            )
        else:
            db.execute(
                """UPDATE reflections SET answer = ?, version = version + 1, updated_at = ?
                          WHERE session_id = ? AND key = ?""",
                [answer, stamp, session.id, key],
            )
        _log(db, session.id, actor.label, "reflection_set", {"key": key})
        return _reflection(_one(db, "SELECT * FROM reflections WHERE session_id = ? AND key = ?", [session.id, key]))


def reflections(store: Store, code: str, token: str) -> dict[str, Reflection]:
    """The answered reflection questions, in REFLECTION_QUESTIONS order (unanswered ones left out)."""
    actor = _actor(store, code, token)
    with dbmod.session(store.path) as db:
        stored = {
            r["key"]: _reflection(r)
            for r in db.query("SELECT * FROM reflections WHERE session_id = ?", [actor.session.id])
            if r["key"] in REFLECTION_QUESTIONS
        }
    return {k: stored[k] for k in REFLECTION_QUESTIONS if k in stored}


# --------------------------------------------------------------------------------------- Column A


def set_agreed_order(store: Store, code: str, token: str, order) -> None:
    """Fix Column A's order (facilitator only); None goes back to the consensus."""
    with store._facilitator_write(code, token) as (db, s):
        value = None if order is None else json.dumps(list(validate_order(order, s.catalogue)))
        db.execute("UPDATE sessions SET agreed_order = ?, updated_at = ? WHERE id = ?", [value, now(), s.id])
        _log(db, s.id, "facilitator", "agreed_order_cleared" if value is None else "agreed_order_set", {})


def _consensus(orders: list) -> tuple[tuple[str, ...], str]:
    if len(orders[0]) > analysis.KEMENY_MAX_ELEMENTS:
        return tuple(analysis.borda_consensus(orders)), "Borda"
    return tuple(analysis.kemeny_consensus(orders)), "Kemeny"


def _latest_orders(db, session: Session, *, facilitator: bool) -> tuple[int | None, dict[str, tuple[str, ...]], bool]:
    """(round, party -> order) of the latest round with a ranking whose results the reader may see, and
    whether a later round with rankings was hidden from them."""
    by_round: dict[int, list[Ranking]] = {}
    for r in _rankings(db, session):
        by_round.setdefault(r.round, []).append(r)
    hidden = False
    for number in sorted(by_round, reverse=True):
        if session.results_visible(number, facilitator=facilitator):
            return number, {n: pc.order for n, pc in _party_consensus(session, by_round[number]).items()}, hidden
        hidden = True
    return None, {}, hidden


def agreed_order(store: Store, code: str, token: str) -> tuple[tuple[str, ...], str]:
    """Column A: (order, where it comes from). The facilitator's fixed order if set; else the consensus
    (Kemeny; Borda for catalogues longer than analysis.KEMENY_MAX_ELEMENTS) of the parties' orders in the
    latest round with a ranking (for a participant: the latest whose results they may see); else the
    catalogue order."""
    actor = _actor(store, code, token)
    s = actor.session
    with dbmod.session(store.path) as db:
        row = _one(db, "SELECT agreed_order FROM sessions WHERE id = ?", [s.id])
        if row is None:
            raise NotFound(UNKNOWN_CODE)
        if row["agreed_order"]:
            return tuple(json.loads(row["agreed_order"])), FIXED
        number, orders, hidden = _latest_orders(db, s, facilitator=actor.is_facilitator)
    if number is None:
        return tuple(s.catalogue.ids), NOT_REVEALED if hidden else NO_RANKINGS
    order, method = _consensus(list(orders.values()))
    return order, f"consensus ({method}) of round {number}"


# --------------------------------------------------------------------------------------- earlier sessions


def link_previous(store: Store, code: str, token: str, previous_code: str, previous_facilitator_token: str) -> None:
    """Record that this session follows ``previous_code`` (the same relationship, revisited). Needs the
    facilitator token of both sessions; refuses the session itself and links that would make a loop."""
    previous = store.facilitator(previous_code, previous_facilitator_token)
    with store._facilitator_write(code, token) as (db, s):
        if previous.id == s.id:
            raise InvalidInput("A session cannot follow itself: give the code of an earlier session.")
        seen = {s.id}
        cursor: int | None = previous.id
        while cursor is not None:
            if cursor in seen:
                raise InvalidInput("That session already follows this one: linking them would make a loop.")
            seen.add(cursor)
            row = _one(db, "SELECT previous_session_id FROM sessions WHERE id = ?", [cursor])
            cursor = row["previous_session_id"] if row else None
        if _one(db, "SELECT 1 FROM sessions WHERE id = ?", [previous.id]) is None:
            raise AccessDenied(DENIED)  # deleted meanwhile
        db.execute(
            "UPDATE sessions SET previous_session_id = ?, updated_at = ? WHERE id = ?", [previous.id, now(), s.id]
        )
        _log(db, s.id, "facilitator", "previous_linked", {"previous_session": previous.id})


def unlink_previous(store: Store, code: str, token: str) -> None:
    """Forget the link to an earlier session (facilitator only)."""
    with store._facilitator_write(code, token) as (db, s):
        db.execute("UPDATE sessions SET previous_session_id = NULL, updated_at = ? WHERE id = ?", [now(), s.id])
        _log(db, s.id, "facilitator", "previous_unlinked", {})


def _headline(session: Session, orders: dict) -> analysis.Headline | None:
    return analysis.headline(orders, session.catalogue.names) if len(orders) >= 2 else None


def changes_since_previous(store: Store, code: str, token: str) -> Changes | None:
    """What changed since the linked earlier session; None if there is none (or it was deleted).

    Parties are matched by name (ignoring case). Each side's orders come from its latest round with a
    ranking (for a participant, this session's latest round whose results they may see)."""
    actor = _actor(store, code, token)
    s = actor.session
    with dbmod.session(store.path) as db:
        row = _one(db, "SELECT previous_session_id FROM sessions WHERE id = ?", [s.id])
        if row is None or row["previous_session_id"] is None:
            return None
        prev_row = _one(db, "SELECT code FROM sessions WHERE id = ?", [row["previous_session_id"]])
        if prev_row is None:
            return None
        prev = store._load(db, prev_row["code"])
        prev_round, then, _ = _latest_orders(db, prev, facilitator=True)
        cur_round, now_, _ = _latest_orders(db, s, facilitator=actor.is_facilitator)
        steps = tuple(_steps(db, prev))
    same = set(prev.catalogue.ids) == set(s.catalogue.ids)
    names = {p.name.casefold(): p.name for p in s.parties}
    then_named = {names.get(party.casefold(), party): order for party, order in then.items()}
    moved = analysis.movement(then_named, now_) if same else {}
    by_status = {status: sum(1 for st in steps if st.status == status) for status in STATUSES}
    return Changes(
        previous_code=prev.code,
        previous_title=prev.title,
        previous_created_at=prev.created_at,
        moved=moved,
        previous_steps=steps,
        steps_by_status=by_status,
        previous_round=prev_round,
        round=cur_round,
        agreement_then=_headline(prev, then),
        agreement_now=_headline(s, now_),
        same_catalogue=same,
    )
