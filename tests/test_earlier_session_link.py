"""The link to an earlier session of the same relationship: an expired earlier session is as good as
unlinked, and a participant gets nothing of the earlier session that works as its key (no share code)
nor its next steps. Both backends (``store``)."""

from __future__ import annotations

import dataclasses
import random

from conftest import raw

from trustcore.followup.lineage import changes_since_previous, link_previous
from trustcore.followup.next_steps import add_next_step
from trustcore.model import STATUSES
from trustcore.store import Store


def _shuffled(ids, seed):
    order = list(ids)
    random.Random(seed).shuffle(order)
    return order


def _linked(store):
    """This session (Alpha, Beta; Ann and Bob ranked) linked to an earlier one, ranked, with a next step."""
    earlier = store.create_session("Review 2025", ["Alpha", "Beta"])
    e, efac = earlier.session.code, earlier.facilitator_token
    for i, party in enumerate(earlier.session.parties):
        store.submit(
            e, store.join(e, party.id, f"Early {i}").token, _shuffled(earlier.session.catalogue.ids, i), round_number=1
        )
    add_next_step(store.open(e, efac), "privacy", "Publish the data map", owner_person="Early 0")
    now = store.create_session("Review 2026", ["Alpha", "Beta"])
    code, fac = now.session.code, now.facilitator_token
    tokens = [store.join(code, p.id, n).token for p, n in zip(now.session.parties, ("Ann", "Bob"))]
    for i, token in enumerate(tokens):
        store.submit(code, token, _shuffled(now.session.catalogue.ids, 10 + i), round_number=1)
    link_previous(store.open(code, fac), e, efac)
    return earlier, code, fac, tokens


def test_a_participant_gets_no_share_code_nor_the_earlier_next_steps(store):
    earlier, code, fac, (ann, _) = _linked(store)
    mine = changes_since_previous(store.open(code, ann))
    assert mine.previous_code is None
    assert earlier.session.code not in repr(mine)
    assert mine.previous_steps == () and set(mine.steps_by_status.values()) == {0}
    assert "Publish the data map" not in repr(mine) and "Early 0" not in repr(mine)
    # nothing of the earlier session's rankings either, until that session revealed them
    assert (mine.previous_round, mine.agreement_then, mine.moved) == (None, None, {})
    store.reveal(earlier.session.code, earlier.facilitator_token, round_number=1)
    store.reveal(code, fac, round_number=1)
    full = changes_since_previous(store.open(code, fac))
    assert full.previous_code == earlier.session.code and len(full.previous_steps) == 1
    assert changes_since_previous(store.open(code, ann)) == dataclasses.replace(
        full, previous_code=None, previous_steps=(), steps_by_status=dict.fromkeys(STATUSES, 0)
    )


def test_an_expired_earlier_session_counts_as_unlinked(store):
    earlier, code, fac, (ann, _) = _linked(store)
    with raw(store) as conn:
        conn.execute("UPDATE sessions SET created_at = '2020-01-01T00:00:00Z' WHERE code = ?", [earlier.session.code])
    kept = Store(store.path, retention_days=30)
    assert changes_since_previous(kept.open(code, fac)) is None
    assert changes_since_previous(kept.open(code, ann)) is None
    assert changes_since_previous(Store(store.path, retention_days=None).open(code, fac)).previous_code == (
        earlier.session.code
    )
