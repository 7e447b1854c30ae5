"""Structures, référents and their hashed bearer tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.errors import ReferentError
from services.candidate_profile.domain.hashing import KeyedHash
from services.candidate_profile.domain.referents import Referent

_FIELDS = "r.referent_id, r.structure, r.name, r.email, r.active, r.preferences"


def _referent(row: asyncpg.Record) -> Referent:
    return Referent.model_validate(dict(row))


async def ensure_structure(conn: Conn, code: str) -> None:
    await conn.execute(
        "insert into profiles.structures (code) values ($1) on conflict do nothing", code
    )


async def structure_exists(conn: Conn, code: str) -> bool:
    found: bool = await conn.fetchval(
        "select exists (select from profiles.structures where code = $1)", code
    )
    return found


async def save(conn: Conn, referent: Referent) -> None:
    try:
        await conn.execute(
            "insert into profiles.referents"
            " (referent_id, structure, name, email, active, preferences)"
            " values ($1, $2, $3, $4, $5, $6) on conflict (referent_id) do update set"
            " structure = excluded.structure, name = excluded.name, email = excluded.email,"
            " active = excluded.active, preferences = excluded.preferences, updated_at = now()",
            referent.referent_id,
            referent.structure,
            referent.name,
            referent.email,
            referent.active,
            referent.preferences.model_dump(mode="json"),
        )
    except asyncpg.UniqueViolationError as exc:
        raise ReferentError("a référent with this e-mail already exists") from exc


async def get(conn: Conn, referent_id: UUID) -> Referent | None:
    row = await conn.fetchrow(
        f"select {_FIELDS} from profiles.referents r where r.referent_id = $1",  # noqa: S608
        referent_id,
    )
    return _referent(row) if row else None


async def add_token(
    conn: Conn, *, referent_id: UUID, token_hash: KeyedHash, expires_at: datetime
) -> None:
    await conn.execute(
        "insert into profiles.referent_tokens (token_hash, token_kid, referent_id, expires_at)"
        " values ($1, $2, $3, $4)",
        token_hash.value,
        token_hash.kid,
        referent_id,
        expires_at,
    )


_MATCHING = (
    " join unnest($1::text[], $2::text[]) as h(kid, value)"
    " on t.token_kid = h.kid and t.token_hash = h.value"
)


async def by_token(
    conn: Conn, *, token_hashes: Sequence[KeyedHash], now: datetime
) -> Referent | None:
    """The active référent holding this unexpired, unrevoked token (hashed under each key)."""
    row = await conn.fetchrow(
        f"select {_FIELDS} from profiles.referent_tokens t{_MATCHING}"  # noqa: S608
        " join profiles.referents r using (referent_id)"
        " where t.revoked_at is null and t.expires_at > $3 and r.active",
        [h.kid for h in token_hashes],
        [h.value for h in token_hashes],
        now,
    )
    return _referent(row) if row else None


async def revoke_token(conn: Conn, *, token_hashes: Sequence[KeyedHash], now: datetime) -> int:
    status = await conn.execute(
        "update profiles.referent_tokens t set revoked_at = $3"
        " from unnest($1::text[], $2::text[]) as h(kid, value)"
        " where t.token_kid = h.kid and t.token_hash = h.value and t.revoked_at is null",
        [h.kid for h in token_hashes],
        [h.value for h in token_hashes],
        now,
    )
    return int(status.split()[-1])


async def revoke_all(conn: Conn, *, referent_id: UUID, now: datetime) -> int:
    status = await conn.execute(
        "update profiles.referent_tokens set revoked_at = $2"
        " where referent_id = $1 and revoked_at is null",
        referent_id,
        now,
    )
    return int(status.split()[-1])
