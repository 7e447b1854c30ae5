"""The catalogue's pages: search every partner's actions; publish, change and close one's own.

As thin as the API's routes and through the same handlers. A form with errors comes back with
its values and each error beside its field (422). Another structure's action: 404, as if absent.
The action's own page (`/actions/{id}`) and registrations are served elsewhere in the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from services.actions.domain.catalogue import Invalid, SessionDraft, SessionInput, check_action
from services.actions.domain.model import Action
from services.actions.domain.search import Criteria, Page
from services.actions.entrypoints.catalogue_form import (
    KINDS,
    PUBLICS,
    SCHEDULES,
    ActionForm,
    form_errors,
    session_label,
)
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferent, WebReferentDep, check_csrf, render
from services.actions.handlers import catalogue
from services.actions.handlers.catalogue import ActionClosed, ActionNotFound
from services.actions.handlers.search import search_catalogue
from shared.contracts.actions import ACTION_KIND_LABELS

router = APIRouter(include_in_schema=False)
Typed = Annotated[str, Query(max_length=200)]


CHOICES: dict[str, Any] = {"kinds": KINDS, "publics": PUBLICS, "schedules": SCHEDULES}


@router.get("/actions", response_class=HTMLResponse)
async def search_page(
    request: Request,
    services: ServicesDep,
    who: WebReferentDep,
    trade: Typed = "",
    commune: Typed = "",
    km: Annotated[str, Query(max_length=4)] = "",
    remote: Annotated[str, Query(max_length=3)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    public: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    criteria = Criteria(trade, commune, km, remote == "oui", date_from, date_to, public, kind, page)
    asked = {k: v for k, v in request.query_params.items() if k != "page"}
    found: Page | None = None
    errors: dict[str, str] = {}
    try:
        found = await search_catalogue(services, criteria)
    except Invalid as exc:
        errors = exc.errors
    return render(
        request,
        "catalogue_recherche.html",
        who,
        status=422 if errors else 200,
        v=asked | {"km": km or "20"},
        found=found,
        errors=errors,
        page_url=lambda n: "/actions?" + urlencode(asked | {"page": n}),
        kind_labels=ACTION_KIND_LABELS,
        commune_name=_commune_namer(services),
        when=session_label,
        **CHOICES,
    )


def _commune_namer(services: ServicesDep) -> Callable[[str | None], str]:
    def name(code: str | None) -> str:
        commune = services.referential.commune(code) if code else None
        return commune.nom if commune else (code or "")

    return name


@router.get("/actions/nouvelle", response_class=HTMLResponse)
async def new_action(request: Request, who: WebReferentDep) -> HTMLResponse:
    return _action_form(request, who, ActionForm.blank(), {}, action=None)


@router.post("/actions/nouvelle", response_model=None)
async def create_action(request: Request, services: ServicesDep, who: WebReferentDep) -> Response:
    posted = await request.form()
    check_csrf(services, who, _field(posted, "csrf"))
    form = ActionForm.posted(posted)
    errors: dict[str, str] = {}
    session: SessionDraft | None = None
    try:
        session = form.session(services.clock())
    except Invalid as exc:
        errors |= form_errors(exc)
    try:
        check_action(form.action(), services.referential)
    except Invalid as exc:
        errors |= form_errors(exc)
    if errors or session is None:
        return _action_form(request, who, form, errors, action=None, status=422)
    action = await catalogue.create_action(
        services, who.referent, form.action(), [_as_input(session)]
    )
    return RedirectResponse(f"/actions/{action.action_id}", status_code=303)


@router.get("/actions/{action_id}/modifier", response_class=HTMLResponse)
async def edit_page(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> HTMLResponse:
    action = await _own(services, who, action_id)
    form = ActionForm.of(action, services.referential)
    return _action_form(request, who, form, {}, action=action)


@router.post("/actions/{action_id}/modifier", response_model=None)
async def edit(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, _field(posted, "csrf"))
    action = await _own(services, who, action_id)
    form = ActionForm.posted(posted)
    try:
        await catalogue.edit_action(services, who.referent, action_id, form.action())
    except Invalid as exc:
        return _action_form(request, who, form, form_errors(exc), action=action, status=422)
    except (ActionNotFound, ActionClosed) as exc:
        raise _gone(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=enregistree", status_code=303)


@router.get("/actions/{action_id}/seances/nouvelle", response_class=HTMLResponse)
async def new_session_page(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> HTMLResponse:
    action = await _own(services, who, action_id)
    return _session_form(request, who, action, ActionForm.blank(), {})


@router.post("/actions/{action_id}/seances/nouvelle", response_model=None)
async def add_session(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, _field(posted, "csrf"))
    action = await _own(services, who, action_id)
    form = ActionForm.posted(posted)
    try:
        session = form.session(services.clock())
        await catalogue.add_session(services, who.referent, action_id, _as_input(session))
    except Invalid as exc:
        return _session_form(request, who, action, form, form_errors(exc), status=422)
    except (ActionNotFound, ActionClosed) as exc:
        raise _gone(exc) from exc
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
    check_csrf(services, who, _field(posted, "csrf"))
    action = await _own(services, who, action_id)
    places = _field(posted, "places")
    try:
        await catalogue.change_capacity(services, who.referent, action_id, session_id, places)
    except Invalid as exc:
        form = ActionForm.of(action, services.referential)
        errors = {f"places-{session_id}": exc.errors["capacity"]}
        return _action_form(
            request, who, form, {}, action=action, status=422, session_errors=errors
        )
    except (ActionNotFound, ActionClosed) as exc:
        raise _gone(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=places", status_code=303)


@router.post("/actions/{action_id}/cloture", response_model=None)
async def close(
    request: Request, services: ServicesDep, who: WebReferentDep, action_id: UUID
) -> Response:
    posted = await request.form()
    check_csrf(services, who, _field(posted, "csrf"))
    try:
        await catalogue.close_action(services, who.referent, action_id)
    except (ActionNotFound, ActionClosed) as exc:
        raise _gone(exc) from exc
    return RedirectResponse(f"/actions/{action_id}/modifier?fait=close", status_code=303)


def _action_form(
    request: Request,
    who: WebReferent,
    form: ActionForm,
    errors: dict[str, str],
    *,
    action: Action | None,
    status: int = 200,
    session_errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "catalogue_action.html",
        who,
        status=status,
        v=form.values,
        errors=errors,
        action=action,
        session_errors=session_errors or {},
        done=request.query_params.get("fait", ""),
        when=session_label,
        **CHOICES,
    )


def _session_form(
    request: Request,
    who: WebReferent,
    action: Action | None,
    form: ActionForm,
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "catalogue_seance.html",
        who,
        status=status,
        v=form.values,
        errors=errors,
        action=action,
        **CHOICES,
    )


async def _own(services: ServicesDep, who: WebReferent, action_id: UUID) -> Action:
    try:
        return await catalogue.changeable_action(services, who.referent, action_id)
    except ActionNotFound as exc:
        raise _gone(exc) from exc


def _gone(exc: Exception) -> HTTPException:
    if isinstance(exc, ActionClosed):
        return HTTPException(409, "Cette action est close : elle ne change plus.")
    return HTTPException(404, "Cette action n'existe pas, ou une autre structure la propose.")


def _as_input(session: SessionDraft) -> SessionInput:
    return SessionInput(
        session.starts_at,
        session.ends_at,
        session.capacity,
        tuple(s.value for s in session.schedules),
    )


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
