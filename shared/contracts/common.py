"""Value types shared by several contracts.

Every free-text type here refuses or normalises control characters, once, so each API and each
event that uses them gets the same rule (a title with a line break once reached an e-mail
subject and stopped the notifier's delivery worker):

- one-line text (titles, names, skills, jobs): a run of line breaks or tabs becomes one space
  (a CSV cell typed with Alt+Enter stays readable); any other control character is refused;
- long text (description, experience): line breaks and tabs stay (``\\r\\n`` and ``\\r``
  become ``\\n``); any other control character is refused.

"Other control characters" are C0 (but tab and line breaks), DEL, C1, the line and paragraph
separators U+2028 / U+2029 and the bidirectional overrides and isolates U+202A–U+202E,
U+2066–U+2069 (they make a text read differently from what it holds).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError


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


_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS_AND_TABS = re.compile(r"[ ]*[\t\r\n]+[ \t\r\n]*")
_CARRIAGE_RETURNS = re.compile(r"\r\n?")


def forbidden_character(text: str) -> str | None:
    """The first character no text field may hold, as ``U+XXXX``, or None."""
    found = _FORBIDDEN.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def _refuse_controls(text: str) -> None:
    code = forbidden_character(text)
    if code is not None:
        raise PydanticCustomError(
            "control_character",
            "caractère de contrôle interdit ({code}) : retirez-le du texte",
            {"code": code},
        )


def one_line(text: str) -> str:
    """Line breaks and tabs become one space; any other control character is refused."""
    _refuse_controls(text)
    return _LINE_BREAKS_AND_TABS.sub(" ", text).strip()


def multi_line(text: str) -> str:
    """Line breaks (as ``\\n``) and tabs stay; any other control character is refused."""
    _refuse_controls(text)
    return _CARRIAGE_RETURNS.sub("\n", text)


OneLine = AfterValidator(one_line)
MultiLine = AfterValidator(multi_line)

InseeCode = Annotated[str, StringConstraints(pattern=r"^(\d{5}|2[AB]\d{3})$")]
RomeCode = Annotated[str, StringConstraints(pattern=r"^[A-N]\d{4}$")]
Siret = Annotated[str, StringConstraints(pattern=r"^\d{14}$")]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), MultiLine]
SkillText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine
]
