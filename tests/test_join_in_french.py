"""The join page, the first page drawn in the reader's language: French from ``?lang=fr`` (the browser's
locale otherwise), kept through joining into the personal link, with ``<html lang>`` set and the core's
refusals in French too."""

from __future__ import annotations

from test_pages import language_box, made, run, store, texts  # noqa: F401  (fixtures)

from trustcore.joining import set_joining


def _html(at) -> str:
    return "\n".join(str(getattr(e.proto, "body", "")) for e in at.get("html"))


def test_the_join_page_in_french_and_the_personal_link_keeps_the_language(store, made):  # noqa: F811
    code = made.session.code
    at = run(session=code, lang="fr")
    assert at.radio[0].label == "Pour quelle partie classez-vous\u202f?"
    assert "Vous êtes invité à classer les éléments" in texts(at)
    assert "Noms visibles\u00a0: Tout le monde dans cette session voit qui a classé quoi" in texts(at)
    assert "Tour 1" in texts(at)
    assert at.text_input[0].label == "Votre nom (facultatif)"
    assert 'document.documentElement.lang = "fr"' in _html(at)
    assert language_box(at).value == "fr"

    at.button[0].click().run()  # no party chosen
    assert [e.value for e in at.error] == ["Choisissez d'abord votre partie."]

    at.radio[0].set_value(made.session.parties[0].id)
    at.button[0].click().run()
    assert at.query_params["me"] and at.query_params["lang"] == "fr"  # the personal link remembers it


def test_the_language_switcher_changes_the_page_and_keeps_what_was_chosen(store, made):  # noqa: F811
    at = run(session=made.session.code)
    assert at.radio[0].label == "Which party are you ranking for?"  # no ?lang= and no browser locale: English
    assert "document.documentElement.lang" not in _html(at)  # English: as Streamlit serves it (<html lang="en">)
    at.text_input[0].input("Zoë")
    at.button[0].click().run()  # the form is sent (no party yet: refused), so the name is the widget's value
    language_box(at).set_value("es").run()
    assert at.radio[0].label == "¿En nombre de qué parte clasifica?"
    assert at.text_input(key="join_name").value == "Zoë"  # a stable key: what was typed survives the switch
    assert at.query_params["lang"] == "es"
    assert 'document.documentElement.lang = "es"' in _html(at)


def test_a_closed_session_and_a_full_one_say_so_in_the_readers_language(store, made):  # noqa: F811
    code = made.session.code
    facilitator = store.open(code, made.facilitator_token)
    set_joining(facilitator, open=True, cap=2)
    store.join(code, made.session.parties[0].id, "Ann")
    store.join(code, made.session.parties[1].id, "Bob")
    at = run(session=code, lang="fr")
    at.radio[0].set_value(made.session.parties[0].id)
    at.button[0].click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [  # shown as text: markdown_escape's backslashes
        "Cette session est complète\u00a0: elle accueille au plus 2 participants. "
        "Demandez au facilitateur de relever la limite."
    ]
    set_joining(facilitator, open=False)
    at = run(session=code, lang="es")
    assert any(i.value.startswith("Esta sesión ya no admite participantes") for i in at.info)


def test_the_personal_link_carries_the_chosen_language():
    from trustcore import links

    assert links.participant_link("https://x.org", "ABC", "tok", "fr") == "https://x.org/?session=ABC&me=tok&lang=fr"
    assert links.participant_link("https://x.org", "ABC", "tok") == "https://x.org/?session=ABC&me=tok"


def test_markdown_escape_keeps_the_non_breaking_spaces_of_french_typography():
    from trustcore.text import markdown_escape

    assert markdown_escape(" Complète\u00a0: oui\u202f?\n ok ") == "Complète\u00a0\\: oui\u202f? ok"
