"""The workspace's words for a person: first names compared without case or accents, the consent
state a badge announces, and end dates chosen as days that the consent rules accept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.candidate_profile.domain import consent as rules
from services.candidate_profile.domain.model import Consent
from services.candidate_profile.domain.people import ACCENTED, PLAIN, consent_status, fold
from services.candidate_profile.entrypoints import people_view as words

NOW = datetime(2026, 12, 6, 21, 40, tzinfo=UTC)


def _consent(*purposes: str, days: float) -> Consent:
    return Consent(purposes=purposes, granted_at=NOW - timedelta(days=1),  # type: ignore[arg-type]
                   expires_at=NOW + timedelta(days=days))  # fmt: skip


@pytest.mark.parametrize(
    ("name", "folded"),
    [("Inès", "ines"), ("ÉLODIE", "elodie"), ("Œdipe", "oedipe"), ("Zoë", "zoe")],
)
def test_a_first_name_folds_to_lower_case_without_accents(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_the_databases_translate_table_folds_each_letter_as_python_does() -> None:
    assert len(ACCENTED) == len(PLAIN) > 50
    assert all(fold(a) == p for a, p in zip(ACCENTED, PLAIN, strict=True))


@pytest.mark.parametrize(
    ("consent", "kind"),
    [
        (None, "none"),
        (_consent("matching", days=31), "active"),
        (_consent("matching", "sharing_with_partners", days=29), "expiring"),
        (_consent("sharing_with_partners", days=200), "not_for_matching"),
        (_consent("matching", days=-1), "expired"),
    ],
)
def test_the_badge_says_whether_matching_holds_and_for_how_long(
    consent: Consent | None, kind: str
) -> None:
    assert consent_status(consent, NOW).kind == kind


def test_the_latest_end_day_offered_is_one_the_rules_accept_and_the_next_is_not() -> None:
    latest = words.max_last_day(NOW)
    rules.check_expiry(words.expiry_after(latest), NOW, ("fin",))
    with pytest.raises(Exception, match="two years"):
        rules.check_expiry(words.expiry_after(latest + timedelta(days=1)), NOW, ("fin",))


def test_a_consent_ending_at_midnight_covers_the_day_before_it() -> None:
    ends = words.expiry_after(date(2027, 3, 1))
    assert words.last_day(ends) == date(2027, 3, 1)
    assert words.day(words.last_day(ends)) == "1er mars 2027"
