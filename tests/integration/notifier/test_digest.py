"""Grouped e-mails: a référent in daily-digest mode gets one e-mail at the digest hour grouping
the day's matches, and one in immediate mode gets one e-mail for the alerts due at the same
moment rather than a burst of them (handlers and delivery queue on the real PostgreSQL, a fake
clock and mail server)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from services.notifier.bootstrap import prepare_database
from services.notifier.delivery import Channels, deliver_next
from services.notifier.domain.schedule import PARIS
from services.notifier.handlers import (
    handle_match_found,
    handle_matches_found,
    handle_profile_erased,
    handle_referent_upserted,
)
from shared.db.pool import create_pool

from .helpers import match_event, referent_event

pytestmark = pytest.mark.integration
KEY = b"test-key"


@dataclass
class FakeMail:
    sent: list[dict[str, str]] = field(default_factory=list)

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        self.sent.append({"to": to, "subject": subject, "body": body})

    async def close(self) -> None:
        pass


class NoWebhook:
    async def post(self, url: str, body: bytes, **_: object) -> None:
        raise AssertionError("no webhook configured")


@pytest_asyncio.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(dsn)
    await prepare_database(p)
    yield p
    await p.close()


async def _claire(pool: asyncpg.Pool, unique: str, at: datetime, **prefs: Any) -> uuid.UUID:
    """A new référent, Claire of CD31-`unique`, with these alert preferences."""
    referent_id = uuid.uuid4()
    await handle_referent_upserted(
        referent_event(referent_id, f"CD31-{unique}", "Claire", **prefs),
        pool=pool,
        clock=lambda: at,
    )
    return referent_id


async def test_the_days_matches_arrive_in_one_digest_at_the_digest_hour(
    pool: asyncpg.Pool, unique: str
) -> None:
    found_at = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    referent_id = await _claire(
        pool,
        unique,
        found_at,
        mode="daily_digest",
        digest_hour=8,
        quiet_start="20:00",
        quiet_end="07:00",
    )
    for hour in range(3):
        await handle_match_found(
            match_event(referent_id, f"CD31-{unique}", explanation=f"digest {unique} {hour}"),
            pool=pool,
            hash_key=KEY,
            clock=lambda h=hour: found_at + timedelta(hours=h),  # type: ignore[misc]
        )
    mail = FakeMail()

    async def drain(at: datetime) -> None:
        channels = Channels(
            email=mail, webhook=NoWebhook(), public_url="http://x", clock=lambda: at
        )
        while await deliver_next(pool, channels):
            pass

    await drain(datetime(2026, 11, 28, 7, 59, tzinfo=PARIS))
    mine = [m for m in mail.sent if unique in m["body"]]
    assert mine == []  # nothing before the digest hour
    await drain(datetime(2026, 11, 28, 8, 0, 5, tzinfo=PARIS).astimezone(UTC))
    [digest] = [m for m in mail.sent if unique in m["body"]]
    assert digest["subject"] == "Vos pistes du jour : 3 nouvelles pistes"
    assert all(f"digest {unique} {h}" in digest["body"] for h in range(3))


async def test_alerts_due_together_reach_an_immediate_referent_in_one_email(
    pool: asyncpg.Pool, unique: str
) -> None:
    now = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    referent_id = await _claire(pool, unique, now, mode="immediate")

    async def found(label: str) -> None:
        await handle_match_found(
            match_event(referent_id, f"CD31-{unique}", explanation=f"burst {unique} {label}"),
            pool=pool,
            hash_key=KEY,
            clock=lambda: now,
        )

    mail = FakeMail()
    channels = Channels(email=mail, webhook=NoWebhook(), public_url="http://x", clock=lambda: now)
    for label in ("a", "b", "c"):  # a need fitting three of her people, found in one batch
        await found(label)
    while await deliver_next(pool, channels):
        pass
    [burst] = [m for m in mail.sent if unique in m["body"]]
    assert burst["subject"] == "3 nouvelles pistes"
    assert all(f"burst {unique} {label}" in burst["body"] for label in "abc")

    await found("d")  # alone, but a moment after the burst: it waits for the spacing
    while await deliver_next(pool, channels):
        pass
    assert len([m for m in mail.sent if unique in m["body"]]) == 1
    later = Channels(
        email=mail,
        webhook=NoWebhook(),
        public_url="http://x",
        clock=lambda: now + channels.email_spacing,
    )
    while await deliver_next(pool, later):
        pass
    [_, single] = [m for m in mail.sent if unique in m["body"]]
    assert single["subject"].startswith("Nouvelle piste : Maçon / Maçonne à Muret")
    assert f"burst {unique} d" in single["body"]


@pytest.mark.parametrize("planned_spaced", [True, False], ids=["planned", "put-back"])
async def test_alerts_following_an_email_within_the_spacing_go_together_when_it_has_passed(
    pool: asyncpg.Pool, unique: str, planned_spaced: bool
) -> None:
    """Planned due at the end of the spacing by the batch handler (the notifier's way), or
    due at once and put back by the delivery worker (a référent's waiting alerts): the same
    e-mails."""
    start, spacing = datetime(2026, 11, 27, 10, tzinfo=PARIS), timedelta(seconds=60)
    claire = await _claire(pool, unique, start, mode="immediate")
    other = await _claire(pool, f"{unique}-b", start, mode="immediate")
    mail = FakeMail()

    def to(referent_id: uuid.UUID) -> list[dict[str, str]]:
        return [m for m in mail.sent if m["to"] == f"{referent_id.hex[:12]}@example.org"]

    async def deliver(at: datetime) -> None:
        channels = Channels(
            email=mail,
            webhook=NoWebhook(),
            public_url="http://x",
            clock=lambda: at,
            email_spacing=spacing,
        )
        while await deliver_next(pool, channels):
            pass

    async def found(referent_id: uuid.UUID, structure: str, label: str, at: datetime) -> None:
        [alert] = await handle_matches_found(
            [match_event(referent_id, structure, explanation=f"spaced {unique} {label}")],
            pool=pool,
            hash_key=KEY,
            clock=lambda: at,
            email_spacing=spacing if planned_spaced else timedelta(0),
        )
        due = await pool.fetchval(
            "select due_at from notifier.deliveries where alert_id = $1", alert.alert_id
        )
        sent = to(referent_id)
        expected = at if not sent or not planned_spaced else max(at, start + spacing)
        assert due == expected  # planned after the spacing, or due at once
        await deliver(at)

    hers = f"CD31-{unique}"
    await found(claire, hers, "first", start)
    assert len(to(claire)) == 1  # none sent to her before: at once
    await found(claire, hers, "second", start + spacing / 4)
    await found(claire, hers, "third", start + spacing / 2)
    await found(other, f"CD31-{unique}-b", "elsewhere", start + spacing / 2)
    assert len(to(claire)) == 1  # hers wait for the spacing ...
    assert len(to(other)) == 1  # ... another référent's alert of the same moment does not
    await found(claire, hers, "last", start + spacing - timedelta(seconds=1))
    assert len(to(claire)) == 1
    await deliver(start + spacing)
    first, together = to(claire)
    assert f"spaced {unique} first" in first["body"]
    assert together["subject"] == "3 nouvelles pistes"
    assert all(f"spaced {unique} {w}" in together["body"] for w in ("second", "third", "last"))


async def test_an_erasure_cancels_the_pending_digest_lines_and_says_so_on_the_alerts_topic(
    pool: asyncpg.Pool, unique: str
) -> None:
    found_at = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    referent_id, candidate_id = (
        await _claire(pool, unique, found_at, mode="daily_digest", digest_hour=8),
        uuid.uuid4(),
    )
    matches = [
        match_event(referent_id, f"CD31-{unique}", candidate_id=candidate_id) for _ in range(2)
    ]
    for match in matches:
        await handle_match_found(match, pool=pool, hash_key=KEY, clock=lambda: found_at)

    await handle_profile_erased(candidate_id, None, pool=pool, hash_key=KEY)

    rows = await pool.fetch(
        "select convert_from(value, 'UTF8')::jsonb -> 'payload' as p from notifier.outbox"
        " where topic = 'spie.alerts.v1'"
        " and convert_from(value, 'UTF8')::jsonb -> 'payload' ->> 'match_id' = any($1::text[])",
        [str(m.payload.match_id) for m in matches],
    )
    said = sorted((r["p"]["status"], r["p"]["detail"]) for r in rows)
    assert ("suppressed", "profil supprimé") in said
    mail = FakeMail()
    channels = Channels(
        email=mail,
        webhook=NoWebhook(),
        public_url="http://x",
        clock=lambda: datetime(2026, 11, 28, 8, 0, 5, tzinfo=PARIS),
    )
    while await deliver_next(pool, channels):
        pass
    assert [m for m in mail.sent if m["to"] == f"{referent_id.hex[:12]}@example.org"] == []
