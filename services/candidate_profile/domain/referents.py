"""A référent: who they are, their structure, how they want their alerts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from services.candidate_profile.domain.events import PRODUCER
from shared.contracts import AlertPreferences, ReferentUpserted
from shared.contracts.common import ShortText

STRUCTURE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
StructureCode = Annotated[str, StringConstraints(pattern=STRUCTURE_PATTERN)]


class Referent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    referent_id: UUID
    structure: StructureCode
    name: ShortText
    email: EmailStr
    active: bool = True
    preferences: AlertPreferences = Field(default_factory=AlertPreferences)


def referent_upserted(referent: Referent) -> ReferentUpserted:
    return ReferentUpserted(
        producer=PRODUCER,
        payload={
            "referent_id": referent.referent_id,
            "structure": referent.structure,
            "name": referent.name,
            "email": referent.email,
            "active": referent.active,
            "preferences": referent.preferences,
        },
    )
