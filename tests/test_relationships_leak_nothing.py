"""What an organisation workspace's link reads of a linked session (``trustcore.relationships``) carries
nothing ``audience.workspace()`` leaves out: checked on test_leaks' world (three parties, named people,
internal entries, a next step's owner person, a survey respondent, revealed round 1, hidden round 2), in
every anonymity setting, on both backends."""

from __future__ import annotations

from datetime import date

from test_leaks import May, _check, world  # noqa: F401  (fixture)

from trustcore import relationships as rel
from trustcore import workspace as ws


def test_the_workspace_reads_a_linked_session_without_names_internal_entries_hidden_rounds_or_code(world):  # noqa: F811
    store = world.store
    org = ws.create_workspace(store, "Leak test organisation")
    wview = store.open_workspace(org.workspace.id, org.token)
    fac = world.links["facilitator"]
    session = store.open(world.code, fac).session
    ws.link_session(store.open(world.code, fac), wview, session.parties[0].id)
    found = rel.relationships(wview, on=date(2027, 1, 1))
    text = repr(found) + repr(rel.column_e(found)) + repr(rel.map_annotations(wview))
    nothing = May(
        participant_names=False, other_names=False, rounds=frozenset({1}), internal_of=frozenset(), session_code=False
    )
    _check(world, text, nothing, where=f"{world.setting} workspace")
    assert fac not in text and not any(str(t) in text for t in world.links.values() if t)
    assert [a.round for s in found[0].sessions for a in s.agreement] == [1]  # round 2 was not revealed
    assert "Publish the DPIA" in text  # the step's words are the workspace's to read
