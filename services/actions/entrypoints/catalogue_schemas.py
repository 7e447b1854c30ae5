"""The catalogue API's request bodies: loosely typed on purpose, so that the catalogue's own
checks (domain/catalogue.py) say what is wrong with each field, in French."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.actions.domain.catalogue import ActionInput, SessionInput


class SessionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(examples=["2027-01-12T09:00:00+01:00"])
    ends_at: AwareDatetime = Field(examples=["2027-01-12T12:00:00+01:00"])
    capacity: int = Field(examples=[12], description="From 1 to 10,000 places.")
    schedules: list[str] = Field(default_factory=list, max_length=4, examples=[["day"]])

    def given(self) -> SessionInput:
        return SessionInput(self.starts_at, self.ends_at, self.capacity, tuple(self.schedules))


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(examples=["decouverte_metiers"])
    title: str = Field(max_length=1000, examples=["Découvrir les métiers du BTP"])
    description: str = Field(default="", max_length=20_000)
    rome_codes: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="ROME codes, or trades as words read through the ROME appellations.",
        examples=[["F1703", "couvreuse"]],
    )
    publics: list[str] = Field(max_length=10, examples=[["tous"]])
    commune_insee: str | None = Field(
        default=None, max_length=200, description="An INSEE code (or a commune's name)."
    )
    remote: bool = False
    prerequisites: str = Field(default="", max_length=20_000)
    accessibility: str = Field(default="", max_length=20_000)

    def given(self) -> ActionInput:
        return ActionInput(
            kind=self.kind,
            title=self.title,
            description=self.description,
            trades=tuple(self.rome_codes),
            publics=tuple(self.publics),
            commune=self.commune_insee or "",
            remote=self.remote,
            prerequisites=self.prerequisites,
            accessibility=self.accessibility,
        )


class NewActionBody(ActionBody):
    sessions: list[SessionBody] = Field(min_length=1, max_length=200)


class CapacityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: int
