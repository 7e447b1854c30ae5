"""The référent's pages of a person's passeport emploi: view and edit, links, PDF, JSON.

Only the structure keeping the profile writes its passeport; any other gets 404, as for an
unknown person. A link's token is shown once, in the answer to the form that created it, and
never put in a URL of these pages nor in a log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from services.candidate_profile.adapters import passeport_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.adapters.passeport_pdf import render_pdf
from services.candidate_profile.domain import passeport as rules
from services.candidate_profile.domain.errors import ProfileNotFound
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.web import (
    WebReferent,
    WebReferentDep,
    check_csrf,
    render,
    templates,
)
from services.candidate_profile.handlers import passeport

router = APIRouter(prefix="/espace/personnes/{candidate_id}", include_in_schema=False)
NOT_HERE = "Personne introuvable dans votre structure."


@asynccontextmanager
async def _owned(
    services: ServicesDep, who: WebReferent, candidate_id: UUID
) -> AsyncIterator[tuple[Conn, Profile]]:
    """One transaction on a profile of the référent's structure (404 otherwise)."""
    async with services.transaction() as conn:
        try:
            profile = await passeport.own_profile(conn, who.referent, candidate_id)
        except ProfileNotFound:
            raise HTTPException(404, NOT_HERE) from None
        yield conn, profile


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _page(
    request: Request,
    who: WebReferent,
    conn: Conn,
    profile: Profile,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    cid = profile.candidate_id
    context.setdefault("values", {})
    return render(
        request,
        "passeport.html",
        who,
        status=status,
        profile=profile,
        passeport=await passeport.load(conn, profile),
        links=await passeport_repo.links(conn, cid),
        history=await passeport_repo.history(conn, cid),
        sections=rules.SECTIONS,
        evidence_kinds=rules.EVIDENCE_KINDS,
        days_default=rules.LINK_DAYS_DEFAULT,
        days_max=rules.LINK_DAYS_MAX,
        now=request.app.state.services.ctx.clock(),
        **context,
    )


@router.get("/passeport", response_class=HTMLResponse)
async def view(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    async with _owned(services, who, candidate_id) as (conn, profile):
        return await _page(request, who, conn, profile)


@router.post("/passeport/elements", response_class=HTMLResponse, response_model=None)
async def add_item(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(services, who, form.get("csrf"))
    section = form.get("section", "")
    if section not in rules.SECTIONS:
        raise HTTPException(422, "Section inconnue : rechargez la page.")
    try:
        async with _owned(services, who, candidate_id) as (conn, profile):
            await passeport.add_item(
                conn,
                actor=who.referent,
                profile=profile,
                section=section,
                form=form,
                ctx=services.ctx,
            )
    except rules.PasseportInvalid as bad:  # the transaction is rolled back: nothing half-saved
        async with _owned(services, who, candidate_id) as (conn, profile):
            return await _page(
                request,
                who,
                conn,
                profile,
                status=422,
                errors=bad.errors,
                values=form,
                open_section=section,
            )
    url = f"/espace/personnes/{candidate_id}/passeport#section-{section}"
    return RedirectResponse(url, status_code=303)


async def _item(conn: Conn, profile: Profile, item_id: UUID) -> rules.Item:
    item = await passeport_repo.item(conn, profile.candidate_id, item_id)
    if item is None:
        raise HTTPException(404, "Cet élément du passeport n'existe plus.")
    return item


@router.get("/passeport/elements/{item_id}", response_class=HTMLResponse)
async def edit_form(
    request: Request,
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
) -> HTMLResponse:
    async with _owned(services, who, candidate_id) as (conn, profile):
        item = await _item(conn, profile, item_id)
    return render(
        request,
        "passeport_element.html",
        who,
        profile=profile,
        item=item,
        values=rules.item_form(item.section, item.content),
        sections=rules.SECTIONS,
        evidence_kinds=rules.EVIDENCE_KINDS,
    )


@router.post("/passeport/elements/{item_id}", response_class=HTMLResponse, response_model=None)
async def edit(
    request: Request,
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(services, who, form.get("csrf"))
    try:
        async with _owned(services, who, candidate_id) as (conn, profile):
            item = await _item(conn, profile, item_id)
            await passeport.edit_item(
                conn, actor=who.referent, profile=profile, item=item, form=form, ctx=services.ctx
            )
    except rules.PasseportInvalid as bad:
        return render(
            request,
            "passeport_element.html",
            who,
            status=422,
            profile=profile,
            item=item,
            values=form,
            errors=bad.errors,
            sections=rules.SECTIONS,
            evidence_kinds=rules.EVIDENCE_KINDS,
        )
    url = f"/espace/personnes/{candidate_id}/passeport#section-{item.section}"
    return RedirectResponse(url, status_code=303)


@router.post("/passeport/elements/{item_id}/retirer")
async def remove(
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: str = Form(""),
) -> RedirectResponse:
    check_csrf(services, who, csrf)
    async with _owned(services, who, candidate_id) as (conn, profile):
        item = await _item(conn, profile, item_id)
        await passeport.remove_item(
            conn, actor=who.referent, profile=profile, item=item, ctx=services.ctx
        )
    url = f"/espace/personnes/{candidate_id}/passeport#section-{item.section}"
    return RedirectResponse(url, status_code=303)


@router.post("/passeport/liens", response_class=HTMLResponse)
async def create_link(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    """Answered with the page itself (not a redirect): the token is shown in it, once."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(services, who, form.get("csrf"))
    try:
        async with _owned(services, who, candidate_id) as (conn, profile):
            link, token = await passeport.create_link(
                conn, actor=who.referent, profile=profile, form=form, ctx=services.ctx
            )
    except rules.PasseportInvalid as bad:
        async with _owned(services, who, candidate_id) as (conn, profile):
            return await _page(
                request,
                who,
                conn,
                profile,
                status=422,
                errors=bad.errors,
                values=form,
                open_section="liens",
            )
    async with _owned(services, who, candidate_id) as (conn, profile):
        return await _page(
            request,
            who,
            conn,
            profile,
            status=201,
            new_link=link,
            new_url=f"{_base(request)}/passeport/lien/{token}",
        )


@router.post("/passeport/liens/{link_id}/retirer")
async def revoke_link(
    candidate_id: UUID,
    link_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: str = Form(""),
) -> RedirectResponse:
    check_csrf(services, who, csrf)
    async with _owned(services, who, candidate_id) as (conn, profile):
        await passeport.revoke_link(
            conn, actor=who.referent, profile=profile, link_id=link_id, ctx=services.ctx
        )
    return RedirectResponse(f"/espace/personnes/{candidate_id}/passeport#liens", status_code=303)


async def _document(
    services: ServicesDep, who: WebReferent, candidate_id: UUID
) -> tuple[rules.Passeport, list[rules.Change]]:
    async with _owned(services, who, candidate_id) as (conn, profile):
        return await passeport.load(conn, profile), await passeport_repo.history(conn, candidate_id)


@router.get("/passeport.json")
async def export_json(
    candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> JSONResponse:
    doc, history = await _document(services, who, candidate_id)
    body = rules.export(doc, history, services.ctx.clock())
    disposition = f'attachment; filename="passeport-{candidate_id}.json"'
    return JSONResponse(
        body, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"}
    )


@router.get("/passeport.pdf")
async def export_pdf(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    doc, _ = await _document(services, who, candidate_id)
    html = templates.get_template("passeport_pdf.html").render(
        passeport=doc,
        sections=rules.SECTIONS,
        evidence_kinds=rules.EVIDENCE_KINDS,
        printed_at=services.ctx.clock(),
    )
    pdf = await render_pdf(html)
    disposition = f'inline; filename="passeport-{candidate_id}.pdf"'
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
