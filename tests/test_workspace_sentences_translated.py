"""The organisation workspace's sentence builders in each language: a relationship's agreement over time, the
map's annotation of a relationship, the map in words and its SVG (title, legend, arrows, roles), a flow
described, and Column A's source on the internal worksheet. English stays what it was."""

from __future__ import annotations

import html
from datetime import date

import pytest

from trustcore import ecosystem_svg, i18n
from trustcore import internal_worksheet as iw
from trustcore import relationships as rel
from trustcore import workspace as ws
from trustcore.ecosystem import Actor, EcosystemMap, Flow

FR, ES, EN = i18n.translator("fr"), i18n.translator("es"), i18n.ENGLISH
NB = "\u00a0"


def _relationship() -> rel.Relationship:
    def session(title, day, value, label):
        agreement = rel.Agreement(1, 2, rel.TAU_B, value, label, "")
        return rel.RelationshipSession(title, f"{day}T10:00:00", "Acme", ("Acme", "CityBus"), 1, (agreement,), ())

    return rel.Relationship(
        "citybus",
        "CityBus",
        (
            session("Bus 2026", "2026-03-02", -0.2, "weak disagreement"),
            session("Bus 2027", "2027-03-01", 0.8, "very strong agreement"),
        ),
    )


def test_agreement_over_time_in_words_in_each_language():
    r = _relationship()
    assert rel.in_words(r) == (
        "Over 2 revealed rounds, agreement went from weak disagreement (Kendall τ-b = -0.20) in Bus 2026 "
        "(2026-03-02), round 1 to very strong agreement (Kendall τ-b = 0.80) in Bus 2027 (2027-03-01), round 1."
    )
    fr = rel.in_words(r, FR)
    assert fr.startswith("Sur 2 tours révélés, l'accord est passé de désaccord faible (τ-b de Kendall = -0,20)")
    assert "Bus 2026 (2 mars 2026), tour 1" in fr and "(τ-b de Kendall = 0,80)" in fr
    es = rel.in_words(r, ES)
    assert es.startswith("En 2 rondas reveladas, el acuerdo pasó de")
    assert "(τ-b de Kendall = 0,80) en Bus 2027 (1 mar 2027), ronda 1." in es
    empty = rel.Relationship("x", "X", ())
    assert rel.in_words(empty, FR).startswith("Aucun tour des sessions de cette relation")


@pytest.mark.parametrize(
    ("t", "one", "several"),
    [
        (
            EN,
            "Very strong agreement (Kendall τ-b = 0.80) · 1 open next step",
            "No revealed agreement yet · 3 open next steps (2 overdue)",
        ),
        (
            FR,
            "Accord très fort (τ-b de Kendall = 0,80) · 1 prochaine étape ouverte",
            "Aucun accord révélé pour l'instant · 3 prochaines étapes ouvertes (2 en retard)",
        ),
        (
            ES,
            "Acuerdo muy fuerte (τ-b de Kendall = 0,80) · 1 próximo paso abierto",
            "Todavía no hay acuerdo revelado · 3 próximos pasos abiertos (2 con retraso)",
        ),
    ],
)
def test_the_map_annotation_in_each_language(t, one, several):
    latest = _relationship().latest
    assert rel.annotation(rel.Summary("CityBus", latest, 1, 0), t) == one
    assert rel.annotation(rel.Summary("CityBus", None, 3, 2), t) == several


def _map() -> EcosystemMap:
    actors = (
        Actor(1, "Acme", "organisation", "steward", True, False, 1),
        Actor(2, "Riders", "people", "", False, False, 1),
        Actor(3, "CityBus", "organisation", "reuser", False, False, 1),
    )
    flows = (Flow(1, 1, 3, "data", "timetables", False, 1), Flow(2, 2, 1, "money", "", False, 1))
    return EcosystemMap("Acme", actors, flows)


def test_the_map_in_words_and_its_svg_in_french():
    m = _map()
    notes = {"citybus": rel.annotation(rel.Summary("CityBus", None, 1, 0), FR)}
    words = ecosystem_svg.summary(m, notes, FR)
    assert words.startswith("3 acteurs et 2 flux. Acme est l'organisation, au centre.")
    assert f"Acme → CityBus{NB}: données (timetables)." in words and f"Riders → Acme{NB}: argent." in words
    assert f"CityBus{NB}: Aucun accord révélé pour l'instant · 1 prochaine étape ouverte." in words
    svg = html.unescape(str(ecosystem_svg.svg(m, notes, t=FR)))
    assert f"Acme{NB}: carte de l'écosystème de données" in svg and 'lang="fr"' in svg
    for shown in (">Flux<", ">Acteurs<", ">Groupe de personnes<", ">Technologie<", ">Gestionnaire<", ">Réutilisateur<"):
        assert shown in svg, shown
    assert f"Données{NB}: timetables" in svg and ">Argent<" in svg
    assert "Bordure épaisse" in svg
    for english in ("data ecosystem map", ">Flows<", ">Actors<", "Group of people", "Thick border", ">Steward<"):
        assert english not in svg, english


def test_the_map_in_words_in_spanish_and_english():
    m = _map()
    assert ecosystem_svg.summary(m, t=ES).startswith("3 actores y 2 flujos. Acme es la organización, en el centro.")
    assert m.describe(m.flows[0], ES) == "Acme → CityBus: datos (timetables)"
    assert m.describe(m.flows[0]) == "Acme → CityBus: data (timetables)"
    assert ecosystem_svg.summary(EcosystemMap("Acme", (), ()), t=ES) == "Todavía no hay nada en el mapa."
    one = EcosystemMap("Acme", m.actors[:1], ())
    assert ecosystem_svg.summary(one).startswith("1 actor and 0 flows.")  # one actor, not "1 actors"


def test_column_a_of_the_internal_worksheet_in_each_language(store):
    org = ws.create_workspace(store, "Acme")
    wview = store.open_workspace(org.workspace.id, org.token)
    assert iw.build(wview, FR).order_source.startswith("les éléments dans leur ordre par défaut")
    ids = list(iw.build(wview).rows[i].element_id for i in range(3))
    ws.set_ranking(wview, list(reversed([r.element_id for r in iw.build(wview).rows])))
    day = date.fromisoformat(ws.rankings(wview)[-1].entered_at[:10])
    assert iw.build(wview, ES).order_source == (
        f"los elementos en el orden de la clasificación de la organización (versión 1, {ES.date(day)})"
    )
    assert iw.build(wview).order_source.startswith(
        "the elements in the order of the organisation-wide ranking (version 1, 2"
    )
    rows = iw.build(wview, FR).rows
    assert rows[-1].element_id == ids[0]
    assert rows[-1].element != iw.build(wview).rows[-1].element  # the element's name in French
