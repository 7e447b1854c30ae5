"""The refused lines of an import, handed back as CSV: numbered as the import numbers them
(a quoted field over two lines included), each with its reasons in the form's words."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from services.employer_intake.bulk_import import LineError
from services.employer_intake.domain import bulk
from services.employer_intake.domain.model import NeedPayload, NeedRecord
from services.employer_intake.entrypoints.need_form import NeedForm
from services.employer_intake.entrypoints.refusals import refused_csv
from shared.referential.snapshot import Snapshot


def rows_of(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_a_refused_csv_line_comes_back_whole_with_its_number_and_reasons() -> None:
    body = (
        "employer_name;title;description;commune_insee;contract_type;hours_per_week\n"
        'A;Maçon;"deux\nlignes";31395;CDD;35\n'
        "B;Coffreur;;31395;STAGE;60\n"
    ).encode()
    parsed = bulk.parse(body, kind="csv", max_rows=10)
    assert [r.line for r in parsed] == [2, 4]  # the second record starts on line 4
    errors = [
        LineError(line=4, field="contract_type", reason="Input should be 'CDI'…"),
        LineError(line=4, field="hours_per_week", reason="Input should be ≤ 48"),
    ]
    rows = rows_of(refused_csv(body, "csv", errors), ";")
    assert len(rows) == 1
    assert (rows[0]["ligne"], rows[0]["employer_name"], rows[0]["hours_per_week"]) == (
        "4",
        "B",
        "60",
    )
    assert rows[0]["motifs"].startswith("Type de contrat : Choisissez le type de contrat")
    assert "Heures par semaine : Indiquez un nombre d'heures" in rows[0]["motifs"]


def test_a_refused_json_line_comes_back_as_written() -> None:
    body = b'{"title": "A"}\nnot json\n{"title": "C"}\n'
    errors = [LineError(line=2, field="(line)", reason="not JSON: Expecting value")]
    rows = rows_of(refused_csv(body, "ndjson", errors), ";")
    assert rows == [
        {
            "ligne": "2",
            "motifs": "Ligne : ligne illisible (not JSON: Expecting value)",
            "contenu": "not json",
        }
    ]


def record(rome_source: str) -> NeedRecord:
    now = datetime.now(UTC)
    payload = NeedPayload.model_validate(
        {
            "need_id": "00000000-0000-0000-0000-000000000001",
            "version": 1,
            "federation": "BTP31",
            "employer_name": "Bâtir",
            "title": "Maçon",
            "rome_code": "F1703",
            "commune_insee": "31395",
            "contract_type": "CDD",
            "hours_per_week": 35,
            "skills": ["Lecture de plans", "pose de coffrages"],
        }
    )
    return NeedRecord(payload=payload, rome_source=rome_source, created_at=now, updated_at=now)  # type: ignore[arg-type]


def test_editing_keeps_the_rule_of_the_intake_for_a_suggested_or_a_given_trade(
    snapshot: Snapshot,
) -> None:
    suggested = record("suggested")
    form = NeedForm.of(suggested, snapshot)
    # A suggested code is not shown as the federation's: left out of the patch, the intake
    # keeps it (or suggests again if the title changes).
    assert form.values["rome_code"] == ""
    assert form.values["skills"] == ["Lecture de plans"]  # a skill of the fiche, ticked
    assert form.values["autres_competences"] == "pose de coffrages"
    need, errors = form.need(snapshot)
    assert need is not None and errors == {}
    assert "rome_code" not in form.patch(need, suggested).model_dump(exclude_unset=True)
    # A given code emptied by the user: sent as null, so that the intake suggests one again.
    given = record("given")
    form = NeedForm.of(given, snapshot)
    form.values["rome_code"] = ""
    need, _ = form.need(snapshot)
    assert need is not None
    assert form.patch(need, given).model_dump(exclude_unset=True)["rome_code"] is None
