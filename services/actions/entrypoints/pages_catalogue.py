"""The catalogue's pages: search every partner's actions, publish one's own.

As thin as the API's routes and through the same handlers. A form with errors comes back with
its values and each error beside its field (422). The action's own page (`/actions/{id}`) and
registrations are served elsewhere in the service; changing an action is pages_action_edit.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.actions.domain.catalogue import Invalid, SessionDraft, check_action
from services.actions.domain.search import Criteria, Page
from services.actions.entrypoints.catalogue_form import ActionForm, form_errors, session_label
from services.actions.entrypoints.catalogue_pages import (
    CHOICES,
    action_form_page,
    as_input,
    form_text,
)
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferentDep, check_csrf, render
from services.actions.handlers import catalogue, coordination
from services.actions.handlers.search import search_catalogue
from shared.contracts.actions import ACTION_KIND_LABELS

router = APIRouter(include_in_schema=False)
Typed = Annotated[str, Query(max_length=200)]


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
    personne: UUID | None = None,
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
        # Come from a person's page: each action opens with that person chosen to register.
        for_person=personne,
        coordinator=await coordination.may_coordinate(services, who.referent.referent_id),
        **CHOICES,
    )


def _commune_namer(services: ServicesDep) -> Callable[[str | None], str]:
    def name(code: str | None) -> str:
        commune = services.referential.commune(code) if code else None
        return commune.nom if commune else (code or "")

    return name


@router.get("/actions/nouvelle", response_class=HTMLResponse)
async def new_action(request: Request, who: WebReferentDep) -> HTMLResponse:
    return action_form_page(request, who, ActionForm.blank(), {}, action=None)


@router.post("/actions/nouvelle", response_model=None)
async def create_action(request: Request, services: ServicesDep, who: WebReferentDep) -> Response:
    posted = await request.form()
    check_csrf(services, who, form_text(posted, "csrf"))
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
        return action_form_page(request, who, form, errors, action=None, status=422)
    action = await catalogue.create_action(
        services, who.referent, form.action(), [as_input(session)]
    )
    return RedirectResponse(f"/actions/{action.action_id}", status_code=303)
