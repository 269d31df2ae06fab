"""PostgreSQL's half of the storage guarantees that ``tests/test_db.py`` checks on SQLite: write
transactions serialised across connections (and so across replicas), rolled back whole on any error,
snapshots that ignore later commits, migrations applied once and recorded, ids never given twice, and a
session archive that moves a session from SQLite to PostgreSQL and back unchanged.

Every core test also runs on PostgreSQL through the parametrised ``store`` fixture (``conftest.py``).
"""

from __future__ import annotations

import json
import threading

import pg
import pytest
from conftest import count, integrity_error, raw

from trustcore import archive
from trustcore import db as dbmod
from trustcore.cli import main as cli_main
from trustcore.migrations import ordered
from trustcore.store import Store

WAIT = 20


@pytest.fixture
def pg_store(pg_server):
    with pg.scratch_database(pg_server, "p", template="trustcore_template") as url:
        yield Store(url)


@pytest.fixture
def empty_pg(pg_server):
    """A database with no schema yet."""
    with pg.scratch_database(pg_server, "e") as url:
        yield url


def _insert_session(db, code: str) -> None:
    db.execute(
        "INSERT INTO sessions (code, title, catalogue, facilitator_hash, created_at, updated_at) "
        "VALUES (?, 'T', '{}', 'h', 'now', 'now')",
        [code],
    )


def test_a_write_waits_for_the_one_before_it_and_readers_see_the_old_state(pg_store):
    holding, second_done = threading.Event(), threading.Event()
    release = threading.Event()
    seen_by_second = []

    def first():
        with dbmod.write(pg_store.path) as db:
            _insert_session(db, "aaaaaaaaaaaaaa")
            holding.set()
            release.wait(WAIT)

    def second():
        holding.wait(WAIT)
        with dbmod.write(pg_store.path) as db:  # waits for the first writer's commit
            seen_by_second.append(db.execute("SELECT count(*) FROM sessions").fetchone()[0])
            _insert_session(db, "bbbbbbbbbbbbbb")
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    holding.wait(WAIT)
    assert not second_done.wait(0.5), "the second writer ran while the first held the write lock"
    assert count(pg_store, "SELECT count(*) FROM sessions") == 0  # readers are not blocked, and see no partial write
    release.set()
    for t in threads:
        t.join(WAIT)
    assert seen_by_second == [1]  # the second writer's reads saw the first writer's commit
    assert count(pg_store, "SELECT count(*) FROM sessions") == 2


def test_a_failed_statement_rolls_back_the_whole_write(pg_store):
    with pytest.raises(integrity_error(pg_store)):
        with dbmod.write(pg_store.path) as db:
            _insert_session(db, "abcdefghjkmnpq")
            _insert_session(db, "abcdefghjkmnpq")  # UNIQUE code
    assert count(pg_store, "SELECT count(*) FROM sessions") == 0
    made = pg_store.create_session("After", ["A", "B"])  # the pooled connection is usable again
    assert pg_store._session(made.session.code).title == "After"


def test_a_snapshot_ignores_commits_made_after_it_began(pg_store):
    made = pg_store.create_session("Snap", ["A", "B"])
    with dbmod.snapshot(pg_store.path) as db:
        before = db.execute("SELECT count(*) FROM participants").fetchone()[0]
        writer = threading.Thread(target=pg_store.join, args=(made.session.code, made.session.parties[0].id, "Ann"))
        writer.start()
        writer.join(WAIT)
        assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == before == 0
        with pytest.raises(RuntimeError, match="snapshot"):
            with dbmod.write(pg_store.path):
                pass
    assert count(pg_store, "SELECT count(*) FROM participants") == 1


def test_migrations_apply_once_and_in_order_even_when_replicas_start_together(empty_pg):
    errors = []

    def start():
        try:
            Store(empty_pg).initialise()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert errors == []
    with raw(empty_pg) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM _trustcore_migrations ORDER BY seq")]
    assert applied == [name for name, _ in ordered()]
    Store(empty_pg).initialise()  # again: a no-op
    assert count(empty_pg, "SELECT count(*) FROM _trustcore_migrations") == len(applied)


def test_every_upgrade_path_ends_in_the_same_schema(pg_server, empty_pg):
    """Stopping before each migration and upgrading later gives the schema of a fresh install."""
    Store(empty_pg).initialise()
    with dbmod.connection(empty_pg) as conn:
        fresh = dbmod.schema(empty_pg, conn)
    for name, _ in ordered()[1:]:
        with pg.scratch_database(pg_server, "u") as url:
            dbmod.initialise(url, stop_before=name)
            with dbmod.connection(url) as conn:
                assert name not in dbmod.applied_migrations(url, conn)
            dbmod.initialise(url)
            with dbmod.connection(url) as conn:
                assert dbmod.schema(url, conn) == fresh, f"upgrading from before {name}"


def test_an_id_is_never_given_twice_after_a_delete(pg_store):
    first = pg_store.create_session("One", ["A", "B"])
    pg_store.delete_session(first.session.code, first.facilitator_token)
    second = pg_store.create_session("Two", ["A", "B"])
    assert second.session.id > first.session.id


def test_the_archive_moves_a_session_from_sqlite_to_postgresql_and_back_unchanged(pg_store, tmp_path):
    lite = Store(tmp_path / "lite.db").initialise()
    made = lite.create_session("Move me", ["Alpha", "Beta"], our_org="Us", partner_org="Them")
    code, fac = made.session.code, made.facilitator_token
    ids = list(made.session.catalogue.ids)
    for i, party in enumerate(made.session.parties):
        joined = lite.join(code, party.id, f"Person {i}")
        lite.submit(code, joined.token, ids[i:] + ids[:i], round_number=1)
    lite.reveal(code, fac, round_number=1)
    exported = archive.export_session(lite.open(code, fac))

    assert archive.import_session(pg_store, exported) == code
    from_pg = archive.export_session(pg_store.open(code, fac))  # the old facilitator token works on PostgreSQL
    back = Store(tmp_path / "back.db").initialise()
    assert archive.import_session(back, from_pg) == code
    again = archive.export_session(back.open(code, fac))

    def rows(doc: bytes) -> dict:
        data = json.loads(doc)
        return {t: len(found) for t, found in data["tables"].items() if t != "events"} | {
            "events": len(data["tables"]["events"])
            - sum(e["action"] == "session_imported" for e in data["tables"]["events"])
        }

    assert rows(from_pg) == rows(exported) == rows(again)  # the same rows, plus one import event per move
    assert json.loads(from_pg)["session"]["title"] == json.loads(again)["session"]["title"] == "Move me"
    for store in (pg_store, back):
        assert [r.order for r in store._rankings(code)] == [r.order for r in lite._rankings(code)]
        assert store._session(code).round.status == "revealed"
    new = pg_store.create_session("After the import", ["A", "B"])  # new ids follow on from the imported ones
    assert new.session.id > json.loads(from_pg)["session"]["id"]


def test_the_backup_command_says_to_use_pg_dump(pg_store, tmp_path, capsys):
    status = cli_main(["--db", str(pg_store.path), "backup", str(tmp_path / "copy.db")])
    assert status != 0
    said = capsys.readouterr().err
    assert "pg_dump" in said and "pg_restore" in said
    assert not (tmp_path / "copy.db").exists()
