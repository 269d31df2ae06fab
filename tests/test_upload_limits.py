"""Whatever is uploaded (an element list, an organisation-wide ranking), the work done is bounded and the
answer is a message for people: a file over the limit is refused before it is decoded, a long file is read
only to its first row too many, and deep nesting, numbers of thousands of digits, bad encodings and binary
junk each get a CatalogueError / InvalidInput that says what is wrong."""

from __future__ import annotations

import csv
import json
import random
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trustcore import catalogue as catalogue_mod
from trustcore import uploads
from trustcore.catalogue import FILE_MAX_BYTES, MAX_ELEMENTS, CatalogueError, parse
from trustcore.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[1]
ODI = catalogue_mod.default()
TWENTY_MB = 20 * 1024 * 1024


def csv_rows(n: int) -> bytes:
    return ("id,name\n" + "".join(f"e{i},Element {i}\n" for i in range(n))).encode()


def test_streamlit_refuses_uploads_over_the_same_limit_as_the_parsers():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == FILE_MAX_BYTES  # Streamlit counts megabytes


class _Refused(AssertionError):
    pass


@pytest.fixture
def no_reading(monkeypatch):
    """Decoding or parsing anything fails the test: what is refused must be refused by its size alone."""

    def fail(*args, **kwargs):
        raise _Refused("the file was read")

    monkeypatch.setattr(catalogue_mod.json, "loads", fail)
    monkeypatch.setattr(catalogue_mod.csv, "DictReader", fail)
    monkeypatch.setattr(uploads.csv, "reader", fail)


class _Big(bytes):
    """20 MB of CSV rows whose decode() fails the test."""

    def decode(self, *args, **kwargs):  # type: ignore[override]
        raise _Refused("the file was decoded")


@pytest.mark.parametrize("name", ["elements.csv", "elements.json"])
def test_a_20_mb_element_list_is_refused_by_its_size_before_it_is_decoded(no_reading, name):
    data = _Big(csv_rows(TWENTY_MB // 16)[:TWENTY_MB])
    with pytest.raises(CatalogueError) as excinfo:
        parse(data, name)
    assert excinfo.value.problems == [
        "the file is 21.0 MB; at most 1.0 MB is read; an element list of 30 elements needs far less"
    ]


def test_a_20_mb_organisation_wide_ranking_is_refused_by_its_size_before_it_is_decoded(no_reading):
    with pytest.raises(InvalidInput, match=r"^The organisation-wide ranking is too long: the file is 21\.0 MB"):
        uploads.parse_baseline_csv(_Big(b"privacy\n" * (TWENTY_MB // 8)), ODI)


def test_a_long_csv_element_list_is_read_only_to_its_first_row_too_many(monkeypatch):
    rows_read = []

    class Counting(csv.DictReader):
        def __next__(self):
            rows_read.append(1)
            return super().__next__()

    monkeypatch.setattr(catalogue_mod.csv, "DictReader", Counting)
    data = csv_rows(50_000)
    assert len(data) < FILE_MAX_BYTES  # under the size limit: only the row count stops it
    with pytest.raises(CatalogueError) as excinfo:
        parse(data, "long.csv")
    assert excinfo.value.problems == ["it has more than 30 elements; a catalogue needs 2 to 30"]
    assert len(rows_read) == MAX_ELEMENTS + 1


def test_a_long_json_element_list_gets_one_problem_not_one_per_element():
    data = json.dumps([{"id": "", "name": ""}] * 40_000).encode()
    assert len(data) < FILE_MAX_BYTES
    with pytest.raises(CatalogueError) as excinfo:
        parse(data, "long.json")
    assert excinfo.value.problems == ["it has 40000 elements; a catalogue needs 2 to 30"]


def test_a_long_organisation_wide_ranking_is_refused_at_its_first_line_too_many():
    text = "\n".join(ODI.ids * 2)  # 20 lines for 10 elements, each line an element
    with pytest.raises(InvalidInput) as excinfo:
        uploads.parse_baseline_csv(text, ODI)
    assert str(excinfo.value) == (
        "The organisation-wide ranking has more than 11 lines (line 12 is one too many): give one line per "
        "element (10), with at most one header line."
    )


def test_deeply_nested_json_gets_a_message():
    for data in ("[" * 100_000 + "]" * 100_000, '{"elements": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        with pytest.raises(CatalogueError) as excinfo:
            parse(data.encode(), "nested.json")
        assert excinfo.value.problems == ["the JSON is nested too deeply to be an element list"]


def test_a_field_holding_a_list_or_an_object_gets_a_message():
    nested = "[" * 900 + "]" * 900  # parses, but its text would be deeply recursive
    data = f'[{{"id": {nested}, "name": "A"}}, {{"id": "b", "name": {{"x": 1}}, "level": [1]}}]'
    with pytest.raises(CatalogueError) as excinfo:
        parse(data.encode(), "fields.json")
    assert excinfo.value.problems == [
        "element 1: id must be text or a number, not a list or an object",
        "element 2: name, level must be text or a number, not a list or an object",
    ]


def test_numbers_of_thousands_of_digits_get_a_message():
    digits = "7" * 5000
    data = f'[{{"id": "a", "name": "A", "level": {digits}}}, {{"id": "b", "name": "B"}}]'
    with pytest.raises(CatalogueError) as excinfo:
        parse(data.encode(), "number.json")
    assert excinfo.value.problems == ["the JSON holds a number with thousands of digits; no field needs one"]

    quoted = f'[{{"id": "a", "name": "A", "level": "{digits}"}}, {{"id": "b", "name": "B", "level": {"7" * 4300}}}]'
    with pytest.raises(CatalogueError) as excinfo:
        parse(quoted.encode(), "number.json")
    assert excinfo.value.problems == [
        f"element 1: level {'7' * 60!r}… (5000 characters) must be empty or a whole number from 1 to 4",
        f"element 2: level {'7' * 60}… must be empty or a whole number from 1 to 4",
    ]

    with pytest.raises(CatalogueError) as excinfo:
        parse(f"id,name,level\na,A,{digits}\nb,B,2\n".encode(), "number.csv")
    assert excinfo.value.problems == [
        f"element 1: level {'7' * 60!r}… (5000 characters) must be empty or a whole number from 1 to 4"
    ]

    ranking = "element_id,rank\n" + "".join(f"{e},{digits if i == 1 else i}\n" for i, e in enumerate(ODI.ids, 1))
    with pytest.raises(InvalidInput) as excinfo:
        uploads.parse_baseline_csv(ranking, ODI)
    assert f"line 2: the rank {'7' * 60!r}… (5000 characters) is not a whole number" in str(excinfo.value)


JUNK = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "nul": b"\x00" * 4096,
    "utf-16": "id,name\na,A\nb,B\n".encode("utf-16"),
    "random": random.Random(22).randbytes(64 * 1024),
    "valid-utf8-control": "".join(chr(c) for c in range(32)).encode() * 100,
    "empty": b"",
}


@pytest.mark.parametrize("junk", list(JUNK))
@pytest.mark.parametrize("name", ["x.csv", "x.json"])
def test_binary_junk_gets_a_message(junk, name):
    with pytest.raises(CatalogueError) as excinfo:
        parse(JUNK[junk], name)
    assert str(excinfo.value).startswith("The element catalogue has problems:\n- ")


@pytest.mark.parametrize("junk", list(JUNK))
def test_binary_junk_as_an_organisation_wide_ranking_gets_a_message(junk):
    with pytest.raises(InvalidInput):
        uploads.parse_baseline_csv(JUNK[junk], ODI)


def test_the_create_page_shows_the_message_for_nested_json_not_an_exception(backend_store, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(backend_store.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("views/create.py").run()
    at.text_input(key="party_name_0").input("Us")
    at.text_input(key="party_name_1").input("Them")
    at.text_input[0].input("A relationship")
    at.radio[0].set_value("Upload my own list (CSV or JSON)")
    at.file_uploader[0].upload("deep.json", ("[" * 100_000 + "]" * 100_000).encode(), "application/json")
    at.button[0].click().run()
    assert not at.exception, at.exception
    (shown,) = [e.value for e in at.error]
    assert shown.startswith("The element catalogue has problems") and "nested too deeply" in shown
    assert backend_store.sessions() == []
