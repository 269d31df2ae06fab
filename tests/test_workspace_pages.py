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
