"""The federations' HTTP API: three lines per route, the work is in the handlers."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from shared.contracts.common import InseeCode, RomeCode

from .. import handlers
from ..bulk_import import BulkReport, import_rows
from ..domain import bulk
from ..domain.apikeys import ApiKey
from ..domain.model import CloseRequest, NeedInput, NeedPage, NeedPatch, NeedStatus, NeedView
from .auth import caller, container_of
from .http_edges import ERROR_RESPONSES, ErrorOut

router = APIRouter(prefix="/needs", tags=["needs"], responses=ERROR_RESPONSES)
Caller = Annotated[ApiKey, Depends(caller)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such need for this federation."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The need is closed, or a key was reused."}
}
BULK_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/json-lines": "ndjson",
}


def _correlation(request: Request) -> UUID | None:
    cid: UUID | None = getattr(request.state, "correlation_id", None)
    return cid


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=NeedView,
    responses={
        200: {"model": NeedView, "description": "A replay: the need made earlier."},
        **CONFLICT,
    },
    summary="Post a hiring need",
)
async def post_need(
    need: NeedInput,
    request: Request,
    response: Response,
    key: Caller,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> NeedView:
    record, created = await handlers.post_need(
        container_of(request).intake,
        federation=key.federation,
        need=need,
        idempotency_key=idempotency_key,
        correlation_id=_correlation(request),
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["Location"] = f"/needs/{record.payload.need_id}"
    return NeedView.of(record)


@router.get("", response_model=NeedPage, summary="The federation's needs, newest first")
async def list_needs(
    request: Request,
    key: Caller,
    status_: Annotated[NeedStatus | None, Query(alias="status")] = None,
    rome_code: Annotated[RomeCode | None, Query()] = None,
    commune: Annotated[InseeCode | None, Query(description="INSEE code")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NeedPage:
    records, total = await handlers.list_needs(
        container_of(request).intake,
        federation=key.federation,
        status=status_,
        rome_code=rome_code,
        commune=commune,
        limit=limit,
        offset=offset,
    )
    return NeedPage(
        items=[NeedView.of(r) for r in records], total=total, limit=limit, offset=offset
    )


@router.get("/{need_id}", response_model=NeedView, responses=NOT_FOUND, summary="One need")
async def get_need(need_id: UUID, request: Request, key: Caller) -> NeedView:
    record = await handlers.get_need(
        container_of(request).intake, federation=key.federation, need_id=need_id
    )
    return NeedView.of(record)


@router.patch(
    "/{need_id}",
    response_model=NeedView,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Change some fields of an open need (rome_code: null suggests it again)",
)
async def patch_need(need_id: UUID, patch: NeedPatch, request: Request, key: Caller) -> NeedView:
    record = await handlers.update_need(
        container_of(request).intake,
        federation=key.federation,
        need_id=need_id,
        patch=patch,
        correlation_id=_correlation(request),
    )
    return NeedView.of(record)


@router.post(
    "/{need_id}/close",
    response_model=NeedView,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Close an open need: filled or cancelled",
)
async def close_need(need_id: UUID, body: CloseRequest, request: Request, key: Caller) -> NeedView:
    record = await handlers.close_need(
        container_of(request).intake,
        federation=key.federation,
        need_id=need_id,
        request=body,
        correlation_id=_correlation(request),
    )
    return NeedView.of(record)


_BULK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/bulk",
    response_model=BulkReport,
    openapi_extra=_BULK_BODY,
    responses={
        400: {
            "model": ErrorOut,
            "description": "Not UTF-8, truncated or unreadable: nothing stored.",
        },
        415: {"model": ErrorOut, "description": "Neither text/csv nor application/x-ndjson."},
        422: {"model": ErrorOut, "description": "Wrong columns: nothing stored."},
    },
    summary="Import a CSV or JSON Lines file (up to 10,000 rows): each line on its own",
)
async def post_bulk(request: Request, key: Caller) -> BulkReport:
    container = container_of(request)
    kind = _bulk_kind(request.headers.get("content-type", ""))
    body = await _read_limited(request, container.settings.max_bulk_bytes)
    rows = bulk.parse(body, kind=kind, max_rows=container.settings.max_bulk_rows)
    return await import_rows(
        container.intake,
        federation=key.federation,
        rows=rows,
        correlation_id=_correlation(request),
    )


def _bulk_kind(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media not in BULK_TYPES:
        raise bulk.FileRejected(
            f"unsupported content type {media!r}: send text/csv or application/x-ndjson",
            status=415,
        )
    return BULK_TYPES[media]


async def _read_limited(request: Request, limit: int) -> bytes:
    """Read the body, refusing it once it exceeds the limit (a chunked body has no length)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise bulk.FileRejected(f"the file exceeds {limit} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)
