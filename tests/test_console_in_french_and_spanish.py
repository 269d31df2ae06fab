"""The facilitator console in the reader's language: French from ``?lang=fr``, Spanish from ``?lang=es``, its
sections (people, joining, timer, presenter and survey links, workspace, earlier session, deletion) included;
switching language keeps what was typed and chosen (stable keys, options as codes); the core's sentences it
shows (the closed-joining note, the timer, the QR code's alt text) in each language."""

from __future__ import annotations

from test_pages import joining_widgets, made, run, store, texts  # noqa: F401  (fixtures)

from trustcore import i18n, joining, qr, round_timer

FR, ES = i18n.translator("fr"), i18n.translator("es")
NBSP, NNBSP = "\u00a0", "\u202f"


def _html(at) -> str:
    return "\n".join(str(getattr(e.proto, "body", "")) for e in at.get("html"))


def _labels(at) -> list[str]:
    return [b.label for b in at.button] + [c.label for c in at.checkbox] + [n.label for n in at.number_input]


def test_the_console_in_french(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    store.join(code, made.session.parties[0].id, "Ann")
    round_timer.start_timer(store.open(code, fac), 300, round_number=1, lock_at_zero=True)
    at = run(session=code, admin=fac, lang="fr")
    shown = texts(at)
    for french in (
        "Console du facilitateur",
        f"Tour 1{NBSP}: 0 sur 1 envoyé",
        "Commandes du tour",
        f"Le tour 1 est **ouvert{NBSP}: les classements sont acceptés**.",
        "Écran de présentation",
        "Enquête auprès des parties prenantes",
        "Espace de travail de l'organisation",
        "Session précédente de cette relation",
        "Ou rejoignez depuis la page d'accueil avec le code",
    ):
        assert french in shown, french
    for english in ("Facilitator console", "Round controls", "Presenter screen", "Stakeholder survey", "submitted"):
        assert english not in shown, english
    labels = _labels(at)
    for french in ("Verrouiller le tour", "Révéler les résultats", "Ouvrir le tour suivant", "Arrêter le minuteur"):
        assert french in labels, french
    assert "Ajouter 5 minutes" in labels and "Ajouter 1 minute" in labels  # plural forms
    assert not any(label in labels for label in ("Lock round", "Reveal results", "Remove participant"))
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["Partie", "Envoyés", "Arrivés"]
    assert at.dataframe[1].value.iloc[0]["Statut"] == "classement en cours…"
    page = _html(at)
    assert 'document.documentElement.lang = "fr"' in page  # <html lang> follows the console too
    assert "Temps restant du tour 1" in page and "le tour se verrouille à zéro" in page  # the timer and its script
    assert "(the round locks at zero)" not in page and "Time is up" not in page and '" left"' not in page


def test_the_console_in_spanish_says_how_to_reopen_joining_with_its_own_labels(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    store.reveal(code, fac, round_number=1)  # closes joining
    at = run(session=code, admin=fac, lang="es")
    shown = texts(at)
    assert "Consola del facilitador" in shown and "Controles de la ronda" in shown
    assert "Ronda 1: 0 de 0 enviadas" in shown
    assert "La ronda 1 está **revelada: todos pueden ver la comparación**." in shown
    assert "Nadie ha entrado todavía. Comparta el enlace o el código QR." in shown
    note = next(i.value for i in at.info if "acceso" in i.value.lower())
    toggle = joining_widgets(at)[1].label
    assert toggle == "Acceso abierto a nuevos participantes" and f"«{toggle}»" in note.replace("\\", "")
    assert "Joining" not in note and "Round controls" not in shown
    assert at.text_input(key="delete_confirm").label == "Escriba ELIMINAR para confirmar"


def test_switching_language_keeps_what_the_facilitator_typed_and_chose(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    store.join(code, made.session.parties[0].id, "Ann")
    at = run(session=code, admin=fac)
    at.radio(key="people_bulk_how").set_value("minutes").run()
    at.text_input(key="delete_confirm").input("DELETE").run()
    assert not at.button(key="delete_session").disabled
    at.query_params["lang"] = "fr"
    at.run()
    assert at.radio(key="people_bulk_how").value == "minutes"  # an option code, not its words
    assert at.radio(key="people_bulk_how").label == "Qui"
    assert at.text_input(key="delete_confirm").value == "DELETE"
    assert at.button(key="delete_session").label == "Supprimer la session"
    assert not at.button(key="delete_session").disabled  # the English word still confirms
    at.text_input(key="delete_confirm").input("SUPPRIMER").run()
    assert not at.button(key="delete_session").disabled  # and so does the reader's


def test_the_timer_in_words_in_each_language():
    assert round_timer.describe(245, locks=False) == "4:05 left"
    assert round_timer.describe(245, locks=False, t=FR) == "Il reste 4:05"
    assert round_timer.describe(59, locks=True, t=FR) == "Il reste 0:59 (le tour se verrouille à zéro)"
    assert round_timer.describe(0, locks=True, t=FR) == f"Le temps est écoulé{NBSP}: le tour est verrouillé."
    assert round_timer.describe(245, locks=True, t=ES) == "Quedan 4:05 (la ronda se bloquea a cero)"
    assert round_timer.describe(-3, locks=False, t=ES) == "Se acabó el tiempo: envíe su clasificación ahora."
    assert round_timer.describe(None, locks=False, t=ES) == ""
    # the browser's countdown fills {time} itself
    assert round_timer.wording(locks=False, t=ES) == (
        "Quedan {time}",
        "Se acabó el tiempo: envíe su clasificación ahora.",
    )


def test_the_closed_joining_note_and_the_qr_alt_text_in_each_language(store, made):  # noqa: F811
    code, fac = made.session.code, made.facilitator_token
    view = store.open(code, fac)
    joining.set_joining(view, open=False)
    view = store.open(code, fac)
    english = joining.closed_note(view)
    assert english is not None and english.startswith("Joining is closed:") and "“Joining is open”" in english
    french = joining.closed_note(view, FR)
    assert french is not None and french.startswith(f"L'accès à la session est fermé{NBSP}:")
    assert f"«{NBSP}Accès ouvert aux nouveaux participants{NBSP}»" in french
    assert f"«{NBSP}Enregistrer l'accès{NBSP}»" in french
    assert qr.alt_text("abcdefghjkmnpq", ES).startswith("Código QR que abre el enlace para compartir")
    assert qr.alt_text("abcdefghjkmnpq", FR).endswith(f"Code de la session{NBSP}: A B C D, E F G H, J K M N, P Q")
