"""The organisation workspace's workbook and printable report are written in the language of the person who
downloads them (issue 23), as the session's are: sheet names, headers, our words and the element names in
French or Spanish, the download labels too; the file names stay the same ASCII in every language, and English
stays the default (tests/test_workspace_exports.py)."""

from __future__ import annotations

import io

import openpyxl
from workspace_sample import INTERNAL_B, SHARED_B, sample

from trustcore import catalogue, documents, i18n, workspace_report, workspace_workbook

FR, ES = i18n.translator("fr"), i18n.translator("es")


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_french_workspace_workbook_names_its_sheets_and_headers_in_french(store):
    found = sample(store)
    book = _book(workspace_workbook.workspace_workbook(found.wview, t=FR))
    assert book.sheetnames == [
        "À propos",
        "Classement",
        "Versions du classement",
        "Feuille de travail",
        "Relations",
        "Accord",
        "Prochaines étapes",
        "Acteurs de la carte",
        "Flux de la carte",
    ]
    cells = {sh.title: list(sh.iter_rows(values_only=True)) for sh in book.worksheets}
    assert cells["À propos"][0] == ("À propos", "Valeur") and ("Organisation", "Acme Data") in cells["À propos"]
    assert cells["Classement"][0][:3] == ("Rang (actuel)", "Élément", "Identifiant de l'élément")
    assert cells["Classement"][0][3].startswith("Version 2")
    french = set(catalogue.default().names_in("fr").values())
    assert {row[1] for row in cells["Classement"][1:]} <= french  # the element names in French
    assert cells["Feuille de travail"][0] == (
        "A\u00a0: position",
        "A\u00a0: élément",
        "B\u00a0: mesures que nous prenons",
        "C\u00a0: comment nous le démontrons",
    )
    assert "[interne] " + INTERNAL_B in cells["Feuille de travail"][1]
    assert SHARED_B in cells["Feuille de travail"][2]
    assert cells["Relations"][0][:3] == ("Partenaire", "Sessions", "Dernier accord")
    assert [row[0] for row in cells["Prochaines étapes"][1:]] == ["En cours", "En retard", "Terminées"]
    assert {row[3] for row in cells["Prochaines étapes"][1:]} == {"Vie privée et sécurité"}  # its element
    assert cells["Acteurs de la carte"][0][0] == "Acteur" and cells["Acteurs de la carte"][1][3] == "oui"
    assert book["Classement"].oddFooter.center.text == FR.gettext("Page {page}", page="&P")
    english = {*workspace_workbook.SHEETS, "Rank (current)", "Partner", "Open", "Overdue", "[internal] "}
    text = {str(v) for sh in book.worksheets for row in sh.iter_rows(values_only=True) for v in row if v}
    assert not english & text


def test_a_spanish_workspace_report_is_in_spanish(store):
    found = sample(store)
    for shareable in (False, True):
        page = workspace_report.workspace_report(found.wview, shareable=shareable, t=ES)
        assert '<html lang="es">' in page
        for heading in (
            "Clasificación de toda la organización (actividad 1)",
            "Hoja de trabajo interna (actividad 2)",
            "<h2>Relaciones</h2>",
            "Próximos pasos de todas las relaciones (columna E)",
            "Mapa del ecosistema de datos (actividad 4)",
            "Índice",
        ):
            assert heading in page, heading
        assert ("Versión para compartir" in page) is shareable
        assert any(name in page for name in catalogue.default().names_in("es").values())
        assert "Privacidad y seguridad" in page and ES.gettext("proposed") in page  # a next step's element, status
        for english in (
            "Organisation-wide ranking (Activity 1)",
            "Internal worksheet (Activity 2)",
            "Next steps across the relationships",
            "Shareable version",
            "Full version",
            "Latest agreement",
            "Privacy and security",
            '<html lang="en">',
        ):
            assert english not in page, english
    assert '<span class="tag">interno</span>' in workspace_report.workspace_report(found.wview, t=ES)


def test_the_workspace_downloads_are_labelled_in_the_readers_language_with_the_same_file_names(store):
    found = sample(store)
    english = documents.workspace_offered(found.wview)
    french = documents.workspace_offered(found.wview, lang="fr")
    assert [d.file_name for d in french] == [d.file_name for d in english]
    assert all(d.file_name.isascii() for d in french)
    assert [d.label for d in french] == [
        "Classeur Excel (complet)",
        "Classeur Excel (partageable)",
        FR.gettext("Printable report (full)"),
        FR.gettext("Printable report (shareable)"),
        "Espace de travail entier (archive JSON)",
    ]
    assert _book(french[0].build()).sheetnames[0] == "À propos"  # the file the French button builds
    assert '<html lang="fr">' in french[2].build().decode()


def test_where_column_a_comes_from_is_said_in_the_readers_language(store):
    found = sample(store)
    book = _book(workspace_workbook.workspace_workbook(found.wview, t=FR))
    text = " ".join(str(v) for sh in book.worksheets for row in sh.iter_rows(values_only=True) for v in row if v)
    assert "les éléments dans l'ordre du classement de l'organisation (version 2" in text
    assert "the order of the organisation-wide ranking" not in text
