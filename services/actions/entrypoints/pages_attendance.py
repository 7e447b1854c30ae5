"""The providing structure's attendance sheet: per session, the persons holding a place and a
form to say who came and what came of it. A person of another structure (not shared with the
provider) is "Personne inscrite par <structure>": the provider gets no name of theirs.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.actions.adapters import persons_repo
from services.actions.adapters import registrations_repo as repo
from services.actions.domain.registrations import HOLDS_PLACE, NotFound, Refused
from services.actions.entrypoints import registrations_view as view
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.pages_action import action_or_404, uuid_or_none
from services.actions.entrypoints.web import WebReferentDep, check_csrf, render
from services.actions.handlers import registrations
from shared.contracts.actions import RegistrationStatus

router = APIRouter(include_in_schema=False)


@router.get("/actions/{action_id:uuid}/presences", response_class=HTMLResponse)
async def attendance_sheet(
    request: Request, action_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    action = await action_or_404(services, action_id)
    if action.provider_structure != who.referent.structure:
        raise HTTPException(404, "Cette page n'existe pas.")  # only the provider's
    async with services.pool.acquire() as conn:
        found = [r for r in await repo.of_action(conn, action_id) if r.status in HOLDS_PLACE]
        persons = await persons_repo.get_many(
            conn, [r.candidate_id for r in found if r.candidate_id is not None]
        )
    named = {c for c, p in persons.items() if p.visible_to(who.referent.structure)}
    now = services.clock()
    return render(
        request,
        "presences.html",
        who,
        action=action,
        sessions=[
            (s, [r for r in found if r.session_id == s.session_id], s.starts_at <= now)
            for s in action.sessions
        ],
        named=named,
        labels=view.STATUS_LABELS,
        when=view.when,
        saved=uuid_or_none(request.query_params.get("fait")),
    )


@router.post("/actions/inscriptions/{registration_id:uuid}/presence")
async def record_attendance(
    request: Request,
    registration_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: Annotated[str | None, Form()] = None,
    presence: Annotated[str | None, Form()] = None,
    resultat: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(services, who, csrf)
    if presence not in ("present", "absent"):
        return render(
            request,
            "message.html",
            who,
            status=422,
            title="Présence non notée",
            text="Cochez « Présente » ou « Absente », puis enregistrez.",
        )
    try:
        done = await registrations.record_attendance(
            services,
            who.referent,
            registration_id,
            status=RegistrationStatus(presence),
            outcome=resultat,
        )
    except NotFound as exc:
        raise HTTPException(404, "Cette inscription n'existe pas.") from exc
    except ValueError as exc:  # Refused (409), or an outcome too long (422)
        code = 409 if isinstance(exc, Refused) else 422
        return render(
            request, "message.html", who, status=code, title="Présence non notée", text=str(exc)
        )
    target = f"/actions/{done.action_id}/presences?fait={done.registration_id}"
    return RedirectResponse(f"{target}#inscription-{done.registration_id}", status_code=303)
