"""The comparison and the presenter screen drawn in the reader's language (``?lang=fr`` / ``?lang=es``):
their headings, captions, headline, tables and charts translated, and the English sentences gone."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest
from test_pages import APP, language_box, made, run, store, texts  # noqa: F401  (fixtures)

from trustcore.presenter import new_presenter_link, show_agenda_item

ENGLISH_SENTENCES = (
    "Side by side, most contested first",
    "Discussion agenda",
    "Consensus order",
    "Why they ranked it there",
    "How this is computed",
    "ranked it",
    "agreement:",
)


def _submit_all(store, made):  # noqa: F811
    s = made.session
    ids = list(s.catalogue.ids)
    for i, party in enumerate(s.parties):
        joined = store.join(s.code, party.id, f"P{i}")
        store.submit(
            s.code, joined.token, ids if i == 0 else ids[::-1], {e: f"raison {i}" for e in ids}, round_number=1
        )


def _compare(code: str, token: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["session"], at.query_params["admin"], at.query_params["lang"] = code, token, lang
    at.switch_page("views/compare.py").run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def test_the_comparison_in_french(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    at = _compare(code, fac, "fr")
    assert "La comparaison reste cachée" not in texts(at)  # the facilitator sees it before the reveal
    _submit_all(store, made)
    store.reveal(code, fac, round_number=1)
    at = _compare(code, fac, "fr")
    page = texts(at)
    subheaders = [h.value for h in at.subheader]
    assert subheaders[0].startswith("Désaccord très fort")  # the headline, worded in French
    for heading in ("Côte à côte, les plus disputés d'abord", "Ordre du jour de la discussion", "Ordre de consensus"):
        assert heading in subheaders
    assert "Pourquoi ils l'ont classé là" in subheaders
    assert "Tour 1" in page and "Comparaison" in page
    for sentence in ENGLISH_SENTENCES:
        assert sentence not in page, sentence
    html = _html(at)
    assert "Rang moyen" in html and "Impact actif et positif" in html and "Mean rank" not in html
    assert [t.label for t in at.tabs] == ["Divergence", "Carte de chaleur", "Accord", "Écart"]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["title"]["text"] == "rang (1 = le plus important)"
    assert any("Impact actif et positif" in t.value for t in at.text)  # the agenda names the elements in French
    assert any(e.label == "Comment c'est calculé" for e in at.expander)
    assert language_box(at).value == "fr"


def test_the_comparison_in_spanish_and_back_to_english_with_the_same_round(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    _submit_all(store, made)
    store.reveal(code, fac, round_number=1)
    at = _compare(code, fac, "es")
    subheaders = [h.value for h in at.subheader]
    assert "En paralelo, los más disputados primero" in subheaders and "Agenda de discusión" in subheaders
    assert "Posición media" in _html(at)
    for sentence in ENGLISH_SENTENCES:
        assert sentence not in texts(at), sentence
    at.session_state["compare_chart"] = "Mapa de calor"  # the heatmap's tab, chosen in Spanish
    at.run()
    assert "heatmap" in at.get("plotly_chart")[0].proto.id
    language_box(at).set_value("en").run()
    assert not at.exception, at.exception
    assert "Side by side, most contested first" in [h.value for h in at.subheader]
    assert "heatmap" in at.get("plotly_chart")[0].proto.id  # the same chart stays open in English
    assert at.query_params["lang"] == "en"


def test_the_presenter_screen_in_french(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    shown = new_presenter_link(store.open(code, fac))
    at = run(session=code, presenter=shown, lang="fr")
    page = texts(at)
    assert "Rejoignez la session par le lien de partage ou avec le code" in page
    assert "CityBus\u00a0\\: 0 sur 0 a soumis" in page  # the colon escaped as markdown, as every text
    assert "submitted" not in page
    _submit_all(store, made)
    store.reveal(code, fac, round_number=1)
    show_agenda_item(store.open(code, fac), 1)
    at = run(session=code, presenter=shown, lang="fr")
    page = texts(at)
    assert "Ordre du jour de la discussion\u00a0: point 2 sur" in page
    assert "Désaccord très fort" in page and "Discussion agenda" not in page
    assert any("l'a classé" in m.value.replace("\\", "") for m in at.markdown)  # the reasons, in French
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["title"]["text"] == "rang (1 = le plus important)"
    caption = " ".join(c.value for c in at.caption)
    assert "tableau comparatif" not in caption and "tabla" not in caption  # no pointer to a table not shown
