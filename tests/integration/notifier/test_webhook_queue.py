"""The webhook queue on the real PostgreSQL with a fake poster (no network): per-structure
secrets, the lease that brings back a claim whose worker died, the circuit breaker; and an e-mail
that cannot be written failing alone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
import pytest_asyncio

from services.notifier.adapters import deliveries_repo, webhook_secrets_repo
from services.notifier.adapters.db import transaction
from services.notifier.adapters.webhook import WebhookFailed
from services.notifier.bootstrap import prepare_database
from services.notifier.delivery import Channels, deliver_next
from services.notifier.domain.breaker import CircuitBreaker
from services.notifier.handlers import handle_match_found, handle_referent_upserted
from services.notifier.webhook_delivery import WebhookRules, deliver_next_webhook
from shared.db.pool import create_pool

from .helpers import match_event, referent_event

pytestmark = pytest.mark.integration
# Far ahead of any other test's rows, so that what this module plans is due only for it.
NOW = datetime.now(UTC) + timedelta(days=3650)


@dataclass
class FakePoster:
    fail: bool = False
    calls: list[dict[str, str]] = field(default_factory=list)

    async def post(
        self, url: str, body: bytes, *, delivery_id: str, key_id: str, key: bytes
    ) -> None:
        self.calls.append({"url": url, "key_id": key_id, "body": body.decode()})
        if self.fail:
            raise WebhookFailed("HTTP 503")

    def to(self, url: str) -> list[dict[str, str]]:
        return [c for c in self.calls if c["url"] == url]


@dataclass
class FakeMail:
    sent: list[str] = field(default_factory=list)

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        self.sent.append(body)

    async def close(self) -> None:
        pass


@pytest_asyncio.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(dsn)
    await prepare_database(p)
    yield p
    await p.close()


async def _referent(pool: asyncpg.Pool, structure: str, **prefs: object) -> uuid.UUID:
    referent_id = uuid.uuid4()
    event = referent_event(referent_id, structure, "Claire", email=False, **prefs)
    await handle_referent_upserted(event, pool=pool, clock=lambda: NOW)
    return referent_id


async def _alert(pool: asyncpg.Pool, referent_id: uuid.UUID, structure: str, at: datetime) -> str:
    match = match_event(referent_id, structure, explanation=f"piste pour {structure}")
    await handle_match_found(match, pool=pool, hash_key=b"k", clock=lambda: at)
    return str(match.payload.match_id)


async def _drain(pool: asyncpg.Pool, ch: Channels, rules: WebhookRules) -> None:
    while await deliver_next_webhook(pool, ch, rules):
        pass


def _channels(poster: FakePoster, at: datetime = NOW) -> Channels:
    return Channels(email=FakeMail(), webhook=poster, public_url="http://x", clock=lambda: at)


async def test_only_a_structure_with_a_secret_gets_webhooks_signed_under_its_current_key(
    pool: asyncpg.Pool, unique: str
) -> None:
    structure, url = f"PLIE-{unique}", f"https://hooks-{unique}.example/alertes"
    referent_id = await _referent(pool, structure, webhook_url=url)
    poster, rules = FakePoster(), WebhookRules()
    await _alert(pool, referent_id, structure, NOW)
    await _drain(pool, _channels(poster), rules)
    assert poster.to(url) == []
    async with pool.acquire() as conn:
        reason = await conn.fetchval(
            "select last_error from notifier.deliveries where referent_id = $1", referent_id
        )
        assert reason == f"aucun secret de webhook pour la structure {structure}"
        first = await webhook_secrets_repo.create(conn, structure=structure)
    await _alert(pool, referent_id, structure, NOW)
    await _drain(pool, _channels(poster), rules)
    async with pool.acquire() as conn:
        second = await webhook_secrets_repo.rotate(conn, structure=structure)
    await _alert(pool, referent_id, structure, NOW)
    await _drain(pool, _channels(poster), rules)
    assert [c["key_id"] for c in poster.to(url)] == [first.key_id, second.key_id]
    async with pool.acquire() as conn:
        assert await webhook_secrets_repo.revoke(conn, structure=structure) == 1
    await _alert(pool, referent_id, structure, NOW)
    await _drain(pool, _channels(poster), rules)
    assert len(poster.to(url)) == 2  # revoked: nothing more is sent


async def test_a_webhook_whose_worker_died_after_claiming_it_is_sent_once_the_lease_ends(
    pool: asyncpg.Pool, unique: str
) -> None:
    structure, url = f"CAF-{unique}", f"https://hooks-{unique}.example/alertes"
    async with pool.acquire() as conn:
        await webhook_secrets_repo.create(conn, structure=structure)
    referent_id = await _referent(pool, structure, webhook_url=url)
    at = NOW + timedelta(days=1)
    await _alert(pool, referent_id, structure, at)
    rules = WebhookRules(lease=timedelta(seconds=60))
    async with transaction(pool) as conn:  # a worker claims it, then dies before posting
        claimed = await deliveries_repo.claim_webhook(conn, now=at, lease_until=at + rules.lease)
        assert claimed is not None and claimed.referent_id == referent_id
    poster = FakePoster()
    await _drain(pool, _channels(poster, at + timedelta(seconds=30)), rules)
    assert poster.to(url) == []  # still leased to the dead worker
    await _drain(pool, _channels(poster, at + timedelta(seconds=61)), rules)
    assert len(poster.to(url)) == 1


async def test_a_destination_that_keeps_failing_is_paused_and_its_deliveries_wait(
    pool: asyncpg.Pool, unique: str
) -> None:
    structure = f"ML-{unique}"
    dead, alive = f"https://dead-{unique}.example/x", f"https://alive-{unique}.example/x"
    async with pool.acquire() as conn:
        await webhook_secrets_repo.create(conn, structure=structure)
    to_dead = await _referent(pool, structure, webhook_url=dead)
    to_alive = await _referent(pool, structure, webhook_url=alive)
    at = NOW + timedelta(days=2)
    for _ in range(3):
        await _alert(pool, to_dead, structure, at)
    await _alert(pool, to_alive, structure, at)
    rules = WebhookRules(
        attempts=10, breaker=CircuitBreaker(threshold=2, cooldown=timedelta(minutes=5))
    )
    failing = FakePoster(fail=True)
    await _drain(pool, _channels(failing, at), rules)
    assert len(failing.to(dead)) == 2  # then paused: the third one was not tried
    assert len(failing.to(alive)) == 1  # another destination is still tried
    async with pool.acquire() as conn:
        waiting = await conn.fetch(
            "select status, due_at, last_error from notifier.deliveries where referent_id = $1",
            to_dead,
        )
    assert all(r["status"] == "pending" for r in waiting)  # postponed, not lost
    assert [r["last_error"] for r in waiting].count(
        "destination en pause après des échecs répétés"
    ) == 1
    recovered = FakePoster()
    await _drain(pool, _channels(recovered, at + timedelta(minutes=10)), rules)
    assert len(recovered.to(dead)) == 3  # after the pause, all three go out


async def test_an_email_that_cannot_be_written_fails_alone_and_the_next_one_goes_out(
    pool: asyncpg.Pool, unique: str
) -> None:
    structure = f"CD31-{unique}"
    referent_id = uuid.uuid4()
    event = referent_event(referent_id, structure, "Claire", email=True)
    at = NOW + timedelta(days=3)
    await handle_referent_upserted(event, pool=pool, clock=lambda: at)
    broken = await _alert(pool, referent_id, structure, at)
    async with pool.acquire() as conn:  # a stored alert the words cannot be made of
        await conn.execute(
            "update notifier.alerts set need = need - 'title' where match_id = $1::uuid", broken
        )
    mail = FakeMail()
    ch = Channels(email=mail, webhook=FakePoster(), public_url="http://x", clock=lambda: at)
    while await deliver_next(pool, ch):
        pass
    await _alert(pool, referent_id, structure, at)
    while await deliver_next(pool, ch):
        pass
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "select status, last_error from notifier.deliveries where referent_id = $1",
            referent_id,
        )
    statuses = sorted((r["status"], r["last_error"]) for r in rows)
    assert statuses == [("failed", "message impossible à écrire : KeyError"), ("sent", None)]
    assert len([body for body in mail.sent if f"piste pour {structure}" in body]) == 1


@dataclass
class ExplodingMail:
    """A mail adapter with a bug that shows for one address only."""

    bad_address: str
    delivered_to: list[str] = field(default_factory=list)

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        if to == self.bad_address:
            raise RuntimeError("a bug, not an outage")
        self.delivered_to.append(to)

    async def close(self) -> None:
        pass


async def test_a_delivery_that_keeps_failing_is_set_aside_and_the_others_still_go_out(
    pool: asyncpg.Pool, unique: str
) -> None:
    structure = f"CD31-{unique}"
    at = NOW + timedelta(days=4)
    bad, good = uuid.uuid4(), uuid.uuid4()
    for referent_id, name in ((bad, "Bruno"), (good, "Claire")):
        event = referent_event(referent_id, structure, name, email=True)
        await handle_referent_upserted(event, pool=pool, clock=lambda: at)
    await _alert(pool, bad, structure, at)  # due first: a worker meets it before the other
    await _alert(pool, good, structure, at)
    async with pool.acquire() as conn:
        bad_address = await conn.fetchval(
            "select email from notifier.referents where referent_id = $1", bad
        )
    mail = ExplodingMail(bad_address)
    ch = Channels(email=mail, webhook=FakePoster(), public_url="http://x", clock=lambda: at)
    while await deliver_next(pool, ch):
        pass
    good_address = await pool.fetchval(
        "select email from notifier.referents where referent_id = $1", good
    )
    ours = [a for a in mail.delivered_to if a in (good_address, bad_address)]
    assert ours == [good_address]  # the queue went on past the failing row
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "select status, attempts, last_error, due_at from notifier.deliveries"
            " where referent_id = $1",
            bad,
        )
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "pending",
        1,
        "erreur : RuntimeError",
    )
    assert row["due_at"] > at  # tried again later, not in a loop
