"""The passeport's links without account (schema `profiles`): only a keyed hash of each token."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.hashing import KeyedHash
from services.candidate_profile.domain.passeport import Link


def _link(r: asyncpg.Record) -> Link:
    return Link(
        r["link_id"],
        r["candidate_id"],
        r["kind"],
        r["label"],
        r["created_at"],
        r["expires_at"],
        r["revoked_at"],
    )


async def add_link(conn: Conn, *, link: Link, token_hash: KeyedHash, created_by: UUID) -> None:
    await conn.execute(
        "insert into profiles.passeport_links (link_id, candidate_id, kind, label, token_hash,"
        " token_kid, created_by, created_at, expires_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        link.link_id,
        link.candidate_id,
        link.kind,
        link.label,
        token_hash.value,
        token_hash.kid,
        created_by,
        link.created_at,
        link.expires_at,
    )


async def links(conn: Conn, candidate_id: UUID) -> list[Link]:
    rows = await conn.fetch(
        "select * from profiles.passeport_links where candidate_id = $1 order by created_at desc",
        candidate_id,
    )
    return [_link(r) for r in rows]


async def link_by_token(conn: Conn, hashes: Sequence[KeyedHash]) -> Link | None:
    """The link whose token hashes (under one of the keys still accepted) to one of these."""
    row = await conn.fetchrow(
        "select l.* from profiles.passeport_links l"
        " join unnest($1::text[], $2::text[]) as h(kid, value)"
        " on l.token_kid = h.kid and l.token_hash = h.value",
        [h.kid for h in hashes],
        [h.value for h in hashes],
    )
    return _link(row) if row else None


async def revoke_link(
    conn: Conn, *, candidate_id: UUID, link_id: UUID, at: datetime
) -> Link | None:
    row = await conn.fetchrow(
        "update profiles.passeport_links set revoked_at = $3"
        " where candidate_id = $1 and link_id = $2 and revoked_at is null returning *",
        candidate_id,
        link_id,
        at,
    )
    return _link(row) if row else None
