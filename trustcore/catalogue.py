"""The element catalogue: the things a session ranks (by default the ODI's ten elements).

A catalogue is data, never code: the shipped one is ``data/elements.csv``; a facilitator may load another
CSV or JSON file. Each session stores a snapshot of its catalogue (``Catalogue.to_json``), so editing the
shipped file never changes an old session.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import CatalogueError, InvalidInput

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "elements.csv"
MIN_ELEMENTS, MAX_ELEMENTS = 2, 30
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NAME_MAX, DESCRIPTION_MAX = 80, 500


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    description: str = ""
    level: int | None = None  # place in the guidebook's hierarchy (1 = hygiene), when known; never invented


@dataclass(frozen=True)
class Catalogue:
    elements: tuple[Element, ...]
    source: str = "ODI elements of trustworthy data stewardship"

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.elements]

    @property
    def names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.elements}

    def __len__(self) -> int:
        return len(self.elements)

    def __getitem__(self, element_id: str) -> Element:
        for e in self.elements:
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "elements": [asdict(e) for e in self.elements]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Catalogue:
        """The catalogue a session stores (parsed and checked once per distinct text: a catalogue is
        immutable, and every page load and submission reads its session's)."""
        return _from_json(text)


@functools.lru_cache(maxsize=256)
def _from_json(text: str) -> Catalogue:
    data = json.loads(text)
    return validate(data["elements"], source=data.get("source", "catalogue"))


def validate(records: list[dict], *, source: str = "catalogue") -> Catalogue:
    """Check raw records (dicts with id, name, description, level) and build a Catalogue.

    Collects every problem (with its row number, 1 = first element) and raises CatalogueError listing
    them all, so a facilitator can fix a file in one go.
    """
    problems: list[str] = []
    if not isinstance(records, list):
        raise CatalogueError(["the file must hold a list of elements"])
    if not MIN_ELEMENTS <= len(records) <= MAX_ELEMENTS:
        problems.append(f"it has {len(records)} elements; a catalogue needs {MIN_ELEMENTS} to {MAX_ELEMENTS}")
    elements: list[Element] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            problems.append(f"element {i}: expected fields id, name, description, level")
            continue
        eid = str(rec.get("id") or "").strip()
        name = " ".join(str(rec.get("name") or "").split())
        description = " ".join(str(rec.get("description") or "").split())
        level_raw = rec.get("level")
        level = None
        if not eid:
            problems.append(f"element {i}: the id is empty")
        elif not _ID.match(eid):
            problems.append(
                f"element {i}: id {eid!r} must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            )
        elif eid in seen_ids:
            problems.append(f"element {i}: id {eid!r} is used again (first by element {seen_ids[eid]})")
        else:
            seen_ids[eid] = i
        if not name:
            problems.append(f"element {i}: the name is empty")
        elif len(name) > NAME_MAX:
            problems.append(f"element {i}: the name is {len(name)} characters long, at most {NAME_MAX}")
        elif name.casefold() in seen_names:
            problems.append(
                f"element {i}: name {name!r} is used again (first by element {seen_names[name.casefold()]})"
            )
        else:
            seen_names[name.casefold()] = i
        if len(description) > DESCRIPTION_MAX:
            problems.append(
                f"element {i}: the description is {len(description)} characters long, at most {DESCRIPTION_MAX}"
            )
        if level_raw not in (None, ""):
            try:
                level = int(str(level_raw).strip())
                if not 1 <= level <= 4:
                    raise ValueError
            except ValueError:
                problems.append(f"element {i}: level {level_raw!r} must be empty or a whole number from 1 to 4")
        elements.append(Element(eid, name, description, level))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(tuple(elements), source=source)


def parse(data: bytes | str, filename: str) -> Catalogue:
    """Parse an uploaded catalogue: CSV (header id,name,description[,level]) or JSON.

    JSON may be a list of element objects or ``{"elements": [...]}``. The file type is chosen by the
    file name's extension.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CatalogueError([f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    data = data.removeprefix("\ufeff")
    source = Path(filename).name or "catalogue"
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        try:
            loaded = json.loads(data)
        except json.JSONDecodeError as exc:
            raise CatalogueError(
                [f"the JSON is not valid: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
            ) from None
        if isinstance(loaded, dict):
            loaded = loaded.get("elements")
        return validate(loaded, source=source)
    if suffix == ".csv":
        try:
            reader = csv.DictReader(io.StringIO(data, newline=""))
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [col for col in ("id", "name") if col not in header]
            if missing:
                raise CatalogueError(
                    [f"the CSV header must name the columns id and name (missing: {', '.join(missing)})"]
                )
            reader.fieldnames = header
            records = [dict(row) for row in reader]
        except csv.Error as exc:
            raise CatalogueError([f"the CSV cannot be read ({exc}, line {reader.line_num})"]) from None
        return validate(records, source=source)
    raise CatalogueError([f"unsupported file type {suffix or '(none)'!r}: use .csv or .json"])


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
        raise InvalidInput("A ranking must be a list of element ids.")
    order = tuple(str(x) for x in order)
    known = catalogue.ids
    problems = []
    unknown = sorted({x for x in order if x not in known})
    repeated = sorted({x for x in order if order.count(x) > 1})
    missing = [x for x in known if x not in order]
    if unknown:
        problems.append("unknown element(s): " + ", ".join(unknown))
    if repeated:
        problems.append("listed more than once: " + ", ".join(repeated))
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if problems:
        raise InvalidInput(f"A ranking must put all {len(known)} elements in order, each once ({'; '.join(problems)}).")
    return order
