"""The use cases of the intake: post, read, list, change and close a need; keep the matcher's
reading of each need's trade.

Each write stores the need and its event in one transaction (the outbox); the relay publishes.
CPU work (ROME scoring, compliance rules) runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from pydantic import ValidationError

from shared.contracts import NeedClosed, NeedPayload, NeedPosted, NeedTradesRead, NeedUpdated
from shared.contracts.needs import NeedClosedPayload
from shared.outbox import enqueue_event
from shared.referential.snapshot import Snapshot

from .adapters import pg_repository as repo
from .adapters.pg_pool import connection, transaction
from .domain.errors import (
    FieldError,
    IdempotencyConflict,
    InvalidFields,
    NeedAlreadyClosed,
    NeedNotFound,
)
from .domain.model import (
    CloseRequest,
    MatcherReading,
    NeedFields,
    NeedInput,
    NeedPatch,
    NeedRecord,
)
from .domain.preparation import Coding, Prepared, prepare
from .domain.publication import published
from .domain.rome_coding import RomeSuggester
from .domain.validation import pydantic_errors
from .settings import PRODUCER, SCHEMA


@dataclass(frozen=True)
class Intake:
    """What the use cases need, built by bootstrap."""

    pool: asyncpg.Pool
    snapshot: Snapshot
    suggester: RomeSuggester
    duplicate_window: timedelta = timedelta(days=30)

    def prepare(self, fields: NeedFields, keep: Coding | None = None) -> Prepared:
        return prepare(fields, snapshot=self.snapshot, suggester=self.suggester, keep=keep)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def post_need(
    intake: Intake,
    *,
    federation: str,
    need: NeedInput,
    idempotency_key: str | None = None,
    correlation_id: UUID | None = None,
) -> tuple[NeedRecord, bool]:
    """Store a new need and its NeedPosted; (need, False) when the request is a replay."""
    prepared = await asyncio.to_thread(intake.prepare, need)
    async with transaction(intake.pool) as conn:
        return await store_new(
            conn,
            intake,
            federation=federation,
            need=need,
            prepared=prepared,
            idempotency_key=idempotency_key,
            correlation_id=correlation_id,
        )


async def store_new(
    conn: asyncpg.Connection,
    intake: Intake,
    *,
    federation: str,
    need: NeedInput,
    prepared: Prepared,
    idempotency_key: str | None,
    correlation_id: UUID | None,
) -> tuple[NeedRecord, bool]:
    body_hash = repo.request_hash(need.model_dump(mode="json"))
    replay = await _replay(conn, federation, need, idempotency_key, body_hash)
    if replay is not None:
        return replay, False
    now = utcnow()
    payload = NeedPayload(
        need_id=uuid4(),
        version=1,
        federation=federation,
        duplicate_of=await _first_duplicate(conn, intake, prepared, now),
        **prepared.payload_fields(),
    )
    record = NeedRecord(
        payload=payload,
        rome_source=prepared.coding.rome_source,
        rome_alternatives=prepared.coding.alternatives,
        external_ref=need.external_ref,
        created_at=now,
        updated_at=now,
    )
    if not await repo.insert_need(
        conn, record=record, idempotency_key=idempotency_key, body_hash=body_hash
    ):
        # A concurrent request with the same key committed first: answer with its need.
        replay = await _replay(conn, federation, need, idempotency_key, body_hash)
        if replay is None:
            raise IdempotencyConflict("the idempotency key is being used by another request")
        return replay, False
    if payload.duplicate_of is not None:
        await repo.mark_duplicated(conn, need_id=payload.duplicate_of)
    event = NeedPosted(producer=PRODUCER, payload=published(payload), correlation_id=correlation_id)
    await enqueue_event(conn, schema=SCHEMA, event=event)
    return record, True


async def _replay(
    conn: asyncpg.Connection,
    federation: str,
    need: NeedInput,
    idempotency_key: str | None,
    body_hash: str,
) -> NeedRecord | None:
    found = await repo.find_replay(
        conn, federation=federation, idempotency_key=idempotency_key, external_ref=need.external_ref
    )
    if found is None:
        return None
    record, earlier_hash = found
    if earlier_hash != body_hash:
        what = "Idempotency-Key" if idempotency_key else "external_ref"
        raise IdempotencyConflict(
            f"this {what} was already used for need {record.payload.need_id} with a different"
            " body; change that need with PATCH"
        )
    return record


async def _first_duplicate(
    conn: asyncpg.Connection, intake: Intake, prepared: Prepared, now: datetime
) -> UUID | None:
    siret, rome = prepared.fields.siret, prepared.coding.rome_code
    if siret is None or rome is None:
        return None
    return await repo.first_duplicate(
        conn,
        siret=siret,
        rome_code=rome,
        commune_insee=prepared.fields.commune_insee,
        since=now - intake.duplicate_window,
    )


async def get_need(intake: Intake, *, federation: str, need_id: UUID) -> NeedRecord:
    async with connection(intake.pool) as conn:
        record = await repo.get_need(conn, need_id=need_id, federation=federation)
    if record is None:
        raise NeedNotFound(need_id)
    return record


async def list_needs(
    intake: Intake, *, federation: str, **filters: Any
) -> tuple[list[NeedRecord], int]:
    async with connection(intake.pool) as conn:
        return await repo.list_needs(conn, federation=federation, **filters)


_NULLABLE = frozenset({"siret", "rome_code", "start_date"})


async def update_need(
    intake: Intake,
    *,
    federation: str,
    need_id: UUID,
    patch: NeedPatch,
    correlation_id: UUID | None = None,
) -> NeedRecord:
    """Apply the fields sent; a real change bumps the version and emits NeedUpdated."""
    changes = patch.model_dump(exclude_unset=True)
    nulls = [
        FieldError(f, "may not be null")
        for f, v in changes.items()
        if v is None and f not in _NULLABLE
    ]
    if nulls:
        raise InvalidFields(nulls)
    async with transaction(intake.pool) as conn:
        current = await repo.get_need(conn, need_id=need_id, federation=federation, for_update=True)
        if current is None:
            raise NeedNotFound(need_id)
        if current.status != "open":
            raise NeedAlreadyClosed(need_id, current.status)
        fields, keep = _merged(current, changes)
        prepared = await asyncio.to_thread(intake.prepare, fields, keep)
        candidate = current.payload.model_copy(update=prepared.payload_fields())
        if candidate == current.payload:
            return current  # nothing changed: no new version, no event
        payload = NeedPayload.model_validate(
            {**candidate.model_dump(), "version": current.payload.version + 1}
        )
        record = current.model_copy(
            update={
                "payload": payload,
                "rome_source": prepared.coding.rome_source,
                "rome_alternatives": prepared.coding.alternatives,
                "updated_at": utcnow(),
            }
        )
        await repo.update_need(conn, record=record)
        event = NeedUpdated(
            producer=PRODUCER, payload=published(payload), correlation_id=correlation_id
        )
        await enqueue_event(conn, schema=SCHEMA, event=event)
        return record


def _merged(current: NeedRecord, changes: dict[str, Any]) -> tuple[NeedFields, Coding | None]:
    """The fields after the patch, and the coding to keep (None: code the ROME again)."""
    before = current.payload.model_dump(include=set(NeedFields.model_fields))
    if current.rome_source != "given":
        before["rome_code"] = None  # a suggested code is not the federation's choice
    try:
        fields = NeedFields.model_validate({**before, **changes})
    except ValidationError as exc:
        raise InvalidFields(pydantic_errors(exc)) from exc
    retitled = any(k in changes and changes[k] != before[k] for k in ("title", "description"))
    if "rome_code" in changes or (current.rome_source != "given" and retitled):
        return fields, None
    p = current.payload
    keep = Coding(
        p.rome_code, p.rome_label, p.rome_confidence, current.rome_source, current.rome_alternatives
    )
    return fields, keep


async def close_need(
    intake: Intake,
    *,
    federation: str,
    need_id: UUID,
    request: CloseRequest,
    correlation_id: UUID | None = None,
) -> NeedRecord:
    async with transaction(intake.pool) as conn:
        current = await repo.get_need(conn, need_id=need_id, federation=federation, for_update=True)
        if current is None:
            raise NeedNotFound(need_id)
        if current.status != "open":
            raise NeedAlreadyClosed(need_id, current.status)
        version = current.payload.version + 1
        record = current.model_copy(
            update={
                "payload": current.payload.model_copy(update={"version": version}),
                "status": request.reason,
                "closed_reason": request.reason,
                "closed_comment": request.comment,
                "updated_at": utcnow(),
            }
        )
        await repo.update_need(conn, record=record)
        event = NeedClosed(
            producer=PRODUCER,
            correlation_id=correlation_id,
            payload=NeedClosedPayload(
                need_id=need_id,
                version=version,
                federation=federation,
                reason=request.reason,
                comment=request.comment,
            ),
        )
        await enqueue_event(conn, schema=SCHEMA, event=event)
        return record


async def record_matcher_readings(intake: Intake, events: Sequence[NeedTradesRead]) -> int:
    """Keep the matcher's latest reading of each need (never its `rome_code`: a reading is
    shown beside the code, not in its place); a reading older than the need is ignored."""
    readings = [(e.payload.need_id, MatcherReading.of(e.payload)) for e in events]
    async with transaction(intake.pool) as conn:
        return await repo.store_matcher_readings(conn, readings=readings)
