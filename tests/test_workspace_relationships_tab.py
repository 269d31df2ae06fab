"""The workspace's Relationships tab through the page (AppTest): one block per relationship with its sessions
and agreement, Column E across relationships with its open / overdue / done filter, nothing that works as a
session's link, and no person's name."""

from __future__ import annotations

from test_pages import run, store, texts  # noqa: F401  (fixtures)

from trustcore import workspace as ws
from trustcore.followup.next_steps import add_next_step


def _linked(store, wview, title, partner, order_b):  # noqa: F811
    made = store.create_session(title, ["Acme", partner], our_org="Acme", partner_org=partner)
    code, fac = made.session.code, made.facilitator_token
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    ids = list(made.session.catalogue.ids)
    for party, order in zip(made.session.parties, (ids, order_b(ids))):
        store.submit(code, store.join(code, party.id, f"Someone of {party.name}").token, order, round_number=1)
    store.lock(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    return made


def _frames(at):
    return [d.value for d in at.table]


def test_the_tab_shows_each_relationship_its_agreement_and_column_e_with_filters(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    first = _linked(store, wview, "Bus 2026", "CityBus", lambda ids: list(reversed(ids)))
    second = _linked(store, wview, "Bus 2027", "citybus", lambda ids: ids)
    water = _linked(store, wview, "Water 2027", "Water Board", lambda ids: ids[1:] + ids[:1])
    add_next_step(
        store.open(first.session.code, first.facilitator_token),
        "privacy",
        "Publish a DPIA",
        owner_party_id=first.session.parties[1].id,
        owner_person="Ulrich Bramblewood",
        due="2020-01-31",
    )
    add_next_step(store.open(water.session.code, water.facilitator_token), "privacy", "Share logs", due="Q3 2099")
    add_next_step(
        store.open(second.session.code, second.facilitator_token),
        "privacy",
        "Old step",
        due="2020-01-01",
        status="done",
    )
    at = run(workspace=str(org.workspace.id), org=org.token)
    shown = texts(at).replace("\\", "")  # as shown: markdown escapes dropped
    assert "CityBus" in shown and "Water Board" in shown
    assert "2 sessions" in shown and "1 open next step (1 overdue)" in shown
    assert "agreement went from" in shown  # the chart's summary in words, under it
    sessions = _frames(at)[0]
    assert list(sessions["Session"]) == ["Bus 2026", "Bus 2027"]
    assert list(sessions["Statistic"]) == ["Kendall τ-b = -1.00", "Kendall τ-b = 1.00"]
    steps = _frames(at)[-1]
    assert list(zip(steps["State"], steps["Next step"])) == [("overdue", "Publish a DPIA"), ("open", "Share logs")]
    assert "Ulrich Bramblewood" not in shown and "Ulrich Bramblewood" not in steps.to_string()
    for code in (first.session.code, second.session.code, water.session.code):
        assert code not in shown.replace("-", "") and code not in "".join(f.to_string() for f in _frames(at))

    at.button_group(key="rel:filter").set_value(["done"]).run()
    assert not at.exception, at.exception
    assert list(_frames(at)[-1]["Next step"]) == ["Old step"]


def test_a_workspace_without_linked_sessions_says_how_to_link_one(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme")
    at = run(workspace=str(org.workspace.id), org=org.token)
    assert "No session reads this ranking yet" in texts(at)
