"""The command line takes a facilitator token from $TRUSTCORE_TOKEN, from standard input (``--token -``) or
from a prompt that does not echo, so it never has to be on the command line (where the process list shows it
to every user of the machine and the shell history keeps it). ``--token TOKEN`` still works, with a warning."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from trustcore import cli, links
from trustcore.store import Store


@pytest.fixture
def made(tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTCORE_DB", raising=False)
    monkeypatch.delenv(links.BASE_URL_ENV, raising=False)
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    db = tmp_path / "cli.db"
    created = Store(db).initialise().create_session("Tokens", ["Us", "Them"])
    return db, created.session.code, created.facilitator_token


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def archive(capsys, db: Path, code: str, *extra: str) -> tuple[int, str, str, Path]:
    out = db.parent / f"archive-{len(list(db.parent.glob('archive-*')))}.json"
    rc = cli.main(["--db", str(db), "archive", code, *extra, "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    return rc, stdout, stderr, out


def archived(out: Path, code: str) -> bool:
    return out.exists() and json.loads(out.read_bytes())["session"]["code"] == code


def test_the_token_comes_from_the_environment(capsys, made, monkeypatch):
    db, code, token = made
    monkeypatch.setenv(cli.TOKEN_ENV, token)
    rc, _, err, out = archive(capsys, db, code)
    assert rc == 0 and err == "" and archived(out, code)


def test_the_token_comes_from_standard_input_with_token_dash(capsys, made, monkeypatch):
    db, code, token = made
    monkeypatch.setenv(cli.TOKEN_ENV, "not-this-one-not-this-one")  # --token - wins over the environment
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"  {token}\n"))
    rc, _, err, out = archive(capsys, db, code, "--token", "-")
    assert rc == 0 and err == "" and archived(out, code)


def test_empty_standard_input_is_refused_with_a_message(capsys, made, monkeypatch):
    db, code, _ = made
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    rc, _, err, out = archive(capsys, db, code, "--token", "-")
    assert rc == 2 and "standard input, and it was empty" in err and not out.exists()


def test_a_terminal_is_asked_for_the_token_without_echo(capsys, made, monkeypatch):
    db, code, token = made
    prompts = []
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: prompts.append(prompt) or token)
    rc, _, err, out = archive(capsys, db, code)
    assert rc == 0 and err == "" and archived(out, code)
    assert prompts == ["Facilitator token (not shown): "]


def test_without_a_token_and_without_a_terminal_the_message_says_how_to_give_one(capsys, made, monkeypatch):
    db, code, _ = made
    monkeypatch.setattr(sys, "stdin", io.StringIO("ignored: not a terminal, and no --token -"))
    rc, _, err, out = archive(capsys, db, code)
    assert rc == 2 and not out.exists()
    assert "set $TRUSTCORE_TOKEN, or write --token - and pipe it to standard input" in err


def test_a_token_on_the_command_line_still_works_with_a_warning(capsys, made):
    db, code, token = made
    rc, _, err, out = archive(capsys, db, code, "--token", token)
    assert rc == 0 and archived(out, code)
    assert err.startswith("trustcore: warning: a token on the command line is visible to every user")
    assert token not in err


def test_help_says_where_the_token_goes(capsys):
    assert cli.main(["archive", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "$TRUSTCORE_TOKEN" in help_text and "--token -" in help_text and "Discouraged" in help_text
