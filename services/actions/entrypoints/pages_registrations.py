"""The registration pages: my structure's registrations and their cancellation (after a
confirmation page); the action's page is pages_action.py, the attendance sheet
pages_attendance.py.

Thin: each calls the handlers the JSON API calls. A person is shown by `data-prenom` (the
browser asks the profiles service for the first name); an action or registration the
référent may not see is 404.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.actions.adapters import registrations_repo as repo
from services.actions.domain.registrations import NotFound, Refused
from services.actions.entrypoints import registrations_view as view
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferentDep, check_csrf, render
from services.actions.handlers import registrations

router = APIRouter(include_in_schema=False)


@router.get("/actions/inscriptions", response_class=HTMLResponse)
async def my_registrations(
    request: Request, who: WebReferentDep, services: ServicesDep, fait: str = ""
) -> HTMLResponse:
    found = await registrations.of_my_structure(services, who.referent)
    now = services.clock()
    return render(
        request,
        "inscriptions.html",
        who,
        upcoming=[r for r in found if r.starts_at > now],
        past=[r for r in found if r.starts_at <= now],
        labels=view.STATUS_LABELS,
        when=view.when,
        done=fait == "annulee",
    )


@router.get("/actions/inscriptions/{registration_id:uuid}/annulation", response_class=HTMLResponse)
async def confirm_cancel(
    request: Request, registration_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    async with services.pool.acquire() as conn:
        registration = await repo.get(conn, registration_id)
    if registration is None or registration.structure != who.referent.structure:
        raise HTTPException(404, "Cette inscription n'existe pas dans votre structure.")
    return render(
        request, "annulation.html", who, r=registration, labels=view.STATUS_LABELS, when=view.when
    )


@router.post("/actions/inscriptions/{registration_id:uuid}/annulation")
async def cancel(
    request: Request,
    registration_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(services, who, csrf)
    try:
        await registrations.cancel(services, who.referent, registration_id)
    except NotFound as exc:
        raise HTTPException(404, "Cette inscription n'existe pas dans votre structure.") from exc
    except Refused as exc:
        return render(
            request, "message.html", who, status=409, title="Annulation impossible", text=str(exc)
        )
    return RedirectResponse("/actions/inscriptions?fait=annulee", status_code=303)
