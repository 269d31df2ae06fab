"""The participant's pages in the reader's language: the ranking page, next steps, the worksheet and Reflect,
in French (``?lang=fr``) and Spanish, with the elements named in that language; switching language while
ranking keeps the order and the reasons typed so far."""

from __future__ import annotations

from test_pages import language_box, made, run, store, texts  # noqa: F401  (fixtures)

from trustcore.followup.next_steps import add_next_step
from trustcore.followup.reflections import REFLECTION_QUESTIONS
from trustcore.i18n import translator


def _joined(store, made):  # noqa: F811
    code = made.session.code
    ann = store.join(code, made.session.parties[0].id, "Ann")
    return code, ann


def _html(at) -> str:
    return "\n".join(str(getattr(e.proto, "body", "")) for e in at.get("html"))


def test_the_ranking_page_in_french_names_the_elements_in_french(store, made):  # noqa: F811
    code, ann = _joined(store, made)
    at = run(session=code, me=ann.token, lang="fr")
    shown = texts(at)
    assert "Votre lien personnel" in [e.label for e in at.expander]
    count = len(made.session.catalogue)
    assert f"Classez les {count} éléments par ordre d'importance **pour cette relation**" in shown
    assert "Put the" not in shown and "Your personal link" not in shown
    assert at.segmented_control(key="rank_mode").label == "Comment réordonner"
    assert [b.label for b in at.button if b.key == "submit_ranking"] == ["Envoyer mon classement"]
    top = at.text_input[0]
    french = made.session.catalogue.names_in("fr")
    first = list(store._start_order(store.participant(code, ann.token), 1))[0]
    assert top.label.replace("\\", "") == f"Pourquoi placer {french[first]} en tête\u202f?"  # plain(): escaped
    assert 'document.documentElement.lang = "fr"' in _html(at)

    at.button(key="submit_ranking").click().run()
    assert any("Votre classement est enregistré" in s.value for s in at.success)
    assert not any("Your ranking is stored" in s.value for s in at.success)


def test_the_ranking_page_in_spanish_with_move_buttons(store, made):  # noqa: F811
    code, ann = _joined(store, made)
    at = run(session=code, me=ann.token, lang="es")
    at.segmented_control(key="rank_mode").set_value("Move buttons").run()  # a stable code, worded in Spanish
    spanish = made.session.catalogue.names_in("es")
    me = store.participant(code, ann.token)
    down = at.button(key=f"rank:{code}:{me.id}:1:down:{list(store._start_order(me, 1))[0]}")
    first = list(store._start_order(me, 1))[0]
    assert down.label == f"Bajar {spanish[first]}"
    assert "Cada elemento tiene un botón para subirlo y otro para bajarlo." in texts(at)
    assert "Submit my ranking" not in [b.label for b in at.button]


def test_switching_language_mid_ranking_keeps_the_order_and_the_typed_reason(store, made):  # noqa: F811
    code, ann = _joined(store, made)
    me = store.participant(code, ann.token)
    at = run(session=code, me=ann.token)
    at.segmented_control(key="rank_mode").set_value("Move buttons").run()
    ids = made.session.catalogue.ids
    start = list(store._start_order(me, 1))
    at.button(key=f"rank:{code}:{me.id}:1:down:{start[0]}").click().run()
    moved = [start[1], start[0], *start[2:]]
    reason_key = f"rank:{code}:{me.id}:1:reason:{moved[0]}"
    at.text_input(key=reason_key).input("Le plus utile").run()

    language_box(at).set_value("fr").run()
    assert at.query_params["lang"] == "fr"
    assert at.segmented_control(key="rank_mode").value == "Move buttons"  # the mode survives too
    assert at.text_input(key=reason_key).value == "Le plus utile"
    assert at.text_input(key=reason_key).label.startswith("Pourquoi ")
    assert at.session_state[f"rank:{code}:{me.id}:1:order"] == moved
    assert sorted(moved) == sorted(ids)

    at.button(key="submit_ranking").click().run()
    stored = store._rankings(code)[0]
    assert list(stored.order) == moved and stored.reasons == {moved[0]: "Le plus utile"}


def test_next_steps_worksheet_and_reflect_in_french(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    ann = store.join(code, made.session.parties[0].id, "Ann")
    store.submit(code, ann.token, made.session.catalogue.ids, round_number=1)
    store.reveal(code, fac, round_number=1)
    add_next_step(store.open(code, fac), "privacy", "Write the policy")
    french = made.session.catalogue.names_in("fr")

    at = run(session=code, me=ann.token, lang="fr")
    at.switch_page("views/next_steps.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Prochaines étapes" in shown and "Next steps" not in shown
    labels = [e.label for e in at.expander]
    assert f"{french['privacy']} · 1 prochaine étape" in labels
    assert any(label.endswith("pas encore traité") for label in labels)
    assert "Action" in [a.label for a in at.text_area]
    status = next(s for s in at.selectbox if s.key and s.key.endswith(":status"))
    assert status.label == "Statut" and status.options == ["proposée", "convenue", "en cours", "terminée"]

    at.switch_page("views/worksheet.py").run()
    assert not at.exception
    shown = texts(at)
    assert "**E · Prochaines étapes**" in shown and "Stakeholder feedback" not in shown
    assert "Colonne B (mesures que nous prenons)" in [a.label for a in at.text_area]

    at.switch_page("views/reflect.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Classement à l'échelle de l'organisation" in shown and "Organisation-wide ranking" not in shown
    fr = translator("fr")
    questions = [a.label.replace("\\", "") for a in at.text_area if a.key and a.key.startswith("refl:")]
    assert questions == [fr.gettext(q) for q in REFLECTION_QUESTIONS.values()]
    assert all(q.endswith("\u202f?") for q in questions)


def test_next_steps_in_spanish(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    add_next_step(store.open(code, fac), "privacy", "Write the policy")
    at = run(session=code, admin=fac, lang="es")
    at.switch_page("views/next_steps.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Próximos pasos" in shown and "Every element has" not in shown
    assert "Añadir" in [b.label for b in at.button]


def test_the_worksheets_column_a_says_where_its_order_comes_from_in_the_readers_language(store, made):  # noqa: F811
    from trustcore.followup.agreed_order import agreed_order

    code, fac = made.session.code, made.facilitator_token
    view = store.open(code, fac)
    assert agreed_order(view)[1] == "catalogue order (no rankings yet)"
    assert agreed_order(view, t=translator("fr"))[1] == "l'ordre du catalogue (pas encore de classement)"
    for party in made.session.parties:
        store.submit(code, store.join(code, party.id).token, made.session.catalogue.ids, round_number=1)
    assert agreed_order(view, t=translator("es"))[1] == "consenso (Kemeny) de la ronda 1"
    at = run(session=code, admin=fac, lang="fr")
    at.switch_page("views/worksheet.py").run()
    assert "le consensus (Kemeny) du tour 1" in texts(at).replace("\\", "")  # escaped markdown
