"""The référent's page of a person's passeport emploi: its items, added, changed, removed.

A wrong field re-shows the page (422) with the values typed and the error beside the field;
the write's transaction is rolled back, so nothing is half-saved.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import passeport_forms as forms
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import SECTIONS, Item, PasseportInvalid
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.passeport_view import WORDS, form_of, owned, page
from services.candidate_profile.entrypoints.web import WebReferentDep, check_csrf, render
from services.candidate_profile.handlers import passeport

router = APIRouter(prefix="/espace/personnes/{candidate_id}/passeport", include_in_schema=False)


def _back(candidate_id: UUID, section: str) -> RedirectResponse:
    url = f"/espace/personnes/{candidate_id}/passeport#section-{section}"
    return RedirectResponse(url, status_code=303)


@router.get("", response_class=HTMLResponse)
async def view(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    return await page(request, who, services, candidate_id)


@router.post("/elements", response_class=HTMLResponse, response_model=None)
async def add_item(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = await form_of(request)
    check_csrf(services, who, form.get("csrf"))
    section = form.get("section", "")
    if section not in SECTIONS:
        raise HTTPException(422, "Partie du passeport inconnue : rechargez la page.")
    try:
        async with owned(services, who, candidate_id) as (conn, profile):
            await passeport.add_item(
                conn,
                actor=who.referent,
                profile=profile,
                section=section,
                form=form,
                ctx=services.ctx,
            )
    except PasseportInvalid as bad:
        return await page(
            request, who, services, candidate_id, status=422, errors=bad.errors, values=form
        )
    return _back(candidate_id, section)


async def _item(conn: Conn, profile: Profile, item_id: UUID) -> Item:
    item = await passeport.item(conn, profile, item_id)
    if item is None:
        raise HTTPException(404, "Cet élément du passeport n'existe plus.")
    return item


@router.get("/elements/{item_id}", response_class=HTMLResponse)
async def edit_form(
    request: Request,
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
) -> HTMLResponse:
    async with owned(services, who, candidate_id) as (conn, profile):
        item = await _item(conn, profile, item_id)
    values = forms.item_form(item.section, item.content)
    return render(
        request, "passeport_element.html", who, profile=profile, item=item, values=values, **WORDS
    )


@router.post("/elements/{item_id}", response_class=HTMLResponse, response_model=None)
async def edit(
    request: Request,
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
) -> Response:
    form = await form_of(request)
    check_csrf(services, who, form.get("csrf"))
    try:
        async with owned(services, who, candidate_id) as (conn, profile):
            item = await _item(conn, profile, item_id)
            await passeport.edit_item(
                conn, actor=who.referent, profile=profile, item=item, form=form, ctx=services.ctx
            )
    except PasseportInvalid as bad:
        return render(
            request,
            "passeport_element.html",
            who,
            status=422,
            profile=profile,
            item=item,
            values=form,
            errors=bad.errors,
            **WORDS,
        )
    return _back(candidate_id, item.section)


@router.post("/elements/{item_id}/retirer")
async def remove(
    candidate_id: UUID,
    item_id: UUID,
    who: WebReferentDep,
    services: ServicesDep,
    csrf: str = Form(""),
) -> RedirectResponse:
    check_csrf(services, who, csrf)
    async with owned(services, who, candidate_id) as (conn, profile):
        item = await _item(conn, profile, item_id)
        await passeport.remove_item(
            conn, actor=who.referent, profile=profile, item=item, ctx=services.ctx
        )
    return _back(candidate_id, item.section)
