"""Element names and descriptions per language, with a fallback to the catalogue's own; the upload format's
translation columns (name_fr, description_fr) and their limits; the shipped catalogue in French and Spanish."""

from __future__ import annotations

import json

import pytest

from trustcore import catalogue
from trustcore.errors import CatalogueError

CSV = """id,name,description,name_fr,description_fr
quality,Quality,Data fit for use,Qualité,Des données adaptées à leur usage
privacy,Privacy,People protected,,
ethics,Ethics,Principles kept,Éthique,
"""


def test_a_missing_translation_falls_back_to_the_catalogues_own_wording():
    cat = catalogue.parse(CSV, "mine.csv")
    assert cat.languages == ["en", "fr"]
    assert cat.names_in("fr") == {"quality": "Qualité", "privacy": "Privacy", "ethics": "Éthique"}
    assert cat.descriptions_in("fr") == {
        "quality": "Des données adaptées à leur usage",
        "privacy": "People protected",
        "ethics": "Principles kept",
    }
    assert cat.names_in("es") == cat.names == cat.names_in(None)  # no Spanish at all: the catalogue's own
    assert cat["quality"].name == "Quality"  # the catalogue's own name is unchanged


def test_translations_survive_the_sessions_stored_copy():
    cat = catalogue.parse(CSV, "mine.csv")
    again = catalogue.Catalogue.from_json(cat.to_json())
    assert again == cat
    assert json.loads(cat.to_json())["elements"][0]["name_fr"] == "Qualité"


def test_a_catalogue_stored_before_translations_reads_as_it_did():
    old = json.dumps({"source": "s", "elements": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]})
    cat = catalogue.Catalogue.from_json(old)
    assert cat.languages == ["en"] and cat.names_in("fr") == {"a": "A", "b": "B"}
    assert "translations" not in cat.to_json()


def test_json_uploads_carry_translations_and_their_own_language():
    data = {
        "language": "fr",
        "elements": [
            {"id": "a", "name": "Qualité", "name_en": "Quality", "description_en": "Fit for use"},
            {"id": "b", "name": "Éthique"},
        ],
    }
    cat = catalogue.parse(json.dumps(data), "mine.json")
    assert cat.language == "fr" and cat.languages == ["fr", "en"]
    assert cat.names_in("en") == {"a": "Quality", "b": "Éthique"}
    assert catalogue.Catalogue.from_json(cat.to_json()) == cat


@pytest.mark.parametrize(
    "text, problem",
    [
        (
            "id,name,name_fr\na,A," + "x" * 81 + "\nb,B,\n",
            "element 1: name_fr is 81 characters long, at most 80",
        ),
        (
            "id,name,description_es\na,A," + "x" * 501 + "\nb,B,\n",
            "element 1: description_es is 501 characters long, at most 500",
        ),
        ("id,name,name_fr\na,A,Même\nb,B,même\n", "element 2: name_fr 'même' is used again (first by element 1)"),
        ("id,name,name_en\na,A,A2\nb,B,B2\n", "repeat the catalogue's own language (en)"),
        (
            "id,name,"
            + ",".join(f"name_{c}" for c in ("aa ab ac ad ae af ag ah ai aj ak al am".split()))
            + "\na,A\nb,B\n",
            "translations into more than 12 languages; at most 12",
        ),
    ],
)
def test_translation_columns_have_limits_and_each_problem_is_said(text, problem):
    with pytest.raises(CatalogueError) as refused:
        catalogue.parse(text, "mine.csv")
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_a_json_catalogues_language_must_be_a_language_code():
    with pytest.raises(CatalogueError, match="must be a language code"):
        catalogue.parse(json.dumps({"language": "French!", "elements": []}), "x.json")


def test_other_columns_are_ignored_as_before():
    cat = catalogue.parse("id,name,name_long,notes\na,A,Long A,n\nb,B,Long B,n\n", "x.csv")
    assert cat.languages == ["en"]


def test_the_shipped_catalogue_is_in_french_and_spanish_every_element_translated():
    cat = catalogue.default()
    assert cat.languages == ["en", "es", "fr"]
    for lang in ("fr", "es"):
        names, descriptions = cat.names_in(lang), cat.descriptions_in(lang)
        for element in cat.elements:
            assert names[element.id] and names[element.id] != element.name, (lang, element.id)
            assert descriptions[element.id] != element.description, (lang, element.id)
        assert len(set(names.values())) == len(cat)
    assert cat.names_in("fr")["privacy"] == "Vie privée et sécurité"
    assert cat.names_in("es")["privacy"] == "Privacidad y seguridad"
    assert "not the guidebook's wording" in catalogue.TRANSLATION_NOTE
