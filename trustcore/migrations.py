"""Versioned schema migrations (sqlite-utils ``Migrations``). Never edit an applied migration: add one."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Migrations

migrations = Migrations("trustcore")


def ordered() -> list[tuple[str, Callable[..., None]]]:
    """(name, function) of every migration, in the order they apply: SQLite applies them through
    sqlite-utils' ``Migrations``, PostgreSQL through ``trustcore.backends.postgres`` (same functions)."""
    return [(m.name, m.fn) for m in migrations._migrations]


def _dialect(db) -> str:
    return getattr(db, "dialect", "sqlite")


def _run(db, *statements: str) -> None:
    for sql in statements:
        db.execute(sql)


@migrations()
def m001_core(db):
    """Sessions, parties, participants, rounds, rankings (with history), next steps, feedback, events."""
    _run(
        db,
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            our_org TEXT NOT NULL DEFAULT '',
            partner_org TEXT NOT NULL DEFAULT '',
            flows TEXT NOT NULL DEFAULT '',
            blind INTEGER NOT NULL DEFAULT 1,
            current_round INTEGER NOT NULL DEFAULT 1,
            catalogue TEXT NOT NULL,
            facilitator_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE parties (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            members TEXT NOT NULL DEFAULT '[]',
            UNIQUE (session_id, position)
        )""",
        """CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            start_order TEXT NOT NULL,
            joined_at TEXT NOT NULL
        )""",
        "CREATE INDEX participants_session ON participants(session_id)",
        """CREATE TABLE rounds (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            opened_at TEXT NOT NULL,
            locked_at TEXT,
            revealed_at TEXT,
            PRIMARY KEY (session_id, number)
        )""",
        """CREATE TABLE rankings (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            round INTEGER NOT NULL,
            ordering TEXT NOT NULL,
            start_order TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            current INTEGER NOT NULL DEFAULT 1
        )""",
        "CREATE UNIQUE INDEX rankings_current ON rankings(participant_id, round) WHERE current = 1",
        "CREATE INDEX rankings_session ON rankings(session_id, round)",
        """CREATE TABLE next_steps (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            element_id TEXT NOT NULL,
            action TEXT NOT NULL,
            owner_party_id INTEGER REFERENCES parties(id) ON DELETE SET NULL,
            owner_person TEXT NOT NULL DEFAULT '',
            due TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'agreed', 'in progress', 'done')),
            agreed_by TEXT NOT NULL DEFAULT '[]',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX next_steps_session ON next_steps(session_id)",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            respondent TEXT NOT NULL DEFAULT '',
            element_id TEXT,
            trust INTEGER CHECK (trust BETWEEN 1 AND 5),
            expectations TEXT CHECK (expectations IN ('yes', 'partly', 'no')),
            evidence TEXT CHECK (evidence IN ('yes', 'no', 'unsure')),
            comment TEXT NOT NULL DEFAULT '',
            submitted_at TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_session ON feedback(session_id)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX events_session ON events(session_id)",
    )


@migrations()
def m002_followup(db):
    """After the reveal: the worksheet's Columns B and C, organisation-wide (Activity 1) rankings, the
    reflection answers; on sessions the survey token's hash, the fixed Column A order and the link to
    the previous session of the same relationship."""
    _run(
        db,
        """CREATE TABLE worksheet (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            element_id TEXT NOT NULL,
            party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
            col TEXT NOT NULL CHECK (col IN ('B', 'C')),
            text TEXT NOT NULL DEFAULT '',
            internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, element_id, party_id, col)
        )""",
        "CREATE INDEX worksheet_party ON worksheet(party_id)",
        """CREATE TABLE baselines (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
            ordering TEXT NOT NULL,
            entered_at TEXT NOT NULL,
            PRIMARY KEY (session_id, party_id)
        )""",
        "CREATE INDEX baselines_party ON baselines(party_id)",
        """CREATE TABLE reflections (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            answer TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, key)
        )""",
        # deleting a party sets next_steps.owner_party_id to NULL: without an index that scans the table
        "CREATE INDEX next_steps_owner ON next_steps(owner_party_id)",
        "ALTER TABLE sessions ADD COLUMN survey_hash TEXT",
        "ALTER TABLE sessions ADD COLUMN agreed_order TEXT",
        "ALTER TABLE sessions ADD COLUMN previous_session_id INTEGER",
    )


# tables whose integer id other rows, links or the event log refer to
_ID_TABLES = ("sessions", "parties", "participants", "rankings", "next_steps", "feedback", "events")
# tables made later with an integer id, created with AUTOINCREMENT from the start (m003 never rebuilds them)
LATER_ID_TABLES = ("workspaces", "ecosystem_actors", "ecosystem_flows")


@migrations()
def m003_ids_never_reused(db):
    """``INTEGER PRIMARY KEY AUTOINCREMENT`` on every table with an integer id, so an id is never given
    again after its row was deleted (a deleted session's id could otherwise come back, and an old event
    or export that names ``participant:12`` would then point at someone else).

    Each table is rebuilt (SQLite cannot add AUTOINCREMENT in place): the new table is created from the
    old one's own ``CREATE`` statement, the rows are copied with their ids, the old table is dropped and
    the new one renamed, and the indexes are created again. ``db.initialise`` runs migrations with
    foreign keys off and checks them before committing, so the drop cascades nowhere; with foreign keys
    on, dropping ``sessions`` would delete every row that refers to one, so this refuses to run then."""
    if _dialect(db) == "postgresql":
        return  # identity columns never give a value twice: nothing to rebuild
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m003 rebuilds referenced tables: apply it through db.initialise (foreign keys off)")
    for table in _ID_TABLES:
        create = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
        if "AUTOINCREMENT" in create.upper():
            continue
        marker = "id INTEGER PRIMARY KEY,"
        if create.count(marker) != 1:
            raise RuntimeError(f"{table}: unexpected schema, cannot add AUTOINCREMENT: {create}")
        new = f"{table}_m003"
        rebuilt = create.replace(marker, "id INTEGER PRIMARY KEY AUTOINCREMENT,", 1)
        rebuilt = rebuilt.replace(f"CREATE TABLE {table} (", f"CREATE TABLE {new} (", 1)
        if not rebuilt.startswith(f"CREATE TABLE {new} ("):
            raise RuntimeError(f"{table}: unexpected CREATE statement: {create}")
        indexes = [
            r[0]
            for r in db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]
            ).fetchall()
        ]
        columns = ", ".join(f'"{r[1]}"' for r in db.execute(f"PRAGMA table_info({table})").fetchall())
        _run(
            db,
            rebuilt,
            f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table}",
            f"DROP TABLE {table}",
            f"ALTER TABLE {new} RENAME TO {table}",
            *indexes,
        )


@migrations()
def m004_round_timer(db):
    """The round timer: when it runs out (UTC, the server's clock) and whether the round then locks."""
    _run(
        db,
        "ALTER TABLE rounds ADD COLUMN timer_ends_at TEXT",
        "ALTER TABLE rounds ADD COLUMN timer_locks INTEGER NOT NULL DEFAULT 0",
    )


@migrations()
def m005_joining(db):
    """Who may still join: a cap on participants (the facilitator's choice) and joining closed or open."""
    _run(
        db,
        "ALTER TABLE sessions ADD COLUMN join_cap INTEGER NOT NULL DEFAULT 200",
        "ALTER TABLE sessions ADD COLUMN joining_closed INTEGER NOT NULL DEFAULT 0",
    )


@migrations()
def m006_removed_links(db):
    """The personal links of participants the facilitator removed (their hashes only), so such a link says
    that it was removed instead of looking mistyped."""
    _run(
        db,
        """CREATE TABLE removed_links (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL,
            removed_at TEXT NOT NULL,
            PRIMARY KEY (session_id, token_hash)
        )""",
    )


@migrations()
def m007_presenter(db):
    """The presenter link's token hash (a view-only link for the projector), and the discussion agenda's
    item the presenter screen shows."""
    _run(
        db,
        "ALTER TABLE sessions ADD COLUMN presenter_hash TEXT",
        "ALTER TABLE sessions ADD COLUMN agenda_item INTEGER NOT NULL DEFAULT 0",
    )


@migrations()
def m008_reasons_and_anonymity(db):
    """The reasons behind a ranking (a JSON object: element id -> a short text, saved with each
    submission), and who sees people's names in a session (``model.Anonymity``, chosen at creation)."""
    _run(
        db,
        "ALTER TABLE rankings ADD COLUMN reasons TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE sessions ADD COLUMN anonymity TEXT NOT NULL DEFAULT 'named'",
    )


@migrations()
def m009_baseline_versions(db):
    """A version on each party's organisation-wide ranking, like the worksheet's entries: a save names the
    version it started from, so nobody overwrites someone else's newer ranking without seeing it."""
    _run(db, "ALTER TABLE baselines ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


@migrations()
def m010_session_owner(db):
    """The signed-in facilitator who owns a session (their e-mail address, lower-cased; NULL for a session
    created without sign-in, which only its facilitator link controls): "My sessions" lists a user's
    sessions by it, and the owner opens the console without the link (``Store.identify``)."""
    _run(
        db,
        "ALTER TABLE sessions ADD COLUMN owner_email TEXT",
        "CREATE INDEX sessions_owner ON sessions(owner_email)",
    )


@migrations()
def m011_survey_documents(db):
    """What the stakeholder survey shows (``followup.survey_documents``): the documents shown with it and
    their columns, as JSON (NULL: the default, the relationship worksheet's shareable steps and evidence);
    and, with each answer, which versions of the worksheet's entries its page showed (JSON, '' for answers
    given before this)."""
    _run(
        db,
        "ALTER TABLE sessions ADD COLUMN survey_documents TEXT",
        "ALTER TABLE feedback ADD COLUMN shown TEXT NOT NULL DEFAULT ''",
    )


@migrations()
def m012_workspaces(db):
    """The organisation workspace (``trustcore.workspace``): its name, its link's token hash and the signed-in
    creator who owns it; its organisation-wide rankings (Activity 1), one row per dated version, earlier ones
    kept; and the relationship sessions linked to it (by session code, with the position of the party that is
    the organisation; no ``session_id``, so a session's archive does not carry the link)."""
    _run(
        db,
        """CREATE TABLE workspaces (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            owner_email TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX workspaces_owner ON workspaces(owner_email)",
        """CREATE TABLE workspace_rankings (
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            ordering TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            entered_at TEXT NOT NULL,
            PRIMARY KEY (workspace_id, version)
        )""",
        """CREATE TABLE workspace_sessions (
            session_code TEXT PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            party_position INTEGER NOT NULL,
            linked_at TEXT NOT NULL
        )""",
        "CREATE INDEX workspace_sessions_workspace ON workspace_sessions(workspace_id)",
    )


@migrations()
def m013_internal_worksheet(db):
    """The organisation's internal trustworthiness mapping worksheet (Activity 2, ``trustcore.internal_worksheet``):
    one text per workspace, element and column (B steps, C evidence), each internal or shareable, versioned
    like the relationship worksheet's entries; removed with its workspace."""
    _run(
        db,
        """CREATE TABLE workspace_worksheet (
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            element_id TEXT NOT NULL,
            col TEXT NOT NULL CHECK (col IN ('B', 'C')),
            text TEXT NOT NULL DEFAULT '',
            internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (workspace_id, element_id, col)
        )""",
    )


@migrations()
def m014_ecosystem_map(db):
    """The organisation workspace's data ecosystem map (Activity 4, ``trustcore.ecosystem``): its actors (name,
    kind, optional role, whether it is the organisation itself, internal or shareable) and the flows between
    them (kind, short label, internal or shareable), each row versioned for the edit check. Keyed by
    workspace: deleting a workspace deletes its map; deleting an actor deletes its flows."""
    _run(
        db,
        """CREATE TABLE ecosystem_actors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            is_self INTEGER NOT NULL DEFAULT 0,
            internal INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX ecosystem_actors_workspace ON ecosystem_actors(workspace_id)",
        """CREATE TABLE ecosystem_flows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            source_id INTEGER NOT NULL REFERENCES ecosystem_actors(id) ON DELETE CASCADE,
            target_id INTEGER NOT NULL REFERENCES ecosystem_actors(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            internal INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX ecosystem_flows_workspace ON ecosystem_flows(workspace_id)",
    )
