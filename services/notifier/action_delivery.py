"""Working the e-mail queue of actions (proposals and freed places): one référent's due rows
per transaction, in one message.

As for alerts (delivery.py): the rows stay locked while the message is sent and are marked
sent in a savepoint before the send, so a crash before the COMMIT leaves them pending (never
lost), and a resend needs a crash between the server's "250 OK" and the COMMIT.
"""

from __future__ import annotations

import logging

import asyncpg

from shared.contracts import AlertChannel
from shared.transient import is_transient

from .adapters import action_mails_repo as mails_repo
from .adapters import action_proposals_repo as proposals_repo
from .adapters import place_notices_repo as notices_repo
from .adapters import referents_repo
from .adapters.action_mails_repo import ActionMail
from .adapters.db import connection
from .adapters.smtp import EmailRejected
from .delivery import MAX_BURST, MAX_EMAIL_ATTEMPTS, TRANSIENT_SMTP, Channels, retry_delay
from .domain.action_messages import actions_email
from .domain.model import Referent
from .domain.schedule import decide

log = logging.getLogger("spie.notifier.delivery")


async def deliver_next_actions(pool: asyncpg.Pool, channels: Channels) -> bool:
    """Handle one référent's due e-mail about actions; False when none is due."""
    first: ActionMail | None = None
    async with connection(pool) as conn:
        try:
            async with conn.transaction():
                first = await mails_repo.claim_due(conn, now=channels.clock())
                if first is None:
                    return False
                await _deliver(conn, first, channels)
        except Exception as exc:
            # A failure of this row alone (not an outage) sets it aside with the reason, as
            # delivery.py does: raised, the restarted worker would pick the same row first.
            if first is None or is_transient(exc):
                raise
            log.error(
                "action e-mail set aside",
                extra={"fields": {"id": str(first.item_id), "error": type(exc).__name__}},
            )
            async with conn.transaction():
                await _later(conn, [first], f"erreur : {type(exc).__name__}", channels)
    return True


async def _deliver(conn: asyncpg.Connection, first: ActionMail, ch: Channels) -> None:
    now = ch.clock()
    referent = await referents_repo.get_referent(conn, referent_id=first.referent_id)
    if referent is None:
        await mails_repo.finish(conn, item_ids=[first.item_id], status="suppressed")
        return
    decision = decide(AlertChannel.EMAIL, referent.preferences, active=referent.active, now=now)
    if decision.action == "postpone" and decision.until is not None:
        await mails_repo.postpone(conn, item_ids=[first.item_id], until=decision.until)
    elif decision.action == "suppress":
        await mails_repo.finish(
            conn, item_ids=[first.item_id], status="suppressed", error=decision.reason
        )
    else:
        limit = 500 if first.digest else MAX_BURST - 1
        group = [first, *await mails_repo.claim_group(conn, first=first, now=now, limit=limit)]
        await _send(conn, group, referent, ch)


async def _send(
    conn: asyncpg.Connection, group: list[ActionMail], referent: Referent, ch: Channels
) -> None:
    ids = [m.item_id for m in group]
    proposals = await proposals_repo.get_many(
        conn, ids=[m.item_id for m in group if m.kind == "proposition"]
    )
    notices = await notices_repo.get_many(conn, ids=[m.item_id for m in group if m.kind == "place"])
    try:
        text = actions_email(proposals, notices, referent, ch.public_url, digest=group[0].digest)
    except (KeyError, TypeError, ValueError) as exc:
        # A stored item the words cannot be made of: these rows fail, the queue goes on.
        reason = f"message impossible à écrire : {type(exc).__name__}"
        await mails_repo.finish(conn, item_ids=ids, status="failed", error=reason)
        return
    try:
        async with conn.transaction():
            await mails_repo.finish(conn, item_ids=ids, status="sent")
            await ch.email.send(
                to=referent.email,
                subject=text.subject,
                body=text.body,
                message_id=f"<actions-{group[0].item_id}@spie31>",
            )
    except EmailRejected as exc:
        await mails_repo.finish(conn, item_ids=ids, status="failed", error=f"refusé : {exc}")
    except TRANSIENT_SMTP as exc:
        await _later(conn, group, type(exc).__name__, ch)


async def _later(
    conn: asyncpg.Connection, group: list[ActionMail], reason: str, ch: Channels
) -> None:
    """Try again later with growing delays (the mail server is away, or this row failed);
    given up after MAX_EMAIL_ATTEMPTS."""
    ids = [m.item_id for m in group]
    if group[0].attempts + 1 >= MAX_EMAIL_ATTEMPTS:
        error = f"abandon après {MAX_EMAIL_ATTEMPTS} essais : {reason}"
        await mails_repo.finish(conn, item_ids=ids, status="failed", error=error)
        return
    until = ch.clock() + retry_delay(group[0].attempts)
    await mails_repo.postpone(conn, item_ids=ids, until=until, error=reason)
