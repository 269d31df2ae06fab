"""Activity 2 through the pages (AppTest): the workspace's internal worksheet tab saves each field internal or
shareable with the version check, in the Activity 1 order; the console of a linked session chooses to show its
shareable fields with the survey, and the survey page shows them and never an internal one."""

from __future__ import annotations

from test_pages import made, run, store, texts  # noqa: F401  (fixtures)

from trustcore import internal_worksheet as iw
from trustcore import workspace as ws
from trustcore.followup import survey_documents
from trustcore.followup.survey import new_survey_link

ORG_STEP = "Every department keeps a register **of what it shares**"
ORG_INTERNAL = "INTERNAL: the Sales register is missing"


def _workspace(store):  # noqa: F811
    org = ws.create_workspace(store, "CityBus organisation")
    return org, store.open_workspace(org.workspace.id, org.token)


def _save(at, element_id: str):
    next(b for b in at.button if b.label == "Save" and b.proto.form_id == f"form:iw:{element_id}").click().run()
    assert not at.exception, at.exception


def test_the_tab_saves_steps_and_evidence_each_internal_or_shareable_in_the_activity_1_order(store):  # noqa: F811
    org, wview = _workspace(store)
    order = list(reversed([r.element_id for r in iw.build(wview).rows]))
    ws.set_ranking(wview, order)
    at = run(workspace=str(org.workspace.id), org=org.token)
    labels = [
        e.label.replace("\\", "") for e in at.expander if e.label[:1] == "A" and e.label[1:2].isdigit()
    ]  # (markdown-escaped)
    names = [r.element for r in iw.build(wview).rows]
    assert [label.split(" · ")[0] for label in labels] == [f"A{i}. {n}" for i, n in enumerate(names, 1)]
    assert names[0] == next(r.element for r in iw.build(wview).rows if r.element_id == order[0])
    at.text_area(key=f"iw:{order[0]}:B:text").input(ORG_STEP)
    at.text_area(key=f"iw:{order[0]}:C:text").input(ORG_INTERNAL)
    at.checkbox(key=f"iw:{order[0]}:C:internal").check()
    _save(at, order[0])
    row = iw.build(wview).rows[0]
    assert (row.entries["B"].text, row.entries["B"].internal) == (ORG_STEP, False)
    assert (row.entries["C"].text, row.entries["C"].internal) == (ORG_INTERNAL, True)
    assert "Saved the internal worksheet" in texts(at)


def test_the_tab_shows_both_texts_when_someone_else_saved_first(store):  # noqa: F811
    org, wview = _workspace(store)
    iw.set_entry(wview, "privacy", "B", "First words")
    at = run(workspace=str(org.workspace.id), org=org.token)
    iw.set_entry(wview, "privacy", "B", "Someone else's words", expected_version=1)  # saved in between
    at.text_area(key="iw:privacy:B:text").input("My words")
    _save(at, "privacy")
    assert "Someone else changed this entry" in texts(at)
    assert "My words" in texts(at) and "Someone else's words" in texts(at)  # both shown, nothing overwritten
    assert next(r for r in iw.build(wview).rows if r.element_id == "privacy").entries["B"].version == 2
    next(b for b in at.button if b.label == "Keep theirs").click().run()
    assert at.text_area(key="iw:privacy:B:text").value == "Someone else's words"


def test_someone_elses_save_of_the_other_field_is_no_conflict(store):  # noqa: F811
    org, wview = _workspace(store)
    at = run(workspace=str(org.workspace.id), org=org.token)
    iw.set_entry(wview, "privacy", "C", "Their evidence")  # saved in between, in the field left alone here
    at.text_area(key="iw:privacy:B:text").input("My steps")
    _save(at, "privacy")
    assert "Someone else changed" not in texts(at)
    row = next(r for r in iw.build(wview).rows if r.element_id == "privacy")
    assert (row.entries["B"].text, row.entries["C"].text) == ("My steps", "Their evidence")


def test_the_console_of_a_linked_session_shows_the_shareable_fields_with_the_survey(store, made):  # noqa: F811
    s, fac = made.session, made.facilitator_token
    org, wview = _workspace(store)
    iw.set_entry(wview, "privacy", "B", ORG_STEP)
    iw.set_entry(wview, "privacy", "C", ORG_INTERNAL, internal=True)
    at = run(session=s.code, admin=fac)
    at.session_state["survey_preview"] = True  # open the preview
    at.run()
    assert "internal worksheet" not in texts(at)  # not linked: nothing to choose
    ws.link_session(store.open(s.code, fac), wview, s.parties[0].id)
    at.run()
    at.checkbox(key="survey_show_internal:B:none").check().run()
    at.checkbox(key="survey_show_internal:C:B").check().run()
    assert not at.exception, at.exception
    assert survey_documents.chosen(store.open(s.code, fac))[1] == survey_documents.Shown(
        survey_documents.INTERNAL, ("B", "C")
    )
    preview = texts(at)
    assert f"CityBus: {ORG_STEP}" in preview and ORG_INTERNAL not in preview
    stakeholder = run(session=s.code, survey=new_survey_link(store.open(s.code, fac)))
    shown = texts(stakeholder)
    assert "Organisation-wide worksheet" in shown.replace("\\", "") and f"CityBus: {ORG_STEP}" in shown  # as text
    assert ORG_INTERNAL not in shown
