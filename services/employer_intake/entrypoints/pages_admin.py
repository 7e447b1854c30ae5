"""The federation's own administration: its users (`/federation/utilisateurs`) and its API keys
(`/federation/cles`). Every member sees them; only an admin changes them (403 page otherwise).
Another federation's user or key does not exist here (404)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import federation_users as users
from ..adapters import pg_api_keys
from ..adapters.pg_pool import connection, transaction
from ..api_keys import issue_key
from ..domain.federation_users import ROLES, EmailTaken, UserNotFound, check_new_user
from .auth import container_of
from .web import FederationUser, FederationUserDep, check_csrf, render

router = APIRouter(include_in_schema=False)
DONE = {
    "cree": "Le compte est créé. La personne se connecte avec son adresse e-mail, sur la page "
    "de connexion.",
    "desactive": "L'accès est désactivé : la personne est déconnectée et ne peut plus se "
    "connecter.",
    "reactive": "L'accès est rétabli : la personne peut de nouveau se connecter.",
    "revoquee": "La clé est révoquée : les appels faits avec elle sont refusés dès maintenant.",
}
ADMIN_ONLY = "Seul un administrateur de votre fédération peut faire ce changement."


def require_admin(user: FederationUser) -> None:
    if not user.is_admin:
        raise HTTPException(403, ADMIN_ONLY)


async def users_page(
    request: Request, user: FederationUser, *, status: int = 200, **context: Any
) -> HTMLResponse:
    found = await users.users_of(container_of(request).pool, federation=user.federation)
    base = {"users": found, "roles": ROLES, "form": {"role": "member"}}
    return render(
        request, "utilisateurs.html", user, status=status, nav="utilisateurs", **(base | context)
    )


@router.get("/federation/utilisateurs", response_class=HTMLResponse)
async def users_list(request: Request, user: FederationUserDep, fait: str = "") -> HTMLResponse:
    return await users_page(request, user, done=DONE.get(fait))


@router.post("/federation/utilisateurs", response_class=HTMLResponse)
async def users_create(
    request: Request,
    user: FederationUserDep,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, user, csrf)
    require_admin(user)
    new, errors = check_new_user(name, email, role)
    if new is not None:
        try:
            await users.create_user(
                container_of(request).pool, federation=user.federation, user=new
            )
            return RedirectResponse("/federation/utilisateurs?fait=cree", status_code=303)
        except EmailTaken:
            errors = {"email": "Un compte utilise déjà cette adresse. Saisissez-en une autre."}
    form = {"name": name, "email": email, "role": role}
    return await users_page(request, user, status=422, errors=errors, form=form)


@router.post("/federation/utilisateurs/{user_id:uuid}/acces", response_class=HTMLResponse)
async def users_access(
    request: Request,
    user_id: UUID,
    user: FederationUserDep,
    actif: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Deactivate (actif=0) or reactivate (actif=1) one of the federation's users."""
    check_csrf(request, user, csrf)
    require_admin(user)
    if actif not in {"0", "1"}:
        raise HTTPException(422, "Choisissez de désactiver ou de rétablir l'accès.")
    if user_id == user.user_id and actif == "0":
        raise HTTPException(403, "Vous ne pouvez pas désactiver votre propre accès.")
    try:
        await users.set_active(
            container_of(request).pool,
            federation=user.federation,
            user_id=user_id,
            active=actif == "1",
        )
    except UserNotFound:
        raise HTTPException(
            404, "Cette personne n'est pas un utilisateur de votre fédération."
        ) from None
    done = "reactive" if actif == "1" else "desactive"
    return RedirectResponse(f"/federation/utilisateurs?fait={done}", status_code=303)


async def keys_page(
    request: Request, user: FederationUser, *, status: int = 200, **context: Any
) -> HTMLResponse:
    async with connection(container_of(request).pool) as conn:
        found = await pg_api_keys.listing_of(conn, federation=user.federation)
    response = render(request, "cles.html", user, status=status, nav="cles", keys=found, **context)
    response.headers["Cache-Control"] = "no-store"  # a new key is on this page once
    return response


@router.get("/federation/cles", response_class=HTMLResponse)
async def keys_list(request: Request, user: FederationUserDep, fait: str = "") -> HTMLResponse:
    return await keys_page(request, user, done=DONE.get(fait))


@router.post("/federation/cles", response_class=HTMLResponse)
async def keys_create(
    request: Request,
    user: FederationUserDep,
    label: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The new key is shown on this answer only: it is not kept, only its HMAC is."""
    check_csrf(request, user, csrf)
    require_admin(user)
    label = " ".join(label.split())
    if not label or len(label) > 100:
        error = "Dites en quelques mots à quoi sert la clé (100 caractères au plus), par exemple "
        error += "« Logiciel de recrutement »."
        return await keys_page(request, user, status=422, errors={"label": error}, label=label)
    container = container_of(request)
    async with transaction(container.pool) as conn:
        new = await issue_key(
            conn, keyring=container.keyring, federation=user.federation, label=label
        )
    return await keys_page(request, user, new_key=new.key, new_label=label)


@router.post("/federation/cles/{key_id:uuid}/revoquer", response_class=HTMLResponse)
async def keys_revoke(
    request: Request,
    key_id: UUID,
    user: FederationUserDep,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, user, csrf)
    require_admin(user)
    async with connection(container_of(request).pool) as conn:
        revoked = await pg_api_keys.revoke_key_of(conn, federation=user.federation, key_id=key_id)
    if revoked is None:
        raise HTTPException(404, "Cette clé n'existe pas pour votre fédération.")
    return RedirectResponse("/federation/cles?fait=revoquee", status_code=303)
