"""Control characters in text fields: one-line fields normalise line breaks and tabs to a space,
long text keeps them, and every other control character is refused with the field named."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from services.candidate_profile.domain.model import ProfileCreate
from services.employer_intake.domain import bulk
from services.employer_intake.domain.model import CloseRequest, NeedInput
from shared.contracts.common import LongText, ShortText, SkillText

# C0 (not tab/LF/CR), DEL, C1 (NEL included), line/paragraph separators, bidi overrides/isolates.
REFUSED = ["\x00", "\x07", "\x1b", "\x0b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
           "\u202a", "\u202e", "\u2066", "\u2069"]  # fmt: skip


class Texts(BaseModel):
    short: ShortText = "x"
    skill: SkillText = "x"
    long: LongText = ""


@pytest.mark.parametrize("field", ["short", "skill"])
def test_a_one_line_field_turns_line_breaks_and_tabs_into_one_space(field: str) -> None:
    value = Texts.model_validate({field: " Maçon\r\n\tcoffreur\nboiseur "})
    assert getattr(value, field) == "Maçon coffreur boiseur"


@pytest.mark.parametrize("field", ["short", "skill"])
def test_a_one_line_field_keeps_clean_text_as_written(field: str) -> None:
    value = Texts.model_validate({field: "Maçon / Maçonne  H/F — « béton »"})
    assert getattr(value, field) == "Maçon / Maçonne  H/F — « béton »"


def test_long_text_keeps_line_breaks_and_tabs_and_unifies_carriage_returns() -> None:
    value = Texts.model_validate({"long": "Chantier.\r\n\tDémarrage lundi.\rFin."})
    assert value.long == "Chantier.\n\tDémarrage lundi.\nFin."


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
@pytest.mark.parametrize("field", ["short", "skill", "long"])
def test_other_control_characters_are_refused_with_the_field_named(field: str, char: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Texts.model_validate({field: f"avant{char}après"})
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert error["type"] == "control_character"
    assert f"U+{ord(char):04X}" in error["msg"]


def test_a_line_break_alone_is_an_empty_title() -> None:
    with pytest.raises(ValidationError) as caught:
        Texts.model_validate({"short": "\r\n"})
    assert caught.value.errors()[0]["type"] == "string_too_short"


NEED = {"employer_name": "Bâtir", "title": "Maçon", "commune_insee": "31555",
        "contract_type": "CDD", "hours_per_week": 35}  # fmt: skip
PROFILE = {"first_name": "Samira", "desired_jobs": ["Cariste"], "commune_insee": "31555",
           "mobility_km": 10}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "base", "field", "value", "loc"),
    [
        (NeedInput, NEED, "employer_name", "Bâtir\u202eSARL", ("employer_name",)),
        (NeedInput, NEED, "title", "Maçon\x00", ("title",)),
        (NeedInput, NEED, "description", "a\u2028b", ("description",)),
        (NeedInput, NEED, "skills", ["ok", "coffrage\x1b"], ("skills", 1)),
        (NeedInput, NEED, "external_ref", "REF\x85X", ("external_ref",)),
        (ProfileCreate, PROFILE, "first_name", "Sam\u2066ira", ("first_name",)),
        (ProfileCreate, PROFILE, "desired_jobs", ["Cariste\x7f"], ("desired_jobs", 0)),
        (ProfileCreate, PROFILE, "experience", "3 ans\x0bde BTP", ("experience",)),
        (ProfileCreate, PROFILE, "skills", ["\u2029"], ("skills", 0)),
        (ProfileCreate, PROFILE, "notes", "note\x07", ("notes",)),
    ],
)
def test_every_text_field_of_both_apis_refuses_control_characters_by_name(
    model: type[BaseModel], base: dict[str, object], field: str, value: object,
    loc: tuple[object, ...],
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**base, field: value})
    assert [e["loc"] for e in caught.value.errors()] == [loc]
    model.model_validate(base)  # positive control: the same body without the field passes


def test_a_close_comment_keeps_its_line_breaks_but_not_a_bidi_override() -> None:
    assert CloseRequest(reason="filled", comment="Pourvu.\nMerci").comment == "Pourvu.\nMerci"
    with pytest.raises(ValidationError):
        CloseRequest(reason="filled", comment="Pourvu\u202e")


def test_profile_names_and_jobs_are_normalised_to_one_line() -> None:
    profile = ProfileCreate.model_validate(
        {**PROFILE, "first_name": "Samira\n", "desired_jobs": ["Cariste\r\nmagasinier"]}
    )
    assert (profile.first_name, profile.desired_jobs) == ("Samira", ["Cariste magasinier"])


def test_a_bulk_csv_title_with_a_quoted_line_break_is_stored_on_one_line() -> None:
    text = (
        "employer_name,title,commune_insee,contract_type,hours_per_week\n"
        'Bâtir,"Maçon\nconfirmé",31555,CDD,35\n'
        "Bâtir,Coffreur,31555,CDD,35\n"
    )
    first, second = bulk.parse_csv(text)
    assert NeedInput.model_validate(first.data).title == "Maçon confirmé"
    assert (second.line, NeedInput.model_validate(second.data).title) == (4, "Coffreur")
