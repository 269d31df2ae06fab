"""The organisation workspace (trustcore.workspace): its link, its Activity 1 ranking with every version
kept, adopting a departments' session's consensus, and a relationship session reading it on Reflect."""

from __future__ import annotations

import pytest
from conftest import columns

from trustcore import catalogue, rights
from trustcore import db as dbmod
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, EditConflict, NotAllowedNow
from trustcore.followup import baselines
from trustcore.model import Role
from trustcore.signin import SignedIn
from trustcore.store import Store

ANA = "ana@example.org"


def ids():
    return list(catalogue.default().ids)


def test_a_workspace_is_reached_through_its_own_link_and_only_its_hash_is_stored(store):
    made = ws.create_workspace(store, "  Acme Data  ")
    wview = store.open_workspace(made.workspace.id, made.token)
    assert wview.workspace.name == "Acme Data"
    assert wview.role is Role.WORKSPACE
    assert wview.link_query == f"?workspace={made.workspace.id}&org={made.token}"
    with dbmod.connection(store.path) as db:
        row = next(iter(db.query("SELECT * FROM workspaces WHERE id = ?", [made.workspace.id])))
    assert made.token not in str(row) and row["token_hash"] != made.token


def test_a_tampered_workspace_link_is_refused_with_the_message_of_any_wrong_link(store):
    made = ws.create_workspace(store, "Acme")
    other = ws.create_workspace(store, "Other")
    tampered = made.token[:-1] + ("A" if made.token[-1] != "A" else "B")
    messages = set()
    for wid, token in [
        (made.workspace.id, tampered),
        (made.workspace.id, other.token),  # another workspace's token
        (made.workspace.id + 1000, made.token),  # no such workspace
        ("x", made.token),
        (made.workspace.id, None),
        (made.workspace.id, SignedIn(ANA)),  # nobody owns it
    ]:
        with pytest.raises(AccessDenied) as info:
            store.open_workspace(wid, token)
        messages.add(str(info.value))
    assert messages == {rights.DENIED}


def test_a_signed_in_creator_finds_their_workspace_and_opens_it_without_the_link(store):
    made = ws.create_workspace(store, "Acme", owner=ANA.upper())
    ws.create_workspace(store, "Not mine")
    assert [w.name for w in ws.mine(store, ANA)] == ["Acme"]
    assert ws.mine(store, None) == []
    assert store.open_workspace(made.workspace.id, SignedIn(ANA)).workspace.name == "Acme"
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, SignedIn("bo@example.org"))


def test_the_organisation_wide_ranking_is_dated_and_keeps_every_version(store):
    wview = store.open_workspace(*_made(store))
    first = ws.set_ranking(wview, ids())
    assert ws.set_ranking(wview, ids(), expected_version=first.version) == first  # the same order: nothing new
    second = ws.set_ranking(wview, list(reversed(ids())), expected_version=first.version)
    assert [r.version for r in ws.rankings(wview)] == [1, 2]
    assert ws.rankings(wview)[0].order == tuple(ids())
    assert ws.current_ranking(wview) == second and second.entered_at and second.source == ""


def test_a_save_from_an_older_version_is_refused_and_names_the_current_one(store):
    wview = store.open_workspace(*_made(store))
    ws.set_ranking(wview, ids())
    newer = ws.set_ranking(wview, list(reversed(ids())), expected_version=1)
    shuffled = ids()[1:] + ids()[:1]
    with pytest.raises(EditConflict) as info:
        ws.set_ranking(wview, shuffled, expected_version=1)
    assert info.value.current == newer
    with pytest.raises(EditConflict):
        ws.set_ranking(wview, shuffled)  # "none saved yet", but there is one
    assert len(ws.rankings(wview)) == 2


def _made(store):
    made = ws.create_workspace(store, "Acme")
    return made.workspace.id, made.token


def _departments_session(store, *, reveal=True):
    """A co-ranking session among three departments, each ranking; round 1 revealed."""
    made = store.create_session("Departments", ["Legal", "Data", "Sales"])
    code, ftoken = made.session.code, made.facilitator_token
    order = list(made.session.catalogue.ids)
    for i, party in enumerate(made.session.parties):
        person = store.join(code, party.id, f"Person {i}")
        store.submit(code, person.token, order[i:] + order[:i], round_number=1)
    if reveal:
        store.lock(code, ftoken, round_number=1)
        store.reveal(code, ftoken, round_number=1)
    return made


def test_the_facilitator_of_a_departments_session_adopts_its_consensus_as_a_new_version(store):
    wview = store.open_workspace(*_made(store))
    ws.set_ranking(wview, ids())
    made = _departments_session(store)
    view = store.open(made.session.code, made.facilitator_token)
    adopted = ws.adopt_consensus(wview, view)
    assert adopted.order == tuple(view.results(1).borda)
    assert adopted.version == 2 and "Departments" in adopted.source
    assert ws.current_ranking(wview) == adopted
    logged = view.events()[-1]
    assert (logged.action, logged.detail) == ("consensus_adopted", {"round": 1, "version": 2})


def test_a_consensus_is_adopted_only_once_revealed_and_only_by_its_facilitator(store):
    wview = store.open_workspace(*_made(store))
    made = _departments_session(store, reveal=False)
    with pytest.raises(NotAllowedNow):
        ws.adopt_consensus(wview, store.open(made.session.code, made.facilitator_token))
    person = store.join(made.session.code, made.session.parties[0].id, "Pat")
    with pytest.raises(AccessDenied):
        ws.adopt_consensus(wview, store.open(made.session.code, person.token))
    assert ws.rankings(wview) == []


def _relationship(store, wview, *, party=0):
    made = store.create_session("Us and them", ["Acme", "Partner"])
    view = store.open(made.session.code, made.facilitator_token)
    ws.link_session(view, wview, made.session.parties[party].id)
    return made, view


def test_a_linked_session_reads_the_workspace_ranking_on_reflect_instead_of_typing_it(store):
    wview = store.open_workspace(*_made(store))
    ws.set_ranking(wview, ids())
    made, view = _relationship(store, wview)
    acme, partner = made.session.parties
    assert baselines.baselines(view) == {"Acme": tuple(ids())}
    newer = ws.set_ranking(wview, list(reversed(ids())), expected_version=1)
    assert baselines.baselines(view.reopened())["Acme"] == newer.order  # always the current version
    with pytest.raises(NotAllowedNow, match="organisation workspace"):
        baselines.set_baseline(view, acme.id, ids())
    baselines.set_baseline(view, partner.id, ids())  # the other party still types its own
    assert set(baselines.baselines(view)) == {"Acme", "Partner"}
    person = store.join(made.session.code, acme.id, "Pat")
    assert baselines.baselines(store.open(made.session.code, person.token))["Acme"] == newer.order
    assert [(s.code, s.party) for s in ws.linked_sessions(wview)] == [(made.session.code, "Acme")]


def test_a_session_without_a_workspace_still_has_its_ranking_typed(store, created):
    view = store.open(created.session.code, created.facilitator_token)
    assert ws.linked_ranking(view) is None
    baselines.set_baseline(view, created.session.parties[0].id, list(created.session.catalogue.ids))
    assert list(baselines.baselines(view)) == [created.session.parties[0].name]


def test_a_workspace_ranking_of_other_elements_leaves_the_ranking_to_be_typed(store):
    wview = store.open_workspace(*_made(store))
    ws.set_ranking(wview, ids())
    two = catalogue.validate([{"id": "a", "name": "A"}, {"id": "b", "name": "B"}])
    made = store.create_session("Short list", ["Acme", "Partner"], catalogue=two)
    view = store.open(made.session.code, made.facilitator_token)
    ws.link_session(view, wview, made.session.parties[0].id)
    link = ws.linked_ranking(view)
    assert link is not None and not link.fits
    baselines.set_baseline(view, made.session.parties[0].id, ["b", "a"])
    assert baselines.baselines(view) == {"Acme": ("b", "a")}


def test_only_the_facilitator_links_a_session_and_unlinking_brings_typing_back(store):
    wview = store.open_workspace(*_made(store))
    ws.set_ranking(wview, ids())
    made, view = _relationship(store, wview)
    person = store.join(made.session.code, made.session.parties[0].id, "Pat")
    with pytest.raises(AccessDenied):
        ws.link_session(store.open(made.session.code, person.token), wview, made.session.parties[0].id)
    ws.unlink_session(view)
    assert ws.linked_ranking(view) is None and baselines.baselines(view) == {}
    assert ws.linked_sessions(wview) == []


@pytest.mark.sqlite_only
def test_the_workspace_migration_leaves_todays_sessions_as_they_were(tmp_path):
    path = tmp_path / "old.db"
    dbmod.initialise(path, stop_before="m012_workspaces")
    old = Store(path).create_session("Old", ["A", "B"])
    view = Store(path).open(old.session.code, old.facilitator_token)
    baselines.set_baseline(view, old.session.parties[0].id, list(old.session.catalogue.ids))
    assert ws.linked_ranking(view) is None  # before m012: no workspaces, and Reflect still works
    store = Store(path).initialise()
    assert "token_hash" in columns(path, "workspaces")
    view = store.open(old.session.code, old.facilitator_token)
    assert baselines.baselines(view) == {"A": tuple(old.session.catalogue.ids)}
    wview = store.open_workspace(*_made(store))
    ws.link_session(view, wview, old.session.parties[1].id)
    assert ws.linked_sessions(wview)[0].party == "B"


def test_the_console_opens_a_workspace_from_its_pasted_link_and_refuses_anything_else(store):
    from trustcore import links
    from trustcore.errors import InvalidInput

    made = ws.create_workspace(store, "Acme")
    pasted = links.workspace_link("https://example.org", made.workspace.id, made.token)
    assert ws.open_link(store, f"  {pasted} ").workspace.name == "Acme"
    with pytest.raises(InvalidInput, match="whole link"):
        ws.open_link(store, "https://example.org/?session=abc")
    with pytest.raises(AccessDenied, match=rights.DENIED[:20]):
        ws.open_link(store, pasted.replace(made.token, "B" * 24))


def test_a_new_version_is_news_to_every_linked_session_open_pages_and_downloads_see_it(store):
    wview = store.open_workspace(*_made(store))
    made, view = _relationship(store, wview)
    before = view.change_marker()
    ws.set_ranking(wview, ids())
    assert view.change_marker() != before  # the open Reflect page redraws; a cached download is built again
    assert view.events()[-1].action == "organisation_ranking_changed"
