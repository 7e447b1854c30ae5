"""The matcher's PostgreSQL schema: versions seen, and the audit log of the matches emitted."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shared.db.rows import insert_rows

SCHEMA = "matcher"
Kind = Literal["need", "profile"]
Conn = asyncpg.Connection | PoolConnectionProxy  # a connection, or one lent by the pool


async def accepts(conn: Conn, *, kind: Kind, entity_id: str, version: int) -> bool:
    """False for an event older than what was seen, or not newer than its erasure."""
    row = await conn.fetchrow(
        "select version, erased_version from matcher.versions where kind = $1 and entity_id = $2",
        kind,
        entity_id,
    )
    if row is None:
        return True
    erased = row["erased_version"]
    return version >= row["version"] and (erased is None or version > erased)


async def accepted(conn: Conn, *, kind: Kind, versions: list[tuple[str, int]]) -> list[bool]:
    """`accepts` for several entities in one query, in the order given."""
    rows = await conn.fetch(
        "select entity_id, version, erased_version from matcher.versions"
        " where kind = $1 and entity_id = any($2::text[])",
        kind,
        [entity_id for entity_id, _ in versions],
    )
    known = {r["entity_id"]: (r["version"], r["erased_version"]) for r in rows}
    return [
        entity_id not in known
        or (v >= known[entity_id][0] and (known[entity_id][1] is None or v > known[entity_id][1]))
        for entity_id, v in versions
    ]


async def record_versions(conn: Conn, *, seen: list[tuple[Kind, str, int]]) -> None:
    await conn.executemany(
        "insert into matcher.versions (kind, entity_id, version) values ($1, $2, $3)"
        " on conflict (kind, entity_id) do update set"
        " version = greatest(matcher.versions.version, excluded.version), updated_at = now()",
        seen,
    )


async def record_version(conn: Conn, *, kind: Kind, entity_id: str, version: int) -> None:
    await conn.execute(
        "insert into matcher.versions (kind, entity_id, version) values ($1, $2, $3)"
        " on conflict (kind, entity_id) do update set"
        " version = greatest(matcher.versions.version, excluded.version), updated_at = now()",
        kind,
        entity_id,
        version,
    )


async def record_erasure(conn: Conn, *, kind: Kind, entity_id: str, version: int) -> None:
    await conn.execute(
        "insert into matcher.versions (kind, entity_id, version, erased_version)"
        " values ($1, $2, $3, $3) on conflict (kind, entity_id) do update set"
        " version = greatest(matcher.versions.version, excluded.version),"
        " erased_version = greatest(coalesce(matcher.versions.erased_version, 0),"
        " excluded.erased_version), updated_at = now()",
        kind,
        entity_id,
        version,
    )


# Each column of an audit row and its type (one INSERT per batch: shared/db/rows.py).
_MATCH_TYPES = {
    "match_id": "uuid",
    "need_id": "uuid",
    "candidate_id": "uuid",
    "need_version": "integer",
    "profile_version": "integer",
    "direction": "text",
    "rank": "integer",
    "score": "double precision",
    "threshold": "double precision",
    "score_parts": "jsonb",
    "explanation": "text",
    "model_version": "text",
    "referential_version": "text",
    "inputs_hash": "text",
    # Who may read the row (services/matcher/adapters/audit_log.py).
    "structure": "text",
    "shared_with": "text[]",
    "federation": "text",
}
MATCH_COLUMNS = tuple(_MATCH_TYPES)


async def save_match(conn: Conn, *, row: dict[str, Any]) -> bool:
    """Store a match; False when the same need, candidate and versions were already matched."""
    return bool(await save_matches(conn, rows=[row]))


async def save_matches(conn: Conn, *, rows: list[dict[str, Any]]) -> set[UUID]:
    """`save_match` for several rows, in one statement; the ids of the matches new."""
    if not rows:
        return set()
    inserted = await insert_rows(
        conn,
        "matcher.matches",
        list(_MATCH_TYPES.items()),
        [tuple(r[c] for c in MATCH_COLUMNS) for r in rows],
        tail="on conflict (need_id, candidate_id, need_version, profile_version) do nothing",
        returning="match_id",
    )
    return {r["match_id"] for r in inserted}


async def save_feedback(conn: Conn, *, match_id: UUID, feedback: dict[str, Any]) -> bool:
    status = await conn.execute(
        "update matcher.matches set feedback = $2, feedback_at = now() where match_id = $1",
        match_id,
        feedback,
    )
    return status != "UPDATE 0"


async def claim_index_model(conn: Conn, *, location: str, model: str) -> str | None:
    """Record the encoder of the index at `location`; the model already recorded if it differs."""
    recorded: str = await conn.fetchval(
        "insert into matcher.index_models (location, model) values ($1, $2)"
        " on conflict (location) do update set location = excluded.location returning model",
        location,
        model,
    )
    return None if recorded == model else recorded


async def set_index_model(conn: Conn, *, location: str, model: str) -> None:
    """After a re-index: the index at `location` now holds vectors of `model`."""
    await conn.execute(
        "insert into matcher.index_models (location, model) values ($1, $2)"
        " on conflict (location) do update set model = excluded.model, recorded_at = now()",
        location,
        model,
    )


async def erased_profiles(conn: Conn, *, hashes: list[str]) -> dict[str, int]:
    """Keyed hash -> version at erasure, for those of `hashes` that were erased."""
    rows = await conn.fetch(
        "select candidate_hash, version from matcher.erased_profiles"
        " where candidate_hash = any($1::text[])",
        hashes,
    )
    return {r["candidate_hash"]: r["version"] for r in rows}


async def erased_in_clear(conn: Conn) -> list[tuple[str, int]]:
    """(id, version) of the profiles erased while the id was kept in clear."""
    rows = await conn.fetch(
        "select entity_id, erased_version from matcher.versions"
        " where kind = 'profile' and erased_version is not null"
    )
    return [(r["entity_id"], r["erased_version"]) for r in rows]


async def erase_profile(conn: Conn, *, candidate_id: str, candidate_hash: str, version: int) -> int:
    """Forget the candidate, keep the AI Act log without them; idempotent. Rows anonymised.

    Kept per match: need, versions, rank, score, threshold, the similarity parts, model and
    referential versions, the référent's decision, the keyed hash. Gone: the candidate id,
    the explanation (their skills, their km from home), the distance, the inputs' digest
    (a plain hash of their profile: whoever kept a copy could link it), and the versions row
    that held the id in clear (the keyed hash in erased_profiles takes its place).
    """
    await conn.execute(
        "insert into matcher.erased_profiles (candidate_hash, version) values ($1, $2)"
        " on conflict (candidate_hash) do update"
        " set version = greatest(matcher.erased_profiles.version, excluded.version)",
        candidate_hash,
        version,
    )
    await conn.execute(
        "delete from matcher.versions where kind = 'profile' and entity_id = $1", candidate_id
    )
    status = await conn.execute(
        "update matcher.matches set candidate_id = null, candidate_hash = $2, explanation = null,"
        " inputs_hash = null, score_parts = score_parts - 'distance_km', erased_at = now()"
        " where candidate_id = $1::uuid",
        candidate_id,
        candidate_hash,
    )
    return int(status.split()[-1])
