"""SQLite access (connections, transactions, backup) and schema migrations."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from conftest import ranked_before
from sqlite_utils import Migrations

from trustcore import db as dbmod
from trustcore import migrations as migrations_module
from trustcore import tokens
from trustcore.backends import sqlite as sqlite_backend
from trustcore.catalogue import default as default_catalogue
from trustcore.migrations import migrations
from trustcore.store import Store

NAMES = [m.name for m in migrations._migrations]
LATER = NAMES[1:]


# SQLite's own storage: its file, pragmas, busy handler, backup API and sqlite-utils' migration record
# (tests/test_postgres.py checks the same guarantees on PostgreSQL)
pytestmark = pytest.mark.sqlite_only


class Boom(BaseException):
    """Not an Exception: write() must roll back on anything (KeyboardInterrupt, GeneratorExit...)."""


def raw(path) -> sqlite3.Connection:
    return sqlite3.connect(str(path))


def n_sessions(path) -> int:
    with raw(path) as conn:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]


def insert_session_sql(db, code: str = "abcdefghjkmnpq") -> None:
    db.execute(
        "INSERT INTO sessions (code, title, catalogue, facilitator_hash, created_at, updated_at) "
        "VALUES (?, 'T', '{}', 'h', 'now', 'now')",
        [code],
    )


# ---------------------------------------------------------------- connections


def test_default_path(monkeypatch, tmp_path):
    monkeypatch.delenv("TRUSTCORE_DB", raising=False)
    assert dbmod.default_path() == dbmod.DEFAULT_PATH
    assert dbmod.DEFAULT_PATH.name == "trustcore.db" and dbmod.DEFAULT_PATH.parent.name == "data"
    monkeypatch.setenv("TRUSTCORE_DB", str(tmp_path / "x.db"))
    assert dbmod.default_path() == tmp_path / "x.db"
    assert Store().path == tmp_path / "x.db"


def test_wal_is_on(store):
    with raw(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_initialise_creates_the_folder_and_is_idempotent(tmp_path):
    path = tmp_path / "a" / "b" / "t.db"
    Store(path).initialise()
    Store(path).initialise()
    assert path.exists()
    with raw(path) as conn:
        rows = conn.execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert [r[0] for r in rows] == NAMES


def test_foreign_keys_on_for_every_connection(store):
    with raw(store.path) as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # SQLite's default: per connection
    for _ in range(3):
        with dbmod.connection(store.path) as db:
            assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with dbmod.connection(store.path) as db:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO parties (session_id, position, name) VALUES (12345, 0, 'orphan')")
    with dbmod.write(store.path) as db:
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_busy_timeout_and_synchronous(store):
    with dbmod.connection(store.path) as db:
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == sqlite_backend.BUSY_TIMEOUT_S * 1000 == 30_000
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_session_closes_its_connection(store):
    with dbmod.connection(store.path) as db:
        conn = db.conn
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_connection_usable_from_another_thread(store):
    db = sqlite_backend.connect(store.path)
    out, errors = [], []

    def use():
        try:
            out.append(db.execute("SELECT count(*) FROM sessions").fetchone()[0])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=use)
    t.start()
    t.join()
    db.close()
    assert (out, errors) == ([0], [])


# ---------------------------------------------------------------- write transactions


def test_write_commits(store):
    with dbmod.write(store.path) as db:
        insert_session_sql(db)
    assert n_sessions(store.path) == 1


@pytest.mark.parametrize("exc", [RuntimeError("x"), sqlite3.IntegrityError("y"), Boom()])
def test_write_rolls_back_on_exception(store, exc):
    with pytest.raises(type(exc)):
        with dbmod.write(store.path) as db:
            insert_session_sql(db, "abcdefghjkmnpq")
            insert_session_sql(db, "bbcdefghjkmnpq")
            assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2  # visible inside
            raise exc
    assert n_sessions(store.path) == 0


def test_write_rolls_back_a_failed_statement_and_its_predecessors(store):
    with pytest.raises(sqlite3.IntegrityError):
        with dbmod.write(store.path) as db:
            insert_session_sql(db, "abcdefghjkmnpq")
            insert_session_sql(db, "abcdefghjkmnpq")  # UNIQUE code
    assert n_sessions(store.path) == 0


def test_write_holds_the_write_lock_and_readers_see_the_old_state(store):
    with dbmod.write(store.path) as db:
        insert_session_sql(db)
        other = sqlite3.connect(str(store.path), timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0  # WAL: readers not blocked
        finally:
            other.close()
    assert n_sessions(store.path) == 1


# ---------------------------------------------------------------- backup


def test_backup_refuses_an_existing_target(store, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"keep me")
    with pytest.raises(FileExistsError) as excinfo:
        dbmod.backup(store.path, target)
    assert str(target) in str(excinfo.value)
    assert target.read_bytes() == b"keep me"


def test_backup_is_a_consistent_copy_while_another_thread_writes(store, created, tmp_path):
    code = created.session.code
    ids = list(created.session.catalogue.ids)
    people = [store.join(code, created.session.parties[i % 2].id, f"P{i}") for i in range(4)]
    for p in people:
        store.submit(code, p.token, ids, round_number=1)
    stop = threading.Event()
    writes, errors = [0], []

    def writer():
        k = 0
        try:
            while not stop.is_set() or k < 10:
                p = people[k % len(people)]
                store.submit(code, p.token, ids[::-1] if (k // len(people)) % 2 == 0 else ids, round_number=1)
                k += 1
                writes[0] = k
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    targets = []
    try:
        for i in range(5):
            target = tmp_path / f"backup{i}.db"
            dbmod.backup(store.path, target)
            targets.append(target)
    finally:
        stop.set()
        t.join()
    assert errors == []
    assert writes[0] >= 10

    with raw(store.path) as conn:
        final_rankings = conn.execute("SELECT count(*) FROM rankings").fetchone()[0]
    for target in targets:
        with raw(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            current = dict(
                conn.execute(
                    "SELECT participant_id, count(*) FROM rankings WHERE current = 1 GROUP BY participant_id"
                ).fetchall()
            )
            n_rank = conn.execute("SELECT count(*) FROM rankings").fetchone()[0]
            n_rank_events = conn.execute(
                "SELECT count(*) FROM events WHERE action IN ('ranking_submitted', 'ranking_replaced')"
            ).fetchone()[0]
        assert current == {p.participant.id: 1 for p in people}
        assert n_rank == n_rank_events  # a submission and its event are never split
        assert len(people) <= n_rank <= final_rankings
        copy = Store(target)
        assert copy._session(code).title == created.session.title
        assert copy.facilitator(code, created.facilitator_token).id == created.session.id
        assert len(copy._rankings(code)) == len(people)


# ---------------------------------------------------------------- schema


def test_one_current_ranking_per_participant_and_round(store, created):
    p = store.join(created.session.code, created.session.parties[0].id, "Ann")
    ids = list(created.session.catalogue.ids)
    store.submit(created.session.code, p.token, ids, round_number=1)
    with dbmod.connection(store.path) as db:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO rankings (session_id, participant_id, round, ordering, start_order, submitted_at, current) "
                "VALUES (?, ?, 1, '[]', '[]', 'now', 1)",
                [created.session.id, p.participant.id],
            )
        db.execute(
            "INSERT INTO rankings (session_id, participant_id, round, ordering, start_order, submitted_at, current) "
            "VALUES (?, ?, 1, '[]', '[]', 'now', 0)",
            [created.session.id, p.participant.id],
        )


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO next_steps (session_id, element_id, action, status, created_at, updated_at) "
        "VALUES (:sid, 'x', 'a', 'maybe', 'now', 'now')",
        "INSERT INTO feedback (session_id, trust, submitted_at) VALUES (:sid, 6, 'now')",
        "INSERT INTO feedback (session_id, expectations, submitted_at) VALUES (:sid, 'perhaps', 'now')",
        "INSERT INTO feedback (session_id, evidence, submitted_at) VALUES (:sid, 'maybe', 'now')",
    ],
)
def test_check_constraints(store, created, sql):
    with dbmod.connection(store.path) as db:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(sql, {"sid": created.session.id})


# ---------------------------------------------------------------- migrations


def test_migration_names():
    assert NAMES[0] == "m001_core"
    assert len(NAMES) == len(set(NAMES))
    assert NAMES == sorted(NAMES)  # mNNN_ prefixes keep the order obvious


def test_migrations_recorded(store):
    with raw(store.path) as conn:
        rows = conn.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
    assert rows[0] == ("trustcore", "m001_core")
    assert rows == [("trustcore", n) for n in NAMES]


def test_applying_to_a_migrated_database_is_a_no_op(store, created):
    def snapshot():
        with raw(store.path) as conn:
            schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
            applied = conn.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall()
            sessions = conn.execute("SELECT * FROM sessions").fetchall()
        return schema, applied, sessions

    before = snapshot()
    with dbmod.connection(store.path) as db:
        assert migrations.pending(db) == []
        migrations.apply(db)
    store.initialise()
    assert snapshot() == before


def _insert_m001_data(path, facilitator_token: str, participant_token: str) -> dict:
    """One session with two parties, a participant, a round, a ranking and an event, written at the m001
    schema with plain SQL (as an m001-era app would have left them)."""
    cat = default_catalogue()
    ids = cat.ids
    with raw(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            """INSERT INTO sessions (id, code, title, our_org, partner_org, flows, blind, current_round, catalogue,
                                     facilitator_hash, created_at, updated_at)
               VALUES (1, 'abcdefghjkmnpq', 'Old session', 'Us', 'Them', 'flows', 1, 1, ?, ?,
                       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')""",
            [cat.to_json(), tokens.hash_token(facilitator_token)],
        )
        conn.execute(
            "INSERT INTO parties (id, session_id, position, name, members) VALUES (10, 1, 0, 'Alpha', '[\"Ann\"]')"
        )
        conn.execute("INSERT INTO parties (id, session_id, position, name, members) VALUES (11, 1, 1, 'Beta', '[]')")
        conn.execute(
            """INSERT INTO participants (id, session_id, party_id, name, token_hash, start_order, joined_at)
               VALUES (20, 1, 10, 'Ann', ?, ?, '2026-01-01T00:00:01Z')""",
            [tokens.hash_token(participant_token), json.dumps(ids)],
        )
        conn.execute("INSERT INTO rounds (session_id, number, opened_at) VALUES (1, 1, '2026-01-01T00:00:00Z')")
        conn.execute(
            """INSERT INTO rankings (id, session_id, participant_id, round, ordering, start_order, submitted_at, current)
               VALUES (30, 1, 20, 1, ?, ?, '2026-01-01T00:00:02Z', 1)""",
            [json.dumps(ids[::-1]), json.dumps(ids)],
        )
        conn.execute(
            """INSERT INTO events (id, session_id, at, actor, action, detail)
               VALUES (40, 1, '2026-01-01T00:00:02Z', 'participant:20', 'ranking_submitted', '{"round": 1}')"""
        )
    return {"code": "abcdefghjkmnpq", "ids": ids}


M001_ROWS = {
    "sessions": (
        "SELECT code, title, our_org, partner_org, blind, current_round FROM sessions WHERE id = 1",
        ("abcdefghjkmnpq", "Old session", "Us", "Them", 1, 1),
    ),
    "parties": ("SELECT name, position FROM parties WHERE id = 10", ("Alpha", 0)),
    "participants": ("SELECT name, party_id FROM participants WHERE id = 20", ("Ann", 10)),
    "rounds": ("SELECT number FROM rounds WHERE session_id = 1", (1,)),
    "rankings": ("SELECT participant_id, round, current FROM rankings WHERE id = 30", (20, 1, 1)),
    "events": ("SELECT actor, action FROM events WHERE id = 40", ("participant:20", "ranking_submitted")),
}


def test_m001_era_data_fixture_matches_the_current_schema_when_only_m001_exists(tmp_path):
    """Keeps the raw m001 inserts honest: they must load through today's Store once fully migrated."""
    path = tmp_path / "m001.db"
    with dbmod.connection(path) as db:
        migrations.apply(db, stop_before=LATER[0] if LATER else None)
    ftok, ptok = tokens.new_token(), tokens.new_token()
    data = _insert_m001_data(path, ftok, ptok)
    store = Store(path).initialise()
    s = store.facilitator(data["code"], ftok)
    assert [p.name for p in s.parties] == ["Alpha", "Beta"]
    assert store.participant(data["code"], ptok).name == "Ann"
    assert [r.order for r in store._rankings(data["code"])] == [tuple(data["ids"][::-1])]


@pytest.mark.parametrize(
    "name",
    LATER or [pytest.param(None, marks=pytest.mark.skip(reason="only m001_core exists: no upgrade to test yet"))],
)
def test_upgrade_keeps_m001_era_data(tmp_path, name):
    path = tmp_path / "old.db"
    with dbmod.connection(path) as db:
        migrations.apply(db, stop_before=NAMES[1])
        assert [m.name for m in migrations.applied(db)] == ["m001_core"]
    ftok, ptok = tokens.new_token(), tokens.new_token()
    data = _insert_m001_data(path, ftok, ptok)

    # upgrade up to and including ``name``
    after = NAMES.index(name) + 1
    dbmod.initialise(path, stop_before=NAMES[after] if after < len(NAMES) else None)
    with dbmod.connection(path) as db:
        assert [m.name for m in migrations.applied(db)] == NAMES[:after]
    with raw(path) as conn:
        for table, (sql, expected) in M001_ROWS.items():
            assert conn.execute(sql).fetchone() == expected, table
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # and through today's store, after every migration
    store = Store(path).initialise()
    assert store.facilitator(data["code"], ftok).title == "Old session"
    ann = store.participant(data["code"], ptok)
    assert ann.name == "Ann"
    assert [r.order for r in store._rankings(data["code"])] == [tuple(data["ids"][::-1])]
    assert store.submit(data["code"], ptok, data["ids"], round_number=1).replaced is True


def test_a_future_migration_can_rebuild_a_referenced_table(tmp_path, monkeypatch):
    from trustcore.migrations import m001_core

    future = Migrations("trustcore")
    future()(m001_core)

    @future()
    def m002_rebuild_participants(db):
        db["participants"].transform(not_null={"joined_at"}, defaults={"name": ""})

    monkeypatch.setattr(migrations_module, "migrations", future)
    path = tmp_path / "future.db"
    dbmod.initialise(path)
    with raw(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == ["m001_core", "m002_rebuild_participants"]


# ---------------------------------------------------------------- m003: ids are never reused


def test_every_table_with_an_integer_id_has_autoincrement(store):
    from trustcore.migrations import _ID_TABLES, LATER_ID_TABLES

    with raw(store.path) as conn:
        tables = {
            name: sql
            for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
            if not name.startswith(("sqlite_", "_"))
        }
        with_id = {t for t in tables if any(r[1] == "id" and r[5] for r in conn.execute(f"PRAGMA table_info({t})"))}
    assert with_id == set(_ID_TABLES) | set(LATER_ID_TABLES)
    for table in with_id:
        assert "id INTEGER PRIMARY KEY AUTOINCREMENT" in tables[table], table


def test_a_deleted_sessions_id_is_not_given_again(store):
    first = store.create_session("First", ["A", "B"])
    last = store.create_session("Last", ["A", "B"])
    joined = store.join(last.session.code, last.session.parties[0].id, "Ann")
    store.delete_session(last.session.code, last.facilitator_token)  # the newest row of each table goes
    again = store.create_session("Again", ["A", "B"])
    assert again.session.id > last.session.id > first.session.id
    assert min(p.id for p in again.session.parties) > max(p.id for p in last.session.parties)
    assert store.join(again.session.code, again.session.parties[0].id, "Bo").participant.id > joined.participant.id


LATER_INDEXES = {
    "sessions_owner",
    "workspaces_owner",
    "workspace_sessions_workspace",
    "ecosystem_actors_workspace",
    "ecosystem_flows_workspace",
}  # added after m003 (m010, m012, m014)


def test_m003_keeps_rows_indexes_and_references(tmp_path):
    path = tmp_path / "before-m003.db"
    _, made, ann = ranked_before(path, "m003_ids_never_reused")
    with raw(path) as conn:
        before = {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("sessions", "parties", "participants", "rankings", "events")
        }
        indexes = sorted(
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )
    dbmod.initialise(path)
    with raw(path) as conn:
        # the columns later migrations add (m004, m005) come after the old ones: compare what was there
        width = {t: len(rows[0]) for t, rows in before.items() if rows}
        after = {
            t: [r[: width.get(t, len(r))] for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()]
            for t in before
        }
        assert after == before
        assert (
            sorted(
                r[0]
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                if r[0] not in LATER_INDEXES
            )
            == indexes
        )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert "_m003" not in " ".join(
            r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
    new = Store(path)
    assert new.participant(made.session.code, ann.token).name == "Ann"
    new.delete_session(made.session.code, made.facilitator_token)  # cascades still work after the rebuild
    with raw(path) as conn:
        assert conn.execute("SELECT count(*) FROM participants").fetchone()[0] == 0


def test_m003_refuses_to_run_with_foreign_keys_on(tmp_path):
    path = tmp_path / "fk-on.db"
    dbmod.initialise(path, stop_before="m003_ids_never_reused")
    made = Store(path).create_session("Kept", ["A", "B"])
    with dbmod.connection(path) as db:  # foreign keys on: dropping sessions would cascade
        with pytest.raises(RuntimeError, match="foreign keys off"):
            migrations.apply(db)
    assert Store(path)._session(made.session.code).title == "Kept"
