"""After the reveal: next steps (Column E), the worksheet, organisation-wide rankings, the stakeholder
survey, reflections, Column A's order, earlier sessions; rights, conflicts, events and deletion."""

from __future__ import annotations

import importlib
import json
import pkgutil
import random
import threading
from dataclasses import dataclass

import pytest
from conftest import columns, count, every_row, integrity_error, positional, raw, tables

import trustcore.followup
import trustcore.followup.survey
from trustcore import analysis, results, tokens
from trustcore import db as dbmod
from trustcore.backends import is_postgres
from trustcore.catalogue import default as default_catalogue
from trustcore.catalogue import validate as validate_catalogue
from trustcore.errors import AccessDenied, EditConflict, InvalidInput, NotAllowedNow, NotFound
from trustcore.followup import survey_documents
from trustcore.followup.agreed_order import NO_RANKINGS, agreed_order, set_agreed_order
from trustcore.followup.baselines import baseline_comparison, baseline_records, baselines, set_baseline
from trustcore.followup.lineage import changes_since_previous, link_previous, unlink_previous
from trustcore.followup.next_steps import (
    add_next_step,
    delete_next_step,
    elements_without_steps,
    next_steps,
    update_next_step,
)
from trustcore.followup.reflections import REFLECTION_QUESTIONS, reflections, set_reflection
from trustcore.followup.survey import (
    EVIDENCE,
    EXPECTATIONS,
    TRUST_SCALE,
    close_survey,
    feedback,
    new_survey_link,
    submit_feedback,
    survey_is_open,
    survey_session,
)
from trustcore.followup.worksheet_entries import parties_with_internal_entries, set_worksheet_entry, worksheet
from trustcore.migrations import migrations
from trustcore.model import STATUSES
from trustcore.people import remove_participant
from trustcore.rights import NOT_YOURS as OWN_PARTY_ONLY
from trustcore.rights import Action
from trustcore.store import DENIED, Store
from trustcore.uploads import BASELINE_MAX_CHARS, parse_baseline_csv

GARBAGE = "not-a-real-token-at-all-0000"

# ---------------------------------------------------------------- helpers


def events(store: Store, code: str, fac: str) -> list[tuple[str, str, dict]]:
    return [(e.actor, e.action, e.detail) for e in store.events(code, fac)]


@dataclass
class W:
    """A two-party workshop: Ann in Alpha, Bob in Beta, and a survey link."""

    store: Store
    code: str
    fac: str
    ann: str
    bob: str
    ann_id: int
    bob_id: int
    survey: str
    alpha: int
    beta: int
    ids: list
    sid: int

    def tokens(self) -> dict[str, str]:
        return {"facilitator": self.fac, "own": self.ann, "other": self.bob, "survey": self.survey, "garbage": GARBAGE}


@pytest.fixture
def w(store, created) -> W:
    s = created.session
    ann = store.join(s.code, s.parties[0].id, "Ann")
    bob = store.join(s.code, s.parties[1].id, "Bob")
    survey = new_survey_link(store.open(s.code, created.facilitator_token))
    return W(
        store,
        s.code,
        created.facilitator_token,
        ann.token,
        bob.token,
        ann.participant.id,
        bob.participant.id,
        survey,
        s.parties[0].id,
        s.parties[1].id,
        list(s.catalogue.ids),
        s.id,
    )


def rotated(order, k: int = 1) -> list[str]:
    order = list(order)
    return order[k:] + order[:k]


def shuffled(order, seed: int) -> list[str]:
    order = list(order)
    random.Random(seed).shuffle(order)
    return order


# ---------------------------------------------------------------- constants and schema


def test_scales_and_questions():
    assert TRUST_SCALE == {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Mostly", 5: "Completely"}
    assert EXPECTATIONS == ("yes", "partly", "no")
    assert EVIDENCE == ("yes", "no", "unsure")
    assert list(REFLECTION_QUESTIONS) == ["areas", "actions", "timeframe", "org_wide", "hierarchy"]
    assert all(q.endswith("?") for q in REFLECTION_QUESTIONS.values())
    assert "organisation-wide" in REFLECTION_QUESTIONS["org_wide"]
    assert "hierarchy" in REFLECTION_QUESTIONS["hierarchy"]


@pytest.mark.sqlite_only  # SQLite's schema, as m002 wrote it (test_postgres.py checks PostgreSQL's)
def test_m002_schema(store):
    with raw(store) as conn:
        cols = {
            t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            for t in ("worksheet", "baselines", "reflections", "sessions")
        }
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        fks = {
            t: {(r[2], r[3], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list({t})")}
            for t in ("worksheet", "baselines", "reflections")
        }
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied[:2] == ["m001_core", "m002_followup"]
    assert cols["worksheet"] == [
        "session_id",
        "element_id",
        "party_id",
        "col",
        "text",
        "internal",
        "version",
        "updated_at",
    ]
    assert cols["baselines"] == ["session_id", "party_id", "ordering", "entered_at", "version"]  # version: m009
    assert cols["reflections"] == ["session_id", "key", "answer", "version", "updated_at"]
    assert {"survey_hash", "agreed_order", "previous_session_id"} <= set(cols["sessions"])
    assert {"worksheet_party", "baselines_party", "next_steps_owner"} <= indexes
    assert fks["worksheet"] == {("sessions", "session_id", "CASCADE"), ("parties", "party_id", "CASCADE")}
    assert fks["baselines"] == {("sessions", "session_id", "CASCADE"), ("parties", "party_id", "CASCADE")}
    assert fks["reflections"] == {("sessions", "session_id", "CASCADE")}


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO worksheet (session_id, element_id, party_id, col, updated_at) VALUES (:sid, 'x', :pid, 'D', 'now')",
        "INSERT INTO worksheet (session_id, element_id, party_id, col, internal, updated_at) "
        "VALUES (:sid, 'x', :pid, 'B', 2, 'now')",
        "INSERT INTO worksheet (session_id, element_id, party_id, col, updated_at) VALUES (:sid, 'x', 99999, 'B', 'now')",
        "INSERT INTO reflections (session_id, key, updated_at) VALUES (99999, 'areas', 'now')",
    ],
)
def test_m002_constraints(store, created, sql):
    with dbmod.connection(store.path) as db:
        with pytest.raises(integrity_error(store)):
            db.execute(*positional(sql, {"sid": created.session.id, "pid": created.session.parties[0].id}))


def test_worksheet_primary_key(store, created):
    args = {"sid": created.session.id, "pid": created.session.parties[0].id}
    sql = "INSERT INTO worksheet (session_id, element_id, party_id, col, updated_at) VALUES (:sid, 'x', :pid, 'B', 'n')"
    with dbmod.connection(store.path) as db:
        db.execute(*positional(sql, args))
        with pytest.raises(integrity_error(store)):
            db.execute(*positional(sql, args))


def test_an_m001_session_works_after_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    with dbmod.connection(path) as db:
        migrations.apply(db, stop_before="m002_followup")
    ftok, ptok = tokens.new_token(), tokens.new_token()
    cat = default_catalogue()
    with raw(Store(path)) as conn:
        conn.execute(
            """INSERT INTO sessions (id, code, title, catalogue, facilitator_hash, created_at, updated_at)
               VALUES (1, 'abcdefghjkmnpq', 'Old', ?, ?, 'then', 'then')""",
            [cat.to_json(), tokens.hash_token(ftok)],
        )
        conn.execute("INSERT INTO parties (id, session_id, position, name) VALUES (10, 1, 0, 'Alpha')")
        conn.execute("INSERT INTO parties (id, session_id, position, name) VALUES (11, 1, 1, 'Beta')")
        conn.execute(
            "INSERT INTO participants (id, session_id, party_id, name, token_hash, start_order, joined_at) "
            "VALUES (20, 1, 10, 'Ann', ?, ?, 'then')",
            [tokens.hash_token(ptok), json.dumps(cat.ids)],
        )
        conn.execute("INSERT INTO rounds (session_id, number, opened_at) VALUES (1, 1, 'then')")
        conn.execute(
            "INSERT INTO next_steps (session_id, element_id, action, owner_party_id, created_at, updated_at) "
            "VALUES (1, 'privacy', 'Old step', 11, 'then', 'then')"
        )
    store = Store(path).initialise()
    code = "abcdefghjkmnpq"
    [step] = next_steps(store.open(code, ptok))
    assert (step.action, step.owner_party, step.agreed_by, step.version, step.status) == (
        "Old step",
        "Beta",
        (),
        1,
        "proposed",
    )
    assert update_next_step(store.open(code, ptok), step.id, 1, status="done").version == 2
    assert agreed_order(store.open(code, ftok)) == (tuple(cat.ids), NO_RANKINGS)
    assert changes_since_previous(store.open(code, ftok)) is None
    with pytest.raises(AccessDenied):
        survey_session(store.open(code, ptok))  # no survey link yet: survey_hash is NULL
    survey = new_survey_link(store.open(code, ftok))
    assert submit_feedback(store.open(code, survey), "", {None: {"trust": 3}}) == 1


# ---------------------------------------------------------------- next steps


def test_add_next_step_stores_cleaned_fields(w):
    step = add_next_step(
        w.store.open(w.code, w.fac),  # only the facilitator may mark another party than their own as agreeing
        "privacy",
        "  Publish a\r\nprivacy notice  ",
        owner_party_id=w.beta,
        owner_person="  Cara \n D ",
        due=" Q2   2027 ",
        status="agreed",
        agreed_by=[w.beta, w.alpha, w.beta],
    )
    assert step.element_id == "privacy"
    assert step.action == "Publish a\nprivacy notice"
    assert (step.owner_party_id, step.owner_party, step.owner_person) == (w.beta, "Beta", "Cara D")
    assert step.due == "Q2 2027"
    assert step.status == "agreed"
    assert step.agreed_by == ("Alpha", "Beta")  # session order, once each
    assert step.version == 1
    assert step.created_at == step.updated_at and step.created_at.endswith("Z")
    assert next_steps(w.store.open(w.code, w.bob)) == [step]
    with raw(w.store) as conn:
        assert json.loads(conn.execute("SELECT agreed_by FROM next_steps").fetchone()[0]) == [w.alpha, w.beta]


def test_add_next_step_defaults(w):
    step = add_next_step(w.store.open(w.code, w.fac), "quality", "Check the data")
    assert (step.owner_party_id, step.owner_party, step.owner_person, step.due, step.status, step.agreed_by) == (
        None,
        None,
        "",
        "",
        "proposed",
        (),
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"element_id": "nope"}, "Choose one of this session's elements."),
        ({"action": "  \n "}, "The action cannot be empty."),
        ({"action": "x" * 501}, "The action is too long: 501 characters, at most 500."),
        ({"due": "y" * 81}, "The due date or timeframe is too long: 81 characters, at most 80."),
        ({"owner_person": "z" * 81}, "The owner is too long: 81 characters, at most 80."),
        ({"status": "maybe"}, "The status must be one of: proposed, agreed, in progress, done."),
        ({"owner_party_id": 99999}, "The owner party must be one of this session's parties."),
        ({"owner_party_id": "abc"}, "The owner party must be one of this session's parties."),
        ({"agreed_by": [99999]}, "Each party that agreed must be one of this session's parties."),
        ({"agreed_by": "Alpha"}, "'Agreed by' must be a list of this session's parties."),
    ],
)
def test_add_next_step_validates(w, kwargs, message):
    args = {"element_id": "privacy", "action": "Do it", **kwargs}
    before = every_row(w.store)
    with pytest.raises(InvalidInput) as excinfo:
        add_next_step(w.store.open(w.code, w.fac), args.pop("element_id"), args.pop("action"), **args)
    assert str(excinfo.value) == message
    assert every_row(w.store) == before


def test_a_party_of_another_session_is_refused(w, store):
    other = store.create_session("Other", ["X", "Y"])
    x = other.session.parties[0].id
    for call in (
        lambda: add_next_step(store.open(w.code, w.fac), "privacy", "a", owner_party_id=x),
        lambda: add_next_step(store.open(w.code, w.fac), "privacy", "a", agreed_by=[x]),
        lambda: set_worksheet_entry(store.open(w.code, w.fac), "privacy", x, "B", "t"),
        lambda: set_baseline(store.open(w.code, w.fac), x, w.ids),
    ):
        with pytest.raises(InvalidInput, match="this session's parties"):
            call()
    assert next_steps(store.open(w.code, w.fac)) == []


def test_update_next_step_changes_only_the_given_fields_and_bumps_the_version(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it", owner_person="Ann", due="May")
    v2 = update_next_step(w.store.open(w.code, w.ann), step.id, 1, status="in progress", agreed_by=[w.alpha])
    assert (v2.version, v2.status, v2.agreed_by) == (2, "in progress", ("Alpha",))
    assert (v2.action, v2.owner_person, v2.due, v2.created_at) == ("Write it", "Ann", "May", step.created_at)
    v3 = update_next_step(
        w.store.open(w.code, w.bob),
        step.id,
        2,
        action="Write and publish it",
        owner_party_id=w.beta,
        element_id="ethics",
        due="",
    )
    assert (v3.version, v3.action, v3.owner_party, v3.element_id, v3.due, v3.status) == (
        3,
        "Write and publish it",
        "Beta",
        "ethics",
        "",
        "in progress",
    )
    v4 = update_next_step(w.store.open(w.code, w.fac), step.id, 3, owner_party_id=None, agreed_by=())
    assert (v4.version, v4.owner_party_id, v4.owner_party, v4.agreed_by) == (4, None, None, ())
    assert next_steps(w.store.open(w.code, w.fac)) == [v4]


def test_two_editors_from_the_same_version_second_gets_a_conflict(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    first = update_next_step(w.store.open(w.code, w.ann), step.id, step.version, status="agreed", due="June")
    before = every_row(w.store)
    with pytest.raises(EditConflict) as excinfo:
        update_next_step(w.store.open(w.code, w.bob), step.id, step.version, status="done", action="Bob's wording")
    assert excinfo.value.current == first
    assert "Someone else changed this next step" in str(excinfo.value)
    assert every_row(w.store) == before  # nothing overwritten, no event
    assert next_steps(w.store.open(w.code, w.fac)) == [first]
    # the second editor retries from the version they were shown
    again = update_next_step(w.store.open(w.code, w.bob), step.id, excinfo.value.current.version, status="done")
    assert (again.version, again.status, again.due) == (3, "done", "June")


def test_a_stale_version_is_refused_even_for_a_different_field(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    update_next_step(w.store.open(w.code, w.fac), step.id, 1, due="May")
    with pytest.raises(EditConflict):
        update_next_step(w.store.open(w.code, w.fac), step.id, 1, owner_person="Ann")
    with pytest.raises(EditConflict):
        update_next_step(w.store.open(w.code, w.fac), step.id, 3, owner_person="Ann")  # from the future


def test_saving_what_is_already_stored_writes_nothing(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    saved = update_next_step(w.store.open(w.code, w.fac), step.id, 1, status="agreed")
    before = every_row(w.store)
    # a double click (same expected version, same values) and an empty change
    assert update_next_step(w.store.open(w.code, w.fac), step.id, 1, status="agreed") == saved
    assert update_next_step(w.store.open(w.code, w.fac), step.id, 2) == saved
    assert every_row(w.store) == before


def test_concurrent_editors_exactly_one_wins(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    n = 8
    barrier, outcomes, lock = threading.Barrier(n), [], threading.Lock()

    def edit(i):
        barrier.wait(60)
        try:
            update_next_step(w.store.open(w.code, w.ann), step.id, 1, action=f"Version by editor {i}")
            result = "saved"
        except EditConflict as exc:
            result = exc.current.action
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [final] = next_steps(w.store.open(w.code, w.fac))
    assert outcomes.count("saved") == 1
    assert final.version == 2
    assert sorted(o for o in outcomes if o != "saved") == [final.action] * (n - 1)


def test_update_of_a_deleted_step_is_a_conflict_without_current(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    delete_next_step(w.store.open(w.code, w.ann), step.id, 1)
    with pytest.raises(EditConflict) as excinfo:
        update_next_step(w.store.open(w.code, w.bob), step.id, 1, status="done")
    assert excinfo.value.current is None
    assert "deleted" in str(excinfo.value)
    assert next_steps(w.store.open(w.code, w.fac)) == []


def test_delete_next_step_checks_the_version(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    saved = update_next_step(w.store.open(w.code, w.ann), step.id, 1, status="agreed")
    with pytest.raises(EditConflict) as excinfo:
        delete_next_step(w.store.open(w.code, w.bob), step.id, 1)
    assert excinfo.value.current == saved
    assert next_steps(w.store.open(w.code, w.fac)) == [saved]
    delete_next_step(w.store.open(w.code, w.bob), step.id, 2)
    assert next_steps(w.store.open(w.code, w.fac)) == []
    before = every_row(w.store)
    delete_next_step(w.store.open(w.code, w.bob), step.id, 2)  # already gone: nothing to do
    assert every_row(w.store) == before


def test_steps_of_another_session_cannot_be_touched(w, store):
    other = store.create_session("Other", ["X", "Y"])
    theirs = add_next_step(store.open(other.session.code, other.facilitator_token), "privacy", "Theirs")
    with pytest.raises(EditConflict) as excinfo:
        update_next_step(store.open(w.code, w.fac), theirs.id, 1, action="Hijacked")
    assert excinfo.value.current is None
    delete_next_step(store.open(w.code, w.fac), theirs.id, 1)
    assert next_steps(store.open(other.session.code, other.facilitator_token)) == [theirs]


def test_update_validates_and_rejects_unknown_fields(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    before = every_row(w.store)
    with pytest.raises(InvalidInput, match="The status must be one of"):
        update_next_step(w.store.open(w.code, w.fac), step.id, 1, status="finished")
    with pytest.raises(InvalidInput, match="The action cannot be empty"):
        update_next_step(w.store.open(w.code, w.fac), step.id, 1, action="")
    with pytest.raises(TypeError, match="colour"):
        update_next_step(w.store.open(w.code, w.fac), step.id, 1, colour="red")
    with pytest.raises(TypeError):
        update_next_step(w.store.open(w.code, w.fac), step.id, 1, version=5)
    assert every_row(w.store) == before


def test_next_steps_order_and_elements_without_steps(w):
    a = add_next_step(w.store.open(w.code, w.fac), "skills", "Train")
    b = add_next_step(w.store.open(w.code, w.fac), "engagement", "Ask")
    c = add_next_step(w.store.open(w.code, w.fac), "skills", "Hire")
    d = add_next_step(w.store.open(w.code, w.fac), "impact", "Measure")
    assert [s.id for s in next_steps(w.store.open(w.code, w.fac))] == [d.id, b.id, a.id, c.id]  # catalogue order
    assert elements_without_steps(w.store.open(w.code, w.bob)) == [
        e for e in w.ids if e not in {"skills", "engagement", "impact"}
    ]
    for s in (a, b, c, d):
        delete_next_step(w.store.open(w.code, w.fac), s.id, 1)
    assert elements_without_steps(w.store.open(w.code, w.fac)) == w.ids


def test_statuses_are_the_models():
    assert STATUSES == ("proposed", "agreed", "in progress", "done")


# ---------------------------------------------------------------- worksheet


def test_worksheet_entries_are_versioned(w):
    e1 = set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "B", "  We encrypt\r\nbackups ")
    assert (e1.element_id, e1.party_id, e1.party, e1.column, e1.text, e1.internal, e1.version) == (
        "privacy",
        w.alpha,
        "Alpha",
        "B",
        "We encrypt\nbackups",
        False,
        1,
    )
    e2 = set_worksheet_entry(
        w.store.open(w.code, w.fac), "privacy", w.alpha, "B", "We encrypt everything", expected_version=1
    )
    assert (e2.version, e2.text) == (2, "We encrypt everything")
    e3 = set_worksheet_entry(
        w.store.open(w.code, w.ann), "privacy", w.alpha, "b", "", internal=True, expected_version=2
    )
    assert (e3.version, e3.text, e3.internal, e3.column) == (3, "", True, "B")
    assert worksheet(w.store.open(w.code, w.fac)) == [e3]


def test_worksheet_conflicts(w):
    first = set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "C", "Audit report")
    before = every_row(w.store)
    with pytest.raises(EditConflict) as excinfo:  # a second "new" entry for the same cell
        set_worksheet_entry(w.store.open(w.code, w.fac), "privacy", w.alpha, "C", "Certificate")
    assert excinfo.value.current == first
    second = set_worksheet_entry(
        w.store.open(w.code, w.ann), "privacy", w.alpha, "C", "Audit report 2026", expected_version=1
    )
    with pytest.raises(EditConflict) as excinfo:
        set_worksheet_entry(w.store.open(w.code, w.fac), "privacy", w.alpha, "C", "Certificate", expected_version=1)
    assert excinfo.value.current == second
    with pytest.raises(EditConflict) as excinfo:  # a version for an entry nobody wrote
        set_worksheet_entry(w.store.open(w.code, w.fac), "quality", w.alpha, "C", "x", expected_version=1)
    assert excinfo.value.current is None
    assert worksheet(w.store.open(w.code, w.fac)) == [second]
    assert len(every_row(w.store)["worksheet"]) == len(before["worksheet"]) == 1


def test_worksheet_same_text_again_writes_nothing(w):
    first = set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "C", "Audit")
    before = every_row(w.store)
    assert set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "C", "Audit") == first
    assert every_row(w.store) == before
    changed = set_worksheet_entry(
        w.store.open(w.code, w.ann), "privacy", w.alpha, "C", "Audit", internal=True, expected_version=1
    )
    assert (changed.version, changed.internal) == (2, True)


def test_worksheet_rights_per_party(w):
    set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "B", "ours")
    set_worksheet_entry(w.store.open(w.code, w.fac), "privacy", w.beta, "B", "theirs")
    before = every_row(w.store)
    with pytest.raises(AccessDenied) as excinfo:
        set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.beta, "C", "not mine")
    assert str(excinfo.value) == OWN_PARTY_ONLY
    assert every_row(w.store) == before
    assert [(e.party, e.text) for e in worksheet(w.store.open(w.code, w.bob))] == [
        ("Alpha", "ours"),
        ("Beta", "theirs"),
    ]


def test_shareable_worksheet_hides_internal_entries(w):
    set_worksheet_entry(w.store.open(w.code, w.ann), "quality", w.alpha, "C", "public evidence")
    set_worksheet_entry(w.store.open(w.code, w.ann), "privacy", w.alpha, "B", "secret step", internal=True)
    set_worksheet_entry(w.store.open(w.code, w.bob), "impact", w.beta, "B", "beta internal", internal=True)
    set_worksheet_entry(w.store.open(w.code, w.bob), "impact", w.beta, "C", "beta public")

    def texts(token, **kw):
        return [e.text for e in worksheet(w.store.open(w.code, token), **kw)]

    # catalogue order of elements (impact, privacy, quality), then party, then column
    assert texts(w.fac) == ["beta internal", "beta public", "secret step", "public evidence"]
    assert texts(w.fac, shareable=True) == ["beta public", "public evidence"]
    assert texts(w.ann) == ["beta public", "secret step", "public evidence"]  # not Beta's internal notes
    assert texts(w.bob) == ["beta internal", "beta public", "public evidence"]
    assert texts(w.ann, shareable=True) == texts(w.bob, shareable=True) == ["beta public", "public evidence"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("nope", "B", "t"), "Choose one of this session's elements."),
        (("privacy", "D", "t"), "The worksheet column must be B (steps we take) or C (how we demonstrate it)."),
        (("privacy", "", "t"), "The worksheet column must be B (steps we take) or C (how we demonstrate it)."),
        (("privacy", "B", "x" * 2001), "Column B (steps we take) is too long: 2001 characters, at most 2000."),
        (("privacy", "C", "x" * 2001), "Column C (how we demonstrate it) is too long: 2001 characters, at most 2000."),
    ],
)
def test_worksheet_validation(w, args, message):
    element, column, text = args
    with pytest.raises(InvalidInput) as excinfo:
        set_worksheet_entry(w.store.open(w.code, w.fac), element, w.alpha, column, text)
    assert str(excinfo.value) == message
    assert worksheet(w.store.open(w.code, w.fac)) == []


# ---------------------------------------------------------------- organisation-wide rankings


def test_set_baseline_and_read(w):
    set_baseline(w.store.open(w.code, w.bob), w.beta, w.ids[::-1])
    set_baseline(w.store.open(w.code, w.ann), w.alpha, rotated(w.ids))
    assert baselines(w.store.open(w.code, w.fac)) == {"Alpha": tuple(rotated(w.ids)), "Beta": tuple(w.ids[::-1])}
    assert list(baselines(w.store.open(w.code, w.bob))) == ["Alpha", "Beta"]  # session order
    set_baseline(w.store.open(w.code, w.fac), w.alpha, w.ids, expected_version=1)  # replaced
    assert baselines(w.store.open(w.code, w.ann))["Alpha"] == tuple(w.ids)
    actions = [a for _, a, _ in events(w.store, w.code, w.fac)]
    assert actions[-3:] == ["baseline_set", "baseline_set", "baseline_replaced"]


def test_set_baseline_rights_and_validation(w):
    with pytest.raises(AccessDenied) as excinfo:
        set_baseline(w.store.open(w.code, w.ann), w.beta, w.ids)
    assert str(excinfo.value) == OWN_PARTY_ONLY
    with pytest.raises(InvalidInput, match=r"missing: skills"):
        set_baseline(w.store.open(w.code, w.ann), w.alpha, w.ids[:-1])
    with pytest.raises(InvalidInput, match=r"listed more than once: impact"):
        set_baseline(w.store.open(w.code, w.ann), w.alpha, [w.ids[0]] + w.ids[:-1])
    with pytest.raises(InvalidInput, match="A ranking must be a list"):
        set_baseline(w.store.open(w.code, w.ann), w.alpha, "impact")
    assert baselines(w.store.open(w.code, w.fac)) == {}


def names_of(ids):
    cat = default_catalogue()
    return [cat[e].name for e in ids]


ORDER = shuffled(default_catalogue().ids, 3)


@pytest.mark.parametrize(
    "text",
    [
        "element_id,rank\n" + "\n".join(f"{e},{i}" for i, e in sorted(enumerate(ORDER, 1), key=lambda p: p[1])),
        "rank,element\n" + "\n".join(f'{i},"{n}"' for i, n in enumerate(names_of(ORDER), 1)),
        "Element;Rank\n" + "\n".join(f"{n.upper()};{i}" for i, n in reversed(list(enumerate(names_of(ORDER), 1)))),
        "element id\trank\n" + "\n".join(f"{e}\t{i}" for i, e in enumerate(ORDER, 1)),
        "\n".join(ORDER),
        "\n\n".join(names_of(ORDER)) + "\n\n",
        "\n".join(f"{i}. {n.lower()}" for i, n in enumerate(names_of(ORDER), 1)),
        "\n".join(f"{i}) {e}" for i, e in enumerate(ORDER, 1)),
        "element_id\n" + "\n".join(ORDER),
        "element_id,name\n" + "\n".join(f"{e},{n}" for e, n in zip(ORDER, names_of(ORDER))),
    ],
)
def test_parse_baseline_accepts(text):
    assert parse_baseline_csv(text, default_catalogue()) == ORDER


def test_parse_baseline_accepts_bytes_with_a_bom_and_crlf():
    data = ("\ufeffelement_id,rank\r\n" + "".join(f"{e},{i}\r\n" for i, e in enumerate(ORDER, 1))).encode()
    assert parse_baseline_csv(data, default_catalogue()) == ORDER
    assert parse_baseline_csv(b"\xef\xbb\xbf" + "\n".join(ORDER).encode(), default_catalogue()) == ORDER


@pytest.mark.parametrize(
    "text, problems",
    [
        ("", ["The organisation-wide ranking is empty"]),
        ("\n \n,,\n", ["The organisation-wide ranking is empty"]),
        ("\n".join(ORDER[:-1]), [f"missing: {ORDER[-1]}"]),
        ("\n".join(ORDER + ["blockchain"]), ["line 11: no element has the id or name 'blockchain'"]),
        ("\n".join(ORDER + [ORDER[0]]), [f"{ORDER[0]} is listed more than once (lines 1, 11)"]),
        (
            "element_id,rank\n" + "\n".join(f"{e},{i}" for i, e in enumerate(ORDER, 1)).replace(",3\n", ",three\n"),
            ["line 4: the rank 'three' is not a whole number"],
        ),
        (
            "element_id,rank\n" + "\n".join(f"{e},{i}" for i, e in enumerate(ORDER, 1)).replace(",3\n", ",11\n"),
            ["line 4: rank 11 is outside 1 to 10"],
        ),
        (
            "element_id,rank\n" + "\n".join(f"{e},{i}" for i, e in enumerate(ORDER, 1)).replace(",3\n", ",2\n"),
            [f"rank 2 is given to more than one element ({ORDER[1]}, {ORDER[2]})"],
        ),
        (
            "element_id,rank\n" + "\n".join(f"{e},{i}" for i, e in enumerate(ORDER, 1)).replace(",3\n", ",\n"),
            ["line 4: the rank is missing"],
        ),
        ("element_id,rank\n,1\n", ["line 2: no element given"]),
    ],
)
def test_parse_baseline_errors(text, problems):
    with pytest.raises(InvalidInput) as excinfo:
        parse_baseline_csv(text, default_catalogue())
    message = str(excinfo.value)
    for p in problems:
        assert p in message
    if "empty" not in problems[0]:
        assert message.startswith("The organisation-wide ranking has problems:\n- ")


def test_parse_baseline_rejects_non_utf8_and_huge_input():
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_baseline_csv("\n".join(ORDER).encode("utf-16"), default_catalogue())
    with pytest.raises(InvalidInput, match="too long"):
        parse_baseline_csv("x" * (BASELINE_MAX_CHARS + 1), default_catalogue())


def test_baseline_comparison_matches_the_analysis_functions(w, store):
    alpha2 = store.join(w.code, w.alpha, "Ann 2").token
    a1, a2, b = shuffled(w.ids, 1), shuffled(w.ids, 2), shuffled(w.ids, 5)
    store.submit(w.code, w.ann, a1, round_number=1)
    store.submit(w.code, alpha2, a2, round_number=1)
    store.submit(w.code, w.bob, b, round_number=1)
    org_alpha, org_beta = shuffled(w.ids, 7), list(b)
    set_baseline(store.open(w.code, w.ann), w.alpha, org_alpha)
    set_baseline(store.open(w.code, w.bob), w.beta, org_beta)
    cmp = baseline_comparison(store.open(w.code, w.fac), 1)
    assert list(cmp) == ["Alpha", "Beta"]
    rel_alpha = analysis.party_consensus([a1, a2]).order
    got = cmp["Alpha"]
    assert got["tau"] == pytest.approx(analysis.kendall_tau(org_alpha, rel_alpha))
    assert got["rho"] == pytest.approx(analysis.spearman_rho(org_alpha, rel_alpha))
    assert got["footrule"] == pytest.approx(analysis.footrule(org_alpha, rel_alpha).similarity)
    assert got["footrule_distance"] == analysis.footrule(org_alpha, rel_alpha).distance
    assert got["relationship_order"] == tuple(rel_alpha) and got["org_order"] == tuple(org_alpha)
    org_rank, rel_rank = analysis.ranks(org_alpha), analysis.ranks(rel_alpha)
    expected = sorted(
        ((e, org_rank[e], rel_rank[e]) for e in w.ids if org_rank[e] != rel_rank[e]),
        key=lambda m: (-abs(m[1] - m[2]), m[1]),
    )
    assert got["moved"] == expected and expected
    assert abs(got["moved"][0][1] - got["moved"][0][2]) == max(abs(org_rank[e] - rel_rank[e]) for e in w.ids)
    assert cmp["Beta"]["tau"] == cmp["Beta"]["rho"] == cmp["Beta"]["footrule"] == 1.0
    assert cmp["Beta"]["moved"] == []


def test_baseline_comparison_needs_both_and_a_visible_round(w, store):
    set_baseline(store.open(w.code, w.ann), w.alpha, w.ids)
    assert baseline_comparison(store.open(w.code, w.fac), 1) == {}  # no ranking yet
    store.submit(w.code, w.bob, w.ids, round_number=1)
    assert baseline_comparison(store.open(w.code, w.fac), 1) == {}  # Beta ranked, but has no baseline
    store.submit(w.code, w.ann, w.ids[::-1], round_number=1)
    assert baseline_comparison(store.open(w.code, w.fac), 1)["Alpha"]["tau"] == pytest.approx(-1.0)
    with pytest.raises(NotAllowedNow, match="not revealed"):  # blind session, round not revealed
        baseline_comparison(store.open(w.code, w.ann), 1)
    with pytest.raises(InvalidInput, match="no round 2"):
        baseline_comparison(store.open(w.code, w.fac), 2)
    store.reveal(w.code, w.fac, round_number=1)
    assert baseline_comparison(store.open(w.code, w.bob), 1) == baseline_comparison(store.open(w.code, w.fac), 1)


# ---------------------------------------------------------------- survey


def test_survey_link_only_its_hash_is_stored_and_a_new_one_replaces_it(w):
    assert tokens.looks_like_token(w.survey)
    assert survey_session(w.store.open(w.code, w.survey)).id == w.sid
    everything = json.dumps(every_row(w.store), default=str)
    assert w.survey not in everything
    assert tokens.hash_token(w.survey) in everything
    second = new_survey_link(w.store.open(w.code, w.fac))
    assert second != w.survey
    with pytest.raises(AccessDenied):
        survey_session(w.store.open(w.code, w.survey))
    with pytest.raises(AccessDenied):
        submit_feedback(w.store.open(w.code, w.survey), "Old link", {None: {"trust": 2}})
    assert survey_session(w.store.open(w.code, second)).code == w.code
    close_survey(w.store.open(w.code, w.fac))
    with pytest.raises(AccessDenied):
        survey_session(w.store.open(w.code, second))
    assert [a for _, a, _ in events(w.store, w.code, w.fac) if a.startswith("survey")] == [
        "survey_link_created",
        "survey_link_replaced",
        "survey_closed",
    ]


@pytest.mark.parametrize("who", ["facilitator", "own", "other", "garbage", "other_session_survey", "none"])
def test_survey_session_refuses_anything_but_this_sessions_survey_token(w, store, who):
    other = store.create_session("Other", ["X", "Y"])
    other_survey = new_survey_link(store.open(other.session.code, other.facilitator_token))
    token = {**w.tokens(), "other_session_survey": other_survey, "none": None}[who]
    with pytest.raises(AccessDenied) as excinfo:
        survey_session(store.open(w.code, token))
    assert str(excinfo.value) == DENIED


@pytest.mark.parametrize(
    "call",
    [
        "authorise",
        "facilitator",
        "participant",
        "submit",
        "lock",
        "reveal",
        "events",
        "delete_session",
        "followup_feedback",
    ],
)
def test_the_survey_token_grants_nothing_in_the_store(w, call):
    s = w.store
    calls = {
        "authorise": lambda: (
            s.authorise(w.code, w.survey).session.id and s.open(w.code, w.survey).require(Action.READ_FEEDBACK)
        ),
        "facilitator": lambda: s.facilitator(w.code, w.survey),
        "participant": lambda: s.participant(w.code, w.survey),
        "submit": lambda: s.submit(w.code, w.survey, w.ids, round_number=1),
        "lock": lambda: s.lock(w.code, w.survey, round_number=1),
        "reveal": lambda: s.reveal(w.code, w.survey, round_number=1),
        "events": lambda: s.events(w.code, w.survey),
        "delete_session": lambda: s.delete_session(w.code, w.survey),
        "followup_feedback": lambda: feedback(s.open(w.code, w.survey)),
    }
    before = every_row(s)
    with pytest.raises(AccessDenied) as excinfo:
        calls[call]()
    assert str(excinfo.value) == DENIED
    assert every_row(s) == before


def test_submit_feedback_stores_every_answer_in_order(w):
    n = submit_feedback(
        w.store.open(w.code, w.survey),
        "  Dana \n (Beta) ",
        {
            "privacy": {"trust": 4, "expectations": "partly", "evidence": "yes", "comment": " Good\r\nbut slow "},
            None: {"trust": "3", "comment": "Overall fine"},
            "quality": {"trust": None, "expectations": "No"},
            "skills": {},
            "legal": {"trust": "", "expectations": None, "evidence": "", "comment": "  "},
        },
    )
    assert n == 3  # the two empty answers are skipped
    got = feedback(w.store.open(w.code, w.fac))
    assert [(a.respondent, a.element_id, a.trust, a.expectations, a.evidence, a.comment) for a in got] == [
        ("Dana (Beta)", None, 3, None, None, "Overall fine"),
        ("Dana (Beta)", "privacy", 4, "partly", "yes", "Good\nbut slow"),
        ("Dana (Beta)", "quality", None, "no", None, ""),
    ]
    assert all(a.submitted_at == got[0].submitted_at for a in got)
    assert feedback(w.store.open(w.code, w.ann)) == feedback(w.store.open(w.code, w.bob)) == got
    assert events(w.store, w.code, w.fac)[-1] == ("survey", "feedback_submitted", {"answers": 3})
    assert "Dana" not in json.dumps(events(w.store, w.code, w.fac))


def test_respondent_names(w):
    def submit(name):
        submit_feedback(w.store.open(w.code, w.survey), name, {None: {"trust": 5}})

    for name in ("", "Eve", "  ", "eve", "EVE", ""):
        submit(name)
    assert [a.respondent for a in feedback(w.store.open(w.code, w.fac))] == [
        "Stakeholder 1",
        "Eve",
        "Stakeholder 3",
        "eve (2)",
        "EVE (3)",
        "Stakeholder 6",
    ]


def test_concurrent_anonymous_respondents_get_distinct_names(w):
    n = 6
    barrier, errors = threading.Barrier(n), []

    def go():
        try:
            barrier.wait(60)
            submit_feedback(w.store.open(w.code, w.survey), "", {"privacy": {"trust": 2}})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(a.respondent for a in feedback(w.store.open(w.code, w.fac))) == sorted(
        f"Stakeholder {i}" for i in range(1, n + 1)
    )


VALID = {"impact": {"trust": 5, "comment": "valid"}}


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"privacy": {"trust": 0}}, "The degree of trust in Privacy and security must be a whole number from 1 to 5."),
        ({"privacy": {"trust": 6}}, "The degree of trust in Privacy and security must be a whole number from 1 to 5."),
        ({None: {"trust": "high"}}, "The degree of trust in the overall question must be a whole number from 1 to 5."),
        (
            {"privacy": {"trust": True}},
            "The degree of trust in Privacy and security must be a whole number from 1 to 5.",
        ),
        (
            {"privacy": {"trust": 3.5}},
            "The degree of trust in Privacy and security must be a whole number from 1 to 5.",
        ),
        (
            {"quality": {"expectations": "mostly"}},
            "Whether our steps meet your expectations (Quality and accuracy) must be one of: yes, partly, no.",
        ),
        (
            {"quality": {"evidence": "partly"}},
            "Whether our evidence helps you trust us (Quality and accuracy) must be one of: yes, no, unsure.",
        ),
        (
            {"ethics": {"comment": "c" * 2001}},
            "Your comment on Ethics and transparency is too long: 2001 characters, at most 2000.",
        ),
        ({"ethics": {"mood": "happy"}}, "The answer on Ethics and transparency has unknown field(s): mood."),
        (
            {"ethics": "4"},
            "The answer on Ethics and transparency must be a set of fields (trust, expectations, evidence, comment).",
        ),
        ({"blockchain": {"trust": 3}}, "Choose one of this session's elements. Unknown: blockchain."),
    ],
)
def test_submit_feedback_validates_everything_before_storing(w, answers, message):
    before = every_row(w.store)
    with pytest.raises(InvalidInput) as excinfo:  # a valid answer comes first: it must not be stored either
        submit_feedback(w.store.open(w.code, w.survey), "Dana", {**VALID, **answers})
    assert str(excinfo.value) == message
    assert every_row(w.store) == before


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"privacy": {}, None: {"comment": " "}}, "The survey is empty: answer at least one question."),
        ({}, "The survey is empty: answer at least one question."),
        ([("privacy", {"trust": 3})], "The survey answers must be given per element."),
    ],
)
def test_submit_feedback_needs_answers(w, answers, message):
    before = every_row(w.store)
    with pytest.raises(InvalidInput) as excinfo:
        submit_feedback(w.store.open(w.code, w.survey), "Dana", answers)
    assert str(excinfo.value) == message
    assert every_row(w.store) == before


def test_a_survey_link_replaced_between_the_check_and_the_write_stores_nothing(w, monkeypatch):
    real = survey_session

    def check_then_replace(view):
        session = real(view)
        new_survey_link(view.store.open(view.session.code, w.fac))
        return session

    monkeypatch.setattr(trustcore.followup.survey, "survey_session", check_then_replace)
    with pytest.raises(AccessDenied):
        submit_feedback(w.store.open(w.code, w.survey), "Late", {None: {"trust": 2}})
    assert feedback(w.store.open(w.code, w.fac)) == []


def test_submit_feedback_respondent_too_long(w):
    with pytest.raises(InvalidInput, match="Your name is too long"):
        submit_feedback(w.store.open(w.code, w.survey), "n" * 81, {None: {"trust": 1}})
    assert feedback(w.store.open(w.code, w.fac)) == []


# ---------------------------------------------------------------- reflections


def test_reflections_are_versioned(w):
    assert reflections(w.store.open(w.code, w.fac)) == {}
    r1 = set_reflection(w.store.open(w.code, w.ann), "timeframe", "  By Q3\r\n2027 ")
    assert (r1.key, r1.question, r1.answer, r1.version) == (
        "timeframe",
        REFLECTION_QUESTIONS["timeframe"],
        "By Q3\n2027",
        1,
    )
    set_reflection(w.store.open(w.code, w.bob), "areas", "Evidence", expected_version=0)
    r2 = set_reflection(w.store.open(w.code, w.fac), "timeframe", "By Q4", expected_version=1)
    assert (r2.answer, r2.version) == ("By Q4", 2)
    got = reflections(w.store.open(w.code, w.bob))
    assert list(got) == ["areas", "timeframe"]  # question order
    assert got["timeframe"] == r2
    before = every_row(w.store)
    with pytest.raises(EditConflict) as excinfo:
        set_reflection(w.store.open(w.code, w.ann), "timeframe", "By Q1", expected_version=1)
    assert excinfo.value.current == r2
    with pytest.raises(EditConflict) as excinfo:
        set_reflection(w.store.open(w.code, w.ann), "areas", "Other areas")
    assert excinfo.value.current.answer == "Evidence"
    assert every_row(w.store) == before


@pytest.mark.parametrize(
    "key, answer, message",
    [
        ("mood", "x", "Unknown reflection question 'mood'"),
        ("areas", "a" * 2001, "is too long: 2001 characters, at most 2000."),
    ],
)
def test_reflection_validation(w, key, answer, message):
    with pytest.raises(InvalidInput) as excinfo:
        set_reflection(w.store.open(w.code, w.fac), key, answer)
    assert message in str(excinfo.value)
    assert reflections(w.store.open(w.code, w.fac)) == {}


def test_reflection_too_long_names_the_question(w):
    with pytest.raises(InvalidInput) as excinfo:
        set_reflection(w.store.open(w.code, w.fac), "hierarchy", "a" * 2001)
    assert REFLECTION_QUESTIONS["hierarchy"] in str(excinfo.value)


def test_version_must_be_a_whole_number(w):
    step = add_next_step(w.store.open(w.code, w.fac), "privacy", "Write it")
    for bad in (0, -1, "1", 1.0, True, None):
        with pytest.raises(InvalidInput, match="whole number"):
            update_next_step(w.store.open(w.code, w.fac), step.id, bad, status="done")
        with pytest.raises(InvalidInput, match="whole number"):
            delete_next_step(w.store.open(w.code, w.fac), step.id, bad)
    assert next_steps(w.store.open(w.code, w.fac)) == [step]
    for bad in (-1, "1", 1.0, True):
        with pytest.raises(InvalidInput, match="whole number"):
            set_reflection(w.store.open(w.code, w.fac), "areas", "x", expected_version=bad)
        with pytest.raises(InvalidInput, match="whole number"):
            set_worksheet_entry(w.store.open(w.code, w.fac), "privacy", w.alpha, "B", "x", expected_version=bad)


# ---------------------------------------------------------------- Column A


def test_agreed_order_sources(w, store):
    assert agreed_order(store.open(w.code, w.fac)) == (tuple(w.ids), "catalogue order (no rankings yet)")
    orders = {"Alpha": shuffled(w.ids, 11), "Beta": shuffled(w.ids, 12)}
    store.submit(w.code, w.ann, orders["Alpha"], round_number=1)
    store.submit(w.code, w.bob, orders["Beta"], round_number=1)
    expected = tuple(analysis.kemeny_consensus(list(orders.values())))
    assert agreed_order(store.open(w.code, w.fac)) == (expected, "consensus (Kemeny) of round 1")
    store.next_round(w.code, w.fac, round_number=1)  # round 2 has no ranking yet: still round 1's
    assert agreed_order(store.open(w.code, w.fac)) == (expected, "consensus (Kemeny) of round 1")
    store.submit(w.code, w.bob, orders["Alpha"], round_number=2)
    assert agreed_order(store.open(w.code, w.fac)) == (tuple(orders["Alpha"]), "consensus (Kemeny) of round 2")
    fixed = shuffled(w.ids, 13)
    set_agreed_order(store.open(w.code, w.fac), fixed)
    assert agreed_order(store.open(w.code, w.ann)) == (tuple(fixed), "fixed by the facilitator")
    set_agreed_order(store.open(w.code, w.fac), None)
    assert agreed_order(store.open(w.code, w.fac))[1] == "consensus (Kemeny) of round 2"
    assert [a for _, a, _ in events(store, w.code, w.fac)][-2:] == ["agreed_order_set", "agreed_order_cleared"]


def test_agreed_order_uses_kemeny_of_the_party_orders(store):
    c = store.create_session("Three", ["A", "B", "C"], blind=False)
    ids = c.session.catalogue.ids
    seed = next(
        s
        for s in range(100)
        if analysis.borda_consensus([shuffled(ids, s + k) for k in range(3)])
        != analysis.kemeny_consensus([shuffled(ids, s + k) for k in range(3)])
    )
    orders = [shuffled(ids, seed + k) for k in range(3)]
    for party, order in zip(c.session.parties, orders):
        store.submit(c.session.code, store.join(c.session.code, party.id).token, order, round_number=1)
    order, source = agreed_order(store.open(c.session.code, c.facilitator_token))
    assert order == tuple(analysis.kemeny_consensus(orders)) != tuple(analysis.borda_consensus(orders))
    assert order == results.round_results(store._session(c.session.code), store._rankings(c.session.code), 1).kemeny


def test_agreed_order_uses_borda_for_long_catalogues(store):
    cat = validate_catalogue([{"id": f"e{i:02d}", "name": f"Element {i}"} for i in range(17)])
    c = store.create_session("Long", ["A", "B", "C"], catalogue=cat)
    orders = [shuffled(cat.ids, k) for k in range(3)]
    for party, order in zip(c.session.parties, orders):
        store.submit(c.session.code, store.join(c.session.code, party.id).token, order, round_number=1)
    assert agreed_order(store.open(c.session.code, c.facilitator_token)) == (
        tuple(analysis.borda_consensus(orders)),
        "consensus (Borda) of round 1",
    )


def test_agreed_order_hides_unrevealed_rankings_from_participants(w, store):
    store.submit(w.code, w.ann, w.ids[::-1], round_number=1)
    assert agreed_order(store.open(w.code, w.fac))[1] == "consensus (Kemeny) of round 1"
    assert agreed_order(store.open(w.code, w.bob)) == (tuple(w.ids), "catalogue order (no revealed rankings yet)")
    store.reveal(w.code, w.fac, round_number=1)
    assert agreed_order(store.open(w.code, w.bob)) == (tuple(w.ids[::-1]), "consensus (Kemeny) of round 1")
    store.next_round(w.code, w.fac, round_number=1)
    store.submit(w.code, w.ann, w.ids, round_number=2)
    assert agreed_order(store.open(w.code, w.bob))[1] == "consensus (Kemeny) of round 1"  # round 2 not revealed
    assert agreed_order(store.open(w.code, w.fac)) == (tuple(w.ids), "consensus (Kemeny) of round 2")


def test_set_agreed_order_validates(w):
    with pytest.raises(InvalidInput, match="missing: skills"):
        set_agreed_order(w.store.open(w.code, w.fac), w.ids[:-1])
    assert agreed_order(w.store.open(w.code, w.fac))[1] == NO_RANKINGS


# ---------------------------------------------------------------- earlier sessions


@pytest.fixture
def earlier(store):
    """An earlier session of the same relationship, ranked and with next steps."""
    c = store.create_session("Review 2025", ["ALPHA", "Beta", "Gamma"])
    code, fac = c.session.code, c.facilitator_token
    ids = c.session.catalogue.ids
    orders = {"ALPHA": shuffled(ids, 21), "Beta": shuffled(ids, 22), "Gamma": shuffled(ids, 23)}
    for party in c.session.parties:
        store.submit(code, store.join(code, party.id).token, orders[party.name], round_number=1)
    steps = [add_next_step(store.open(code, fac), e, f"Do {e}") for e in ("privacy", "quality", "skills")]
    return c, orders, steps


def test_changes_since_previous(w, store, earlier):
    prev, then, steps = earlier
    assert changes_since_previous(store.open(w.code, w.fac)) is None
    link_previous(store.open(w.code, w.fac), prev.session.code, prev.facilitator_token)
    done = update_next_step(store.open(prev.session.code, prev.facilitator_token), steps[0].id, 1, status="done")
    update_next_step(store.open(prev.session.code, prev.facilitator_token), steps[1].id, 1, status="in progress")
    now = {"Alpha": shuffled(w.ids, 31), "Beta": then["Beta"]}
    store.submit(w.code, w.ann, now["Alpha"], round_number=1)
    store.submit(w.code, w.bob, now["Beta"], round_number=1)
    ch = changes_since_previous(store.open(w.code, w.fac))
    assert (ch.previous_code, ch.previous_title, ch.previous_created_at) == (
        prev.session.code,
        "Review 2025",
        prev.session.created_at,
    )
    assert ch.moved == pytest.approx(analysis.movement({"Alpha": then["ALPHA"], "Beta": then["Beta"]}, now))
    assert ch.moved["Beta"] == 1.0 and list(ch.moved) == ["Alpha", "Beta"]  # ALPHA matched to Alpha; Gamma gone
    assert [s.status for s in ch.previous_steps] == ["done", "in progress", "proposed"]
    assert ch.previous_steps[0] == done
    assert ch.steps_by_status == {"proposed": 1, "agreed": 0, "in progress": 1, "done": 1}
    assert (ch.previous_round, ch.round, ch.same_catalogue) == (1, 1, True)
    names = default_catalogue().names
    assert ch.agreement_then.stats == results.headline(then, names).stats
    assert ch.agreement_now.stats == results.headline(now, names).stats
    assert ch.agreement_now.stats["kendall_tau_b"] == pytest.approx(analysis.kendall_tau(now["Alpha"], now["Beta"]))
    assert ("facilitator", "previous_linked", {"previous_session": prev.session.id}) in events(store, w.code, w.fac)


def test_changes_for_participants_respect_blind_rounds(w, store, earlier):
    prev = earlier[0]
    link_previous(store.open(w.code, w.fac), prev.session.code, prev.facilitator_token)
    store.submit(w.code, w.ann, w.ids, round_number=1)
    store.submit(w.code, w.bob, w.ids, round_number=1)
    ch = changes_since_previous(store.open(w.code, w.bob))
    assert (ch.round, ch.moved, ch.agreement_now) == (None, {}, None)
    assert (ch.previous_code, ch.previous_steps) == (None, ())  # no key to the earlier session, nor its steps
    store.reveal(w.code, w.fac, round_number=1)
    store.reveal(prev.session.code, prev.facilitator_token, round_number=1)
    fac, bob = changes_since_previous(store.open(w.code, w.fac)), changes_since_previous(store.open(w.code, w.bob))
    assert (bob.round, bob.moved, bob.agreement_now, bob.agreement_then) == (
        fac.round,
        fac.moved,
        fac.agreement_now,
        fac.agreement_then,
    )


def test_changes_before_anyone_ranked_and_with_another_catalogue(store, earlier):
    prev = earlier[0]
    cat = validate_catalogue([{"id": f"e{i}", "name": f"E{i}"} for i in range(4)])
    c = store.create_session("New framework", ["Alpha", "Beta"], catalogue=cat)
    link_previous(store.open(c.session.code, c.facilitator_token), prev.session.code, prev.facilitator_token)
    ch = changes_since_previous(store.open(c.session.code, c.facilitator_token))
    assert (ch.round, ch.moved, ch.agreement_now, ch.previous_round) == (None, {}, None, 1)
    p = store.join(c.session.code, c.session.parties[0].id)
    store.submit(c.session.code, p.token, cat.ids, round_number=1)
    ch = changes_since_previous(store.open(c.session.code, c.facilitator_token))
    assert (ch.round, ch.moved, ch.same_catalogue) == (1, {}, False)


def test_link_previous_needs_both_facilitators_and_no_loops(w, store, earlier):
    prev = earlier[0]
    before = every_row(store)
    for args in (
        (w.fac, prev.session.code, w.fac),
        (w.fac, prev.session.code, GARBAGE),
        (w.ann, prev.session.code, prev.facilitator_token),
        (prev.facilitator_token, prev.session.code, prev.facilitator_token),
        (w.fac, "nosuchsession22", prev.facilitator_token),
    ):
        with pytest.raises(AccessDenied) as excinfo:
            link_previous(store.open(w.code, args[0]), *args[1:])
        assert str(excinfo.value) == DENIED
    with pytest.raises(InvalidInput, match="cannot follow itself"):
        link_previous(store.open(w.code, w.fac), w.code, w.fac)
    assert every_row(store) == before
    link_previous(store.open(w.code, w.fac), prev.session.code, prev.facilitator_token)
    with pytest.raises(InvalidInput, match="loop"):
        link_previous(store.open(prev.session.code, prev.facilitator_token), w.code, w.fac)
    third = store.create_session("Third", ["A", "B"])
    link_previous(store.open(third.session.code, third.facilitator_token), w.code, w.fac)
    with pytest.raises(InvalidInput, match="loop"):
        link_previous(
            store.open(prev.session.code, prev.facilitator_token), third.session.code, third.facilitator_token
        )
    unlink_previous(store.open(w.code, w.fac))
    assert changes_since_previous(store.open(w.code, w.fac)) is None
    assert changes_since_previous(store.open(third.session.code, third.facilitator_token)).previous_code == w.code


def test_changes_since_a_deleted_session_is_none(w, store, earlier):
    prev = earlier[0]
    link_previous(store.open(w.code, w.fac), prev.session.code, prev.facilitator_token)
    assert changes_since_previous(store.open(w.code, w.ann)) is not None
    store.delete_session(prev.session.code, prev.facilitator_token)
    assert changes_since_previous(store.open(w.code, w.ann)) is None


# ---------------------------------------------------------------- rights matrix


ALL = {"facilitator", "own", "other"}
FAC = {"facilitator"}
OWN = {"facilitator", "own"}
SURVEY = {"survey"}
ROLES = ["facilitator", "own", "other", "survey", "garbage", "other_session", "none"]


def _setup(w: W) -> dict:
    """What the calls need: a step, a previous session, a revealed round with rankings."""
    s = w.store
    step = add_next_step(s.open(w.code, w.fac), "privacy", "Write it")
    prev = s.create_session("Earlier", ["Alpha", "Beta"])
    s.submit(w.code, w.ann, w.ids, round_number=1)
    s.submit(w.code, w.bob, w.ids[::-1], round_number=1)
    s.reveal(w.code, w.fac, round_number=1)
    set_baseline(s.open(w.code, w.fac), w.alpha, w.ids)
    return {"step": step, "prev": prev, "session": s.open(w.code, w.fac).session}


CALLS = {
    "next_steps": (ALL, lambda w, x, t: next_steps(w.store.open(w.code, t))),
    "add_next_step": (ALL, lambda w, x, t: add_next_step(w.store.open(w.code, t), "quality", "Check")),
    "update_next_step": (
        ALL,
        lambda w, x, t: update_next_step(w.store.open(w.code, t), x["step"].id, 1, status="done"),
    ),
    "delete_next_step": (ALL, lambda w, x, t: delete_next_step(w.store.open(w.code, t), x["step"].id, 1)),
    "elements_without_steps": (ALL, lambda w, x, t: elements_without_steps(w.store.open(w.code, t))),
    "worksheet": (ALL, lambda w, x, t: worksheet(w.store.open(w.code, t))),
    "worksheet_shareable": (ALL, lambda w, x, t: worksheet(w.store.open(w.code, t), shareable=True)),
    "set_worksheet_entry": (
        OWN,
        lambda w, x, t: set_worksheet_entry(w.store.open(w.code, t), "privacy", w.alpha, "B", "x"),
    ),
    "set_baseline": (
        OWN,
        lambda w, x, t: set_baseline(w.store.open(w.code, t), w.alpha, w.ids[::-1], expected_version=1),
    ),
    "baselines": (ALL, lambda w, x, t: baselines(w.store.open(w.code, t))),
    "baseline_records": (ALL, lambda w, x, t: baseline_records(w.store.open(w.code, t))),
    "baseline_comparison": (ALL, lambda w, x, t: baseline_comparison(w.store.open(w.code, t), 1)),
    "new_survey_link": (FAC, lambda w, x, t: new_survey_link(w.store.open(w.code, t))),
    "close_survey": (FAC, lambda w, x, t: close_survey(w.store.open(w.code, t))),
    "survey_is_open": (FAC, lambda w, x, t: survey_is_open(w.store.open(w.code, t))),
    "survey_session": (SURVEY, lambda w, x, t: survey_session(w.store.open(w.code, t))),
    "submit_feedback": (SURVEY, lambda w, x, t: submit_feedback(w.store.open(w.code, t), "", {None: {"trust": 1}})),
    "feedback": (ALL, lambda w, x, t: feedback(w.store.open(w.code, t))),
    "set_reflection": (ALL, lambda w, x, t: set_reflection(w.store.open(w.code, t), "areas", "x")),
    "reflections": (ALL, lambda w, x, t: reflections(w.store.open(w.code, t))),
    "set_agreed_order": (FAC, lambda w, x, t: set_agreed_order(w.store.open(w.code, t), w.ids)),
    "agreed_order": (ALL, lambda w, x, t: agreed_order(w.store.open(w.code, t))),
    "link_previous": (
        FAC,
        lambda w, x, t: link_previous(w.store.open(w.code, t), x["prev"].session.code, x["prev"].facilitator_token),
    ),
    "unlink_previous": (FAC, lambda w, x, t: unlink_previous(w.store.open(w.code, t))),
    "changes_since_previous": (ALL, lambda w, x, t: changes_since_previous(w.store.open(w.code, t))),
    "parties_with_internal_entries": (ALL, lambda w, x, t: parties_with_internal_entries(w.store.open(w.code, t))),
    "chosen": (FAC | SURVEY, lambda w, x, t: survey_documents.chosen(w.store.open(w.code, t))),
    "choose": (FAC, lambda w, x, t: survey_documents.choose(w.store.open(w.code, t), ["B"])),
    "choose_map": (FAC, lambda w, x, t: survey_documents.choose_map(w.store.open(w.code, t), False)),
    "shared": (FAC | SURVEY, lambda w, x, t: survey_documents.shared(w.store.open(w.code, t))),
    "html": (FAC | SURVEY, lambda w, x, t: survey_documents.html(w.store.open(w.code, t))),
    "recorded": (
        FAC | SURVEY,
        lambda w, x, t: survey_documents.recorded(w.store.open(w.code, t), x["session"], ["privacy"], None),
    ),
}
WRITES = {
    "add_next_step",
    "update_next_step",
    "delete_next_step",
    "set_worksheet_entry",
    "set_baseline",
    "new_survey_link",
    "close_survey",
    "submit_feedback",
    "set_reflection",
    "set_agreed_order",
    "link_previous",
    "unlink_previous",
    "choose",
    "choose_map",
}


def test_every_public_function_is_in_the_rights_matrix():
    modules = [
        importlib.import_module(f"{trustcore.followup.__name__}.{m.name}")
        for m in pkgutil.iter_modules(trustcore.followup.__path__)
    ]
    public = {
        n
        for module in modules
        for n, v in vars(module).items()
        if callable(v)
        and not n.startswith("_")
        and getattr(v, "__module__", "") == module.__name__
        and not isinstance(v, type)
    }
    pure = {"parse_baseline_csv", "version", "check_version", "intro"}  # no session read: no right to check
    assert public - pure == set(CALLS) - {"worksheet_shareable"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CALLS))
def test_rights_matrix(w, name, role):
    allowed, call = CALLS[name]
    extra = _setup(w)
    other = w.store.create_session("Someone else's", ["X", "Y"])
    token = {**w.tokens(), "other_session": other.facilitator_token, "none": None}[role]
    before = every_row(w.store)
    if role in allowed:
        call(w, extra, token)
        if name in WRITES:
            assert every_row(w.store)["events"] != before["events"]  # the change was logged
        else:
            assert every_row(w.store) == before  # reading writes nothing
    else:
        with pytest.raises(AccessDenied) as excinfo:
            call(w, extra, token)
        expected = OWN_PARTY_ONLY if (role == "other" and allowed == OWN) else DENIED
        assert str(excinfo.value) == expected
        assert every_row(w.store) == before


@pytest.mark.parametrize("name", list(CALLS))
def test_every_call_is_refused_after_the_session_is_deleted(w, name):
    _, call = CALLS[name]
    extra = _setup(w)
    w.store.delete_session(w.code, w.fac)
    for role in ("facilitator", "own", "survey"):
        with pytest.raises((AccessDenied, NotFound)):
            call(w, extra, w.tokens()[role])


def test_a_session_deleted_between_the_check_and_the_write_is_not_written(w, monkeypatch):
    real = Store.authorise
    deleted: list[bool] = []

    def authorise_then_delete(self, code, token):
        actor = real(self, code, token)
        if not deleted:  # the deletion authorises too: once
            deleted.append(True)
            Store.delete_session(self, w.code, w.fac)
        return actor

    monkeypatch.setattr(Store, "authorise", authorise_then_delete)
    with pytest.raises(AccessDenied):  # re-resolved inside the write: the link leads nowhere now
        add_next_step(w.store.open(w.code, w.ann), "privacy", "Too late")
    assert count(w.store, "SELECT count(*) FROM next_steps") == 0


# ---------------------------------------------------------------- events


@pytest.mark.parametrize(
    "name, actor, action, detail",
    [
        ("add_next_step", "participant:{ann}", "next_step_added", {"element": "quality", "status": "proposed"}),
        ("update_next_step", "participant:{ann}", "next_step_updated", {"fields": ["status"], "version": 2}),
        ("delete_next_step", "participant:{ann}", "next_step_deleted", {"element": "privacy"}),
        (
            "set_worksheet_entry",
            "participant:{ann}",
            "worksheet_entry_set",
            {"element": "privacy", "party": "Alpha", "column": "B", "internal": False},
        ),
        ("set_baseline", "participant:{ann}", "baseline_replaced", {"party": "Alpha"}),
        ("set_reflection", "participant:{ann}", "reflection_set", {"key": "areas"}),
        ("submit_feedback", "survey", "feedback_submitted", {"answers": 1}),
        ("new_survey_link", "facilitator", "survey_link_replaced", {}),
        ("close_survey", "facilitator", "survey_closed", {}),
        ("set_agreed_order", "facilitator", "agreed_order_set", {}),
        ("unlink_previous", "facilitator", "previous_unlinked", {}),
    ],
)
def test_writes_are_logged(w, name, actor, action, detail):
    extra = _setup(w)
    _, call = CALLS[name]
    token = {"survey": w.survey, "facilitator": w.fac}.get(actor, w.ann)
    n = len(events(w.store, w.code, w.fac))
    call(w, extra, token)
    logged = events(w.store, w.code, w.fac)
    assert len(logged) == n + 1
    got_actor, got_action, got_detail = logged[-1]
    assert (got_actor, got_action) == (actor.format(ann=w.ann_id), action)
    assert detail.items() <= got_detail.items()
    if name in ("update_next_step", "delete_next_step"):
        assert got_detail["step"] == extra["step"].id


# ---------------------------------------------------------------- deletion


def _fill(store: Store, code: str, fac: str) -> None:
    s = store._session(code)
    a, b = s.parties[0].id, s.parties[1].id
    ann = store.join(code, a, "Ann").token
    store.submit(code, ann, s.catalogue.ids, round_number=1)
    add_next_step(store.open(code, fac), "privacy", "Step", owner_party_id=b, agreed_by=[a, b])
    set_worksheet_entry(store.open(code, fac), "privacy", a, "B", "Steps")
    set_worksheet_entry(store.open(code, ann), "privacy", a, "C", "Evidence", internal=True)
    set_baseline(store.open(code, ann), a, s.catalogue.ids)
    set_reflection(store.open(code, ann), "areas", "Privacy")
    set_agreed_order(store.open(code, fac), s.catalogue.ids)
    survey = new_survey_link(store.open(code, fac))
    submit_feedback(store.open(code, survey), "Dana", {None: {"trust": 4}, "privacy": {"comment": "ok"}})
    extra = store.join(code, b, "Removed")  # a removed personal link
    remove_participant(store.open(code, fac), extra.participant.id)


def _rows(store: Store, session_id: int) -> dict[str, int]:
    out = {}
    with raw(store) as conn:
        for t in tables(store):
            cols = set(columns(store, t))
            if t == "sessions":
                out[t] = conn.execute("SELECT count(*) FROM sessions WHERE id = ?", [session_id]).fetchone()[0]
            elif "session_id" in cols:
                out[t] = conn.execute(f'SELECT count(*) FROM "{t}" WHERE session_id = ?', [session_id]).fetchone()[0]
    return out


def test_delete_session_removes_every_new_row(store, created):
    keep = store.create_session("Keep me", ["X", "Y"])
    _fill(store, created.session.code, created.facilitator_token)
    _fill(store, keep.session.code, keep.facilitator_token)
    link_previous(
        store.open(keep.session.code, keep.facilitator_token), created.session.code, created.facilitator_token
    )
    before = _rows(store, created.session.id)
    assert {"worksheet", "baselines", "reflections", "next_steps", "feedback", "events"} <= set(before)
    assert all(n > 0 for n in before.values()), before
    kept = _rows(store, keep.session.id)

    store.delete_session(created.session.code, created.facilitator_token)

    assert set(_rows(store, created.session.id).values()) == {0}
    assert _rows(store, keep.session.id) == kept
    party_ids = [p.id for p in created.session.parties]
    for table, column in (("worksheet", "party_id"), ("baselines", "party_id"), ("next_steps", "owner_party_id")):
        assert count(store, f"SELECT count(*) FROM {table} WHERE {column} IN (?, ?)", party_ids) == 0
    with raw(store) as conn:
        if not is_postgres(store.path):  # PostgreSQL checks every foreign key before a commit
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        everything = json.dumps(
            [[tuple(r) for r in conn.execute(f"SELECT * FROM {t}")] for t in ("sessions", "events")]
        )
    assert created.session.code not in everything and "Data sharing review" not in everything
    assert changes_since_previous(store.open(keep.session.code, keep.facilitator_token)) is None
    assert feedback(store.open(keep.session.code, keep.facilitator_token))[0].respondent == "Dana"


def test_survey_is_open_follows_new_and_close(store, created):
    code, token = created.session.code, created.facilitator_token
    assert survey_is_open(store.open(code, token)) is False
    new_survey_link(store.open(code, token))
    assert survey_is_open(store.open(code, token)) is True
    close_survey(store.open(code, token))
    assert survey_is_open(store.open(code, token)) is False
    joined = store.join(code, created.session.parties[0].id, "Ann")
    with pytest.raises(AccessDenied):
        survey_is_open(store.open(code, joined.token))
