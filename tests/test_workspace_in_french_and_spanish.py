"""The organisation workspace drawn in the reader's language (AppTest, no browser): its tabs, the ranking, the
internal worksheet, the ecosystem map (its SVG's legend and title, the map in words, the forms) and the
relationships (tables, annotation, Column E's filter) in French from ``?lang=fr`` and in Spanish; a change of
language keeps the open tab and what the filter has chosen."""

from __future__ import annotations

import html

from test_ecosystem_map_page import _maps
from test_pages import language_box, run, store, texts  # noqa: F401  (fixtures)
from test_workspace_relationships_tab import _frames, _linked

from trustcore import catalogue, ecosystem
from trustcore import workspace as ws
from trustcore.followup.next_steps import add_next_step


def _world(store):  # noqa: F811
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    first = _linked(store, wview, "Bus 2026", "CityBus", lambda ids: list(reversed(ids)))
    _linked(store, wview, "Bus 2027", "CityBus", lambda ids: ids)
    add_next_step(
        store.open(first.session.code, first.facilitator_token), "privacy", "Publish a DPIA", due="2020-01-31"
    )
    us = ecosystem.add_actor(wview, "Acme", "organisation", role="steward", organisation=True)
    bus = ecosystem.add_actor(wview, "CityBus", "organisation", role="reuser")
    ecosystem.add_flow(wview, us.id, bus.id, "data", label="timetables")
    return org


def _svg(at) -> str:
    return html.unescape("\n".join(_maps(at)))


def test_the_workspace_in_french(store):  # noqa: F811
    org = _world(store)
    at = run(workspace=str(org.workspace.id), org=org.token, lang="fr")
    shown = texts(at).replace("\\", "")
    assert [t.label for t in at.tabs] == [
        "Classement (activité 1)",
        "Feuille de travail interne (activité 2)",
        "Carte de l'écosystème (activité 4)",
        "Relations",
        "Téléchargements et lien",
    ]
    assert "· créé le" in shown
    assert "Pas encore de classement de l'organisation" in shown  # Activity 1
    assert "Colonne A\u00a0: les éléments dans leur ordre par défaut" in shown  # Activity 2
    assert "Relations sur la carte" in shown and "Acme → CityBus\u00a0: données (timetables)" in shown  # the map
    assert "Sur 2 tours révélés, l'accord est passé de" in shown  # the relationships' chart in words
    svg = _svg(at)
    assert "Acme\u00a0: carte de l'écosystème de données" in svg and ">Flux<" in svg and ">Acteurs<" in svg
    assert "Groupe de personnes" in svg and "Données\u00a0: timetables" in svg and "Gestionnaire" in svg
    sessions = _frames(at)[0]
    assert list(sessions.columns)[:3] == ["Session", "Date", "Tours tenus"]
    assert list(sessions["Statistique"]) == ["τ-b de Kendall = -1,00", "τ-b de Kendall = 1,00"]
    steps = _frames(at)[-1]
    assert list(zip(steps["État"], steps["Prochaine étape"])) == [("en retard", "Publish a DPIA")]
    assert at.selectbox(key="map:actor:new:kind").label == "Type"
    assert [at.selectbox(key="map:actor:new:kind").format_func(k) for k in ecosystem.KINDS] == [
        "Organisation",
        "Groupe de personnes",
        "Technologie",
    ]
    for english in (
        "Relationships on the map",
        "No organisation-wide ranking yet",
        "Column A:",
        "agreement went from",
        "open next step",
        "Next steps across relationships",
        "The map in words",
    ):
        assert english not in shown, english
    assert "data ecosystem map" not in svg and ">Flows<" not in svg and "Group of people" not in svg


def test_the_workspace_in_spanish_and_a_switch_keeps_the_filter_and_the_open_tab(store):  # noqa: F811
    org = _world(store)
    at = run(workspace=str(org.workspace.id), org=org.token, lang="es")
    shown = texts(at).replace("\\", "")
    assert at.tabs[2].label == "Mapa del ecosistema (actividad 4)"
    assert "Relaciones en el mapa" in shown and "Acme → CityBus: datos (timetables)" in shown
    assert "Próximos pasos de todas las relaciones (columna E)" in shown
    assert "1 próximo paso abierto (1 con retraso)" in shown  # the map's annotation of CityBus
    assert "Relationships on the map" not in shown and "open next step" not in shown
    assert "Acme: mapa del ecosistema de datos" in _svg(at)

    at.button_group(key="rel:filter").set_value(["done"]).run()  # a stable code, whatever the language
    at.session_state["workspace:part"] = "Relaciones"  # as a click on the Relationships tab leaves it
    at.run()
    language_box(at).set_value("fr").run()
    assert not at.exception, at.exception
    assert at.query_params["lang"] == "fr"
    assert at.button_group(key="rel:filter").value == ["done"]  # what was chosen survives the switch
    assert at.session_state["workspace:part"] == "Relations"  # the same tab stays open, in French
    assert "Relations sur la carte" in texts(at).replace("\\", "")


def test_the_workspace_ranking_input_names_the_elements_in_the_readers_language(store, monkeypatch):  # noqa: F811
    from ui import ranking

    drawn: list[list[str]] = []

    def sortable(items, **_):
        drawn.append(list(items))
        return items

    monkeypatch.setattr(ranking, "sort_items", sortable)
    org = _world(store)
    run(workspace=str(org.workspace.id), org=org.token, lang="fr")
    french = set(catalogue.default().names_in("fr").values())
    assert drawn and all(set(items) == french for items in drawn)
