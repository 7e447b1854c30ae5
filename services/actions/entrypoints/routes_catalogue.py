"""The catalogue's JSON API (`/actions/api/...`), for a référent's identity assertion.

Anyone signed in searches and reads the open actions; only référents of the providing structure
create and change theirs (another structure's action: 404, as if absent). A bad field: 422 with
its place (`loc`) and what to do, in French; nothing half-saved.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request, status

from services.actions.adapters import catalogue_repo
from services.actions.domain.catalogue import Invalid
from services.actions.domain.catalogue_csv import FileRefused, LinesRefused
from services.actions.domain.columns import COLUMNS
from services.actions.domain.search import Criteria, Page
from services.actions.entrypoints.catalogue_schemas import (
    ActionBody,
    CapacityBody,
    NewActionBody,
    SessionBody,
)
from services.actions.entrypoints.deps import ApiReferentDep, ServicesDep
from services.actions.handlers import catalogue, imports
from services.actions.handlers.catalogue import ActionClosed, ActionNotFound
from services.actions.handlers.publication import payload_of
from services.actions.handlers.search import search_catalogue
from shared.contracts.actions import ActionPayload

router = APIRouter(prefix="/actions/api", tags=["catalogue"])
NOT_FOUND = "Action introuvable (ou proposée par une autre structure)."


def unprocessable(exc: Invalid, where: str = "body") -> NoReturn:
    detail = [
        {"loc": [where, *field.split(".")], "msg": message, "type": "value_error"}
        for field, message in exc.errors.items()
    ]
    raise HTTPException(422, detail) from exc


def _refused(exc: Exception) -> NoReturn:
    if isinstance(exc, Invalid):
        unprocessable(exc)
    if isinstance(exc, ActionClosed):
        raise HTTPException(status.HTTP_409_CONFLICT, "Cette action est close.") from exc
    raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from exc


@router.get("/actions")
async def search(
    services: ServicesDep,
    who: ApiReferentDep,
    trade: Annotated[str, Query(max_length=200, description="ROME code or words.")] = "",
    commune: Annotated[str, Query(max_length=200)] = "",
    km: Annotated[str, Query(max_length=4, description="Radius around the commune.")] = "",
    remote: bool = False,
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    public: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> dict[str, Any]:
    criteria = Criteria(trade, commune, km, remote, date_from, date_to, public, kind, page)
    try:
        found = await search_catalogue(services, criteria)
    except Invalid as exc:
        unprocessable(exc, "query")
    return page_json(found, services)


def page_json(found: Page, services: ServicesDep) -> dict[str, Any]:
    def commune_name(code: str | None) -> str | None:
        commune = services.referential.commune(code) if code else None
        return commune.nom if commune else None

    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "results": [
            {
                "action_id": str(r.action_id),
                "title": r.title,
                "kind": r.kind.value,
                "provider_structure": r.provider_structure,
                "commune_insee": r.commune_insee,
                "commune_name": commune_name(r.commune_insee),
                "remote": r.remote,
                "rome_codes": list(r.rome_codes),
                "next_session": {
                    "session_id": str(r.session_id),
                    "starts_at": r.starts_at.isoformat(),
                    "ends_at": r.ends_at.isoformat(),
                    "places_left": r.places_left,
                },
                "sessions_to_come": r.sessions_to_come,
            }
            for r in found.results
        ],
    }


@router.post("/actions", status_code=status.HTTP_201_CREATED)
async def create(services: ServicesDep, who: ApiReferentDep, body: NewActionBody) -> ActionPayload:
    try:
        action = await catalogue.create_action(
            services, who, body.given(), [s.given() for s in body.sessions]
        )
    except Invalid as exc:
        unprocessable(exc)
    return payload_of(action)


@router.get("/actions/{action_id}")
async def read(services: ServicesDep, who: ApiReferentDep, action_id: UUID) -> ActionPayload:
    """An open action, for anyone signed in; a closed one for its provider only."""
    async with services.pool.acquire() as conn:
        action = await catalogue_repo.get(conn, action_id)
    if action is None or (action.status == "closed" and not action.editable_by(who.structure)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return payload_of(action)


@router.put("/actions/{action_id}")
async def edit(
    services: ServicesDep, who: ApiReferentDep, action_id: UUID, body: ActionBody
) -> ActionPayload:
    try:
        return payload_of(await catalogue.edit_action(services, who, action_id, body.given()))
    except (Invalid, ActionNotFound, ActionClosed) as exc:
        _refused(exc)


@router.post("/actions/{action_id}/sessions", status_code=status.HTTP_201_CREATED)
async def add_session(
    services: ServicesDep, who: ApiReferentDep, action_id: UUID, body: SessionBody
) -> ActionPayload:
    try:
        return payload_of(await catalogue.add_session(services, who, action_id, body.given()))
    except (Invalid, ActionNotFound, ActionClosed) as exc:
        _refused(exc)


@router.put("/actions/{action_id}/sessions/{session_id}")
async def change_capacity(
    services: ServicesDep,
    who: ApiReferentDep,
    action_id: UUID,
    session_id: UUID,
    body: CapacityBody,
) -> ActionPayload:
    """A session's capacity: never below the places already taken (422 on `capacity`)."""
    try:
        action = await catalogue.change_capacity(
            services, who, action_id, session_id, body.capacity
        )
    except (Invalid, ActionNotFound, ActionClosed) as exc:
        _refused(exc)
    return payload_of(action)


@router.post("/actions/{action_id}/cloture")
async def close(services: ServicesDep, who: ApiReferentDep, action_id: UUID) -> ActionPayload:
    try:
        return payload_of(await catalogue.close_action(services, who, action_id))
    except (ActionNotFound, ActionClosed) as exc:
        _refused(exc)


@router.post(
    "/import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "One line per session; columns: "
            + "; ".join(f"{c}: {d}" for c, d in COLUMNS.items()),
        }
    },
)
async def import_csv(request: Request, services: ServicesDep, who: ApiReferentDep) -> Any:
    """A partner's catalogue as CSV: all stored, or nothing and every error with its line."""
    try:
        report = await imports.import_catalogue(services, who, await request.body())
    except FileRefused as exc:
        raise HTTPException(exc.status, exc.message) from exc
    except LinesRefused as exc:
        raise HTTPException(
            422,
            {
                "message": f"{len(exc.errors)} erreur(s) : rien n'a été enregistré.",
                "errors": [e.__dict__ for e in exc.errors],
            },
        ) from exc
    return report.__dict__
