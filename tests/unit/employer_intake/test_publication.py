"""What of a need is published: its text without flagged or screened sentences, as written else."""

from __future__ import annotations

import uuid

from services.employer_intake.domain.compliance import compliance_flags
from services.employer_intake.domain.publication import kept_out, published
from shared.contracts import NeedPayload


def payload(title: str, description: str = "", skills: tuple[str, ...] = ()) -> NeedPayload:
    return NeedPayload(
        need_id=uuid.uuid4(), version=1, federation="GEIQ", employer_name="Logis Sud",
        title=title, description=description, skills=list(skills), commune_insee="31555",
        contract_type="CDD", hours_per_week=35, rome_label="Conduite d'engins de manutention",
        compliance_flags=compliance_flags(title, description, ". ".join(skills)),
    )  # fmt: skip


def test_a_flagged_piece_of_the_title_is_left_out_and_a_title_with_nothing_left_gets_the_label(
) -> None:  # fmt: skip
    assert published(payload("Cariste - homme uniquement")).title == "Cariste"
    assert published(payload("Homme uniquement")).title == "Conduite d'engins de manutention"


def test_a_flagged_or_screened_skill_is_left_out_and_named_with_its_position() -> None:
    need = payload("Cariste", skills=("CACES 3", "sans enfants", "RQTH"))
    assert published(need).skills == ["CACES 3"]
    assert [(s.field, s.reason) for s in kept_out(need)] == [
        ("skills.1", "flagged"), ("skills.2", "disability")
    ]  # fmt: skip


def test_a_clean_need_is_published_exactly_as_written() -> None:
    need = payload("Cariste", "Entrepôt à Muret.\nDébutants acceptés.", ("CACES 3",))
    assert published(need) == need and kept_out(need) == []
