"""Lines of the batch command: needs and profiles in DOMAIN.md's minimum contract.

Extra fields (first_name, employer_name...) are ignored; a bad line stops the command with
`file:line: field: reason`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.matcher.domain.model import Consent, Need, Profile

ScheduleName = Literal["day", "early_morning", "night", "weekend"]
M = TypeVar("M", bound=BaseModel)


class InputError(ValueError):
    pass


def _instant(value: Any) -> Any:
    """A date alone means midnight UTC of that day."""
    if isinstance(value, str) and len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0), UTC)
    return value


class ConsentLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    granted_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None = None
    purposes: list[str] = Field(default_factory=lambda: ["matching"])

    _dates = field_validator("granted_at", "expires_at", "withdrawn_at", mode="before")(
        lambda v: _instant(v)
    )

    @field_validator("granted_at", "expires_at", "withdrawn_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        return v if v is None or v.tzinfo else v.replace(tzinfo=UTC)


class NeedLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    need_id: str = Field(min_length=1)
    version: int = 1
    title: str = Field(min_length=1)
    description: str = ""
    rome_code: str | None = Field(default=None, pattern=r"^[A-N]\d{4}$")
    skills: list[str] = Field(default_factory=list)
    commune_insee: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    driving_licence_required: bool = False
    schedules: list[ScheduleName] = Field(default_factory=list)
    open_to_beginners: bool = False
    start_date: date | None = None

    def to_domain(self) -> Need:
        data = self.model_dump()
        return Need(
            **{
                **data,
                "skills": tuple(self.skills),
                "schedules": frozenset(self.schedules),
                "summary": {"title": self.title},
            }
        )


class ProfileLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    candidate_id: str = Field(min_length=1)
    version: int = 1
    consent: ConsentLine | None = None
    desired_jobs: list[str] = Field(min_length=1)
    desired_rome_codes: list[str] = Field(default_factory=list)
    experience: str = ""
    skills: list[str] = Field(default_factory=list)
    commune_insee: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    mobility_km: float = Field(ge=0)
    has_driving_licence: bool = False
    unavailable_schedules: list[ScheduleName] = Field(default_factory=list)
    available_from: date | None = None

    @field_validator("desired_jobs", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    def to_domain(self) -> Profile:
        c = self.consent
        consent = (
            None
            if c is None
            else Consent(c.granted_at, c.expires_at, c.withdrawn_at, tuple(c.purposes))
        )
        return Profile(
            candidate_id=self.candidate_id,
            version=self.version,
            consent=consent,
            desired_jobs=tuple(self.desired_jobs),
            desired_rome_codes=tuple(self.desired_rome_codes),
            experience=self.experience,
            skills=tuple(self.skills),
            commune_insee=self.commune_insee,
            mobility_km=self.mobility_km,
            has_driving_licence=self.has_driving_licence,
            unavailable_schedules=frozenset(self.unavailable_schedules),
            available_from=self.available_from,
        )


def read_lines(path: Path, model: type[M]) -> Iterator[M]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield model.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"]) or "line"
                raise InputError(f"{path}:{number}: {field}: {first['msg']}") from exc


def read_needs(path: Path) -> list[Need]:
    return [line.to_domain() for line in read_lines(path, NeedLine)]


def read_profiles(path: Path) -> list[Profile]:
    return [line.to_domain() for line in read_lines(path, ProfileLine)]
