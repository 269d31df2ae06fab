"""The command line, in-process (``main``) and once as a real ``python -m trustcore`` subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from trustcore import cli, links
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.store import Store

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTCORE_DB", raising=False)
    monkeypatch.delenv(links.BASE_URL_ENV, raising=False)
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    return tmp_path / "cli.db"


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def new(capsys, db, *extra, title="Data sharing with Acme"):
    code, out, err = run(capsys, "--db", db, "new", "--title", title, "--party", "Us", "--party", "Acme", *extra)
    assert code == 0, err
    share, admin = LINK.findall(out)
    query = parse_qs(urlsplit(admin).query)
    return query["session"][0], query["admin"][0], share, admin, out


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_new_list_export_backup(capsys, db, tmp_path, monkeypatch):
    code, token, share, admin, out = new(
        capsys,
        db,
        "--members",
        "Us=Ann, Bob",
        "--our-org",
        "Us Ltd",
        "--partner",
        "Acme plc",
        "--flows",
        "orders",
    )
    assert share == f"http://localhost:8501/?session={code}"
    assert admin == f"http://localhost:8501/?session={code}&admin={token}"
    assert "shown only this once" in out and "control" in out
    store = Store(db)
    session = store.facilitator(code, token)  # the printed token really is the facilitator token
    assert session.title == "Data sharing with Acme" and session.blind
    assert [(p.name, p.members) for p in session.parties] == [("Us", ("Ann", "Bob")), ("Acme", ())]
    assert (session.our_org, session.partner_org, session.flows) == ("Us Ltd", "Acme plc", "orders")

    rc, out, err = run(capsys, "--db", db, "list")
    assert rc == 0 and err == ""
    header, line = out.splitlines()
    assert header.split() == ["code", "created", "round", "parties", "participants", "title"]
    assert line.split()[:5] == [code, session.created_at, "1", "2", "0"]
    assert line.endswith("  Data sharing with Acme")

    ids = session.catalogue.ids
    for i, (name, party) in enumerate((("Ann", 0), ("Cy", 1))):
        j = store.join(code, session.parties[party].id, name)
        store.submit(code, j.token, ids if i == 0 else ids[::-1], round_number=1)
    store.next_round(code, token, round_number=1)

    out_dir = tmp_path / "exports" / "nested"
    rc, out, err = run(capsys, "--db", db, "export", code, "--out", out_dir)
    assert rc == 2 and "facilitator token" in err and not out_dir.exists()  # the code alone exports nothing
    monkeypatch.setenv(cli.TOKEN_ENV, "not-the-token-not-the-token")
    rc, out, err = run(capsys, "--db", db, "export", code, "--out", out_dir)
    assert rc == 2 and "This link is not valid" in err, err
    assert not out_dir.exists()
    monkeypatch.setenv(cli.TOKEN_ENV, token)
    rc, out, err = run(capsys, "--db", db, "export", code, "--out", out_dir)
    assert rc == 0, err
    written = [Path(p) for p in out.split()]
    assert [p.name for p in written] == [
        f"trustcore-{code}-results.csv",
        f"trustcore-{code}-start-orders.csv",
        f"trustcore-{code}-comparison-round-1.csv",
        f"trustcore-{code}-comparison-round-2.csv",
    ]
    assert all(p.parent == out_dir and p.is_file() for p in written)
    results = rows(written[0])
    assert len(results) == 2 * 10 and [r["element_id"] for r in results[:10]] == ids
    assert len(rows(written[1])) == 2 * 10
    comparison = rows(written[2])
    assert len(comparison) == 10 and "rank (Us)" in comparison[0] and "rank (Acme)" in comparison[0]
    assert rows(written[3]) == []  # nobody ranked round 2 yet

    rc, out, err = run(capsys, "--db", db, "export", code, "--out", tmp_path / "r1", "--round", "1")
    assert rc == 0, err
    assert [Path(p).name for p in out.split()] == [
        f"trustcore-{code}-results-round-1.csv",
        f"trustcore-{code}-start-orders-round-1.csv",
        f"trustcore-{code}-comparison-round-1.csv",
    ]

    target = tmp_path / "backup.db"
    rc, out, err = run(capsys, "--db", db, "backup", target)
    assert rc == 0 and err == "" and str(target) in out
    copy = Store(target)
    assert copy._session(code).title == "Data sharing with Acme"
    assert len(copy._rankings(code)) == 2
    before = target.read_bytes()
    rc, out, err = run(capsys, "--db", db, "backup", target)
    assert rc == 2 and out == "" and "exists already" in err and "Traceback" not in err
    assert target.read_bytes() == before


def test_db_option_after_the_command_and_env_default(capsys, db, monkeypatch, tmp_path):
    code, *_ = new(capsys, db)
    rc, out, _ = run(capsys, "list", "--db", db)
    assert rc == 0 and code in out
    monkeypatch.setenv("TRUSTCORE_DB", str(db))
    rc, out, _ = run(capsys, "list")
    assert rc == 0 and code in out
    rc, out, _ = run(capsys, "--db", tmp_path / "other.db", "list")
    assert rc == 0 and out.strip() == "No sessions yet."


def test_list_prints_titles_plainly(capsys, db):
    title = 'Ünïcödé "quoted" <b>x</b> =SUM(1)'
    new(capsys, db, title=title)
    rc, out, _ = run(capsys, "--db", db, "list")
    assert rc == 0 and out.splitlines()[1].endswith("  " + title)


def test_live_and_catalogue_options(capsys, db, tmp_path):
    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps([{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta"}]), encoding="utf-8")
    code, *_ = new(capsys, db, "--live", "--catalogue", cat)
    session = Store(db)._session(code)
    assert not session.blind and session.catalogue.ids == ["a", "b"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "abcdefghjkmnpq", "--out", "OUT"], "No session has this code"),
        (["export", "not a code", "--out", "OUT"], "No session has this code"),
        (["new", "--title", "T", "--party", "Only"], "2 to 12 parties"),
        (["new", "--party", "A", "--party", "B"], "--title"),
        (["new", "--title", "   ", "--party", "A", "--party", "B"], "title cannot be empty"),
        (["new", "--title", "T", "--party", "A", "--party", "a"], "Two parties"),
        (["new", "--title", "T", "--party", "A", "--party", "B", "--members", "C=x"], "not one of the --party"),
        (["new", "--title", "T", "--party", "A", "--party", "B", "--members", "A"], "PARTY=name"),
        (["new", "--title", "T", "--party", "A", "--party", "B", "--catalogue", "missing.csv"], "Cannot read"),
        (["new", "--title", "T", "--party", "A", "--party", "B", "--base-url", "ftp://x"], "base URL"),
        (["nonsense"], "invalid choice"),
        ([], "required"),
    ],
)
def test_expected_errors_go_to_stderr_with_exit_2(capsys, db, tmp_path, argv, message):
    argv = [str(tmp_path / a) if a == "OUT" else a for a in argv]
    rc, out, err = run(capsys, "--db", db, *argv)
    assert rc == 2
    assert out == ""
    assert message in err and "Traceback" not in err


def test_bad_catalogue_and_unknown_round(capsys, db, tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nx,One\nx,\n", encoding="utf-8")
    rc, _, err = run(capsys, "--db", db, "new", "--title", "T", "--party", "A", "--party", "B", "--catalogue", bad)
    assert rc == 2 and "catalogue has problems" in err and "is used again" in err and "Traceback" not in err
    code, token, *_ = new(capsys, db)
    monkeypatch.setenv(cli.TOKEN_ENV, token)
    rc, out, err = run(capsys, "--db", db, "export", code, "--out", tmp_path / "o", "--round", "3")
    assert rc == 2 and "Round 3 does not exist" in err and not (tmp_path / "o").exists()


def test_backup_into_missing_folder_is_refused(capsys, db, tmp_path):
    new(capsys, db)
    rc, _, err = run(capsys, "--db", db, "backup", tmp_path / "nope" / "b.db")
    assert rc == 2 and "does not exist" in err


def test_unexpected_error_exits_1(capsys, db, monkeypatch):
    def boom(*_):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "_list", boom)
    rc, out, err = run(capsys, "--db", db, "list")
    assert rc == 1 and "disk on fire" in err and out == ""


def test_help_exits_0(capsys, db):
    rc, out, _ = run(capsys, "--help")
    assert rc == 0 and "backup" in out and "export" in out


# ------------------------------------------------------------------------------------------- base URL


def test_base_url_precedence(capsys, db, monkeypatch):
    _, _, share, admin, _ = new(capsys, db)
    assert share.startswith("http://localhost:8501/?session=")
    monkeypatch.setenv(links.BASE_URL_ENV, "https://env.example/trust/")
    code, token, share, admin, _ = new(capsys, db)
    assert share == f"https://env.example/trust/?session={code}"
    assert admin == f"https://env.example/trust/?session={code}&admin={token}"
    code, _, share, _, _ = new(capsys, db, "--base-url", "https://option.example/")
    assert share == f"https://option.example/?session={code}"


def test_link_builders():
    base = "https://x.example/app/"
    assert links.share_link(base, "abc") == "https://x.example/app/?session=abc"
    assert links.participant_link(base, "abc", "t-_1") == "https://x.example/app/?session=abc&me=t-_1"
    assert links.facilitator_link(base, "abc", "tok") == "https://x.example/app/?session=abc&admin=tok"
    assert links.survey_link(base, "abc", "tok") == "https://x.example/app/?session=abc&survey=tok"
    assert links.share_link("http://h", "a b&c=d") == "http://h/?session=a+b%26c%3Dd"
    assert links.base_url(None, {}) == links.DEFAULT_BASE_URL
    assert links.base_url(None, {links.BASE_URL_ENV: "http://env:1/"}) == "http://env:1"
    assert links.base_url("https://opt", {links.BASE_URL_ENV: "http://env:1/"}) == "https://opt"
    for bad in ("localhost:8501", "ftp://h", "https://h/?a=1", "https://h/#x", "https://"):
        with pytest.raises(InvalidInput):
            links.base_url(bad, {})


# ------------------------------------------------------------------------------------------- subprocess


def test_real_subprocess(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != links.BASE_URL_ENV}
    env["TRUSTCORE_DB"] = str(tmp_path / "sub.db")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")

    def call(*argv):
        return subprocess.run(
            [sys.executable, "-m", "trustcore", *map(str, argv)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    made = call(
        "new", "--title", "Zürich workshop", "--party", "Us", "--party", "Them", "--base-url", "https://ws.example"
    )
    assert made.returncode == 0, made.stderr
    share, admin = LINK.findall(made.stdout)
    code = parse_qs(urlsplit(share).query)["session"][0]
    assert share == f"https://ws.example/?session={code}"
    Store(tmp_path / "sub.db").facilitator(code, parse_qs(urlsplit(admin).query)["admin"][0])
    listed = call("list")
    assert listed.returncode == 0 and code in listed.stdout and "Zürich workshop" in listed.stdout
    env[cli.TOKEN_ENV] = parse_qs(urlsplit(admin).query)["admin"][0]
    exported = call("export", code, "--out", tmp_path / "out")
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.split()) == 3 and all(Path(p).is_file() for p in exported.stdout.split())
    assert call("backup", tmp_path / "b.db").returncode == 0
    again = call("backup", tmp_path / "b.db")
    assert again.returncode == 2 and "exists already" in again.stderr and "Traceback" not in again.stderr
    missing = call("export", "abcdefghjkmnpq", "--out", tmp_path / "out")
    assert (
        missing.returncode == 2 and "No session has this code" in missing.stderr and "Traceback" not in missing.stderr
    )
    assert missing.stdout == ""
    with pytest.raises(AccessDenied):
        Store(tmp_path / "b.db").facilitator(code, "wrong-token-wrong-token")


# ------------------------------------------------------------------------------------------- archive / import


def test_archive_and_import(capsys, db, tmp_path, monkeypatch):
    code, token, *_ = new(capsys, db, "--members", "Us=Ann")
    store = Store(db)
    session = store._session(code)
    joined = store.join(code, session.parties[1].id, "Cy")
    store.submit(code, joined.token, session.catalogue.ids[::-1], round_number=1)

    file = tmp_path / "out" / "session.json"
    file.parent.mkdir()
    monkeypatch.setenv(cli.TOKEN_ENV, token)
    rc, out, err = run(capsys, "--db", db, "archive", code, "--out", file)
    assert rc == 0 and err == "", err
    assert str(file) in out and "private" in out
    assert json.loads(file.read_bytes())["session"]["code"] == code
    if os.name == "posix":
        assert file.stat().st_mode & 0o777 == 0o600  # it holds the token hashes

    other = tmp_path / "other.db"
    rc, out, err = run(capsys, "--db", other, "import", file, "--base-url", "https://ws.example")
    assert rc == 0 and err == "", err
    assert f"Code: {code}" in out and f"https://ws.example/?session={code}" in out and "Note" not in out
    copy = Store(other)
    assert copy.facilitator(code, token).title == "Data sharing with Acme"
    assert copy.participant(code, joined.token).name == "Cy"
    assert copy._rankings(code)[0].order == tuple(session.catalogue.ids[::-1])

    rc, out, err = run(capsys, "--db", other, "import", file)  # again: the code is taken now
    assert rc == 0, err
    second = re.search(r"Code: (\w+)", out).group(1)
    assert second != code and f"was {code}" in out and "1 personal link(s)" in out
    assert LINK.findall(out) == [f"http://localhost:8501/?session={second}"]
    assert copy.facilitator(second, token)

    rc, out, err = run(capsys, "--db", tmp_path / "third.db", "import", file, "--new-code")
    assert rc == 0, err
    third = re.search(r"Code: (\w+)", out).group(1)
    assert third != code and Store(tmp_path / "third.db").facilitator(third, token)


def test_archive_takes_an_old_token_that_starts_with_a_dash(capsys, db, tmp_path, monkeypatch):
    from trustcore import tokens

    monkeypatch.setattr(tokens, "new_token", lambda: "-old-token-with-a-dash-x")  # made before tokens avoided it
    code, token, *_ = new(capsys, db)
    assert token == "-old-token-with-a-dash-x"
    rc, out, err = run(capsys, "--db", db, "archive", code, "--token", token, "--out", tmp_path / "a.json")
    assert rc == 2 and "expected one argument" in err
    rc, out, err = run(capsys, "archive", "--help")
    assert "--token=TOKEN" in out
    rc, out, err = run(capsys, "--db", db, "archive", code, f"--token={token}", "--out", tmp_path / "a.json")
    assert rc == 0, err


def test_archive_and_import_errors(capsys, db, tmp_path):
    code, token, *_ = new(capsys, db)
    file = tmp_path / "a.json"
    rc, out, err = run(capsys, "--db", db, "archive", code, "--token", "wrong-token-wrong-token", "--out", file)
    assert rc == 2 and out == "" and "not valid" in err and "Traceback" not in err and not file.exists()
    rc, out, err = run(capsys, "--db", db, "archive", code, "--out", file)
    assert rc == 2 and "--token" in err and not file.exists()
    file.write_text("keep me", encoding="utf-8")
    rc, out, err = run(capsys, "--db", db, "archive", code, "--token", token, "--out", file)
    assert rc == 2 and out == "" and "exists already" in err and file.read_text(encoding="utf-8") == "keep me"
    rc, out, err = run(capsys, "--db", db, "archive", code, "--token", token, "--out", tmp_path / "no" / "a.json")
    assert rc == 2 and "does not exist" in err

    for content, message in (
        (None, "Cannot read the archive file"),
        (b"keep me", "not a session archive"),
        (b'{"format": "trustcore-session", "version": 9}', "newer version"),
    ):
        path = tmp_path / "missing.json"
        if content is not None:
            path = tmp_path / "bad.json"
            path.write_bytes(content)
        before = Store(db).sessions()
        rc, out, err = run(capsys, "--db", db, "import", path)
        assert rc == 2 and out == "" and message in err and "Traceback" not in err
        assert Store(db).sessions() == before


def test_archive_and_import_in_a_real_subprocess(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != links.BASE_URL_ENV}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    created = Store(tmp_path / "a.db").initialise().create_session("Zürich", ["Us", "Them"])

    def call(*argv, stdin=None):
        return subprocess.run(
            [sys.executable, "-m", "trustcore", *map(str, argv)],
            cwd=tmp_path,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    done = call(  # the token on standard input, never in the process list
        "--db",
        tmp_path / "a.db",
        "archive",
        created.session.code,
        "--token",
        "-",
        "--out",
        tmp_path / "s.json",
        stdin=created.facilitator_token + "\n",
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = call("--db", tmp_path / "b.db", "import", tmp_path / "s.json")
    assert done.returncode == 0, done.stderr
    assert "Zürich" in done.stdout and f"?session={created.session.code}" in done.stdout
    assert Store(tmp_path / "b.db").facilitator(created.session.code, created.facilitator_token).title == "Zürich"


def test_help_lists_archive_and_import(capsys, db):
    rc, out, _ = run(capsys, "--help")
    assert rc == 0 and "archive" in out and "import" in out
    rc, out, _ = run(capsys, "import", "--help")
    assert rc == 0 and "--new-code" in out


def test_parse_link_reads_session_parameters():
    from trustcore import links

    url = links.facilitator_link("https://example.org/tc", "abcdefghjkmnpq", "tok_en-123456789012345")
    assert links.parse(url) == {"session": "abcdefghjkmnpq", "admin": "tok_en-123456789012345"}
    assert links.parse("  " + links.share_link("http://x", "c") + "&evil=1 ") == {"session": "c"}
    assert links.parse("not a link") == {}


def test_purge_deletes_sessions_past_the_retention_period(tmp_path, capsys):
    import sqlite3

    db = tmp_path / "p.db"
    assert cli.main(["--db", str(db), "new", "--title", "Old", "--party", "A", "--party", "B"]) == 0
    assert cli.main(["--db", str(db), "new", "--title", "New", "--party", "A", "--party", "B"]) == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sessions SET created_at = '2020-01-01T00:00:00Z' WHERE title = 'Old'")
    capsys.readouterr()
    assert cli.main(["--db", str(db), "purge"]) == 2  # no period given
    assert "--days" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "purge", "--days", "30"]) == 0
    assert "Deleted 1 session(s)" in capsys.readouterr().out
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT title FROM sessions")] == ["New"]


def test_new_chooses_who_sees_names(capsys, db):
    code, *_, out = new(capsys, db, "--names", "hidden")
    assert "names hidden from other participants" in out
    from trustcore.model import Anonymity

    assert Store(db)._session(code).anonymity is Anonymity.HIDDEN
    status, _, err = run(capsys, "--db", db, "new", "--title", "T", "--party", "A", "--party", "B", "--names", "x")
    assert status != 0 and "invalid choice" in err
