"""A refusal's message is a msgid with named parameters, said in the reader's language where it is shown
(``TrustcoreError.translated``); ``str(exc)`` stays the English text for logs and the CLI."""

from __future__ import annotations

import pytest

from trustcore import i18n
from trustcore.catalogue import parse
from trustcore.errors import CatalogueError, InvalidInput, NotAllowedNow, NotFound
from trustcore.i18n import N_
from trustcore.store import JOINING_CLOSED, SESSION_FULL, UNKNOWN_CODE


def test_a_marked_message_with_named_parameters_is_translated_when_shown():
    exc = NotAllowedNow(SESSION_FULL, cap=1500)
    assert str(exc) == (
        "This session is full: it takes at most 1500 participants. Ask the facilitator to raise the limit."
    )
    assert exc.translated(i18n.translator("es")) == (
        "Esta sesión está completa: admite como máximo 1.500 participantes. Pida al facilitador que aumente el límite."
    )
    assert exc.translated(i18n.translator("fr")).startswith("Cette session est complète\u00a0: elle accueille au plus")
    assert exc.translated() == str(exc)


def test_a_message_built_as_a_finished_string_is_shown_as_it_is():
    exc = InvalidInput(f"A ranking must put all {10} elements in order.")
    assert exc.translated(i18n.translator("fr")) == str(exc)


def test_the_core_raises_the_join_refusals_as_msgids(store):
    made = store.create_session("Words", ["A", "B"])
    with pytest.raises(NotFound) as unknown:
        store.open("NOSUCHCODE", None)
    assert unknown.value.msgid == UNKNOWN_CODE
    assert unknown.value.translated(i18n.translator("fr")).startswith("Aucune session n'a ce code.")
    view = store.open(made.session.code, None)
    with pytest.raises(InvalidInput) as wrong_party:
        view.join(9999, "Ann")
    assert wrong_party.value.translated(i18n.translator("es")) == "Elija una de las partes de esta sesión."
    from trustcore.joining import set_joining

    set_joining(store.open(made.session.code, made.facilitator_token), open=False)
    with pytest.raises(NotAllowedNow) as closed:
        store.open(made.session.code, None).join(made.session.parties[0].id, "Ann")
    assert closed.value.msgid == JOINING_CLOSED
    assert closed.value.translated(i18n.translator("es")).startswith("Esta sesión ya no admite participantes")


def test_a_catalogues_problems_come_under_a_translated_header():
    with pytest.raises(CatalogueError) as refused:
        parse("id,name\na,A\n", "x.csv")
    assert str(refused.value).startswith("The element catalogue has problems:\n- ")
    assert refused.value.translated(i18n.translator("fr")).startswith(
        "Le catalogue d'éléments a des problèmes\u00a0:\n- "
    )


def test_N_marks_without_translating():
    assert N_("Anything") == "Anything"
