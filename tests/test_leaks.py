"""Nothing leaks: every document and screen, built for every link holder of every anonymity setting, carries
no name, no internal entry and nothing of a round its reader may not see, and no session code where its
reader may not have it.

The cases are generated: the holders from ``rights.COLUMNS`` (and a wrong token), the documents from
``trustcore.documents`` (the one list the download buttons draw), the screens from the rights that open
them. A new export, a new holder or a new right is covered without anyone adding a case here. What each
reader may see is ``trustcore.audience``'s decision; this file only checks that every file keeps to it.

One world per backend and setting: three parties (Alpha has two members), reasons, internal and shareable
worksheet entries of Alpha and Beta, an organisation workspace linked to Alpha whose internal worksheet's
shareable field the survey shows (its internal field is in nobody's document), a next step owned by a named
person, a named survey respondent, a revealed round 1, and an open round 2 (a blind session: participants
may not see it) whose rankings carry a reason given only in round 2.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import dataclass

import openpyxl
import pg
import pytest

from trustcore import documents, ecosystem, internal_worksheet, presenter, rights, tokens, workspace
from trustcore.errors import AccessDenied, TrustcoreError
from trustcore.followup import survey_documents
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.model import Anonymity, Role
from trustcore.results import rounds_comparison
from trustcore.rights import Action
from trustcore.store import Store
from trustcore.view import View
from ui import cached

PEOPLE = {"Zelda Quartz": 0, "Wolfgang Tellurium": 0, "Yannick Obsidian": 1, "Xanthe Marigold": 2}  # -> party
RESPONDENT = "Valentina Moonstone"
OWNER = "Ulrich Bramblewood"  # a next step's owner person (typed, not a participant)
INTERNAL = {0: "INTERNAL-ONLY-TEXT-ALPHA", 1: "INTERNAL-ONLY-TEXT-BETA"}  # party index -> its internal entry
SHARED_ENTRY = "SHAREABLE-ENTRY-TEXT"
ORG_INTERNAL = "INTERNAL-ONLY-TEXT-ORGANISATION"  # a field of the linked workspace's worksheet marked internal
ORG_SHARED = "SHAREABLE-ORGANISATION-TEXT"  # its shareable field, which the survey shows
ROUND_ONE_REASON = "ROUND-ONE-REASON"
ROUND_TWO_REASON = "ROUND-TWO-ONLY-REASON"
ROUND_TWO = re.compile(r"round[ -]2\b|round2\b", re.I)
WRONG = "wrong token"  # the holder of a mistyped or made-up link


@dataclass(frozen=True)
class World:
    store: Store
    setting: Anonymity
    code: str
    links: dict[str, str | None]  # holder -> token
    workspace: tuple[int, str] = (0, "")  # the linked organisation workspace's id and link token


def _build(store: Store, setting: Anonymity) -> World:
    made = store.create_session("Leak test", ["Alpha", "Beta", "Gamma"], anonymity=setting)
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    people = {}
    for i, (name, party) in enumerate(PEOPLE.items()):
        people[name] = store.join(s.code, s.parties[party].id, name).token
        order = ids[party:] + ids[:party]
        store.submit(s.code, people[name], order, {order[0]: f"{ROUND_ONE_REASON} {i}"}, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    for party, text in INTERNAL.items():
        set_worksheet_entry(store.open(s.code, fac), ids[0], s.parties[party].id, "C", text, internal=True)
        set_worksheet_entry(store.open(s.code, fac), ids[1], s.parties[party].id, "B", f"{SHARED_ENTRY} {party}")
    add_next_step(
        store.open(s.code, fac), ids[0], "Publish the DPIA", owner_party_id=s.parties[0].id, owner_person=OWNER
    )
    org = workspace.create_workspace(store, "Leak test organisation")  # Alpha's internal worksheet (Activity 2)
    wview = store.open_workspace(org.workspace.id, org.token)
    workspace.link_session(store.open(s.code, fac), wview, s.parties[0].id)
    internal_worksheet.set_entry(wview, ids[0], "B", ORG_SHARED)
    internal_worksheet.set_entry(wview, ids[0], "C", ORG_INTERNAL, internal=True)
    ecosystem.add_actor(wview, f"{ORG_INTERNAL} ACTOR", "technology", internal=True)  # on its map (Activity 4)
    survey_documents.choose(store.open(s.code, fac), ["B", "C"], kind=survey_documents.INTERNAL)
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(store.open(s.code, survey), RESPONDENT, {ids[0]: {"trust": 4, "comment": "Clear and honest"}})
    shown = presenter.new_presenter_link(store.open(s.code, fac))
    store.next_round(s.code, fac, round_number=1)
    for i, token in enumerate(people.values()):  # round 2: another order, a reason given only now
        order = ids[::-1] if i % 2 else ids[3:] + ids[:3]
        store.submit(s.code, token, order, {order[1]: ROUND_TWO_REASON}, round_number=2)
    links: dict[str, str | None] = {
        Role.FACILITATOR: fac,
        f"{Role.PARTICIPANT}:Alpha": people["Zelda Quartz"],
        f"{Role.PARTICIPANT}:Beta": people["Yannick Obsidian"],
        Role.JOINER: None,
        Role.STAKEHOLDER: survey,
        Role.PRESENTER: shown,
        WRONG: tokens.new_token(),
    }
    return World(store, setting, s.code, links, (org.workspace.id, org.token))


@pytest.fixture(
    scope="module",
    params=[(b, a) for b in ("sqlite", "postgresql") for a in Anonymity],
    ids=lambda p: f"{p[0]}-{p[1].value}",
)
def world(request, tmp_path_factory):
    """One world per backend and anonymity setting, shared by the module's cases (they only read it)."""
    backend, setting = request.param
    if backend == "sqlite":
        yield _build(Store(tmp_path_factory.mktemp("leaks") / "t.db").initialise(), setting)
        return
    with pg.scratch_database(request.getfixturevalue("pg_server"), "leaks", template="trustcore_template") as url:
        yield _build(Store(url), setting)


def _holders(role: Role | str) -> list[str]:
    """The links of a holder in every world: a participant of the party with the internal entry and one of
    another party; one link for every other holder."""
    if role is Role.PARTICIPANT:
        return [f"{role}:Alpha", f"{role}:Beta"]
    return [str(role)]


# every link that opens a session (an organisation workspace's link opens none: see the test below)
HOLDERS = [h for role in rights.COLUMNS if role is not Role.WORKSPACE for h in _holders(role)]
ROUNDS = (None, 1, 2)  # the comparison's round (None: its default); the other documents show no one round


def _cases():
    for holder in HOLDERS:
        for kind, spec in documents.KINDS.items():
            for number in ROUNDS if kind == "comparison" else (None,):
                for names in (False, True) if spec.shareable else (False,):
                    yield pytest.param(holder, kind, number, names, id=f"{holder}-{kind}-r{number}-names{names}")


# ------------------------------------------------------------------------------------------- reading a file


def _read(doc: documents.Document, data: bytes) -> tuple[str, set[str]]:
    """A built document's text, and the values of every "round" column of its tables."""
    tables: list[list[list[str]]] = []
    if doc.mime == documents.XLSX:
        book = openpyxl.load_workbook(io.BytesIO(data))
        tables = [[["" if c.value is None else str(c.value) for c in row] for row in ws.iter_rows()] for ws in book]
        text = "\n".join(cell for table in tables for row in table for cell in row)
    elif doc.mime == "text/csv":
        text = data.decode("utf-8-sig")
        tables = [list(csv.reader(io.StringIO(text)))]
    elif doc.mime == "application/json":
        text = json.dumps(json.loads(data), ensure_ascii=False)
    else:
        text = data.decode("utf-8")
    rounds = set()
    for table in tables:
        names = [h.lower() for h in table[0]] if table else []  # "round" in a CSV, "Round" in the workbook
        if "round" in names:
            column = names.index("round")
            rounds |= {row[column] for row in table[1:] if column < len(row) and row[column]}
    return text, rounds


# ------------------------------------------------------------------------------------------- what may show


def _actor_view(world: World, holder: str) -> View:
    return world.store.open(world.code, world.links[holder])


@dataclass(frozen=True)
class May:
    """What a reader may see, restated from the rules (``trustcore.audience``'s docstring, the anonymity
    setting, the rights table) rather than asked of ``audience.of``, so a wrong decision there fails here."""

    participant_names: bool
    other_names: bool  # respondents and next steps' owner persons
    rounds: frozenset[int]
    internal_of: frozenset[int]  # party indexes whose internal entries it may show
    session_code: bool


def _may(world: World, view: View, *, shareable: bool = False, names: bool = False) -> May:
    s = view.session
    facilitator = view.role is Role.FACILITATOR
    party = next((i for i, p in enumerate(s.parties) if view.participant and p.id == view.participant.party_id), None)
    if shareable:
        named = names and facilitator and s.anonymity is Anonymity.NAMED
        people, others = named, named
    else:
        people, others = facilitator or s.anonymity is not Anonymity.HIDDEN, True
    own = facilitator and not shareable
    return May(
        participant_names=people,
        other_names=others,
        rounds=frozenset(r.number for r in s.rounds if own or s.results_visible(r.number)),
        internal_of=frozenset() if shareable else frozenset(INTERNAL) if facilitator else frozenset({party} - {None}),
        session_code=own,
    )


def _check(world: World, text: str, may: May, *, where: str) -> None:
    """``text`` carries nothing the reader may not see."""
    for name in PEOPLE:
        assert may.participant_names or name not in text, f"{where}: participant's name {name!r}"
    for name in (RESPONDENT, OWNER):
        assert may.other_names or name not in text, f"{where}: {name!r}"
    assert ORG_INTERNAL not in text, f"{where}: the organisation's internal worksheet's internal field"
    for party, internal in INTERNAL.items():
        assert party in may.internal_of or internal not in text, f"{where}: internal entry {internal!r}"
    if 2 not in may.rounds:
        assert ROUND_TWO_REASON not in text, f"{where}: a reason given only in round 2"
        found = ROUND_TWO.search(text)
        assert found is None, f"{where}: {text[max(found.start() - 60, 0) : found.end() + 60]!r}"
    if not may.session_code:
        lowered = text.lower()
        for form in (world.code, tokens.display_code(world.code)):
            assert form not in lowered, f"{where}: the session code"


# ------------------------------------------------------------------------------------------- documents


@pytest.mark.parametrize(("holder", "kind", "number", "names"), list(_cases()))
def test_a_document_carries_only_what_its_reader_may_see(world, holder, kind, number, names):
    """Built for this holder: offered documents carry nothing their audience may not see; a document not
    offered is refused by the core too (the page's list and the core agree)."""
    view = _actor_view(world, holder)
    doc = next(d for d in documents.every(view, round_number=number, names=names) if d.key == kind)
    if not documents.allowed(view, doc):
        assert doc.key not in {d.key for d in documents.offered(view, round_number=number, names=names)}
        with pytest.raises(TrustcoreError):
            doc.build()
        return
    assert doc.key in {d.key for d in documents.offered(view, round_number=number, names=names)}
    text, rounds = _read(doc, doc.build())
    may = _may(world, view, shareable=doc.shareable, names=names)
    where = f"{world.setting} {holder} {doc.file_name}"
    _check(world, f"{doc.file_name}\n{doc.label}\n{text}", may, where=where)
    assert rounds <= {str(n) for n in may.rounds}, where


def test_an_organisation_workspaces_link_opens_no_session(world):
    """The workspace link is left out of the holders above because no session's document or screen is
    built for it: presented to a session, it is any wrong token."""
    org = workspace.create_workspace(world.store, "Leak test organisation")
    with pytest.raises(AccessDenied):
        world.store.open(world.code, org.token)


@pytest.mark.parametrize("kind", list(documents.WORKSPACE_KINDS))
def test_a_workspace_document_carries_only_what_its_reader_may_see(world, kind):
    """Every file the workspace link is offered (``documents.workspace_offered``) reads the linked session as
    ``audience.workspace`` says: no person's name, no session code, no round not revealed. Its shareable
    copies carry no field of the organisation's worksheet marked internal; its own full copies do."""
    wid, token = world.workspace
    wview = world.store.open_workspace(wid, token)
    doc = next(d for d in documents.workspace_offered(wview) if d.key == kind)
    text, _ = _read(doc, doc.build())
    if not kind.endswith("-shareable"):
        assert ORG_INTERNAL in text, kind  # the probe is real: the organisation's own copy has it
        text = text.replace(ORG_INTERNAL, "")
    may = May(False, False, frozenset({1}), frozenset(), session_code=False)
    _check(world, f"{doc.file_name}\n{doc.label}\n{text}", may, where=f"{world.setting} workspace {doc.file_name}")
    for holder, secret in world.links.items():
        assert not secret or secret not in text, f"{kind}: the {holder}'s token"


def test_a_wrong_token_gets_nothing_even_through_a_view_it_should_not_have(world):
    """The share link's code with a made-up token opens nothing; and each builder checks the token it is
    given, not the view it was made from (a view that says "facilitator" around a wrong token builds no file)."""
    with pytest.raises(AccessDenied):
        world.store.open(world.code, world.links[WRONG])
    facilitator = _actor_view(world, Role.FACILITATOR)
    forged = View(world.store, facilitator.actor, world.links[WRONG])
    for doc in documents.every(forged):
        with pytest.raises(AccessDenied):
            doc.build()


def test_every_holder_and_every_document_kind_is_exercised(world):
    """The generated cases cover every link holder of the rights table, and between them every kind of
    document in the registry is offered (so built) to someone."""
    assert {h.partition(":")[0] for h in HOLDERS} == {str(r) for r in rights.COLUMNS} - {str(Role.WORKSPACE)}
    offered = {d.key for h in HOLDERS for d in documents.offered(_actor_view(world, h))}
    assert offered == set(documents.KINDS), set(documents.KINDS) - offered


def test_the_probes_are_real(world):
    """The facilitator's full copy holds every distinctive text the checks look for (else they prove nothing)."""
    view = _actor_view(world, Role.FACILITATOR)
    doc = next(d for d in documents.offered(view) if d.key == "workbook")
    text, rounds = _read(doc, doc.build())
    expected = [*INTERNAL.values(), ROUND_TWO_REASON, RESPONDENT, OWNER, f"{ROUND_ONE_REASON} 0"]
    if world.setting is not Anonymity.ANONYMOUS:  # an anonymous session stores no participant's name
        expected += list(PEOPLE)
    assert [t for t in expected if t not in text] == []
    assert rounds == {"1", "2"} and world.code in text
    shared = next(d for d in documents.offered(_actor_view(world, Role.STAKEHOLDER)) if d.key == "survey-worksheet")
    assert ORG_SHARED in shared.build().decode()  # the survey carries the organisation's worksheet


# ------------------------------------------------------------------------------------------- screens


def _comparison(world: World, view: View) -> str:
    """What the comparison page shows this holder (views/compare.py): each round it may see, its tables and
    agenda text (ui.cached.comparison_tables), and the rounds' comparison from its visible rankings."""
    store, s = world.store, view.session
    facilitator = view.actor.is_facilitator
    visible = [r.number for r in s.rounds if s.results_visible(r.number, facilitator=facilitator)]
    marker = store._change_marker(s.code)
    parts = []
    for number in visible:  # the view decides what its holder may see (View.results_reader)
        tables = cached.comparison_tables(view, number, marker)
        res = cached.results(view, number, marker)
        shown = [t for t in (tables.side_by_side, tables.consensus, tables.within) if t is not None]
        parts += [str((t.caption, t.headers, t.rows)) for t in shown]  # the cells' text, before escaping
        parts += [tables.agenda_top, tables.agenda_rest, str([why for _, why in res.contested_with_reasons])]
    moved = rounds_comparison(s, store.visible_rankings(s.code, str(view.token)), visible)
    return "\n".join([*parts, str(moved)])


def _presenter(world: World, view: View) -> str:
    """What the presenter screen shows (views/presenter.py): ``presenter.screen`` of the session its link
    opens (round 2 open: progress counts), and of the session as it was while revealed round 1 was the
    current one, stepped through every agenda item (the headline, the agenda, each item's reasons)."""
    present = world.store.open(world.code, view.token)
    shown = [presenter.screen(present)]

    def as_if(session) -> View:
        return dataclasses.replace(present, actor=dataclasses.replace(present.actor, session=session))

    then = dataclasses.replace(present.session, rounds=present.session.rounds[:1], current_round=1)
    first = presenter.screen(as_if(then))
    assert first.revealed and first.agenda and first.reasons  # what is checked below is there
    shown += [presenter.screen(as_if(dataclasses.replace(then, agenda_item=i))) for i in range(len(first.agenda))]
    return "\n".join(line for x in shown for line in (str(x.submitted), x.headline, x.detail, *x.agenda, *x.reasons))


def _console(world: World, view: View) -> str:
    """The console's participant table (views/console.py): ``Store.facilitator_progress``."""
    progress = world.store.facilitator_progress(world.code, str(view.token))
    return str([(p.participant.name, p.participant.party, p.submitted_at) for p in progress.participants])


# a screen: the right that opens it, and what the page builds it from (its reader: ``_may`` of its holder;
# the presenter and the participants see what ``audience`` says a participant sees)
SCREENS = {
    "comparison": (Action.SEE_RESULTS, _comparison),
    "presenter": (Action.PRESENT, _presenter),
    "console": (Action.SEE_PROGRESS, _console),
}


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_screen_shows_only_what_its_holder_may_see(world, screen, holder):
    """Each screen, for a holder the rights table lets open it, shows what the holder may see (the presenter
    and the participants as ``audience`` says a participant sees); for anyone else the core refuses it."""
    action, build = SCREENS[screen]
    view = _actor_view(world, holder)
    if not rights.may(view.role, action):
        with pytest.raises(TrustcoreError):
            build(world, view)
        return
    text = build(world, view)
    may = dataclasses.replace(_may(world, view), session_code=True)  # a screen shows the code to join by
    _check(world, text, may, where=f"{world.setting} {holder} {screen}")
