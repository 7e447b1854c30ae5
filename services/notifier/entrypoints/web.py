"""The référents' inbox: sign-in by token, matches newest first, one form per action."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID, uuid4

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from shared import identity
from shared.contracts.notifications import FeedbackDecision
from shared.login_token import InvalidLoginToken, verify_login_token
from shared.web import door, sessions
from shared.web.pages import templates_for

from .. import access, action_handlers, handlers
from ..bootstrap import Notifier
from ..domain import actions, errors, labels
from ..domain.model import FederationAccount, Referent

templates = templates_for(Path(__file__).parent / "templates")
templates.env.globals.update(
    labels=labels,
    decisions=labels.DECISIONS,
    reasons=labels.REASONS,
    actions=actions,
    follow_ups=actions.FOLLOW_UPS,
    action_reasons=actions.NOT_RELEVANT_REASONS,
)
router = APIRouter(include_in_schema=False)
log = logging.getLogger("notifier.web")


def _notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


def _session_id(request: Request) -> UUID | None:
    return sessions.session_id_of(_notifier(request).keyring, request.cookies.get(sessions.COOKIE))


async def _referent(request: Request) -> Referent | None:
    """The signed-in référent, checked on every request: live session, active référent."""
    n = _notifier(request)
    session_id = _session_id(request)
    if session_id is None:
        return None
    return await access.session_referent(pool=n.pool, session_id=session_id, now=n.clock())


async def _federation_user(request: Request) -> FederationAccount | None:
    """The signed-in federation user (their session opens the portal, never the inbox)."""
    n = _notifier(request)
    session_id = _session_id(request)
    if session_id is None:
        return None
    return await access.session_federation_user(pool=n.pool, session_id=session_id, now=n.clock())


async def _not_for_the_inbox(request: Request) -> RedirectResponse:
    """Where a request of the inbox goes without a référent's session: a federation user to
    their portal, anyone else to sign in."""
    portal = await _federation_user(request) is not None
    return RedirectResponse("/federation" if portal else "/connexion", status_code=303)


def _login_page(
    request: Request,
    *,
    token: str = "",
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    email: str = "",
    email_error: str | None = None,
    next_path: str = "",
) -> HTMLResponse:
    context = {
        "token": token,
        "error": error,
        "notice": notice,
        "email": email,
        "email_error": email_error,
        "suite": door.local_path(next_path) if next_path else "",
    }
    return templates.TemplateResponse(request, "connexion.html", context, status_code=status)


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/boite", status_code=303)


@router.get("/session/porte")
async def door_check(request: Request) -> Response:
    """Asked by the front door for every page request: who this session cookie belongs to, as a
    signed `referent` assertion in X-Spie-Identity, or a `federation` one for a federation
    user's session (absent: not signed in). It names only the caller's own id and structure or
    federation."""
    n = _notifier(request)
    referent = await _referent(request)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if referent is not None:
        response.headers[door.IDENTITY_HEADER] = door.door_assertion(
            n.keyring,
            referent_id=referent.referent_id,
            structure=referent.structure,
            now=n.clock(),
        )
        return response
    account = await _federation_user(request)
    if account is not None:
        response.headers[door.IDENTITY_HEADER] = identity.issue(
            n.keyring,
            role="federation",
            subject=str(account.user_id),
            scope=account.federation,
            lifetime=door.DOOR_LIFETIME,
            now=n.clock(),
        )
    return response


@router.get("/connexion")
async def login_form(
    request: Request, jeton: str = "", partout: str = "", suite: str = ""
) -> HTMLResponse:
    # The link only fills the form in: signing in takes a POST, so a prefetch spends no link.
    notice = "Vous êtes déconnecté de tous vos appareils." if partout else None
    return _login_page(request, token=jeton, notice=notice, next_path=suite)


LINK_SENT = (
    "Si cette adresse est celle d'un utilisateur du SPIE (référent ou fédération), un lien de "
    "connexion vient d'y être "
    "envoyé. Il est valable {minutes} minutes et ne sert qu'une fois. Pensez à regarder dans "
    "les courriers indésirables."
)


@router.post("/connexion/lien")
async def ask_link(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form()] = "",
    suite: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """A single-use sign-in link by e-mail. The answer is the same whether or not the address
    is a référent's or a federation user's, and the e-mail leaves after the answer (its time
    tells nothing either)."""
    n = _notifier(request)
    email = email.strip()
    if not _looks_like_email(email):
        return _login_page(
            request,
            email=email,
            email_error="Saisissez votre adresse e-mail professionnelle, par exemple "
            "prenom.nom@structure.fr.",
            status=422,
            next_path=suite,
        )
    minutes = n.settings.login_link_minutes
    try:
        mail = await access.request_link(
            pool=n.pool, keyring=n.keyring, email=email, now=n.clock(), minutes=minutes
        )
    except access.TooManyRequests:
        return _login_page(
            request,
            email=email,
            email_error="Trop de demandes de lien pour le moment : réessayez dans une heure, "
            "ou utilisez le dernier lien reçu.",
            status=429,
            next_path=suite,
        )
    if mail is not None:
        background.add_task(_send_link, n, mail, door.local_path(suite) if suite else "")
    return _login_page(request, notice=LINK_SENT.format(minutes=minutes), next_path=suite)


SPACES = {"referent": "à l'espace des référents", "federation": "au portail des fédérations"}
HOMES = {"referent": "/boite", "federation": "/federation"}


def _looks_like_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and "." in domain and len(email) <= 254 and " " not in email)


async def _send_link(n: Notifier, mail: access.LinkMail, next_path: str) -> None:
    link = f"{n.settings.public_url.rstrip('/')}/connexion?jeton={mail.token}"
    if next_path:
        link += f"&suite={quote(next_path, safe='/')}"
    space = SPACES[mail.principal]
    body = (
        f"Bonjour {mail.name},\n\n"
        f"Voici votre lien de connexion {space} du SPIE Haute-Garonne :\n\n"
        f"{link}\n\n"
        f"Il est valable jusqu'au {mail.expires_at:%d/%m/%Y à %H:%M} (UTC) "
        "et ne sert qu'une fois.\n"
        "Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans "
        "ce lien.\n"
    )
    try:
        await n.channels.email.send(
            to=mail.to,
            subject="Votre lien de connexion · SPIE Haute-Garonne",
            body=body,
            message_id=f"<connexion-{uuid4()}@spie31>",
        )
    except Exception:  # the person asks again; never the address or the link in the log
        log.warning("sign-in link e-mail not sent", exc_info=False)


@router.post("/connexion")
async def login(
    request: Request, jeton: Annotated[str, Form()] = "", suite: Annotated[str, Form()] = ""
) -> Response:
    n = _notifier(request)
    try:
        claim = verify_login_token(n.keyring, jeton, now=n.clock())
        opened = await access.sign_in(
            pool=n.pool, claim=claim, now=n.clock(), session_hours=n.settings.session_hours
        )
    except (InvalidLoginToken, errors.SignInRefused) as exc:
        return _login_page(
            request, error=f"Connexion refusée : {exc}.", status=401, next_path=suite
        )
    home = HOMES[opened.principal]
    response = RedirectResponse(door.local_path(suite) if suite else home, status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        sessions.cookie_value(n.keyring, opened.session_id),
        max_age=n.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=n.settings.secure_cookies,
    )
    return response


def _signed_out(where: str) -> RedirectResponse:
    response = RedirectResponse(where, status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response


@router.post("/deconnexion")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    n = _notifier(request)
    session_id = _session_id(request)
    if session_id is not None:
        if not sessions.csrf_ok(n.keyring, session_id, csrf):
            return HTMLResponse("Formulaire expiré : rechargez la page.", status_code=403)
        await access.sign_out(pool=n.pool, session_id=session_id, now=n.clock())
    return _signed_out("/connexion")


@router.post("/deconnexion-partout")
async def logout_everywhere(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """End every session of the référent or federation user (other browsers too) and refuse
    unused links."""
    n = _notifier(request)
    referent = await _referent(request)
    account = None if referent is not None else await _federation_user(request)
    session_id = _session_id(request)
    if (referent is None and account is None) or session_id is None:
        return RedirectResponse("/connexion", status_code=303)
    if not sessions.csrf_ok(n.keyring, session_id, csrf):
        return HTMLResponse("Formulaire expiré : rechargez la page.", status_code=403)
    if referent is not None:
        await access.sign_out_everywhere(
            pool=n.pool, referent_id=referent.referent_id, now=n.clock()
        )
    elif account is not None:
        await access.sign_out_federation_user_everywhere(
            pool=n.pool, user_id=account.user_id, now=n.clock()
        )
    return _signed_out("/connexion?partout=1")


async def _inbox_page(
    request: Request, referent: Referent, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    n = _notifier(request)
    alerts = await handlers.list_inbox(pool=n.pool, referent=referent)
    proposals, places = await action_handlers.inbox(pool=n.pool, referent=referent)
    session_id = _session_id(request)
    context = {
        "referent": referent,
        "user": referent,
        "nav": "boite",
        "alerts": alerts,
        "proposals": proposals,
        "places": places,
        "csrf": sessions.csrf_token(n.keyring, session_id) if session_id else "",
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
        return await _not_for_the_inbox(request)
    return await _inbox_page(request, referent)


@router.get("/boite/personnes/{candidate_id}")
async def person_proposals(request: Request, candidate_id: UUID) -> Response:
    """The proposals made for one person, as a fragment for the person's page (spie.js)."""
    referent = await _referent(request)
    if referent is None:
        return HTMLResponse("Session expirée : reconnectez-vous.", status_code=401)
    pool = _notifier(request).pool
    alerts = await handlers.proposals_for(pool=pool, referent=referent, candidate_id=candidate_id)
    offered = await action_handlers.for_person(
        pool=pool, referent=referent, candidate_id=candidate_id
    )
    return templates.TemplateResponse(
        request, "personne.html", {"alerts": alerts, "proposals": offered, "referent": referent}
    )


@router.get("/boite/api/nouvelles")
async def open_counts(request: Request, ids: str = "") -> Response:
    """Per person, the proposals nobody has acted on yet: the badges of "Mes personnes"."""
    referent = await _referent(request)
    if referent is None:
        return JSONResponse({"detail": "session expirée"}, status_code=401)
    try:
        wanted = [UUID(i) for i in ids.split(",") if i][:200]
    except ValueError:
        return JSONResponse(
            {"detail": [{"loc": ["query", "ids"], "msg": "identifiants mal formés"}]},
            status_code=422,
        )
    counts = await handlers.open_proposal_counts(
        pool=_notifier(request).pool, referent=referent, candidate_ids=wanted
    )
    return JSONResponse({str(k): v for k, v in counts.items()})


async def _form_sender(request: Request, csrf: str) -> tuple[Notifier, Referent] | Response:
    """The signed-in référent posting an inbox form with this session's token, or the answer:
    the sign-in page, or 403 for a form of another session (or none)."""
    n = _notifier(request)
    referent = await _referent(request)
    if referent is None:
        return await _not_for_the_inbox(request)
    session_id = _session_id(request)
    if session_id is None or not sessions.csrf_ok(n.keyring, session_id, csrf):
        return HTMLResponse("Formulaire expiré : rechargez la page.", status_code=403)
    return n, referent


@router.post("/alertes/{alert_id}/suivi")
async def act(
    request: Request,
    alert_id: UUID,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    sender = await _form_sender(request, csrf)
    if isinstance(sender, Response):
        return sender
    n, referent = sender
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


@router.post("/boite/actions/{proposal_id}/suivi")
async def follow_up_action(
    request: Request,
    proposal_id: UUID,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """ "Inscrit" or "Pas pertinent" + reason on an action proposed: ActionProposalFeedbackGiven."""
    sender = await _form_sender(request, csrf)
    if isinstance(sender, Response):
        return sender
    n, referent = sender
    try:
        await action_handlers.follow_up(
            pool=n.pool,
            referent=referent,
            proposal_id=proposal_id,
            decision=decision,
            reason=reason or None,
        )
    except errors.ProposalNotFound:
        return HTMLResponse("Cette action n'est pas proposée dans votre boîte.", status_code=404)
    except errors.InvalidFeedback as exc:
        return await _inbox_page(
            request, referent, status=422, error_for=proposal_id, error=str(exc)
        )
    except (errors.AlreadyClaimed, errors.AlertRedacted) as exc:
        return await _inbox_page(
            request,
            referent,
            status=409,
            error_for=proposal_id,
            error=f"Action impossible : {exc}.",
        )
    return RedirectResponse(f"/boite?fait={proposal_id}#action-{proposal_id}", status_code=303)
