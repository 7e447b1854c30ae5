"""A bulk file is read line by line, or refused whole when it cannot be trusted."""

from __future__ import annotations

import json

import pytest

from services.employer_intake.domain.bulk import FileRejected, parse

HEADER = (
    "external_ref,employer_name,siret,title,commune_insee,contract_type,hours_per_week,"
    "skills,schedules,driving_licence_required"
)
GOOD = "R1,Bâtir Garonne,12345678900012,Maçon H/F,31395,CDD,35,coffrage|béton,day;early_morning,oui"


def csv_rows(*lines: str, header: str = HEADER) -> list:
    return parse("\n".join([header, *lines]).encode(), kind="csv", max_rows=10_000)


def test_a_csv_line_becomes_the_fields_of_a_need() -> None:
    [row] = csv_rows(GOOD)
    assert row.line == 2 and row.errors == []
    assert row.data["skills"] == ["coffrage", "béton"]
    assert row.data["schedules"] == ["day", "early_morning"]
    assert row.data["driving_licence_required"] is True
    assert "description" not in row.data  # absent column, default applies


def test_line_numbers_count_the_header_and_multi_line_quoted_cells() -> None:
    quoted = 'R2,"Bâtir\nGaronne",,Coffreur,31555,CDI,39,,,non'
    rows = csv_rows(GOOD, quoted, GOOD.replace("R1", "R3"))
    assert [r.line for r in rows] == [2, 3, 5]


def test_a_semicolon_separated_file_from_a_french_spreadsheet_is_read() -> None:
    header = "employer_name;title;commune_insee;contract_type;hours_per_week;skills"
    [row] = csv_rows("Bâtir;Maçon;31395;CDD;17,5;coffrage|béton", header=header)
    assert row.data["hours_per_week"] == "17.5"
    assert row.data["skills"] == ["coffrage", "béton"]


def test_a_line_with_missing_fields_in_the_middle_is_that_line_s_error_only() -> None:
    rows = csv_rows(GOOD, "R2,Bâtir,,Maçon", GOOD)
    assert rows[1].line == 3
    assert rows[1].errors[0].field == "(columns)"
    assert "missing fields" in rows[1].errors[0].reason
    assert rows[0].errors == rows[2].errors == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (f"{HEADER}\n{GOOD}\nR2,Bâtir,,Maçon".encode(), "line 3: the last line lacks fields"),
        (f'{HEADER}\n{GOOD}\nR2,"Bâtir'.encode(), "line 3"),
        (f"{HEADER}\n{GOOD}".encode("latin-1"), "not UTF-8: invalid byte at line 2"),
        (b"", "empty"),
    ],
    ids=["missing-fields-on-last-line", "unterminated-quote", "latin-1", "empty"],
)
def test_a_truncated_or_undecodable_file_is_refused_whole_with_400(body: bytes, words: str) -> None:
    with pytest.raises(FileRejected) as caught:
        parse(body, kind="csv", max_rows=100)
    assert caught.value.status == 400
    assert words in caught.value.message


def test_a_wrong_header_is_refused_with_the_unknown_and_missing_columns_named() -> None:
    with pytest.raises(FileRejected) as caught:
        csv_rows(GOOD, header=HEADER.replace("title", "intitule").replace("siret", "siren"))
    message = caught.value.message
    assert caught.value.status == 422
    assert "line 1" in message and "'intitule'" in message and "'siren'" in message
    assert "missing columns title" in message


def test_more_rows_than_allowed_is_refused_with_413() -> None:
    body = "\n".join([HEADER, *[GOOD] * 11]).encode()
    with pytest.raises(FileRejected) as caught:
        parse(body, kind="csv", max_rows=10)
    assert caught.value.status == 413


def test_a_utf8_bom_and_crlf_line_ends_are_accepted() -> None:
    body = ("\ufeff" + "\r\n".join([HEADER, GOOD, GOOD]) + "\r\n").encode()
    rows = parse(body, kind="csv", max_rows=10)
    assert [r.line for r in rows] == [2, 3]
    assert rows[0].data["external_ref"] == "R1"


NEED = {
    "employer_name": "Bâtir",
    "title": "Maçon",
    "commune_insee": "31395",
    "contract_type": "CDD",
    "hours_per_week": 35,
}


def test_json_lines_are_numbered_and_a_bad_middle_line_is_its_own_error() -> None:
    body = "\n".join([json.dumps(NEED), "{not json", "", "[1, 2]", json.dumps(NEED)]).encode()
    rows = parse(body, kind="ndjson", max_rows=10)
    assert [(r.line, [e.reason[:8] for e in r.errors]) for r in rows] == [
        (1, []),
        (2, ["not JSON"]),
        (4, ["a JSON o"]),
        (5, []),
    ]


def test_json_lines_cut_in_the_middle_of_the_last_line_are_refused_whole() -> None:
    body = (json.dumps(NEED) + "\n" + json.dumps(NEED)[:20]).encode()
    with pytest.raises(FileRejected) as caught:
        parse(body, kind="ndjson", max_rows=10)
    assert caught.value.status == 400 and "line 2" in caught.value.message
