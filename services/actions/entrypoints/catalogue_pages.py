"""What the catalogue's pages share: the action's and the session's forms drawn with their
values and errors, the provider's own action (404 for anyone else), a posted field."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from services.actions.domain.catalogue import SessionDraft, SessionInput
from services.actions.domain.model import Action
from services.actions.entrypoints.catalogue_form import (
    KINDS,
    PUBLICS,
    SCHEDULES,
    ActionForm,
    session_label,
)
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferent, render
from services.actions.handlers import catalogue
from services.actions.handlers.catalogue import ActionClosed, ActionNotFound

CHOICES: dict[str, Any] = {"kinds": KINDS, "publics": PUBLICS, "schedules": SCHEDULES}


def action_form_page(
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


def session_form_page(
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


async def own_action(services: ServicesDep, who: WebReferent, action_id: UUID) -> Action:
    try:
        return await catalogue.changeable_action(services, who.referent, action_id)
    except ActionNotFound as exc:
        raise refused(exc) from exc


def refused(exc: Exception) -> HTTPException:
    if isinstance(exc, ActionClosed):
        return HTTPException(409, "Cette action est close : elle ne change plus.")
    return HTTPException(404, "Cette action n'existe pas, ou une autre structure la propose.")


def as_input(session: SessionDraft) -> SessionInput:
    return SessionInput(
        session.starts_at,
        session.ends_at,
        session.capacity,
        tuple(s.value for s in session.schedules),
    )


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
