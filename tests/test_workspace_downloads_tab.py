"""The workspace page's "Downloads and link" tab (AppTest, no browser): the JSON archive's download, replacing the
link (the new one shown, the old one refused) and deleting the workspace once its name is typed (its linked
sessions unlinked and still working)."""

from __future__ import annotations

import json

import pytest
from test_pages import made, run, store, texts  # noqa: F401  (fixtures)

from trustcore import catalogue, links
from trustcore import workspace as ws
from trustcore.errors import AccessDenied


def _tab(org):
    at = run(workspace=str(org.workspace.id), org=org.token)
    assert "Link and deletion" in texts(at)
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_the_tab_offers_the_workspaces_archive(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme Data")
    ws.set_ranking(store.open_workspace(org.workspace.id, org.token), list(catalogue.default().ids))
    at = _tab(org)
    buttons = at.get("download_button")
    assert "Whole workspace (JSON archive)" in [b.proto.label for b in buttons]
    assert "holds no link" in texts(at)


def test_the_tab_replaces_the_link_shows_the_new_one_and_keeps_working(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme Data")
    at = _tab(org)
    _button(at, "Replace the link").click().run()
    assert not at.exception, at.exception
    new = at.query_params["org"]
    assert new != org.token
    assert "the old one no longer works" in texts(at)
    shown = [c.value for c in at.code]
    assert links.workspace_link("http://localhost:8501", org.workspace.id, new).split("?")[1] in "".join(shown)
    with pytest.raises(AccessDenied):
        store.open_workspace(org.workspace.id, org.token)
    assert store.open_workspace(org.workspace.id, new).workspace.name == "Acme Data"
    stale = run(workspace=str(org.workspace.id), org=org.token)  # a tab that still has the old link
    assert "This organisation workspace link is not valid" in texts(stale) and "Acme Data" not in texts(stale)


def test_the_tab_deletes_the_workspace_once_its_name_is_typed(store, made):  # noqa: F811
    org = ws.create_workspace(store, "Acme Data")
    wview = store.open_workspace(org.workspace.id, org.token)
    code, fac = made.session.code, made.facilitator_token
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    at = _tab(org)
    delete = _button(at, "Delete the workspace")
    assert delete.disabled
    at.text_input(key="workspace:delete-confirm").input("acme").run()
    assert _button(at, "Delete the workspace").disabled
    at.text_input(key="workspace:delete-confirm").input("Acme Data").run()
    _button(at, "Delete the workspace").click().run()
    assert not at.exception, at.exception
    shown = texts(at).replace("\\", "")  # (as shown: markdown escaped)
    assert "were deleted" in shown and "1 linked session was unlinked" in shown
    assert "workspace" not in at.query_params and "org" not in at.query_params
    with pytest.raises(AccessDenied):
        store.open_workspace(org.workspace.id, org.token)
    assert ws.linked_ranking(store.open(code, fac)) is None  # the session keeps working, unlinked
    console = run(session=code, admin=fac)
    assert "Link this session to its organisation's workspace" in texts(console)


def test_the_archive_downloaded_from_the_tab_imports(store):  # noqa: F811
    from trustcore import documents, workspace_archive

    org = ws.create_workspace(store, "Acme Data")
    wview = store.open_workspace(org.workspace.id, org.token)
    (doc,) = [d for d in documents.workspace_offered(wview) if d.key == "workspace-archive"]
    assert doc.file_name == f"trustcore-workspace-{org.workspace.id}-archive.json"
    data = doc.build()
    assert json.loads(data)["workspace"]["name"] == "Acme Data"
    assert workspace_archive.import_workspace(store, data).workspace.name == "Acme Data"
