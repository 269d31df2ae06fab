"""The worksheet's Column D line (``FeedbackSummary.text_in``) in each language: the same numbers, worded in
the reader's language with its plurals, decimal sign and answer words; English unchanged (``text``)."""

from __future__ import annotations

import pytest

from trustcore.i18n import translator
from trustcore.worksheet import FeedbackSummary

SUMMARY = FeedbackSummary(
    answers=4,
    mean_trust=3.5,
    trust_counts={3: 2, 4: 2},
    expectations={"yes": 2, "partly": 1},
    evidence={"unsure": 1},
    comments=(("Ann", "Good"),),
)


def test_the_english_line_is_unchanged():
    assert (
        SUMMARY.text
        == "trust 3.5/5 (4 answers) · expectations met: yes 2, partly 1 · evidence helped: unsure 1 · 1 comment"
    )
    assert SUMMARY.text_in(translator("en")) == SUMMARY.text
    assert FeedbackSummary().text == "no feedback yet"


@pytest.mark.parametrize(
    ("lang", "expected", "empty"),
    [
        (
            "fr",
            "confiance 3,5/5 (4\u00a0réponses) · attentes satisfaites\u00a0: oui 2, en partie 1 · "
            "preuves utiles\u00a0: incertain 1 · 1\u00a0commentaire",
            "aucun retour pour l'instant",
        ),
        (
            "es",
            "confianza 3,5/5 (4 respuestas) · expectativas cumplidas: sí 2, en parte 1 · pruebas útiles: no sabe 1 · "
            "1 comentario",
            "aún sin opiniones",
        ),
    ],
)
def test_the_line_in_french_and_spanish(lang, expected, empty):
    t = translator(lang)
    assert SUMMARY.text_in(t) == expected
    assert FeedbackSummary().text_in(t) == empty
    assert FeedbackSummary(answers=2).text_in(t) == ("2\u00a0réponses" if lang == "fr" else "2 respuestas")
