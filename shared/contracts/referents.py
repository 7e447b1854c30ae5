"""A référent as the notifier needs them: who, where to reach them, how they want alerts."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, HttpUrl

from shared.contracts.common import ShortText
from shared.contracts.envelope import Event


def _wall_clock(value: time | None) -> time | None:
    """Quiet hours are read on Paris's clock: a time with an offset ("20:00+02:00") says
    something else, and cannot be compared with one without (the notifier would stop on it)."""
    if value is not None and value.tzinfo is not None:
        raise ValueError("une heure de Paris, sans fuseau horaire (par exemple 20:00)")
    return value


WallClock = Annotated[time | None, AfterValidator(_wall_clock)]


class AlertPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: bool = True
    webhook_url: HttpUrl | None = None
    mode: Literal["immediate", "daily_digest"] = "immediate"
    digest_hour: int = Field(default=8, ge=0, le=23)
    quiet_start: WallClock = Field(default=time(20, 0), description="No e-mail from then.")
    quiet_end: WallClock = Field(default=time(7, 0), description="... until then.")


class ReferentPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    referent_id: UUID
    structure: ShortText = Field(examples=["CD31"])
    name: ShortText = Field(examples=["Claire Dupuy"])
    email: EmailStr = Field(examples=["claire.dupuy@cd31.fr"])
    active: bool = True
    preferences: AlertPreferences = Field(default_factory=AlertPreferences)


class ReferentUpserted(Event):
    event_type: Literal["ReferentUpserted"] = "ReferentUpserted"
    payload: ReferentPayload

    def key(self) -> bytes:
        return str(self.payload.referent_id).encode()
