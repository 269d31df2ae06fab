"""ui/cached.py: the reveal's warm-up computes what every page's headline needs, and nothing the details
need; every caller's right is checked, and shared values are keyed by what the holder may see."""

import pytest

from trustcore import view as view_mod
from trustcore.errors import AccessDenied, NotAllowedNow
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.model import Anonymity
from trustcore.presenter import new_presenter_link
from ui import cached


def _revealed(store, anonymity=Anonymity.NAMED):
    made = store.create_session("Warm", ["Alpha", "Beta"], anonymity=anonymity)
    s = made.session
    ids = list(s.catalogue.ids)
    tokens = []
    for i, order in enumerate((ids, ids[::-1])):
        tokens.append(store.join(s.code, s.parties[i].id, f"Secret Person {i}").token)
        store.submit(s.code, tokens[-1], order, {ids[0]: "Because"}, round_number=1)
    store.reveal(s.code, made.facilitator_token, round_number=1)
    return made, tokens


def test_warm_computes_the_results_once_and_leaves_the_charts_for_later(store, monkeypatch):
    made, tokens = _revealed(store)
    s = made.session
    computed, drawn = [], []
    real_results, real_chart = view_mod.round_results, cached.chart
    monkeypatch.setattr(view_mod, "round_results", lambda *a: computed.append(a) or real_results(*a))
    monkeypatch.setattr(cached, "chart", lambda *a: drawn.append(a) or real_chart(*a))

    cached.warm(store.open(s.code, made.facilitator_token))
    assert len(computed) == 1 and drawn == []
    marker = store._change_marker(s.code)
    participant = store.open(s.code, tokens[0])
    res = cached.results(participant, 1, marker)
    assert len(computed) == 1 and res.comparable  # the room's headline finds it ready
    assert set(cached.comparison_charts(participant, 1, marker)) == {"divergence", "heatmap", "agreement", "spread"}
    assert len(computed) == 1 and len(drawn) == 4  # the details build the charts from the same results


def test_a_cached_value_is_never_handed_to_a_holder_without_the_right(store):
    """The feedback cache used to check only its first caller's token (the token was not in its key)."""
    made, tokens = _revealed(store)
    code, admin = made.session.code, made.facilitator_token
    survey = new_survey_link(store.open(code, admin))
    submit_feedback(store.open(code, survey), "Respondent Rita", {made.session.catalogue.ids[0]: {"trust": 4}})
    marker = store._change_marker(code)
    assert cached.feedback(store.open(code, admin), marker)[0].respondent == "Respondent Rita"
    for token in (survey, new_presenter_link(store.open(code, admin)), None):
        with pytest.raises(AccessDenied):
            cached.feedback(store.open(code, token), store._change_marker(code))


def test_participants_never_get_the_facilitators_copy_of_the_results(store):
    made, tokens = _revealed(store, Anonymity.HIDDEN)
    code = made.session.code
    marker = store._change_marker(code)
    full = cached.results(store.open(code, made.facilitator_token), 1, marker)  # computed first, with names
    assert "Secret Person 0" in repr(full)
    for holder in (tokens[0], new_presenter_link(store.open(code, made.facilitator_token))):
        view = store.open(code, holder)
        marker = store._change_marker(code)
        seen = cached.results(view, 1, marker), cached.comparison_tables(view, 1, marker)
        assert "Secret Person" not in repr(seen) and "Participant 1" in repr(seen[0])


def test_before_the_reveal_the_cache_refuses_participants_and_the_presenter(store):
    made = store.create_session("Blind", ["Alpha", "Beta"])
    code = made.session.code
    joined = store.join(code, made.session.parties[0].id, "Ann")
    shown = new_presenter_link(store.open(code, made.facilitator_token))
    marker = store._change_marker(code)
    assert cached.results(store.open(code, made.facilitator_token), 1, marker).party_orders == {}
    for token in (joined.token, shown):
        with pytest.raises(NotAllowedNow):
            cached.results(store.open(code, token), 1, marker)


def test_the_facilitators_warm_up_fills_the_rooms_copy_without_names(store):
    """``warm`` runs with the facilitator's view and fills the room's class: what it computes is the room's
    (masked) copy, never the facilitator's under the room's key."""
    made, tokens = _revealed(store, Anonymity.HIDDEN)
    s = made.session
    cached.warm(store.open(s.code, made.facilitator_token))
    res = cached.results(store.open(s.code, tokens[0]), 1, store._change_marker(s.code))
    assert "Secret Person" not in repr(res) and "Participant" in repr(res)


def test_a_holder_may_not_ask_for_a_class_it_does_not_see(store):
    made, tokens = _revealed(store, Anonymity.HIDDEN)
    participant = store.open(made.session.code, tokens[0])
    with pytest.raises(AccessDenied):
        participant.results(1, "names")
    assert "Secret Person" not in repr(participant.results(1, "masked"))
    assert "Secret Person" in repr(store.open(made.session.code, made.facilitator_token).results(1))
