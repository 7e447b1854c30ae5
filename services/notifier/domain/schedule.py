"""When an alert may go out: immediate or daily digest, never during quiet hours (Paris time).

Only e-mail waits: a webhook feeds the structure's own tool, which decides when to bother anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.contracts import AlertChannel, AlertPreferences

from .model import DeliveryPlan

PARIS = ZoneInfo("Europe/Paris")


def _at(local_day: datetime, at: time) -> datetime:
    """That wall-clock time on that Paris day (zoneinfo resolves DST gaps and folds)."""
    return datetime.combine(local_day.date(), at, tzinfo=PARIS)


def in_quiet_hours(now: datetime, prefs: AlertPreferences) -> bool:
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(PARIS).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window spans midnight


def end_of_quiet_hours(now: datetime, prefs: AlertPreferences) -> datetime:
    """The first end of quiet hours after `now` (call only inside quiet hours)."""
    assert prefs.quiet_end is not None
    local = now.astimezone(PARIS)
    end = _at(local, prefs.quiet_end)
    if end <= local:
        end = _at(local + timedelta(days=1), prefs.quiet_end)
    return end


def next_digest(now: datetime, prefs: AlertPreferences) -> datetime:
    """The next digest hour strictly after `now`: a digest groups the 24 hours before it."""
    local = now.astimezone(PARIS)
    at = time(prefs.digest_hour)
    due = _at(local, at)
    if due <= local:
        due = _at(local + timedelta(days=1), at)
    return due


def email_due_at(now: datetime, prefs: AlertPreferences) -> datetime:
    due = next_digest(now, prefs) if prefs.mode == "daily_digest" else now
    if in_quiet_hours(due, prefs):
        due = end_of_quiet_hours(due, prefs)
    return due


def plan_deliveries(now: datetime, prefs: AlertPreferences, *, active: bool) -> list[DeliveryPlan]:
    """The channels an alert goes out on besides the inbox, and when."""
    if not active:
        return []
    plans = []
    if prefs.email:
        plans.append(
            DeliveryPlan(AlertChannel.EMAIL, email_due_at(now, prefs), prefs.mode == "daily_digest")
        )
    if prefs.webhook_url is not None:
        plans.append(DeliveryPlan(AlertChannel.WEBHOOK, now))
    return plans


@dataclass(frozen=True)
class Decision:
    """What to do with a due delivery, given the référent's preferences at that moment."""

    action: str  # "send" | "postpone" | "suppress"
    until: datetime | None = None
    reason: str | None = None


def decide(
    channel: AlertChannel, prefs: AlertPreferences, *, active: bool, now: datetime
) -> Decision:
    """Preferences may have changed since the delivery was planned: the latest ones win."""
    if not active:
        return Decision("suppress", reason="référent inactif")
    if channel is AlertChannel.WEBHOOK:
        if prefs.webhook_url is None:
            return Decision("suppress", reason="webhook désactivé")
        return Decision("send")
    if not prefs.email:
        return Decision("suppress", reason="e-mail désactivé")
    if in_quiet_hours(now, prefs):
        return Decision("postpone", until=end_of_quiet_hours(now, prefs))
    return Decision("send")


def email_plan(now: datetime, prefs: AlertPreferences, *, active: bool) -> DeliveryPlan | None:
    """When an e-mail about an action goes out, by the same preferences as alerts; None: never
    (the référent left or wants no e-mail). Actions have no webhook."""
    if not active or not prefs.email:
        return None
    return DeliveryPlan(AlertChannel.EMAIL, email_due_at(now, prefs), prefs.mode == "daily_digest")
