"""Exports are written in the language of the person who downloads them (issue 23): the workbook and the
report in French or Spanish, each language its own shared build (``trustcore.shelf``'s key), while the
CSVs keep their contract (column names and values) in every language.

The world is ``test_download_sharing``'s room: three parties, a revealed round, internal entries."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from test_download_sharing import _room

from trustcore import documents, export, i18n, report, shelf, workbook
from trustcore.followup import survey_documents
from trustcore.followup.next_steps import add_next_step

FR, ES = i18n.translator("fr"), i18n.translator("es")


@pytest.fixture(autouse=True)
def _empty_shelf():
    shelf.SHELF.clear()
    yield
    shelf.SHELF.clear()


def _doc(store, code, token, kind, lang):
    return next(d for d in documents.offered(store.open(code, token), lang=lang) if d.key == kind)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.sqlite_only  # the wording does not depend on the engine
def test_a_french_workbook_has_french_sheet_names_headers_and_words(store):
    code, fac, _ = _room(store)
    view = store.open(code, fac)
    add_next_step(view, view.session.catalogue.ids[0], "Publier l'AIPD", owner_party_id=view.session.parties[0].id)
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(code, fac), t=FR)))
    assert book.sheetnames == [
        "Classements",
        "Comparaison",
        "Statistiques",
        "Feuille de travail",
        "Prochaines étapes",
        "Retours",
        "Raisons",
    ]
    headers = [c.value for c in next(book["Classements"].iter_rows(max_row=1))]
    assert headers[:5] == ["Code de session", "Session", "Tour", "Partie", "Participant"]
    assert "Envoyé (UTC)" in headers
    comparison = [c.value for c in next(book["Comparaison"].iter_rows(max_row=1))]
    assert "Rang (Alpha)" in comparison and "Rang moyen" in comparison
    statistics = {row[1] for row in book["Statistiques"].iter_rows(min_row=2, values_only=True)}
    assert {"parties ayant classé", "W de Kendall", "degrés de liberté"} <= statistics
    sheet = [c.value for c in next(book["Feuille de travail"].iter_rows(max_row=1))]
    assert sheet[:2] == ["A\u00a0: position", "A\u00a0: élément"]
    # the element names are the catalogue's French ones
    french = view.session.catalogue.names_in("fr")
    ranked = {row[6] for row in book["Classements"].iter_rows(min_row=2, values_only=True)}
    assert ranked == set(french.values()) and ranked != set(view.session.catalogue.names.values())
    steps = [c.value for c in next(book["Prochaines étapes"].iter_rows(max_row=1))]
    assert "Échéance" in steps and "Responsable (partie)" in steps
    everything = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    for english in ("Kendall's W", "degrees of freedom", "Column A order", "Submitted (UTC)", "Rankings"):
        assert english not in everything


@pytest.mark.sqlite_only
def test_a_spanish_report_is_marked_spanish_and_headed_in_spanish(store):
    code, fac, _ = _room(store)
    page = report.session_report(store.open(code, fac), shareable=True, t=ES)
    assert re.search(r'<html lang="es">', page)
    text = _text(page)
    for heading in ("Partes", "Ronda 1", "Agenda de discusión", "Orden de consenso", "Próximos pasos acordados"):
        assert f">{heading}<" in page.replace("\n", ""), heading
    assert "Hoja de mapeo de la confiabilidad" in text and "Cómo se calcula" in text
    for english in ("Discussion agenda", "Consensus order", "Agreed next steps", "How this is computed", "Parties<"):
        assert english not in page
    # the statistics in words and the element names are Spanish too
    names = store.open(code, fac).session.catalogue.names_in("es")
    assert any(name in text for name in names.values())
    assert "above" not in text.split("Cómo se calcula")[0]  # the agenda's sentences ("puts X above Y")


def test_an_english_report_is_unchanged_in_kind(store):
    code, fac, _ = _room(store)
    page = report.session_report(store.open(code, fac), shareable=True)
    assert '<html lang="en">' in page and ">Discussion agenda<" in page


@pytest.mark.sqlite_only
def test_each_language_of_a_class_of_reader_gets_its_own_build_of_a_worded_file(store):
    code, fac, people = _room(store)
    alpha = people["Alpha"]
    before = shelf.SHELF.builds
    english = _doc(store, code, alpha[0], "workbook", "en").build()
    french = _doc(store, code, alpha[1], "workbook", "fr").build()
    assert shelf.SHELF.builds - before == 2  # one class, two languages: two builds
    again = _doc(store, code, alpha[2], "workbook", "fr").build()
    assert shelf.SHELF.builds - before == 2  # a second French reader of the class reads the French one
    assert again == french and english != french
    assert openpyxl.load_workbook(io.BytesIO(french)).sheetnames[0] == "Classements"
    assert openpyxl.load_workbook(io.BytesIO(english)).sheetnames[0] == "Rankings"
    es = _doc(store, code, alpha[0], "report", "es").build().decode()
    en = _doc(store, code, alpha[1], "report", "en").build().decode()
    assert '<html lang="es">' in es and '<html lang="en">' in en


def test_the_shelf_key_holds_the_language_of_a_worded_file_only(store):
    code, fac, _ = _room(store)
    view = store.open(code, fac)
    needs = documents.KINDS["workbook"].needs
    assert shelf.key(view, "workbook", needs, lang="fr") != shelf.key(view, "workbook", needs, lang="en")
    assert shelf.key(view, "workbook", needs, lang="fr") == shelf.key(view, "workbook", needs, lang="fr")
    assert [k for k, kind in documents.KINDS.items() if not kind.worded] == [
        "results",
        "comparison",
        "next-steps",
        "feedback",
        "archive",
    ]


@pytest.mark.sqlite_only
def test_the_csv_contract_is_the_same_in_french(store):
    code, fac, people = _room(store)
    view = store.open(code, fac)
    add_next_step(view, view.session.catalogue.ids[0], "Publish the DPIA", owner_party_id=view.session.parties[0].id)
    before = shelf.SHELF.builds
    for kind, columns in (
        ("results", export.RESULTS_COLUMNS),
        ("next-steps", export.NEXT_STEPS_COLUMNS),
        ("feedback", export.FEEDBACK_COLUMNS),
    ):
        french = _doc(store, code, fac, kind, "fr").build()
        english = _doc(store, code, fac, kind, "en").build()
        assert french == english  # the same bytes: codes, names and column names
        header = next(csv.reader(io.StringIO(french.decode("utf-8-sig"))))
        assert tuple(header) == columns
    comparison = _doc(store, code, fac, "comparison", "fr")
    header = next(csv.reader(io.StringIO(comparison.build().decode("utf-8-sig"))))
    assert header[:3] == ["round", "element_id", "element"] and "mean_rank" in header
    assert shelf.SHELF.builds - before == 4  # one build per CSV, whatever the language
    assert comparison.label == "Comparaison CSV (tour 1)"  # the button's label is the reader's


@pytest.mark.sqlite_only
def test_the_labels_of_the_downloads_follow_the_language(store):
    code, fac, _ = _room(store)
    view = store.open(code, fac)
    labels = {d.key: d.label for d in documents.offered(view, lang="es")}
    assert labels["workbook"] == "Libro de Excel (completo)"
    assert labels["report-shareable"] == "Informe imprimible (para compartir)"
    assert all(d.file_name.isascii() for d in documents.offered(view, lang="fr"))


@pytest.mark.sqlite_only
def test_the_worksheet_shared_with_the_survey_is_in_the_readers_language(store):
    code, fac, _ = _room(store)
    page = survey_documents.html(store.open(code, fac), t=FR)
    assert '<html lang="fr">' in page
    assert "Feuille de travail de la relation" in page and "Mesures que nous prenons" in page
    assert "Relationship worksheet" not in page and "Steps we take" not in page
    session = store.open(code, fac).session
    shown = survey_documents.shared(store.open(code, fac))
    assert survey_documents.intro(session, shown, ES).startswith("Para cada elemento")
    assert "les mesures qu'elle prend et comment elle le montre" in survey_documents.intro(session, shown, FR)


@pytest.mark.sqlite_only
def test_column_d_of_a_french_workbook_is_in_french(store):
    from trustcore.followup.survey import new_survey_link, submit_feedback

    code, fac, _ = _room(store)
    first = store.open(code, fac).session.catalogue.ids[0]
    survey = new_survey_link(store.open(code, fac))
    submit_feedback(store.open(code, survey), "Rita", {first: {"trust": 4}, None: {"trust": 2}})
    book = openpyxl.load_workbook(io.BytesIO(workbook.session_workbook(store.open(code, fac), t=FR)))
    column_d = " ".join(str(c) for row in book["Feuille de travail"].iter_rows(values_only=True) for c in row if c)
    assert "1\u00a0réponse" in column_d and "1 answer" not in column_d
    assert "of round 1" not in column_d  # where Column A's order comes from, in French too
