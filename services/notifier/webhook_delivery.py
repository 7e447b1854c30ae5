"""Working the webhook queue, apart from e-mail, and never inside a database transaction.

1. Claim (one transaction, committed): the due delivery gets a lease; what to send is read.
2. Post, with no transaction open and short timeouts (adapters/webhook.py).
3. Settle (a new transaction): sent, retried later, or given up with a dead-letter record.

A crash between 1 and 3 leaves the delivery pending with its lease: once the lease has run out,
any worker claims it again, so it is never lost (the receiver may get it twice, with the same
X-Spie-Delivery id so that it can drop the second).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import asyncpg

from shared.destinations import DestinationRefused, DestinationUnresolved

from .adapters import alerts_repo, deliveries_repo, referents_repo, webhook_secrets_repo
from .adapters.db import transaction
from .adapters.webhook import WebhookFailed
from .delivery import Channels, settle
from .domain import messages
from .domain.breaker import CircuitBreaker
from .domain.model import Delivery, DeliveryStatus
from .domain.schedule import decide

log = logging.getLogger("spie.notifier.webhooks")


@dataclass
class WebhookRules:
    attempts: int = 3
    backoff_seconds: float = 1.0
    lease: timedelta = timedelta(seconds=60)  # longer than any one POST may take
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)


@dataclass(frozen=True)
class Claim:
    delivery: Delivery
    url: str
    body: bytes
    secret: webhook_secrets_repo.WebhookSecret
    lease_until: datetime

    @property
    def destination(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port or parts.scheme}"


async def deliver_next_webhook(pool: asyncpg.Pool, ch: Channels, rules: WebhookRules) -> bool:
    """Handle one due webhook; False when none is due."""
    claimed = await _claim(pool, ch, rules)
    if claimed is None:
        return False
    if isinstance(claimed, Claim):
        outcome = await _post(claimed, ch)
        await _settle(pool, claimed, outcome, ch, rules)
    return True


async def _claim(pool: asyncpg.Pool, ch: Channels, rules: WebhookRules) -> Claim | bool | None:
    """The claim to post; True when the delivery was dealt with here; None when none is due."""
    now = ch.clock()
    async with transaction(pool) as conn:
        delivery = await deliveries_repo.claim_webhook(conn, now=now, lease_until=now + rules.lease)
        if delivery is None:
            return None
        referent = await referents_repo.get_referent(conn, referent_id=delivery.referent_id)
        if referent is None:
            await settle(conn, [delivery], DeliveryStatus.SUPPRESSED, "référent inconnu")
            return True
        decision = decide(delivery.channel, referent.preferences, active=referent.active, now=now)
        if decision.action != "send":
            await settle(conn, [delivery], DeliveryStatus.SUPPRESSED, decision.reason)
            return True
        secret = await webhook_secrets_repo.in_force(conn, structure=referent.structure)
        if secret is None:
            reason = f"aucun secret de webhook pour la structure {referent.structure}"
            await settle(conn, [delivery], DeliveryStatus.SUPPRESSED, reason)
            return True
        url = str(referent.preferences.webhook_url)
        alert = await alerts_repo.get_alert(conn, alert_id=delivery.alert_id)
        body = json.dumps(messages.webhook_payload(alert, ch.public_url), ensure_ascii=False)
        claim = Claim(delivery, url, body.encode(), secret, now + rules.lease)
        paused_until = rules.breaker.open_until(claim.destination, now)
        if paused_until is not None:
            await deliveries_repo.postpone(
                conn,
                delivery_id=delivery.delivery_id,
                until=paused_until,
                error="destination en pause après des échecs répétés",
            )
            return True
    return claim


@dataclass(frozen=True)
class Outcome:
    sent: bool = False
    refused: str | None = None  # the destination may never be called
    failed: str | None = None  # worth another try


async def _post(claim: Claim, ch: Channels) -> Outcome:
    try:
        await ch.webhook.post(
            claim.url,
            claim.body,
            delivery_id=str(claim.delivery.delivery_id),
            key_id=claim.secret.key_id,
            key=claim.secret.key,
        )
    except DestinationUnresolved as exc:
        return Outcome(failed=exc.reason)
    except DestinationRefused as exc:
        return Outcome(refused=f"destination refusée : {exc.reason}")
    except WebhookFailed as exc:
        return Outcome(failed=exc.reason)
    return Outcome(sent=True)


async def _settle(
    pool: asyncpg.Pool, claim: Claim, outcome: Outcome, ch: Channels, rules: WebhookRules
) -> None:
    d = claim.delivery
    now = ch.clock()
    async with transaction(pool) as conn:
        if not await deliveries_repo.lock_leased(
            conn, delivery_id=d.delivery_id, lease_until=claim.lease_until
        ):
            log.warning("webhook lease lost", extra={"fields": {"id": str(d.delivery_id)}})
            return
        if outcome.sent:
            rules.breaker.succeeded(claim.destination)
            await settle(conn, [d], DeliveryStatus.SENT, None)
        elif outcome.refused is not None:
            await _give_up(conn, claim, outcome.refused, attempts=0)
        else:
            reason = outcome.failed or "inconnu"
            rules.breaker.failed(claim.destination, now)
            if d.attempts + 1 >= rules.attempts:
                await _give_up(conn, claim, reason, attempts=d.attempts + 1)
            else:
                delay = timedelta(seconds=min(rules.backoff_seconds * 2**d.attempts, 3600))
                await deliveries_repo.postpone(
                    conn, delivery_id=d.delivery_id, until=now + delay, error=reason, attempted=True
                )


async def _give_up(conn: asyncpg.Connection, claim: Claim, reason: str, *, attempts: int) -> None:
    await deliveries_repo.record_webhook_dead_letter(
        conn, delivery=claim.delivery, url=claim.url, attempts=attempts, reason=reason
    )
    await settle(conn, [claim.delivery], DeliveryStatus.FAILED, reason)
