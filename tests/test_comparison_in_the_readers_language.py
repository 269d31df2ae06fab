"""The comparison's charts, tables, presenter screen and report charts in the reader's language (issue 23):
French and Spanish words, the locale's numbers, the element names in that language, and the shared results
computed once for every language (only their wording is per language)."""

from __future__ import annotations

import json

from trustcore import charts, i18n, presenter, report_charts, tables
from trustcore.presenter import new_presenter_link
from trustcore.results import RoundsComparison, round_results
from ui import cached

FR, ES = i18n.translator("fr"), i18n.translator("es")
PHONE_REM = (390 - 2 * 16) / 16  # as tests/test_tables_fit_a_phone.py


def _revealed(store, parties=("CityBus", "Council")):
    made = store.create_session("Langues", list(parties))
    s = made.session
    ids = list(s.catalogue.ids)
    orders = (ids, ids[::-1], ids[3:] + ids[:3])
    for i, party in enumerate(s.parties):
        joined = store.join(s.code, party.id, f"P{i}")
        store.submit(s.code, joined.token, orders[i], {ids[0]: f"parce que {i}"}, round_number=1)
    store.reveal(s.code, made.facilitator_token, round_number=1)
    return made


def _results(store, made):
    s = store._session(made.session.code)
    return s, round_results(s, store._rankings(s.code, 1), 1)


def test_the_side_by_side_table_speaks_french_with_french_element_names_and_decimal_commas(store):
    s, res = _results(store, _revealed(store))
    names = s.catalogue.names_in("fr")
    table = tables.side_by_side(res, FR, names)
    assert table.caption == "Côte à côte, les plus disputés d'abord"
    assert table.headers == ("Élément", "CityBus", "Council", "Rang moyen", "Écart", "É.-T.")
    assert {row[0] for row in table.rows} == set(names.values())
    assert all("," in row[3] and "." not in row[3] for row in table.rows)  # the mean rank: 5,5 in French
    assert "Rang moyen" in table.html and "Mean rank" not in table.html
    assert 'attr(data-label) "\u00a0: "' in table.html  # a card's "Rang moyen : 5,5", French typography
    # the card threshold is computed from the French words: it still turns into cards on a phone
    assert table.narrow_below > PHONE_REM
    assert tables.side_by_side(res).headers[-3:] == ("Mean rank", "Spread", "SD")  # English stays the default


def test_every_comparison_table_is_worded_in_spanish(store):
    s, res = _results(store, _revealed(store, ("Alpha", "Beta", "Gamma")))
    names = s.catalogue.names_in("es")
    consensus = tables.consensus(res, names, ES)
    assert consensus.caption == "Orden de consenso" and consensus.headers[0] == "Posición"
    assert consensus.rows[0][1] in names.values()
    assert tables.elements(s.catalogue, ES).headers == ("Elemento", "Lo que abarca")
    assert tables.elements(s.catalogue, ES).rows[0][0] == s.catalogue.elements[0].name_in("es")
    moved = RoundsComparison(
        trend=None,
        previous=1,
        latest=2,
        before={},
        after={},
        stability={"Alpha": 0.4},  # type: ignore[arg-type]
    )
    stability = tables.stability(moved, ES)
    assert stability.caption == "De la ronda 1 a la ronda 2"
    assert stability.rows == (("Alpha", "0,40", "acuerdo moderado"),)


def test_the_charts_carry_their_axes_hover_and_numbers_in_the_readers_language(store):
    s, res = _results(store, _revealed(store))
    div = res.divergence_in(s.catalogue.names_in("fr"))
    fig = charts.dumbbell(div, t=FR)
    spec = json.loads(fig.to_json())
    assert spec["layout"]["xaxis"]["title"]["text"] == "rang (1 = le plus important)"
    assert spec["layout"]["separators"] == ",\u202f"  # plotly's own numbers: decimal comma, narrow space groups
    assert "rang %{x}" in spec["data"][1]["hovertemplate"] and "rank" not in spec["data"][1]["hovertemplate"]
    assert s.catalogue.names_in("fr")[div.rows[0].element_id] in json.dumps(spec, ensure_ascii=False)
    heat = json.loads(charts.agreement_heatmap(res.agreement, t=ES).to_json())
    assert any("," in cell for line in heat["data"][0]["text"] for cell in line if cell)  # "-1,00"
    assert "frente a" in json.dumps(heat, ensure_ascii=False)
    empty = json.loads(charts.empty_figure(t=ES).to_json())
    assert empty["layout"]["annotations"][0]["text"] == "Todavía no hay nada que comparar"
    spread = json.loads(charts.spread_bar(div, FR).to_json())
    assert spread["layout"]["xaxis"]["title"]["text"] == "écart (rang le plus haut − le plus bas)"
    assert charts.dumbbell(res.divergence).layout.xaxis.title.text == "rank (1 = most important)"


def test_the_reports_charts_are_drawn_in_the_readers_language(store):
    s, res = _results(store, _revealed(store))
    svg = report_charts.dumbbell(res.divergence, t=FR)
    assert "rang (1 = le plus important)" in svg and "most important" not in svg
    import pandas as pd

    trend = pd.DataFrame({"round": [1, 2], "kendalls_w": [0.2, 0.6]})
    rounds = report_charts.rounds_chart(trend, t=ES)
    assert ">ronda<" in rounds and ">acuerdo<" in rounds and "W de Kendall (todas las partes)" in rounds
    assert "-0,5" in rounds  # the y axis in the locale's numbers
    assert "Todavía no hay nada que comparar" in report_charts.empty(t=ES)
    assert ">round<" in report_charts.rounds_chart(trend)  # English by default


def test_the_presenter_screen_words_the_headline_agenda_and_reasons_in_french(store):
    made = _revealed(store)
    code = made.session.code
    view = store.open(code, new_presenter_link(store.open(code, made.facilitator_token)))
    screen = presenter.screen(view, t=FR)
    assert screen.revealed and screen.agenda
    english = presenter.screen(view)
    assert screen.headline.startswith("Désaccord très fort") and "τ-b de Kendall = -1,00" in screen.headline
    assert english.headline.startswith("Very strong disagreement")
    names_fr = made.session.catalogue.names_in("fr")
    assert " place " in screen.agenda[0] or "au-dessus" in screen.agenda[0]
    assert any(name in screen.agenda[0] for name in names_fr.values())
    assert screen.reasons and all("l'a classé" in line and "ranked it" not in line for line in screen.reasons)


def test_worded_caches_are_kept_per_language_and_the_results_computed_once(store, monkeypatch):
    """Nothing worded in one language is served to another; the statistics are computed once per round and
    reader class whatever the readers' languages."""
    made = _revealed(store)
    code = made.session.code
    from trustcore import view as view_mod

    computed = []
    real = view_mod.round_results
    monkeypatch.setattr(view_mod, "round_results", lambda *a: computed.append(a) or real(*a))
    participant = store.open(code, made.facilitator_token)  # any reader: the room shares the same numbers
    marker = store._change_marker(code)
    by_lang = {lang: cached.comparison_tables(participant, 1, marker, lang) for lang in ("en", "fr", "es")}
    drawn = {lang: cached.comparison_charts(participant, 1, marker, lang) for lang in ("en", "fr", "es")}
    assert by_lang["en"].side_by_side.caption == "Side by side, most contested first"
    assert by_lang["fr"].side_by_side.caption == "Côte à côte, les plus disputés d'abord"
    assert by_lang["es"].side_by_side.caption == "En paralelo, los más disputados primero"
    assert "au-dessus" in by_lang["fr"].agenda_top or "place" in by_lang["fr"].agenda_top

    def axis(lang: str) -> str:
        return json.loads(drawn[lang]["divergence"].spec)["layout"]["xaxis"]["title"]["text"]

    assert (axis("en"), axis("fr"), axis("es")) == (
        "rank (1 = most important)",
        "rang (1 = le plus important)",
        "posición (1 = la más importante)",
    )
    assert "Les plus disputés" in drawn["fr"]["divergence"].summary
    assert len(computed) <= 1  # the numbers: once for the room, whichever languages read them
    assert cached.comparison_tables(participant, 1, marker, "fr") is by_lang["fr"]  # shared within a language
