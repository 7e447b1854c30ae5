"""The matcher's HTTP side for ops: health, readiness, and the audit log of matches."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from services.matcher.adapters import pg_repository as repo
from services.matcher.domain.ports import PROFILES
from services.matcher.entrypoints.subscribers import Runtime
from shared.http import ReadyCheck, kafka_reachable


def matches_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get("/matches", summary="Matches emitted for a need or a candidate (AI Act log)")
    async def list_matches(
        need_id: UUID | None = None,
        candidate_id: UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        if need_id is None and candidate_id is None:
            raise HTTPException(
                422, detail=[{"loc": ["query", "need_id"], "msg": "give need_id or candidate_id"}]
            )
        async with runtime.need().pool.acquire() as conn:
            return await repo.list_matches(
                conn, need_id=need_id, candidate_id=candidate_id, limit=limit
            )

    return router


def readiness(runtime: Runtime, bootstrap: str) -> dict[str, ReadyCheck]:
    async def kafka() -> None:
        await kafka_reachable(bootstrap)

    async def postgres() -> None:
        async with runtime.need().pool.acquire() as conn:
            await conn.fetchval("select 1")

    async def index() -> None:
        await runtime.need().pipeline.index.count(PROFILES)

    return {"kafka": kafka, "postgres": postgres, "index": index}
