"""Stored keyed hashes on the real PostgreSQL name their key: a bearer token outlives one rotation
of its pepper but not two; a candidate's consent history and erasure record stay findable by the
candidate's id across rotations of the ledger key."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from services.candidate_profile.adapters import ledger_repo
from services.candidate_profile.bootstrap import Services
from services.candidate_profile.domain.hashing import subject_hash, subject_hashes
from services.candidate_profile.handlers import referents
from services.candidate_profile.handlers.context import Context

pytestmark = pytest.mark.integration


def rotated(services: Services, purpose: str, generation: int) -> Context:
    keyring = dataclasses.replace(services.ctx.keyring, generations={purpose: generation})
    return dataclasses.replace(services.ctx, keyring=keyring)


async def test_a_bearer_token_outlives_one_rotation_of_its_pepper_but_not_two(
    services: Services, unique: str
) -> None:
    async with services.transaction() as conn:
        referent, token = await referents.create(
            conn,
            structure=f"ROT{unique}",
            name="Claire Rotation",
            email=f"rot.{unique}@example.org",
            days=1,
            ctx=services.ctx,
        )
    async with services.transaction() as conn:
        kid = await conn.fetchval(
            "select token_kid from profiles.referent_tokens where referent_id = $1",
            referent.referent_id,
        )
        assert kid == "bearer-token.1"
        during = await referents.authenticate(
            conn, token=token, ctx=rotated(services, "bearer-token", 2)
        )
        assert during is not None and during.referent_id == referent.referent_id
        after = await referents.authenticate(
            conn, token=token, ctx=rotated(services, "bearer-token", 3)
        )
        assert after is None


async def test_a_consent_history_is_found_whole_after_the_ledger_key_rotated(
    db_conn: asyncpg.Connection, services: Services
) -> None:
    candidate_id, now = uuid.uuid4(), datetime.now(UTC)
    first, third = services.ctx, rotated(services, "consent-ledger", 3)
    for ctx, action in ((first, "granted"), (third, "withdrawn")):
        await ledger_repo.append(
            db_conn,
            subject_hash=subject_hash(candidate_id, ctx.keyring),
            action=action,
            purposes=["matching"],
            expires_at=None,
            actor=None,
            at=now,
        )
    history = await ledger_repo.history(db_conn, subject_hashes(candidate_id, third.keyring))
    assert [h["action"] for h in history] == ["granted", "withdrawn"]
    other = await ledger_repo.history(db_conn, subject_hashes(uuid.uuid4(), third.keyring))
    assert other == []  # positive control: another candidate's id finds nothing


async def test_an_erasure_record_keeps_the_id_of_the_key_that_hashed_the_candidate(
    db_conn: asyncpg.Connection, services: Services
) -> None:
    candidate_id = uuid.uuid4()
    stored = subject_hash(candidate_id, rotated(services, "consent-ledger", 2).keyring)
    await ledger_repo.record_erasure(
        db_conn, subject_hash=stored, reason="withdrawn", version=1, at=datetime.now(UTC)
    )
    row = await db_conn.fetchrow(
        "select subject_kid, subject_hash from profiles.erasures where subject_hash = $1",
        stored.value,
    )
    assert row is not None and row["subject_kid"] == "consent-ledger.2"
    # Verifiable later, under a newer generation, from the id alone:
    later = subject_hashes(candidate_id, rotated(services, "consent-ledger", 4).keyring)
    assert (row["subject_kid"], row["subject_hash"]) in [(h.kid, h.value) for h in later]
