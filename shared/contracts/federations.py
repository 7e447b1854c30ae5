"""What the federations' portal needs from other services, and what it tells them.

- FederationUserUpserted (employer_intake → notifier): a person at a federation's desk, so that
  the notifier, which owns sign-in and sessions, can e-mail them a sign-in link and open their
  session at the front door (the `federation` role, scoped to their federation).
- NeedReachComputed (matcher → employer_intake): for one need, counts that name no one: the
  profiles compatible today, what each constraint costs (the counts with it relaxed), the
  proposals made and the référents' outcomes. No candidate identity leaves the matcher.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from shared.contracts.common import ShortText
from shared.contracts.envelope import Event

FederationRole = Literal["admin", "member"]


class FederationUserPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: UUID
    federation: ShortText = Field(examples=["BTP31"])
    name: ShortText = Field(examples=["Julie Martin"])
    email: EmailStr = Field(examples=["julie.martin@btp31.fr"])
    role: FederationRole = "member"
    active: bool = True


class FederationUserUpserted(Event):
    event_type: Literal["FederationUserUpserted"] = "FederationUserUpserted"
    payload: FederationUserPayload

    def key(self) -> bytes:
        return str(self.payload.user_id).encode()


# The relaxations a federation can weigh, each a count of compatible profiles with that one
# constraint loosened (the others kept): `sans_permis`, `plus_10_km`, `plus_20_km`,
# `sans_horaire:<schedule>` (one per schedule the need asks), `debutants`, `un_mois_plus_tard`.
class WhatIf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    relaxation: str = Field(examples=["sans_permis", "plus_10_km", "sans_horaire:night"])
    compatible: int = Field(ge=0, description="Profiles compatible with this one relaxed.")


class NeedReachPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    need_id: UUID
    federation: ShortText
    computed_at: AwareDatetime
    compatible: int = Field(ge=0, description="Consented profiles meeting every constraint.")
    what_if: list[WhatIf] = Field(default_factory=list)
    proposals: int = Field(ge=0, default=0, description="Proposals sent to référents.")
    outcomes: dict[str, int] = Field(
        default_factory=dict, description="Référents' decisions by kind (FeedbackDecision)."
    )


class NeedReachComputed(Event):
    event_type: Literal["NeedReachComputed"] = "NeedReachComputed"
    payload: NeedReachPayload

    def key(self) -> bytes:
        return str(self.payload.need_id).encode()


__all__ = [
    "FederationRole",
    "FederationUserPayload",
    "FederationUserUpserted",
    "NeedReachComputed",
    "NeedReachPayload",
    "WhatIf",
]
