"""trustcore.i18n: a translator per language, CLDR plural forms, locale numbers, language negotiation."""

from __future__ import annotations

import builtins
import threading

import pytest

from trustcore import i18n

ANSWERS = ("{element} {average} ({n} answer)", "{element} {average} ({n} answers)")

PLURALS = {
    "en": ["X 3.5 (0 answers)", "X 3.5 (1 answer)", "X 3.5 (2 answers)", "X 3.5 (1,000,000 answers)"],
    # French: 0 and 1 take the singular; a round million takes "de" (CLDR's "many")
    "fr": ["X 3,5 (0 réponse)", "X 3,5 (1 réponse)", "X 3,5 (2 réponses)", "X 3,5 (1\u202f000\u202f000 de réponses)"],
    # Spanish: 0 is plural; a round million takes "de" too
    "es": ["X 3,5 (0 respuestas)", "X 3,5 (1 respuesta)", "X 3,5 (2 respuestas)", "X 3,5 (1.000.000 de respuestas)"],
}


@pytest.mark.parametrize("lang", sorted(PLURALS))
def test_plural_forms_for_0_1_2_and_a_million(lang):
    t = i18n.translator(lang)
    got = [t.ngettext(*ANSWERS, n, element="X", average=t.decimal(3.5, 1)) for n in (0, 1, 2, 1_000_000)]
    assert got == PLURALS[lang]


@pytest.mark.parametrize(
    "lang, n, expected",
    [
        ("fr", 0, "A : X, et 0 autre a bougé"),
        ("fr", 2, "A : X, et 2 autres ont bougé"),
        ("es", 1, "A: X, y se movió 1 más"),
        ("es", 2_000_000, "A: X, y se movieron 2.000.000 más"),
    ],
)
def test_plural_forms_come_from_the_compiled_catalogue(lang, n, expected):
    t = i18n.translator(lang)
    message = "{party}: {shown}, and {n} more moved"
    assert t.ngettext(message, message, n, party="A", shown="X").replace("\u00a0", " ") == expected


def test_numbers_percentages_and_dates_follow_the_locale():
    import datetime as dt

    en, fr, es = (i18n.translator(code) for code in ("en", "fr", "es"))
    assert [t.decimal(-0.4567, 2) for t in (en, fr, es)] == ["-0.46", "-0,46", "-0,46"]
    assert en.percent(0.25) == "25%" and fr.percent(0.25) == "25\u00a0%" and es.percent(0.25) == "25\u00a0%"
    assert [t.number(12345) for t in (en, fr, es)] == ["12,345", "12\u202f345", "12.345"]
    day = dt.date(2026, 3, 5)
    assert (en.date(day, "long"), fr.date(day, "long"), es.date(day, "long")) == (
        "March 5, 2026",
        "5 mars 2026",
        "5 de marzo de 2026",
    )


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("es", "es"),
        ("ES-mx", "es"),
        ("en-GB", "en"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("de-CH, es;q=0.8, fr;q=0.9", "fr"),
        ("fr;q=0, es", "es"),
        ("nonsense;q=x", "en"),
    ],
)
def test_negotiate_picks_the_closest_supported_language(accept, expected):
    assert i18n.negotiate(accept) == expected


def test_negotiate_within_what_is_available():
    assert i18n.negotiate("fr-FR", ["en", "es"]) == "en"
    assert i18n.negotiate("fr-FR", ["fr", "es"]) == "fr"


def test_a_translator_per_call_two_languages_in_one_process_do_not_mix():
    """No process-wide state: two readers in two languages, at once, each get their own words."""
    message = "Choose your party first."
    expected = {"en": message, "fr": "Choisissez d'abord votre partie.", "es": "Primero elija su parte."}
    seen: dict[str, set[str]] = {code: set() for code in expected}
    barrier = threading.Barrier(3)

    def reader(code: str) -> None:
        barrier.wait()
        for _ in range(200):
            seen[code].add(i18n.translator(code).gettext(message))

    threads = [threading.Thread(target=reader, args=(code,)) for code in expected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {code: {text} for code, text in expected.items()}
    assert not hasattr(builtins, "_"), "nothing installs a process-wide gettext"
    assert i18n.ENGLISH.gettext(message) == message  # the default is untouched by the others


def test_named_placeholders_let_a_translation_reorder_its_values():
    fr = i18n.translator("fr")
    text = fr.gettext(
        "{party_a} puts {higher} above {lower}; {party_b} the reverse.",
        party_a="Port",
        higher="Qualité",
        lower="Éthique",
        party_b="Logistique",
    )
    assert text == "Port place Qualité au-dessus de Éthique\u202f; Logistique, l'inverse."


def test_an_unknown_language_or_message_falls_back_to_english():
    assert i18n.translator("de").locale == "en"
    assert i18n.translator("fr-BE").locale == "fr"
    assert i18n.translator("fr").gettext("A message nobody translated: {x}", x=3) == "A message nobody translated: 3"
