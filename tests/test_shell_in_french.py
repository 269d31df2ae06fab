"""The app's shell and its own pages in the reader's language (issue 23): the start page, a new session, My
sessions, privacy and the survey in French or Spanish from ``?lang=``; the language switcher at the top of every
page (an English-only page too), keeping what was typed; the navigation's titles, the link refusals, the outage,
sign-in and download messages; and the core's words these pages show (pseudonyms, the base URL, who may create)."""

from __future__ import annotations

import pytest
from test_pages import language_box, made, run, store, texts  # noqa: F401  (fixtures)
from test_signin_pages import ANA, app

from trustcore import anonymity, i18n, links, signin
from trustcore.errors import InvalidInput
from trustcore.model import Role

FR, ES = i18n.translator("fr"), i18n.translator("es")


def said(at) -> str:
    """What the page says, without markdown_escape's backslashes."""
    return texts(at).replace("\\", "")


def _html(at) -> str:
    return "\n".join(str(getattr(e.proto, "body", "")) for e in at.get("html"))


def test_the_start_page_in_french_with_its_switcher_and_html_lang(store):  # noqa: F811
    at = run(lang="fr")
    shown = said(at)
    assert "Classez ensemble ce qui rend la gestion des données digne de confiance" in shown
    assert "Rejoindre une session" in shown and "Animer un atelier" in shown
    assert "Co-rank what makes data stewardship trustworthy" not in shown and "Join a session" not in shown
    assert at.text_input(key="home_code").label == "Code de session"
    assert 'document.documentElement.lang = "fr"' in _html(at)
    assert language_box(at).value == "fr"
    assert language_box(at).label == "Langue"

    at.text_input(key="home_code").input("nonsense").run()
    at.button[0].click().run()
    assert [e.value for e in at.error] == [
        "Ce n'est pas un code de session\u00a0: un code compte 14 lettres et chiffres, comme abcd-efgh-jkmn-pq."
    ]


def test_the_switcher_is_on_every_page_and_keeps_the_language_in_the_tabs_links(store, made):  # noqa: F811
    at = run(session=made.session.code, admin=made.facilitator_token)  # the console: not one of this file's pages
    assert language_box(at).value == "en"
    language_box(at).set_value("es").run()
    assert at.query_params["lang"] == "es" and at.query_params["admin"] == made.facilitator_token
    at.switch_page("views/privacy.py").run()
    assert "Privacidad" in said(at) and "**Quién ve qué:**" in said(at)
    assert 'document.documentElement.lang = "es"' in _html(at)
    assert [s.key for s in at.selectbox] == [language_box(at).key]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_language_box_is_drawn_with_the_tabs_language_as_its_default(store, lang):  # noqa: F811
    # A browser that draws the box afresh (it missed the run that set its value) shows the default and sends it
    # back with the next click: with English as the default, a French page turned English on a save.
    at = run(lang=lang)
    box = language_box(at)
    assert box.options[box.proto.default] == i18n.NAMES[lang]
    box.set_value("en").run()
    box = language_box(at)
    assert box.value == "en" and box.options[box.proto.default] == "English"


def test_the_join_page_draws_one_switcher_not_two(store, made):  # noqa: F811
    at = run(session=made.session.code, lang="fr")
    assert [s.key for s in at.selectbox] == [language_box(at).key]


def test_a_new_session_in_french_keeps_what_was_typed_when_the_language_changes(store):  # noqa: F811
    at = run(lang="fr")
    at.switch_page("views/create.py").run()
    shown = said(at)
    assert "Nouvelle session de classement commun" in shown and "New co-ranking session" not in shown
    assert at.text_input(key="session_title").label == "Titre de la session"
    assert at.text_input(key="party_name_1").label == "Partie 2"
    assert [a.label for a in at.radio] == ["Éléments à classer", "Qui voit les noms des personnes"]
    at.text_input(key="session_title").input("Port et logistique")
    at.text_input(key="party_name_0").input("Port")
    at.button[0].click().run()  # sent without a second party: refused, so what was typed is the widgets' value
    assert store.sessions() == [] and at.error
    language_box(at).set_value("es").run()
    assert at.text_input(key="session_title").label == "Título de la sesión"
    assert at.text_input(key="session_title").value == "Port et logistique"
    assert at.text_input(key="party_name_0").value == "Port"
    at.text_input(key="party_name_1").input("Logística")
    at.button[0].click().run()
    assert "La sesión está lista." in said(at)
    assert [s.title for s in store.sessions()] == ["Port et logistique"]


def test_an_upload_chosen_without_a_file_is_refused_in_spanish(store):  # noqa: F811
    at = run(lang="es")
    at.switch_page("views/create.py").run()
    at.text_input(key="party_name_0").input("A")
    at.text_input(key="party_name_1").input("B")
    at.radio(key="element_source").set_value("upload")
    at.button[0].click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Elija el archivo con su lista de elementos, o use los diez elementos del ODI."
    ]
    assert store.sessions() == []


def test_link_refusals_are_said_in_the_readers_language(store, made):  # noqa: F811
    at = run(session=made.session.code, admin="x" * 24, lang="fr")
    assert "Ce lien facilitateur n'est pas valide" in said(at)
    at = run(session="abcdefghjkmnpq", lang="es")
    assert "Ninguna sesión tiene este código" in said(at)
    assert "Unirse a una sesión" in said(at)
    at = run(workspace="1", org="nope", lang="fr")
    assert "Ce lien d'espace d'organisation n'est pas valide" in said(at)


def test_the_survey_in_spanish_and_its_thanks_counted(store, made):  # noqa: F811
    from trustcore.followup.survey import feedback, new_survey_link

    code = made.session.code
    survey = new_survey_link(store.open(code, made.facilitator_token))
    at = run(session=code, survey=survey, lang="es")
    shown = said(at)
    assert "Encuesta a las partes interesadas" in shown and "Stakeholder survey" not in shown
    assert "**En general**: considerándolo todo, ¿hasta qué punto puede confiar datos a CityBus?" in shown
    first = made.session.catalogue.ids[0]
    trust = at.radio(key=f"{first}:trust")
    assert trust.label == "¿Hasta qué punto puede confiar en CityBus aquí?"
    assert trust.options == ["1 · Nada", "2 · Un poco", "3 · Algo", "4 · En gran parte", "5 · Completamente"]
    assert at.radio(key=f"{first}:expectations").options == ["Sí", "En parte", "No"]
    trust.set_value(4)
    at.button[0].click().run()
    assert "Gracias: sus respuestas se han guardado (1 respondida)." in said(at)
    assert [a.trust for a in feedback(store.open(code, made.facilitator_token))] == [4]


def test_the_survey_pages_trust_words_are_the_cores():
    import ast
    from pathlib import Path

    from trustcore.followup import survey

    source = (Path(__file__).resolve().parents[1] / "views" / "survey.py").read_text()
    marked = next(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "TRUST_WORDS"
    )
    assert [call.args[0].value for call in marked.elts] == list(survey.TRUST_SCALE.values())


def test_my_sessions_in_french(store):  # noqa: F811
    owned = store.create_session("Port", ["A", "B"], owner=ANA)
    at = app(ANA, lang="fr")
    at.switch_page("views/my_sessions.py").run()
    shown = said(at)
    assert "Mes sessions" in shown and "Connecté en tant que ana@\u2060example.org" in shown
    assert "tour 1 ouvert · 0 sur 0 envoyé · 0 tour révélé · 0 prochaine étape ouverte" in shown  # French: 0 is one
    assert "round 1 open" not in shown
    assert [b.label for b in at.button if b.key == f"open_{owned.session.code}"] == ["Ouvrir la console"]


def test_a_server_without_sign_in_says_so_in_french(store):  # noqa: F811
    at = run(lang="fr")
    at.switch_page("views/my_sessions.py").run()
    assert any(i.value.startswith("Ce serveur n'a pas de connexion configurée") for i in at.info)


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        ("fr", ["Accueil", "Nouvelle session", "Organisation", "Confidentialité"]),
        ("es", ["Inicio", "Nueva sesión", "Organización", "Privacidad"]),
    ],
)
def test_the_navigation_titles_are_in_the_tabs_language(lang, titles, monkeypatch):
    import streamlit as st

    from ui import navigation

    pages: list[dict] = []
    monkeypatch.setattr(navigation, "_made", {})
    monkeypatch.setattr(st, "Page", lambda *a, **k: pages.append(k) or k)  # no script run needed
    navigation.pages_for(Role.VISITOR, i18n.translator(lang))
    shown = [k["title"] for k in pages if k.get("visibility") == "visible"]
    assert shown == titles
    assert navigation._made.keys() == {(Role.VISITOR, lang)}  # each language its own titles


def test_pseudonyms_are_worded_for_the_reader():
    assert anonymity.pseudonyms([7, 3]) == {3: "Participant 1", 7: "Participant 2"}
    assert anonymity.pseudonyms([7, 3], ES) == {3: "Participante 1", 7: "Participante 2"}
    assert anonymity.pseudonyms([1], FR) == {1: "Participant 1"}


def test_a_base_url_that_is_not_valid_is_explained_in_each_language():
    with pytest.raises(InvalidInput) as caught:
        links.base_url("ftp://x.org")
    assert str(caught.value).startswith("The base URL 'ftp://x.org' must be an http:// or https:// address")
    assert caught.value.translated(FR).startswith("L'URL de base 'ftp://x.org' doit être une adresse http://")
    assert caught.value.translated(ES).startswith("La URL base 'ftp://x.org' debe ser una dirección http://")


def test_who_may_create_is_said_in_each_language():
    listed = signin.CreateRule("list", frozenset({"ana@example.org"}))
    refused = signin.may_create(listed, "bob@example.org")
    assert refused.worded() == refused.why
    assert refused.worded(FR).startswith("Sur ce serveur, seuls les facilitateurs inscrits")
    assert "bob@example.org n'en fait pas partie" in refused.worded(FR)
    nobody = signin.may_create(signin.CreateRule(signin.SIGNED_IN), None)
    assert nobody.worded(ES) == (
        "En este servidor solo los facilitadores que han iniciado sesión pueden crear sesiones. "
        "Inicie sesión para crear una."
    )


def test_the_outage_message_in_each_language():
    from ui import outage

    assert outage.message() == "The session's database is not answering. Keep this page open, we will retry."
    assert outage.message(True, FR).startswith("La base de données de la session ne répond pas.")
    assert "aún no se ha guardado" in outage.message(False, ES)
