"""Dates and times as partners write them, read in Haute-Garonne's time (Europe/Paris)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")


def read_date(text: str) -> date | None:
    """ "12/01/2027" (as French spreadsheets write it) or "2027-01-12"; None if neither."""
    text = text.strip()
    day_first = _DAY_FIRST.match(text)
    iso = _ISO_DAY.match(text)
    try:
        if day_first:
            d, m, y = (int(g) for g in day_first.groups())
            return date(y, m, d)
        if iso:
            y, m, d = (int(g) for g in iso.groups())
            return date(y, m, d)
    except ValueError:  # 31/02/2027
        return None
    return None


def read_time(text: str) -> time | None:
    """ "09:30", "9h30", "9h"; None if not a time of day."""
    found = _TIME.match(text.strip())
    if not found:
        return None
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def local(day: date | None, at: time | None) -> datetime | None:
    """That day at that time in Toulouse, as an aware datetime; None if either is missing."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=PARIS)


def in_paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)
