"""The period a coordination view counts: two days, inclusive, the last 12 months by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LONGEST = timedelta(days=10 * 366)


@dataclass(frozen=True, slots=True)
class Period:
    start: date  # first day counted
    end: date  # last day counted


class PeriodError(ValueError):
    """A date the user typed cannot make a period: `field` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def last_twelve_months(today: date) -> Period:
    try:
        a_year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        a_year_ago = today.replace(year=today.year - 1, day=28)
    return Period(a_year_ago + timedelta(days=1), today)


def period_of(start: str | None, end: str | None, *, today: date) -> Period:
    """The period asked for (`du`, `au`: AAAA-MM-JJ, as a date field sends it); what is left
    empty comes from the last 12 months."""
    default = last_twelve_months(today)
    first = _day("du", start) or default.start
    last = _day("au", end) or default.end
    if last < first:
        raise PeriodError("au", "La date de fin doit être le même jour que le début ou après.")
    if last - first > LONGEST:
        raise PeriodError("du", "Choisissez une période de dix ans au plus.")
    return Period(first, last)


def _day(field: str, text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            field, "Date non reconnue : choisissez-la dans le calendrier ou écrivez AAAA-MM-JJ."
        ) from None
