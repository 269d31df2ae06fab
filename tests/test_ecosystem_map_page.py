"""The workspace's ecosystem map tab through the page (AppTest, no browser): actors and flows added from its
forms, the relationship started as a session whose facilitator link is shown once and whose console then
opens, and an edit from an older version refused in words."""

from __future__ import annotations

from test_pages import run, store, texts  # noqa: F401  (fixtures)

from trustcore import ecosystem
from trustcore import workspace as ws


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _add_actor(at, name: str, kind: str):
    at.text_input(key="map:actor:new:name").input(name)
    at.selectbox(key="map:actor:new:kind").select(kind)
    return _click(at, "Add the actor")


def test_the_tab_adds_actors_and_flows_and_starts_a_session_from_a_relationship(store):  # noqa: F811
    org = ws.create_workspace(store, "CityBus")
    at = run(workspace=str(org.workspace.id), org=org.token)
    assert "Relationships on the map" in texts(at)
    at = _add_actor(at, "CityBus", "organisation")
    at = _add_actor(at, "Council <b>", "organisation")
    at = _add_actor(at, "Riders", "people")
    assert "Added Riders to the map" in texts(at)
    wview = store.open_workspace(org.workspace.id, org.token)
    bus, council, riders = ecosystem.read(wview).actors
    at.selectbox(key="map:flow:new:from").select(bus.id)
    at.selectbox(key="map:flow:new:to").select(council.id)
    at.selectbox(key="map:flow:new:kind").select("data")
    at.text_input(key="map:flow:new:label").input("timetables")
    at = _click(at, "Add the flow")
    at.selectbox(key="map:flow:new:to").select(bus.id)  # a flow to itself: refused in words
    at = _click(at, "Add the flow")
    assert "choose two different actors" in texts(at)
    assert [f.label for f in ecosystem.read(wview).flows] == ["timetables"]
    assert "CityBus → Council <b>: data (timetables)" in texts(at)  # the relationship's flows, as text
    [drawn] = _maps(at)
    assert "Data: timetables" in drawn and "Council &lt;b&gt;" in drawn
    _click(at, "Start a session from this relationship")
    assert "Your facilitator link is shown only now" in texts(at)
    [linked] = ws.linked_sessions(wview)
    assert linked.party == "CityBus" and linked.title == "CityBus and Council <b>"
    _click(at, "Open the facilitator console")
    assert "workspace" not in at.query_params and "Round controls" in texts(at)  # the new session's console
    assert "CityBus and Council" in texts(at) and "Relationships on the map" not in texts(at)


def test_an_edit_from_an_older_version_is_refused_and_nothing_is_overwritten(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    acme = ecosystem.add_actor(wview, "Acme", "organisation")
    at = run(workspace=str(org.workspace.id), org=org.token)
    at.selectbox(key="map:edit:which").select(("actor", acme.id)).run()
    ecosystem.edit_actor(wview, acme.id, name="Acme Ltd", kind="organisation", expected_version=1)  # someone else
    at.text_input(key=f"map:edit:actor:{acme.id}:name").input("Acme Data")
    _click(at, "Save the actor")
    assert "Someone else changed or removed this actor" in texts(at)
    assert [a.name for a in ecosystem.read(wview).actors] == ["Acme Ltd"]


def test_the_map_is_drawn_with_an_annotation_per_partner():
    from trustcore import ecosystem_svg
    from trustcore.ecosystem import Actor, EcosystemMap, Flow

    m = EcosystemMap(
        "Acme",
        (
            Actor(1, "Acme", "organisation", "", False, False, 1),
            Actor(2, "Council", "organisation", "", False, False, 1),
        ),
        (Flow(1, 1, 2, "data", "", False, 1),),
    )
    svg = str(ecosystem_svg.svg(m, {"council": "Agreed on 2026-11-02; 2 open next steps"}))
    assert "Agreed on 2026-11-02; 2 open next steps" in svg
    assert "Council: Agreed on 2026-11-02; 2 open next steps." in ecosystem_svg.summary(
        m, {"council": "Agreed on 2026-11-02; 2 open next steps"}
    )


def test_the_console_adds_the_shareable_map_to_the_survey_and_the_stakeholder_sees_it(store):  # noqa: F811
    from trustcore.followup.survey import new_survey_link

    made = store.create_session("Bus data", ["CityBus", "Council"], our_org="CityBus", partner_org="Council")
    code, fac = made.session.code, made.facilitator_token
    org = ws.create_workspace(store, "CityBus")
    wview = store.open_workspace(org.workspace.id, org.token)
    bus = ecosystem.add_actor(wview, "CityBus", "organisation")
    council = ecosystem.add_actor(wview, "Council", "organisation")
    hidden = ecosystem.add_actor(wview, "Hidden Ltd", "organisation", internal=True)
    ecosystem.add_flow(wview, bus.id, council.id, "data", label="timetables")
    ecosystem.add_flow(wview, bus.id, hidden.id, "money")
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    link = new_survey_link(store.open(code, fac))
    at = run(session=code, admin=fac)
    at.session_state["survey_preview"] = True  # open the preview
    at.run()
    at.checkbox(key="survey_show:map:False").check().run()
    assert not at.exception, at.exception
    assert len(_maps(at)) == 1 and "Data ecosystem map" in texts(at)  # the console's preview
    page = run(session=code, survey=link)
    [shown] = _maps(page)
    assert "timetables" in shown and "Hidden Ltd" not in shown
    assert "a map of the data ecosystem" in texts(page)


def _maps(at) -> list[str]:
    """The SVG images a page draws (st.image sends an SVG as a data: URL), decoded."""
    import base64

    prefix = "data:image/svg+xml;base64,"
    urls = [img.url for element in at.get("image") for img in element.proto.imgs]
    return [base64.b64decode(u[len(prefix) :]).decode() for u in urls if u.startswith(prefix)]
