"""An organisation workspace's JSON archive (trustcore.workspace_archive): exported by its link's holder,
imported as a new workspace with a new link, every table of ``workspace.TABLES`` carried (one added later too),
no link or hash in the file, linked sessions named by title only; an oversized or malformed file refused with a
clear message before any work; and the command line's ``workspace-archive`` / ``workspace-import``."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from trustcore import catalogue, cli, links, workspace_admin, workspace_archive
from trustcore import db as dbmod
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.signin import SignedIn
from trustcore.store import Store

ANA = "ana@example.org"


def ids():
    return list(catalogue.default().ids)


def _workspace(store, name="Acme Data", *, owner=None):
    made = ws.create_workspace(store, name, owner=owner)
    wview = store.open_workspace(made.workspace.id, SignedIn(owner) if owner else made.token)
    ws.set_ranking(wview, ids())
    ws.set_ranking(wview, ids()[::-1], expected_version=1)
    return made, wview


def test_an_archive_round_trip_makes_a_new_workspace_with_a_new_link_and_every_version(store):
    made, wview = _workspace(store)
    session = store.create_session("Bus data", ["Acme", "Council"])
    ws.link_session(store.open(session.session.code, session.facilitator_token), wview, session.session.parties[0].id)
    data = workspace_archive.export_workspace(wview)
    doc = json.loads(data)
    assert doc["format"] == "trustcore-workspace" and doc["version"] == 1
    assert doc["workspace"]["name"] == "Acme Data"
    assert doc["linked_sessions"] == ["Bus data"] and "not in it" in doc["notes"]
    assert "workspace_sessions" not in doc["tables"] and session.session.code not in data.decode()

    copy = workspace_archive.import_workspace(store, data)
    assert copy.workspace.id != made.workspace.id and copy.token != made.token
    assert copy.linked_sessions == ("Bus data",)
    imported = store.open_workspace(copy.workspace.id, copy.token)
    assert imported.workspace.name == "Acme Data" and imported.workspace.created_at == made.workspace.created_at
    assert [(r.version, r.order, r.entered_at) for r in ws.rankings(imported)] == [
        (r.version, r.order, r.entered_at) for r in ws.rankings(wview)
    ]
    assert ws.linked_sessions(imported) == []  # sessions are not carried: each is linked again from its console
    with pytest.raises(AccessDenied):  # the old link opens the original only
        store.open_workspace(copy.workspace.id, made.token)
    ws.set_ranking(imported, ids(), expected_version=2)  # the copy is a workspace like any other
    assert len(ws.rankings(wview)) == 2
    assert ws.create_workspace(store, "Next").workspace.id > copy.workspace.id  # new ids follow on (PostgreSQL)


def test_the_archive_holds_no_link_no_hash_and_no_owner(store):
    made, wview = _workspace(store, owner=ANA)
    text = workspace_archive.export_workspace(wview).decode()
    with dbmod.connection(store.path) as db:
        stored_hash = next(iter(db.query("SELECT token_hash FROM workspaces WHERE id = ?", [made.workspace.id])))[
            "token_hash"
        ]
    assert made.token not in text and stored_hash not in text and ANA not in text
    assert "_hash" not in text and "owner_email" not in text
    copy = workspace_archive.import_workspace(store, text.encode())
    assert copy.workspace.owner_email is None  # nobody owns the copy unless the import says so


def test_only_the_workspace_link_exports_and_a_replaced_link_exports_nothing(store):
    made, wview = _workspace(store)
    session = store.create_session("Bus data", ["Acme", "Council"])
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, session.facilitator_token)
    workspace_admin.replace_link(store.open_workspace(made.workspace.id, made.token))
    with pytest.raises(AccessDenied):
        workspace_archive.export_workspace(wview)  # this view holds the old link


def _add_a_table(store, monkeypatch):
    """A table a later migration might add (another engineer's), keyed by workspace_id, with a child table of
    its own reached only through a reference: listed in TABLES, it is archived without changing the archive."""
    with dbmod.write(store.path) as db:
        db.execute(
            """CREATE TABLE workspace_notes (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                body TEXT NOT NULL,
                share_hash TEXT
            )"""
        )
        db.execute(
            """CREATE TABLE workspace_note_tags (
                note_id INTEGER NOT NULL REFERENCES workspace_notes(id) ON DELETE CASCADE,
                tag TEXT NOT NULL,
                PRIMARY KEY (note_id, tag)
            )"""
        )
    monkeypatch.setattr(ws, "TABLES", (*ws.TABLES, "workspace_notes", "workspace_note_tags"))


def _notes(store, wid):
    with dbmod.connection(store.path) as db:
        return [
            (r["body"], r["tag"], r["share_hash"])
            for r in db.query(
                """SELECT n.body, t.tag, n.share_hash FROM workspace_notes n
                   LEFT JOIN workspace_note_tags t ON t.note_id = n.id WHERE n.workspace_id = ? ORDER BY n.id, t.tag""",
                [wid],
            )
        ]


def test_a_table_added_to_tables_is_carried_with_its_references_renumbered(store, monkeypatch):
    _add_a_table(store, monkeypatch)
    made, wview = _workspace(store)
    other, _ = _workspace(store, "Other")
    with dbmod.write(store.path) as db:
        notes = [(other.workspace.id, "Not ours"), (made.workspace.id, "Ours"), (made.workspace.id, "More")]
        for nid, (wid, body) in enumerate(notes, start=1):
            db.execute(
                "INSERT INTO workspace_notes (id, workspace_id, body, share_hash) VALUES (?, ?, ?, ?)",
                [nid, wid, body, "h" * 64],
            )
        db.execute("INSERT INTO workspace_note_tags (note_id, tag) VALUES (2, 'b'), (2, 'a'), (1, 'x')")
    data = workspace_archive.export_workspace(wview)
    doc = json.loads(data)
    assert [r["body"] for r in doc["tables"]["workspace_notes"]] == ["Ours", "More"]
    assert all("workspace_id" not in r and "share_hash" not in r for r in doc["tables"]["workspace_notes"])
    assert sorted(r["tag"] for r in doc["tables"]["workspace_note_tags"]) == ["a", "b"]  # not the other's "x"

    copy = workspace_archive.import_workspace(store, data)
    assert _notes(store, copy.workspace.id) == [("Ours", "a", None), ("Ours", "b", None), ("More", None, None)]
    assert _notes(store, made.workspace.id)[0][:2] == ("Ours", "a")  # the original is untouched

    # deleting the workspace removes the added table's rows too
    workspace_admin.delete_workspace(store.open_workspace(copy.workspace.id, copy.token), "Acme Data")
    assert _notes(store, copy.workspace.id) == []
    assert [n[0] for n in _notes(store, other.workspace.id)] == ["Not ours"]


def _refused(store, data, match):
    with dbmod.connection(store.path) as db:
        before = next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))["n"]
    with pytest.raises(InvalidInput, match=match):
        workspace_archive.import_workspace(store, data)
    with dbmod.connection(store.path) as db:
        assert next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))["n"] == before  # nothing written


def test_an_oversized_file_is_refused_before_it_is_read(store, monkeypatch):
    monkeypatch.setattr(workspace_archive, "MAX_BYTES", 1000)
    called = []
    monkeypatch.setattr(workspace_archive.json, "loads", lambda *a, **k: called.append(1))
    _refused(store, b"{" + b" " * 2000 + b"}", r"too large for a workspace archive .*at most")
    assert called == []  # refused before parsing


@pytest.mark.parametrize(
    "change,match",
    [
        (lambda d: b"\xff\xfe", "not UTF-8"),
        (lambda d: b"{not json", "not valid JSON"),
        (lambda d: b"[]", "not a workspace archive"),
        (lambda d: json.dumps({**d, "format": "trustcore-session"}).encode(), "session's archive"),
        (lambda d: json.dumps({**d, "version": 2}).encode(), "newer version of trustcore"),
        (lambda d: json.dumps({**d, "schema": [*d["schema"], "m999_future"]}).encode(), "m999_future"),
        (lambda d: json.dumps({**d, "extra": 1}).encode(), "unknown part"),
        (lambda d: json.dumps({**d, "tables": {"sessions": []}}).encode(), "does not carry in a workspace: sessions"),
        (lambda d: json.dumps({**d, "workspace": {**d["workspace"], "token_hash": "x" * 64}}).encode(), "never"),
        (lambda d: json.dumps({**d, "workspace": {**d["workspace"], "name": ""}}).encode(), "cannot be empty"),
        (lambda d: json.dumps({**d, "workspace": {**d["workspace"], "colour": "red"}}).encode(), "colour"),
        (
            lambda d: json.dumps(
                {**d, "tables": {"workspace_rankings": [{**d["tables"]["workspace_rankings"][0], "ordering": "[1]"}]}}
            ).encode(),
            "JSON list of element ids",
        ),
        (
            lambda d: json.dumps(
                {**d, "tables": {"workspace_rankings": d["tables"]["workspace_rankings"] * 2}}
            ).encode(),
            "break a rule of this database",
        ),
        (lambda d: json.dumps({**d, "linked_sessions": [1]}).encode(), "linked_sessions"),
    ],
)
def test_a_malformed_archive_is_refused_with_a_clear_message_and_writes_nothing(store, change, match):
    _, wview = _workspace(store)
    doc = json.loads(workspace_archive.export_workspace(wview))
    _refused(store, change(doc), match)


# ------------------------------------------------------------------------------ the command line


def _run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_archives_with_the_token_from_the_environment_and_imports_with_a_new_link(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.delenv("TRUSTCORE_DB", raising=False)
    monkeypatch.delenv(links.BASE_URL_ENV, raising=False)
    source = tmp_path / "a.db"
    store = Store(source).initialise()
    made, wview = _workspace(store)
    file = tmp_path / "acme.json"

    monkeypatch.setenv(cli.TOKEN_ENV, "A" * 24)  # a wrong token: refused, no file
    rc, _, err = _run(capsys, "--db", source, "workspace-archive", made.workspace.id, "--out", file)
    assert rc == 2 and "not valid" in err and not file.exists()

    monkeypatch.setenv(cli.TOKEN_ENV, made.token)
    rc, out, err = _run(capsys, "--db", source, "workspace-archive", made.workspace.id, "--out", file)
    assert rc == 0 and err == "", err
    assert str(file) in out and "holds no link" in out
    if os.name == "posix":
        assert file.stat().st_mode & 0o777 == 0o600
    rc, _, err = _run(capsys, "--db", source, "workspace-archive", made.workspace.id, "--out", file)
    assert rc == 2 and "exists already" in err

    target = tmp_path / "b.db"
    rc, out, err = _run(capsys, "--db", target, "workspace-import", file, "--base-url", "https://ws.example")
    assert rc == 0 and err == "", err
    assert "Imported workspace: Acme Data" in out
    link = re.search(r"https://ws\.example/\S+", out).group(0)
    query = parse_qs(urlsplit(link).query)
    copy = Store(target).open_workspace(query["workspace"][0], query["org"][0])
    assert [r.order for r in ws.rankings(copy)] == [r.order for r in ws.rankings(wview)]
    assert query["org"][0] != made.token


def test_the_command_line_reads_the_token_from_standard_input_and_refuses_a_bad_file(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTCORE_DB", raising=False)
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    source = tmp_path / "a.db"
    made, _ = _workspace(Store(source).initialise())
    file = tmp_path / "acme.json"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(made.token + "\n"))
    rc, _, err = _run(capsys, "--db", source, "workspace-archive", made.workspace.id, "--token", "-", "--out", file)
    assert rc == 0, err

    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    rc, _, err = _run(capsys, "--db", tmp_path / "b.db", "workspace-import", bad)
    assert rc == 2 and "not a workspace archive" in err and "Traceback" not in err
    monkeypatch.setattr(workspace_archive, "MAX_BYTES", 10)
    rc, _, err = _run(capsys, "--db", tmp_path / "b.db", "workspace-import", file)
    assert rc == 2 and "too large for a workspace archive" in err
