"""The organisation workspace's link is replaced (the old one refused at once, also in a tab that still has it
open) and the workspace deleted (its linked sessions unlinked, still working), by its link's holder or its
signed-in owner (trustcore.workspace_admin), on both backends."""

from __future__ import annotations

import pytest

from trustcore import catalogue, rights, workspace_admin
from trustcore import db as dbmod
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.followup import baselines
from trustcore.signin import SignedIn

ANA = "ana@example.org"


def ids():
    return list(catalogue.default().ids)


def test_a_replaced_link_is_refused_and_the_new_one_works(store):
    made = ws.create_workspace(store, "Acme")
    old = store.open_workspace(made.workspace.id, made.token)
    ws.set_ranking(old, ids())
    new = workspace_admin.replace_link(old)
    assert new != made.token
    with pytest.raises(AccessDenied) as info:
        store.open_workspace(made.workspace.id, made.token)
    assert str(info.value) == rights.DENIED
    fresh = store.open_workspace(made.workspace.id, new)
    assert ws.current_ranking(fresh).version == 1  # the workspace is the same, only its link changed
    with dbmod.connection(store.path) as db:
        row = next(iter(db.query("SELECT token_hash FROM workspaces WHERE id = ?", [made.workspace.id])))
    assert new not in str(row)


def test_a_tab_still_holding_the_old_link_is_refused_on_its_next_write(store):
    made = ws.create_workspace(store, "Acme")
    open_tab = store.open_workspace(made.workspace.id, made.token)  # resolved before the link was replaced
    other_tab = store.open_workspace(made.workspace.id, made.token)
    new = workspace_admin.replace_link(other_tab)
    with pytest.raises(AccessDenied):
        ws.set_ranking(open_tab, ids())
    with pytest.raises(AccessDenied):
        workspace_admin.replace_link(open_tab)
    with pytest.raises(AccessDenied):
        workspace_admin.delete_workspace(open_tab, "Acme")
    assert ws.rankings(store.open_workspace(made.workspace.id, new)) == []  # nothing was written


def test_the_signed_in_owner_replaces_the_link_and_deletes_without_it(store):
    made = ws.create_workspace(store, "Acme", owner=ANA)
    owner = store.open_workspace(made.workspace.id, SignedIn(ANA))
    new = workspace_admin.replace_link(owner)
    assert store.open_workspace(made.workspace.id, new).workspace.name == "Acme"
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, made.token)
    assert workspace_admin.delete_workspace(owner, "Acme") == []
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, SignedIn(ANA))
    assert ws.mine(store, ANA) == []


def test_deleting_needs_the_workspaces_name_typed(store):
    made = ws.create_workspace(store, "Acme Data")
    wview = store.open_workspace(made.workspace.id, made.token)
    for typed in ("", "acme data", "Acme", "DELETE", None):
        with pytest.raises(InvalidInput, match="Type the workspace's name"):
            workspace_admin.delete_workspace(wview, typed)
    assert store.open_workspace(made.workspace.id, made.token)
    workspace_admin.delete_workspace(wview, "  Acme Data ")
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, made.token)


def test_deleting_unlinks_its_sessions_which_keep_working_and_ask_for_the_ranking_again(store):
    made = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(made.workspace.id, made.token)
    kept = ws.create_workspace(store, "Other")
    session = store.create_session("Bus data", ["Acme", "Council"])
    code, fac = session.session.code, session.facilitator_token
    acme = session.session.parties[0]
    ws.link_session(store.open(code, fac), wview, acme.id)
    ws.set_ranking(wview, list(session.session.catalogue.ids))
    assert baselines.baselines(store.open(code, fac))["Acme"] == tuple(session.session.catalogue.ids)
    before = store._change_marker(code)

    assert workspace_admin.delete_workspace(wview, "Acme") == ["Bus data"]

    view = store.open(code, fac)  # the session keeps working
    assert ws.linked_ranking(view) is None
    assert "Acme" not in baselines.baselines(view)  # Reflect asks for it again
    baselines.set_baseline(view, acme.id, list(session.session.catalogue.ids)[::-1])
    assert store._change_marker(code) != before  # its open pages see the change
    assert any(e.action == "workspace_unlinked" for e in store.events(code, fac))
    with dbmod.connection(store.path) as db:
        for table in ws.TABLES:
            key = "id" if table == "workspaces" else "workspace_id"
            left = list(db.query(f"SELECT * FROM {table} WHERE {key} = ?", [made.workspace.id]))
            assert left == [], table
    assert store.open_workspace(kept.workspace.id, kept.token).workspace.name == "Other"  # others untouched


def test_a_deleted_workspace_grants_nothing_to_its_link(store):
    made = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(made.workspace.id, made.token)
    workspace_admin.delete_workspace(wview, "Acme")
    for call in (
        lambda: ws.set_ranking(wview, ids()),
        lambda: workspace_admin.replace_link(wview),
        lambda: store.open_workspace(made.workspace.id, made.token),
    ):
        with pytest.raises(AccessDenied):
            call()
