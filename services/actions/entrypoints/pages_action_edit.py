"""Changing one's own action from the pages: its fields, a new session, a session's places,
closing it. Another structure's action: 404, as if absent."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.actions.domain.catalogue import Invalid
from services.actions.entrypoints.catalogue_form import ActionForm, form_errors
from services.actions.entrypoints.catalogue_pages import (
    action_form_page,
    as_input,
    form_text,
    own_action,
    refused,
    session_form_page,
)
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferentDep, check_csrf
from services.actions.handlers import catalogue
from services.actions.handlers.catalogue import ActionClosed, ActionNotFound

router = APIRouter(include_in_schema=False)


@router.get("/actions/{action_id}/modifier", response_class=HTMLResponse)
async def edit_page(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> HTMLResponse:
    action = await own_action(services, who, action_id)
    form = ActionForm.of(action, services.referential)
    return action_form_page(request, who, form, {}, action=action)


@router.post("/actions/{action_id}/modifier", response_model=None)
async def edit(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, form_text(posted, "csrf"))
    action = await own_action(services, who, action_id)
    form = ActionForm.posted(posted)
    try:
        await catalogue.edit_action(services, who.referent, action_id, form.action())
    except Invalid as exc:
        return action_form_page(request, who, form, form_errors(exc), action=action, status=422)
    except (ActionNotFound, ActionClosed) as exc:
        raise refused(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=enregistree", status_code=303)


@router.get("/actions/{action_id}/seances/nouvelle", response_class=HTMLResponse)
async def new_session_page(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> HTMLResponse:
    action = await own_action(services, who, action_id)
    return session_form_page(request, who, action, ActionForm.blank(), {})


@router.post("/actions/{action_id}/seances/nouvelle", response_model=None)
async def add_session(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, form_text(posted, "csrf"))
    action = await own_action(services, who, action_id)
    form = ActionForm.posted(posted)
    try:
        session = form.session(services.clock())
        await catalogue.add_session(services, who.referent, action_id, as_input(session))
    except Invalid as exc:
        return session_form_page(request, who, action, form, form_errors(exc), status=422)
    except (ActionNotFound, ActionClosed) as exc:
        raise refused(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=seance", status_code=303)


@router.post("/actions/{action_id}/seances/{session_id}/places", response_model=None)
async def change_capacity(
    request: Request,
    services: ServicesDep,
    who: WebReferentDep,
    action_id: UUID,
    session_id: UUID,
) -> Response:
    posted = await request.form()
    check_csrf(services, who, form_text(posted, "csrf"))
    action = await own_action(services, who, action_id)
    places = form_text(posted, "places")
    try:
        await catalogue.change_capacity(services, who.referent, action_id, session_id, places)
    except Invalid as exc:
        form = ActionForm.of(action, services.referential)
        errors = {f"places-{session_id}": exc.errors["capacity"]}
        return action_form_page(
            request, who, form, {}, action=action, status=422, session_errors=errors
        )
    except (ActionNotFound, ActionClosed) as exc:
        raise refused(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=places", status_code=303)


@router.post("/actions/{action_id}/cloture", response_model=None)
async def close(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, form_text(posted, "csrf"))
    try:
        await catalogue.close_action(services, who.referent, action_id)
    except (ActionNotFound, ActionClosed) as exc:
        raise refused(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=close", status_code=303)
