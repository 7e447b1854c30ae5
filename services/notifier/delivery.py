"""Working the e-mail queue: one due delivery (or one référent's digest) per transaction.
Webhooks have their own workers and claim (webhook_delivery.py).

The row stays locked (FOR UPDATE SKIP LOCKED) while it is sent, and is marked sent in the same
transaction before the send, so a crash at any point before the COMMIT leaves it pending and it is
sent after restart: never lost. A resend needs a crash between the server's "250 OK" and the
COMMIT (about a millisecond); the Message-ID / X-Spie-Delivery stay the same so that a receiver
can drop it. Exactly-once delivery over SMTP is not possible; this is the narrowest window.

Immediate e-mails are spaced: at most one a référent every `Channels.email_spacing`
(SPIE_EMAIL_SPACING_SECONDS, 60 s). An alert with none sent to its référent within that time goes
at once; the alerts that follow wait until the spacing has passed and then go together, in one
e-mail (all of them, as in a digest, which writes out the first twenty and counts the others:
messages.py; MAX_BURST bounds a group only when the spacing is 0). The
alerts of a batch of matches are planned due at the end of their référent's spacing already
(handlers.py); the check here catches the others (and a race). A need fitting ten of a
référent's people over a minute is one e-mail, not ten; it also makes the notifier's work follow
the e-mails a référent reads rather than the matches (each e-mail costs a dozen statements and
an SMTP exchange). Two workers sending to the same référent at the same instant may both send:
the spacing is a courtesy, not a lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import aiosmtplib
import asyncpg

from shared.metrics import ALERTS_SENT
from shared.transient import is_transient

from .adapters import alerts_repo, deliveries_repo, referents_repo
from .adapters.db import connection
from .adapters.smtp import EmailRejected
from .domain import messages
from .domain.model import Alert, Delivery, DeliveryStatus, Referent
from .domain.schedule import decide
from .handlers import Clock, alerts_sent

log = logging.getLogger("spie.notifier.delivery")
MAX_EMAIL_ATTEMPTS = 10
MAX_BURST = 20  # immediate alerts of one référent due at once in one e-mail, when not spaced
TRANSIENT_SMTP = (OSError, TimeoutError, aiosmtplib.SMTPException)
_ALERT_STATUS = {
    DeliveryStatus.SENT: "sent",
    DeliveryStatus.SUPPRESSED: "suppressed",
    DeliveryStatus.CANCELLED: "suppressed",
    DeliveryStatus.FAILED: "failed",
}


class EmailSender(Protocol):
    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None: ...

    async def close(self) -> None:
        """Let go of kept connections (at shutdown)."""
        ...


class WebhookPoster(Protocol):
    async def post(
        self, url: str, body: bytes, *, delivery_id: str, key_id: str, key: bytes
    ) -> None: ...


@dataclass
class Channels:
    email: EmailSender
    webhook: WebhookPoster
    public_url: str
    clock: Clock
    email_spacing: timedelta = timedelta(seconds=60)  # between immediate e-mails of a référent


async def deliver_next(pool: asyncpg.Pool, channels: Channels) -> bool:
    """Handle one due e-mail delivery; False when none is due."""
    delivery: Delivery | None = None
    async with connection(pool) as conn:
        try:
            async with conn.transaction():
                delivery = await deliveries_repo.claim_due(conn, now=channels.clock())
                if delivery is None:
                    return False
                referent = await referents_repo.get_referent(conn, referent_id=delivery.referent_id)
                await _deliver(conn, delivery, referent, channels)
        except asyncpg.DataError as exc:
            # This row cannot be sent as stored: record why rather than block the queue on it.
            if delivery is None:
                raise
            log.exception("delivery failed", extra={"fields": {"id": str(delivery.delivery_id)}})
            async with conn.transaction():
                await settle(conn, [delivery], DeliveryStatus.FAILED, type(exc).__name__)
        except Exception as exc:
            # Any other failure of this row alone (not an outage) sets it aside with the reason,
            # tried again later and failed after MAX_EMAIL_ATTEMPTS: the queue goes on. Raised
            # instead, the worker would be restarted only to pick the same row first, and no
            # e-mail would go out for anybody.
            if delivery is None or is_transient(exc):
                raise
            log.error(
                "delivery set aside",
                extra={"fields": {"id": str(delivery.delivery_id), "error": type(exc).__name__}},
            )
            async with conn.transaction():
                await _retry_later(conn, [delivery], f"erreur : {type(exc).__name__}", channels)
    return True


async def _deliver(
    conn: asyncpg.Connection, delivery: Delivery, referent: Referent | None, ch: Channels
) -> None:
    now = ch.clock()
    if referent is None:
        await settle(conn, [delivery], DeliveryStatus.SUPPRESSED, "référent inconnu")
        return
    decision = decide(delivery.channel, referent.preferences, active=referent.active, now=now)
    if decision.action == "postpone" and decision.until is not None:
        await deliveries_repo.postpone(conn, delivery_id=delivery.delivery_id, until=decision.until)
    elif decision.action == "suppress":
        await settle(conn, [delivery], DeliveryStatus.SUPPRESSED, decision.reason)
    else:
        # Spaced, an immediate e-mail carries every alert due, as a digest does: capped, the
        # alerts beyond the cap would wait a spacing more, and pile up when a référent gets
        # more than MAX_BURST a spacing (measured: a queue growing without end under the bench).
        spaced = not delivery.digest and bool(ch.email_spacing)
        limit = None if delivery.digest or spaced else MAX_BURST - 1
        group = [delivery]
        group += await deliveries_repo.claim_group(conn, first=delivery, now=now, limit=limit)
        if spaced:
            last = await deliveries_repo.last_immediate_email(
                conn, referent_id=referent.referent_id
            )
            if last is not None and now < last + ch.email_spacing:
                # Sent to them a moment ago: these wait, and go together (module docstring).
                ids = [d.delivery_id for d in group]
                await deliveries_repo.postpone_all(
                    conn, delivery_ids=ids, until=last + ch.email_spacing
                )
                return
        await _email(conn, group, referent, ch)


async def settle(
    conn: asyncpg.Connection,
    group: list[Delivery],
    status: DeliveryStatus,
    detail: str | None,
    alerts: list[Alert] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Settle the deliveries and record an AlertSent for each (`alerts`: already read; `at`:
    when they were sent, by the notifier's clock, else the database's)."""
    await deliveries_repo.finish(
        conn,
        delivery_ids=[d.delivery_id for d in group],
        status=status,
        error=None if status is DeliveryStatus.SENT else detail,
        sent_at=at,
    )
    if alerts is None:
        alerts = await alerts_repo.get_alerts(conn, alert_ids=[d.alert_id for d in group])
    for d in group:
        ALERTS_SENT.labels(d.channel.value, status.value).inc()
    await alerts_sent(
        conn,
        [
            (a, d.channel, _ALERT_STATUS[status], d.digest)
            for a, d in zip(alerts, group, strict=True)
        ],
        detail=detail,
    )


async def _email(
    conn: asyncpg.Connection, group: list[Delivery], referent: Referent, ch: Channels
) -> None:
    alerts = await alerts_repo.get_alerts(conn, alert_ids=[d.alert_id for d in group])
    try:
        text, message_id = _write(group, alerts, referent, ch.public_url)
    except (KeyError, TypeError, ValueError) as exc:
        # A stored alert the words cannot be made of: this row fails, the worker goes on.
        reason = f"message impossible à écrire : {type(exc).__name__}"
        await settle(conn, group, DeliveryStatus.FAILED, reason, alerts)
        return
    try:
        # Marked sent first, in a savepoint undone if sending fails: once the server has
        # accepted the message, only the COMMIT remains before the delivery is settled.
        async with conn.transaction():
            await settle(conn, group, DeliveryStatus.SENT, None, alerts, at=ch.clock())
            await ch.email.send(
                to=referent.email, subject=text.subject, body=text.body, message_id=message_id
            )
    except EmailRejected as exc:
        await settle(conn, group, DeliveryStatus.FAILED, f"refusé : {exc}", alerts)
    except TRANSIENT_SMTP as exc:
        await _retry_later(conn, group, type(exc).__name__, ch)


def _write(
    group: list[Delivery], alerts: list[Alert], referent: Referent, public_url: str
) -> tuple[messages.EmailText, str]:
    if group[0].digest:
        text = messages.digest_email(alerts, referent, public_url)
        return text, f"<digest-{group[0].delivery_id}@spie31>"
    many = len(alerts) > 1
    text = (
        messages.burst_email(alerts, referent, public_url)
        if many
        else messages.alert_email(alerts[0], referent, public_url)
    )
    return text, f"<alert-{group[0].delivery_id}@spie31>"


def retry_delay(attempts: int) -> timedelta:
    """How long an e-mail waits for the mail server after `attempts` tries: growing, at most an
    hour."""
    return timedelta(seconds=min(30 * 2**attempts, 3600))


async def _retry_later(
    conn: asyncpg.Connection, group: list[Delivery], reason: str, ch: Channels
) -> None:
    """The mail server is away: try again later with growing delays, give up after a while."""
    if group[0].attempts + 1 >= MAX_EMAIL_ATTEMPTS:
        await settle(
            conn,
            group,
            DeliveryStatus.FAILED,
            f"abandon après {MAX_EMAIL_ATTEMPTS} essais : {reason}",
        )
        return
    delay = retry_delay(group[0].attempts)
    for d in group:
        await deliveries_repo.postpone(
            conn,
            delivery_id=d.delivery_id,
            until=ch.clock() + delay,
            error=reason,
            attempted=True,
        )
