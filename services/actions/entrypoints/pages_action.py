"""An action's page: what it is, its sessions with the places left and the waiting list, and a
registration form per session to come. A link from the inbox or a person's page
(`?personne=<id>&session=<id>`) lands on it with the person chosen.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from services.actions.adapters import catalogue_repo, persons_repo
from services.actions.bootstrap import Services
from services.actions.domain.model import Action
from services.actions.domain.registrations import NotFound, Refused
from services.actions.entrypoints import registrations_view as view
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferent, WebReferentDep, check_csrf, render
from services.actions.handlers import registrations

router = APIRouter(include_in_schema=False)


async def action_or_404(services: Services, action_id: UUID) -> Action:
    async with services.pool.acquire() as conn:
        action = await catalogue_repo.get(conn, action_id)
    if action is None:
        raise HTTPException(404, "Cette action n'existe pas, ou a été retirée du catalogue.")
    return action


def uuid_or_none(raw: str | None) -> UUID | None:
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return None


@router.get("/actions/{action_id:uuid}", response_class=HTMLResponse)
async def action_page(
    request: Request,
    action_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    personne: str | None = None,
    session: str | None = None,
) -> HTMLResponse:
    action = await action_or_404(services, action_id)
    return await _render_action(
        request, who, services, action, uuid_or_none(personne), uuid_or_none(session)
    )


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
    action = await action_or_404(services, action_id)
    session_id, candidate_id = uuid_or_none(session), uuid_or_none(personne)
    if session_id is None or action.session(session_id) is None:
        raise HTTPException(404, "Cette session n'existe pas pour cette action.")
    if candidate_id is None:
        return await _render_action(
            request,
            who,
            services,
            action,
            None,
            session_id,
            status=422,
            error="Choisissez la personne à inscrire dans la liste, puis validez.",
        )
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
        request,
        "inscrite.html",
        who,
        status=201,
        action=action,
        r=done.registration,
        rank=done.rank,
        when=view.when,
    )
