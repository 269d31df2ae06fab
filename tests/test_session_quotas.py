"""A session holds at most ``limits.NEXT_STEPS`` next steps, ``limits.SURVEY_RESPONSES`` survey responses and
``limits.RANKINGS`` saved rankings (each with its reasons): the last one up to the limit is stored, the next
is refused inside the write transaction with a message for people, and writes nothing. Runs on both backends
(the ``store`` fixture), at the real limits: the database is filled up to one short of each outside the core
(one ``INSERT ... SELECT`` each), then the core adds the last one and is refused the one past it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import count, every_row, raw

from trustcore import limits
from trustcore.errors import NotAllowedNow
from trustcore.followup import next_steps, survey

ROOT = Path(__file__).resolve().parents[1]


def _fill(store, sql: str, n: int, args=()) -> None:
    """Run ``sql`` (an ``INSERT INTO ... SELECT ... FROM n``) with ``n`` holding 1..``n``."""
    if n <= 0:
        return
    numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
    with raw(store) as conn:
        table, select = re.match(r"(INSERT INTO \w+ \([^)]*\))\s*(SELECT .*)", sql, re.S).groups()  # type: ignore[union-attr]
        conn.execute(f"{table} {numbers}{select}", [n, *args])
        conn.commit()


def test_the_next_step_at_the_limit_is_stored_and_the_one_past_it_is_refused(store, created):
    code, fac = created.session.code, created.facilitator_token
    view = store.open(code, fac)
    sid = created.session.id
    cap = limits.NEXT_STEPS.limit
    assert cap == 200
    _fill(
        store,
        """INSERT INTO next_steps (session_id, element_id, action, created_at, updated_at)
           SELECT ?, 'privacy', 'Step ' || i, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n""",
        cap - 1,
        [sid],
    )
    last = next_steps.add_next_step(view, "privacy", "The last one that fits")  # the 200th
    assert count(store, "SELECT count(*) FROM next_steps WHERE session_id = ?", [sid]) == cap
    before = every_row(store)
    with pytest.raises(NotAllowedNow) as refused:
        next_steps.add_next_step(view, "privacy", "One too many")
    assert str(refused.value) == (
        "This session already holds 200 next steps, the most it can hold: delete one that is no longer needed "
        "(or merge two) before adding another."
    )
    assert every_row(store) == before  # nothing written, not even an event
    next_steps.delete_next_step(view, last.id, last.version)  # room again
    next_steps.add_next_step(view, "privacy", "Fits again")


def _answers(i: int) -> dict:
    return {None: {"comment": f"Response {i}"}}


def test_the_survey_response_at_the_limit_is_stored_and_the_one_past_it_is_refused(store, created):
    code, fac = created.session.code, created.facilitator_token
    survey_token = survey.new_survey_link(store.open(code, fac))
    link = store.open(code, survey_token)
    sid = created.session.id
    cap = limits.SURVEY_RESPONSES.limit
    assert cap == 500
    _fill(
        store,
        """INSERT INTO feedback (session_id, respondent, element_id, comment, submitted_at)
           SELECT ?, 'Stakeholder ' || i, NULL, 'x', '2026-01-01T00:00:00Z' FROM n""",
        cap - 1,
        [sid],
    )
    assert survey.submit_feedback(link, "The last", {"privacy": {"trust": 3}, None: {"comment": "ok"}}) == 2
    respondents = "SELECT count(DISTINCT respondent) FROM feedback WHERE session_id = ?"
    assert count(store, respondents, [sid]) == cap
    before = every_row(store)
    with pytest.raises(NotAllowedNow) as refused:
        survey.submit_feedback(link, "One too many", _answers(0))
    assert str(refused.value) == (
        "This survey has already received 500 responses, the most one session can hold: your answers were not "
        "stored. Please tell the facilitator who sent you the link."
    )
    assert every_row(store) == before


def test_the_saved_ranking_at_the_limit_is_stored_and_the_one_past_it_is_refused(store, created):
    code = created.session.code
    ids = list(created.session.catalogue.ids)
    ann = store.join(code, created.session.parties[0].id, "Ann")
    bob = store.join(code, created.session.parties[1].id, "Bob")
    cap = limits.RANKINGS.limit
    assert cap == 10_000
    _fill(  # Ann's history: rankings she replaced, each with a reason
        store,
        """INSERT INTO rankings (session_id, participant_id, round, ordering, start_order, submitted_at, current,
                                 reasons)
           SELECT ?, ?, 1, ?, ?, '2026-01-01T00:00:00Z', 0, ? FROM n""",
        cap - 1,
        [created.session.id, ann.participant.id, '["x"]', '["x"]', '{"privacy": "because"}'],
    )
    store.submit(code, ann.token, ids, {"privacy": "the last that fits"}, round_number=1)  # the 10,000th
    assert count(store, "SELECT count(*) FROM rankings WHERE session_id = ?", [created.session.id]) == cap
    # submitting the same again writes nothing, so it is not refused
    assert store.submit(code, ann.token, ids, {"privacy": "the last that fits"}, round_number=1).unchanged
    before = every_row(store)
    for who, reasons in ((ann, {"privacy": "once more"}), (bob, None)):
        with pytest.raises(NotAllowedNow) as refused:
            store.submit(code, who.token, ids[::-1], reasons, round_number=1)
        assert str(refused.value) == (
            "This session already holds 10,000 saved rankings with their reasons, the most it can hold: your "
            "ranking was not saved. Please tell the facilitator (removing a participant removes their saved "
            "rankings)."
        )
    assert every_row(store) == before


def test_the_readme_states_each_limit():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Limits") :]
    section = section[: section.index("\n## ")]
    for value in (
        limits.NEXT_STEPS.limit,
        limits.SURVEY_RESPONSES.limit,
        limits.RANKINGS.limit,
        limits.JOINS.limit,
        limits.SURVEY_ANSWERS.limit,
    ):
        assert f"{value:,}" in section, value
    for variable in (limits.TRUSTED_PROXIES_VARIABLE, limits.JOINS_VARIABLE, limits.SURVEY_VARIABLE):
        assert f"`{variable}`" in section, variable
