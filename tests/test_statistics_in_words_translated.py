"""The statistics in words, in English, French and Spanish: the headline and the agenda sentences for two and
three parties, built from named placeholders (a translation reorders them) with each language's numbers."""

from __future__ import annotations

import pytest

from trustcore import analysis, i18n, results, wording

NAMES = {"a": "Alpha", "b": "Beta", "c": "Gamma", "d": "Delta"}
TWO = {"Port": ["a", "b", "c", "d"], "Logis": ["b", "a", "d", "c"]}
THREE = TWO | {"City": ["d", "c", "b", "a"]}
NBSP, NNBSP = "\u00a0", "\u202f"

HEADLINES = {
    ("en", 2): "Moderate agreement: Kendall τ-b = 0.33, Spearman ρ = 0.60 (2 of 6 element pairs ordered differently)."
    " Biggest difference: Port puts Alpha above Beta; Logis the reverse.",
    ("fr", 2): f"Accord modéré{NBSP}: τ-b de Kendall = 0,33, ρ de Spearman = 0,60 (2 paires d'éléments sur 6 ordonnées"
    f" différemment). Plus grande différence{NBSP}: Port place Alpha au-dessus de Beta{NNBSP}; Logis, l'inverse.",
    ("es", 2): "Acuerdo moderado: τ-b de Kendall = 0,33, ρ de Spearman = 0,60 (2 de 6 pares de elementos en orden"
    " distinto). Mayor diferencia: Port pone Alpha por encima de Beta; Logis, al revés.",
    ("en", 3): "Weak agreement among 3 parties: Kendall's W = 0.11 (p = 0.909). Most contested: Alpha (ranked from 1"
    " to 4).",
    ("fr", 3): f"Accord faible entre 3 parties{NBSP}: W de Kendall = 0,11 (p = 0,909). Le plus disputé{NBSP}: Alpha"
    " (classé de 1 à 4).",
    ("es", 3): "Acuerdo débil entre 3 partes: W de Kendall = 0,11 (p = 0,909). El más disputado: Alpha (clasificado"
    " del 1 al 4).",
}


@pytest.mark.parametrize("lang, parties", sorted(HEADLINES))
def test_the_headline_in_each_language_for_two_and_three_parties(lang, parties):
    orders = TWO if parties == 2 else THREE
    assert results.headline(orders, NAMES, t=i18n.translator(lang)).text == HEADLINES[(lang, parties)]


AGENDA = {  # the first talking point of two parties, and of three (where Port and City differ most)
    ("en", 2): "Port puts Alpha above Beta; Logis the reverse.",
    ("fr", 2): f"Port place Alpha au-dessus de Beta{NNBSP}; Logis, l'inverse.",
    ("es", 2): "Port pone Alpha por encima de Beta; Logis, al revés.",
    ("en", 3): "Port puts Alpha above Delta; City the reverse.",
    ("fr", 3): f"Port place Alpha au-dessus de Delta{NNBSP}; City, l'inverse.",
    ("es", 3): "Port pone Alpha por encima de Delta; City, al revés.",
}


@pytest.mark.parametrize("lang, parties", sorted(AGENDA))
def test_agenda_sentences_in_each_language_for_two_and_three_parties(lang, parties):
    orders = TWO if parties == 2 else THREE
    agenda = analysis.discussion_agenda({p: list(o) for p, o in orders.items()}, NAMES)
    assert agenda[0].sentence(NAMES, i18n.translator(lang)) == AGENDA[(lang, parties)]


def test_a_rounds_results_give_the_headline_and_agenda_in_the_readers_language_with_its_element_names(tmp_path):
    from trustcore.store import Store

    store = Store(tmp_path / "words.db").initialise()
    made = store.create_session("Words", ["Port", "Logis"])
    code, ids = made.session.code, list(made.session.catalogue.ids)
    for party, order in zip(made.session.parties, (ids, ids[::-1])):
        store.submit(code, store.join(code, party.id).token, order, round_number=1)
    session = store._session(code)
    res = results.round_results(session, store._rankings(code), 1)
    fr, names = i18n.translator("fr"), session.catalogue.names_in("fr")
    french = res.headline_in(fr, names)
    assert french.text.startswith(f"Désaccord très fort (ordres presque inversés){NBSP}: τ-b de Kendall = -1,00")
    assert names[ids[0]] in french.text and names[ids[0]] != session.catalogue.names[ids[0]]  # French names
    assert res.headline_in() is res.headline  # English: the one computed with the results
    assert res.agenda_text(0, 1, fr, names).startswith("• Port place ")
    assert res.agenda_text(0, 1) == "• " + res.agenda[0].text  # English, as before


def test_english_stays_the_default_for_every_caller():
    assert results.headline(TWO, NAMES).text == HEADLINES[("en", 2)]
    assert wording.agreement_label(-0.8) == "very strong disagreement (orders nearly reversed)"
    assert wording.agreement_label(-0.8, t=i18n.translator("es")) == "desacuerdo muy fuerte (órdenes casi invertidos)"
