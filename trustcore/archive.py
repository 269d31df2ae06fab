"""Move one session between installations: ``export_session`` writes it as a JSON archive,
``import_session`` reads it back into another (or the same) database.

The archive is a UTF-8 JSON document::

    {"format": "trustcore-session", "version": 1,
     "schema": ["m001_core", ...],          # the migrations applied where it was made
     "exported_at": "2026-11-28T14:03:07Z",
     "session": {...the sessions row...},
     "tables": {"parties": [{...}, ...], ...},   # every row about the session, by table, by primary key
     "references": {"sessions": {"12": {"code": ..., "facilitator_hash": ...}}}}

It holds every row about the session in every table: the session row, the rows of each table with a
``session_id`` column, and the rows of tables that reach those rows only through a foreign key. All of
this is discovered from the live schema (columns, keys and foreign keys, as the backend reports them), so
tables and columns that later migrations add are archived without changing this module.

**The archive is a secret, like the facilitator link.** It holds the SHA-256 hashes of the facilitator,
participant and survey tokens, so that the old facilitator link, the participants' personal links and the
survey link keep working after an import (with the new code, if the code had to change). A hash does not
reveal its token, but whoever holds the archive can read every ranking, name and comment in it: keep it
where you keep the facilitator link, and delete it when it has served.

Importing gives every row a new integer primary key and rewrites every reference to it: foreign keys
(declared ones, ``session_id`` and ``<thing>_id`` columns named after a table), party ids inside
``next_steps.agreed_by``, participant ids in ``events.actor`` and the ids in event details. The link to
an earlier session (``sessions.previous_session_id``) is kept only when that session is in the target
database too, recognised by its code and facilitator token hash (``references``); otherwise it becomes
NULL. An archive from an older schema imports with the defaults of the newer columns; one from a newer
schema, or naming a table or column this installation does not have, is refused. Everything is checked
and written in one ``BEGIN IMMEDIATE`` transaction: a refused archive writes nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from . import db as dbmod
from . import events, tokens
from .catalogue import Catalogue, validate_order
from .clock import now
from .errors import CatalogueError, InvalidInput, NotFound
from .rights import Action
from .store import UNKNOWN_CODE, Store
from .view import View

FORMAT = "trustcore-session"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
SESSIONS = "sessions"
OWNER = "session_id"  # the column that says which session a row is about

# References stored inside values rather than as foreign keys: (table, column) -> what they hold.
# agreed_by is a JSON list of party ids; an event's actor may be "participant:<id>"; an event's detail is
# a JSON object whose listed keys hold ids.
JSON_ID_LISTS = {("next_steps", "agreed_by"): "parties"}
ACTOR_COLUMNS = {("events", "actor"): ("participant:", "participants")}
DETAIL_COLUMNS = {("events", "detail"): {"step": "next_steps", "previous_session": SESSIONS}}
# JSON columns holding an element order that must rank the session's catalogue exactly once.
ORDER_COLUMNS = {
    ("participants", "start_order"),
    ("rankings", "ordering"),
    ("rankings", "start_order"),
    ("baselines", "ordering"),
    ("sessions", "agreed_order"),
}
UNKNOWN_ACTOR = "?"  # "participant:?" when the participant is not in the archive


@dataclass(frozen=True)
class Imported:
    """What an import did: the session's code, whether it differs from the archived one, and how many
    personal links had to be reset because their token hash is already used in this database."""

    code: str
    original_code: str
    links_reset: int = 0
    title: str = ""

    @property
    def code_changed(self) -> bool:
        return self.code != self.original_code


# ------------------------------------------------------------------------------------------ the schema


@dataclass(frozen=True)
class _Table:
    name: str
    columns: dict[str, dict]  # name -> PRAGMA table_info row
    pk: tuple[str, ...]  # primary key columns, in key order
    rowid_pk: str | None  # the INTEGER PRIMARY KEY column, renumbered on import
    refs: dict[str, str]  # column -> the table whose integer primary key it holds
    unique: tuple[str, ...]  # columns with a single-column, non-partial UNIQUE index

    @property
    def order_by(self) -> str:
        return ", ".join(_q(c) for c in self.pk) if self.pk else "rowid"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plural(stem: str) -> list[str]:
    return [stem[:-1] + "ies"] if stem.endswith("y") else [stem + "s", stem + "es"]


def _schema(store: Store, db) -> dict[str, _Table]:
    """Every application table (not the engine's own, nor the migrations' record), read live."""
    raw = {}
    for name, (cols, fk_rows, unique_cols) in dbmod.schema(store.path, db).items():
        pk = tuple(c for c, info in sorted(cols.items(), key=lambda kv: kv[1]["pk"]) if info["pk"])
        rowid_pk = pk[0] if len(pk) == 1 and cols[pk[0]]["type"] == "INTEGER" else None
        fks: dict[int, list] = {}
        for fk_id, seq, target, src, dst in fk_rows:
            fks.setdefault(fk_id, []).append((seq, target, src, dst))
        raw[name] = (cols, pk, rowid_pk, fks, tuple(unique_cols))
    tables = {}
    for name, (cols, pk, rowid_pk, fks, unique) in raw.items():
        refs = {}
        for parts in fks.values():
            if len(parts) != 1:
                continue  # a composite key: its parts are remapped one by one below, then checked by SQLite
            _, target, src, dst = parts[0]
            target_pk = raw.get(target, (None, None, None))[2]
            if target_pk and (dst is None or dst == target_pk):
                refs[src] = target
        for col in cols:
            if col in refs or col == rowid_pk:
                continue
            if col == OWNER and SESSIONS in raw:
                refs[col] = SESSIONS
            elif col.endswith("_id"):  # party_id, owner_party_id, previous_session_id ...
                stem = col[:-3].rsplit("_", 1)[-1]
                target = next((t for t in _plural(stem) if t in raw and raw[t][2]), None)
                if target:
                    refs[col] = target
        tables[name] = _Table(name, cols, pk, rowid_pk, refs, unique)
    if SESSIONS not in tables or tables[SESSIONS].rowid_pk != "id":
        raise RuntimeError("this database has no sessions table with an integer id; run the migrations first")
    return tables


def _scoped(schema: dict[str, _Table]) -> list[str]:
    """The tables holding rows about a session: sessions, the tables with a session_id column, and the
    tables that reference rows of those through a foreign key. Sessions first, then parents before the
    tables that reference them (where references do not go round in a circle), then by name."""
    scoped = {SESSIONS}
    changed = True
    while changed:
        changed = False
        for name, table in schema.items():
            if name not in scoped and (OWNER in table.columns or set(table.refs.values()) & scoped):
                scoped.add(name)
                changed = True
    return [SESSIONS, *parents_first(schema, sorted(scoped - {SESSIONS}))]


def parents_first(schema: dict[str, _Table], names: list[str]) -> list[str]:
    """``names`` with every table after the tables it references (where references do not go round in a
    circle), otherwise in the order given: the order to insert them in (a session's archive, a workspace's)."""
    ordered, rest = [], list(names)
    while rest:
        ready = [n for n in rest if not {t for t in schema[n].refs.values() if t != n} & set(rest)]
        ordered.append((ready or rest)[0])
        rest.remove(ordered[-1])
    return ordered


def _applied(store: Store, db) -> list[str]:
    return dbmod.applied_migrations(store.path, db)


# ------------------------------------------------------------------------------------------ export


def export_session(view: View) -> bytes:
    """The session as a JSON archive (UTF-8 bytes). Facilitator only (AccessDenied otherwise).

    The archive holds the token hashes (see the module docstring): treat it as a secret, like the
    facilitator link."""
    store, code, facilitator_token = view.store, view.session.code, view.token
    session = store.require(code, facilitator_token, Action.ARCHIVE).session
    with dbmod.snapshot(store.path) as db:  # one consistent snapshot of every table
        doc = _collect(store, db, session.id)
    return (json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _rows(db, sql: str, args) -> list[dict]:
    cur = db.execute(sql, args)
    names = [d[0] for d in cur.description]
    out = []
    for values in cur.fetchall():
        row = dict(zip(names, values))
        for k, v in row.items():
            if isinstance(v, bytes):
                raise InvalidInput(f"A column ({k}) holds binary data, which a session archive cannot hold.")
        out.append(row)
    return out


def _collect(store: Store, db, sid: int) -> dict:
    schema = _schema(store, db)
    order = _scoped(schema)
    found = _rows(db, "SELECT * FROM sessions WHERE id = ?", [sid])
    if not found:
        raise NotFound(UNKNOWN_CODE)  # deleted in between
    session = found[0]
    ids: dict[str, set] = {SESSIONS: {sid}}
    tables: dict[str, list[dict]] = {}
    # tables reachable only through foreign keys may need several passes (references among themselves)
    for _ in range(len(order) + 1):
        grew = False
        for name in order[1:]:
            table = schema[name]
            if OWNER in table.columns:
                where, args = f"{_q(OWNER)} = ?", [sid]
            else:
                clauses, args = [], []
                for col, target in sorted(table.refs.items()):
                    wanted = sorted(ids.get(target, ()))
                    if wanted and target in order:
                        clauses.append(f"{_q(col)} IN ({', '.join('?' * len(wanted))})")
                        args += wanted
                if not clauses:
                    tables.setdefault(name, [])
                    continue
                where = " OR ".join(clauses)
            rows = _rows(db, f"SELECT * FROM {_q(name)} WHERE {where} ORDER BY {table.order_by}", args)
            if len(rows) != len(tables.get(name, ())):
                grew = True
            tables[name] = rows
            if table.rowid_pk:
                ids[name] = {r[table.rowid_pk] for r in rows}
        if not grew:
            break
    # sessions referenced from this one (the previous session): their code and facilitator hash, so an
    # import can find them again if they are there
    external = set()
    for col, target in schema[SESSIONS].refs.items():
        if target == SESSIONS and col != "id" and session.get(col) not in (None, sid):
            external.add(session[col])
    for (tname, col), keys in DETAIL_COLUMNS.items():
        for row in tables.get(tname, ()):
            detail = _json_or_none(row.get(col))
            if isinstance(detail, dict):
                external |= {v for k, v in detail.items() if keys.get(k) == SESSIONS and _is_int(v) and v != sid}
    references = {}
    for other in sorted(external):
        found = _rows(db, "SELECT code, facilitator_hash FROM sessions WHERE id = ?", [other])
        if found:
            references[str(other)] = found[0]
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": _applied(store, db),
        "exported_at": now(),
        "session": session,
        "tables": tables,
        "references": {SESSIONS: references},
    }


def _json_or_none(text):
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# ------------------------------------------------------------------------------------------ import


def import_session(store: Store, data: bytes, *, new_code: bool = False) -> str:
    """Import a session archive; returns the session's share code.

    The archived code is kept unless this database already has it or ``new_code`` is true; then the
    session gets a fresh code. InvalidInput (saying what is wrong) for a malformed archive, one from a
    newer version of trustcore, or one whose rows do not fit together; nothing is written then."""
    return import_archive(store, data, new_code=new_code).code


def import_archive(store: Store, data: bytes, *, new_code: bool = False) -> Imported:
    """``import_session``, telling also whether the code changed and how many links were reset."""
    doc = _parse(data)
    try:
        with dbmod.write(store.path) as db:
            dbmod.defer_references(store.path, db)  # rows may reference rows inserted after them
            result = _insert(store, db, doc, new_code=new_code)
            broken = dbmod.broken_reference(store.path, db)
            if broken:
                table, parent = broken
                raise InvalidInput(
                    f"The archive does not fit together: a row of {table} refers to a row of "
                    f"{parent} that does not exist."
                )
            return result
    except dbmod.integrity_errors(store.path) as exc:
        raise InvalidInput(f"The archive's rows break a rule of this database ({exc}); nothing was imported.") from None


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {k!r} appears twice in one object")
        out[k] = v
    return out


def parse_envelope(
    data,
    *,
    kind: str,
    format_name: str,
    version: int,
    max_bytes: int,
    parts: frozenset[str],
    subject: str,
    hints: dict[str, str] | None = None,
) -> dict:
    """A JSON archive's document with what every archive shares checked (a session's here, a workspace's in
    ``workspace_archive``): bytes of at most ``max_bytes``, UTF-8 JSON without duplicate keys or NaN, its
    ``format_name`` and ``version``, no part outside ``parts``, the schema's migrations, the ``subject`` object
    and the tables' rows. ``kind`` names the archive in messages ("session archive"); ``hints``: another
    format's name -> what to say to someone who gave that one. InvalidInput, saying what is wrong, before any
    work."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidInput(f"A {kind} must be given as bytes.")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"This file is too large for a {kind} ({len(data) / 2**20:.1f} MB; at most {max_bytes // 2**20} MB)."
        )
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"This is not a {kind}: the file is not UTF-8 text.") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"This is not a {kind}: the file is not valid JSON ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != format_name:
        hint = (hints or {}).get(str(doc.get("format"))) if isinstance(doc, dict) else None
        raise InvalidInput(f'This is not a {kind} (its "format" is not {format_name!r}){f" ({hint})" if hint else ""}.')
    found = doc.get("version")
    if not isinstance(found, int) or isinstance(found, bool):
        raise InvalidInput("The archive has no valid format version.")
    if found > version:
        raise InvalidInput(
            f"This archive has format version {found}, made by a newer version of trustcore "
            f"(this one reads version {version}): upgrade this installation, then import again."
        )
    if found != version:
        raise InvalidInput(f"This archive has format version {found}, which this installation cannot read.")
    unknown = sorted(set(doc) - parts)
    if unknown:
        raise InvalidInput(f"The archive has unknown part(s): {', '.join(unknown)}.")
    schema = doc.get("schema")
    if not isinstance(schema, list) or not all(isinstance(m, str) for m in schema):
        raise InvalidInput('The archive\'s "schema" must list the migrations applied where it was made.')
    if not isinstance(doc.get(subject), dict):
        raise InvalidInput(f"The archive has no {subject}.")
    tables = doc.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(rows, list) and all(isinstance(r, dict) for r in rows) for rows in tables.values()
    ):
        raise InvalidInput('The archive\'s "tables" must map table names to lists of rows.')
    return doc


PARTS = frozenset({"format", "version", "schema", "exported_at", "session", "tables", "references"})


def _parse(data) -> dict:
    doc = parse_envelope(
        data,
        kind="session archive",
        format_name=FORMAT,
        version=VERSION,
        max_bytes=MAX_BYTES,
        parts=PARTS,
        subject="session",
        hints={"trustcore-workspace": "it is a workspace's archive: import it with 'workspace-import'"},
    )
    refs = doc.get("references", {})
    if not isinstance(refs, dict) or set(refs) - {SESSIONS} or not isinstance(refs.get(SESSIONS, {}), dict):
        raise InvalidInput('The archive\'s "references" are malformed.')
    for key, value in refs.get(SESSIONS, {}).items():
        if not (
            key.isascii()
            and key.isdigit()
            and isinstance(value, dict)
            and set(value) == {"code", "facilitator_hash"}
            and all(isinstance(v, str) for v in value.values())
        ):
            raise InvalidInput('The archive\'s "references" are malformed.')
    return doc


def _check_value(table: str, col: str, info: dict, value, where: str) -> None:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise InvalidInput(f"The archive's {where}: {col} must be a number, a text or null.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"The archive's {where}: {col} must be a finite number.")
    affinity = info["type"]
    if value is None:
        return
    if "INT" in affinity and not _is_int(value):
        raise InvalidInput(f"The archive's {where}: {col} must be a whole number, not {value!r:.40}.")
    if _is_int(value) and not -(2**63) <= value < 2**63:
        raise InvalidInput(f"The archive's {where}: {col} is too large a number.")
    if any(t in affinity for t in ("CHAR", "CLOB", "TEXT")) and not isinstance(value, str):
        raise InvalidInput(f"The archive's {where}: {col} must be a text, not {value!r:.40}.")


def _insert(store: Store, db, doc: dict, *, new_code: bool) -> Imported:
    applied = _applied(store, db)
    newer = [m for m in doc["schema"] if m not in applied]
    if newer:
        raise InvalidInput(
            "This archive was made by a newer version of trustcore: its database has the migration(s) "
            f"{', '.join(newer)}, which this installation does not. Upgrade this installation, then import again."
        )
    schema = _schema(store, db)
    order = _scoped(schema)
    archive_tables = doc["tables"]
    unknown = sorted(set(archive_tables) - set(order[1:]))
    if SESSIONS in unknown:
        raise InvalidInput('The archive lists a sessions table; the session belongs under "session".')
    if unknown:
        raise InvalidInput(
            f"The archive has table(s) this installation does not know: {', '.join(unknown)}. "
            "It was probably made by a newer version of trustcore."
        )
    rows_by_table = {SESSIONS: [doc["session"]], **{t: archive_tables.get(t, []) for t in order[1:]}}

    # 1. columns and value types; old primary keys
    for name, rows in rows_by_table.items():
        table = schema[name]
        for i, row in enumerate(rows, start=1):
            where = "session" if name == SESSIONS else f"{name} row {i}"
            extra = sorted(set(row) - set(table.columns))
            if extra:
                raise InvalidInput(
                    f"The archive's {where} has column(s) this installation does not know: "
                    f"{', '.join(extra)}. It was probably made by a newer version of trustcore."
                )
            for col, value in row.items():
                _check_value(name, col, table.columns[col], value, where)
            missing = [c for c in table.pk if c not in row]
            if missing:
                raise InvalidInput(f"The archive's {where} lacks its key column(s): {', '.join(missing)}.")

    # 2. new ids for every integer primary key
    idmap: dict[str, dict[int, int]] = {}
    for name in order:
        table = schema[name]
        if not table.rowid_pk:
            continue
        start = dbmod.first_free_id(store.path, db, name, table.rowid_pk)  # never an id a deleted row had
        old = [row[table.rowid_pk] for row in rows_by_table[name]]
        if None in old:
            raise InvalidInput(f"The archive's {name} has a row without an id.")
        if len(set(old)) != len(old):
            raise InvalidInput(f"The archive's {name} has two rows with the same id.")
        idmap[name] = {o: start + k for k, o in enumerate(old)}
    old_sid = doc["session"]["id"]
    new_sid = idmap[SESSIONS][old_sid]

    # sessions referenced from the archive but not in it: found here by code and facilitator hash, or NULL
    external: dict[int, int | None] = {}
    for key, ref in doc.get("references", {}).get(SESSIONS, {}).items():
        found = db.execute(
            "SELECT id FROM sessions WHERE code = ? AND facilitator_hash = ?", [ref["code"], ref["facilitator_hash"]]
        ).fetchone()
        external[int(key)] = found[0] if found else None

    def remap(name: str, col: str, value, where: str):
        target = schema[name].refs[col]
        if value is None or target not in idmap:
            return value  # a reference outside the session's tables: SQLite's foreign key check decides
        if value in idmap[target]:
            return idmap[target][value]
        if target == SESSIONS and name == SESSIONS:
            return external.get(value)  # e.g. the previous session: kept only if it is here too
        what = "this session" if target == SESSIONS else f"a row of {target}"
        raise InvalidInput(
            f"The archive's {where} does not fit together: its {col} ({value}) refers to "
            f"{what} that is not in the archive."
        )

    # 3. rewrite every row
    links_reset = 0
    out: dict[str, list[dict]] = {}
    for name, rows in rows_by_table.items():
        table = schema[name]
        new_rows = []
        for i, row in enumerate(rows, start=1):
            where = "session" if name == SESSIONS else f"{name} row {i}"
            row = dict(row)
            if OWNER in table.columns and row.get(OWNER) != old_sid:
                raise InvalidInput(
                    f"The archive's {where} does not fit together: it belongs to another session than the archived one."
                )
            for col in list(row):
                if col == table.rowid_pk:
                    row[col] = idmap[name][row[col]]
                elif col in table.refs:
                    row[col] = remap(name, col, row[col], where)
                if (name, col) in JSON_ID_LISTS:
                    row[col] = _remap_id_list(row[col], idmap.get(JSON_ID_LISTS[name, col], {}), col, where)
                elif (name, col) in ACTOR_COLUMNS:
                    row[col] = _remap_actor(row[col], *ACTOR_COLUMNS[name, col], idmap)
                elif (name, col) in DETAIL_COLUMNS:
                    row[col] = _remap_detail(row[col], DETAIL_COLUMNS[name, col], idmap, external, where)
            new_rows.append(row)
        out[name] = new_rows

    # 4. the share code, and values that must be unique across the whole database
    session_row = out[SESSIONS][0]
    original_code = session_row.get("code")
    if not isinstance(original_code, str) or tokens.normalise_code(original_code) != original_code:
        raise InvalidInput("The archive's session has no valid share code.")
    code = original_code
    if new_code or db.execute("SELECT 1 FROM sessions WHERE code = ?", [code]).fetchone():
        while True:
            code = tokens.new_code()
            if code != original_code and not db.execute("SELECT 1 FROM sessions WHERE code = ?", [code]).fetchone():
                break
    session_row["code"] = code
    for name, rows in out.items():
        table = schema[name]
        for col in table.unique:
            if col == table.rowid_pk or col in table.refs or (name, col) == (SESSIONS, "code"):
                continue
            for row in rows:
                if row.get(col) is None:
                    continue
                if db.execute(f"SELECT 1 FROM {_q(name)} WHERE {_q(col)} = ?", [row[col]]).fetchone():
                    if not col.endswith("_hash"):
                        raise InvalidInput(f"The archive's {name} has a {col} that is already used in this database.")
                    # the same token's hash is here already (the session was imported before, or comes
                    # from here): the copy gets a fresh token that nobody holds, so this link is reset
                    row[col] = tokens.hash_token(tokens.new_token())
                    links_reset += 1

    # 5. insert, parents first
    for name in order:
        for row in out[name]:
            cols = list(row)
            db.execute(
                f"INSERT INTO {_q(name)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )

    # 6. what the app will read must make sense
    _check_contents(store, db, schema, new_sid, code)
    dbmod.after_import(store.path, db, [name for name in order if schema[name].rowid_pk])
    events.log(
        db,
        new_sid,
        "admin",
        "session_imported",
        {
            "from_code": original_code,
            "exported_at": doc.get("exported_at") if isinstance(doc.get("exported_at"), str) else None,
            "code_changed": code != original_code,
            "links_reset": links_reset,
        },
    )
    return Imported(code, original_code, links_reset, str(session_row.get("title") or ""))


def _remap_id_list(value, ids: dict, col: str, where: str):
    parsed = _json_or_none(value)
    if value is None:
        return None
    if not isinstance(parsed, list) or not all(_is_int(v) for v in parsed):
        raise InvalidInput(f"The archive's {where}: {col} must be a JSON list of ids.")
    missing = [v for v in parsed if v not in ids]
    if missing:
        raise InvalidInput(
            f"The archive's {where} does not fit together: its {col} refers to id(s) "
            f"{', '.join(map(str, missing))} that are not in the archive."
        )
    return json.dumps([ids[v] for v in parsed])


def _remap_actor(value, prefix: str, target: str, idmap: dict):
    if not isinstance(value, str) or not value.startswith(prefix):
        return value
    rest = value[len(prefix) :]
    if rest.isascii() and rest.isdigit() and int(rest) in idmap.get(target, {}):
        return f"{prefix}{idmap[target][int(rest)]}"
    return prefix + UNKNOWN_ACTOR


def _remap_detail(value, keys: dict, idmap: dict, external: dict, where: str):
    if value is None:
        return None
    parsed = _json_or_none(value)
    if not isinstance(parsed, dict):
        raise InvalidInput(f"The archive's {where}: its detail must be a JSON object.")
    for key, target in keys.items():
        v = parsed.get(key)
        if _is_int(v):
            # ids of rows that are gone (a deleted next step) or elsewhere have no meaning here: null
            parsed[key] = idmap.get(target, {}).get(v, external.get(v) if target == SESSIONS else None)
    return json.dumps(parsed, ensure_ascii=False)


def _check_contents(store: Store, db, schema: dict[str, _Table], sid: int, code: str) -> None:
    """Load the imported session as the app will and check its JSON columns; InvalidInput if not."""
    try:
        session = store.load_session(db, code)
    except CatalogueError as exc:
        raise InvalidInput(f"The archive's element catalogue is not valid: {exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidInput(f"The archive's session cannot be read ({type(exc).__name__}: {exc}).") from None
    if not isinstance(session.catalogue, Catalogue) or not session.rounds:
        raise InvalidInput("The archive's session has no rounds.")
    if session.current_round not in [r.number for r in session.rounds]:
        raise InvalidInput("The archive's session is in a round that does not exist.")
    for table, col in sorted(ORDER_COLUMNS):
        if table not in schema or col not in schema[table].columns:
            continue
        key = "id" if table == SESSIONS else OWNER
        for (value,) in db.execute(f"SELECT {_q(col)} FROM {_q(table)} WHERE {_q(key)} = ?", [sid]).fetchall():
            if value is None and not schema[table].columns[col]["notnull"]:
                continue
            order = _json_or_none(value)
            try:
                validate_order(order if isinstance(order, list) else "", session.catalogue)
            except InvalidInput as exc:
                raise InvalidInput(f"The archive's {table}.{col} holds an invalid order: {exc}") from None
    # a ranking's reasons (m008) are a JSON object too: a damaged one would break every read of the rankings
    for table, col in [("parties", "members"), ("rankings", "reasons"), *[(t, c) for t, c in DETAIL_COLUMNS]]:
        if table in schema and col in schema[table].columns:
            kind = list if col == "members" else dict
            for (value,) in db.execute(f"SELECT {_q(col)} FROM {_q(table)} WHERE {OWNER} = ?", [sid]).fetchall():
                if not isinstance(_json_or_none(value), kind):
                    raise InvalidInput(
                        f"The archive's {table}.{col} holds a value that is not valid JSON of the expected kind."
                    )
