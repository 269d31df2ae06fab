"""Translation: one ``Translator`` per language, the way the Python ecosystem does it (gettext catalogues, Babel).

Strings are marked in the code, extracted with ``pybabel extract`` into ``trustcore/locales/trustcore.pot`` and
translated in ``trustcore/locales/<lang>/LC_MESSAGES/trustcore.po`` (``scripts/messages.sh`` runs both steps).
Nothing compiled is committed: ``compile_catalogues`` writes each ``.mo`` beside its ``.po`` when it is missing or
older (``scripts/run.sh`` and ``scripts/test.sh`` call it through ``python -m trustcore.i18n``, and ``translator``
calls it again the first time a process asks for a language, so a fresh clone started any other way still finds its
catalogues; where the directory cannot be written the catalogue is compiled in memory).

There is no process-wide ``gettext.install``: a page asks ``translator(lang)`` for the reader's translator and hands
it to the core (``wording.headline(..., t=t)``), so two readers in two languages never share a translated string.

Messages use NAMED placeholders so a translator can reorder them::

    t.gettext("{party} puts {a} above {b}; {other} the reverse.", party=..., a=..., b=..., other=...)
    t.ngettext("{n} participant", "{n} participants", n)

Values are formatted for the locale: an ``int`` with the locale's grouping (1 000 000 in French), a ``float`` with
its decimal sign; pass a ``str`` (``t.decimal(tau, 2)``, ``t.percent(x)``, ``t.date(d)``) for any other format.
Plural forms come from the compiled catalogue's ``Plural-Forms`` header, which Babel writes from CLDR.

``N_`` marks a string for extraction without translating it (a constant, an error's message): it is translated
when shown, with the reader's translator (``TrustcoreError.translated``).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages import mofile, pofile

DOMAIN = "trustcore"
LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT = "en"  # the language the code is written in (the msgids)
SUPPORTED = ("en", "fr", "es")
NAMES = {"en": "English", "fr": "Français", "es": "Español"}  # each language in its own words (a switcher's labels)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, where it is shown."""
    return message


class Translator:
    """The messages, plural forms, numbers and dates of one language."""

    def __init__(self, locale: str, catalogue: gettext.NullTranslations):
        self.locale = locale
        self._catalogue = catalogue

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"

    def gettext(self, message: str, /, **params: object) -> str:
        return self._format(self._catalogue.gettext(message), params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The form of ``n`` (``{n}`` in the message, formatted for the locale)."""
        return self._format(self._catalogue.ngettext(singular, plural, n), {"n": n, **params})

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        """A message whose translation depends on where it is used (``context``: a few words for translators)."""
        return self._format(self._catalogue.pgettext(context, message), params)

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self._format(self._catalogue.npgettext(context, singular, plural, n), {"n": n, **params})

    # numbers and dates, for the locale
    def number(self, value: int | float) -> str:
        return numbers.format_decimal(value, locale=self.locale)

    def decimal(self, value: float, places: int = 2) -> str:
        """``value`` with exactly ``places`` decimals (``0.45`` in English, ``0,45`` in French)."""
        pattern = "0." + "0" * places if places > 0 else "0"
        return numbers.format_decimal(value, format=pattern, locale=self.locale, decimal_quantization=True)

    def percent(self, value: float, places: int = 0) -> str:
        """``value`` (a fraction: 0.25) as a percentage in the locale (``25 %`` in French)."""
        pattern = Locale.parse(self.locale).percent_formats[None].pattern  # "#,##0%", "#,##0\u00a0%" in French
        if places > 0:
            pattern = pattern.replace("0", "0." + "0" * places, 1)  # the one "0" of the integer part
        return numbers.format_percent(value, format=pattern, locale=self.locale, decimal_quantization=True)

    def date(self, value: dt.date | dt.datetime, format: str = "medium") -> str:
        return dates.format_date(value, format=format, locale=self.locale)

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return dates.format_datetime(value, format=format, locale=self.locale)

    def _value(self, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return self.number(value)

    def _format(self, text: str, params: dict[str, object]) -> str:
        if not params:
            return text
        return text.format_map({key: self._value(value) for key, value in params.items()})


def _mo(po: Path) -> Path:
    return po.with_suffix(".mo")


def catalogue_files() -> list[Path]:
    """Every shipped ``.po`` file."""
    return sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _compiled(po: Path) -> bytes:
    with po.open("rb") as file:
        catalog = pofile.read_po(file)
    out = io.BytesIO()
    mofile.write_mo(out, catalog, use_fuzzy=False)  # a fuzzy translation is a guess: never shown
    return out.getvalue()


def compile_catalogues() -> list[Path]:
    """Compile each ``.po`` whose ``.mo`` is missing or older; returns the ``.mo`` files written."""
    written = []
    for po in catalogue_files():
        mo = _mo(po)
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        data = _compiled(po)
        temporary = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")  # processes compiling at once never collide
        temporary.write_bytes(data)
        temporary.replace(mo)  # atomic: another process never reads half a file
        written.append(mo)
    return written


@functools.cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    if locale == DEFAULT:
        return gettext.NullTranslations()
    po = LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    try:
        compile_catalogues()
    except OSError:  # a read-only install: compile this one in memory
        return gettext.GNUTranslations(io.BytesIO(_compiled(po)))
    with _mo(po).open("rb") as file:
        return gettext.GNUTranslations(file)


def translator(locale: str | None = None) -> Translator:
    """The translator of ``locale`` (one of ``SUPPORTED``, or anything ``negotiate`` understands); English for
    None. A message missing from the catalogue is shown in English."""
    code = locale if locale in SUPPORTED else negotiate(locale)
    return Translator(code, _catalogue(code))


ENGLISH = Translator(DEFAULT, gettext.NullTranslations())


def negotiate(accept: str | None, available: Iterable[str] = SUPPORTED) -> str:
    """The supported language closest to what the reader asked for: a browser locale (``st.context.locale``:
    "fr-FR"), a language code ("es"), or an Accept-Language list ("fr-CH, fr;q=0.9, en;q=0.8").
    English when nothing matches."""
    offered = [a.lower() for a in available]
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            q = float(quality) if quality else 1.0
        except ValueError:
            q = 0.0
        if tag and q > 0:
            wanted.append((-q, i, tag.strip().replace("_", "-").lower()))
    for _, _, tag in sorted(wanted):
        for candidate in (tag, tag.split("-")[0]):
            if candidate in offered:
                return candidate
    return DEFAULT if DEFAULT in offered or not offered else offered[0]


if __name__ == "__main__":  # python -m trustcore.i18n: compile the catalogues (scripts/run.sh, scripts/test.sh)
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(LOCALES.parent.parent)}", file=sys.stderr)
