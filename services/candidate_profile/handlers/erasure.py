"""Erasure: the event and its tombstone leave, the personal data leaves PostgreSQL.

What stays is the erasure record (a keyed hash of the id, when, why, the version) and the
consent ledger, itself keyed by that hash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters import idempotency_repo, ledger_repo, outbox, profiles_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.events import ErasureReason, profile_erased
from services.candidate_profile.domain.hashing import subject_hash
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.handlers.context import Context

log = logging.getLogger("spie.candidate_profile.erasure")


async def erase(conn: Conn, profile: Profile, *, reason: ErasureReason, ctx: Context) -> None:
    """Call inside the transaction that found the profile (locked)."""
    key = str(profile.candidate_id).encode()
    await outbox.forget_key(conn, key)
    # ProfileErased carries the version at erasure, so consumers ignore any older upsert.
    await outbox.publish(
        conn, profile_erased(profile.candidate_id, version=profile.version, reason=reason)
    )
    await outbox.tombstone(conn, key)
    await idempotency_repo.forget_candidate(conn, profile.candidate_id)
    await profiles_repo.delete(conn, profile.candidate_id)
    await ledger_repo.record_erasure(
        conn,
        subject_hash=subject_hash(profile.candidate_id, ctx.keyring),
        reason=reason,
        version=profile.version,
        at=ctx.clock(),
    )
    log.info("profile erased", extra={"fields": {"candidate_id": str(profile.candidate_id),
                                                 "reason": reason}})  # fmt: skip


@dataclass(frozen=True)
class RetentionReport:
    expired: int = 0
    inactive: int = 0
    outbox_purged: int = 0
    replies_purged: int = 0


async def _erase_due(pool: asyncpg.Pool, candidate_id: UUID, ctx: Context) -> str | None:
    """Erase one profile if it is still due when locked (a renewal may have come meanwhile)."""
    async with pool.acquire() as conn, conn.transaction():
        profile = await profiles_repo.get(conn, candidate_id, lock=True)
        if profile is None:
            return None
        now = ctx.clock()
        if profile.consent is not None and profile.consent.expires_at <= now:
            await ledger_repo.append(
                conn,
                subject_hash=subject_hash(candidate_id, ctx.keyring),
                action="expired",
                purposes=profile.consent.purposes,
                expires_at=profile.consent.expires_at,
                actor=None,
                at=now,
            )
            await erase(conn, profile, reason="expired", ctx=ctx)
            return "expired"
        if profile.updated_at <= now - timedelta(days=ctx.inactivity_days):
            await erase(conn, profile, reason="inactive", ctx=ctx)
            return "inactive"
        return None


async def run_retention(
    pool: asyncpg.Pool,
    ctx: Context,
    *,
    outbox_keep: timedelta,
    replies_keep: timedelta,
    batch: int = 200,
) -> RetentionReport:
    """One pass of the scheduled job: expired consents, inactive profiles, old outbox rows."""
    counts = {"expired": 0, "inactive": 0}
    while True:
        now = ctx.clock()
        async with pool.acquire() as conn:
            due = await profiles_repo.due_for_erasure(
                conn,
                now=now,
                inactive_before=now - timedelta(days=ctx.inactivity_days),
                limit=batch,
            )
        for candidate_id, _ in due:
            reason = await _erase_due(pool, candidate_id, ctx)
            if reason is not None:
                counts[reason] += 1
        if len(due) < batch:
            break
    async with pool.acquire() as conn:
        purged = await outbox.purge_published(conn, before=ctx.clock() - outbox_keep)
        replies = await idempotency_repo.purge(conn, before=ctx.clock() - replies_keep)
    return RetentionReport(counts["expired"], counts["inactive"], purged, replies)
