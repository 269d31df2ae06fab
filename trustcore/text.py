"""Cleaning what people type, and making text safe for spreadsheets."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput, Phrase
from .i18n import N_

# Control and format characters (C0/C1 controls, bidi overrides, zero-width joiners...) are removed from
# names; newlines are folded to spaces. Markdown and HTML are kept as typed: pages show names as text.
_SPACE = re.compile(r"\s+")
_BREAKS = "\t\r\n\x85"  # become spaces in one-line fields

EMPTY = N_("{field} cannot be empty.")
TOO_LONG = N_("{field} is too long: {length} characters, at most {max_len}.")

NAME_MAX = 80
TITLE_MAX = 120
TEXT_MAX = 2000


def clean_line(value: object, *, field: str, max_len: int = NAME_MAX, required: bool = True) -> str:
    """Return ``value`` as one tidy line: NFC-normalised, control characters removed, spaces collapsed.

    ``field`` names the field for people: an ``N_()`` msgid, or a ``Phrase`` when it holds a value, so the
    refusal is said in the reader's language. Raises InvalidInput with a message naming ``field`` when it is empty (and required) or longer
    than ``max_len`` characters: nothing is silently cut.
    """
    text = "" if value is None else str(value)
    text = "".join(" " if ch in _BREAKS else ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in _BREAKS)
    text = unicodedata.normalize("NFC", _SPACE.sub(" ", text).strip())
    if required and not text:
        raise InvalidInput(EMPTY, field=Phrase(field))
    if len(text) > max_len:
        raise InvalidInput(TOO_LONG, field=Phrase(field), length=len(text), max_len=max_len)
    return text


def clean_text(value: object, *, field: str, max_len: int = TEXT_MAX, required: bool = False) -> str:
    """Like clean_line but keeps line breaks (for notes and comments)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C" or ch == "\t")
    text = unicodedata.normalize("NFC", "\n".join(line.rstrip() for line in text.split("\n")).strip())
    if required and not text:
        raise InvalidInput(EMPTY, field=Phrase(field))
    if len(text) > max_len:
        raise InvalidInput(TOO_LONG, field=Phrase(field), length=len(text), max_len=max_len)
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would run as a formula (OWASP CSV injection).

    A leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe. Numbers and
    other types pass unchanged, so negative numbers stay numbers.
    """
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would take this text for a formula (what ``spreadsheet_safe`` neutralises):
    the workbook stores such text as is, in a text cell with the quote-prefix style (no visible apostrophe)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'])")


# any run of whitespace but the non-breaking spaces (U+00A0, U+202F), which typography puts where a line must not break
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def markdown_escape(value: object) -> str:
    """Make user text inert inside Streamlit markdown: every ASCII punctuation mark that markdown,
    LaTeX (``$``) or Streamlit's directives (``:red[...]``) could act on gets a backslash, and line
    breaks become spaces. Use it whenever a typed name sits inside markdown; prefer plain-text
    elements (``st.text``, dataframes) where the layout allows. Non-breaking spaces stay (French puts one
    before ``:`` and a narrow one before ``;``, ``?`` and ``!``)."""
    text = _BREAKING_SPACE.sub(" ", str(value)).strip(" ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def unique_name(
    name: str, taken: set[str], *, anonymous: str, max_len: int = NAME_MAX, count: int | None = None
) -> str:
    """A display name nobody in ``taken`` (casefolded names) uses yet.

    An empty name becomes ``f"{anonymous} N"`` (the first free N from ``count``, the number of people
    already there, or else the number of distinct names); a name in use gets " (2)", " (3)"..., shortened
    if needed so the result stays within ``max_len``."""
    if not name:
        n = (len(taken) if count is None else count) + 1
        while f"{anonymous} {n}".casefold() in taken:
            n += 1
        return f"{anonymous} {n}"
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[: max_len - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def name_key(name: str) -> str:
    """An organisation's name as relationships are grouped and the ecosystem map is annotated
    (``trustcore.relationships``, ``trustcore.ecosystem``): lower case, spaces at the ends dropped and runs of
    spaces made one."""
    return " ".join(str(name or "").split()).lower()
