"""Every refusal of the core is said in the reader's language (``exc.translated(t)``), its values filled in,
while ``str(exc)`` stays the English text that logs, the command line and the English tests read."""

from __future__ import annotations

import re

import pytest

from trustcore import analysis, anonymity, catalogue, i18n, limits, links, reasons, round_timer, signin, text, uploads
from trustcore.errors import NotAllowedNow, TrustcoreError
from trustcore.followup import common, survey, survey_documents
from trustcore.model import Round
from trustcore.store import rows, sessions

FRENCH, SPANISH = i18n.translator("fr"), i18n.translator("es")
CAT = catalogue.default()
# English words that neither a French nor a Spanish sentence holds: one of them means English was left
ENGLISH = re.compile(r"\b(the|must|is|not|your|this|with|has|was|one of|choose|cannot|already|given)\b", re.I)


def _raised(call) -> TrustcoreError:
    with pytest.raises(TrustcoreError) as refused:
        call()
    return refused.value


def _catalogue_problems():
    return catalogue.parse("id,name,level\nBad Id,,9\nb,B,1\n", "x.csv")


def _window():
    window = limits.SlidingWindow(1, 60, limits.JOINS.message, clock=lambda: 0.0)
    window.admit("here")
    window.admit("here")


# (module, call that raises, its English text, a piece of the French text, a piece of the Spanish text)
CASES = [
    (
        "text",
        lambda: text.clean_line("", field=i18n.N_("The title")),
        "The title cannot be empty.",
        "Le titre ne",
        "El título:",
    ),
    (
        "text",
        lambda: text.clean_text("x" * 3, field=i18n.N_("The flows"), max_len=2),
        "The flows is too long: 3 characters, at most 2.",
        "Les flux\u00a0: 3 caractères",
        "Los flujos: 3 caracteres",
    ),
    (
        "reasons",
        lambda: reasons.clean({CAT.ids[0]: "y" * 300}, CAT),
        f"The reason for {CAT.names[CAT.ids[0]]} is too long: 300 characters, at most 280.",
        f"La raison pour {CAT[CAT.ids[0]].name_in('fr')}\u00a0: 300 caractères",  # the element's French name
        f"La razón para {CAT[CAT.ids[0]].name_in('es')}: 300 caracteres",
    ),
    ("reasons", lambda: reasons.clean({"nope": "x"}, CAT), None, "Une raison a été donnée", "Se dio una razón"),
    (
        "catalogue",
        _catalogue_problems,
        None,
        "élément 1\u00a0: l'id 'Bad Id' doit compter",
        "elemento 1: el nivel '9' debe",
    ),
    (
        "catalogue",
        lambda: catalogue.parse(b"x", "list.txt"),
        "The element catalogue has problems:\n- unsupported file type '.txt': use .csv or .json",
        "type de fichier non pris en charge '.txt'",
        "tipo de archivo no admitido '.txt'",
    ),
    (
        "catalogue",
        lambda: catalogue.validate_order(list(CAT.ids[:-1]) + ["zzz"], CAT),
        f"A ranking must put all {len(CAT)} elements in order, each once (unknown element(s): zzz; "
        f"missing: {CAT.ids[-1]}).",
        f"éléments inconnus\u00a0: zzz\u202f; manquants\u00a0: {CAT.ids[-1]}",
        f"elementos desconocidos: zzz; faltan: {CAT.ids[-1]}",
    ),
    (
        "uploads",
        lambda: uploads.parse_baseline_csv("rank,element_id\n1,nope\nx,privacy\n", CAT),
        None,
        "ligne 2\u00a0: aucun élément n'a l'id ou le nom 'nope'",
        "línea 3: la posición 'x' no es un número entero",
    ),
    (
        "uploads",
        lambda: uploads.parse_baseline_csv("", CAT),
        None,
        "est vide",
        "está vacía",
    ),
    (
        "limits",
        lambda: limits.RANKINGS.check(10_000),
        None,
        "déjà 10\u202f000 classements",
        "ya contiene 10.000 clasificaciones",
    ),
    (
        "limits",
        _window,
        "Too many people have joined from your network in the last minute (1, the most one address may add). "
        "Please try again in 60 seconds.",
        "Réessayez dans 60 secondes.",
        "Vuelva a intentarlo dentro de 60 segundos.",
    ),
    ("analysis", lambda: analysis.kendalls_w([]), None, "Pas encore de classement", "Todavía no hay clasificaciones"),
    (
        "anonymity",
        lambda: anonymity.parse("whatever"),
        None,
        "Choisissez qui voit les noms",
        "Elija quién ve los nombres",
    ),
    ("signin", lambda: signin.parse_email("nobody"), None, "cofacilitateur", "cofacilitador"),
    ("links", lambda: links.base_url("ftp://x"), None, "L'URL de base 'ftp://x'", "La URL base 'ftp://x'"),
    (
        "round_timer",
        lambda: round_timer._seconds("soon", what=i18n.N_("An extension")),
        "An extension needs a number of minutes.",
        "Une prolongation\u00a0: indiquez",
        "Una prórroga: indique",
    ),
    (
        "round_timer",
        lambda: round_timer._seconds(10**9),
        "The timer must be between 1 second and 3 hours.",
        "Le minuteur\u00a0: la durée",
        "El temporizador: la duración",
    ),
    (
        "store.rows",
        lambda: rows.check_round(3, 2),
        "Round 3 was already opened from another window, so round 2 is no longer current: nothing was changed. "
        "The page now shows round 3.",
        "Le tour 3 a déjà été ouvert",
        "La ronda 3 ya se abrió",
    ),
    (
        "store.sessions",
        lambda: sessions._parse_parties(["A", "a"]),
        "Two parties are called 'a': give each party its own name.",
        "Deux parties s'appellent 'a'",
        "Dos partes se llaman 'a'",
    ),
    (
        "store.sessions",
        lambda: sessions._parse_parties(["A", "x" * 100]),
        "Party 2's name is too long: 100 characters, at most 80.",
        "Le nom de la partie 2\u00a0: 100 caractères",
        "El nombre de la parte 2: 100 caracteres",
    ),
    (
        "followup.common",
        lambda: common._ExpectedVersion.of("2", new_allowed=False),
        "The version to edit must be a whole number from 1.",
        "La version à modifier",
        "La versión que se edita",
    ),
    (
        "followup.survey",
        lambda: survey._answer(_session(), None, {"expectations": "maybe"}),
        None,
        "Si nos mesures répondent à vos attentes (la question générale)\u00a0:",
        "Si nuestras medidas responden a sus expectativas (la pregunta general):",
    ),
    (
        "followup.survey_documents",
        lambda: survey_documents.check_version(_session(), 5, field="privacy"),
        None,
        "Rechargez la page.",
        "Vuelva a cargar la página.",
    ),
]


def _session():
    from trustcore.model import Party, Session

    return Session(
        id=1,
        code="ABCD",
        title="T",
        our_org="",
        partner_org="",
        flows="",
        blind=True,
        current_round=1,
        catalogue=CAT,
        created_at="2026-01-01T00:00:00Z",
        parties=(Party(1, 0, "A"), Party(2, 1, "B")),
        rounds=(Round(1, "2026-01-01T00:00:00Z"),),
    )


@pytest.mark.parametrize(
    ("module", "call", "english", "french", "spanish"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_refusal_is_said_in_french_and_spanish_with_its_values_filled_in(module, call, english, french, spanish):
    exc = _raised(call)
    if english is not None:
        assert str(exc) == english
    assert exc.translated() == str(exc) == exc.translated(i18n.ENGLISH)
    for t, piece in ((FRENCH, french), (SPANISH, spanish)):
        said = exc.translated(t)
        assert piece in said, said
        assert said != str(exc)
        assert "{" not in said and "}" not in said, said
        assert not ENGLISH.search(said), said


def test_a_message_handed_on_as_a_reason_keeps_its_translation():
    refused = signin.may_create(signin.parse_rule("ana@example.org"), "bob@example.org")
    exc = NotAllowedNow(refused.why)
    assert str(exc) == refused.why and "bob@example.org is not one of them" in str(exc)
    assert "bob@example.org n'en fait pas partie" in exc.translated(FRENCH)


def test_counts_and_numbers_take_the_readers_plural_and_grouping():
    from trustcore.errors import Number, Plural

    assert str(Plural.ngettext("{n} second", "{n} seconds", 1)) == "1 second"
    assert Plural.ngettext("{n} second", "{n} seconds", 1).translated(FRENCH) == "1 seconde"
    assert Plural.ngettext("{n} minute", "{n} minutes", 2).translated(SPANISH) == "2 minutos"
    assert str(Number(10_000)) == "10,000" and Number(10_000).translated(SPANISH) == "10.000"


def _said_in_both(exc: TrustcoreError, french: str, spanish: str) -> None:
    for t, piece in ((FRENCH, french), (SPANISH, spanish)):
        said = exc.translated(t)
        assert piece in said and "{" not in said and not ENGLISH.search(said), said


def test_the_refusals_of_a_running_session_and_its_workspace_are_said_in_the_readers_language(store, created):
    from trustcore import ecosystem, internal_worksheet, joining, people, presenter, workspace, workspace_admin
    from trustcore.followup import lineage, next_steps

    code, token = created.session.code, created.facilitator_token
    view = store.open(code, token)
    alpha = created.session.parties[0]
    view_of_ann = store.open(code, store.open(code, None).join(alpha.id, "Ann").token)
    cases = [
        (lambda: joining.set_joining(view, cap=0), "The limit must be between 1 and", "entre 1 et", "entre 1 y"),
        (lambda: joining.set_joining(view, cap="many"), None, "nombre entier de participants", "número entero"),
        (lambda: people.remove_participants(view, []), "Tick the people", "Cochez d'abord", "Marque primero"),
        (lambda: people.move_participant(view, view_of_ann.participant.id, 999), None, "déplacer", "moverlos"),
        (lambda: presenter.show_agenda_item(view, 5), "The agenda has 0 items", "a 0 point\u00a0:", "tiene 0 punto"),
        (lambda: lineage.link_previous(view, code, token), "A session cannot follow itself", "elle-même", "sí misma"),
        (lambda: next_steps.add_next_step(view, "nope", "Act"), "Choose one of this", "Choisissez l'un", "Elija uno"),
        (
            lambda: next_steps.add_next_step(view, created.session.catalogue.ids[0], "  "),
            "The action cannot be empty.",
            "L'action ne peut pas être vide.",
            "La acción: no puede",
        ),
    ]
    made = workspace.create_workspace(store, "Acme")
    wview = store.open_workspace(made.workspace.id, made.token)
    cases += [
        (
            lambda: workspace.create_workspace(store, "  "),
            "The organisation's name cannot be empty.",
            "Le nom de l'organisation ne peut pas être vide.",
            "El nombre de la organización: no puede",
        ),
        (lambda: workspace.open_link(store, "https://example.org/?x=1"), "Paste the organisation", "Collez", "Pegue"),
        (lambda: workspace_admin.delete_workspace(wview, "Other"), "Type the workspace's name", "Saisissez", "Escriba"),
        (
            lambda: ecosystem.add_actor(wview, "Us", "planet"),
            "The kind of actor must be one of: Organisation, Group of people, Technology.",
            "Le type d'acteur\u00a0: choisissez l'une des valeurs Organisation, Groupe de personnes, Technologie.",
            "El tipo de actor: elija uno de estos valores: Organización, Grupo de personas",
        ),
        (
            lambda: internal_worksheet.set_entry(wview, "x", "Z", "t"),
            "The worksheet column must be B",
            "La colonne",
            "La columna",
        ),
    ]
    ecosystem.add_actor(wview, "Us", "organisation")
    cases.append(
        (
            lambda: ecosystem.add_actor(wview, "us", "organisation"),
            "There is already an actor called “us”",
            "«\u00a0us\u00a0»",
            "«us»",
        )
    )
    for call, english, french, spanish in cases:
        exc = _raised(call)
        assert english is None or str(exc).startswith(english), str(exc)
        _said_in_both(exc, french, spanish)
