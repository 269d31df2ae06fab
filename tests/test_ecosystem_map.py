"""The organisation workspace's data ecosystem map (Activity 4, trustcore.ecosystem): actors and flows, their
checks and caps, the version check on edits, the shareable version, the diagram (SVG) and the CSV, and a
session started from a relationship on the map. Both backends (the ``store`` fixture)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import columns, every_row, raw

from trustcore import db as dbmod
from trustcore import ecosystem, ecosystem_svg, limits, owners, signin
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, EditConflict, InvalidInput, NotAllowedNow
from trustcore.store import Store

OPEN = signin.parse_rule("open")


def _workspace(store, name="CityBus"):
    made = ws.create_workspace(store, name)
    return store.open_workspace(made.workspace.id, made.token)


def _four_and_five(wview):
    """A map of four actors and five flows: CityBus (named like the workspace), the Council, Riders, a portal."""
    bus = ecosystem.add_actor(wview, "CityBus", "organisation", role="steward")
    council = ecosystem.add_actor(wview, "City Council", "organisation", role="reuser")
    riders = ecosystem.add_actor(wview, "Riders", "people", role="beneficiary")
    portal = ecosystem.add_actor(wview, "Open data portal", "technology", internal=True)
    ecosystem.add_flow(wview, bus.id, council.id, "data", label="timetables")
    ecosystem.add_flow(wview, council.id, bus.id, "money", label="subsidy")
    ecosystem.add_flow(wview, bus.id, council.id, "insights", internal=True)
    ecosystem.add_flow(wview, bus.id, riders.id, "services")
    ecosystem.add_flow(wview, portal.id, riders.id, "data")
    return bus, council, riders, portal


def test_a_map_holds_actors_and_flows_and_the_organisation_is_the_actor_named_like_the_workspace(store):
    wview = _workspace(store)
    bus, council, riders, portal = _four_and_five(wview)
    m = ecosystem.read(wview)
    assert [a.name for a in m.actors] == ["CityBus", "City Council", "Riders", "Open data portal"]
    assert (council.kind, council.role, riders.kind, portal.kind) == ("organisation", "reuser", "people", "technology")
    assert len(m.flows) == 5 and m.organisation == bus
    [relationship] = m.relationships()  # only organisations: not Riders, not the portal
    assert relationship.partner == council and relationship.key == "city council"
    assert [f.kind for f in relationship.flows] == ["data", "money", "insights"]
    # marking another actor as the organisation moves the mark (one organisation per map)
    marked = ecosystem.add_actor(wview, "CityBus Holdings", "organisation", organisation=True)
    assert ecosystem.read(wview).organisation == marked


def test_what_cannot_be_on_a_map_is_refused_in_words_and_writes_nothing(store):
    wview = _workspace(store)
    bus, council, *_ = _four_and_five(wview)
    other = _workspace(store, "Other")  # another workspace's actor is not on this map
    theirs = ecosystem.add_actor(other, "Theirs", "organisation")
    before = every_row(store)
    cases = [
        (lambda: ecosystem.add_actor(wview, "  city COUNCIL ", "organisation"), "already an actor called"),
        (lambda: ecosystem.add_actor(wview, "", "organisation"), "name"),
        (lambda: ecosystem.add_actor(wview, "X", "robot"), "kind of actor"),
        (lambda: ecosystem.add_actor(wview, "X", "people", role="owner"), "role"),
        (lambda: ecosystem.add_flow(wview, bus.id, bus.id, "data"), "two different actors"),
        (lambda: ecosystem.add_flow(wview, bus.id, 99_999, "data"), "on this map"),
        (lambda: ecosystem.add_flow(wview, bus.id, "x", "data"), "on this map"),
        (lambda: ecosystem.add_flow(wview, bus.id, council.id, "gossip"), "kind of flow"),
        (lambda: ecosystem.add_flow(wview, bus.id, council.id, "data", label="x" * 61), "label"),
    ]
    for call, words in cases:
        with pytest.raises(InvalidInput, match=words):
            call()
    with pytest.raises(InvalidInput, match="on this map"):
        ecosystem.add_flow(wview, bus.id, theirs.id, "data")
    with pytest.raises(EditConflict):
        ecosystem.edit_actor(wview, theirs.id, name="Mine", kind="organisation", expected_version=1)
    assert every_row(store) == before
    assert [a.name for a in ecosystem.read(other).actors] == ["Theirs"]


def test_an_edit_or_removal_from_an_older_version_is_refused_and_names_the_current_one(store):
    wview = _workspace(store)
    bus, council, riders, _ = _four_and_five(wview)
    newer = ecosystem.edit_actor(wview, council.id, name="Council", kind="organisation", expected_version=1)
    assert newer.version == 2 and newer.name == "Council"
    with pytest.raises(EditConflict) as info:
        ecosystem.edit_actor(wview, council.id, name="The Council", kind="organisation", expected_version=1)
    assert info.value.current == newer
    with pytest.raises(EditConflict):
        ecosystem.remove_actor(wview, council.id, expected_version=1)
    with pytest.raises(InvalidInput, match="already an actor"):
        ecosystem.edit_actor(wview, council.id, name="riders", kind="organisation", expected_version=2)
    flow = ecosystem.read(wview).flows[0]
    changed = ecosystem.edit_flow(
        wview, flow.id, source_id=bus.id, target_id=riders.id, kind="products", expected_version=1
    )
    assert (changed.target_id, changed.kind, changed.version) == (riders.id, "products", 2)
    with pytest.raises(EditConflict):
        ecosystem.remove_flow(wview, flow.id, expected_version=1)
    ecosystem.remove_flow(wview, flow.id, expected_version=2)
    with pytest.raises(EditConflict) as gone:  # removed meanwhile: the editor is told, nothing comes back
        ecosystem.edit_flow(wview, flow.id, source_id=bus.id, target_id=riders.id, kind="data", expected_version=2)
    assert gone.value.current is None


def test_removing_an_actor_removes_its_flows(store):
    wview = _workspace(store)
    bus, council, riders, portal = _four_and_five(wview)
    ecosystem.remove_actor(wview, riders.id, expected_version=1)
    m = ecosystem.read(wview)
    assert [a.name for a in m.actors] == ["CityBus", "City Council", "Open data portal"]
    assert all(riders.id not in (f.source_id, f.target_id) for f in m.flows) and len(m.flows) == 3


def test_the_shareable_map_drops_internal_actors_internal_flows_and_flows_touching_an_internal_actor(store):
    wview = _workspace(store)
    _four_and_five(wview)
    shared = ecosystem.read(wview, shareable=True)
    assert [a.name for a in shared.actors] == ["CityBus", "City Council", "Riders"]
    assert [shared.describe(f) for f in shared.flows] == [
        "CityBus → City Council: data (timetables)",
        "City Council → CityBus: money (subsidy)",
        "CityBus → Riders: services",
    ]
    assert "Open data portal" not in ecosystem_svg.svg(shared) and "Open data portal" not in ecosystem.csv_text(shared)


def test_the_map_holds_at_most_its_caps_and_the_one_past_is_refused_writing_nothing(store):
    wview = _workspace(store)
    wid = wview.workspace.id
    cap = limits.ECOSYSTEM_ACTORS.limit
    with raw(store) as conn:
        for i in range(cap - 2):
            conn.execute(
                "INSERT INTO ecosystem_actors (workspace_id, name, kind, updated_at) VALUES (?, ?, 'people', 'x')",
                [wid, f"Group {i}"],
            )
        conn.commit()
    a = ecosystem.add_actor(wview, "A", "organisation")
    b = ecosystem.add_actor(wview, "B", "organisation")  # the last that fits
    before = every_row(store)
    with pytest.raises(NotAllowedNow, match=f"already has {cap} actors"):
        ecosystem.add_actor(wview, "One too many", "organisation")
    flows = limits.ECOSYSTEM_FLOWS.limit
    with raw(store) as conn:
        for _ in range(flows - 1):
            conn.execute(
                """INSERT INTO ecosystem_flows (workspace_id, source_id, target_id, kind, updated_at)
                   VALUES (?, ?, ?, 'data', 'x')""",
                [wid, a.id, b.id],
            )
        conn.commit()
    ecosystem.add_flow(wview, b.id, a.id, "money")
    with pytest.raises(NotAllowedNow, match=f"already has {flows} flows"):
        ecosystem.add_flow(wview, b.id, a.id, "money")
    assert len(every_row(store)["ecosystem_flows"]) == flows
    assert every_row(store)["ecosystem_actors"] == before["ecosystem_actors"]


def test_the_diagram_escapes_what_people_typed_and_says_what_it_shows(store):
    wview = _workspace(store, "<script>alert(1)</script>")
    us = ecosystem.add_actor(wview, "<script>alert(1)</script>", "organisation")
    them = ecosystem.add_actor(wview, 'Tom & "Jerry" <b>', "organisation")
    ecosystem.add_flow(wview, us.id, them.id, "data", label="<img src=x onerror=alert(1)>")
    svg = str(ecosystem_svg.svg(ecosystem.read(wview), {'tom & "jerry" <b>': "Agreed <i>today</i> & 2 open steps"}))
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "Tom &amp; &#34;Jerry&#34; &lt;b&gt;" in svg
    assert "Agreed &lt;i&gt;today&lt;/i&gt; &amp; 2 open steps" in svg  # the annotation is drawn, as text
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert re.search(r"<title id=\"map-title\">.*data ecosystem map</title>", svg)
    desc = re.search(r"<desc id=\"map-desc\">(.*?)</desc>", svg, re.S)
    assert desc and "2 actors and 1 flow." in desc.group(1) and "in the centre" in desc.group(1)
    for kind in ecosystem.FLOW_KINDS.values():  # the legend names every kind of flow and of actor
        assert f">{kind}</text>" in svg
    assert ">Group of people</text>" in svg


def test_each_kind_of_flow_has_its_own_dash_and_colour(store):
    styles = list(ecosystem_svg.FLOW_STYLE.values())
    assert len({c for c, _ in styles}) == len({d for _, d in styles}) == len(ecosystem.FLOW_KINDS)


def test_the_diagram_is_the_same_for_the_same_map_and_draws_an_empty_one(store):
    wview = _workspace(store)
    assert "Nothing on the map yet" in ecosystem_svg.svg(ecosystem.read(wview))
    _four_and_five(wview)
    assert ecosystem_svg.svg(ecosystem.read(wview)) == ecosystem_svg.svg(ecosystem.read(wview))


def test_the_csv_has_its_columns_one_row_per_actor_and_flow_and_safe_cells(store):
    wview = _workspace(store)
    bus, council, *_ = _four_and_five(wview)
    ecosystem.add_actor(wview, '=HYPERLINK("http://x")', "people")
    ecosystem.add_flow(wview, bus.id, council.id, "products", label="@SUM(A1)")
    rows = list(csv.DictReader(io.StringIO(ecosystem.csv_text(ecosystem.read(wview)))))
    assert tuple(rows[0]) == ecosystem.CSV_COLUMNS == (
        "record", "name", "kind", "role", "organisation", "from", "to", "label", "shareable",
    )  # fmt: skip
    assert [r["record"] for r in rows] == ["actor"] * 5 + ["flow"] * 6
    assert rows[0] | {} == {
        "record": "actor", "name": "CityBus", "kind": "organisation", "role": "steward", "organisation": "yes",
        "from": "", "to": "", "label": "", "shareable": "yes",
    }  # fmt: skip
    assert rows[3]["shareable"] == "no"  # the portal is internal
    assert rows[4]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[5] | {} == {
        "record": "flow", "name": "", "kind": "data", "role": "", "organisation": "",
        "from": "CityBus", "to": "City Council", "label": "timetables", "shareable": "yes",
    }  # fmt: skip
    assert rows[-1]["label"] == "'@SUM(A1)"


def test_a_session_started_from_a_relationship_is_filled_in_and_linked_to_the_workspace(store):
    wview = _workspace(store)
    bus, council, *_ = _four_and_five(wview)
    started = ecosystem.start_session(wview, council.id, owner="ana@example.org", rule=OPEN)
    session = started.created.session
    assert (session.title, session.our_org, session.partner_org) == (
        "CityBus and City Council",
        "CityBus",
        "City Council",
    )
    # the internal flow stays out: the partner reads the session
    assert session.flows == "CityBus → City Council: data (timetables)\nCity Council → CityBus: money (subsidy)"
    assert [p.name for p in session.parties] == ["CityBus", "City Council"]
    assert [(s.code, s.party) for s in ws.linked_sessions(wview)] == [(session.code, "CityBus")]
    view = store.open(session.code, started.created.facilitator_token)
    assert view.session.title == "CityBus and City Council"
    assert [s.code for s in owners.mine(store, "ana@example.org")] == [session.code]  # signed in: theirs


def test_a_session_is_started_only_from_a_relationship_and_only_where_creating_is_allowed(store):
    wview = _workspace(store)
    bus, council, riders, _ = _four_and_five(wview)
    before = every_row(store)
    with pytest.raises(InvalidInput, match="Choose a relationship"):
        ecosystem.start_session(wview, riders.id, rule=OPEN)  # a group of people is no relationship
    with pytest.raises(InvalidInput, match="Choose a relationship"):
        ecosystem.start_session(wview, bus.id, rule=OPEN)  # the organisation itself
    with pytest.raises(NotAllowedNow, match=re.escape(signin.NEEDS_SIGN_IN)):
        ecosystem.start_session(wview, council.id, rule=signin.parse_rule("signed-in"))
    with pytest.raises(NotAllowedNow, match="not one of them"):
        ecosystem.start_session(wview, council.id, owner="eve@example.org", rule=signin.parse_rule("@example.net"))
    assert every_row(store) == before  # no session, no link
    with pytest.raises(AccessDenied):
        store.open_workspace(wview.workspace.id, "A" * 24)


@pytest.mark.sqlite_only
def test_the_map_migration_keeps_todays_workspaces_and_sessions(tmp_path):
    path = tmp_path / "old.db"
    dbmod.initialise(path, stop_before="m014_ecosystem_map")
    old = Store(path)
    made = ws.create_workspace(old, "CityBus")
    session = old.create_session("Old", ["CityBus", "Council"])
    wview = old.open_workspace(made.workspace.id, made.token)
    ws.link_session(old.open(session.session.code, session.facilitator_token), wview, session.session.parties[0].id)
    store = Store(path).initialise()
    assert "is_self" in columns(path, "ecosystem_actors") and "source_id" in columns(path, "ecosystem_flows")
    wview = store.open_workspace(made.workspace.id, made.token)
    assert wview.workspace.name == "CityBus" and ws.linked_sessions(wview)[0].party == "CityBus"
    assert ecosystem.read(wview).actors == ()
    bus = ecosystem.add_actor(wview, "CityBus", "organisation")
    council = ecosystem.add_actor(wview, "Council", "organisation")
    ecosystem.add_flow(wview, bus.id, council.id, "data")
    assert [r.partner.name for r in ecosystem.read(wview).relationships()] == ["Council"]


def test_deleting_a_workspace_deletes_its_map(store):
    wview = _workspace(store)
    _four_and_five(wview)
    with dbmod.write(store.path) as db:
        db.execute("DELETE FROM workspaces WHERE id = ?", [wview.workspace.id])
    rows = every_row(store)
    assert rows["ecosystem_actors"] == [] and rows["ecosystem_flows"] == []
