"""The référents' workspace (`/espace`): what every page needs.

Who is signed in comes from the front door (shared/web/door.py); the référent is then read from
this service's own table, so a deactivated référent gets no page even with a live session.
A page's routes live in their own module (pages_*.py) and use `WebReferentDep`, `render` and
`check_csrf`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from services.candidate_profile.adapters import referents_repo
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.entrypoints.deps import ServicesDep
from shared.web import pages, signed_in
from shared.web.door import SignInRequired, require_web_user
from shared.web.pages import templates_for

templates = templates_for(Path(__file__).parent / "templates")
WebReferent = signed_in.WebReferent[Referent]


async def web_referent(request: Request, services: ServicesDep) -> WebReferent:
    keyring = services.ctx.keyring
    user = require_web_user(request, keyring)
    async with services.pool.acquire() as conn:
        referent = await referents_repo.get(conn, user.referent_id)
    if referent is None or not referent.active or referent.structure != user.structure:
        raise SignInRequired(request.url.path)
    return WebReferent(referent, user, user.csrf(keyring))


WebReferentDep = Annotated[WebReferent, Depends(web_referent)]


def check_csrf(services: ServicesDep, who: WebReferent, token: str | None) -> None:
    """A form posted without this session's token (another site, an old page): 403."""
    signed_in.check_form(services.ctx.keyring, who, token)


def render(
    request: Request,
    template: str,
    who: WebReferent | None,
    *,
    status: int = 200,
    nav: str = "personnes",
    **context: Any,
) -> HTMLResponse:
    return signed_in.page(
        templates, request, template, who, status=status, nav=nav, context=context
    )


def install_page_errors(app: FastAPI) -> None:
    """An error on a page is a page in French; the JSON API keeps its JSON."""
    pages.install_page_errors(
        app,
        templates,
        prefix="/espace",
        not_found="Cette page n'existe pas, ou elle concerne une personne que vous ne suivez pas.",
    )
