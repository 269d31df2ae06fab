"""A signed-in creator's organisation workspace: on My sessions, and opened there without its link."""

from __future__ import annotations

from test_signin_pages import app, button, store, texts  # noqa: F401  (fixtures)

from trustcore import workspace as ws


def test_my_sessions_lists_the_owners_workspace_and_opens_it_without_the_link(store):  # noqa: F811
    ws.create_workspace(store, "Acme Data", owner="ana@example.org")
    ws.create_workspace(store, "Someone else's", owner="bo@example.org")
    at = app("ana@example.org")
    at.switch_page("views/my_sessions.py").run()
    assert "Acme Data" in texts(at) and "Someone else's" not in texts(at)
    button(at, "Open workspace").click().run()
    at.run()  # AppTest does not rerun the entrypoint after a click
    assert not at.exception, at.exception
    assert "Organisation workspace · created" in texts(at) and "Acme Data" in texts(at)
    assert "org" not in at.query_params  # no token in the URL: the sign-in is the credential


def test_a_workspace_created_signed_in_is_its_creators(store):  # noqa: F811
    at = app("ana@example.org")
    at.switch_page("views/workspace.py").run()
    at.text_input[0].input("Acme Data")
    button(at, "Create the workspace").click().run()
    assert not at.exception, at.exception
    assert [w.name for w in ws.mine(store, "ana@example.org")] == ["Acme Data"]


def test_another_signed_in_user_cannot_open_the_workspace_by_its_number(store):  # noqa: F811
    made = ws.create_workspace(store, "Acme Data", owner="ana@example.org")
    at = app("bo@example.org", workspace=str(made.workspace.id), owner="me")
    assert "This organisation workspace link is not valid" in texts(at) and "Acme Data" not in texts(at)
