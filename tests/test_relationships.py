"""The workspace's relationships (trustcore.relationships): linked sessions grouped by partner, agreement
over time from revealed rounds only, Column E across relationships with the overdue rule, and what the
workspace link sees of a session (no names, no codes)."""

from __future__ import annotations

from datetime import date

import pytest

from trustcore import audience, catalogue
from trustcore import relationships as rel
from trustcore import workspace as ws
from trustcore.errors import AccessDenied
from trustcore.followup.next_steps import add_next_step
from trustcore.model import Anonymity

TODAY = date(2027, 6, 15)


def ids():
    return list(catalogue.default().ids)


def _workspace(store, name="Acme"):
    org = ws.create_workspace(store, name)
    return store.open_workspace(org.workspace.id, org.token)


def _session(store, wview, title, parties=("Acme", "CityBus"), *, orders=None, reveal=True, **kwargs):
    """A session linked to ``wview`` (its first party is the organisation), round 1 ranked by each party
    (``orders``: party index -> order) and revealed unless told not to (returns it and its rankers' personal tokens)."""
    made = store.create_session(title, list(parties), **kwargs)
    code, fac = made.session.code, made.facilitator_token
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    people = {}  # party index -> the personal token of its one ranker
    for i, order in (orders or {}).items():
        person = store.join(code, made.session.parties[i].id, f"Person {i}")
        store.submit(code, person.token, order, round_number=1)
        people[i] = person.token
    if reveal:
        store.lock(code, fac, round_number=1)
        store.reveal(code, fac, round_number=1)
    return made, people


def test_sessions_are_grouped_by_partner_ignoring_case_and_spaces_oldest_first(store):
    wview = _workspace(store, "Acme")
    _session(store, wview, "First", partner_org="City Bus")
    _session(store, wview, "Second", partner_org="  city   BUS ")
    _session(store, wview, "From their side", our_org="City bus", partner_org="ACME")  # partner_org is us
    _session(store, wview, "No partner typed", parties=("Acme", "Water Board"))
    found = rel.relationships(wview, on=TODAY)
    assert [r.key for r in found] == ["city bus", "water board"]
    assert [s.title for s in found[0].sessions] == ["First", "Second", "From their side"]
    assert found[1].partner == "Water Board" and found[1].sessions[0].organisation == "Acme"


def test_agreement_over_time_shows_each_revealed_round_and_never_an_unrevealed_one(store):
    wview = _workspace(store)
    same, reverse = ids(), list(reversed(ids()))
    first, _ = _session(store, wview, "2026 review", partner_org="CityBus", orders={0: same, 1: reverse})
    second, people = _session(store, wview, "2027 review", partner_org="CityBus", orders={0: same, 1: same})
    code, fac = second.session.code, second.facilitator_token
    store.next_round(code, fac, round_number=1)  # round 2 ranked, not revealed: the workspace sees none of it
    store.submit(code, people[1], reverse, round_number=2)
    found = rel.relationships(wview, on=TODAY)[0]
    then, now = found.sessions
    assert [a.round for a in then.agreement] == [1] and [a.round for a in now.agreement] == [1]
    assert then.agreement[0].statistic == "Kendall τ-b" and then.agreement[0].value == pytest.approx(-1.0)
    assert now.agreement[0].value == pytest.approx(1.0)
    expected = store.open(first.session.code, first.facilitator_token).results(1).headline.summary
    assert then.agreement[0].summary == expected  # the headline the session's comparison shows
    assert found.latest == now.agreement[0] and now.rounds == 2


def test_a_round_that_is_not_revealed_gives_the_workspace_no_numbers(store):
    wview = _workspace(store)
    _session(store, wview, "Blind, not revealed", orders={0: ids(), 1: ids()}, reveal=False)
    _session(store, wview, "Live, not revealed", orders={0: ids(), 1: ids()}, reveal=False, blind=False)
    found = rel.relationships(wview, on=TODAY)
    assert [s.agreement for r in found for s in r.sessions] == [(), ()]
    assert rel.by_partner(wview, on=TODAY)["citybus"].latest is None


@pytest.mark.parametrize(
    "due, expected",
    [
        ("2027-03-31", date(2027, 3, 31)),
        ("2027/3/1", date(2027, 3, 1)),
        ("31/03/2027", date(2027, 3, 31)),  # day first
        ("1.4.2027", date(2027, 4, 1)),
        ("31 March 2027", date(2027, 3, 31)),
        ("1st Sept 2027", date(2027, 9, 1)),
        ("March 31, 2027", date(2027, 3, 31)),
        ("Q2 2027", None),
        ("March 2027", None),
        ("next year", None),
        ("", None),
        ("31/02/2027", None),  # no such day
    ],
)
def test_a_due_text_is_a_date_only_when_it_names_a_day(due, expected):
    assert rel.due_date(due) == expected


def test_a_step_is_overdue_when_its_date_is_past_and_it_is_not_done():
    assert rel.state_of("agreed", "2027-06-14", TODAY) == rel.OVERDUE
    assert rel.state_of("in progress", "14/06/2027", TODAY) == rel.OVERDUE
    assert rel.state_of("proposed", "2027-06-15", TODAY) == rel.OPEN  # due today: not yet overdue
    assert rel.state_of("agreed", "Q1 2020", TODAY) == rel.OPEN  # a timeframe is never overdue
    assert rel.state_of("done", "2020-01-01", TODAY) == rel.DONE


def test_column_e_gathers_every_relationships_steps_as_open_overdue_and_done(store):
    wview = _workspace(store)
    bus, _ = _session(store, wview, "Bus", partner_org="CityBus")
    water, _ = _session(store, wview, "Water", parties=("Acme", "Water Board"), partner_org="Water Board")
    add_next_step(store.open(bus.session.code, bus.facilitator_token), "privacy", "Publish a DPIA", due="2027-01-31")
    add_next_step(store.open(bus.session.code, bus.facilitator_token), "privacy", "Train staff", due="Q3 2027")
    add_next_step(
        store.open(water.session.code, water.facilitator_token), "privacy", "Old", due="2020-01-01", status="done"
    )
    found = rel.relationships(wview, on=TODAY)
    column = rel.column_e(found)
    assert [(s.partner, s.action) for s in column[rel.OVERDUE]] == [("CityBus", "Publish a DPIA")]
    assert [(s.partner, s.action) for s in column[rel.OPEN]] == [("CityBus", "Train staff")]
    assert [(s.partner, s.action) for s in column[rel.DONE]] == [("Water Board", "Old")]
    summary = rel.by_partner(wview, on=TODAY)
    assert (summary["citybus"].open_steps, summary["citybus"].overdue_steps) == (2, 1)
    assert summary["water board"].open_steps == 0
    assert (
        rel.map_annotations(wview, on=TODAY)["citybus"] == "No revealed agreement yet · 2 open next steps (1 overdue)"
    )


def test_the_map_annotation_names_the_latest_agreement():
    latest = rel.Agreement(1, 2, "Kendall τ-b", 0.6, "moderate agreement", "Moderate agreement: …")
    assert rel.annotation(rel.Summary("CityBus", latest, 1, 0)) == (
        "Moderate agreement (Kendall τ-b = 0.60) · 1 open next step"
    )


def test_the_workspace_sees_no_name_and_no_code_of_an_anonymous_session(store):
    wview = _workspace(store)
    made = store.create_session("Anonymous review", ["Acme", "CityBus"], anonymity=Anonymity.ANONYMOUS)
    code, fac = made.session.code, made.facilitator_token
    ws.link_session(store.open(code, fac), wview, made.session.parties[0].id)
    for party in made.session.parties:
        store.submit(code, store.join(code, party.id, "").token, ids(), round_number=1)
    store.lock(code, fac, round_number=1)
    store.reveal(code, fac, round_number=1)
    add_next_step(
        store.open(code, fac),
        "privacy",
        "Publish",
        owner_party_id=made.session.parties[1].id,
        owner_person="Ulrich Bramblewood",
    )
    seen = repr(rel.relationships(wview, on=TODAY))
    assert "Ulrich Bramblewood" not in seen  # a next step's owner person is a person's name
    assert code not in seen and code.replace("-", "") not in seen and fac not in seen
    assert "Participant" not in seen  # no people at all, not even numbered
    assert "CityBus" in seen and "Publish" in seen  # parties and the step's words


def test_the_workspace_audience_is_decided_in_audience(store):
    seen = audience.workspace()
    assert seen.shareable and not seen.participant_names and not seen.other_names and not seen.session_code


def test_only_the_workspace_link_reads_its_relationships(store):
    wview = _workspace(store)
    other = store.open_workspace(wview.workspace.id, wview.token)
    assert rel.relationships(other) == []
    with pytest.raises(AccessDenied):
        store.open_workspace(wview.workspace.id, wview.token[:-1] + ("A" if wview.token[-1] != "A" else "B"))
