"""Activity 2 in the organisation workspace (trustcore.internal_worksheet): Column A in the Activity 1 order,
Columns B and C per element, each field internal or shareable, versioned with the relationship worksheet's
version check; only the workspace link edits it; the m013 migration from m012's schema."""

from __future__ import annotations

import pytest
from conftest import columns, count, tables

from trustcore import catalogue, rights
from trustcore import db as dbmod
from trustcore import internal_worksheet as iw
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, EditConflict, InvalidInput
from trustcore.rights import Action
from trustcore.store import Store


def ids():
    return list(catalogue.default().ids)


@pytest.fixture
def wview(store):
    made = ws.create_workspace(store, "Acme")
    return store.open_workspace(made.workspace.id, made.token)


def test_column_a_is_the_default_order_until_the_organisation_ranks(wview):
    sheet = iw.build(wview)
    assert [r.element_id for r in sheet.rows] == ids()
    assert sheet.ranking_version is None and "no organisation-wide ranking yet" in sheet.order_source
    assert sheet.rows[0].element == catalogue.default().elements[0].name and sheet.rows[0].entries == {}


def test_column_a_follows_each_new_version_of_the_activity_1_ranking(wview):
    first = ws.set_ranking(wview, list(reversed(ids())))
    sheet = iw.build(wview)
    assert [r.element_id for r in sheet.rows] == list(reversed(ids())) and sheet.ranking_version == 1
    assert [r.position for r in sheet.rows] == list(range(1, len(ids()) + 1))
    iw.set_entry(wview, ids()[0], "B", "We audit access every quarter")
    moved = ids()[1:] + ids()[:1]
    ws.set_ranking(wview, moved, expected_version=first.version)
    sheet = iw.build(wview)
    assert [r.element_id for r in sheet.rows] == moved and sheet.ranking_version == 2
    assert "version 2" in sheet.order_source
    assert sheet.rows[-1].entries["B"].text == "We audit access every quarter"  # the entry moves with its element


def test_each_field_is_internal_or_shareable_and_saving_it_again_changes_nothing(wview):
    steps = iw.set_entry(wview, "privacy", "b", "  We publish our DPIAs  ")
    evidence = iw.set_entry(wview, "privacy", "C", "The board minutes of March", internal=True)
    assert (steps.column, steps.text, steps.internal, steps.version) == ("B", "We publish our DPIAs", False, 1)
    assert (evidence.internal, evidence.version) == (True, 1)
    assert iw.set_entry(wview, "privacy", "B", "We publish our DPIAs", expected_version=1) == steps  # no new version
    marked = iw.set_entry(wview, "privacy", "B", "We publish our DPIAs", internal=True, expected_version=1)
    assert (marked.internal, marked.version) == (True, 2)
    row = next(r for r in iw.build(wview).rows if r.element_id == "privacy")
    assert {c: (e.text, e.internal, e.version) for c, e in row.entries.items()} == {
        "B": ("We publish our DPIAs", True, 2),
        "C": ("The board minutes of March", True, 1),
    }


def test_a_save_from_an_older_version_is_refused_and_keeps_the_newer_text(wview):
    iw.set_entry(wview, "privacy", "B", "First words")
    iw.set_entry(wview, "privacy", "B", "Someone else's words", expected_version=1)
    with pytest.raises(EditConflict) as info:
        iw.set_entry(wview, "privacy", "B", "My words", expected_version=1)
    assert info.value.current.text == "Someone else's words" and info.value.current.version == 2
    assert str(info.value) == iw.ENTRY_CHANGED
    with pytest.raises(EditConflict):  # a new entry that someone else wrote first
        iw.set_entry(wview, "privacy", "B", "Also new", expected_version=None)
    assert next(r for r in iw.build(wview).rows if r.element_id == "privacy").entries["B"].text == (
        "Someone else's words"
    )


def test_wrong_fields_are_refused_in_words(wview):
    with pytest.raises(InvalidInput, match="Column A"):
        iw.set_entry(wview, "not-an-element", "B", "x")
    with pytest.raises(InvalidInput, match="must be B"):
        iw.set_entry(wview, "privacy", "D", "x")
    with pytest.raises(InvalidInput, match="whole number"):
        iw.set_entry(wview, "privacy", "B", "x", expected_version=-1)
    assert iw.build(wview).rows[0].entries == {}


def test_only_the_workspace_link_edits_it_and_a_session_link_opens_nothing_of_it(store, wview, created):
    assert rights.RIGHTS[Action.EDIT_INTERNAL_WORKSHEET].allowed == {rights.W: rights.ALWAYS}
    with pytest.raises(AccessDenied):
        store.open_workspace(wview.workspace.id, created.facilitator_token)
    other = ws.create_workspace(store, "Other")
    with pytest.raises(AccessDenied):
        store.open_workspace(wview.workspace.id, other.token)
    iw.set_entry(store.open_workspace(other.workspace.id, other.token), "privacy", "B", "Theirs")
    assert iw.build(wview).rows[0].entries == {}  # each workspace has its own worksheet


def test_a_change_is_news_to_every_linked_session(store, wview, created):
    view = store.open(created.session.code, created.facilitator_token)
    ws.link_session(view, wview, created.session.parties[0].id)
    before = view.change_marker()
    iw.set_entry(wview, "privacy", "B", "Steps")
    assert view.change_marker() != before  # the survey's open pages and its cached download see it
    assert view.events()[-1].action == "internal_worksheet_changed"


def test_the_worksheet_goes_with_its_workspace(store, wview):
    iw.set_entry(wview, "privacy", "B", "Steps")
    with dbmod.write(store.path) as db:
        db.execute("DELETE FROM workspaces WHERE id = ?", [wview.workspace.id])
    assert count(store, "SELECT count(*) FROM workspace_worksheet") == 0
    assert "workspace_worksheet" in ws.TABLES  # an organisation's, so no session's archive carries it


@pytest.mark.sqlite_only
def test_the_migration_from_m012s_schema_keeps_the_workspace_and_its_ranking(tmp_path):
    path = tmp_path / "old.db"
    dbmod.initialise(path, stop_before="m013_internal_worksheet")
    old = Store(path)
    made = ws.create_workspace(old, "Acme")
    ws.set_ranking(old.open_workspace(made.workspace.id, made.token), list(reversed(ids())))
    assert "workspace_worksheet" not in tables(path)
    store = Store(path).initialise()
    assert columns(path, "workspace_worksheet")[:3] == ["workspace_id", "element_id", "col"]
    wview = store.open_workspace(made.workspace.id, made.token)
    assert ws.current_ranking(wview).order == tuple(reversed(ids()))
    iw.set_entry(wview, ids()[-1], "C", "Evidence")
    first = iw.build(wview).rows[0]
    assert first.element_id == ids()[-1] and first.entries["C"].text == "Evidence"
