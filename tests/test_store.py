"""The session store: creating, joining, ranking, rounds, visibility, progress, deletion and rights."""

from __future__ import annotations

import random

import pytest
from conftest import columns, count, raw, tables

from trustcore import tokens
from trustcore.backends import is_postgres
from trustcore.errors import AccessDenied, InvalidInput, NotAllowedNow, NotFound
from trustcore.people import remove_participant
from trustcore.store import DENIED, UNKNOWN_CODE, Store

LOCKED = "This round is locked: the facilitator is no longer accepting rankings."
REVEALED_UNLOCK = "This round's results are revealed; open a new round instead of unlocking it."
CHOOSE_PARTY = "Choose one of this session's parties."


# ---------------------------------------------------------------- helpers


def n_rankings(store: Store) -> int:
    return count(store, "SELECT count(*) FROM rankings")


def n_events(store: Store) -> int:
    return count(store, "SELECT count(*) FROM events")


def code_of(created) -> str:
    return created.session.code


def tok(created) -> str:
    return created.facilitator_token


def party(created, i: int = 0) -> int:
    return created.session.parties[i].id


def ids(created) -> list[str]:
    return list(created.session.catalogue.ids)


def rotated(order, k: int = 1) -> list[str]:
    order = list(order)
    return order[k:] + order[:k]


def event_actions(store, created) -> list[str]:
    return [e.action for e in store.events(code_of(created), tok(created))]


# ---------------------------------------------------------------- create_session


def test_create_session_returns_session_and_token(store):
    c = store.create_session(
        "  Review \n of sharing ",
        [{"name": "Alpha", "members": ["Ann", "Bob"]}, ("Beta", "Cara")],
        our_org="Our org",
        partner_org="Partner",
        flows="Flow one\nFlow two",
        blind=False,
    )
    s = c.session
    assert s.title == "Review of sharing"
    assert (s.our_org, s.partner_org, s.flows) == ("Our org", "Partner", "Flow one\nFlow two")
    assert s.blind is False
    assert s.current_round == 1
    assert [(r.number, r.status) for r in s.rounds] == [(1, "open")]
    assert [(p.position, p.name, p.members) for p in s.parties] == [
        (0, "Alpha", ("Ann", "Bob")),
        (1, "Beta", ("Cara",)),
    ]
    assert tokens.normalise_code(s.code) == s.code
    assert tokens.looks_like_token(c.facilitator_token)
    assert len(s.catalogue) == 10
    assert store._session(s.code) == s


def test_create_session_is_blind_by_default(created):
    assert created.session.blind is True


def test_only_the_hash_of_the_facilitator_token_is_stored(store, created):
    with raw(store) as conn:
        row = dict(conn.execute("SELECT * FROM sessions").fetchone())
    assert row["facilitator_hash"] == tokens.hash_token(tok(created))
    assert not any(tok(created) in str(v) for v in row.values())


def test_codes_are_unique(store):
    codes = {store.create_session(f"S{i}", ["A", "B"]).session.code for i in range(20)}
    assert len(codes) == 20


@pytest.mark.parametrize(
    "title, message",
    [
        ("", "The title cannot be empty."),
        (" \n\x00 ", "The title cannot be empty."),
        ("t" * 121, "The title is too long: 121 characters, at most 120."),
    ],
)
def test_create_session_title_validation(store, title, message):
    with pytest.raises(InvalidInput) as excinfo:
        store.create_session(title, ["A", "B"])
    assert str(excinfo.value) == message
    assert count(store, "SELECT count(*) FROM sessions") == 0


def test_title_of_120_characters_is_fine(store):
    assert store.create_session("t" * 120, ["A", "B"]).session.title == "t" * 120


@pytest.mark.parametrize("n", [0, 1, 13, 20])
def test_party_count_outside_2_to_12_refused(store, n):
    with pytest.raises(InvalidInput) as excinfo:
        store.create_session("T", [f"P{i}" for i in range(n)])
    assert str(excinfo.value) == f"A session needs 2 to 12 parties; {n} given."
    assert count(store, "SELECT count(*) FROM sessions") == 0


@pytest.mark.parametrize("n", [2, 12])
def test_party_count_bounds_accepted(store, n):
    s = store.create_session("T", [f"P{i}" for i in range(n)]).session
    assert [p.position for p in s.parties] == list(range(n))
    assert [p.name for p in s.parties] == [f"P{i}" for i in range(n)]


@pytest.mark.parametrize("names", [["Alpha", "alpha"], ["Alpha", "Beta", " ALPHA "], ["Straße", "STRASSE"]])
def test_duplicate_party_names_refused_case_insensitively(store, names):
    with pytest.raises(InvalidInput) as excinfo:
        store.create_session("T", names)
    assert str(excinfo.value).startswith("Two parties are called ")
    assert str(excinfo.value).endswith(": give each party its own name.")
    assert count(store, "SELECT count(*) FROM parties") == 0


def test_duplicate_party_message_names_the_party(store):
    with pytest.raises(InvalidInput) as excinfo:
        store.create_session("T", ["Alpha", "ALPHA"])
    assert str(excinfo.value) == "Two parties are called 'ALPHA': give each party its own name."


def test_empty_party_name_refused(store):
    with pytest.raises(InvalidInput) as excinfo:
        store.create_session("T", ["Alpha", "  "])
    assert str(excinfo.value) == "Party 2's name cannot be empty."


def test_members_parsed_from_comma_text(store):
    s = store.create_session(
        "T",
        [
            ("Alpha", "Ann, Bob ,, \nCara\n"),
            {"name": "Beta", "members": "Dee,Eve"},
            {"name": "Gamma"},
            ("Delta", ["Fay", " ", "Gus\u202e"]),
        ],
    ).session
    assert [p.members for p in s.parties] == [("Ann", "Bob", "Cara"), ("Dee", "Eve"), (), ("Fay", "Gus")]
    # stored, not only returned
    assert [p.members for p in store._session(s.code).parties] == [
        ("Ann", "Bob", "Cara"),
        ("Dee", "Eve"),
        (),
        ("Fay", "Gus"),
    ]


def test_create_logs_an_event(store, created):
    events = store.events(code_of(created), tok(created))
    assert [(e.actor, e.action, e.detail) for e in events] == [
        ("facilitator", "session_created", {"parties": 2, "elements": 10, "anonymity": "named"})
    ]


def test_sessions_listing(store, created):
    other = store.create_session("Other", ["A", "B", "C"])
    store.join(code_of(created), party(created), "Ann")
    listing = store.sessions()
    assert [(s.code, s.title, s.parties, s.participants, s.current_round) for s in listing] == [
        (other.session.code, "Other", 3, 0, 1),
        (code_of(created), "Data sharing review", 2, 1, 1),
    ]


# ---------------------------------------------------------------- reading and facilitator access


def test_session_by_typed_code(store, created):
    shown = tokens.display_code(code_of(created)).upper()
    assert store._session(shown).id == created.session.id


@pytest.mark.parametrize("code", [None, "", "nonsense", "abcdefghjkmnpq"])
def test_session_unknown_code(store, created, code):
    with pytest.raises(NotFound) as excinfo:
        store._session(code)
    assert str(excinfo.value) == UNKNOWN_CODE


def test_facilitator_with_right_token(store, created):
    s = store.facilitator(tokens.display_code(code_of(created)), tok(created))
    assert s == created.session


def test_facilitator_denials_all_say_the_same(store, created):
    other = store.create_session("Other", ["A", "B"])
    joined = store.join(code_of(created), party(created), "Ann")
    attempts = [
        (code_of(created), tokens.new_token()),  # wrong token
        (code_of(created), "not a token!"),  # malformed
        (code_of(created), ""),
        (code_of(created), None),
        (code_of(created), tokens.hash_token(tok(created))),  # the stored hash itself
        (code_of(created), tok(other)),  # another session's facilitator token
        (code_of(created), joined.token),  # a participant's token
        ("abcdefghjkmnpq", tok(created)),  # unknown but well-formed code
        ("garbage", tok(created)),  # malformed code
        (None, tok(created)),
    ]
    messages = set()
    for code, token in attempts:
        with pytest.raises(AccessDenied) as excinfo:
            store.facilitator(code, token)
        messages.add(str(excinfo.value))
    assert messages == {DENIED}


# ---------------------------------------------------------------- join


def test_join_returns_participant_and_token(store, created):
    j = store.join(code_of(created), party(created, 1), "  Ann \x00 Lee ")
    p = j.participant
    assert (p.name, p.party, p.party_id, p.session_id) == ("Ann Lee", "Beta", party(created, 1), created.session.id)
    assert tokens.looks_like_token(j.token)
    assert store.participant(code_of(created), j.token) == p
    assert count(store, "SELECT count(*) FROM participants WHERE token_hash = ?", [j.token]) == 0


def test_join_auto_names(store, created):
    names = [store.join(code_of(created), party(created), "").participant.name for _ in range(3)]
    assert names == ["Participant 1", "Participant 2", "Participant 3"]


def test_join_auto_name_skips_a_taken_one(store, created):
    store.join(code_of(created), party(created), "Ann")
    store.join(code_of(created), party(created), "participant 3")
    assert store.join(code_of(created), party(created), "").participant.name == "Participant 4"


def test_join_duplicate_names_get_a_number(store, created):
    names = [
        store.join(code_of(created), party(created, i % 2), n).participant.name
        for i, n in enumerate(["Ann", "Ann", "ANN", "Bob"])
    ]
    assert names == ["Ann", "Ann (2)", "ANN (3)", "Bob"]


def test_join_name_too_long(store, created):
    with pytest.raises(InvalidInput) as excinfo:
        store.join(code_of(created), party(created), "n" * 81)
    assert str(excinfo.value) == "Your name is too long: 81 characters, at most 80."
    assert count(store, "SELECT count(*) FROM participants") == 0


@pytest.mark.parametrize("bad", [999_999, "abc", None, -1, "1.5"])
def test_join_bad_party_id(store, created, bad):
    with pytest.raises(InvalidInput) as excinfo:
        store.join(code_of(created), bad, "Ann")
    assert str(excinfo.value) == CHOOSE_PARTY
    assert count(store, "SELECT count(*) FROM participants") == 0


def test_join_with_another_sessions_party_refused(store, created):
    other = store.create_session("Other", ["X", "Y"])
    with pytest.raises(InvalidInput) as excinfo:
        store.join(code_of(created), other.session.parties[0].id, "Ann")
    assert str(excinfo.value) == CHOOSE_PARTY


def test_join_accepts_party_id_as_text(store, created):
    assert store.join(code_of(created), str(party(created, 1)), "Ann").participant.party == "Beta"


def test_join_unknown_session(store, created):
    with pytest.raises(NotFound):
        store.join("abcdefghjkmnpq", party(created), "Ann")


def test_start_order_is_a_permutation_and_recorded(store, created):
    j = store.join(code_of(created), party(created), "Ann")
    assert sorted(j.participant.start_order) == sorted(ids(created))
    assert len(j.participant.start_order) == 10
    assert store.participant(code_of(created), j.token).start_order == j.participant.start_order
    assert store._start_order(j.participant, 1) == j.participant.start_order


def test_start_order_uses_the_given_rng(store, created):
    a = store.join(code_of(created), party(created), "A", rng=random.Random(7)).participant.start_order
    b = store.join(code_of(created), party(created), "B", rng=random.Random(7)).participant.start_order
    expected = ids(created)
    random.Random(7).shuffle(expected)
    assert a == b == tuple(expected)


def test_start_orders_are_random(store, created):
    orders = {store.join(code_of(created), party(created)).participant.start_order for _ in range(12)}
    # 12 draws from 10! = 3,628,800 orders: a repeat is a one-in-~50,000 event; all equal is impossible
    assert len(orders) >= 10
    firsts = {o[0] for o in orders}
    assert len(firsts) >= 2


# ---------------------------------------------------------------- participant access


def test_participant_denials(store, created):
    other = store.create_session("Other", ["X", "Y"])
    mine = store.join(code_of(created), party(created), "Ann")
    theirs = store.join(other.session.code, other.session.parties[0].id, "Zed")
    attempts = [
        (code_of(created), theirs.token),  # another session's participant token
        (other.session.code, mine.token),
        (code_of(created), tok(created)),  # the facilitator token is not a participant token
        (code_of(created), tokens.new_token()),
        (code_of(created), "bad token"),
        (code_of(created), None),
        ("abcdefghjkmnpq", mine.token),
        (None, mine.token),
    ]
    for code, token in attempts:
        with pytest.raises(AccessDenied) as excinfo:
            store.participant(code, token)
        assert str(excinfo.value) == DENIED
    assert store.participant(tokens.display_code(code_of(created)), mine.token).name == "Ann"


def test_submit_with_another_sessions_token_refused(store, created):
    other = store.create_session("Other", ["X", "Y"])
    theirs = store.join(other.session.code, other.session.parties[0].id, "Zed")
    with pytest.raises(AccessDenied):
        store.submit(code_of(created), theirs.token, ids(created), round_number=1)
    assert n_rankings(store) == 0


# ---------------------------------------------------------------- submit


@pytest.fixture
def ann(store, created):
    return store.join(code_of(created), party(created), "Ann")


def test_submit_stores_the_ranking(store, created, ann):
    order = rotated(ids(created), 3)
    sub = store.submit(code_of(created), ann.token, order, round_number=1)
    assert (sub.replaced, sub.unchanged) == (False, False)
    r = sub.ranking
    assert (r.participant_id, r.participant, r.party, r.round, r.order) == (
        ann.participant.id,
        "Ann",
        "Alpha",
        1,
        tuple(order),
    )
    assert r.start_order == ann.participant.start_order
    assert store._rankings(code_of(created)) == [r]
    assert store._my_ranking(ann.participant, 1) == r


@pytest.mark.parametrize(
    "mutate, detail",
    [
        (lambda o: o[:-1], "missing: skills"),
        (lambda o: o[:-1] + [o[0]], "listed more than once: impact; missing: skills"),
        (lambda o: o[:-1] + ["zzz"], "unknown element(s): zzz; missing: skills"),
        (lambda o: o + ["zzz", "aaa"], "unknown element(s): aaa, zzz"),
        (lambda o: o + ["privacy"], "listed more than once: privacy"),
        (
            lambda o: [],
            "missing: "
            + ", ".join(
                [
                    "impact",
                    "engagement",
                    "ethics",
                    "finance",
                    "governance",
                    "legal",
                    "privacy",
                    "quality",
                    "readiness",
                    "skills",
                ]
            ),
        ),
        (lambda o: ["x", "x"] + o[2:], "unknown element(s): x; listed more than once: x; missing: impact, engagement"),
    ],
    ids=["missing", "repeated", "unknown", "extra", "one-twice", "empty", "all-three"],
)
def test_submit_permutation_messages_and_nothing_stored(store, created, ann, mutate, detail):
    before_events = n_events(store)
    with pytest.raises(InvalidInput) as excinfo:
        store.submit(code_of(created), ann.token, mutate(ids(created)), round_number=1)
    assert str(excinfo.value) == f"A ranking must put all 10 elements in order, each once ({detail})."
    assert n_rankings(store) == 0
    assert n_events(store) == before_events


@pytest.mark.parametrize("bad", ["impact,engagement", None, 5, b"impact"])
def test_submit_non_list(store, created, ann, bad):
    with pytest.raises(InvalidInput) as excinfo:
        store.submit(code_of(created), ann.token, bad, round_number=1)
    assert str(excinfo.value) == "A ranking must be a list of element ids."
    assert n_rankings(store) == 0


def test_submit_accepts_any_iterable(store, created, ann):
    sub = store.submit(code_of(created), ann.token, tuple(reversed(ids(created))), round_number=1)
    assert sub.ranking.order == tuple(reversed(ids(created)))


def test_resubmit_replaces_and_keeps_history(store, created, ann):
    first, second = rotated(ids(created), 1), rotated(ids(created), 2)
    store.submit(code_of(created), ann.token, first, round_number=1)
    sub = store.submit(code_of(created), ann.token, second, round_number=1)
    assert (sub.replaced, sub.unchanged) == (True, False)
    assert [r.order for r in store._rankings(code_of(created))] == [tuple(second)]
    history = store._rankings(code_of(created), history=True)
    assert [r.order for r in history] == [tuple(first), tuple(second)]
    assert {r.start_order for r in history} == {ann.participant.start_order}
    assert count(store, "SELECT count(*) FROM rankings WHERE current = 1") == 1
    assert store._my_ranking(ann.participant, 1).order == tuple(second)


def test_identical_resubmit_is_unchanged_and_writes_nothing(store, created, ann):
    order = rotated(ids(created), 4)
    first = store.submit(code_of(created), ann.token, order, round_number=1)
    rows, events = n_rankings(store), n_events(store)
    again = store.submit(code_of(created), ann.token, list(order), round_number=1)
    assert (again.replaced, again.unchanged) == (False, True)
    assert again.ranking == first.ranking
    assert (n_rankings(store), n_events(store)) == (rows, events)


def test_going_back_to_an_earlier_order_is_a_real_change(store, created, ann):
    a, b = rotated(ids(created), 1), rotated(ids(created), 2)
    for order in (a, b, a):
        assert store.submit(code_of(created), ann.token, order, round_number=1).unchanged is False
    assert [r.order for r in store._rankings(code_of(created), 1, history=True)] == [tuple(a), tuple(b), tuple(a)]


@pytest.mark.parametrize("action", ["lock", "reveal"])
def test_submit_refused_after_lock_or_reveal(store, created, ann, action):
    store.submit(code_of(created), ann.token, rotated(ids(created), 1), round_number=1)
    bob = store.join(code_of(created), party(created, 1), "Bob")
    getattr(store, action)(code_of(created), tok(created), round_number=1)
    rows, events = n_rankings(store), n_events(store)
    for token, order in [
        (ann.token, rotated(ids(created), 2)),
        (ann.token, rotated(ids(created), 1)),
        (bob.token, ids(created)),
    ]:
        with pytest.raises(NotAllowedNow) as excinfo:
            store.submit(code_of(created), token, order, round_number=1)
        assert str(excinfo.value) == LOCKED
    assert (n_rankings(store), n_events(store)) == (rows, events)
    assert [r.order for r in store._rankings(code_of(created))] == [tuple(rotated(ids(created), 1))]


def test_unlock_before_reveal_accepts_rankings_again(store, created, ann):
    store.lock(code_of(created), tok(created), round_number=1)
    s = store.unlock(code_of(created), tok(created), round_number=1)
    assert s.round.status == "open"
    assert store.submit(code_of(created), ann.token, ids(created), round_number=1).unchanged is False


def test_unlock_refused_after_reveal(store, created, ann):
    store.reveal(code_of(created), tok(created), round_number=1)
    with pytest.raises(NotAllowedNow) as excinfo:
        store.unlock(code_of(created), tok(created), round_number=1)
    assert str(excinfo.value) == REVEALED_UNLOCK
    assert store._session(code_of(created)).round.status == "revealed"
    with pytest.raises(NotAllowedNow):
        store.submit(code_of(created), ann.token, ids(created), round_number=1)


def test_round_status_transitions(store, created):
    code, t = code_of(created), tok(created)
    s = store.lock(code, t, round_number=1)
    assert s.round.status == "locked"
    locked_at = s.round.locked_at
    assert store.lock(code, t, round_number=1).round.locked_at == locked_at  # locking twice keeps the first time
    s = store.reveal(code, t, round_number=1)
    assert s.round.status == "revealed"
    assert s.round.locked_at == locked_at


def test_reveal_also_locks(store, created):
    s = store.reveal(code_of(created), tok(created), round_number=1)
    assert s.round.locked_at and s.round.revealed_at


# ---------------------------------------------------------------- rounds


def test_next_round(store, created, ann):
    code, t = code_of(created), tok(created)
    bob = store.join(code, party(created, 1), "Bob")  # never ranks in round 1
    r1 = rotated(ids(created), 3)
    store.submit(code, ann.token, r1, round_number=1)
    s = store.next_round(code, t, round_number=1)
    assert s.current_round == 2
    assert [(r.number, r.status) for r in s.rounds] == [(1, "locked"), (2, "open")]
    assert store._start_order(ann.participant, 2) == tuple(r1)
    assert store._start_order(bob.participant, 2) == bob.participant.start_order

    r2 = rotated(ids(created), 5)
    sub = store.submit(code, ann.token, r2, round_number=2)
    assert (sub.ranking.round, sub.replaced) == (2, False)
    assert sub.ranking.start_order == tuple(r1)
    assert [r.order for r in store._rankings(code, 1)] == [tuple(r1)]
    assert [r.order for r in store._rankings(code, 2)] == [tuple(r2)]
    assert [(r.round, r.order) for r in store._rankings(code)] == [(1, tuple(r1)), (2, tuple(r2))]
    assert store._my_ranking(ann.participant, 1).order == tuple(r1)
    assert store._my_ranking(bob.participant, 2) is None

    bob_sub = store.submit(code, bob.token, ids(created), round_number=2)
    assert bob_sub.ranking.start_order == bob.participant.start_order


def test_third_round_starts_from_latest_ranked_round(store, created, ann):
    code, t = code_of(created), tok(created)
    r1 = rotated(ids(created), 1)
    store.submit(code, ann.token, r1, round_number=1)
    store.next_round(code, t, round_number=1)
    store.next_round(code, t, round_number=2)  # ann skips round 2
    assert store._session(code).current_round == 3
    assert store._start_order(ann.participant, 3) == tuple(r1)


def test_next_round_after_reveal_opens_unrevealed_round(store, created, ann):
    code, t = code_of(created), tok(created)
    store.reveal(code, t, round_number=1)
    s = store.next_round(code, t, round_number=1)
    assert [(r.number, r.status) for r in s.rounds] == [(1, "revealed"), (2, "open")]
    assert store.submit(code, ann.token, ids(created), round_number=2).ranking.round == 2


# ---------------------------------------------------------------- visibility


def test_results_visible_blind(store, created):
    code, t = code_of(created), tok(created)
    s = store._session(code)
    assert s.results_visible() is False
    assert s.results_visible(facilitator=True) is True
    s = store.lock(code, t, round_number=1)
    assert s.results_visible() is False
    s = store.reveal(code, t, round_number=1)
    assert s.results_visible() is True
    assert s.results_visible(1) is True
    s = store.next_round(code, t, round_number=1)
    assert s.results_visible() is False  # round 2 not revealed
    assert s.results_visible(2) is False
    assert s.results_visible(1) is True  # round 1 stays revealed
    assert s.results_visible(2, facilitator=True) is True


def test_results_visible_live(store):
    s = store.create_session("Live", ["A", "B"], blind=False).session
    assert s.results_visible() is True
    assert s.results_visible(1) is True


# ---------------------------------------------------------------- progress


def test_progress_counts(store, created):
    code = code_of(created)
    c3 = store.create_session("Three", ["Alpha", "Beta", "Gamma"])
    code = c3.session.code
    p = [p.id for p in c3.session.parties]
    a1 = store.join(code, p[0], "A1")
    a2 = store.join(code, p[0], "A2")
    b1 = store.join(code, p[1], "B1")
    prog = store._progress(code)
    assert prog.submitted == 0
    assert prog.parties_submitted(c3.session) == {"Alpha": (0, 2), "Beta": (0, 1), "Gamma": (0, 0)}

    store.submit(code, a2.token, ids(c3), round_number=1)
    store.submit(code, b1.token, ids(c3), round_number=1)
    store.submit(code, b1.token, rotated(ids(c3)), round_number=1)  # a replacement is still one participant
    prog = store._progress(code)
    assert prog.round.number == 1
    assert prog.submitted == 2
    assert [(st.participant.name, bool(st.submitted_at)) for st in prog.participants] == [
        ("A1", False),
        ("A2", True),
        ("B1", True),
    ]
    assert prog.parties_submitted(c3.session) == {"Alpha": (1, 2), "Beta": (1, 1), "Gamma": (0, 0)}

    store.next_round(code, c3.facilitator_token, round_number=1)
    prog = store._progress(code)
    assert prog.round.number == 2
    assert prog.submitted == 0
    store.submit(code, a1.token, ids(c3), round_number=2)
    assert store._progress(code).parties_submitted(c3.session) == {"Alpha": (1, 2), "Beta": (0, 1), "Gamma": (0, 0)}


# ---------------------------------------------------------------- change marker


def test_change_marker(store, created):
    code, t = code_of(created), tok(created)
    markers = [store._change_marker(code)]

    def changed() -> None:
        m = store._change_marker(code)
        assert m not in markers
        markers.append(m)

    def unchanged() -> None:
        assert store._change_marker(code) == markers[-1]

    j = store.join(code, party(created), "Ann")
    changed()
    store._session(code), store.facilitator(code, t), store._progress(code), store._rankings(code, history=True)
    store.participant(code, j.token), store.events(code, t)
    unchanged()
    order = ids(created)
    store.submit(code, j.token, order, round_number=1)
    changed()
    store.submit(code, j.token, order, round_number=1)  # double click
    unchanged()
    with pytest.raises(InvalidInput):
        store.submit(code, j.token, order[:-1], round_number=1)
    unchanged()
    store.submit(code, j.token, rotated(order), round_number=1)
    changed()
    store.lock(code, t, round_number=1)
    changed()
    store.unlock(code, t, round_number=1)
    changed()
    store.reveal(code, t, round_number=1)
    changed()
    store.next_round(code, t, round_number=1)
    changed()


def test_change_marker_is_per_session(store, created):
    other = store.create_session("Other", ["X", "Y"])
    before = store._change_marker(code_of(created))
    store.join(other.session.code, other.session.parties[0].id, "Zed")
    assert store._change_marker(code_of(created)) == before


def test_change_marker_unknown_code(store):
    with pytest.raises(NotFound):
        store._change_marker("abcdefghjkmnpq")


# ---------------------------------------------------------------- events


def test_events_are_logged_for_each_action(store, created):
    code, t = code_of(created), tok(created)
    j = store.join(code, party(created, 1), "Ann")
    pid = j.participant.id
    store.submit(code, j.token, ids(created), round_number=1)
    store.submit(code, j.token, ids(created), round_number=1)  # unchanged: no event
    store.submit(code, j.token, rotated(ids(created)), round_number=1)
    store.lock(code, t, round_number=1)
    store.unlock(code, t, round_number=1)
    store.reveal(code, t, round_number=1)
    store.next_round(code, t, round_number=1)
    events = store.events(code, t)
    assert [(e.actor, e.action, e.detail) for e in events] == [
        ("facilitator", "session_created", {"parties": 2, "elements": 10, "anonymity": "named"}),
        (f"participant:{pid}", "joined", {"party": "Beta"}),
        (f"participant:{pid}", "ranking_submitted", {"round": 1, "reasons": 0}),
        (f"participant:{pid}", "ranking_replaced", {"round": 1, "reasons": 0}),
        ("facilitator", "round_locked", {"round": 1}),
        ("facilitator", "round_unlocked", {"round": 1}),
        ("facilitator", "round_revealed", {"round": 1}),
        ("facilitator", "joining_changed", {"open": False, "reason": "reveal"}),
        ("facilitator", "round_opened", {"round": 2}),
    ]
    assert all(e.at.endswith("Z") and len(e.at) == 20 for e in events)


def test_events_of_other_sessions_are_not_shown(store, created):
    other = store.create_session("Other", ["X", "Y"])
    store.join(other.session.code, other.session.parties[0].id, "Zed")
    assert event_actions(store, created) == ["session_created"]


def test_refused_actions_log_nothing(store, created, ann):
    before = n_events(store)
    store.lock(code_of(created), tok(created), round_number=1)
    with pytest.raises(NotAllowedNow):
        store.submit(code_of(created), ann.token, ids(created), round_number=1)
    store.reveal(code_of(created), tok(created), round_number=1)
    with pytest.raises(NotAllowedNow):
        store.unlock(code_of(created), tok(created), round_number=1)
    assert n_events(store) == before + 3  # the lock and the reveal (which closes joining) only


# ---------------------------------------------------------------- rights


FACILITATOR_ACTIONS = ["lock", "unlock", "reveal", "next_round", "delete_session", "events"]
ROUND_ACTIONS = {"lock", "unlock", "reveal", "next_round"}  # these name the round the page showed


def _facilitator_action(store, action: str, code: str, token: str):
    extra = {"round_number": 1} if action in ROUND_ACTIONS else {}
    return getattr(store, action)(code, token, **extra)


@pytest.mark.parametrize("action", FACILITATOR_ACTIONS)
def test_facilitator_actions_refuse_a_participant_token(store, created, ann, action):
    before = (n_events(store), store._session(code_of(created)))
    with pytest.raises(AccessDenied) as excinfo:
        _facilitator_action(store, action, code_of(created), ann.token)
    assert str(excinfo.value) == DENIED
    assert (n_events(store), store._session(code_of(created))) == before


@pytest.mark.parametrize("action", FACILITATOR_ACTIONS)
def test_facilitator_actions_refuse_another_sessions_facilitator(store, created, action):
    other = store.create_session("Other", ["X", "Y"])
    with pytest.raises(AccessDenied):
        _facilitator_action(store, action, code_of(created), tok(other))
    assert store._session(code_of(created)).round.status == "open"


# ---------------------------------------------------------------- delete


def _populate(store, c) -> None:
    code = c.session.code
    a = store.join(code, c.session.parties[0].id, "Ann")
    b = store.join(code, c.session.parties[1].id, "Bob")
    store.submit(code, a.token, list(c.session.catalogue.ids), round_number=1)
    store.submit(code, a.token, rotated(c.session.catalogue.ids), round_number=1)
    store.submit(code, b.token, list(c.session.catalogue.ids), round_number=1)
    store.next_round(code, c.facilitator_token, round_number=1)
    store.submit(code, b.token, rotated(c.session.catalogue.ids, 2), round_number=2)
    extra = store.join(code, c.session.parties[1].id, "Removed")  # a removed personal link
    remove_participant(store.open(code, c.facilitator_token), extra.participant.id)
    with raw(store) as conn:  # tables the store has no methods for yet
        conn.execute(
            "INSERT INTO next_steps (session_id, element_id, action, owner_party_id, created_at, updated_at) "
            "VALUES (?, 'privacy', 'Write a policy', ?, 'now', 'now')",
            [c.session.id, c.session.parties[0].id],
        )
        conn.execute(
            "INSERT INTO feedback (session_id, respondent, element_id, trust, submitted_at) VALUES (?, 'x', 'ethics', 4, 'now')",
            [c.session.id],
        )
        party = c.session.parties[0].id
        conn.execute(
            "INSERT INTO worksheet (session_id, element_id, party_id, col, text, updated_at) "
            "VALUES (?, 'privacy', ?, 'B', 'x', 'now')",
            [c.session.id, party],
        )
        conn.execute(
            "INSERT INTO baselines (session_id, party_id, ordering, entered_at) VALUES (?, ?, '[]', 'now')",
            [c.session.id, party],
        )
        conn.execute(
            "INSERT INTO reflections (session_id, key, answer, updated_at) VALUES (?, 'areas', 'x', 'now')",
            [c.session.id],
        )


def _rows_by_table(store, session_id: int) -> dict[str, int]:
    out = {}
    with raw(store) as conn:
        for t in tables(store):
            cols = set(columns(store, t))
            if t == "sessions":
                out[t] = conn.execute("SELECT count(*) FROM sessions WHERE id = ?", [session_id]).fetchone()[0]
            elif "session_id" in cols:
                out[t] = conn.execute(f'SELECT count(*) FROM "{t}" WHERE session_id = ?', [session_id]).fetchone()[0]
    return out


def test_delete_session_removes_every_row_of_it(store, created):
    other = store.create_session("Keep me", ["X", "Y"])
    _populate(store, created)
    _populate(store, other)
    before = _rows_by_table(store, created.session.id)
    assert {"sessions", "parties", "participants", "rounds", "rankings", "next_steps", "feedback", "events"} <= set(
        before
    )
    assert all(n > 0 for n in before.values()), before
    other_before = _rows_by_table(store, other.session.id)
    with raw(store) as conn:
        participant_ids = [
            r[0] for r in conn.execute("SELECT id FROM participants WHERE session_id = ?", [created.session.id])
        ]
        party_ids = [p.id for p in created.session.parties]

    store.delete_session(code_of(created), tok(created))

    assert set(_rows_by_table(store, created.session.id).values()) == {0}
    assert _rows_by_table(store, other.session.id) == other_before
    marks = ",".join("?" * len(participant_ids))
    assert count(store, f"SELECT count(*) FROM rankings WHERE participant_id IN ({marks})", participant_ids) == 0
    assert count(store, "SELECT count(*) FROM parties WHERE id IN (?, ?)", party_ids) == 0
    with raw(store) as conn:
        assert (
            is_postgres(store.path) or conn.execute("PRAGMA foreign_key_check").fetchall() == []
        )  # PostgreSQL checks keys at commit
        everything = "\n".join(
            str(tuple(r)) for t in ("sessions", "events") for r in conn.execute(f"SELECT * FROM {t}")
        )
    assert code_of(created) not in everything
    assert "Data sharing review" not in everything


def test_after_delete_every_call_is_refused(store, created):
    code, t = code_of(created), tok(created)
    j = store.join(code, party(created), "Ann")
    store.submit(code, j.token, ids(created), round_number=1)
    store.delete_session(code, t)

    for call in (
        lambda: store._session(code),
        lambda: store._change_marker(code),
        lambda: store._progress(code),
        lambda: store._rankings(code),
        lambda: store.join(code, party(created), "Bob"),
    ):
        with pytest.raises(NotFound):
            call()
    for call in (
        lambda: store.facilitator(code, t),
        lambda: store.participant(code, j.token),
        lambda: store.submit(code, j.token, ids(created), round_number=1),
        lambda: store.lock(code, t, round_number=1),
        lambda: store.reveal(code, t, round_number=1),
        lambda: store.next_round(code, t, round_number=1),
        lambda: store.events(code, t),
        lambda: store.delete_session(code, t),
    ):
        with pytest.raises(AccessDenied) as excinfo:
            call()
        assert str(excinfo.value) == DENIED
    assert store.sessions() == []


def test_delete_is_logged_without_the_session(store, created):
    store.delete_session(code_of(created), tok(created))
    with raw(store) as conn:
        rows = [dict(r) for r in conn.execute("SELECT session_id, actor, action FROM events")]
    assert rows == [{"session_id": None, "actor": "facilitator", "action": "session_deleted"}]


def test_replace_catalogue_only_before_any_ranking_and_only_by_the_facilitator(store, created):
    from trustcore.catalogue import validate as validate_catalogue

    code, token = created.session.code, created.facilitator_token
    ann = store.join(code, created.session.parties[0].id, "Ann")
    small = validate_catalogue(
        [{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta"}, {"id": "c", "name": "Gamma"}], source="mine.csv"
    )
    with pytest.raises(AccessDenied):
        store.replace_catalogue(code, ann.token, small)
    session = store.replace_catalogue(code, token, small)
    assert session.catalogue.ids == ["a", "b", "c"]
    me = store.participant(code, ann.token)
    assert sorted(me.start_order) == ["a", "b", "c"], "start orders follow the new list"
    with pytest.raises(InvalidInput):
        store.submit(code, ann.token, created.session.catalogue.ids, round_number=1)  # the old elements are refused now
    store.submit(code, ann.token, ["c", "b", "a"], round_number=1)
    with pytest.raises(NotAllowedNow):
        store.replace_catalogue(code, token, created.session.catalogue)
    assert store._session(code).catalogue.ids == ["a", "b", "c"]
    assert "catalogue_replaced" in [e.action for e in store.events(code, token)]


def test_expired_sessions_grant_nothing_and_are_purged(tmp_path):
    path = tmp_path / "ret.db"
    young = Store(path, retention_days=30).initialise()
    made = young.create_session("Old", ["A", "B"])
    ann = young.join(made.session.code, made.session.parties[0].id, "Ann")
    with raw(young) as conn:
        conn.execute("UPDATE sessions SET created_at = '2020-01-01T00:00:00Z'")
    for call in (lambda: young._session(made.session.code),):
        with pytest.raises(NotFound, match="expired"):
            call()
    with pytest.raises(AccessDenied):
        young.facilitator(made.session.code, made.facilitator_token)
    with pytest.raises(AccessDenied):
        young.participant(made.session.code, ann.token)
    forever = Store(path, retention_days=None)
    assert forever._session(made.session.code).title == "Old", "without a retention period nothing expires"
    kept = young.create_session("New", ["A", "B"])
    assert young.purge_expired() == 1
    assert [s.code for s in forever.sessions()] == [kept.session.code]


def test_retention_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_RETENTION_DAYS", "90")
    assert Store(tmp_path / "x.db").retention_days == 90
    monkeypatch.setenv("TRUSTCORE_RETENTION_DAYS", "soon")
    with pytest.raises(InvalidInput, match="TRUSTCORE_RETENTION_DAYS"):
        Store(tmp_path / "x.db")
    monkeypatch.delenv("TRUSTCORE_RETENTION_DAYS")
    assert Store(tmp_path / "x.db").retention_days is None


def test_a_unit_of_work_resolves_each_token_once_until_it_writes(store, created, monkeypatch):
    from trustcore import db as dbmod

    code, token = created.session.code, created.facilitator_token
    looked_up = []
    real = Store.identify

    def counting(self, db, c, t):
        looked_up.append(t)
        return real(self, db, c, t)

    monkeypatch.setattr(Store, "identify", counting)
    with dbmod.unit(store.path):
        first = store.authorise(code, token)
        assert store.authorise(code, token) is first and len(looked_up) == 1  # a page rerun: once
        store.lock(code, token, round_number=1)  # a write forgets what the unit resolved
        again = store.authorise(code, token)
        assert again is not first and again.session.round.locked_at
    with dbmod.unit(store.path):
        store.authorise(code, token)  # the next rerun resolves the token again
    assert store.authorise(code, token) is not store.authorise(code, token)  # outside a unit: every call
