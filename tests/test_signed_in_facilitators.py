"""Signed-in facilitators (issue 22 items 1 and 2): who may create (``TRUSTCORE_CREATE``, a pure rule),
the owner recorded with a session, "My sessions", opening the console without the link (only through
``Store.identify``) and handing a session to a co-facilitator."""

from __future__ import annotations

import pytest
from conftest import columns

from trustcore import db as dbmod
from trustcore import owners, signin
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.model import Role
from trustcore.owners import hand_over, mine
from trustcore.signin import SignedIn, may_create, parse_rule
from trustcore.store import Store

ANA, BEN = "ana@example.org", "ben@example.net"


# ------------------------------------------------------------------ who may create: a pure rule


def test_unset_or_open_lets_everyone_create():
    for text in (None, "", "  ", "open", "OPEN"):
        assert may_create(parse_rule(text), None).allowed


def test_signed_in_rule_refuses_an_anonymous_visitor_and_says_to_sign_in():
    rule = parse_rule("signed-in")
    refused = may_create(rule, None)
    assert not refused.allowed and refused.sign_in_helps and "Sign in" in refused.why
    assert may_create(rule, "Anyone@Somewhere.example").allowed


def test_allowlist_admits_listed_addresses_and_domains_only():
    rule = parse_rule(" Ana@Example.org , @example.net ")
    assert may_create(rule, "ana@example.org").allowed
    assert may_create(rule, "ANA@example.org").allowed
    assert may_create(rule, "ben@example.net").allowed
    outside = may_create(rule, "eve@example.com")
    assert not outside.allowed and "eve@example.com" in outside.why and outside.sign_in_helps
    assert not may_create(rule, "eve@sub.example.net").allowed  # a domain entry is that domain only
    assert not may_create(rule, "ana@example.org.evil.test").allowed
    assert not may_create(rule, None).allowed


@pytest.mark.parametrize("text", ["sigend-in", "ana", "ana@", "@", ",", "example.org"])
def test_a_setting_that_is_not_understood_is_refused_rather_than_opening_creation(text):
    with pytest.raises(ValueError, match="TRUSTCORE_CREATE"):
        parse_rule(text)


def test_signed_in_credential_never_equals_a_token_from_a_url():
    me = SignedIn("Ana@Example.org")
    assert me.email == ANA and me == SignedIn(ANA)
    assert me != ANA and ANA != me and hash(me) != hash(ANA)
    assert {me: 1}.get(ANA) is None
    with pytest.raises(ValueError):
        SignedIn("not an address")


# ------------------------------------------------------------------ the owner, My sessions, the console


def test_a_session_created_signed_in_is_in_its_owners_sessions_with_where_it_stands(store):
    made = store.create_session("Mine", ["A", "B"], owner="Ana@Example.org")
    store.create_session("Not signed in", ["A", "B"])
    store.create_session("Ben's", ["A", "B"], owner=BEN)
    code = made.session.code
    f = store.open(code, made.facilitator_token)
    p = store.join(code, made.session.parties[0].id, "Pat")
    store.join(code, made.session.parties[1].id, "Quin")
    store.submit(code, p.token, list(made.session.catalogue.ids), round_number=1)
    from trustcore.followup.next_steps import add_next_step

    add_next_step(f, made.session.catalogue.ids[0], "Write the data-sharing agreement")
    f.reveal(round_number=1)

    [line] = mine(store, "ana@example.org")
    assert (line.code, line.title) == (code, "Mine")
    assert (line.round.number, line.status.value) == (1, "revealed")
    assert (line.participants, line.submitted, line.revealed, line.open_steps) == (2, 1, 1, 1)
    assert [s.title for s in mine(store, BEN)] == ["Ben's"]
    assert mine(store, "eve@example.com") == [] and mine(store, None) == []


def test_the_owner_opens_the_console_without_the_link_and_nobody_else_does(store):
    made = store.create_session("Mine", ["A", "B"], owner=ANA)
    code = made.session.code
    view = store.open(code, SignedIn(ANA))
    assert view.role is Role.FACILITATOR
    assert view.progress().round.number == 1  # a read the rights table checks
    view.lock(round_number=1)  # a write, re-resolved inside its transaction
    assert store._session(code).round.locked_at
    for stranger in (SignedIn(BEN), ANA, "ana@example.org"):
        with pytest.raises(AccessDenied):
            store.open(code, stranger)


def test_a_session_created_without_sign_in_keeps_its_facilitator_link_and_has_no_owner(store, created):
    code = created.session.code
    assert store.open(code, created.facilitator_token).role is Role.FACILITATOR
    assert owners.owner_of(store.open(code, created.facilitator_token)) is None
    with pytest.raises(AccessDenied):
        store.open(code, SignedIn(ANA))


def test_a_url_token_cannot_reuse_a_signed_in_holder_remembered_in_the_same_run(store):
    made = store.create_session("Mine", ["A", "B"], owner=ANA)
    with dbmod.unit(store.path):  # one page rerun: links are resolved once and remembered
        assert store.open(made.session.code, SignedIn(ANA)).role is Role.FACILITATOR
        with pytest.raises(AccessDenied):
            store.open(made.session.code, ANA)


def test_handing_over_moves_the_session_to_the_co_facilitators_sessions(store):
    made = store.create_session("Mine", ["A", "B"], owner=ANA)
    code = made.session.code
    assert hand_over(store.open(code, SignedIn(ANA)), " Ben@Example.NET ") == BEN
    assert [s.code for s in mine(store, BEN)] == [code] and mine(store, ANA) == []
    assert store.open(code, SignedIn(BEN)).role is Role.FACILITATOR
    with pytest.raises(AccessDenied):
        store.open(code, SignedIn(ANA))
    assert store.open(code, made.facilitator_token).role is Role.FACILITATOR  # the link still works
    assert any(e.action == "handed_over" for e in store.open(code, made.facilitator_token).events())


def test_a_facilitator_link_hands_a_session_created_without_sign_in_to_someone(store, created):
    code = created.session.code
    hand_over(store.open(code, created.facilitator_token), ANA)
    assert [s.code for s in mine(store, ANA)] == [code]


def test_handing_over_to_something_that_is_not_an_address_is_refused_in_words(store):
    made = store.create_session("Mine", ["A", "B"], owner=ANA)
    with pytest.raises(InvalidInput, match="e-mail address"):
        hand_over(store.open(made.session.code, SignedIn(ANA)), "ben")
    assert [s.code for s in mine(store, ANA)] == [made.session.code]


def test_an_expired_session_leaves_my_sessions_and_grants_nothing(store):
    made = store.create_session("Old", ["A", "B"], owner=ANA)
    with dbmod.write(store.path) as db:
        db.execute("UPDATE sessions SET created_at = '2001-01-01T00:00:00Z' WHERE id = ?", [made.session.id])
    short = Store(store.path, retention_days=30)
    assert mine(short, ANA) == []
    with pytest.raises(AccessDenied):
        short.open(made.session.code, SignedIn(ANA))


@pytest.mark.sqlite_only
def test_the_owner_migration_leaves_earlier_sessions_ownerless(tmp_path):
    path = tmp_path / "old.db"
    dbmod.initialise(path, stop_before="m010_session_owner")
    old = Store(path).create_session("Old", ["A", "B"])
    assert "owner_email" not in columns(path, "sessions")
    store = Store(path).initialise()
    assert "owner_email" in columns(path, "sessions")
    assert store.open(old.session.code, old.facilitator_token).role is Role.FACILITATOR
    assert mine(store, ANA) == []
    hand_over(store.open(old.session.code, old.facilitator_token), ANA)
    assert store.open(old.session.code, SignedIn(ANA)).role is Role.FACILITATOR


def test_signed_in_without_an_address_cannot_own(store):
    with pytest.raises(InvalidInput):
        store.create_session("Mine", ["A", "B"], owner="")
    assert signin.email_of(None) is None
    assert signin.email_of("an`a@example.org") is None  # shown in code spans: a backquote would end one


def test_an_address_the_provider_did_not_verify_is_no_address():
    assert signin.address_of({"is_logged_in": True, "email": "Ana@Example.org"}) == ANA
    assert signin.address_of({"is_logged_in": True, "email": ANA, "email_verified": True}) == ANA
    assert signin.address_of({"is_logged_in": True, "email": ANA, "email_verified": False}) is None
    assert signin.address_of({"is_logged_in": False, "email": ANA}) is None
    assert signin.address_of({"email": ANA}) is None  # AppTest's default user, and a server without [auth]
    assert signin.address_of({"is_logged_in": True}) is None


def test_the_owner_downloads_every_file_the_facilitator_link_offers(store):
    from trustcore import documents

    made = store.create_session("Mine", ["A", "B"], owner=ANA)
    code = made.session.code
    p = store.join(code, made.session.parties[0].id, "Pat")
    store.submit(code, p.token, list(made.session.catalogue.ids), round_number=1)
    store.open(code, made.facilitator_token).reveal(round_number=1)
    by_link = [d.key for d in documents.offered(store.open(code, made.facilitator_token))]
    owned = documents.offered(store.open(code, SignedIn(ANA)))
    assert [d.key for d in owned] == by_link and "archive" in by_link
    for document in owned:
        assert document.build(), document.key
