"""Move one organisation workspace between installations: ``export_workspace`` writes it as a JSON archive,
``import_workspace`` reads it back as a new workspace with a new link.

The archive is a UTF-8 JSON document::

    {"format": "trustcore-workspace", "version": 1,
     "schema": ["m001_core", ...],            # the migrations applied where it was made
     "exported_at": "2026-12-07T09:03:07Z",
     "notes": "...",                          # what the archive holds and what it leaves out, in words
     "workspace": {"name": ..., "created_at": ...},
     "tables": {"workspace_rankings": [{...}, ...], ...},
     "linked_sessions": ["CityBus and the council", ...]}

It holds every row about the workspace in every table of ``workspace.TABLES`` (its own row under
"workspace"), found from the live schema as the session archive does (``archive._schema``: columns, keys,
references), so a table a later migration adds to ``TABLES`` is carried without changing this module. A row
keyed by ``workspace_id`` is carried without that column (the import gives the new workspace's), and a row
of a table that reaches the workspace's rows only through a reference is carried too.

**No link is in the file**: neither the workspace's token nor its hash (nor any column ending in ``_hash``),
and not the signed-in owner's address. An import makes a new workspace with a new link, shown once.

The sessions linked to the workspace are not carried (``workspace_sessions``): they are sessions, each with
its own archive and its own facilitator. The archive lists their titles only; after an import, each
session's facilitator links it again from its console.

An import is refused, with a message, before anything is written: a file over ``MAX_BYTES``, one that is not
this format, one from a newer version, or rows that do not fit this installation's tables. Everything is
written in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import archive, signin, tokens
from . import db as dbmod
from . import workspace as ws
from .archive import _check_value, _q, _rows, _schema, _Table
from .clock import now
from .errors import InvalidInput
from .rights import Action
from .text import clean_line

if TYPE_CHECKING:
    from .store import Store

FORMAT = "trustcore-workspace"
VERSION = 1
MAX_BYTES = 16 * 1024 * 1024  # a workspace holds rankings, a worksheet and a map: a few hundred KB at most
HOME = "workspaces"  # the workspace's own row
OWNER = "workspace_id"  # the column that says which workspace a row is about
LINKS = "workspace_sessions"  # the sessions linked to it: not carried (titles only)
NOT_CARRIED = ("token_hash", "owner_email")  # of the workspace's row: its link, and who signed in to own it
NOTES = (
    "An organisation workspace of trustcore: its name, and every row about it in the workspace's tables. "
    "It holds no link: an import makes a new workspace with a new link. The sessions linked to the workspace "
    "are not in it (they are sessions, each with its own archive): linked_sessions lists their titles only; "
    "after an import, link each again from its console."
)
PARTS = {"format", "version", "schema", "exported_at", "notes", "workspace", "tables", "linked_sessions"}
ORDER_COLUMNS = {("workspace_rankings", "ordering")}  # a JSON list of element ids, each once


@dataclass(frozen=True)
class ImportedWorkspace:
    workspace: ws.Workspace
    token: str  # the new link's token, shown once
    linked_sessions: tuple[str, ...]  # the titles of the sessions that were linked where it was made


def _secret(column: str) -> bool:
    return column.endswith("_hash")


def carried(schema: dict[str, _Table]) -> list[str]:
    """The tables of ``workspace.TABLES`` whose rows an archive carries (not the workspace's own row, nor the
    linked sessions), parents before the tables that reference them, then in the order of TABLES."""
    return archive.parents_first(schema, [t for t in ws.TABLES if t in schema and t not in (HOME, LINKS)])


def owned_tables(store: Store, db) -> list[str]:
    """Every table of ``workspace.TABLES`` keyed by ``workspace_id``, children first (the order to delete
    them in), ending with the workspace's own table (keyed by ``id``). A table that reaches the workspace only
    through another table's rows goes with them (its reference's ``ON DELETE CASCADE``)."""
    schema = _schema(store, db)
    about = [t for t in ws.TABLES if t in schema and t != HOME and OWNER in schema[t].columns]
    ordered = [t for t in reversed(carried(schema)) if t in about] + [t for t in about if t == LINKS]
    return ordered + [HOME]


# ------------------------------------------------------------------------------------------ export


def export_workspace(wview: ws.WorkspaceView) -> bytes:
    """The workspace as a JSON archive (UTF-8 bytes): the workspace link's right ``ARCHIVE_WORKSPACE``."""
    wview.require(Action.ARCHIVE_WORKSPACE)
    store = wview.store
    with dbmod.snapshot(store.path) as db:  # one consistent snapshot of every table
        workspace = store.identify_workspace(db, wview.workspace.id, wview.token)  # a replaced link reads nothing
        doc = _collect(store, db, workspace.id)
    return (json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _collect(store: Store, db, wid: int) -> dict:
    schema = _schema(store, db)
    home = _rows(db, f"SELECT * FROM {_q(HOME)} WHERE id = ?", [wid])[0]
    ids: dict[str, set] = {HOME: {wid}}
    tables: dict[str, list[dict]] = {}
    for name in carried(schema):
        table = schema[name]
        if OWNER in table.columns:
            where, args = f"{_q(OWNER)} = ?", [wid]
        else:  # reached through a reference to rows already carried
            clauses, args = [], []
            for col, target in sorted(table.refs.items()):
                wanted = sorted(ids.get(target, ()))
                if wanted and target != HOME:
                    clauses.append(f"{_q(col)} IN ({', '.join('?' * len(wanted))})")
                    args += wanted
            if not clauses:
                tables[name] = []
                continue
            where = " OR ".join(clauses)
        rows = _rows(db, f"SELECT * FROM {_q(name)} WHERE {where} ORDER BY {table.order_by}", args)
        if table.rowid_pk:
            ids[name] = {r[table.rowid_pk] for r in rows}
        tables[name] = [{k: v for k, v in r.items() if k != OWNER and not _secret(k)} for r in rows]
    titles = [
        r["title"]
        for r in db.query(
            f"""SELECT s.title FROM {_q(LINKS)} l JOIN sessions s ON s.code = l.session_code
                WHERE l.workspace_id = ? ORDER BY l.linked_at, l.session_code""",
            [wid],
        )
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": dbmod.applied_migrations(store.path, db),
        "exported_at": now(),
        "notes": NOTES,
        "workspace": {k: v for k, v in home.items() if k != "id" and k not in NOT_CARRIED and not _secret(k)},
        "tables": tables,
        "linked_sessions": titles,
    }


# ------------------------------------------------------------------------------------------ import


def _parse(data) -> dict:
    """The archive's document, its shape checked; InvalidInput, saying what is wrong, before any work."""
    doc = archive.parse_envelope(
        data,
        kind="workspace archive",
        format_name=FORMAT,
        version=VERSION,
        max_bytes=MAX_BYTES,
        parts=frozenset(PARTS),
        subject="workspace",
        hints={"trustcore-session": "it is a session's archive: import it with 'import'"},
    )
    titles = doc.get("linked_sessions", [])
    if not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
        raise InvalidInput('The archive\'s "linked_sessions" must list titles.')
    return doc


def import_workspace(store: Store, data: bytes, *, owner_email: str | None = None) -> ImportedWorkspace:
    """A new workspace from an archive (``export_workspace``), with a new link (its token returned, shown
    once); ``owner_email``: a signed-in owner to give it to, if any. InvalidInput (nothing written) for a file
    that is too large, malformed, from a newer version, or whose rows do not fit this installation."""
    doc = _parse(data)
    try:
        with dbmod.write(store.path) as db:
            dbmod.defer_references(store.path, db)
            imported = _insert(store, db, doc, owner_email)
            broken = dbmod.broken_reference(store.path, db)
            if broken:
                raise InvalidInput(
                    f"The archive does not fit together: a row of {broken[0]} refers to a row of "
                    f"{broken[1]} that does not exist."
                )
            return imported
    except dbmod.integrity_errors(store.path) as exc:
        raise InvalidInput(f"The archive's rows break a rule of this database ({exc}); nothing was imported.") from None


def _check_row(table: _Table, row: dict, where: str, *, home: bool = False) -> None:
    given = set(row)
    secret = sorted(c for c in given if _secret(c) or (home and c in NOT_CARRIED))
    if secret:
        raise InvalidInput(
            f"The archive's {where} holds {', '.join(secret)}, which a workspace archive never carries "
            "(an import makes a new link)."
        )
    implied = {OWNER, "id"} if home else {OWNER}  # the import gives these
    extra = sorted((given - set(table.columns)) | (given & implied))
    if extra:
        raise InvalidInput(
            f"The archive's {where} has column(s) this installation does not take: {', '.join(extra)}. "
            "It was probably made by a newer version of trustcore."
        )
    for col, value in row.items():
        _check_value(table.name, col, table.columns[col], value, where)


def _order(value, where: str, col: str) -> None:
    try:
        order = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        order = None
    if not (isinstance(order, list) and order and all(isinstance(e, str) and e for e in order)) or len(
        set(order)
    ) != len(order):
        raise InvalidInput(f"The archive's {where}: {col} must be a JSON list of element ids, each once.")


def _insert(store: Store, db, doc: dict, owner_email: str | None) -> ImportedWorkspace:
    applied = dbmod.applied_migrations(store.path, db)
    newer = [m for m in doc["schema"] if m not in applied]
    if newer:
        raise InvalidInput(
            "This archive was made by a newer version of trustcore: its database has the migration(s) "
            f"{', '.join(newer)}, which this installation does not. Upgrade this installation, then import again."
        )
    schema = _schema(store, db)
    order = carried(schema)
    unknown = sorted(set(doc["tables"]) - set(order))
    if unknown:
        raise InvalidInput(
            f"The archive has table(s) this installation does not carry in a workspace: {', '.join(unknown)}. "
            "It was probably made by a newer version of trustcore."
        )
    home = dict(doc["workspace"])
    _check_row(schema[HOME], home, "workspace", home=True)
    name = clean_line(home.get("name"), field="The archive's workspace name", max_len=ws.NAME_MAX)
    created_at = str(home["created_at"]) if isinstance(home.get("created_at"), str) else now()
    rows_by_table = {t: [dict(r) for r in doc["tables"].get(t, [])] for t in order}
    for t, rows in rows_by_table.items():
        for i, row in enumerate(rows, start=1):
            _check_row(schema[t], row, f"{t} row {i}")
            for col in row:
                if (t, col) in ORDER_COLUMNS:
                    _order(row[col], f"{t} row {i}", col)

    # the new workspace, with a new link
    token = tokens.new_token()
    owner_email = signin.email_of(owner_email) if owner_email is not None else None
    home.update(name=name, created_at=created_at, token_hash=tokens.hash_token(token), owner_email=owner_email)
    wid = dbmod.first_free_id(store.path, db, HOME, "id")
    _put(db, HOME, {"id": wid, **home})

    # new ids for every integer primary key, and every reference to them rewritten
    idmap: dict[str, dict[int, int]] = {}
    for t in order:
        pk = schema[t].rowid_pk
        if not pk:
            continue
        old = [row[pk] for row in rows_by_table[t] if row.get(pk) is not None]
        if len(old) != len(rows_by_table[t]) or len(set(old)) != len(old):
            raise InvalidInput(f"The archive's {t} has a row without an id, or two rows with the same id.")
        start = dbmod.first_free_id(store.path, db, t, pk)
        idmap[t] = {o: start + k for k, o in enumerate(old)}
    for t in order:
        table = schema[t]
        for i, row in enumerate(rows_by_table[t], start=1):
            for col in list(row):
                if col == table.rowid_pk:
                    row[col] = idmap[t][row[col]]
                elif col in table.refs and row[col] is not None:
                    target = table.refs[col]
                    if target == HOME:
                        row[col] = wid
                    elif target in idmap and row[col] in idmap[target]:
                        row[col] = idmap[target][row[col]]
                    else:
                        raise InvalidInput(
                            f"The archive's {t} row {i} does not fit together: its {col} ({row[col]}) refers to "
                            f"a row of {target} that is not in the archive."
                        )
            if OWNER in table.columns:
                row[OWNER] = wid
            for col, info in table.columns.items():  # a link of the row's own: a new one nobody holds
                if _secret(col) and info["notnull"]:
                    row[col] = tokens.hash_token(tokens.new_token())
            _put(db, t, row)
    dbmod.after_import(store.path, db, [HOME, *idmap])
    return ImportedWorkspace(
        ws.Workspace(wid, name, created_at, owner_email), token, tuple(doc.get("linked_sessions", []))
    )


def _put(db, table: str, row: dict) -> None:
    cols = list(row)
    db.execute(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )
