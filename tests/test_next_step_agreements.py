"""A next step's agreements stay honest: an agreement is to the words it was given to.

Changing a step's terms (element, action, owner, due) withdraws the other parties' agreement; the
status alone withdraws nothing; only the facilitator deletes a step another party agreed to; the event
log holds the old and new values. Ann is in Alpha, Bob in Beta (issue 21, finding 3)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trustcore.errors import AccessDenied
from trustcore.followup.next_steps import add_next_step, delete_next_step, next_steps, update_next_step


@dataclass
class Room:
    store: object
    code: str
    fac: str
    ann: str
    bob: str
    alpha: int
    beta: int

    def log(self, action: str) -> list[dict]:
        return [e.detail for e in self.store.events(self.code, self.fac) if e.action == action]


@pytest.fixture
def room(store, created) -> Room:
    s = created.session
    ann = store.join(s.code, s.parties[0].id, "Ann").token
    bob = store.join(s.code, s.parties[1].id, "Bob").token
    return Room(store, s.code, created.facilitator_token, ann, bob, s.parties[0].id, s.parties[1].id)


def beta_agrees_to_deleting(room: Room):
    """Bob adds "Beta deletes shared data after 30 days" and marks Beta as agreeing."""
    return add_next_step(
        room.store.open(room.code, room.bob),
        "privacy",
        "Beta deletes shared data after 30 days",
        owner_party_id=room.beta,
        agreed_by=[room.beta],
    )


def test_changing_the_action_withdraws_the_other_partys_agreement(room):
    step = beta_agrees_to_deleting(room)
    # Ann sends the whole form, as the page does: Beta still ticked, status set to "agreed"
    saved = update_next_step(
        room.store.open(room.code, room.ann),
        step.id,
        step.version,
        action="Beta shares all raw data with Alpha, indefinitely",
        status="agreed",
        agreed_by=[room.beta],
    )
    assert saved.agreed_by == ()
    assert saved.withdrawn == ("Beta",)
    assert saved.status == "agreed"  # the status is separate from who agreed
    [stored] = next_steps(room.store.open(room.code, room.fac))
    assert (stored.action, stored.agreed_by) == ("Beta shares all raw data with Alpha, indefinitely", ())
    [logged] = room.log("next_step_updated")
    assert logged["agreement_withdrawn"] == ["Beta"]
    assert logged["changes"]["agreed_by"] == {"old": ["Beta"], "new": []}


@pytest.mark.parametrize(
    "change",
    [
        {"element_id": "ethics"},
        {"owner_party_id": None},
        {"owner_person": "Ann"},
        {"due": "Q2 2027"},
    ],
    ids=["element", "owner party", "owner person", "due"],
)
def test_changing_any_term_withdraws_the_other_partys_agreement(room, change):
    step = beta_agrees_to_deleting(room)
    saved = update_next_step(room.store.open(room.code, room.ann), step.id, step.version, **change)
    assert (saved.agreed_by, saved.withdrawn) == ((), ("Beta",))


def test_the_facilitators_change_withdraws_every_agreement(room):
    step = add_next_step(room.store.open(room.code, room.fac), "privacy", "Review", agreed_by=[room.alpha, room.beta])
    saved = update_next_step(
        room.store.open(room.code, room.fac),
        step.id,
        step.version,
        action="Review yearly",
        agreed_by=[room.alpha, room.beta],
    )
    assert (saved.agreed_by, saved.withdrawn) == ((), ("Alpha", "Beta"))


def test_a_party_keeps_its_own_agreement_when_it_edits(room):
    step = add_next_step(room.store.open(room.code, room.ann), "privacy", "Alpha audits", agreed_by=[room.alpha])
    saved = update_next_step(
        room.store.open(room.code, room.ann), step.id, step.version, action="Alpha audits twice a year", due="2027"
    )
    assert (saved.agreed_by, saved.withdrawn) == (("Alpha",), ())
    # and only the others' agreement goes when both had agreed
    both = update_next_step(
        room.store.open(room.code, room.bob), step.id, saved.version, agreed_by=[room.alpha, room.beta]
    )
    assert both.agreed_by == ("Alpha", "Beta")
    edited = update_next_step(
        room.store.open(room.code, room.ann), step.id, both.version, action="Alpha audits quarterly"
    )
    assert (edited.agreed_by, edited.withdrawn) == (("Alpha",), ("Beta",))


def test_a_status_change_alone_withdraws_nothing(room):
    step = beta_agrees_to_deleting(room)
    saved = update_next_step(
        room.store.open(room.code, room.ann), step.id, step.version, status="in progress", agreed_by=[room.beta]
    )
    assert (saved.status, saved.agreed_by, saved.withdrawn) == ("in progress", ("Beta",), ())


def test_a_party_cannot_delete_a_step_another_party_agreed_to(room):
    step = beta_agrees_to_deleting(room)
    with pytest.raises(AccessDenied, match="Only the facilitator can delete .* \\(Beta\\)"):
        delete_next_step(room.store.open(room.code, room.ann), step.id, step.version)
    assert next_steps(room.store.open(room.code, room.fac)) == [step]
    assert room.log("next_step_deleted") == []
    delete_next_step(room.store.open(room.code, room.fac), step.id, step.version)
    assert next_steps(room.store.open(room.code, room.fac)) == []
    # a step only the deleter's own party (or nobody) agreed to is theirs to delete
    mine = beta_agrees_to_deleting(room)
    delete_next_step(room.store.open(room.code, room.bob), mine.id, mine.version)
    nobodys = add_next_step(room.store.open(room.code, room.bob), "privacy", "Nobody agreed yet")
    delete_next_step(room.store.open(room.code, room.ann), nobodys.id, nobodys.version)
    assert next_steps(room.store.open(room.code, room.fac)) == []


def test_the_event_log_holds_old_and_new_values(room):
    step = beta_agrees_to_deleting(room)
    update_next_step(
        room.store.open(room.code, room.bob), step.id, step.version, action="Beta deletes it after 60 days", due="2027"
    )
    [logged] = room.log("next_step_updated")
    assert logged["fields"] == ["action", "due"]
    assert logged["changes"] == {
        "action": {"old": "Beta deletes shared data after 30 days", "new": "Beta deletes it after 60 days"},
        "due": {"old": "", "new": "2027"},
    }
    assert "agreement_withdrawn" not in logged  # Beta's own edit keeps Beta's agreement
    delete_next_step(room.store.open(room.code, room.bob), step.id, step.version + 1)
    [deleted] = room.log("next_step_deleted")
    assert deleted["deleted"] == {
        "element_id": "privacy",
        "action": "Beta deletes it after 60 days",
        "owner_party": "Beta",
        "owner_person": "",
        "due": "2027",
        "status": "proposed",
        "agreed_by": ["Beta"],
    }
