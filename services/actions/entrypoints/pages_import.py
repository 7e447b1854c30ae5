"""Importing a partner's catalogue from the browser: the same handler as the API's import."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from services.actions.domain.catalogue_csv import MAX_LINES, FileRefused, LinesRefused
from services.actions.domain.columns import COLUMNS, REQUIRED
from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferent, WebReferentDep, check_csrf, render
from services.actions.handlers.imports import import_catalogue

router = APIRouter(include_in_schema=False)
PICK_A_FILE = "Choisissez le fichier CSV de votre catalogue."


@router.get("/actions/import", response_class=HTMLResponse)
async def import_page(request: Request, who: WebReferentDep) -> HTMLResponse:
    return _page(request, who)


@router.post("/actions/import", response_class=HTMLResponse)
async def import_file(request: Request, services: ServicesDep, who: WebReferentDep) -> HTMLResponse:
    form = await request.form()
    token = form.get("csrf")
    check_csrf(services, who, token if isinstance(token, str) else None)
    upload = form.get("fichier")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, who, status=422, errors={"fichier": PICK_A_FILE})
    try:
        report = await import_catalogue(services, who.referent, await upload.read())
    except FileRefused as exc:
        return _page(request, who, status=exc.status, errors={"fichier": exc.message})
    except LinesRefused as exc:
        message = f"{len(exc.errors)} erreur(s) : rien n'a été enregistré. Corrigez le fichier."
        return _page(request, who, status=422, errors={"fichier": message}, lines=exc.errors)
    return _page(request, who, report=report)


def _page(request: Request, who: WebReferent, *, status: int = 200, **context: Any) -> HTMLResponse:
    return render(
        request,
        "catalogue_import.html",
        who,
        status=status,
        columns=COLUMNS,
        required=REQUIRED,
        max_lines=MAX_LINES,
        **context,
    )
