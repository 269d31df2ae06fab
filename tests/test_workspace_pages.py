"""The organisation workspace through the pages (AppTest, no browser): the console links a session to a
workspace by its pasted link, Reflect then shows the workspace's ranking instead of asking for it, and the
console adopts a departments' session's consensus into the workspace."""

from __future__ import annotations

from test_pages import made, run, store, texts  # noqa: F401  (fixtures)

from trustcore import links
from trustcore import workspace as ws
from trustcore.followup.baselines import baselines


def _link_from_console(at, pasted: str) -> None:
    at.text_input(key="ws:link:pasted").input(pasted)
    next(b for b in at.button if b.label == "Link").click().run()
    assert not at.exception, at.exception


def test_the_console_links_the_workspace_and_reflect_shows_its_ranking_instead_of_asking(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    org = ws.create_workspace(store, "CityBus organisation")
    wview = store.open_workspace(org.workspace.id, org.token)
    order = list(reversed(made.session.catalogue.ids))
    ws.set_ranking(wview, order, catalogue=made.session.catalogue)
    at = run(session=code, admin=fac)
    _link_from_console(at, "https://example.org/?workspace=1&org=" + "C" * 24)  # a wrong link: refused
    assert "This link is not valid" in texts(at)
    _link_from_console(at, links.workspace_link("https://example.org", org.workspace.id, org.token))
    assert [s.party for s in ws.linked_sessions(wview)] == ["CityBus"]  # the party named as our_org
    at.switch_page("views/reflect.py").run()
    assert not at.exception
    assert "comes from the organisation workspace" in texts(at)
    assert not any(b.label == "Save organisation-wide ranking" for b in at.button)
    assert baselines(store.open(code, fac))["CityBus"] == tuple(order)


def test_reflect_still_asks_for_the_ranking_in_a_session_without_a_workspace(store, made):  # noqa: F811
    at = run(session=made.session.code, admin=made.facilitator_token)
    at.switch_page("views/reflect.py").run()
    assert not at.exception
    assert "comes from the organisation workspace" not in texts(at)
    assert any(b.label == "Save organisation-wide ranking" for b in at.button)


def test_the_console_adopts_a_revealed_consensus_into_the_workspace(store):  # noqa: F811
    deps = store.create_session("Departments", ["Legal", "Data", "Sales"])
    code, fac = deps.session.code, deps.facilitator_token
    ids = list(deps.session.catalogue.ids)
    for i, party in enumerate(deps.session.parties):
        store.submit(code, store.join(code, party.id, f"P{i}").token, ids[i:] + ids[:i], round_number=1)
    store.lock(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    org = ws.create_workspace(store, "Acme")
    at = run(session=code, admin=fac)
    at.text_input(key="ws:adopt:pasted").input(links.workspace_link("https://example.org", org.workspace.id, org.token))
    next(b for b in at.button if b.label == "Adopt the consensus").click().run()
    assert not at.exception, at.exception
    current = ws.current_ranking(store.open_workspace(org.workspace.id, org.token))
    assert current is not None and current.version == 1
    assert current.order == tuple(store.open(code, fac).results(1).borda)


def test_a_visitor_creates_a_workspace_and_the_tab_then_holds_its_link(store):  # noqa: F811
    at = run()
    at.switch_page("views/workspace.py").run()
    assert "New organisation workspace" in texts(at)
    at.text_input[0].input("Acme Data")
    next(b for b in at.button if b.label == "Create the workspace").click().run()
    assert not at.exception, at.exception
    wid, token = at.query_params["workspace"], at.query_params["org"]
    assert store.open_workspace(wid, token).workspace.name == "Acme Data"
    at = run(workspace=wid, org=token)  # the link as a first request
    assert "Acme Data" in texts(at) and "No organisation-wide ranking yet" in texts(at)


def test_the_workspace_page_saves_a_version_shows_the_versions_and_its_sessions(store, made):  # noqa: F811
    org = ws.create_workspace(store, "CityBus organisation")
    wview = store.open_workspace(org.workspace.id, org.token)
    first = ws.set_ranking(wview, list(made.session.catalogue.ids))
    ws.link_session(store.open(made.session.code, made.facilitator_token), wview, made.session.parties[0].id)
    at = run(workspace=str(org.workspace.id), org=org.token)
    assert "Version 1" in texts(at)
    assert any("Bus data" in d.value.to_string() for d in at.table)  # the linked session, by its title
    assert made.session.code not in texts(at).replace("-", "")  # not its code: that would let them join
    ws.set_ranking(wview, list(reversed(first.order)), expected_version=1)  # someone else saves first
    next(b for b in at.button if b.label == "Save the organisation-wide ranking").click().run()
    assert not at.exception, at.exception
    assert "Someone else saved the organisation" in texts(at)  # (as shown: markdown escaped)
    assert [v.version for v in ws.rankings(wview)] == [1, 2]  # theirs kept, nothing overwritten


def test_a_tampered_workspace_link_is_refused_in_words_and_grants_nothing(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme")
    at = run(workspace=str(org.workspace.id), org=org.token[:-2] + "zz")
    assert "This organisation workspace link is not valid" in texts(at)
    assert "Acme" not in texts(at)  # the start page, nothing of the workspace
