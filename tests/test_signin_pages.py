"""The sign-in pages through AppTest, whose ``user`` is what a run reads as ``st.user``: who may create
(``TRUSTCORE_CREATE``), My sessions, the owner's console without the link, and handing a session over."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trustcore.owners import mine
from trustcore.signin import SignedIn

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ANA, BEN = "ana@example.org", "ben@example.net"
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}}


@pytest.fixture
def store(backend_store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    monkeypatch.delenv("TRUSTCORE_CREATE", raising=False)
    return backend_store


def app(email: str | None = None, **params) -> AppTest:
    """The app as a browser signed in as ``email`` (None: nobody), on a server with sign-in configured."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = dict(AUTH)
    at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info]
    parts += [e.value for e in at.warning] + [e.value for e in at.success] + [c.value for c in at.caption]
    parts += [h.value for h in at.title] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # markdown escapes dropped


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def fill_and_create(at: AppTest, title: str) -> None:
    at.text_input(key="party_name_0").input("Us")
    at.text_input(key="party_name_1").input("Them")
    at.text_input[0].input(title)
    button(at, "Create session").click().run()
    assert not at.exception, at.exception


def test_signed_in_only_refuses_an_anonymous_visitor_and_offers_sign_in(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "signed-in")
    at = app()
    at.switch_page("views/create.py").run()
    assert "for signed-in facilitators" in texts(at)
    assert "Create session" not in labels(at) and "Sign in" in labels(at)


def test_an_allowlist_refuses_a_signed_in_user_outside_it_and_says_who(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "@example.org, ben@example.net")
    at = app("eve@example.com")
    at.switch_page("views/create.py").run()
    assert "eve@example.com is not one of them" in texts(at)
    assert "Create session" not in labels(at) and "Sign out" in labels(at)


def test_a_setting_that_is_not_understood_refuses_creation(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "sigend-in")
    at = app(ANA)
    at.switch_page("views/create.py").run()
    shown = texts(at)
    assert "This server is not set up correctly" in shown and "TRUSTCORE_CREATE" in shown
    assert "Create session" not in labels(at)


def test_a_listed_user_creates_a_session_that_is_theirs(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "@example.org")
    at = app(ANA)
    at.switch_page("views/create.py").run()
    fill_and_create(at, "Signed-in workshop")
    assert "The session is ready." in texts(at) and "My sessions" in texts(at)
    assert [s.title for s in mine(store, ANA)] == ["Signed-in workshop"]


def test_the_default_lets_an_anonymous_visitor_create_an_ownerless_session(store):
    at = app()
    at.switch_page("views/create.py").run()
    fill_and_create(at, "Laptop workshop")
    assert "The session is ready." in texts(at)
    assert [s.title for s in store.sessions()] == ["Laptop workshop"] and mine(store, ANA) == []


def test_my_sessions_lists_where_each_stands_and_opens_the_console_without_the_link(store):
    made = store.create_session("Ana's <b>deal</b>", ["A", "B"], owner=ANA)
    store.create_session("Ben's", ["A", "B"], owner=BEN)
    p = store.join(made.session.code, made.session.parties[0].id, "Pat")
    store.submit(made.session.code, p.token, made.session.catalogue.ids, round_number=1)
    at = app(ANA)
    at.switch_page("views/my_sessions.py").run()
    shown = texts(at)
    assert "Ana's <b>deal</b>" in shown
    assert "Ben's" not in shown
    assert "round 1 open · 1 of 1 submitted · 0 revealed · 0 open next steps" in shown
    button(at, "Open console").click().run()
    assert not at.exception, at.exception
    assert at.query_params["owner"] == "me" and "admin" not in at.query_params
    assert "Facilitator console" in texts(at) and "Lock round" in " ".join(labels(at))
    assert made.facilitator_token not in "".join(c.value for c in at.code)  # the link is not shown


def test_my_sessions_asks_an_anonymous_visitor_to_sign_in(store):
    store.create_session("Ana's", ["A", "B"], owner=ANA)
    at = app()
    at.switch_page("views/my_sessions.py").run()
    assert "Sign in" in labels(at) and "Ana's" not in texts(at)


@pytest.mark.parametrize("who", [None, BEN])
def test_the_owners_console_address_refuses_anyone_but_the_owner(store, who):
    made = store.create_session("Ana's", ["A", "B"], owner=ANA)
    at = app(who, session=made.session.code, owner="me")
    assert "Only this session's owner can open its console" in texts(at)
    assert not any("Lock round" in label for label in labels(at))


def test_handing_over_from_the_owners_console_moves_it_to_the_co_facilitator(store):
    made = store.create_session("Ana's", ["A", "B"], owner=ANA)
    at = app(ANA, session=made.session.code, owner="me")
    box = next(t for t in at.text_input if t.label == "Co-facilitator's e-mail address")
    box.input("Ben@Example.net")
    button(at, "Hand over").click().run()
    assert not at.exception, at.exception
    assert [s.code for s in mine(store, BEN)] == [made.session.code] and mine(store, ANA) == []
    assert "ben@example.net" in texts(at) and "My sessions" in texts(at)
    assert store.open(made.session.code, SignedIn(BEN)).role.value == "facilitator"


def test_the_facilitator_link_still_opens_the_console_and_can_hand_the_session_over(store):
    made = store.create_session("No sign-in", ["A", "B"])
    at = app(None, session=made.session.code, admin=made.facilitator_token)
    assert "Facilitator console" in texts(at) and "Nobody signed in owns this session yet." in texts(at)
    box = next(t for t in at.text_input if t.label == "Co-facilitator's e-mail address")
    box.input(ANA)
    button(at, "Hand over").click().run()
    assert [s.code for s in mine(store, ANA)] == [made.session.code]
    assert "Facilitator console" in texts(at)  # the link's holder keeps the console


def test_a_sign_in_without_a_verified_address_owns_nothing_and_is_told_why(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "signed-in")
    store.create_session("Ana's", ["A", "B"], owner=ANA)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = dict(AUTH)
    at.user = {"is_logged_in": True, "email": ANA, "email_verified": False}
    at.run()
    at.switch_page("views/create.py").run()
    assert "no verified e-mail address" in texts(at) and "Create session" not in labels(at)
    at.switch_page("views/my_sessions.py").run()
    assert "no verified e-mail address" in texts(at) and "Ana's" not in texts(at)


def test_the_new_workspace_form_says_why_it_is_refused_in_the_readers_language(store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_CREATE", "signed-in")
    at = app(lang="fr")
    at.switch_page("views/workspace.py").run()
    assert "seuls les facilitateurs connectés peuvent créer des sessions" in texts(at)
    assert "for signed-in facilitators" not in texts(at)
