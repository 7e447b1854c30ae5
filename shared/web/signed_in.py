"""What a service's pages know of the signed-in référent, and the two things every page does
with it: render a template in the shared layout, and check a posted form's CSRF token."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.keys import Keyring
from shared.web.door import WebUser

R = TypeVar("R")


class WebReferent(Generic[R]):
    """The signed-in référent (the service's own record of them), the door's user, and the
    session's CSRF token."""

    def __init__(self, referent: R, user: WebUser, csrf: str) -> None:
        self.referent = referent
        self.user = user
        self.csrf = csrf


def check_form(keyring: Keyring, who: WebReferent[Any], token: str | None) -> None:
    """A form posted without this session's token (another site, an old page): 403."""
    if not who.user.csrf_ok(keyring, token):
        raise HTTPException(403, "Formulaire expiré : rechargez la page.")


def page(
    templates: Jinja2Templates,
    request: Request,
    template: str,
    who: WebReferent[Any] | None,
    *,
    status: int,
    nav: str,
    context: dict[str, Any],
) -> HTMLResponse:
    base: dict[str, Any] = {
        "user": who.referent if who else None,
        "csrf": who.csrf if who else "",
        "nav": nav,
        "errors": {},
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status)
