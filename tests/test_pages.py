"""Page logic through Streamlit's AppTest (no browser): roles from links, refusals, forms, buttons.

The drag-and-drop component cannot be driven here (it is an iframe); the move buttons can, and the
browser tests cover dragging."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trustcore import tables
from trustcore.errors import NotFound

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def store(backend_store, monkeypatch):
    """The conftest's store, on each backend, as the database the app opens (``$TRUSTCORE_DB``)."""
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    return backend_store


@pytest.fixture
def made(store):
    return store.create_session(
        "Bus data **deal** <b>x</b>", ["CityBus", "Council :red[x]"], our_org="CityBus", partner_org="Council"
    )


def run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def language_box(at: AppTest):
    """The language switcher ``app.py`` draws at the top of every page (its key names the tab's language)."""
    (box,) = [s for s in at.selectbox if str(s.key).startswith("tc_language_")]
    return box


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info]
    parts += [e.value for e in at.warning] + [e.value for e in at.success] + [t.value for t in at.text]
    parts += [h.value for h in at.header] + [h.value for h in at.title] + [c.value for c in at.caption]
    parts += [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_visitor_sees_start_and_a_bad_code_is_explained(store):
    at = run()
    assert "Co-rank what makes data stewardship trustworthy" in texts(at)
    at.text_input[0].input("nonsense").run()
    at.button[0].click().run()
    assert "That is not a session code" in texts(at)


def test_unknown_code_in_link_gives_a_clear_message(store):
    at = run(session="abcdefghjkmnpq")
    assert "No session has this code" in texts(at)
    assert "Join a session" in texts(at)  # and the way to retry is right there


def test_join_then_rank_with_move_buttons_and_submit(store, made):
    code = made.session.code
    at = run(session=code)
    assert "Which party are you ranking for?" in at.radio[0].label
    at.radio[0].set_value(made.session.parties[1].id)
    at.text_input[0].input("Zoë")
    at.button[0].click().run()
    assert not at.exception
    me = at.query_params["me"]
    assert me, "joining gives a personal link"
    participant = store.participant(code, me)
    assert participant.name == "Zoë" and participant.party == "Council :red[x]"

    at = run(session=code, me=me)  # the personal link, opened again
    at.segmented_control[0].set_value("Move buttons").run()
    start = list(store._start_order(participant, 1))
    at.button(key=f"rank:{code}:{participant.id}:1:down:{start[0]}").click().run()
    at.button(key="submit_ranking").click().run()
    stored = store._my_ranking(participant, 1)
    assert stored is not None
    assert list(stored.order) == [start[1], start[0]] + start[2:]


def test_double_join_click_joins_once(store, made):
    code = made.session.code
    at = run(session=code)
    at.radio[0].set_value(made.session.parties[0].id)
    at.button[0].click().run()
    assert len(store._progress(code).participants) == 1


def test_participant_token_used_as_facilitator_link_is_refused(store, made):
    code = made.session.code
    joined = store.join(code, made.session.parties[0].id, "Ann")
    at = run(session=code, admin=joined.token)
    assert "This facilitator link is not valid" in texts(at)
    assert not any("Reveal results" == b.label for b in at.button)
    assert store._session(code).round.status == "open"


def test_tampered_personal_link_is_refused(store, made):
    code = made.session.code
    joined = store.join(code, made.session.parties[0].id, "Ann")
    at = run(session=code, me=joined.token[:-2] + ("AA" if not joined.token.endswith("AA") else "BB"))
    assert "This personal link is not valid" in texts(at)
    assert at.radio[0].label == "Which party are you ranking for?"  # back on the join page


def test_participant_sees_no_results_before_reveal(store, made):
    code = made.session.code
    joined = store.join(code, made.session.parties[0].id, "Ann")
    store.submit(code, joined.token, made.session.catalogue.ids, round_number=1)
    at = run(session=code, me=joined.token)
    at.switch_page("views/compare.py").run()
    assert "hidden until the facilitator reveals it" in texts(at)
    assert not at.get("plotly_chart")
    store.reveal(code, made.facilitator_token, round_number=1)
    at = run(session=code, me=joined.token)
    at.switch_page("views/compare.py").run()
    assert "hidden until" not in texts(at)


def test_facilitator_console_lock_reveal_next_round(store, made):
    code, token = made.session.code, made.facilitator_token
    at = run(session=code, admin=token)
    assert "Round 1: 0 of 0 submitted" in texts(at)
    for label, check in [
        ("Lock round", lambda s: s.round.status == "locked"),
        ("Reveal results", lambda s: s.round.status == "revealed"),
        ("Open next round", lambda s: s.current_round == 2 and s.round.status == "open"),
    ]:
        at = run(session=code, admin=token)  # AppTest does not rerun the entrypoint after a click: reload
        next(b for b in at.button if b.label == label).click().run()
        assert check(store._session(code)), label
    assert "Round 2: 0 of 0 submitted" in texts(run(session=code, admin=token))


def test_delete_needs_confirmation(store, made):
    code, token = made.session.code, made.facilitator_token
    at = run(session=code, admin=token)
    delete = next(b for b in at.button if b.label == "Delete session")
    assert delete.disabled
    at.text_input(key="delete_confirm").input("DELETE").run()
    next(b for b in at.button if b.label == "Delete session").click().run()
    with pytest.raises(NotFound):
        store._session(code)
    assert "No session has this code" in texts(run(session=code, admin=token))


def test_names_are_shown_as_text_not_markdown(store, made):
    at = run(session=made.session.code)
    header = at.header[0].value
    assert r"\*\*deal\*\*" in header and r"\<b\>" in header
    labels = at.radio[0].options
    assert any(r"\:red\[x\]" in option for option in labels)


def test_create_session_form(store):
    at = run()
    at.switch_page("views/create.py").run()
    at.text_input(key="party_name_0").input("Us")
    at.text_input(key="party_name_1").input("Them")
    at.text_input[0].input("A relationship")
    at.button[0].click().run()
    assert "The session is ready." in texts(at)
    codes = [c.value for c in at.code]
    assert any("admin=" in c for c in codes) and any("admin=" not in c and "session=" in c for c in codes)
    assert [s.title for s in store.sessions()] == ["A relationship"]


def test_create_session_refusal_loses_nothing(store):
    at = run()
    at.switch_page("views/create.py").run()
    at.text_input(key="party_name_0").input("Same")
    at.text_input(key="party_name_1").input("same")
    at.text_input[0].input("Title")
    at.button[0].click().run()
    assert "Two parties are called" in texts(at)
    assert at.text_input(key="party_name_0").value == "Same"  # what was typed is still there
    assert store.sessions() == []


def test_after_reveal_pages_open_for_facilitator_and_participant(store, made):
    from trustcore.followup.next_steps import add_next_step

    code, token = made.session.code, made.facilitator_token
    ann = store.join(code, made.session.parties[0].id, "Ann")
    store.submit(code, ann.token, made.session.catalogue.ids, round_number=1)
    store.reveal(code, token, round_number=1)
    add_next_step(store.open(code, token), "privacy", "Write the policy")
    for params in ({"admin": token}, {"me": ann.token}):
        for page in ("views/next_steps.py", "views/worksheet.py", "views/reflect.py", "views/compare.py"):
            at = run(session=code, **params)
            at.switch_page(page).run()
            assert not at.exception, (page, params, at.exception)
    # A participant edits only their own party's worksheet entries: one form, for their party.
    at = run(session=code, me=ann.token)
    at.switch_page("views/worksheet.py").run()
    editable = {ta.key.split(":")[2] for ta in at.text_area if ta.key and ta.key.startswith("ws:")}
    assert editable == {str(made.session.parties[0].id)}


def test_a_worksheet_save_is_no_conflict_over_a_field_this_editor_left_as_it_was(store, made):
    from trustcore.followup.worksheet_entries import set_worksheet_entry

    code, fac, party = made.session.code, made.facilitator_token, made.session.parties[0]
    privacy = "privacy"
    set_worksheet_entry(store.open(code, fac), privacy, party.id, "B", "Annual audit", internal=False)
    at = run(session=code, admin=fac)
    at.switch_page("views/worksheet.py").run()
    # someone else rewrites Column B meanwhile; this editor writes only Column C
    set_worksheet_entry(
        store.open(code, fac), privacy, party.id, "B", "Quarterly audit", internal=False, expected_version=1
    )
    at.text_area(key=f"ws:{privacy}:{party.id}:C:text").input("The audit reports, published")
    form = f"form:ws:{privacy}:{party.id}"
    next(b for b in at.button if b.label == "Save" and form in str(b.proto.form_id)).click().run()
    assert not at.exception, at.exception
    assert "Someone else" not in texts(at)
    from trustcore import worksheet as worksheet_mod

    row = next(r for r in worksheet_mod.build(store.open(code, fac)).rows if r.element_id == privacy)
    assert row.entries[(party.id, "B")].text == "Quarterly audit"  # theirs, untouched
    assert row.entries[(party.id, "C")].text == "The audit reports, published"


def test_changing_a_step_tells_the_editor_whose_agreement_was_withdrawn(store, made):
    from trustcore.followup.next_steps import add_next_step, next_steps

    code, (citybus, council) = made.session.code, made.session.parties
    ann = store.join(code, citybus.id, "Ann")
    bob = store.join(code, council.id, "Bob")
    step = add_next_step(store.open(code, bob.token), "privacy", "Delete after 30 days", agreed_by=[council.id])
    at = run(session=code, me=ann.token)
    at.switch_page("views/next_steps.py").run()
    assert "withdraws the other parties' agreement" in texts(at)
    at.text_area(key=f"step:{step.id}:action").input("Share everything, forever")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    [saved] = next_steps(store.open(code, made.facilitator_token))
    assert (saved.action, saved.agreed_by) == ("Share everything, forever", ())
    assert "was withdrawn" in " ".join(s.value for s in at.success)


def test_survey_link_opens_only_the_survey(store, made):
    from trustcore.followup.survey import feedback, new_survey_link

    code = made.session.code
    survey = new_survey_link(store.open(code, made.facilitator_token))
    at = run(session=code, survey=survey)
    assert "Stakeholder survey" in texts(at)
    at.radio(key="privacy:trust").set_value(2)
    at.text_area(key="overall:comment").input("Fine overall")
    next(b for b in at.button if b.label == "Send my answers").click().run()
    answers = feedback(store.open(code, made.facilitator_token))
    assert {(a.element_id, a.trust, a.comment) for a in answers} == {("privacy", 2, ""), (None, None, "Fine overall")}
    at = run(session=code, survey="x" * 24)
    assert "This survey link is not valid" in texts(at)


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "\x00",
        "<script>alert(1)</script>",
        "x" * 5000,
        "é" * 14,
        "abcd-efgh-jkmn-pq",
        "../../etc/passwd",
        "%27%20OR%201=1--",
    ],
)
@pytest.mark.parametrize("param", ["session", "me", "admin", "survey"])
def test_malformed_query_parameters_get_a_clear_page(store, made, param, value):
    params = {param: value}
    if param != "session":
        params["session"] = made.session.code
    at = run(**params)
    ctx = at.session_state["ctx"]
    assert ctx.role in ("visitor", "joiner")
    if param == "session" and value.strip():
        assert "No session has this code" in texts(at)


def test_a_closed_session_says_so_on_the_join_page_and_offers_no_form(store, made):
    from trustcore.joining import set_joining

    set_joining(store.open(made.session.code, made.facilitator_token), open=False)
    at = run(session=made.session.code)
    assert any("Joining this session has closed" in i.value for i in at.info)
    assert not at.radio and not at.text_input  # no form to fill in for nothing


def test_the_console_closes_joining_and_sets_the_limit(store, made):
    at = run(session=made.session.code, admin=made.facilitator_token)
    cap, switch = joining_widgets(at)
    cap.set_value(30)
    switch.set_value(False)
    next(b for b in at.button if b.label == "Save joining").click().run()
    assert not at.exception
    session = store._session(made.session.code)
    assert (session.join_cap, session.joining_open) == (30, False)


def joining_widgets(at: AppTest):
    """The console's joining limit and switch (keyed by what is stored, so that they follow it)."""
    (cap,) = [w for w in at.number_input if str(w.key).startswith("join_cap")]
    (switch,) = [w for w in at.toggle if str(w.key).startswith("joining_open")]
    return cap, switch


def test_the_joining_switch_follows_what_is_stored_and_a_later_save_does_not_reopen_joining(store, made):
    code, fac = made.session.code, made.facilitator_token
    at = run(session=code, admin=fac)
    assert joining_widgets(at)[1].value is True
    next(b for b in at.button if b.label == "Reveal results").click().run()  # the reveal closes joining
    assert store._session(code).joining_open is False
    cap, switch = joining_widgets(at)
    assert switch.value is False  # drawn as stored, not as it was drawn before the reveal
    cap.set_value(30)
    next(b for b in at.button if b.label == "Save joining").click().run()
    assert (store._session(code).join_cap, store._session(code).joining_open) == (30, False)

    from trustcore.joining import set_joining

    set_joining(store.open(code, fac), open=True, cap=12)  # another tab of the facilitator's
    at.run()
    cap, switch = joining_widgets(at)
    assert (cap.value, switch.value) == (12, True)


def test_the_console_removes_and_moves_participants(store, made):
    code = made.session.code
    ann = store.join(code, made.session.parties[0].id, "Ann")
    dup = store.join(code, made.session.parties[0].id, "Ann twice")
    at = run(session=code, admin=made.facilitator_token)
    at.selectbox(key="people_who").set_value(ann.participant.id)
    at.selectbox(key="people_to").set_value(made.session.parties[1].id)
    next(b for b in at.button if b.label == "Move").click().run()
    assert store.participant(code, ann.token).party == made.session.parties[1].name
    at.selectbox(key="people_who").set_value(dup.participant.id)
    remove = next(b for b in at.button if b.label == "Remove participant")
    assert remove.disabled  # until the facilitator confirms
    at.checkbox(key="people_sure").check().run()
    next(b for b in at.button if b.label == "Remove participant").click().run()
    assert not at.exception
    assert [p.participant.name for p in store._progress(code).participants] == ["Ann"]
    me = run(session=code, me=dup.token)  # the removed link says so
    assert any("removed this personal link" in e.value for e in me.error)


def test_the_presenter_link_shows_the_screen_and_follows_the_agenda(store, made):
    from trustcore.presenter import new_presenter_link, show_agenda_item

    code, fac = made.session.code, made.facilitator_token
    shown = new_presenter_link(store.open(code, fac))
    at = run(session=code, presenter=shown)
    page = texts(at)
    assert "Bus data \\*\\*deal\\*\\* \\<b\\>x\\</b\\>" in page  # the title, as text
    assert "CityBus\\: 0 of 0 submitted" in page and "Council \\:red\\[x\\]\\: 0 of 0" in page
    assert not any(b.label in ("Reveal results", "Lock round") for b in at.button)  # it controls nothing
    ids = list(made.session.catalogue.ids)
    for i, party in enumerate(made.session.parties):
        joined = store.join(code, party.id, f"P{i}")
        store.submit(code, joined.token, ids if i == 0 else ids[::-1], round_number=1)
    store.reveal(code, fac, round_number=1)
    show_agenda_item(store.open(code, fac), 1)
    at = run(session=code, presenter=shown)
    assert "Discussion agenda: item 2 of" in texts(at)


def test_a_wrong_or_revoked_presenter_link_says_so(store, made):
    from trustcore.presenter import new_presenter_link, revoke_presenter_link

    code, fac = made.session.code, made.facilitator_token
    shown = new_presenter_link(store.open(code, fac))
    revoke_presenter_link(store.open(code, fac))
    at = run(session=code, presenter=shown)
    assert "This presenter link is not valid" in texts(at)
    at = run(session=code, admin=new_presenter_link(store.open(code, fac)))  # used as the facilitator link
    assert "This facilitator link is not valid" in texts(at)


def test_reasons_typed_on_the_rank_page_are_saved_with_the_ranking(store, made):
    code = made.session.code
    joined = store.join(code, made.session.parties[0].id, "Ann")
    at = run(session=code, me=joined.token)
    start = list(store._start_order(joined.participant, 1))
    top = at.text_input(key=f"rank:{code}:{joined.participant.id}:1:reason:{start[0]}")
    assert top.label.startswith("Why is ") and top.label.endswith(" at the top?")
    top.input("**not bold** <i>x</i>").run()
    middle = f"rank:{code}:{joined.participant.id}:1:reason:{start[4]}"
    assert not [t for t in at.text_input if t.key == middle]  # the other fields only on request
    at.toggle(key=f"rank:{code}:{joined.participant.id}:1:more-reasons").set_value(True).run()
    at.text_input(key=f"rank:{code}:{joined.participant.id}:1:reason:{start[4]}").input("a middle one").run()
    at.button(key="submit_ranking").click().run()
    assert not at.exception
    assert store._my_ranking(joined.participant, 1).reasons == {
        start[0]: "**not bold** <i>x</i>",
        start[4]: "a middle one",
    }
    assert "Your ranking is stored" in texts(at)
    # a changed reason alone makes the ranking changed, to submit again
    at.text_input(key=f"rank:{code}:{joined.participant.id}:1:reason:{start[4]}").input("changed my mind").run()
    assert "You have changed your ranking since you submitted" in texts(at)
    assert at.button(key="submit_ranking").label == "Submit my changes" and not at.button(key="submit_ranking").disabled


def test_the_join_page_states_the_setting_and_an_anonymous_one_asks_no_name(store):
    from trustcore.model import Anonymity

    for setting, label in (
        (Anonymity.NAMED, "Names shown"),
        (Anonymity.HIDDEN, "Names hidden from other participants"),
        (Anonymity.ANONYMOUS, "Anonymous"),
    ):
        s = store.create_session("S", ["A", "B"], anonymity=setting).session
        at = run(session=s.code)
        assert any(i.value.startswith(f"{label}: ") for i in at.info), setting
        assert len(at.text_input) == (0 if setting is Anonymity.ANONYMOUS else 1)


def test_the_comparison_shows_agreement_within_a_party_of_several_members(store):
    made = store.create_session("Within", ["Alpha", "Beta"])
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    for name, party, order in (("A1", 0, ids), ("A2", 0, ids[1:] + ids[:1]), ("B1", 1, ids[::-1])):
        store.submit(s.code, store.join(s.code, s.parties[party].id, name).token, order, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"], at.query_params["admin"] = s.code, fac
    at.switch_page("views/compare.py").run()
    assert not at.exception, at.exception
    assert "Agreement within parties" in [h.value for h in at.subheader]
    within = next(h.value for h in at.html if 'aria-label="Agreement within parties"' in h.value)
    res = store.open(s.code, fac).results(1)
    assert within == tables.within(res).html  # the core's table (tests/test_tables_fit_a_phone.py), as it is
    assert [name for name, pc in res.parties.items() if pc.within_w] == ["Alpha"] and res.parties["Alpha"].members == 2
    assert 0 < res.parties["Alpha"].within_w.w < 1


def test_the_comparison_sends_only_the_chart_and_the_long_texts_that_are_open(store):
    """A revealed comparison sends the chart of the chosen tab only, and the full agenda and the reasons for
    the less contested elements only once their expander is opened (each a rerun of the page)."""
    made = store.create_session("Lazy", ["Alpha", "Beta", "Gamma"])
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    orders = (ids, ids[::-1], ids[5:] + ids[:5])
    for i, order in enumerate(orders):
        person = store.join(s.code, s.parties[i].id, f"P{i}")
        reasons = {e: f"reason {i} for {e}" for e in ids}
        store.submit(s.code, person.token, order, reasons=reasons, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"], at.query_params["admin"] = s.code, fac
    at.switch_page("views/compare.py").run()
    assert not at.exception, at.exception

    def charts() -> list[str]:
        return [c.proto.id for c in at.get("plotly_chart")]

    def expander(prefix: str):
        return next(e for e in at.expander if e.label.startswith(prefix))

    shown = charts()
    assert len(shown) == 1 and "divergence" in shown[0]
    assert expander("All ").children == {} and expander("Reasons for ").children == {}
    assert expander("How this is computed").children == {}

    at.session_state["compare_chart"] = "Heatmap"
    at.session_state["compare_all_pairs"] = True
    at.session_state["compare_more_reasons"] = True
    at.session_state["compare_explainer"] = True
    at.run()
    assert not at.exception, at.exception
    shown = charts()
    assert len(shown) == 1 and "heatmap" in shown[0]
    agenda = expander("All ").text
    assert len(agenda) == 1 and "reason" in agenda[0].value
    assert any("reason" in t.value for t in expander("Reasons for ").text)
    assert "Kendall" in expander("How this is computed").markdown[0].value


def test_the_download_buttons_are_drawn_only_once_their_section_is_opened(store, made):
    """Seven download buttons were a quarter of the messages of every comparison and console rerun: they sit
    in an expander that draws them only while it is open (``ui/downloads.py``)."""
    s, fac = made.session, made.facilitator_token
    ids = list(s.catalogue.ids)
    for i, order in enumerate((ids, ids[::-1])):
        store.submit(s.code, store.join(s.code, s.parties[i].id, f"P{i}").token, order, round_number=1)
    store.reveal(s.code, fac, round_number=1)
    for page in ("views/console.py", "views/compare.py"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["session"], at.query_params["admin"] = s.code, fac
        at.switch_page(page).run()
        assert not at.exception, at.exception
        shelf = next(e for e in at.expander if e.label.startswith("CSV files, the Excel workbook"))
        assert shelf.label.endswith("and the whole session")  # the facilitator's archive is among them
        assert at.get("download_button") == []
        at.session_state["downloads"] = True
        at.run()
        assert not at.exception, at.exception
        labels = [b.proto.label for b in at.get("download_button")]
        assert len(labels) == 10 and "Whole session (JSON archive)" in labels, (page, labels)
        assert "Worksheet shared with the survey (printable)" in labels, labels
        assert {"Excel workbook (shareable)", "Printable report (shareable)"} <= set(labels), labels
        names = [c for c in at.checkbox if c.key == "downloads:names"]  # a session that shows names
        assert len(names) == 1 and names[0].value is False, "names are out unless the facilitator chooses"


def test_an_unchanged_url_is_not_written_again_on_a_rerun(store, made, monkeypatch):
    """The URL is written back only when it differs from what the browser sent (each write is a message to
    the browser on every rerun of every tab); a code typed in another form is still made canonical."""
    from streamlit.runtime.state.query_params import QueryParams

    writes = []
    real = QueryParams.from_dict
    monkeypatch.setattr(QueryParams, "from_dict", lambda self, d: writes.append(dict(d)) or real(self, d))
    code, fac = made.session.code, made.facilitator_token
    at = run(session=code, admin=fac)  # the bare link opens the console: a page switch empties the URL
    assert writes == [{"session": code, "admin": fac}]
    writes.clear()
    at.run()
    at.run()
    assert writes == [] and at.query_params["admin"] == fac
    run(session=code.upper(), admin=fac)
    assert writes[0] == {"session": code, "admin": fac}


def test_the_url_is_written_again_after_streamlit_dropped_output_and_when_a_key_comes_twice(store, made, monkeypatch):
    """A dropped output may have held the URL's last update (``ui/healing.py``): the next full run writes it
    even where the query string it ran with looks unchanged. A key given twice is written back once."""
    from streamlit.runtime.state.query_params import QueryParams

    from ui import healing

    writes = []
    real = QueryParams.from_dict
    monkeypatch.setattr(QueryParams, "from_dict", lambda self, d: writes.append(dict(d)) or real(self, d))
    code, fac = made.session.code, made.facilitator_token
    at = run(session=code, admin=fac)
    writes.clear()
    unsure = iter([True])
    monkeypatch.setattr(healing, "url_unsure", lambda: next(unsure, False))
    at.run()
    assert writes == [{"session": code, "admin": fac}]  # the drop's run writes it once
    at.run()
    assert len(writes) == 1  # and the next runs do not
    writes.clear()
    at.query_params["admin"] = [fac, fac]
    at.run()
    assert not at.exception, at.exception
    assert writes == [{"session": code, "admin": fac}]


def test_a_ranking_submitted_on_round_1_after_round_2_opened_is_refused_and_said_on_round_2(store, made):
    code = made.session.code
    ann = store.join(code, made.session.parties[0].id, "Ann")
    at = run(session=code, me=ann.token)  # the page draws round 1
    store.next_round(
        code, made.facilitator_token, round_number=1
    )  # the facilitator opens round 2 before the click lands
    at.button(key="submit_ranking").click().run()
    assert not at.exception
    assert store._rankings(code) == []  # neither round 1 nor round 2 got it
    assert "Round 1 has closed and round 2 is open: your ranking was not saved. The page now shows round 2." in [
        w.value for w in at.warning
    ]
    at.run()
    assert "your ranking was not saved" not in texts(at)  # said once


def test_reflect_refuses_an_organisation_wide_ranking_someone_else_saved_first_and_keeps_theirs(store, made):
    from trustcore.followup.baselines import baselines, set_baseline

    code, fac = made.session.code, made.facilitator_token
    party, ids = made.session.parties[0], list(made.session.catalogue.ids)
    ann = store.join(code, party.id, "Ann")
    at = run(session=code, me=ann.token)
    at.switch_page("views/reflect.py").run()  # Ann's page shows no organisation-wide ranking yet
    set_baseline(store.open(code, fac), party.id, ids[::-1])  # the facilitator saves one first
    next(b for b in at.button if b.label == "Save organisation-wide ranking").click().run()
    assert not at.exception
    assert "Someone else saved CityBus" in texts(at)  # (as shown: markdown escaped)
    assert baselines(store.open(code, fac)) == {party.name: tuple(ids[::-1])}  # theirs is kept
    next(b for b in at.button if b.label == "Keep theirs").click().run()
    assert baselines(store.open(code, fac)) == {party.name: tuple(ids[::-1])}
    assert "Someone else saved" not in texts(at)
    # from the version now shown, Ann's save goes through
    next(b for b in at.button if b.label == "Save organisation-wide ranking").click().run()
    assert not at.exception
    assert "Saved" in texts(at)


def test_after_the_reveal_the_join_page_says_joining_closed_and_the_console_says_how_to_reopen(store, made):
    code, fac = made.session.code, made.facilitator_token
    store.reveal(code, fac, round_number=1)
    at = run(session=code)
    assert any("Joining this session has closed" in i.value for i in at.info)
    assert not at.radio and not at.text_input
    at = run(session=code, admin=fac)
    note = next(i.value for i in at.info if "Joining closed when you revealed the results" in i.value)
    assert "Save joining" in note
    assert joining_widgets(at)[1].value is False
    joining_widgets(at)[1].set_value(True)
    next(b for b in at.button if b.label == "Save joining").click().run()
    assert store._session(code).joining_open
    assert not any("Joining closed when you revealed" in i.value for i in at.info)
    at = run(session=code)
    assert at.radio  # the late joiner gets the form


def test_the_console_still_draws_download_unlink_and_delete_when_the_linked_session_expired(store, made, monkeypatch):
    from conftest import raw

    from trustcore.followup.lineage import link_previous

    earlier = store.create_session("Review 2025", ["CityBus", "Council"])
    link_previous(
        store.open(made.session.code, made.facilitator_token), earlier.session.code, earlier.facilitator_token
    )
    with raw(store) as conn:
        conn.execute("UPDATE sessions SET created_at = '2020-01-01T00:00:00Z' WHERE code = ?", [earlier.session.code])
    monkeypatch.setenv("TRUSTCORE_RETENTION_DAYS", "30")
    at = run(session=made.session.code, admin=made.facilitator_token)
    labels = [b.label for b in at.button]
    assert "Delete session" in labels
    assert any(h.value == "Download" for h in at.subheader)
    assert any(t.label == "The earlier session's facilitator link" for t in at.text_input)  # unlinked: link anew
    assert "Review 2025" not in texts(at)
