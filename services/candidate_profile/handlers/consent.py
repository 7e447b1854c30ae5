"""Grant, renew and withdraw consent; every change is appended to the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters import ledger_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import consent as rules
from services.candidate_profile.domain.hashing import subject_hash, subject_hashes
from services.candidate_profile.domain.model import Consent, Profile
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers.context import Context
from services.candidate_profile.handlers.erasure import erase
from services.candidate_profile.handlers.profiles import (
    next_version,
    owned,
    save_and_publish,
    unshare_all,
    visible,
)
from shared.contracts.profiles import Purpose


async def _record(
    conn: Conn, profile: Profile, action: str, consent: Consent,
    actor: Referent, ctx: Context,
) -> None:  # fmt: skip
    await ledger_repo.append(
        conn,
        subject_hash=subject_hash(profile.candidate_id, ctx.keyring),
        action=action,
        purposes=consent.purposes,
        expires_at=consent.expires_at,
        actor=actor.referent_id,
        at=ctx.clock(),
    )


async def grant(
    conn: Conn, *, actor: Referent, candidate_id: UUID,
    purposes: list[Purpose], expires_at: datetime, ctx: Context,
) -> Profile:  # fmt: skip
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    consent = rules.grant(purposes, expires_at, ctx.clock())
    await _record(conn, current, "granted", consent, actor, ctx)
    profile = await _without_unconsented_shares(
        conn, next_version(current, ctx, consent=consent), ctx
    )
    await save_and_publish(conn, profile, ctx)
    return profile


async def renew(
    conn: Conn, *, actor: Referent, candidate_id: UUID,
    expires_at: datetime, ctx: Context,
) -> Profile:  # fmt: skip
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    consent = rules.renew(current.consent, expires_at, ctx.clock())
    await _record(conn, current, "renewed", consent, actor, ctx)
    profile = next_version(current, ctx, consent=consent)
    await save_and_publish(conn, profile, ctx)
    return profile


async def withdraw(
    conn: Conn, *, actor: Referent, candidate_id: UUID,
    purposes: list[Purpose] | None, ctx: Context,
) -> Profile | None:  # fmt: skip
    """The profile still held after a partial withdrawal, or None once erased."""
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    left = rules.withdraw(current.consent, purposes)
    assert current.consent is not None
    gone = tuple(p for p in current.consent.purposes if left is None or p not in left.purposes)
    await _record(conn, current, "withdrawn", current.consent.model_copy(
        update={"purposes": gone}), actor, ctx)  # fmt: skip
    if left is None:
        await erase(conn, current, reason="withdrawn", ctx=ctx)
        return None
    profile = await _without_unconsented_shares(conn, next_version(current, ctx, consent=left), ctx)
    await save_and_publish(conn, profile, ctx)
    return profile


async def _without_unconsented_shares(conn: Conn, profile: Profile, ctx: Context) -> Profile:
    """A consent without `sharing_with_partners` ends every share of the profile."""
    if profile.shared_with and not profile.shareable(ctx.clock()):
        return await unshare_all(conn, profile)
    return profile


async def history(
    conn: Conn, *, actor: Referent, candidate_id: UUID, ctx: Context
) -> list[dict[str, Any]]:
    await visible(conn, actor=actor, candidate_id=candidate_id, ctx=ctx)
    return await ledger_repo.history(conn, subject_hashes(candidate_id, ctx.keyring))
