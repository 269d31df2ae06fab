"""Session archives (``trustcore.archive``): export, import into another database, refusals, atomicity.

The round trip is checked twice over: the archive of the imported session equals the original archive
once ids (mapped to their rank order), the code and the export time are set aside; and everything the
Store and follow-up APIs show about the two sessions is equal.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from trustcore import archive, results, workspace
from trustcore import db as dbmod
from trustcore.backends import sqlite as sqlite_backend
from trustcore.errors import AccessDenied, InvalidInput
from trustcore.followup.agreed_order import agreed_order, set_agreed_order
from trustcore.followup.baselines import baseline_records, baselines, set_baseline
from trustcore.followup.lineage import changes_since_previous, link_previous
from trustcore.followup.next_steps import add_next_step, delete_next_step, next_steps, update_next_step
from trustcore.followup.reflections import reflections, set_reflection
from trustcore.followup.survey import feedback, new_survey_link, submit_feedback, survey_session
from trustcore.followup.worksheet_entries import set_worksheet_entry, worksheet
from trustcore.migrations import migrations
from trustcore.store import Store

# Reference columns, as the test (not the module under test) understands the schema.
REFS = {
    "session_id": "sessions",
    "party_id": "parties",
    "owner_party_id": "parties",
    "participant_id": "participants",
    "previous_session_id": "sessions",
    "step_id": "next_steps",
    "author_id": "participants",
}


@dataclass
class Workshop:
    code: str
    token: str
    people: dict[str, str]  # participant name -> personal token
    survey: str


def _order(ids, seed):
    order = list(ids)
    random.Random(seed).shuffle(order)
    return order


def workshop(store: Store, title="Data sharing review", previous: Workshop | None = None) -> Workshop:
    """A session with everything in it: three parties, four participants, two rounds (one ranking
    replaced), the follow-up (steps, one deleted; worksheet; baselines; survey; reflections; agreed
    order) and, if given, the link to a previous session."""
    rng = random.Random(title)
    created = store.create_session(
        title,
        [{"name": "Alpha", "members": ["Ann", "Bo"]}, "Beta", "Gämma <b>"],
        our_org="Us",
        partner_org="Them",
        flows="orders → invoices\nsecond line",
    )
    s, code, tok = created.session, created.session.code, created.facilitator_token
    ids = s.catalogue.ids
    a, b, g = (p.id for p in s.parties)
    people = {}
    for name, party in (("Ann", 0), ("Bo", 0), ("Cy", 1), ("Dï", 2)):
        people[name] = store.join(code, s.parties[party].id, name, rng=rng).token
    for k, t in enumerate(people.values()):
        store.submit(code, t, _order(ids, k), round_number=1)
    store.submit(code, people["Ann"], _order(ids, 10), round_number=1)  # replaces her first order (kept in the history)
    store.reveal(code, tok, round_number=1)
    store.next_round(code, tok, round_number=1)
    for k, name in enumerate(("Ann", "Cy", "Dï")):
        store.submit(code, people[name], _order(ids, 20 + k), round_number=2)
    store.lock(code, tok, round_number=2)
    step = add_next_step(
        store.open(code, tok),
        ids[0],
        "Publish the policy",
        owner_party_id=b,
        owner_person="Cy",
        due="Q2 2027",
        agreed_by=[g, a],
    )
    update_next_step(store.open(code, tok), step.id, step.version, status="agreed")
    add_next_step(store.open(code, people["Dï"]), ids[2], "Audit", owner_party_id=g, agreed_by=[g])
    gone = add_next_step(store.open(code, people["Cy"]), ids[1], "Draft", agreed_by=[b])
    delete_next_step(store.open(code, tok), gone.id, gone.version)  # the newest: its id is not reused
    set_worksheet_entry(store.open(code, tok), ids[0], a, "B", 'We publish; "quoted" =SUM(1)')
    set_worksheet_entry(store.open(code, people["Cy"]), ids[1], b, "C", "internal note", internal=True)
    set_baseline(store.open(code, tok), a, _order(ids, 30))
    set_baseline(store.open(code, people["Cy"]), b, _order(ids, 31))
    set_baseline(store.open(code, tok), a, _order(ids, 32), expected_version=1)  # replaced: version 2
    survey = new_survey_link(store.open(code, tok))
    submit_feedback(
        store.open(code, survey),
        "Stakeholder X",
        {
            None: {"trust": 4, "comment": "fine"},
            ids[0]: {"trust": 2, "expectations": "partly", "evidence": "unsure", "comment": "Ünï"},
        },
    )
    set_reflection(store.open(code, people["Bo"]), "areas", "Yes: transparency")
    set_agreed_order(store.open(code, tok), _order(ids, 40))
    if previous is not None:
        link_previous(store.open(code, tok), previous.code, previous.token)
    return Workshop(code, tok, people, survey)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A database with two workshops, the second following the first, and their archives."""
    store = Store(tmp_path_factory.mktemp("source") / "src.db").initialise()
    prev = workshop(store, "Last year's review")
    main = workshop(store, "This year's review", previous=prev)
    return (
        store,
        prev,
        main,
        archive.export_session(store.open(prev.code, prev.token)),
        archive.export_session(store.open(main.code, main.token)),
    )


def busy_store(path: Path) -> Store:
    """A database with an unrelated session in it, so imported rows cannot keep their old ids."""
    store = Store(path).initialise()
    created = store.create_session("Unrelated", ["X", "Y", "Z"])
    for k in range(5):
        j = store.join(created.session.code, created.session.parties[k % 3].id, f"P{k}")
        store.submit(created.session.code, j.token, _order(created.session.catalogue.ids, k), round_number=1)
    add_next_step(store.open(created.session.code, created.facilitator_token), created.session.catalogue.ids[0], "x")
    return store


def dump(path: Path) -> dict:
    """Every row of every table (sqlite_* ones too): to check that nothing was written."""
    conn = sqlite3.connect(str(path))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    finally:
        conn.close()


# ----------------------------------------------------------------------------------- normalising


def normalise(data: bytes) -> dict:
    """The archive with ids replaced by their rank within their table, the code, the export time and
    the import's own event set aside. References to rows outside the archive become their session's code
    (a previous session, found through "references") or None (a deleted row)."""
    doc = json.loads(data.decode("utf-8"))
    doc.pop("exported_at")
    tables = {"sessions": [doc["session"]], **doc["tables"]}
    tables["events"] = [e for e in tables["events"] if e["action"] != "session_imported"]
    rank = {
        t: {r["id"]: i for i, r in enumerate(sorted(rows, key=lambda r: r["id"]))}
        for t, rows in tables.items()
        if rows and "id" in rows[0]
    }
    external = {int(k): v["code"] for k, v in doc["references"]["sessions"].items()}

    def ref(table, value):
        if value is None:
            return None
        if value in rank.get(table, {}):
            return f"{table}#{rank[table][value]}"
        if table == "sessions" and value in external:
            return f"session {external[value]}"
        return None

    def row(table, r):
        r = dict(r)
        for k, v in r.items():
            if k == "id" and table in rank:
                r[k] = ref(table, v)
            elif k in REFS:
                r[k] = ref(REFS[k], v)
        if table == "sessions":
            r["code"] = "CODE"
        if table == "next_steps":
            r["agreed_by"] = [ref("parties", p) for p in json.loads(r["agreed_by"])]
        if table == "events":
            who, _, n = r["actor"].partition(":")
            if who == "participant":
                r["actor"] = (who, ref("participants", int(n)) if n.isdigit() else None)
            detail = json.loads(r["detail"])
            for key, target in (("step", "next_steps"), ("previous_session", "sessions")):
                if key in detail:
                    detail[key] = ref(target, detail[key])
            r["detail"] = detail
        return r

    for t, rows in tables.items():  # the archive lists rows by primary key
        key = [
            k for k in ("id", "session_id", "number", "element_id", "party_id", "col", "key") if k in (rows or [{}])[0]
        ]
        assert rows == sorted(rows, key=lambda r: tuple(r[k] for k in key)), t
    doc["session"] = row("sessions", doc["session"])
    doc["tables"] = {t: [row(t, r) for r in rows] for t, rows in tables.items() if t != "sessions"}
    doc["references"] = sorted(v["code"] for v in doc["references"]["sessions"].values())
    return doc


def view(store: Store, code: str, w: Workshop) -> dict:
    """Everything the Store and follow-up APIs show about a session, with ids replaced by names."""
    tok = w.token
    s = store.facilitator(code, tok)
    parties = {p.id: p.name for p in s.parties}
    me = {name: store.participant(code, t) for name, t in w.people.items()}  # the old personal links work
    names = {p.id: p.name for p in me.values()}
    steps = next_steps(store.open(code, tok))
    step_rank = {st.id: i for i, st in enumerate(sorted(steps, key=lambda st: st.id))}
    with dbmod.connection(store.path) as db:
        codes = {r["id"]: r["code"] for r in db.query("SELECT id, code FROM sessions")}

    def event(e):
        who, _, n = e.actor.partition(":")
        detail = dict(e.detail)
        if "step" in detail:
            detail["step"] = step_rank.get(detail["step"])
        if "previous_session" in detail:
            detail["previous_session"] = codes.get(detail["previous_session"])
        return (e.at, (who, names.get(int(n))) if n.isdigit() else e.actor, e.action, detail)

    rankings = store._rankings(code, history=True)
    return {
        "session": replace(s, id=0, code="", parties=tuple(replace(p, id=0) for p in s.parties)),
        "participants": {name: replace(p, id=0, session_id=0, party_id=parties[p.party_id]) for name, p in me.items()},
        "progress": [(st.participant.name, st.submitted_at) for st in store._progress(code).participants],
        "rankings": [
            (
                names[r.participant_id],
                r.participant,
                parties[r.party_id],
                r.party,
                r.round,
                r.order,
                r.start_order,
                r.submitted_at,
            )
            for r in rankings
        ],
        "start_orders": {(name, n): store._start_order(p, n) for name, p in me.items() for n in (1, 2, 3)},
        "my_rankings": {
            (name, n): store._my_ranking(p, n) and replace(store._my_ranking(p, n), participant_id=0, party_id=0)
            for name, p in me.items()
            for n in (1, 2)
        },
        "results": [
            (res.headline, res.divergence, res.party_orders, res.borda, res.kemeny)
            for res in (results.round_results(s, store._rankings(code), r.number) for r in s.rounds)
        ],
        "events": [event(e) for e in store.events(code, tok) if e.action != "session_imported"],
        "steps": [replace(st, id=0, owner_party_id=parties.get(st.owner_party_id)) for st in steps],
        "worksheet": [replace(e, party_id=0) for e in worksheet(store.open(code, tok))],
        "baselines": {k: replace(b, party_id=0) for k, b in baseline_records(store.open(code, tok)).items()},
        "feedback": feedback(store.open(code, tok)),
        "reflections": reflections(store.open(code, tok)),
        "agreed_order": agreed_order(store.open(code, tok)),
        "survey": replace(
            survey_session(store.open(code, w.survey)),
            id=0,
            code="",
            parties=tuple(replace(p, id=0) for p in s.parties),
        ),
        "previous": (
            lambda c: (
                c and replace(c, previous_steps=tuple(replace(x, id=0, owner_party_id=0) for x in c.previous_steps))
            )
        )(changes_since_previous(store.open(code, tok))),
    }


# ----------------------------------------------------------------------------------- round trip


def test_round_trip_reproduces_the_session_exactly(source, tmp_path):
    src, prev, main, prev_data, data = source
    dst = busy_store(tmp_path / "dst.db")
    assert archive.import_session(dst, prev_data) == prev.code  # the previous session comes first
    code = archive.import_session(dst, data)
    assert code == main.code  # the code was free: kept

    again = archive.export_session(dst.open(code, main.token))  # the old facilitator token works
    first, second = json.loads(data), json.loads(again)
    assert second["session"]["id"] != first["session"]["id"]  # really renumbered...
    assert {r["id"] for r in second["tables"]["parties"]}.isdisjoint(r["id"] for r in first["tables"]["parties"])
    assert normalise(again) == normalise(data)  # ...and otherwise identical

    before, after = view(src, main.code, main), view(dst, code, main)
    for key in before:
        assert after[key] == before[key], key
    assert after["previous"] is not None and after["previous"].previous_code == prev.code
    assert len(after["rankings"]) == 8 and len(after["steps"]) == 2 and after["feedback"]

    events = dst.events(code, main.token)
    assert events[-1].action == "session_imported" and events[-1].actor == "admin"
    assert events[-1].detail["from_code"] == main.code and events[-1].detail["code_changed"] is False
    deleted = [e for e in events if e.action == "next_step_deleted"]
    assert deleted and deleted[0].detail["step"] is None  # the deleted step's id means nothing here


def test_archive_document(source):
    src, prev, main, _, data = source
    doc = json.loads(data.decode("utf-8"))
    assert doc["format"] == "trustcore-session" and doc["version"] == 1
    with dbmod.connection(src.path) as db:
        assert doc["schema"] == [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]
    assert doc["session"]["code"] == main.code
    with dbmod.connection(src.path) as db:
        sid = doc["session"]["id"]
        tables = [
            r["name"]
            for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r["name"] != "sessions"
            and not r["name"].startswith(("sqlite_", "_"))
            and r["name"] not in workspace.TABLES  # an organisation's, not a session's
        ]
        for t in tables:  # every row about the session, in every table, and no other
            mine = [dict(r) for r in db.query(f'SELECT * FROM "{t}" WHERE session_id = ?', [sid])]
            assert sorted(json.dumps(r, sort_keys=True) for r in doc["tables"][t]) == sorted(
                json.dumps(r, sort_keys=True) for r in mine
            ), t
        assert set(doc["tables"]) == set(tables)
        prev_row = next(db.query("SELECT id, code, facilitator_hash FROM sessions WHERE code = ?", [prev.code]))
    assert doc["session"]["previous_session_id"] == prev_row["id"]
    assert doc["references"]["sessions"] == {
        str(prev_row["id"]): {"code": prev.code, "facilitator_hash": prev_row["facilitator_hash"]}
    }
    # deterministic: sorted keys, one-space indent, UTF-8 without escapes
    text = data.decode("utf-8")
    assert "Gämma" in text and "\\u" not in text and text.startswith('{\n "exported_at"')
    assert text == json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    other = json.loads(archive.export_session(src.open(main.code, main.token)))
    doc.pop("exported_at"), other.pop("exported_at")
    assert other == doc


def test_previous_session_missing_here_becomes_null(source, tmp_path):
    _, prev, main, _, data = source
    dst = Store(tmp_path / "d.db").initialise()
    code = archive.import_session(dst, data)
    assert changes_since_previous(dst.open(code, main.token)) is None
    doc = json.loads(archive.export_session(dst.open(code, main.token)))
    assert doc["session"]["previous_session_id"] is None and doc["references"] == {"sessions": {}}
    linked = [e for e in dst.events(code, main.token) if e.action == "previous_linked"]
    assert linked and linked[0].detail == {"previous_session": None}


def test_previous_session_with_the_same_code_but_another_facilitator_is_not_linked(source, tmp_path):
    """The archive cannot link itself to a session it does not own by naming that session's code."""
    _, prev, main, _, data = source
    dst = Store(tmp_path / "d.db").initialise()
    victim = dst.create_session("Someone else's", ["A", "B"])
    doc = json.loads(data)
    (key,) = doc["references"]["sessions"]
    doc["references"]["sessions"][key]["code"] = victim.session.code
    code = archive.import_session(dst, json.dumps(doc).encode())
    assert changes_since_previous(dst.open(code, main.token)) is None


def test_import_twice_and_into_the_original_database(source, tmp_path):
    src, _, main, _, data = source
    dst = Store(tmp_path / "d.db").initialise()
    first = archive.import_archive(dst, data)
    second = archive.import_archive(dst, data)
    assert first.code == main.code and not first.code_changed and first.links_reset == 0
    assert second.code != main.code and second.code_changed and second.original_code == main.code
    assert second.links_reset == len(main.people)  # participant token hashes are unique per database
    assert dst.facilitator(second.code, main.token).title == "This year's review"
    with pytest.raises(AccessDenied):  # the copy's personal links were reset...
        dst.participant(second.code, main.people["Ann"])
    assert dst.participant(first.code, main.people["Ann"]).name == "Ann"  # ...the first import's work
    assert len(dst._rankings(second.code, history=True)) == len(dst._rankings(first.code, history=True)) == 8
    # into the database it came from: a copy beside the original, which is untouched
    before = json.loads(archive.export_session(src.open(main.code, main.token)))
    copy_code = archive.import_session(src, data)
    assert copy_code != main.code
    after = json.loads(archive.export_session(src.open(main.code, main.token)))
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before
    archive_doc = json.loads(archive.export_session(src.open(copy_code, main.token)))
    assert [e["action"] for e in archive_doc["tables"]["events"]][-1] == "session_imported"
    src.delete_session(copy_code, main.token)  # leave the module's source as it was


def test_new_code_on_request(source, tmp_path):
    _, _, main, _, data = source
    dst = Store(tmp_path / "d.db").initialise()
    code = archive.import_session(dst, data, new_code=True)
    assert code != main.code and dst.facilitator(code, main.token)
    assert dst.participant(code, main.people["Cy"]).name == "Cy"  # links work, with the new code
    assert survey_session(dst.open(code, main.survey)).title == "This year's review"


def test_export_needs_the_facilitator_token(source):
    src, prev, main, _, _ = source
    for code, token in (
        (main.code, main.people["Ann"]),
        (main.code, prev.token),
        (main.code, "x" * 24),
        ("abcdefghjkmnpq", main.token),
        (main.code, None),
    ):
        with pytest.raises(AccessDenied):
            archive.export_session(src.open(code, token))


# ----------------------------------------------------------------------------------- schemas


# the newest migration that added tables and columns (m003 only rebuilt tables to never reuse ids)
ADDED_TABLES = "m002_followup"


def old_store(path: Path) -> Store:
    """A database at the schema before the newest migration that added tables."""
    assert ADDED_TABLES in [m.name for m in migrations._migrations]
    dbmod.initialise(path, stop_before=ADDED_TABLES)
    return Store(path)


def test_archive_from_an_older_schema_imports_with_defaults(tmp_path):
    old = old_store(tmp_path / "old.db")
    created = old.create_session("Old", ["A", "B"])
    code, tok = created.session.code, created.facilitator_token
    j = old.join(code, created.session.parties[1].id, "Ann")
    old.submit(code, j.token, created.session.catalogue.ids[::-1], round_number=1)
    data = archive.export_session(old.open(code, tok))
    doc = json.loads(data)
    newest = ADDED_TABLES
    assert newest not in doc["schema"]
    dst = busy_store(tmp_path / "new.db")
    new = archive.import_session(dst, data)
    assert dst.participant(new, j.token).name == "Ann"
    assert dst._rankings(new)[0].order == tuple(created.session.catalogue.ids[::-1])
    again = archive.export_session(dst.open(new, tok))
    assert newest in json.loads(again)["schema"]
    old_doc, new_doc = normalise(data), normalise(again)
    assert set(new_doc["tables"]) > set(old_doc["tables"])  # the newest migration's tables, empty
    assert set(new_doc["session"]) > set(old_doc["session"])  # and columns, with their defaults
    assert {k: new_doc["session"][k] for k in old_doc["session"]} == old_doc["session"]
    for table, rows in old_doc["tables"].items():  # everything the old archive held came through unchanged
        assert [{k: r[k] for k in (rows or [{}])[0]} for r in new_doc["tables"][table]] == rows, table
    set_reflection(dst.open(new, tok), "areas", "works after the import")  # the new tables are usable


def test_archive_from_a_newer_schema_is_refused(source, tmp_path):
    _, _, main, _, data = source
    old = old_store(tmp_path / "old.db")
    before = dump(old.path)
    with pytest.raises(InvalidInput, match=r"newer version of trustcore.*" + ADDED_TABLES):
        archive.import_session(old, data)
    assert dump(old.path) == before


EXTRA = (
    # a table about the session only through foreign keys, and a new column
    """CREATE TABLE step_notes (id INTEGER PRIMARY KEY,
           step_id INTEGER NOT NULL REFERENCES next_steps(id) ON DELETE CASCADE,
           author_id INTEGER REFERENCES participants(id), text TEXT NOT NULL)""",
    "ALTER TABLE parties ADD COLUMN colour TEXT NOT NULL DEFAULT ''",
)


def _extend(store: Store) -> Store:
    with dbmod.connection(store.path) as db:
        for sql in EXTRA:
            db.execute(sql)
    return store


def test_tables_and_columns_are_discovered_from_the_schema(tmp_path):
    src = _extend(Store(tmp_path / "src.db").initialise())
    made = []
    for title in ("Other", "Mine"):
        c = src.create_session(title, ["A", "B"])
        j = src.join(c.session.code, c.session.parties[0].id, "Ann")
        step = add_next_step(src.open(c.session.code, c.facilitator_token), c.session.catalogue.ids[0], "x")
        with dbmod.write(src.path) as db:
            db.execute(
                "INSERT INTO step_notes (step_id, author_id, text) VALUES (?, ?, ?)",
                [step.id, j.participant.id, f"note on {title}"],
            )
            db.execute("INSERT INTO step_notes (step_id, author_id, text) VALUES (?, NULL, 'second')", [step.id])
            db.execute("UPDATE parties SET colour = 'teal' WHERE id = ?", [c.session.parties[1].id])
        made.append((c, j))
    (c, j) = made[1]
    data = archive.export_session(src.open(c.session.code, c.facilitator_token))
    doc = json.loads(data)
    assert [n["text"] for n in doc["tables"]["step_notes"]] == ["note on Mine", "second"]  # not the other session's
    assert [p["colour"] for p in doc["tables"]["parties"]] == ["", "teal"]

    dst = _extend(busy_store(tmp_path / "dst.db"))
    code = archive.import_session(dst, data)
    with dbmod.connection(dst.path) as db:
        notes = list(
            db.query(
                """SELECT n.text, q.name AS author, s.action, x.code FROM step_notes n
               JOIN next_steps s ON s.id = n.step_id JOIN sessions x ON x.id = s.session_id
               LEFT JOIN participants q ON q.id = n.author_id ORDER BY n.id"""
            )
        )
    assert notes == [
        {"text": "note on Mine", "author": "Ann", "action": "x", "code": code},
        {"text": "second", "author": None, "action": "x", "code": code},
    ]
    assert normalise(archive.export_session(dst.open(code, c.facilitator_token))) == normalise(data)

    plain = Store(tmp_path / "plain.db").initialise()  # an installation without the new table
    before = dump(plain.path)
    with pytest.raises(InvalidInput, match="does not know: step_notes"):
        archive.import_session(plain, data)
    del doc["tables"]["step_notes"]
    with pytest.raises(InvalidInput, match="parties row 1 has column.*colour"):
        archive.import_session(plain, json.dumps(doc).encode())
    assert dump(plain.path) == before


# ----------------------------------------------------------------------------------- refusals


def _set(path, value):
    def change(doc):
        *keys, last = path
        target = doc
        for k in keys:
            target = target[k]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value(target[last]) if callable(value) else value

    return change


DELETE = object()
T = "tables"


def _add_table(doc):
    doc[T]["secret_table"] = [{"id": 1}]


def _duplicate_party(doc):
    doc[T]["parties"].append(dict(doc[T]["parties"][0], position=7))


def _sessions_in_tables(doc):
    doc[T]["sessions"] = [doc["session"]]


BAD = [
    # (change to the archive, what the message says)
    (_set(["format"], "trustcore-something"), "not a session archive"),
    (_set(["format"], DELETE), "not a session archive"),
    (_set(["version"], 2), "newer version of trustcore"),
    (_set(["version"], "1"), "no valid format version"),
    (_set(["version"], 0), "cannot read"),
    (_set(["schema"], lambda s: [*s, "m999_from_the_future"]), "newer version.*m999_from_the_future"),
    (_set(["schema"], "m001_core"), "schema"),
    (_add_table, "does not know: secret_table"),
    (_sessions_in_tables, 'belongs under "session"'),
    (_set([T, "parties", 0, "colour"], "red"), "parties row 1 has column.*colour"),
    (_set(["session", "favourite"], 1), "session has column.*favourite"),
    (_set(["extra"], {}), "unknown part"),
    (_set(["session"], DELETE), "no session"),
    (_set([T], []), "must map table names"),
    (_set([T, "parties"], ["x"]), "must map table names"),
    (_set(["references"], {"sessions": {"1": "abc"}}), "references"),
    # rows whose references lead outside the archive
    (_set([T, "participants", 0, "party_id"], 99999), "participants row 1 does not fit.*party_id.*99999"),
    (_set([T, "rankings", 2, "participant_id"], 99999), "rankings row 3 does not fit.*participant_id"),
    (_set([T, "next_steps", 0, "owner_party_id"], 99999), "next_steps row 1 does not fit.*owner_party_id"),
    (_set([T, "parties", 1, "session_id"], 99999), "parties row 2 does not fit.*another session"),
    (_set([T, "events", 0, "session_id"], None), "events row 1 does not fit"),
    (_set([T, "next_steps", 0, "agreed_by"], "[99999]"), "next_steps row 1 does not fit.*agreed_by"),
    (_set([T, "next_steps", 0, "agreed_by"], '{"a": 1}'), "agreed_by must be a JSON list"),
    (_set([T, "worksheet", 0, "party_id"], 99999), "worksheet row 1 does not fit.*party_id"),
    # keys and types
    (_duplicate_party, "two rows with the same id"),
    (_set([T, "parties", 0, "id"], DELETE), "lacks its key column"),
    (_set([T, "parties", 0, "id"], "1"), "id must be a whole number"),
    (_set(["session", "id"], 2**70), "too large"),
    (_set(["session", "blind"], True), "blind must be a number, a text or null"),
    (_set(["session", "title"], {"a": 1}), "title must be a number, a text or null"),
    (_set(["session", "title"], 5), "title must be a text"),
    (_set(["session", "blind"], float("inf")), "not valid JSON|finite"),
    (_set(["session", "code"], "DROP TABLE sessions"), "no valid share code"),
    # rules of the database and of the app
    (_set(["session", "title"], DELETE), "break a rule.*NOT NULL.*title"),
    (_set([T, "next_steps", 0, "status"], "bogus"), "break a rule.*CHECK"),
    (_set(["session", "catalogue"], "{}"), "cannot be read|catalogue"),
    (_set(["session", "catalogue"], '{"elements": [{"id": "a", "name": "A"}]}'), "catalogue is not valid"),
    (_set(["session", "current_round"], 9), "round that does not exist"),
    (_set([T, "rounds"], []), "no rounds"),
    (_set([T, "rankings", 0, "ordering"], '["impact"]'), "rankings.ordering holds an invalid order"),
    (_set([T, "participants", 0, "start_order"], "not json"), "participants.start_order holds an invalid order"),
    (_set(["session", "agreed_order"], '"impact"'), "sessions.agreed_order holds an invalid order"),
    (_set([T, "events", 0, "detail"], "[1]"), "detail must be a JSON object"),
    (_set([T, "parties", 0, "members"], '"Ann"'), "parties.members"),
]


@pytest.mark.parametrize("change, message", BAD, ids=[m for _, m in BAD])
def test_bad_archives_are_refused_and_write_nothing(source, tmp_path, change, message):
    _, _, _, _, data = source
    doc = json.loads(data)
    change(doc)
    assert json.dumps(doc, sort_keys=True) != json.dumps(json.loads(data), sort_keys=True)  # really changed
    dst = busy_store(tmp_path / "d.db")
    before = dump(dst.path)
    with pytest.raises(InvalidInput, match=message):
        archive.import_session(dst, json.dumps(doc, allow_nan=True).encode("utf-8"))
    assert dump(dst.path) == before


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "not valid JSON"),
        (b"not json at all", "not valid JSON"),
        (b"\xff\xfe\x00\x00garbage", "not UTF-8"),
        (b"[]", "not a session archive"),
        (b'"trustcore-session"', "not a session archive"),
        (b'{"format": "trustcore-session", "format": "trustcore-session", "version": 1}', "appears twice"),
        (b'{"format": "trustcore-session", "version": NaN}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b" " * (archive.MAX_BYTES + 1), "too large"),
    ],
)
def test_garbage_is_refused(tmp_path, data, message):
    dst = busy_store(tmp_path / "d.db")
    before = dump(dst.path)
    with pytest.raises(InvalidInput, match=message):
        archive.import_session(dst, data)
    assert dump(dst.path) == before


def test_a_byte_order_mark_is_accepted(source, tmp_path):
    _, _, main, _, data = source
    assert archive.import_session(Store(tmp_path / "d.db").initialise(), b"\xef\xbb\xbf" + data) == main.code


def test_a_failure_mid_import_writes_nothing(source, tmp_path, monkeypatch):
    _, _, main, _, data = source
    dst = busy_store(tmp_path / "d.db")
    before = dump(dst.path)
    seen = {}

    def fail(store, db, schema, sid, code):
        # every row is in by now, inside the transaction...
        seen["rankings"] = db.execute("SELECT count(*) FROM rankings WHERE session_id = ?", [sid]).fetchone()[0]
        raise RuntimeError("injected failure")

    monkeypatch.setattr(archive, "_check_contents", fail)
    with pytest.raises(RuntimeError, match="injected failure"):
        archive.import_session(dst, data)
    assert seen["rankings"] == 8
    assert dump(dst.path) == before  # ...and none of them is left
    monkeypatch.undo()
    assert archive.import_session(dst, data) == main.code  # the database is fine afterwards


def test_the_import_waits_for_other_writers(source, tmp_path):
    """The import takes its write lock before reading anything (BEGIN IMMEDIATE): a writer holding the
    database makes it wait (busy timeout), and it then sees that writer's rows (here: a session that
    took the archive's code meanwhile)."""
    _, _, main, _, data = source
    dst = Store(tmp_path / "d.db").initialise()
    holder = sqlite_backend.connect(dst.path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        """INSERT INTO sessions (code, title, catalogue, facilitator_hash, created_at, updated_at)
                      VALUES (?, 'Came first', '{}', 'x', '', '')""",
        [main.code],
    )
    done = {}

    def run():
        try:
            done["code"] = archive.import_session(dst, data)
        except Exception as exc:  # reported below
            done["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    assert not done  # waiting
    holder.conn.commit()
    holder.close()
    thread.join(60)
    assert "error" not in done, done
    assert done["code"] != main.code and dst.facilitator(done["code"], main.token).title == "This year's review"


def test_random_damage_is_refused_or_imports_a_usable_session(source, tmp_path):
    """Hostile or damaged archives: values replaced at random places. Each import either is refused with
    InvalidInput, writing nothing, or gives a session that every page's reads can load."""
    _, _, main, _, data = source
    values = [
        None,
        0,
        -1,
        1,
        99999,
        2**62,
        "",
        "x",
        "participant:²",
        "[]",
        "{}",
        "[1]",
        '"a"',
        1.5,
        [],
        {},
        True,
        "\u0000",
    ]

    def paths(o, p=()):
        if p:
            yield p
        children = o.items() if isinstance(o, dict) else enumerate(o) if isinstance(o, list) else ()
        for k, v in children:
            yield from paths(v, (*p, k))

    every = list(paths(json.loads(data)))
    rng = random.Random(20261128)
    dst = busy_store(tmp_path / "d.db")
    outcomes = {"imported": 0, "refused": 0}
    for _ in range(150):
        doc = json.loads(data)
        for _ in range(rng.randint(1, 3)):
            *parents, last = rng.choice(every)
            target = doc
            try:
                for k in parents:
                    target = target[k]
                if isinstance(target, dict) and rng.random() < 0.15:
                    del target[last]
                else:
                    target[last] = rng.choice(values)
            except (KeyError, IndexError, TypeError):
                pass  # a parent was replaced already
        before = dump(dst.path)
        try:
            code = archive.import_session(dst, json.dumps(doc).encode("utf-8"))
        except InvalidInput:
            outcomes["refused"] += 1
            assert dump(dst.path) == before
            continue
        outcomes["imported"] += 1
        session = dst._session(code)
        dst._rankings(code, history=True), dst._progress(code)
        for r in session.rounds:
            results.round_results(session, dst._rankings(code), r.number)
        try:
            dst.facilitator(code, main.token)
        except AccessDenied:
            continue  # the facilitator hash was damaged
        dst.events(code, main.token)
        for read in (
            next_steps,
            worksheet,
            baselines,
            feedback,
            reflections,
            agreed_order,
        ):
            read(dst.open(code, main.token))
    assert outcomes["imported"] and outcomes["refused"] > outcomes["imported"]
