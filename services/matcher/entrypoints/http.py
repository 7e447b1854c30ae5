"""The matcher's HTTP side: health, readiness, and the audit log of matches.

The matcher has no users of its own: callers present a signed identity assertion
(shared/identity.py) issued by the service that knows them. An auditor reads every row; a
référent the rows of their structure's candidates (or shared with it); a federation only counts
of decisions on its own needs, small counts hidden.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations, and the
# dependencies they name are built per app, inside matches_router.
import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from services.matcher.adapters import audit_log
from services.matcher.domain.ports import PROFILES
from services.matcher.entrypoints.subscribers import Runtime
from shared.contracts.notifications import FeedbackDecision
from shared.http import ReadyCheck, kafka_reachable
from shared.identity import Identity
from shared.keys import Keyring
from shared.ops_access import identity_dependency

log = logging.getLogger("spie.matcher.audit")
SMALL = 5  # a count of 1 to 4 could point at a person: shown as "moins de 5"
AWAITING = "awaiting_decision"
Count = int | str


class DecisionCounts(BaseModel):
    """Proposals for one need, by the référents' decision; no candidate, no explanation."""

    need_id: UUID
    decisions: dict[str, Count] = Field(
        description=f"Per decision ({AWAITING}: none yet); 1 to 4 read 'moins de 5'.",
        examples=[{AWAITING: 12, "contacted": "moins de 5", "hired": 0}],
    )


def shown(count: int) -> Count:
    return "moins de 5" if 0 < count < SMALL else count


def matches_router(runtime: Runtime, keyring: Keyring) -> APIRouter:
    router = APIRouter(tags=["audit"])
    Reader = Annotated[Identity, Depends(identity_dependency(keyring, {"auditor", "referent"}))]
    Federation = Annotated[Identity, Depends(identity_dependency(keyring, {"federation"}))]
    unauthorised: dict[int | str, dict[str, Any]] = {
        401: {"description": "No identity assertion, or a forged or expired one"},
        403: {"description": "An assertion of a role that may not read this"},
    }

    @router.get(
        "/matches",
        summary="Matches emitted for a need or a candidate (AI Act log)",
        responses=unauthorised,
    )
    async def list_matches(
        who: Reader,
        need_id: UUID | None = None,
        candidate_id: UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        if need_id is None and candidate_id is None:
            raise HTTPException(
                422,
                detail=[{"loc": ["query", "need_id"], "msg": "donnez need_id ou candidate_id"}],
            )
        async with runtime.need().pool.acquire() as conn:
            if who.role == "auditor":
                rows = await audit_log.every_row(
                    conn, need_id=need_id, candidate_id=candidate_id, limit=limit
                )
            else:
                rows = await audit_log.rows_of_structure(
                    conn, structure=who.scope, need_id=need_id, candidate_id=candidate_id,
                    limit=limit,
                )  # fmt: skip
        given = {"need_id": need_id, "candidate_id": candidate_id}
        _log_access(who, "+".join(k for k, v in given.items() if v is not None), len(rows))
        return rows

    @router.get(
        "/matches/summary",
        response_model=DecisionCounts,
        summary="A federation's need: how many proposals, by decision (aggregates only)",
        responses=unauthorised,
    )
    async def need_summary(who: Federation, need_id: UUID) -> DecisionCounts:
        # The matcher keeps no list of needs, so another federation's need and a need without
        # proposals read the same (all zero): the answer tells nothing about others' needs.
        async with runtime.need().pool.acquire() as conn:
            counts = await audit_log.decisions_for_need(conn, need_id=need_id, federation=who.scope)
        keys = [AWAITING, *(d.value for d in FeedbackDecision)]
        decisions = {k: shown(counts.get("" if k == AWAITING else k, 0)) for k in keys}
        _log_access(who, "need_id", sum(counts.values()))
        return DecisionCounts(need_id=need_id, decisions=decisions)

    return router


def _log_access(who: Identity, by: str, rows: int) -> None:
    """Every reading of the log, as its own record: who, through which filter, how many rows
    (never an id of a candidate)."""
    fields = {"role": who.role, "who": who.subject, "scope": who.scope, "filter": by, "rows": rows}
    log.info("audit log read", extra={"fields": fields})


def readiness(runtime: Runtime, bootstrap: str) -> dict[str, ReadyCheck]:
    async def kafka() -> None:
        await kafka_reachable(bootstrap)

    async def postgres() -> None:
        async with runtime.need().pool.acquire() as conn:
            await conn.fetchval("select 1")

    async def index() -> None:
        await runtime.need().pipeline.index.count(PROFILES)

    return {"kafka": kafka, "postgres": postgres, "index": index}
