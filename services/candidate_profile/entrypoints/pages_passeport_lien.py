"""The passeport through a link, without an account: the person reads, comments and validates;
an employer hosting an immersion sees the first name and the trades, and attests skills.

The front door gives these routes no session: the link is the key. It opens one passeport only,
and a revoked or expired link gets a plain French page (404 unknown, 410 closed). The token is
in the path, so it is never logged here, and the pages tell the browser not to keep or pass it on.
Forms carry a CSRF token bound to the link, not to a session.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.candidate_profile.domain import passeport as rules
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import Link, LinkUnusable
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.passeport_view import WORDS, form_of
from services.candidate_profile.entrypoints.web import templates
from services.candidate_profile.handlers import passeport, passeport_links
from shared.keys import Keyring
from shared.signed_token import InvalidToken, sign, verify

router = APIRouter(prefix="/passeport/lien", include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _csrf(keyring: Keyring, link: Link) -> str:
    return sign(keyring, "csrf", ("passeport", link.link_id.hex))


def _csrf_ok(keyring: Keyring, link: Link, token: str | None) -> bool:
    try:
        return verify(keyring, "csrf", token or "", fields=2) == ["passeport", link.link_id.hex]
    except InvalidToken:
        return False


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    base: dict[str, Any] = {"user": None, "csrf": "", "nav": "", "errors": {}, "values": {}}
    return templates.TemplateResponse(
        request, template, base | context, status_code=status, headers=PRIVATE
    )


def _closed(request: Request, status: int) -> HTMLResponse:
    return _page(request, "passeport_lien_ferme.html", status=status, gone=status == 410)


async def _show(
    request: Request,
    services: ServicesDep,
    token: str,
    link: Link,
    profile: Profile,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    async with services.pool.acquire() as conn:
        doc = await passeport.load(conn, profile)
    template = (
        "passeport_lien_personne.html"
        if link.kind == "personne"
        else "passeport_lien_employeur.html"
    )
    return _page(
        request,
        template,
        status=status,
        link=link,
        passeport=doc,
        link_csrf=_csrf(services.ctx.keyring, link),
        base_path=f"/passeport/lien/{token}",
        **(WORDS | context),
    )


@router.get("/{token}", response_class=HTMLResponse)
async def open_link(request: Request, token: str, services: ServicesDep) -> HTMLResponse:
    try:
        async with services.pool.acquire() as conn:
            link, profile = await passeport_links.open_link(conn, token, services.ctx)
    except LinkUnusable as closed:
        return _closed(request, closed.status)
    thanks = request.query_params.get("merci") == "1"
    return await _show(request, services, token, link, profile, thanks=thanks)


@router.post("/{token}/avis/{section}", response_class=HTMLResponse, response_model=None)
async def review(request: Request, token: str, section: str, services: ServicesDep) -> Response:
    form = await form_of(request)
    try:
        async with services.transaction() as conn:
            link, profile = await passeport_links.open_link(conn, token, services.ctx)
            if not _csrf_ok(services.ctx.keyring, link, form.get("csrf")):
                return _page(request, "passeport_lien_ferme.html", status=403, expired_form=True)
            await passeport_links.review_section(
                conn, link=link, section=section, form=form, ctx=services.ctx
            )
    except LinkUnusable as closed:
        return _closed(request, closed.status)
    except rules.PasseportInvalid as bad:
        return await _show(
            request, services, token, link, profile, status=422, errors=bad.errors, values=form
        )
    return RedirectResponse(
        f"/passeport/lien/{token}?merci=1#section-{section}", status_code=303, headers=PRIVATE
    )


@router.post("/{token}/attestation", response_class=HTMLResponse, response_model=None)
async def attest(request: Request, token: str, services: ServicesDep) -> Response:
    form = await form_of(request)
    try:
        async with services.transaction() as conn:
            link, profile = await passeport_links.open_link(conn, token, services.ctx)
            if not _csrf_ok(services.ctx.keyring, link, form.get("csrf")):
                return _page(request, "passeport_lien_ferme.html", status=403, expired_form=True)
            await passeport_links.attest(conn, link=link, form=form, ctx=services.ctx)
    except LinkUnusable as closed:
        return _closed(request, closed.status)
    except rules.PasseportInvalid as bad:
        return await _show(
            request, services, token, link, profile, status=422, errors=bad.errors, values=form
        )
    return RedirectResponse(f"/passeport/lien/{token}?merci=1", status_code=303, headers=PRIVATE)
