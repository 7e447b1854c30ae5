"""Pages of registrations: an action's detail with a registration form per session, the
structure's registrations (cancel, after a confirmation), and the provider's attendance sheet.

Thin: each calls the handlers the JSON API calls. A person is shown by `data-prenom` (the
browser asks the profiles service for the first name); an action or registration the
référent may not see is 404.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.actions.adapters import catalogue_repo, persons_repo
from services.actions.adapters import registrations_repo as repo
from services.actions.bootstrap import Services
from services.actions.domain.model import Action
from services.actions.domain.registrations import HOLDS_PLACE, NotFound, Refused
from services.actions.entrypoints import registrations_view as view
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferent, WebReferentDep, check_csrf, render
from services.actions.handlers import registrations
from shared.contracts.actions import RegistrationStatus

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


async def _action(services: Services, action_id: UUID) -> Action:
    async with services.pool.acquire() as conn:
        action = await catalogue_repo.get(conn, action_id)
    if action is None:
        raise HTTPException(404, "Cette action n'existe pas, ou a été retirée du catalogue.")
    return action


def _uuid(raw: str | None) -> UUID | None:
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return None


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
        return render(request, "message.html", who, status=409, title="Annulation impossible",
                      text=str(exc))  # fmt: skip
    return RedirectResponse("/actions/inscriptions?fait=annulee", status_code=303)


@router.get("/actions/{action_id:uuid}", response_class=HTMLResponse)
async def action_page(
    request: Request,
    action_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    personne: str | None = None,
    session: str | None = None,
) -> HTMLResponse:
    action = await _action(services, action_id)
    return await _render_action(request, who, services, action, _uuid(personne), _uuid(session))


async def _render_action(
    request: Request,
    who: WebReferent,
    services: Services,
    action: Action,
    chosen: UUID | None,
    chosen_session: UUID | None,
    *,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    async with services.pool.acquire() as conn:
        persons = await persons_repo.visible_to(conn, who.referent.structure)
    preselected = chosen if any(p.candidate_id == chosen for p in persons) else None
    now = services.clock()
    return render(
        request,
        "action.html",
        who,
        status=status,
        action=action,
        facts=view.action_facts(action, services.referential),
        sessions=[s for s in action.sessions if not s.cancelled],
        upcoming={s.session_id for s in action.sessions if s.starts_at > now},
        persons=[(p, view.commune_name(services.referential, p.commune_insee)) for p in persons],
        preselected=preselected,
        chosen_session=chosen_session,
        provider=action.provider_structure == who.referent.structure,
        when=view.when,
        error=error,
    )


@router.post("/actions/{action_id:uuid}/inscriptions", response_class=HTMLResponse)
async def register(
    request: Request,
    action_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: Annotated[str | None, Form()] = None,
    session: Annotated[str | None, Form()] = None,
    personne: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    check_csrf(services, who, csrf)
    action = await _action(services, action_id)
    session_id, candidate_id = _uuid(session), _uuid(personne)
    if session_id is None or action.session(session_id) is None:
        raise HTTPException(404, "Cette session n'existe pas pour cette action.")
    if candidate_id is None:
        return await _render_action(
            request, who, services, action, None, session_id, status=422,
            error="Choisissez la personne à inscrire dans la liste, puis validez.",
        )  # fmt: skip
    try:
        done = await registrations.register(
            services, who.referent, session_id=session_id, candidate_id=candidate_id
        )
    except NotFound as exc:
        raise HTTPException(404, "Cette personne n'est pas suivie par votre structure.") from exc
    except Refused as exc:
        return await _render_action(
            request, who, services, action, candidate_id, session_id, error=str(exc), status=409
        )
    return render(
        request, "inscrite.html", who, status=201, action=action, r=done.registration,
        rank=done.rank, when=view.when,
    )  # fmt: skip


@router.get("/actions/{action_id:uuid}/presences", response_class=HTMLResponse)
async def attendance_sheet(
    request: Request, action_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    action = await _action(services, action_id)
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
        saved=_uuid(request.query_params.get("fait")),
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
        return render(request, "message.html", who, status=422, title="Présence non notée",
                      text="Cochez « Présente » ou « Absente », puis enregistrez.")  # fmt: skip
    try:
        done = await registrations.record_attendance(
            services, who.referent, registration_id,
            status=RegistrationStatus(presence), outcome=resultat,
        )  # fmt: skip
    except NotFound as exc:
        raise HTTPException(404, "Cette inscription n'existe pas.") from exc
    except (Refused, ValueError) as exc:
        return render(request, "message.html", who, status=409, title="Présence non notée",
                      text=str(exc))  # fmt: skip
    target = f"/actions/{done.action_id}/presences?fait={done.registration_id}"
    return RedirectResponse(f"{target}#inscription-{done.registration_id}", status_code=303)
