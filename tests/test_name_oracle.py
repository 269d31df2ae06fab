"""No name oracle: in a session that hides names, joining under a name someone already uses gives the
joiner back exactly what they typed, so the share link cannot be used to learn who is in the room.
Both backends (``store``)."""

from __future__ import annotations

import pytest

from trustcore.model import Anonymity


def _joined_names(store, setting, typed):
    made = store.create_session("Names", ["Alpha", "Beta"], anonymity=setting)
    s = made.session
    joined = [store.join(s.code, s.parties[i % 2].id, name) for i, name in enumerate(typed)]
    progress = store.facilitator_progress(s.code, made.facilitator_token).participants
    by_join = sorted(progress, key=lambda p: p.participant.id)
    return [j.participant.name for j in joined], [(p.participant.name, p.participant.party) for p in by_join]


def test_a_namesake_in_a_names_hidden_session_gets_the_name_as_typed(store):
    typed = ["Alice Smith", "alice smith", "ALICE SMITH", "", "Participant 9"]
    mine, console = _joined_names(store, Anonymity.HIDDEN, typed)
    assert mine[:3] == typed[:3]  # nothing tells the second or third Alice that another one is here
    assert mine[3:] == ["Participant 4", "Participant 9"]
    assert [name for name, _ in console] == mine  # the facilitator sees them in join order, with their parties
    assert [party for _, party in console] == ["Alpha", "Beta", "Alpha", "Beta", "Alpha"]


def test_an_anonymous_session_stores_no_typed_name_and_numbers_everyone(store):
    mine, console = _joined_names(store, Anonymity.ANONYMOUS, ["Alice Smith", "Alice Smith", ""])
    assert mine == ["Participant 1", "Participant 2", "Participant 3"]
    assert [name for name, _ in console] == mine


@pytest.mark.parametrize("typed", [["Ann", "ann", "Ann"]])
def test_with_names_shown_namesakes_still_get_a_number(store, typed):
    """Everyone sees the names in such a session, so the suffix tells nobody anything new."""
    mine, _ = _joined_names(store, Anonymity.NAMED, typed)
    assert mine == ["Ann", "ann (2)", "Ann (3)"]
