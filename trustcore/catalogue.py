"""The element catalogue: the things a session ranks (by default the ODI's ten elements).

A catalogue is data, never code: the shipped one is ``data/elements.csv``; a facilitator may load another
CSV or JSON file. Each session stores a snapshot of its catalogue (``Catalogue.to_json``), so editing the
shipped file never changes an old session.

Each element may carry its name and description in other languages (CSV columns or JSON keys ``name_fr``,
``description_fr``, ...; ``docs/catalogue-format.md``); a page asks ``Catalogue.names_in(lang)`` and gets the
catalogue's own wording (``Catalogue.language``) for any element not translated into ``lang``. The shipped
catalogue's French and Spanish names and descriptions are our own translations, not the guidebook's wording
(``TRANSLATION_NOTE``).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import CatalogueError, InvalidInput, Listing, Phrase
from .i18n import N_, Translator

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "elements.csv"
MIN_ELEMENTS, MAX_ELEMENTS = 2, 30
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NAME_MAX, DESCRIPTION_MAX = 80, 500
# The largest file a parser reads (an element list, an organisation-wide ranking), refused by its size before it
# is decoded. Thirty elements at their longest fit in about 20 kB (120 kB with every character escaped in JSON),
# so 1 MB is generous; .streamlit/config.toml's server.maxUploadSize = 1 (megabytes) is the same limit, applied
# by Streamlit before the upload reaches a page (tests/test_upload_limits.py checks that the two agree).
FILE_MAX_BYTES = 1024 * 1024
_FIELDS = ("id", "name", "description", "level")
# a translation column (CSV) or key (JSON): name_fr, description_es, ... (a lowercase ISO 639 language code)
_TRANSLATION = re.compile(r"^(name|description)_([a-z]{2,3})$")
MAX_LANGUAGES = 12  # languages besides the catalogue's own (a file with more is refused, before its elements are read)
# shown beside a translated name of the shipped catalogue (a page translates it with the reader's translator)
TRANSLATION_NOTE = N_(
    "The element names and descriptions in this language are trustcore's own translation, not the guidebook's wording."
)


def shown(value: object, limit: int = 60) -> str:
    """``repr`` of something a person uploaded or typed, cut to about ``limit`` characters, so that a message
    quoting it stays readable whatever its length."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def size_in_words(n_bytes: int) -> str:
    """A file size as people say it: "17.8 MB", "650 kB", "12 bytes"."""
    if n_bytes >= 1_000_000:
        return Phrase(N_("{size} MB"), size=round(n_bytes / 1_000_000, 1))
    if n_bytes >= 1_000:
        return Phrase(N_("{size} kB"), size=round(n_bytes / 1_000))
    return Phrase(N_("{n} bytes"), n=n_bytes)


def too_big(data: bytes | str) -> str | None:
    """What is wrong with the size of an uploaded file (or pasted text), or None if it may be read."""
    if len(data) <= FILE_MAX_BYTES:
        return None
    return Phrase(
        N_("the file is {size}; at most {most} is read"),
        size=size_in_words(len(data)),
        most=size_in_words(FILE_MAX_BYTES),
    )


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    description: str = ""
    level: int | None = None  # place in the guidebook's hierarchy (1 = hygiene), when known; never invented
    # (language, name, description) for each language the element is translated into; "" = not translated
    translations: tuple[tuple[str, str, str], ...] = ()

    def name_in(self, lang: str | None) -> str:
        """The name in ``lang``, or the catalogue's own when it has no translation there."""
        return next((name for code, name, _ in self.translations if code == lang and name), self.name)

    def description_in(self, lang: str | None) -> str:
        """The description in ``lang``, or the catalogue's own when it has no translation there."""
        return next((text for code, _, text in self.translations if code == lang and text), self.description)

    @property
    def phrase(self) -> ElementName:
        """The name as a parameter of a refusal: said in the reader's language where the catalogue has it."""
        return ElementName(self)

    def record(self) -> dict:
        """The element as the upload format has it (flat ``name_fr`` keys; none when untranslated)."""
        out: dict = {"id": self.id, "name": self.name, "description": self.description, "level": self.level}
        for code, name, description in self.translations:
            if name:
                out[f"name_{code}"] = name
            if description:
                out[f"description_{code}"] = description
        return out


class ElementName(Phrase):
    """An element's name in a message (``Element.phrase``): its own name in English, ``name_in`` the reader's
    language when translated."""

    element: Element

    def __new__(cls, element: Element) -> ElementName:
        made = str.__new__(cls, element.name)
        made.msgid, made.params, made.element = element.name, {}, element
        return made

    def translated(self, t: Translator) -> str:
        return self.element.name_in(t.locale)


@dataclass(frozen=True)
class Catalogue:
    elements: tuple[Element, ...]
    source: str = "ODI elements of trustworthy data stewardship"
    language: str = "en"  # the language of ``name`` and ``description`` (the fallback of every translation)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.elements]

    @property
    def names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.elements}

    @property
    def languages(self) -> list[str]:
        """The catalogue's own language, then each language some element is translated into."""
        found = [code for e in self.elements for code, _, _ in e.translations]
        return [self.language] + sorted(set(found) - {self.language})

    def names_in(self, lang: str | None) -> dict[str, str]:
        """Each element's name in ``lang`` (its own name where it has no translation)."""
        return {e.id: e.name_in(lang) for e in self.elements}

    def descriptions_in(self, lang: str | None) -> dict[str, str]:
        return {e.id: e.description_in(lang) for e in self.elements}

    def __len__(self) -> int:
        return len(self.elements)

    def __getitem__(self, element_id: str) -> Element:
        for e in self.elements:
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    def to_json(self) -> str:
        data: dict = {"source": self.source}
        if self.language != "en":
            data["language"] = self.language
        data["elements"] = [
            e.record() if e.translations else {k: v for k, v in asdict(e).items() if k != "translations"}
            for e in self.elements
        ]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Catalogue:
        """The catalogue a session stores (parsed and checked once per distinct text: a catalogue is
        immutable, and every page load and submission reads its session's)."""
        return _from_json(text)


@functools.lru_cache(maxsize=256)
def _from_json(text: str) -> Catalogue:
    data = json.loads(text)
    return validate(data["elements"], source=data.get("source", "catalogue"), language=data.get("language", "en"))


def validate(records: list[dict], *, source: str = "catalogue", language: str = "en") -> Catalogue:
    """Check raw records (dicts with id, name, description, level, and any ``name_<lang>`` and
    ``description_<lang>`` translations) and build a Catalogue whose own language is ``language``.

    Collects every problem (with its row number, 1 = first element) and raises CatalogueError listing
    them all, so a facilitator can fix a file in one go.
    """
    problems: list[str] = []
    if not isinstance(records, list):
        raise CatalogueError([Phrase(N_("the file must hold a list of elements"))])
    count = Phrase(
        N_("it has {n} elements; a catalogue needs {low} to {high}"),
        n=len(records),
        low=MIN_ELEMENTS,
        high=MAX_ELEMENTS,
    )
    if len(records) > MAX_ELEMENTS:
        raise CatalogueError([count])  # checking each of thousands of elements would only make a longer message
    if len(records) < MIN_ELEMENTS:
        problems.append(count)
    languages = _languages(records, language, problems)
    if problems and languages is None:
        raise CatalogueError(problems)
    seen_translated: dict[str, dict[str, int]] = {code: {} for code in languages or ()}
    elements: list[Element] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            problems.append(Phrase(N_("element {row}: expected fields id, name, description, level"), row=i))
            continue
        nested = [k for k in rec if (k in _FIELDS or _TRANSLATION.match(str(k))) and isinstance(rec[k], (list, dict))]
        if nested:
            problems.append(
                Phrase(
                    N_("element {row}: {fields} must be text or a number, not a list or an object"),
                    row=i,
                    fields=Listing(nested),
                )
            )
            continue
        eid = str(rec.get("id") or "").strip()
        name = " ".join(str(rec.get("name") or "").split())
        description = " ".join(str(rec.get("description") or "").split())
        level_raw = rec.get("level")
        level = None
        if not eid:
            problems.append(Phrase(N_("element {row}: the id is empty"), row=i))
        elif not _ID.match(eid):
            problems.append(
                Phrase(
                    N_(
                        "element {row}: id {id} must be 1-40 lowercase letters, digits, '-' or '_', starting with a "
                        "letter or digit"
                    ),
                    row=i,
                    id=shown(eid),
                )
            )
        elif eid in seen_ids:
            problems.append(
                Phrase(
                    N_("element {row}: id {id} is used again (first by element {first})"),
                    row=i,
                    id=repr(eid),
                    first=seen_ids[eid],
                )
            )
        else:
            seen_ids[eid] = i
        if not name:
            problems.append(Phrase(N_("element {row}: the name is empty"), row=i))
        elif len(name) > NAME_MAX:
            problems.append(
                Phrase(
                    N_("element {row}: the name is {length} characters long, at most {most}"),
                    row=i,
                    length=len(name),
                    most=NAME_MAX,
                )
            )
        elif name.casefold() in seen_names:
            problems.append(
                Phrase(
                    N_("element {row}: name {name} is used again (first by element {first})"),
                    row=i,
                    name=repr(name),
                    first=seen_names[name.casefold()],
                )
            )
        else:
            seen_names[name.casefold()] = i
        if len(description) > DESCRIPTION_MAX:
            problems.append(
                Phrase(
                    N_("element {row}: the description is {length} characters long, at most {most}"),
                    row=i,
                    length=len(description),
                    most=DESCRIPTION_MAX,
                )
            )
        if level_raw not in (None, ""):
            try:
                text = str(level_raw).strip()
                if len(text) > 3:  # "1" to "4", give or take a sign: never int() of a 4,300-digit number
                    raise ValueError
                level = int(text)
                if not 1 <= level <= 4:
                    raise ValueError
            except ValueError:
                level = None
                problems.append(
                    Phrase(
                        N_("element {row}: level {level} must be empty or a whole number from 1 to 4"),
                        row=i,
                        level=shown(level_raw),
                    )
                )
        translations = _translations(i, rec, languages or (), seen_translated, problems)
        elements.append(Element(eid, name, description, level, translations))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(tuple(elements), source=source, language=language)


def _languages(records: list, own: str, problems: list[str]) -> list[str] | None:
    """The languages the records are translated into (from their ``name_xx``/``description_xx`` keys), or None
    when there are too many to read (a problem says so)."""
    found: set[str] = set()
    for rec in records:
        if isinstance(rec, dict):
            found.update(m.group(2) for k in rec if (m := _TRANSLATION.match(str(k))))
        if len(found) > MAX_LANGUAGES + 1:
            break
    if own in found:
        problems.append(
            Phrase(
                N_("the columns name_{code} and description_{code} repeat the catalogue's own language ({code})"),
                code=own,
            )
        )
        found.discard(own)
    if len(found) > MAX_LANGUAGES:
        problems.append(
            Phrase(N_("it has translations into more than {most} languages; at most {most}"), most=MAX_LANGUAGES)
        )
        return None
    return sorted(found)


def _translations(
    i: int, rec: dict, languages: Sequence[str], seen: dict[str, dict[str, int]], problems: list[str]
) -> tuple[tuple[str, str, str], ...]:
    """One element's (language, name, description) triples, checked like its own name and description: an
    empty cell means "not translated" (the catalogue's own wording is shown)."""
    out = []
    for code in languages:
        name = " ".join(str(rec.get(f"name_{code}") or "").split())
        description = " ".join(str(rec.get(f"description_{code}") or "").split())
        if len(name) > NAME_MAX:
            problems.append(
                Phrase(
                    N_("element {row}: name_{code} is {length} characters long, at most {most}"),
                    row=i,
                    code=code,
                    length=len(name),
                    most=NAME_MAX,
                )
            )
        elif name and name.casefold() in seen[code]:
            problems.append(
                Phrase(
                    N_("element {row}: name_{code} {name} is used again (first by element {first})"),
                    row=i,
                    code=code,
                    name=repr(name),
                    first=seen[code][name.casefold()],
                )
            )
        elif name:
            seen[code][name.casefold()] = i
        if len(description) > DESCRIPTION_MAX:
            problems.append(
                Phrase(
                    N_("element {row}: description_{code} is {length} characters long, at most {most}"),
                    row=i,
                    code=code,
                    length=len(description),
                    most=DESCRIPTION_MAX,
                )
            )
        if name or description:
            out.append((code, name, description))
    return tuple(out)


def parse(data: bytes | str, filename: str) -> Catalogue:
    """Parse an uploaded catalogue: CSV (header id,name,description[,level][,name_fr,description_fr,...]) or JSON.

    JSON may be a list of element objects or ``{"elements": [...]}`` (with ``"language"``, the catalogue's own
    language; English by default). Translations: ``docs/catalogue-format.md``. The file type is chosen by the
    file name's extension. A file over ``FILE_MAX_BYTES`` is refused before it is decoded, and a CSV is read
    only up to its 31st element: whatever the file, the work done is bounded and every problem is a
    CatalogueError that says what is wrong.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".json"):
        raise CatalogueError(
            [Phrase(N_("unsupported file type {type}: use .csv or .json"), type=shown(suffix or "(none)", 20))]
        )
    problem = too_big(data)
    if problem:
        raise CatalogueError(
            [
                Phrase(
                    N_("{problem}; an element list of {most} elements needs far less"),
                    problem=problem,
                    most=MAX_ELEMENTS,
                )
            ]
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CatalogueError(
                [
                    Phrase(
                        N_("the file is not UTF-8 text ({reason} at byte {byte}): save it as CSV UTF-8 or JSON"),
                        reason=exc.reason,
                        byte=exc.start,
                    )
                ]
            ) from None
    data = data.removeprefix("\ufeff")
    source = Path(filename).name[:NAME_MAX] or "catalogue"
    if suffix == ".json":
        try:
            loaded = json.loads(data)
        except json.JSONDecodeError as exc:
            raise CatalogueError(
                [
                    Phrase(
                        N_("the JSON is not valid: {reason} (line {line}, column {column})"),
                        reason=exc.msg,
                        line=exc.lineno,
                        column=exc.colno,
                    )
                ]
            ) from None
        except RecursionError:
            raise CatalogueError([Phrase(N_("the JSON is nested too deeply to be an element list"))]) from None
        except ValueError:  # Python reads integers of at most 4,300 digits (sys.get_int_max_str_digits)
            raise CatalogueError(
                [Phrase(N_("the JSON holds a number with thousands of digits; no field needs one"))]
            ) from None
        language = "en"
        if isinstance(loaded, dict):
            language = loaded.get("language") or "en"
            if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
                raise CatalogueError(
                    [
                        Phrase(
                            N_("language {language} must be a language code such as en, fr or es"),
                            language=shown(language, 20),
                        )
                    ]
                )
            loaded = loaded.get("elements")
        return validate(loaded, source=source, language=language)
    reader = csv.DictReader(io.StringIO(data, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [col for col in ("id", "name") if col not in header]
        if missing:
            raise CatalogueError(
                [
                    Phrase(
                        N_("the CSV header must name the columns id and name (missing: {missing})"),
                        missing=Listing(missing),
                    )
                ]
            )
        reader.fieldnames = header
        records: list[dict] = []
        for row in reader:  # stops at the first element too many: a long file is never read to its end
            if len(records) == MAX_ELEMENTS:
                raise CatalogueError(
                    [
                        Phrase(
                            N_("it has more than {high} elements; a catalogue needs {low} to {high}"),
                            low=MIN_ELEMENTS,
                            high=MAX_ELEMENTS,
                        )
                    ]
                )
            records.append(dict(row))
    except csv.Error as exc:
        raise CatalogueError(
            [Phrase(N_("the CSV cannot be read ({reason}, line {line})"), reason=str(exc), line=reader.line_num)]
        ) from None
    return validate(records, source=source)


def load(path: str | Path = DEFAULT_PATH) -> Catalogue:
    """Load and validate a catalogue file (CSV or JSON)."""
    path = Path(path)
    cat = parse(path.read_bytes(), path.name)
    if path == DEFAULT_PATH:
        return Catalogue(cat.elements)  # keep the default source label
    return cat


def default() -> Catalogue:
    """The ten ODI elements shipped in data/elements.csv."""
    return load(DEFAULT_PATH)


def validate_order(order, catalogue: Catalogue) -> tuple[str, ...]:
    """Check that ``order`` ranks every element of the catalogue exactly once; say what is wrong if not."""
    if isinstance(order, (str, bytes)) or not hasattr(order, "__iter__"):
        raise InvalidInput(N_("A ranking must be a list of element ids."))
    order = tuple(str(x) for x in order)
    known = catalogue.ids
    problems = []
    unknown = sorted({x for x in order if x not in known})
    repeated = sorted({x for x in order if order.count(x) > 1})
    missing = [x for x in known if x not in order]
    if unknown:
        problems.append(Phrase(N_("unknown element(s): {ids}"), ids=Listing(unknown)))
    if repeated:
        problems.append(Phrase(N_("listed more than once: {ids}"), ids=Listing(repeated)))
    if missing:
        problems.append(Phrase(N_("missing: {ids}"), ids=Listing(missing)))
    if problems:
        raise InvalidInput(
            N_("A ranking must put all {n} elements in order, each once ({problems})."),
            n=len(known),
            problems=Listing(problems, separator="; "),
        )
    return order
