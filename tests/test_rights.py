"""Who can do what, through the core: one test per cell of the README's rights table.

Holders: the facilitator link (F), a participant's personal link (P, acting for their own party), another
participant's link (Q), the share link alone (S: the code, no token), the survey link (V), the presenter
link (R, view only), an organisation workspace's link (W: no session's, so it has none of a session's rights),
and nobody (N: a made-up token). A deleted or expired session grants nothing to anyone. Linking a session to
the workspace, or adopting its consensus there, needs both links: each cell tries one link with the other
one valid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trustcore import (
    archive,
    ecosystem,
    internal_worksheet,
    relationships,
    rights,
    signin,
    workbook,
    workspace_admin,
    workspace_archive,
    workspace_workbook,
)
from trustcore import workspace as ws
from trustcore.errors import AccessDenied, NotAllowedNow, NotFound, TrustcoreError
from trustcore.followup import survey_documents
from trustcore.followup.agreed_order import set_agreed_order
from trustcore.followup.baselines import set_baseline
from trustcore.followup.lineage import link_previous
from trustcore.followup.next_steps import add_next_step, delete_next_step, next_steps, update_next_step
from trustcore.followup.reflections import reflections, set_reflection
from trustcore.followup.survey import feedback, new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.joining import set_joining
from trustcore.model import Role
from trustcore.owners import hand_over
from trustcore.people import move_participant
from trustcore.presenter import new_presenter_link, presenter_session
from trustcore.rights import RIGHTS, Action, When
from trustcore.store import Store

HOLDERS = ("F", "P", "S", "V", "R", "W", "N")
_WORKSPACES: dict[str, tuple[int, str]] = {}  # database -> (its workspace's id, the workspace link's token now)
_W_TOKEN: dict[str, str] = {}  # database -> the W holder's token: stands for the workspace's link now


@pytest.fixture
def world(tmp_path):
    store = Store(tmp_path / "rights.db", retention_days=None).initialise()
    made = store.create_session("Rights", ["Alpha", "Beta"])
    code = made.session.code
    p = store.join(code, made.session.parties[0].id, "Pat")
    q = store.join(code, made.session.parties[1].id, "Quin")
    survey = new_survey_link(store.open(code, made.facilitator_token))
    shown = new_presenter_link(store.open(code, made.facilitator_token))
    org = ws.create_workspace(store, "Organisation")
    _WORKSPACES[str(store.path)] = (org.workspace.id, org.token)
    _W_TOKEN[str(store.path)] = org.token
    tokens = {
        "F": made.facilitator_token,
        "P": p.token,
        "Q": q.token,
        "S": None,
        "V": survey,
        "R": shown,
        "W": org.token,
        "N": "A" * 24,
    }
    return store, made, tokens


def allowed(call) -> bool:
    try:
        call()
    except (AccessDenied, NotAllowedNow, NotFound):
        return False
    except TrustcoreError as exc:  # a different refusal (e.g. invalid input) would hide a rights bug
        raise AssertionError(f"unexpected refusal: {exc!r}") from exc
    return True


def ids(made):
    return list(made.session.catalogue.ids)


# action -> (holders allowed before the reveal, function(store, made, token) performing it)
ACTIONS = {
    "rank and re-rank your own ranking": ({"P"}, lambda s, m, t: s.submit(m.session.code, t, ids(m), round_number=1)),
    "see who has joined and submitted": ({"F"}, lambda s, m, t: s.facilitator_progress(m.session.code, t)),
    "see the rankings and the comparison": ({"F"}, lambda s, m, t: s.visible_rankings(m.session.code, t, 1)),
    "download the workbook and report": ({"F"}, lambda s, m, t: workbook.session_workbook(s.open(m.session.code, t))),
    "lock and unlock a round": (
        {"F"},
        lambda s, m, t: (s.lock(m.session.code, t, round_number=1), s.unlock(m.session.code, t, round_number=1)),
    ),
    "reveal results": ({"F"}, lambda s, m, t: s.reveal(m.session.code, t, round_number=1)),
    "open a round": ({"F"}, lambda s, m, t: s.next_round(m.session.code, t, round_number=1)),
    "replace the element list": ({"F"}, lambda s, m, t: s.replace_catalogue(m.session.code, t, m.session.catalogue)),
    "see the event log": ({"F"}, lambda s, m, t: s.events(m.session.code, t)),
    "create or close the survey link": ({"F"}, lambda s, m, t: new_survey_link(s.open(m.session.code, t))),
    "archive the session": ({"F"}, lambda s, m, t: archive.export_session(s.open(m.session.code, t))),
    "delete the session": ({"F"}, lambda s, m, t: s.delete_session(m.session.code, t)),
    "add and edit next steps": (
        {"F", "P"},
        lambda s, m, t: add_next_step(s.open(m.session.code, t), "privacy", "Act"),
    ),
    "mark your own party as agreeing to a next step": (
        {"F", "P"},
        lambda s, m, t: add_next_step(s.open(m.session.code, t), "privacy", "Act", agreed_by=[m.session.parties[0].id]),
    ),
    "edit your party's worksheet entries": (
        {"F", "P"},
        lambda s, m, t: set_worksheet_entry(
            s.open(m.session.code, t), "privacy", m.session.parties[0].id, "B", "Steps"
        ),
    ),
    "enter your party's organisation-wide ranking": (
        {"F", "P"},
        lambda s, m, t: set_baseline(s.open(m.session.code, t), m.session.parties[0].id, ids(m)),
    ),
    "answer the reflection questions": (
        {"F", "P"},
        lambda s, m, t: set_reflection(s.open(m.session.code, t), "areas", "Yes"),
    ),
    "fill in the stakeholder survey": (
        {"V"},
        lambda s, m, t: submit_feedback(s.open(m.session.code, t), "", {"privacy": {"trust": 3}}),
    ),
    "read the survey answers": ({"F", "P"}, lambda s, m, t: feedback(s.open(m.session.code, t))),
    "see what the survey shows": ({"F", "V"}, lambda s, m, t: survey_documents.shared(s.open(m.session.code, t))),
    "choose what the survey shows": ({"F"}, lambda s, m, t: survey_documents.choose(s.open(m.session.code, t), "B")),
}


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_rights_table_before_the_reveal(world, action, holder):
    store, made, tokens = world
    allowed_holders, call = ACTIONS[action]
    assert allowed(lambda: call(store, made, tokens[holder])) == (holder in allowed_holders)


def test_join_needs_only_the_share_code(world):
    store, made, _ = world
    assert store.join(made.session.code, made.session.parties[1].id, "New").participant.name == "New"
    with pytest.raises(NotFound):
        store.join("abcdefghjkmnpq", made.session.parties[1].id, "New")


@pytest.mark.parametrize(
    "holder,expected", [("F", True), ("P", True), ("Q", True), ("S", False), ("V", False), ("N", False)]
)
def test_after_the_reveal_participants_see_the_comparison(world, holder, expected):
    store, made, tokens = world
    store.reveal(made.session.code, tokens["F"], round_number=1)
    assert allowed(lambda: store.visible_rankings(made.session.code, tokens[holder], 1)) == expected
    assert allowed(lambda: workbook.session_workbook(store.open(made.session.code, tokens[holder]))) == expected


def test_live_sessions_show_results_to_participants_at_once(tmp_path):
    store = Store(tmp_path / "live.db", retention_days=None).initialise()
    made = store.create_session("Live", ["A", "B"], blind=False)
    p = store.join(made.session.code, made.session.parties[0].id)
    assert store.visible_rankings(made.session.code, p.token, 1) == []


def test_a_participant_changes_only_their_own_ranking(world):
    store, made, tokens = world
    store.submit(made.session.code, tokens["Q"], ids(made)[::-1], round_number=1)
    before = {r.participant: r.order for r in store._rankings(made.session.code)}
    store.submit(made.session.code, tokens["P"], ids(made), round_number=1)
    after = {r.participant: r.order for r in store._rankings(made.session.code)}
    assert after["Quin"] == before["Quin"] and after["Pat"] == tuple(ids(made))


def test_a_participant_edits_only_their_own_party(world):
    store, made, tokens = world
    with pytest.raises(AccessDenied):
        set_worksheet_entry(
            store.open(made.session.code, tokens["P"]), "privacy", made.session.parties[1].id, "B", "Not mine"
        )
    with pytest.raises(AccessDenied):
        set_baseline(store.open(made.session.code, tokens["P"]), made.session.parties[1].id, ids(made))


@pytest.mark.parametrize("holder", HOLDERS)
def test_a_deleted_session_grants_nothing(world, holder):
    store, made, tokens = world
    store.delete_session(made.session.code, tokens["F"])
    for action, (_, call) in ACTIONS.items():
        assert not allowed(lambda call=call: call(store, made, tokens[holder])), action
    with pytest.raises(NotFound):
        store.join(made.session.code, made.session.parties[0].id, "Late")


def test_a_wrong_token_does_not_reveal_whether_the_session_exists(world):
    store, made, tokens = world
    messages = set()
    for code in (made.session.code, "abcdefghjkmnpq", "garbage"):
        for call in (store.facilitator, store.participant, store.authorise):
            with pytest.raises(AccessDenied) as info:
                call(code, tokens["N"])
            messages.add(str(info.value))
    assert len(messages) == 1


# ---------------------------------------------------------------- the table in trustcore/rights.py

HOLDER_OF = {
    Role.FACILITATOR: "F",
    Role.PARTICIPANT: "P",
    Role.JOINER: "S",
    Role.STAKEHOLDER: "V",
    Role.PRESENTER: "R",
    Role.WORKSPACE: "W",
}


_OWN = object()


def _workspace(s, t=_OWN):
    """The world's organisation workspace opened with the token ``t`` (by default its own link). The W holder
    holds the workspace's link as it is now: once it replaced the link (or deleted the workspace, which the world
    then makes again), its token stands for the new one."""
    wid, token = _WORKSPACES[str(s.path)]
    return s.open_workspace(wid, token if t is _OWN or t == _W_TOKEN[str(s.path)] else t)


def _link_replaced(s, t):
    token = workspace_admin.replace_link(_workspace(s, t))
    _WORKSPACES[str(s.path)] = (_WORKSPACES[str(s.path)][0], token)


def _workspace_deleted(s, t):
    workspace_admin.delete_workspace(_workspace(s, t), "Organisation")
    org = ws.create_workspace(s, "Organisation")  # the rows still to try need a workspace
    _WORKSPACES[str(s.path)] = (org.workspace.id, org.token)


def _revealed(s, m):
    """Round 1 ranked by someone and revealed (what adopting a consensus needs), unless it already is."""
    if s._session(m.session.code).round.revealed_at:
        return
    person = s.join(m.session.code, m.session.parties[0].id, "Ranker")
    s.submit(m.session.code, person.token, ids(m), round_number=1)
    s.lock(m.session.code, m.facilitator_token, round_number=1)
    s.reveal(m.session.code, m.facilitator_token, round_number=1)


def _earlier(s, m):
    earlier = s.create_session("Earlier", ["Alpha", "Beta"])
    return earlier.session.code, earlier.facilitator_token


def _partner_on_the_map(s) -> int:
    """The world's workspace's map with the organisation and one partner (drawn with the workspace's own link)."""
    own = _workspace(s)
    ecosystem.add_actor(own, "Organisation", "organisation")
    return ecosystem.add_actor(own, "Partner", "organisation").id


def _agreed_by_beta(s, m):
    """(id, version) of a new step that Beta (not P's party) agreed to."""
    step = add_next_step(
        s.open(m.session.code, m.facilitator_token), "privacy", "Act", agreed_by=[m.session.parties[1].id]
    )
    return step.id, step.version


# one call of the core per action that a token grants (the share link's rights need only the code)
CALLS = {
    Action.RANK: lambda s, m, t: s.submit(m.session.code, t, ids(m), round_number=1),
    Action.SEE_PROGRESS: lambda s, m, t: s.facilitator_progress(m.session.code, t),
    Action.SEE_RESULTS: lambda s, m, t: s.visible_rankings(m.session.code, t, 1),
    Action.DOWNLOAD: lambda s, m, t: workbook.session_workbook(s.open(m.session.code, t)),
    Action.RUN_ROUNDS: lambda s, m, t: (
        s.lock(m.session.code, t, round_number=1),
        s.reveal(m.session.code, t, round_number=1),
    ),
    Action.REPLACE_ELEMENTS: lambda s, m, t: s.replace_catalogue(m.session.code, t, m.session.catalogue),
    Action.SEE_EVENTS: lambda s, m, t: s.events(m.session.code, t),
    Action.MANAGE_JOINING: lambda s, m, t: set_joining(s.open(m.session.code, t), cap=50),
    Action.MANAGE_PEOPLE: lambda s, m, t: move_participant(
        s.open(m.session.code, t), s._progress(m.session.code).participants[-1].participant.id, m.session.parties[0].id
    ),
    Action.MANAGE_SURVEY: lambda s, m, t: new_survey_link(s.open(m.session.code, t)),
    Action.ARCHIVE: lambda s, m, t: archive.export_session(s.open(m.session.code, t)),
    Action.DELETE: lambda s, m, t: s.delete_session(m.session.code, t),
    Action.LINK_SESSIONS: lambda s, m, t: link_previous(s.open(m.session.code, t), *_earlier(s, m)),
    Action.FIX_AGREED_ORDER: lambda s, m, t: set_agreed_order(s.open(m.session.code, t), ids(m)),
    Action.READ_FOLLOWUP: lambda s, m, t: (
        next_steps(s.open(m.session.code, t)),
        reflections(s.open(m.session.code, t)),
    ),
    Action.EDIT_NEXT_STEPS: lambda s, m, t: add_next_step(s.open(m.session.code, t), "privacy", "Act"),
    Action.AGREE_FOR_PARTY: lambda s, m, t: add_next_step(
        s.open(m.session.code, t), "privacy", "Act", agreed_by=[m.session.parties[0].id]
    ),
    Action.DELETE_AGREED_STEP: lambda s, m, t: delete_next_step(s.open(m.session.code, t), *_agreed_by_beta(s, m)),
    Action.EDIT_WORKSHEET: lambda s, m, t: set_worksheet_entry(
        s.open(m.session.code, t), "privacy", m.session.parties[0].id, "B", "Steps"
    ),
    Action.ENTER_BASELINE: lambda s, m, t: set_baseline(s.open(m.session.code, t), m.session.parties[0].id, ids(m)),
    Action.ANSWER_REFLECTIONS: lambda s, m, t: set_reflection(s.open(m.session.code, t), "areas", "Yes"),
    Action.READ_FEEDBACK: lambda s, m, t: feedback(s.open(m.session.code, t)),
    Action.FILL_SURVEY: lambda s, m, t: submit_feedback(s.open(m.session.code, t), "", {"privacy": {"trust": 3}}),
    Action.SEE_SURVEY_DOCUMENTS: lambda s, m, t: survey_documents.shared(s.open(m.session.code, t)),
    Action.CHOOSE_SURVEY_DOCUMENTS: lambda s, m, t: survey_documents.choose(s.open(m.session.code, t), ["B"]),
    Action.PRESENT: lambda s, m, t: presenter_session(s.open(m.session.code, t)),
    Action.MANAGE_PRESENTER: lambda s, m, t: new_presenter_link(s.open(m.session.code, t)),
    Action.HAND_OVER: lambda s, m, t: hand_over(s.open(m.session.code, t), "co@example.org"),
    Action.LINK_WORKSPACE: lambda s, m, t: ws.link_session(
        s.open(m.session.code, t), _workspace(s), m.session.parties[0].id
    ),
    Action.ADOPT_CONSENSUS: lambda s, m, t: (
        _revealed(s, m),
        ws.adopt_consensus(_workspace(s), s.open(m.session.code, t)),
    ),
    Action.SEE_WORKSPACE: lambda s, m, t: ws.linked_sessions(_workspace(s, t)),
    Action.RANK_ORGANISATION: lambda s, m, t: ws.set_ranking(_workspace(s, t), ids(m)),
    Action.ARCHIVE_WORKSPACE: lambda s, m, t: workspace_archive.export_workspace(_workspace(s, t)),
    Action.REPLACE_WORKSPACE_LINK: lambda s, m, t: _link_replaced(s, t),
    Action.DELETE_WORKSPACE: lambda s, m, t: _workspace_deleted(s, t),
    Action.SEE_RELATIONSHIPS: lambda s, m, t: relationships.relationships(_workspace(s, t)),
    Action.EDIT_INTERNAL_WORKSHEET: lambda s, m, t: internal_worksheet.set_entry(
        _workspace(s, t), "privacy", "B", "Steps"
    ),
    Action.EDIT_MAP: lambda s, m, t: ecosystem.add_actor(_workspace(s, t), "Council", "organisation"),
    Action.START_SESSION_FROM_MAP: lambda s, m, t: ecosystem.start_session(
        _workspace(s, t), _partner_on_the_map(s), rule=signin.parse_rule("open")
    ),
    Action.DOWNLOAD_WORKSPACE: lambda s, m, t: workspace_workbook.workspace_workbook(_workspace(s, t)),
}
BY_CODE = {  # rights of the share code itself, which every link carries
    Action.SEE_SESSION: lambda s, m: s.open(m.session.code, None),
    Action.JOIN: lambda s, m: s.join(m.session.code, m.session.parties[1].id, "New"),
}


def test_every_row_of_the_table_is_consulted_by_the_core(world, monkeypatch):
    """No row is decoration: trying every action as every holder makes the core ask the table for each."""
    store, made, tokens = world
    consulted: set[Action] = set()
    real = rights.ensure_role

    def spy(role, action, **conditions):
        consulted.add(action)
        return real(role, action, **conditions)

    monkeypatch.setattr(rights, "ensure_role", spy)
    for by_code in BY_CODE.values():
        by_code(store, made)
    for holder in ("W", "V", "R", "S", "P", "F"):  # the facilitator last: some of its calls delete or move people
        for call in CALLS.values():
            allowed(lambda call=call, token=tokens[holder]: call(store, made, token))
    assert consulted == set(Action), set(Action) - consulted


def test_every_action_of_the_table_is_tried():
    assert set(CALLS) | set(BY_CODE) == set(Action)
    assert not set(CALLS) & set(BY_CODE)


def _expected_before_the_reveal(action: Action) -> set[str]:
    allowed = RIGHTS[action].allowed
    return {HOLDER_OF[role] for role, when in allowed.items() if when is not When.REVEALED}


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("action", list(CALLS), ids=[a.name for a in CALLS])
def test_the_rights_table_is_what_the_core_enforces(world, action, holder):
    store, made, tokens = world
    expected = holder in _expected_before_the_reveal(action)
    assert allowed(lambda: CALLS[action](store, made, tokens[holder])) == expected


@pytest.mark.parametrize("action", [a for a in CALLS if When.REVEALED in RIGHTS[a].allowed.values()])
@pytest.mark.parametrize("holder", HOLDERS)
def test_rights_that_wait_for_the_reveal_hold_after_it(world, action, holder):
    store, made, tokens = world
    store.reveal(made.session.code, tokens["F"], round_number=1)
    expected = holder in {HOLDER_OF[r] for r in RIGHTS[action].allowed}
    assert allowed(lambda: CALLS[action](store, made, tokens[holder])) == expected


@pytest.mark.parametrize("action", list(BY_CODE), ids=[a.name for a in BY_CODE])
def test_the_share_codes_rights_need_only_the_code(world, action):
    store, made, _ = world
    assert RIGHTS[action].allowed.get(Role.JOINER) is When.ALWAYS
    assert BY_CODE[action](store, made)
    store.delete_session(made.session.code, made.facilitator_token)
    with pytest.raises(NotFound):
        BY_CODE[action](store, made)


def test_a_locked_round_refuses_ranking_with_the_tables_message(world):
    store, made, tokens = world
    store.lock(made.session.code, tokens["F"], round_number=1)
    with pytest.raises(NotAllowedNow, match="locked"):
        store.submit(made.session.code, tokens["P"], ids(made), round_number=1)


def test_the_readme_shows_the_rights_table():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert rights.markdown_table() in readme


def test_agreement_belongs_to_its_party(world):
    """A participant may mark (or unmark) only their own party as agreeing to a next step; the facilitator
    may mark any party; someone else's agreement is left as it is when a participant edits the step."""
    store, made, tokens = world
    code = made.session.code
    alpha, beta = (p.id for p in made.session.parties)
    with pytest.raises(AccessDenied, match="your own party"):
        add_next_step(store.open(code, tokens["P"]), "privacy", "Act", agreed_by=[beta])  # Pat is in Alpha
    assert next_steps(store.open(code, tokens["F"])) == []  # nothing half-saved
    step = add_next_step(store.open(code, tokens["P"]), "privacy", "Act", agreed_by=[alpha])
    step = update_next_step(store.open(code, tokens["F"]), step.id, step.version, agreed_by=[alpha, beta])
    assert step.agreed_by == ("Alpha", "Beta")
    with pytest.raises(AccessDenied, match="your own party"):  # taking Beta's agreement back
        update_next_step(store.open(code, tokens["P"]), step.id, step.version, agreed_by=[alpha])
    step = update_next_step(store.open(code, tokens["P"]), step.id, step.version, agreed_by=[beta])  # Alpha's own
    assert step.agreed_by == ("Beta",)
    step = update_next_step(store.open(code, tokens["Q"]), step.id, step.version, agreed_by=[])  # Quin is in Beta
    assert step.agreed_by == ()
