"""The element catalogue: the shipped ODI elements, parsing CSV/JSON uploads, validation messages, snapshots."""

from __future__ import annotations

import json

import pytest

from trustcore import catalogue
from trustcore.catalogue import Catalogue, Element, parse, validate
from trustcore.errors import CatalogueError, InvalidInput

ODI_NAMES = [
    "Active and positive impact",
    "Engagement and accountability",
    "Ethics and transparency",
    "Financial sustainability and revenue generation",
    "Governance and strategic oversight",
    "Legal standing and compliance",
    "Privacy and security",
    "Quality and accuracy",
    "Readiness and mitigation",
    "Skills and knowledge",
]

BOM = b"\xef\xbb\xbf"


def problems_of(excinfo) -> list[str]:
    return excinfo.value.problems


def records(n: int) -> list[dict]:
    return [{"id": f"e{i}", "name": f"Element {i}"} for i in range(1, n + 1)]


# ---------------------------------------------------------------- the shipped catalogue


def test_default_has_the_ten_odi_elements_with_exact_names():
    cat = catalogue.default()
    assert len(cat) == 10
    assert [e.name for e in cat.elements] == ODI_NAMES
    assert cat.ids == [
        "impact",
        "engagement",
        "ethics",
        "finance",
        "governance",
        "legal",
        "privacy",
        "quality",
        "readiness",
        "skills",
    ]
    assert cat.source == "ODI elements of trustworthy data stewardship"


def test_default_elements_have_descriptions_and_no_invented_levels():
    cat = catalogue.default()
    assert all(e.description for e in cat.elements)
    assert all(e.level is None for e in cat.elements)


def test_lookup_by_id_and_names_mapping():
    cat = catalogue.default()
    assert cat["privacy"].name == "Privacy and security"
    assert cat.names["quality"] == "Quality and accuracy"
    with pytest.raises(KeyError):
        cat["nope"]


# ---------------------------------------------------------------- parsing


CSV_TEXT = (
    "id,name,description,level\n"
    "alpha,Alpha,First one,1\n"
    'beta,  Beta   element ,"Second, with a comma",\n'
    "gamma,Gamma,,4\n"
)


def test_parse_csv_bytes():
    cat = parse(CSV_TEXT.encode(), "mine.csv")
    assert cat.ids == ["alpha", "beta", "gamma"]
    assert cat["beta"].name == "Beta element"  # spaces collapsed
    assert cat["beta"].description == "Second, with a comma"
    assert [e.level for e in cat.elements] == [1, None, 4]
    assert cat.source == "mine.csv"


def test_parse_csv_with_utf8_bom_bytes():
    cat = parse(BOM + CSV_TEXT.encode(), "bom.csv")
    assert cat.ids == ["alpha", "beta", "gamma"]


def test_parse_shipped_csv_with_bom_gives_the_default_elements():
    raw = catalogue.DEFAULT_PATH.read_bytes()
    assert [e.name for e in parse(BOM + raw, "elements.csv").elements] == ODI_NAMES


def test_parse_csv_with_bom_in_str_input():
    cat = parse("\ufeff" + CSV_TEXT, "bom.csv")
    assert cat.ids == ["alpha", "beta", "gamma"]


def test_parse_csv_header_case_and_spaces_and_extension_case():
    text = " ID , Name ,Description\nx1,X one,d\nx2,X two,d\n"
    cat = parse(text, "UPPER.CSV")
    assert cat.ids == ["x1", "x2"]
    assert cat["x1"].name == "X one"


def test_parse_csv_without_optional_columns():
    cat = parse("id,name\na,A\nb,B\n", "min.csv")
    assert [(e.id, e.name, e.description, e.level) for e in cat.elements] == [
        ("a", "A", "", None),
        ("b", "B", "", None),
    ]


def test_parse_csv_utf8_names():
    cat = parse("id,name\na,Données ouvertes\nb,Ética\n".encode(), "u.csv")
    assert cat.names == {"a": "Données ouvertes", "b": "Ética"}


def test_parse_json_list():
    data = json.dumps([{"id": "a", "name": "A", "level": 2}, {"id": "b", "name": "B", "description": "bee"}])
    cat = parse(data.encode(), "cat.json")
    assert cat.ids == ["a", "b"]
    assert cat["a"].level == 2
    assert cat["b"].description == "bee"
    assert cat.source == "cat.json"


def test_parse_json_object_with_elements():
    data = json.dumps({"source": "ignored here", "elements": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]})
    cat = parse(data, "dir/cat.JSON")
    assert cat.ids == ["a", "b"]
    assert cat.source == "cat.JSON"  # the file's own name, without its folder


def test_parse_json_with_bom_bytes():
    data = BOM + json.dumps({"elements": records(3)}).encode()
    assert parse(data, "c.json").ids == ["e1", "e2", "e3"]


# ---------------------------------------------------------------- validation problems, exactly


@pytest.mark.parametrize(
    "recs, expected",
    [
        (
            [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}],
            ["element 2: id 'a' is used again (first by element 1)"],
        ),
        (
            [{"id": "a", "name": "A"}, {"id": "b", "name": "   "}],
            ["element 2: the name is empty"],
        ),
        (
            [{"id": "a", "name": "A"}, {"id": "b"}],
            ["element 2: the name is empty"],
        ),
        (
            [{"id": "a", "name": "Privacy"}, {"id": "b", "name": " privacy "}],
            ["element 2: name 'privacy' is used again (first by element 1)"],
        ),
        (
            [{"id": "", "name": "A"}, {"id": "b", "name": "B"}],
            ["element 1: the id is empty"],
        ),
        (
            [{"id": "Bad Id", "name": "A"}, {"id": "b", "name": "B"}],
            [
                "element 1: id 'Bad Id' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            ],
        ),
        (
            [{"id": "-a", "name": "A"}, {"id": "b" * 41, "name": "B"}],
            [
                "element 1: id '-a' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit",
                f"element 2: id '{'b' * 41}' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit",
            ],
        ),
        (
            [{"id": "a", "name": "A"}],
            ["it has 1 elements; a catalogue needs 2 to 30"],
        ),
        (
            [],
            ["it has 0 elements; a catalogue needs 2 to 30"],
        ),
        (
            records(31),
            ["it has 31 elements; a catalogue needs 2 to 30"],
        ),
        (
            [{"id": "a", "name": "A", "level": "5"}, {"id": "b", "name": "B", "level": "x"}],
            [
                "element 1: level '5' must be empty or a whole number from 1 to 4",
                "element 2: level 'x' must be empty or a whole number from 1 to 4",
            ],
        ),
        (
            [{"id": "a", "name": "A", "level": 0}, {"id": "b", "name": "B", "level": 2.5}],
            [
                "element 1: level 0 must be empty or a whole number from 1 to 4",
                "element 2: level 2.5 must be empty or a whole number from 1 to 4",
            ],
        ),
        (
            [{"id": "a", "name": "N" * 81}, {"id": "b", "name": "B", "description": "d" * 501}],
            [
                "element 1: the name is 81 characters long, at most 80",
                "element 2: the description is 501 characters long, at most 500",
            ],
        ),
        (
            [{"id": "a", "name": "A"}, "just a string"],
            ["element 2: expected fields id, name, description, level"],
        ),
    ],
    ids=[
        "duplicate-id",
        "blank-name",
        "missing-name",
        "duplicate-name-casefold",
        "empty-id",
        "bad-id",
        "bad-ids-start-and-length",
        "too-few",
        "none",
        "too-many",
        "bad-level-text",
        "bad-level-number",
        "too-long",
        "not-an-object",
    ],
)
def test_validation_problem_is_reported_exactly(recs, expected):
    with pytest.raises(CatalogueError) as excinfo:
        validate(recs)
    assert problems_of(excinfo) == expected
    assert str(excinfo.value) == "The element catalogue has problems:\n- " + "\n- ".join(expected)


def test_valid_edge_values_pass():
    recs = [
        {"id": "a" * 40, "name": "N" * 80, "description": "d" * 500, "level": " 1 "},
        {"id": "0_b-c", "name": "B", "level": ""},
        {"id": "c", "name": "C", "level": 4},
    ]
    cat = validate(recs)
    assert [e.level for e in cat.elements] == [1, None, 4]
    assert len(validate(records(30))) == 30
    assert len(validate(records(2))) == 2


def test_every_problem_is_reported_at_once_in_order():
    recs = [
        {"id": "a", "name": "Alpha"},
        {"id": "a", "name": "alpha"},
        {"id": "Bad!", "name": ""},
        {"id": "d", "name": "Delta", "level": "9"},
    ]
    with pytest.raises(CatalogueError) as excinfo:
        validate(recs)
    assert problems_of(excinfo) == [
        "element 2: id 'a' is used again (first by element 1)",
        "element 2: name 'alpha' is used again (first by element 1)",
        "element 3: id 'Bad!' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit",
        "element 3: the name is empty",
        "element 4: level '9' must be empty or a whole number from 1 to 4",
    ]


def test_count_problem_comes_with_the_element_problems():
    with pytest.raises(CatalogueError) as excinfo:
        validate([{"id": "X", "name": ""}])
    assert problems_of(excinfo) == [
        "it has 1 elements; a catalogue needs 2 to 30",
        "element 1: id 'X' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit",
        "element 1: the name is empty",
    ]


def test_csv_problems_use_element_numbers():
    text = "id,name,level\na,A,\na,B,7\nc,,\n"
    with pytest.raises(CatalogueError) as excinfo:
        parse(text, "x.csv")
    assert problems_of(excinfo) == [
        "element 2: id 'a' is used again (first by element 1)",
        "element 2: level '7' must be empty or a whole number from 1 to 4",
        "element 3: the name is empty",
    ]


def test_catalogue_error_is_an_invalid_input():
    with pytest.raises(InvalidInput):
        validate([])


def test_non_utf8_bytes():
    data = b"id,name\n\xff\xfe,x\n"
    with pytest.raises(CatalogueError) as excinfo:
        parse(data, "x.csv")
    assert problems_of(excinfo) == [
        "the file is not UTF-8 text (invalid start byte at byte 8): save it as CSV UTF-8 or JSON"
    ]


def test_latin1_bytes_are_refused_not_misread():
    data = "id,name\na,Données\nb,B\n".encode("latin-1")
    with pytest.raises(CatalogueError) as excinfo:
        parse(data, "x.csv")
    assert problems_of(excinfo) == [
        "the file is not UTF-8 text (invalid continuation byte at byte 14): save it as CSV UTF-8 or JSON"
    ]


def test_bad_json():
    with pytest.raises(CatalogueError) as excinfo:
        parse(b'{"elements": [', "x.json")
    assert problems_of(excinfo) == ["the JSON is not valid: Expecting value (line 1, column 15)"]


def test_bad_json_reports_line_and_column():
    with pytest.raises(CatalogueError) as excinfo:
        parse('[\n  {"id": "a", "name": "A"},\n  {"id": "b" "name": "B"}\n]', "x.json")
    assert problems_of(excinfo) == ["the JSON is not valid: Expecting ',' delimiter (line 3, column 14)"]


@pytest.mark.parametrize(
    "payload",
    [{"items": []}, {"elements": "nope"}, "a string", 42, None],
    ids=["no-elements-key", "elements-not-list", "string", "number", "null"],
)
def test_json_that_is_not_a_list_of_elements(payload):
    with pytest.raises(CatalogueError) as excinfo:
        parse(json.dumps(payload), "x.json")
    assert problems_of(excinfo) == ["the file must hold a list of elements"]


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("x.txt", "unsupported file type '.txt': use .csv or .json"),
        ("x.xlsx", "unsupported file type '.xlsx': use .csv or .json"),
        ("noextension", "unsupported file type '(none)': use .csv or .json"),
    ],
)
def test_unsupported_extension(filename, expected):
    with pytest.raises(CatalogueError) as excinfo:
        parse(b"id,name\na,A\nb,B\n", filename)
    assert problems_of(excinfo) == [expected]


@pytest.mark.parametrize(
    "header, missing",
    [("ident,title", "id, name"), ("id,title", "name"), ("name,description", "id"), ("", "id, name")],
)
def test_missing_header_columns(header, missing):
    with pytest.raises(CatalogueError) as excinfo:
        parse(f"{header}\na,A\nb,B\n" if header else "", "x.csv")
    assert problems_of(excinfo) == [f"the CSV header must name the columns id and name (missing: {missing})"]


# ---------------------------------------------------------------- snapshots


def test_to_json_from_json_round_trip():
    cat = validate(
        [
            {"id": "a", "name": "Ä with accents", "description": "Desc «quoted»", "level": 3},
            {"id": "b", "name": "B", "description": "", "level": None},
        ],
        source="custom.json",
    )
    text = cat.to_json()
    back = Catalogue.from_json(text)
    assert back == cat
    assert back.elements[0] == Element("a", "Ä with accents", "Desc «quoted»", 3)
    assert back.source == "custom.json"
    assert "Ä" in text  # stored readably, not escaped


def test_default_round_trip_keeps_source_label():
    cat = catalogue.default()
    assert Catalogue.from_json(cat.to_json()) == cat


def test_session_keeps_its_catalogue_snapshot(store, tmp_path, monkeypatch):
    custom = parse("id,name\nx,Ex\ny,Why\nz,Zed\n", "custom.csv")
    first = store.create_session("With custom", ["A", "B"], catalogue=custom)
    default_session = store.create_session("With default", ["A", "B"])

    # The shipped file changes afterwards (the default now is something else) ...
    other_file = tmp_path / "elements.csv"
    other_file.write_text("id,name\np,P\nq,Q\n", encoding="utf-8")
    monkeypatch.setattr(catalogue, "DEFAULT_PATH", other_file)
    assert catalogue.default().ids == ["p", "q"]
    later = store.create_session("Later", ["A", "B"])

    # ... and other catalogues are used later, yet old sessions keep the catalogue they were created with.
    assert store._session(later.session.code).catalogue.ids == ["p", "q"]
    assert store._session(first.session.code).catalogue == custom
    old = store._session(default_session.session.code).catalogue
    assert [e.name for e in old.elements] == ODI_NAMES
    assert old.source == "ODI elements of trustworthy data stewardship"


def test_rankings_are_validated_against_the_session_snapshot(store):
    from trustcore.errors import InvalidInput as Invalid

    custom = parse("id,name\nx,Ex\ny,Why\nz,Zed\n", "custom.csv")
    c = store.create_session("Custom", ["A", "B"], catalogue=custom)
    j = store.join(c.session.code, c.session.parties[0].id, "Ann")
    assert sorted(j.participant.start_order) == ["x", "y", "z"]
    assert store.submit(c.session.code, j.token, ["z", "y", "x"], round_number=1).ranking.order == ("z", "y", "x")
    with pytest.raises(Invalid):
        store.submit(c.session.code, j.token, catalogue.default().ids, round_number=1)
