"""A diagnostic as kept: its answers, and the version of the trame they answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Diagnostic(BaseModel):
    model_config = ConfigDict(frozen=True)

    candidate_id: UUID
    seq: int = Field(ge=1)
    trame_version: int = Field(ge=1)
    answers: dict[str, Any]
    author_referent_id: UUID
    created_at: AwareDatetime
