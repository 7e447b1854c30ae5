"""When an e-mail alert may go out: immediate or daily digest, quiet hours, Paris time."""

from __future__ import annotations

from datetime import UTC, datetime, time

from services.notifier.domain.schedule import (
    PARIS,
    decide,
    email_due_at,
    in_quiet_hours,
    plan_deliveries,
)
from shared.contracts import AlertChannel, AlertPreferences


def paris(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PARIS)


IMMEDIATE = AlertPreferences()  # quiet from 20:00 to 07:00
DIGEST = AlertPreferences(mode="daily_digest", digest_hour=8)


def test_quiet_hours_span_midnight_in_paris_time_whatever_the_season() -> None:
    winter_2130_paris = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # UTC+1
    summer_1930_paris = datetime(2026, 7, 1, 17, 30, tzinfo=UTC)  # UTC+2
    assert in_quiet_hours(winter_2130_paris, IMMEDIATE)
    assert not in_quiet_hours(summer_1930_paris, IMMEDIATE)
    assert in_quiet_hours(paris(2026, 12, 2, 6, 59), IMMEDIATE)
    assert not in_quiet_hours(paris(2026, 12, 2, 7, 0), IMMEDIATE)


def test_an_immediate_alert_goes_out_at_once_during_the_day() -> None:
    now = paris(2026, 11, 27, 10, 15)
    assert email_due_at(now, IMMEDIATE) == now


def test_an_alert_found_at_night_waits_for_the_end_of_quiet_hours() -> None:
    assert email_due_at(paris(2026, 11, 27, 23, 40), IMMEDIATE) == paris(2026, 11, 28, 7)
    assert email_due_at(paris(2026, 11, 28, 3, 0), IMMEDIATE) == paris(2026, 11, 28, 7)


def test_the_days_matches_are_grouped_into_the_next_digest() -> None:
    morning = email_due_at(paris(2026, 11, 27, 9, 0), DIGEST)
    evening = email_due_at(paris(2026, 11, 27, 22, 0), DIGEST)
    early_next_day = email_due_at(paris(2026, 11, 28, 7, 59), DIGEST)
    assert morning == evening == early_next_day == paris(2026, 11, 28, 8)
    assert email_due_at(paris(2026, 11, 28, 8, 0), DIGEST) == paris(2026, 11, 29, 8)


def test_a_digest_hour_inside_quiet_hours_is_sent_when_they_end() -> None:
    prefs = AlertPreferences(mode="daily_digest", digest_hour=6)
    assert email_due_at(paris(2026, 11, 27, 12), prefs) == paris(2026, 11, 28, 7)


def test_the_digest_keeps_its_paris_hour_across_the_change_to_summer_time() -> None:
    due = email_due_at(paris(2027, 3, 27, 12), DIGEST)  # clocks go forward on 28 March
    assert due == paris(2027, 3, 28, 8)
    assert due.astimezone(UTC).hour == 6


def test_a_switched_off_channel_gets_no_delivery() -> None:
    prefs = AlertPreferences(email=False)
    assert plan_deliveries(paris(2026, 11, 27, 10), prefs, active=True) == []
    assert plan_deliveries(paris(2026, 11, 27, 10), IMMEDIATE, active=False) == []


def test_a_webhook_is_not_held_back_by_quiet_hours() -> None:
    prefs = AlertPreferences(webhook_url="https://outil.cd31.fr/alertes")
    night = paris(2026, 11, 27, 23)
    plans = {p.channel: p for p in plan_deliveries(night, prefs, active=True)}
    assert plans[AlertChannel.WEBHOOK].due_at == night
    assert plans[AlertChannel.EMAIL].due_at == paris(2026, 11, 28, 7)


def test_the_latest_preferences_decide_when_a_delivery_falls_due() -> None:
    day, night = paris(2026, 11, 27, 10), paris(2026, 11, 27, 21)
    assert decide(AlertChannel.EMAIL, IMMEDIATE, active=True, now=day).action == "send"
    assert decide(AlertChannel.EMAIL, IMMEDIATE, active=True, now=night).until == paris(
        2026, 11, 28, 7
    )
    off = AlertPreferences(email=False)
    assert decide(AlertChannel.EMAIL, off, active=True, now=day).reason == "e-mail désactivé"
    assert decide(AlertChannel.WEBHOOK, IMMEDIATE, active=True, now=day).action == "suppress"
    assert decide(AlertChannel.EMAIL, IMMEDIATE, active=False, now=day).action == "suppress"


def test_no_quiet_hours_when_the_referent_set_none() -> None:
    prefs = AlertPreferences(quiet_start=None, quiet_end=None)
    assert not in_quiet_hours(paris(2026, 11, 27, 3), prefs)
    same = AlertPreferences(quiet_start=time(8), quiet_end=time(8))
    assert not in_quiet_hours(paris(2026, 11, 27, 8), same)
