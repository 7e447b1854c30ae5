"""Bulk files over HTTP: valid lines stored with their events, bad ones reported by line."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest

from services.employer_intake.domain.bulk import CSV_COLUMNS

from .conftest import need_body, read_needs_topic

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
NDJSON = {"Content-Type": "application/x-ndjson"}


def csv_file(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = {k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow(flat)
    return out.getvalue().encode()


async def test_a_100_line_csv_with_3_bad_lines_stores_97_and_reports_the_3_by_line(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    rows = [need_body(external_ref=f"R{i}", siret=None) for i in range(100)]
    rows[9]["hours_per_week"] = 60  # file line 11 (the header is line 1)
    rows[49]["commune_insee"] = "99999"  # line 51
    rows[89]["contract_type"] = "STAGE"  # line 91
    response = await client.post("/needs/bulk", content=csv_file(rows), headers={**headers, **CSV})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["received"], report["stored"], report["rejected"]) == (100, 97, 3)
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (11, "hours_per_week"),
        (51, "commune_insee"),
        (91, "contract_type"),
    ]
    assert (await client.get("/needs", headers=headers)).json()["total"] == 97
    events = await read_needs_topic(kafka_bootstrap, federation, expected=97)
    assert len(events) == 97

    again = await client.post("/needs/bulk", content=csv_file(rows), headers={**headers, **CSV})
    assert (again.json()["stored"], again.json()["already_present"]) == (0, 97)


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"employer_name,title\nA,B\n", 422, "missing columns"),
        (
            "employer_name,title,commune_insee,contract_type,hours_per_week\nBâtir,Maçon,31395,CDD,35\n"
            'Bâtir,"Maçon'.encode(),
            400,
            "truncated",
        ),
        (
            "employer_name,title,commune_insee,contract_type,hours_per_week\nBâtir,Maçon,31395,CDD,35\n"
            "Bâtir,Maçon".encode(),
            400,
            "truncated",
        ),
        (
            "employer_name,title,commune_insee,contract_type,hours_per_week\nBâtir,Maçon,31395,CDD,35\n".encode(
                "latin-1"
            ),
            400,
            "not UTF-8",
        ),
    ],
    ids=["wrong-header", "unterminated-quote", "missing-fields-on-last-line", "latin-1"],
)
async def test_a_file_refused_whole_stores_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], body: bytes, status: int, words: str
) -> None:
    response = await client.post("/needs/bulk", content=body, headers={**headers, **CSV})
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert (await client.get("/needs", headers=headers)).json()["total"] == 0


async def test_json_lines_are_imported_like_csv(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    lines = [json.dumps(need_body()), json.dumps(need_body(hours_per_week=0)), "{oops"]
    body = "\n".join([*lines, json.dumps(need_body())]).encode()
    response = await client.post("/needs/bulk", content=body, headers={**headers, **NDJSON})
    report = response.json()
    assert (report["stored"], report["rejected"]) == (2, 2)
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (2, "hours_per_week"),
        (3, "(line)"),
    ]


async def test_another_content_type_gets_415(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/needs/bulk", content=b"<xml/>", headers={**headers, "Content-Type": "application/xml"}
    )
    assert response.status_code == 415
