"""The federations' portal (`/federation`): what every page needs.

Who is signed in comes from the front door (shared/web/door.py): the notifier, which owns
sign-in and sessions, vouches for a federation's user with a `federation` identity assertion
(subject: the user id, scope: the federation). A page's routes live in their own module
(pages_*.py) and use `FederationUserDep`, `render` and `check_csrf`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from shared import identity
from shared.keys import Keyring
from shared.web import pages, sessions
from shared.web.door import IDENTITY_HEADER, SignInRequired
from shared.web.pages import templates_for

from ..federation_users import get_user
from .auth import container_of

templates = templates_for(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class FederationUser:
    """The signed-in user of a federation, and the CSRF token of their session."""

    user_id: UUID
    federation: str
    session_id: UUID | None
    csrf: str
    # From the intake's own table, once the door's assertion is checked (federation_user).
    user_name: str = ""
    role: str = "member"

    # What the shared layout shows in its header.
    @property
    def name(self) -> str:
        return self.user_name or self.federation

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def structure(self) -> str:
        return self.federation


def federation_user_of(request: Request, keyring: Keyring) -> FederationUser | None:
    header = request.headers.get(IDENTITY_HEADER)
    if not header:
        return None
    try:
        who = identity.verify(keyring, header, roles={"federation"})
        user_id = UUID(who.subject)
    except (identity.InvalidAssertion, identity.WrongRole, ValueError):
        return None
    session_id = sessions.session_id_of(keyring, request.cookies.get(sessions.COOKIE))
    csrf = sessions.csrf_token(keyring, session_id) if session_id else ""
    return FederationUser(user_id, who.scope, session_id, csrf)


async def federation_user(request: Request) -> FederationUser:
    """The user the door vouches for, as the intake's table knows them now: an unknown or
    deactivated user, or one moved to another federation, signs in again."""
    container = container_of(request)
    user = federation_user_of(request, container.keyring)
    stored = None if user is None else await get_user(container.pool, user_id=user.user_id)
    if user is None or stored is None or not stored.active or stored.federation != user.federation:
        query = f"?{request.url.query}" if request.url.query else ""
        raise SignInRequired(request.url.path + query)
    return replace(user, user_name=stored.name, role=stored.role)


FederationUserDep = Annotated[FederationUser, Depends(federation_user)]


def check_csrf(request: Request, user: FederationUser, token: str | None) -> None:
    """A form posted without this session's token (another site, an old page): 403."""
    keyring = container_of(request).keyring
    if user.session_id is None or not sessions.csrf_ok(keyring, user.session_id, token):
        raise HTTPException(403, "Formulaire expiré : rechargez la page.")


def render(
    request: Request,
    template: str,
    user: FederationUser | None,
    *,
    status: int = 200,
    nav: str = "federation",
    **context: Any,
) -> HTMLResponse:
    base: dict[str, Any] = {
        "user": user,
        "csrf": user.csrf if user else "",
        "nav": nav,
        "errors": {},
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status)


def install_page_errors(app: FastAPI) -> None:
    """An error on a page is a page in French; the JSON API keeps its JSON."""
    pages.install_page_errors(
        app,
        templates,
        prefix="/federation",
        not_found="Cette page n'existe pas, ou elle concerne un besoin d'une autre fédération.",
    )
