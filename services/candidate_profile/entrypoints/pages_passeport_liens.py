"""The référent gives and takes back the passeport's links without account, and takes the
passeport out (PDF, JSON).

A new link's token is shown once, in the answer to the form that created it (not a redirect,
so it is in no URL of these pages), and only its keyed hash is kept.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from services.candidate_profile.adapters.passeport_pdf import render_pdf
from services.candidate_profile.domain.passeport import Change, Passeport, PasseportInvalid, export
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.passeport_view import WORDS, form_of, owned, page
from services.candidate_profile.entrypoints.web import (
    WebReferent,
    WebReferentDep,
    check_csrf,
    templates,
)
from services.candidate_profile.handlers import passeport, passeport_links

router = APIRouter(prefix="/espace", include_in_schema=False)
SCRIPT = Path(__file__).parent / "static" / "passeport.js"
PRIVATE = {"Cache-Control": "no-store"}


@router.post("/personnes/{candidate_id}/passeport/liens", response_class=HTMLResponse)
async def create_link(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    form = await form_of(request)
    check_csrf(services, who, form.get("csrf"))
    try:
        async with owned(services, who, candidate_id) as (conn, profile):
            link, token = await passeport_links.create_link(
                conn, actor=who.referent, profile=profile, form=form, ctx=services.ctx
            )
    except PasseportInvalid as bad:
        return await page(
            request, who, services, candidate_id, status=422, errors=bad.errors, values=form
        )
    url = f"{str(request.base_url).rstrip('/')}/passeport/lien/{token}"
    shown = await page(request, who, services, candidate_id, status=201, new_link=link, new_url=url)
    shown.headers.update(PRIVATE)
    return shown


@router.post("/personnes/{candidate_id}/passeport/liens/{link_id}/retirer")
async def revoke_link(
    candidate_id: UUID,
    link_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: str = Form(""),
) -> RedirectResponse:
    check_csrf(services, who, csrf)
    async with owned(services, who, candidate_id) as (conn, profile):
        await passeport_links.revoke_link(
            conn, actor=who.referent, profile=profile, link_id=link_id, ctx=services.ctx
        )
    return RedirectResponse(f"/espace/personnes/{candidate_id}/passeport#liens", status_code=303)


async def _document(
    services: ServicesDep, who: WebReferent, candidate_id: UUID
) -> tuple[Passeport, list[Change]]:
    async with owned(services, who, candidate_id) as (conn, profile):
        return await passeport.load(conn, profile), await passeport.history(conn, profile)


@router.get("/personnes/{candidate_id}/passeport.json")
async def export_json(
    candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> JSONResponse:
    doc, history = await _document(services, who, candidate_id)
    disposition = f'attachment; filename="passeport-{candidate_id}.json"'
    return JSONResponse(
        export(doc, history, services.ctx.clock()),
        headers=PRIVATE | {"Content-Disposition": disposition},
    )


@router.get("/personnes/{candidate_id}/passeport.pdf")
async def export_pdf(candidate_id: UUID, who: WebReferentDep, services: ServicesDep) -> Response:
    doc, _ = await _document(services, who, candidate_id)
    html = templates.get_template("passeport_pdf.html").render(
        passeport=doc, printed_at=services.ctx.clock(), **WORDS
    )
    disposition = f'inline; filename="passeport-{candidate_id}.pdf"'
    return Response(
        await render_pdf(html),
        media_type="application/pdf",
        headers=PRIVATE | {"Content-Disposition": disposition},
    )


@router.get("/passeport/copier.js")
async def copy_script(_: WebReferentDep) -> FileResponse:
    """The page's one script (the front door's CSP allows no inline script)."""
    return FileResponse(SCRIPT, media_type="text/javascript")
