"""A signed-in owner's workspace tab (AppTest): the owner, who holds no link in the URL, replaces the link and
sees the new one once, and deletes the workspace, going back to My sessions."""

from __future__ import annotations

import pytest
from test_signin_pages import app, button, store, texts  # noqa: F401  (fixtures)

from trustcore import workspace as ws
from trustcore.errors import AccessDenied

ANA = "ana@example.org"


def test_the_owner_replaces_the_link_and_sees_the_new_one_once(store):  # noqa: F811
    made = ws.create_workspace(store, "Acme Data", owner=ANA)
    at = app(ANA, workspace=str(made.workspace.id), owner="me")
    button(at, "Replace the link").click().run()
    assert not at.exception, at.exception
    assert "org" not in at.query_params  # the sign-in stays the tab's credential
    shown = "".join(c.value for c in at.code)
    token = shown.split("org=")[1].strip()
    assert store.open_workspace(made.workspace.id, token).workspace.name == "Acme Data"
    with pytest.raises(AccessDenied):
        store.open_workspace(made.workspace.id, made.token)
    at.run()  # shown once
    assert "org=" not in "".join(c.value for c in at.code)


def test_the_owner_deletes_the_workspace_and_goes_back_to_my_sessions(store):  # noqa: F811
    made = ws.create_workspace(store, "Acme Data", owner=ANA)
    at = app(ANA, workspace=str(made.workspace.id), owner="me")
    at.text_input(key="workspace:delete-confirm").input("Acme Data").run()
    button(at, "Delete the workspace").click().run()
    assert not at.exception, at.exception
    assert ws.mine(store, ANA) == []
    assert "were deleted" in texts(at)
