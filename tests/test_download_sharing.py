"""A room that downloads at once: each file is built once for each change of the session and each class of
reader, shared among that class's readers, and never handed to a reader of another class
(``trustcore.shelf``, ``audience.reader_class``).

The world: three parties (Alpha has three members), a revealed round, an internal worksheet entry of Alpha
and one of Beta. Builds are counted by wrapping the workbook's and the report's builders (the modules
themselves are other people's to change).
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from test_leaks import _read

from trustcore import documents, report, shelf, workbook
from trustcore.errors import AccessDenied
from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.model import Anonymity
from trustcore.people import move_participant

INTERNAL = {"Alpha": "ALPHA-INTERNAL-NOTE", "Beta": "BETA-INTERNAL-NOTE"}
MEMBERS = {"Alpha": 3, "Beta": 1, "Gamma": 1}


@pytest.fixture(autouse=True)
def _empty_shelf():
    shelf.SHELF.clear()
    yield
    shelf.SHELF.clear()


@pytest.fixture
def counted(monkeypatch):
    """How many times the workbook and the report were really built, by kind ("workbook", "report")."""
    calls = {"workbook": 0, "report": 0}
    real_workbook, real_report = workbook.session_workbook, report.session_report

    def session_workbook(*args, **kwargs):
        calls["workbook"] += 1
        return real_workbook(*args, **kwargs)

    def session_report(*args, **kwargs):
        calls["report"] += 1
        return real_report(*args, **kwargs)

    monkeypatch.setattr(workbook, "session_workbook", session_workbook)
    monkeypatch.setattr(report, "session_report", session_report)
    return calls


def _room(store, anonymity=Anonymity.HIDDEN, *, internal=True):
    made = store.create_session("Download burst", list(MEMBERS), anonymity=anonymity)
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    party = {p.name: p for p in s.parties}
    people: dict[str, list[str]] = {}
    for k, (name, n) in enumerate(MEMBERS.items()):
        for i in range(n):
            token = store.join(s.code, party[name].id, f"{name} person {i}").token
            store.submit(s.code, token, ids[k:] + ids[:k], {}, round_number=1)
            people.setdefault(name, []).append(token)
    store.reveal(s.code, fac, round_number=1)
    for name, text in INTERNAL.items() if internal else ():
        set_worksheet_entry(store.open(s.code, fac), ids[0], party[name].id, "C", text, internal=True)
    return s.code, fac, people


def _doc(store, code, token, kind, *, names=False):
    view = store.open(code, token)
    return next(d for d in documents.offered(view, names=names) if d.key == kind)


def _same(doc, a: bytes, b: bytes) -> bool:
    """The same file, but for when it was made (the report's "report of" moment, the archive's time) and
    the random ids plotly gives its charts' elements."""
    ta, tb = _read(doc, a)[0], _read(doc, b)[0]
    stamp = re.compile(
        r"report of <span class=\"date\">[^<]*</span>|\"exported_at\": \"[^\"]*\"|"
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    )
    return stamp.sub("", ta) == stamp.sub("", tb)


def test_a_party_downloading_at_once_builds_its_workbook_and_report_once(store, counted):
    code, fac, people = _room(store)
    for token in people["Alpha"]:  # three members of one party: one class
        _doc(store, code, token, "workbook").build()
        _doc(store, code, token, "report").build()
    assert counted == {"workbook": 1, "report": 1}


def test_each_class_of_reader_gets_its_own_build_and_shares_it(store, counted):
    code, fac, people = _room(store)
    for token in [*people["Alpha"], *people["Beta"], *people["Gamma"], fac]:
        _doc(store, code, token, "workbook").build()
        _doc(store, code, token, "workbook-shareable").build()
    # own copies: Alpha, Beta, Gamma (each party's internal entries), the facilitator's full one;
    # shareable: one for everyone (no names, no internal entry, only revealed rounds)
    assert counted["workbook"] == 4 + 1
    _doc(store, code, fac, "workbook-shareable", names=True).build()  # a hidden-names session: names refused
    assert counted["workbook"] == 5


def test_without_internal_entries_every_participant_shares_one_copy_until_a_party_marks_one(store, counted):
    code, fac, people = _room(store, internal=False)
    everyone = [t for members in people.values() for t in members]
    for token in everyone:
        _doc(store, code, token, "workbook").build()
    assert counted["workbook"] == 1
    view = store.open(code, fac)
    gamma = next(p for p in view.session.parties if p.name == "Gamma")
    set_worksheet_entry(view, view.session.catalogue.ids[0], gamma.id, "B", "GAMMA-INTERNAL", internal=True)
    texts = {t: _read(d := _doc(store, code, t, "workbook"), d.build())[0] for t in everyone}
    assert counted["workbook"] == 3  # the change: Gamma's members, and everyone else
    assert all(("GAMMA-INTERNAL" in text) == (t in people["Gamma"]) for t, text in texts.items())


def test_a_change_of_the_session_builds_again_and_drops_the_old_files(store, counted):
    code, fac, people = _room(store)
    alpha = people["Alpha"]
    _doc(store, code, alpha[0], "workbook").build()
    _doc(store, code, alpha[1], "workbook").build()
    assert counted["workbook"] == 1
    before = len(shelf.SHELF)
    view = store.open(code, fac)
    add_next_step(view, view.session.catalogue.ids[0], "Publish the DPIA", owner_party_id=view.session.parties[0].id)
    data = _doc(store, code, alpha[2], "workbook").build()
    assert counted["workbook"] == 2
    assert "Publish the DPIA" in _read(_doc(store, code, alpha[2], "workbook"), data)[0]
    _doc(store, code, alpha[0], "workbook").build()
    assert counted["workbook"] == 2
    assert len(shelf.SHELF) == before  # the file of the earlier state is gone


@pytest.mark.sqlite_only  # what a class is does not depend on the engine; this builds forty files
def test_a_shared_file_never_reaches_a_reader_of_another_class(store, counted):
    """Every holder's every file, fetched from a shelf the others filled first, is the file built for
    that reader alone; and a party's internal entry reaches its own members' copies only."""
    code, fac, people = _room(store, Anonymity.NAMED)
    tokens = [fac, *people["Beta"], *people["Alpha"][:2]]
    for token in tokens:
        for names in (False, True) if token == fac else (False,):
            for doc in documents.offered(store.open(code, token), names=names):
                shared = doc.build()
                assert _same(doc, shared, doc.make()), (doc.file_name, doc.label)
    for party, members in people.items():
        for token in members:
            text = _read(d := _doc(store, code, token, "workbook"), d.build())[0]
            for owner, note in INTERNAL.items():
                assert (note in text) == (owner == party), (party, owner)
            assert people["Alpha"][0] not in text
    full = _read(d := _doc(store, code, fac, "report"), d.build())[0]
    assert all(note in full for note in INTERNAL.values())


def test_a_participant_moved_to_another_party_gets_the_other_partys_copy(store, counted):
    code, fac, people = _room(store)
    mover = people["Alpha"][0]
    _doc(store, code, mover, "workbook").build()
    view = store.open(code, fac)
    me = store.open(code, mover).participant
    beta = next(p for p in view.session.parties if p.name == "Beta")
    move_participant(view, me.id, beta.id)
    text = _read(d := _doc(store, code, mover, "workbook"), d.build())[0]
    assert INTERNAL["Beta"] in text and INTERNAL["Alpha"] not in text


def test_a_file_on_the_shelf_is_refused_to_a_link_without_the_right(store, counted):
    code, fac, people = _room(store)
    for kind in ("workbook", "report", "workbook-shareable", "results"):
        _doc(store, code, fac, kind).build()
        _doc(store, code, people["Alpha"][0], kind).build()
    survey = store.open(code, new_survey_link(store.open(code, fac)))
    refused = [doc for doc in documents.every(survey) if not documents.allowed(survey, doc)]
    assert {doc.key for doc in refused} >= {"workbook", "report", "workbook-shareable", "results"}
    for doc in refused:  # the survey link downloads the worksheet shared with it, and nothing else
        with pytest.raises(AccessDenied):
            doc.build()


def _key(marker, reader="a"):
    return shelf.Key("db", "CODE", marker, "workbook", reader)


def test_readers_asking_at_once_wait_for_one_build():
    box = shelf.Shelf()
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return b"file", _key((1, 7))

    got = []
    threads = [threading.Thread(target=lambda: got.append(box.get(_key((1, 7)), build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [b"file"] * 8 and len(builds) == 1 and box.builds == 1


def test_a_build_for_a_newer_state_is_not_kept_under_the_older_key():
    box = shelf.Shelf()
    assert box.get(_key((1, 7)), lambda: (b"newer", _key((1, 8)))) == b"newer"
    assert len(box) == 0


def test_the_shelf_keeps_only_the_newest_change_of_a_session_and_stays_within_its_bound():
    box = shelf.Shelf(max_bytes=100)
    box.get(_key((1, 7), "a"), lambda: (b"x" * 30, _key((1, 7), "a")))
    box.get(_key((1, 7), "b"), lambda: (b"x" * 30, _key((1, 7), "b")))
    box.get(_key((1, 8), "a"), lambda: (b"y" * 30, _key((1, 8), "a")))
    assert len(box) == 1 and box.size == 30  # the older change's files are gone
    box.get(_key((1, 7), "b"), lambda: (b"z" * 30, _key((1, 7), "b")))  # a late build of the older change
    assert len(box) == 1
    other = shelf.Key("db", "OTHER", (1, 1), "report", "a")
    box.get(other, lambda: (b"o" * 60, other))
    box.get(_key((1, 8), "c"), lambda: (b"c" * 30, _key((1, 8), "c")))
    assert box.size <= 100 and _key((1, 8), "a") not in box._files  # least recently read out first
