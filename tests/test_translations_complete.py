"""French and Spanish are complete: every message of the template translated (no fuzzy, no empty plural form),
with the same named placeholders; and the template holds every message marked in the code."""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from trustcore import i18n

ROOT = Path(__file__).resolve().parent.parent
POT = i18n.LOCALES / f"{i18n.DOMAIN}.pot"
SHIPPED = [code for code in i18n.SUPPORTED if code != i18n.DEFAULT]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}


def _catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def test_every_shipped_language_has_a_catalogue():
    assert sorted(p.parent.parent.name for p in i18n.catalogue_files()) == sorted(SHIPPED)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    i18n.compile_catalogues()
    compiled = gettext.translation(i18n.DOMAIN, i18n.LOCALES, [lang], fallback=False)  # no English fallback
    po = _catalog(i18n.LOCALES / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    assert not po.fuzzy, "the catalogue's header is marked fuzzy"
    translated = {_key(m): m for m in po if m.id}
    problems = []
    for message in _catalog(POT):
        if not message.id:
            continue
        found = translated.get(_key(message))
        if found is None:
            problems.append(f"missing: {message.id!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        forms = [found.string] if isinstance(found.string, str) else list(found.string)
        if message.pluralizable and len(forms) != po.num_plurals:
            problems.append(f"{len(forms)} plural forms, {po.num_plurals} wanted: {message.id!r}")
        if not all(forms):
            problems.append(f"untranslated: {message.id!r}")
        wanted = _fields(message.id if isinstance(message.id, str) else message.id[1])
        for form in forms:
            if form and _fields(form) - wanted:
                problems.append(f"placeholders {_fields(form) - wanted} not in {message.id!r}")
        singular = message.id if isinstance(message.id, str) else message.id[0]
        lookup = compiled.pgettext(message.context, singular) if message.context else compiled.gettext(singular)
        if message.id and not message.pluralizable and forms[0] and lookup != forms[0]:
            problems.append(f"not in the compiled catalogue: {message.id!r}")
    assert not problems, "\n".join(problems)


def test_the_template_holds_every_message_marked_in_the_code():
    """``scripts/messages.sh`` was run after the last marked string changed."""
    marked = set()
    for folder in ("trustcore", "views", "ui"):
        for _, _, message, _, context in extract_from_dir(ROOT / folder, keywords=KEYWORDS, comment_tags=()):
            marked.add((context, message if isinstance(message, str) else message[0]))
    for _, message, _, context in _extract_file(ROOT / "app.py"):
        marked.add((context, message if isinstance(message, str) else message[0]))
    for template in sorted((ROOT / "trustcore" / "templates").rglob("*.j2")):  # babel.cfg's [jinja2: ...]
        for _, message, _, context in _extract_file(template, "jinja2"):
            marked.add((context, message if isinstance(message, str) else message[0]))
    in_template = {_key(m) for m in _catalog(POT) if m.id}
    assert marked - in_template == set(), "run: bash scripts/messages.sh"
    assert in_template - marked == set(), "the template holds messages no longer in the code: bash scripts/messages.sh"


def _extract_file(path: Path, method: str = "python"):
    from babel.messages.extract import extract

    with path.open("rb") as file:
        for _, message, _, context in ((m[0], m[1], m[2], m[3]) for m in extract(method, file, KEYWORDS)):
            yield None, message, None, context


@pytest.mark.parametrize("lang", ["fr"])
def test_french_typography_puts_a_non_breaking_space_before_double_punctuation(lang):
    po = _catalog(i18n.LOCALES / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    bad = [
        form
        for m in po
        if m.id
        for form in ([m.string] if isinstance(m.string, str) else m.string)
        if re.search(r" [:;?!»]|« ", form)
    ]
    assert not bad, bad


def test_spanish_questions_open_with_an_inverted_mark():
    po = _catalog(i18n.LOCALES / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    questions = [m.string for m in po if m.id and isinstance(m.string, str) and "?" in m.string]
    assert questions and all("¿" in q for q in questions), questions
