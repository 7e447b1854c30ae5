"""The needs table in PostgreSQL (schema `intake`); every write runs in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from shared.contracts import NeedPayload

from ..domain.model import MatcherReading, NeedRecord, RomeAlternative

_COLUMNS = (
    "need_id, federation, version, status, payload, rome_source, rome_alternatives, external_ref,"
    " probable_duplicate, closed_reason, closed_comment, created_at, updated_at, matcher_reading"
)


def request_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _record(row: asyncpg.Record) -> NeedRecord:
    return NeedRecord(
        payload=NeedPayload.model_validate(row["payload"]),
        status=row["status"],
        rome_source=row["rome_source"],
        rome_alternatives=tuple(
            RomeAlternative.model_validate(a) for a in row["rome_alternatives"]
        ),
        probable_duplicate=row["probable_duplicate"],
        external_ref=row["external_ref"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        closed_reason=row["closed_reason"],
        closed_comment=row["closed_comment"],
        matcher_reading=(
            None
            if row["matcher_reading"] is None
            else MatcherReading.model_validate(row["matcher_reading"])
        ),
    )


def _alternatives(record: NeedRecord) -> list[dict[str, Any]]:
    return [a.model_dump(mode="json") for a in record.rome_alternatives]


async def insert_need(
    conn: asyncpg.Connection,
    *,
    record: NeedRecord,
    idempotency_key: str | None,
    body_hash: str,
) -> bool:
    """False when the idempotency key or external_ref is taken (nothing inserted)."""
    p = record.payload
    inserted = await conn.fetchval(
        "insert into intake.needs (need_id, federation, version, status, payload, rome_source,"
        " rome_alternatives, siret, rome_code, commune_insee, external_ref, idempotency_key,"
        " request_hash, duplicate_of, created_at, updated_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
        " on conflict do nothing returning true",
        p.need_id,
        p.federation,
        p.version,
        record.status,
        p.model_dump(mode="json"),
        record.rome_source,
        _alternatives(record),
        p.siret,
        p.rome_code,
        p.commune_insee,
        record.external_ref,
        idempotency_key,
        body_hash,
        p.duplicate_of,
        record.created_at,
    )
    return bool(inserted)


async def find_replay(
    conn: asyncpg.Connection,
    *,
    federation: str,
    idempotency_key: str | None,
    external_ref: str | None,
) -> tuple[NeedRecord, str] | None:
    """The need an earlier request with this key or external_ref created, and its body hash."""
    if idempotency_key is None and external_ref is None:
        return None
    row = await conn.fetchrow(
        f"select {_COLUMNS}, request_hash from intake.needs where federation = $1"  # noqa: S608
        " and (idempotency_key = $2 or external_ref = $3) order by created_at limit 1",
        federation,
        idempotency_key,
        external_ref,
    )
    return None if row is None else (_record(row), row["request_hash"])


async def get_need(
    conn: asyncpg.Connection, *, need_id: UUID, federation: str, for_update: bool = False
) -> NeedRecord | None:
    lock = " for update" if for_update else ""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from intake.needs where need_id = $1 and federation = $2{lock}",  # noqa: S608
        need_id,
        federation,
    )
    return None if row is None else _record(row)


async def list_needs(
    conn: asyncpg.Connection,
    *,
    federation: str,
    status: str | None,
    rome_code: str | None,
    commune: str | None,
    limit: int,
    offset: int,
    open_first: bool = False,
) -> tuple[list[NeedRecord], int]:
    """Newest first; `open_first` (the portal's list): the open needs before the closed ones."""
    where = (
        "federation = $1 and ($2::text is null or status = $2)"
        " and ($3::text is null or rome_code = $3) and ($4::text is null or commune_insee = $4)"
    )
    args = (federation, status, rome_code, commune)
    count_sql = f"select count(*) from intake.needs where {where}"  # noqa: S608
    total: int = await conn.fetchval(count_sql, *args)
    order = "status <> 'open', " if open_first else ""
    rows = await conn.fetch(
        f"select {_COLUMNS} from intake.needs where {where}"  # noqa: S608
        f" order by {order}created_at desc, need_id limit $5 offset $6",
        *args,
        limit,
        offset,
    )
    return [_record(r) for r in rows], total


async def update_need(conn: asyncpg.Connection, *, record: NeedRecord) -> None:
    p = record.payload
    await conn.execute(
        "update intake.needs set version = $2, status = $3, payload = $4, rome_source = $5,"
        " rome_alternatives = $6, siret = $7, rome_code = $8, commune_insee = $9,"
        " closed_reason = $10, closed_comment = $11, updated_at = $12 where need_id = $1",
        p.need_id,
        p.version,
        record.status,
        p.model_dump(mode="json"),
        record.rome_source,
        _alternatives(record),
        p.siret,
        p.rome_code,
        p.commune_insee,
        record.closed_reason,
        record.closed_comment,
        record.updated_at,
    )


async def first_duplicate(
    conn: asyncpg.Connection, *, siret: str, rome_code: str, commune_insee: str, since: datetime
) -> UUID | None:
    """The earliest need with this SIRET, ROME and commune since `since`, any federation."""
    found: UUID | None = await conn.fetchval(
        "select need_id from intake.needs where siret = $1 and rome_code = $2"
        " and commune_insee = $3 and created_at >= $4 and duplicate_of is null"
        " order by created_at, need_id limit 1",
        siret,
        rome_code,
        commune_insee,
        since,
    )
    return found


async def mark_duplicated(conn: asyncpg.Connection, *, need_id: UUID) -> None:
    await conn.execute(
        "update intake.needs set probable_duplicate = true where need_id = $1", need_id
    )


async def store_matcher_readings(
    conn: asyncpg.Connection, *, readings: list[tuple[UUID, MatcherReading]]
) -> int:
    """Keep each reading unless it is of an older version than its need or than the reading
    kept (the same version again replaces it: a newer engine read it); how many were kept."""
    kept = 0
    for need_id, reading in readings:
        status: str = await conn.execute(
            "update intake.needs set matcher_reading = $2 where need_id = $1 and version <= $3"
            " and coalesce((matcher_reading->>'need_version')::int, 0) <= $3",
            need_id,
            reading.model_dump(mode="json"),
            reading.need_version,
        )
        kept += int(status.split()[-1])
    return kept
