"""Value types shared by several contracts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints


class Schedule(StrEnum):
    DAY = "day"
    EARLY_MORNING = "early_morning"
    NIGHT = "night"
    WEEKEND = "weekend"


class ContractType(StrEnum):
    CDI = "CDI"
    CDD = "CDD"
    INTERIM = "INTERIM"
    ALTERNANCE = "ALTERNANCE"
    IAE = "IAE"


InseeCode = Annotated[str, StringConstraints(pattern=r"^(\d{5}|2[AB]\d{3})$")]
RomeCode = Annotated[str, StringConstraints(pattern=r"^[A-N]\d{4}$")]
Siret = Annotated[str, StringConstraints(pattern=r"^\d{14}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
SkillText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
