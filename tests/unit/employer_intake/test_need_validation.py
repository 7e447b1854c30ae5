"""Every bad field of a need is refused with its name; the referential is checked too."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.employer_intake.domain.errors import InvalidFields
from services.employer_intake.domain.model import NeedInput
from services.employer_intake.domain.preparation import prepare
from services.employer_intake.domain.rome_coding import RomeSuggester
from shared.referential.snapshot import Snapshot

VALID: dict[str, Any] = {
    "employer_name": "Bâtir Garonne",
    "siret": "12345678900012",
    "title": "Maçon / Maçonne",
    "commune_insee": "31395",
    "contract_type": "CDD",
    "hours_per_week": 35,
    "schedules": ["day"],
}
BAD_FIELDS = [
    ("hours_per_week", 0),
    ("hours_per_week", 49),
    ("siret", "1234"),
    ("commune_insee", "3139"),
    ("rome_code", "F17"),
    ("contract_type", "FREELANCE"),
    ("schedules", ["evening"]),
    ("title", ""),
    ("title", "x" * 201),
    ("description", "x" * 5001),
    ("employer_name", None),
    ("positions", 0),
    ("skills", ["x" * 121]),
    ("start_date", "04/01/2027"),
    ("driving_licence_required", "peut-être"),
    ("unknown_field", 1),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_a_bad_field_is_refused_and_named(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        NeedInput.model_validate({**VALID, field: value})
    assert field in {str(e["loc"][0]) for e in caught.value.errors()}


def test_schedules_repeated_are_kept_once() -> None:
    need = NeedInput.model_validate({**VALID, "schedules": ["day", "night", "day"]})
    assert [s.value for s in need.schedules] == ["day", "night"]


@pytest.mark.parametrize(("field", "value"), [("commune_insee", "75056"), ("rome_code", "A9999")])
def test_a_code_unknown_to_the_referential_is_refused_and_named(
    snapshot: Snapshot, suggester: RomeSuggester, field: str, value: str
) -> None:
    need = NeedInput.model_validate({**VALID, field: value})
    with pytest.raises(InvalidFields) as caught:
        prepare(need, snapshot=snapshot, suggester=suggester)
    assert [e.field for e in caught.value.errors] == [field]


@pytest.mark.parametrize(
    ("field", "value"), [("description", "a\x00b"), ("skills", ["ok", "\x07"])]
)
def test_control_characters_are_refused_and_named(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        NeedInput.model_validate({**VALID, field: value})
    assert [e["loc"][0] for e in caught.value.errors()] == [field]


def test_line_breaks_and_tabs_in_a_description_are_kept() -> None:
    need = NeedInput.model_validate({**VALID, "description": "Chantier.\n\tDémarrage lundi."})
    assert need.description == "Chantier.\n\tDémarrage lundi."
