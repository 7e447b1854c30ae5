"""The référents' inbox: sign-in by token, matches newest first, one form per action."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from shared.contracts.notifications import FeedbackDecision
from shared.login_token import InvalidLoginToken, verify_login_token

from .. import handlers
from ..bootstrap import Notifier
from ..domain import errors, labels
from ..domain.model import Referent
from . import sessions

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(labels=labels, decisions=labels.DECISIONS, reasons=labels.REASONS)
router = APIRouter(include_in_schema=False)


def _notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


async def _referent(request: Request) -> Referent | None:
    n = _notifier(request)
    referent_id = sessions.read_session(
        n.settings.signing_key, request.cookies.get(sessions.COOKIE)
    )
    if referent_id is None:
        return None
    return await handlers.find_referent(pool=n.pool, referent_id=referent_id)


def _login_page(
    request: Request, *, token: str = "", error: str | None = None, status: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "connexion.html", {"token": token, "error": error}, status_code=status
    )


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/boite", status_code=303)


@router.get("/connexion")
async def login_form(request: Request, jeton: str = "") -> HTMLResponse:
    # The link only fills the form in: signing in takes a POST, so a prefetch signs no one in.
    return _login_page(request, token=jeton)


@router.post("/connexion")
async def login(request: Request, jeton: Annotated[str, Form()] = "") -> Response:
    n = _notifier(request)
    try:
        referent_id = verify_login_token(n.settings.signing_key, jeton)
    except InvalidLoginToken as exc:
        return _login_page(request, error=f"Connexion refusée : {exc}.", status=401)
    if await handlers.find_referent(pool=n.pool, referent_id=referent_id) is None:
        return _login_page(
            request, error="Connexion refusée : référent inconnu du service d'alertes.", status=401
        )
    response = RedirectResponse("/boite", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        sessions.open_session(n.settings.signing_key, referent_id, hours=n.settings.session_hours),
        max_age=n.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=n.settings.secure_cookies,
    )
    return response


@router.post("/deconnexion")
async def logout() -> RedirectResponse:
    response = RedirectResponse("/connexion", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response


async def _inbox_page(
    request: Request, referent: Referent, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    n = _notifier(request)
    alerts = await handlers.list_inbox(pool=n.pool, referent=referent)
    cookie = request.cookies.get(sessions.COOKIE, "")
    context = {
        "referent": referent,
        "alerts": alerts,
        "csrf": sessions.csrf_token(n.settings.signing_key, cookie),
        "done": request.query_params.get("fait"),
        "error_for": None,
        "error": None,
        "not_relevant": FeedbackDecision.NOT_RELEVANT.value,
        **extra,
    }
    return templates.TemplateResponse(request, "boite.html", context, status_code=status)


@router.get("/boite")
async def inbox(request: Request) -> Response:
    referent = await _referent(request)
    if referent is None:
        return RedirectResponse("/connexion", status_code=303)
    return await _inbox_page(request, referent)


@router.post("/alertes/{alert_id}/suivi")
async def act(
    request: Request,
    alert_id: UUID,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    n = _notifier(request)
    referent = await _referent(request)
    if referent is None:
        return RedirectResponse("/connexion", status_code=303)
    if not sessions.csrf_ok(n.settings.signing_key, request.cookies.get(sessions.COOKIE), csrf):
        return HTMLResponse("Formulaire expiré : rechargez la page.", status_code=403)
    try:
        await handlers.give_feedback(
            pool=n.pool,
            referent=referent,
            alert_id=alert_id,
            decision=decision,
            reason=reason or None,
        )
    except errors.AlertNotFound:
        return HTMLResponse("Cette piste n'existe pas dans votre boîte.", status_code=404)
    except errors.InvalidFeedback as exc:
        return await _inbox_page(request, referent, status=422, error_for=alert_id, error=str(exc))
    except (errors.AlreadyClaimed, errors.AlertRedacted) as exc:
        return await _inbox_page(
            request, referent, status=409, error_for=alert_id, error=f"Action impossible : {exc}."
        )
    return RedirectResponse(f"/boite?fait={alert_id}#alerte-{alert_id}", status_code=303)
