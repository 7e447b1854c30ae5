"""Importing a file from the portal: the same reading and the same import as POST /needs/bulk,
for the user's federation; the refused lines with their reasons, downloadable as CSV.

The report is not stored: the result page carries the refused lines' CSV (base64, in its
download form) and posts it back to have it as a file, so nothing is kept between requests.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from ..bulk_import import import_rows
from ..domain import bulk
from .auth import container_of
from .need_form import form_text, label_of
from .refusals import reason_of, reasons_by_line, refused_csv
from .web import FederationUser, FederationUserDep, check_csrf, render

router = APIRouter(prefix="/federation", include_in_schema=False)
KINDS = {".csv": "csv", ".jsonl": "ndjson", ".ndjson": "ndjson", ".json": "ndjson"}
CHOOSE = "Choisissez un fichier CSV (.csv) ou JSON Lines (.jsonl) à importer."


def _page(
    request: Request, user: FederationUser, error: str = "", status: int = 200
) -> HTMLResponse:
    errors = {"fichier": error} if error else {}
    return render(
        request,
        "import.html",
        user,
        status=status,
        errors=errors,
        columns=bulk.CSV_COLUMNS,
        required=bulk.REQUIRED_COLUMNS,
    )


@router.get("/import")
async def import_form(request: Request, user: FederationUserDep) -> HTMLResponse:
    return _page(request, user)


@router.post("/import")
async def import_file(request: Request, user: FederationUserDep) -> HTMLResponse:
    container = container_of(request)
    posted = await request.form()
    check_csrf(request, user, form_text(posted, "csrf"))
    upload = posted.get("fichier")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, user, CHOOSE, 422)
    kind = KINDS.get("." + upload.filename.rsplit(".", 1)[-1].lower())
    if kind is None:
        return _page(request, user, CHOOSE, 422)
    body = await upload.read()
    try:
        rows = bulk.parse(body, kind=kind, max_rows=container.settings.max_bulk_rows)
    except bulk.FileRejected as exc:
        why = f"Le fichier n'a pas été importé, aucune ligne n'est enregistrée : {exc.message}."
        return _page(request, user, why, 422)
    report = await import_rows(
        container.intake,
        federation=user.federation,
        rows=rows,
        correlation_id=getattr(request.state, "correlation_id", None),
    )
    refused = refused_csv(body, kind, report.errors) if report.errors else ""
    return render(
        request,
        "import_resultat.html",
        user,
        report=report,
        filename=upload.filename,
        refused=[
            (line, [(label_of(e.field), reason_of(e)) for e in report.errors if e.line == line])
            for line in reasons_by_line(report.errors)
        ],
        refused_csv=base64.b64encode(refused.encode()).decode(),
    )


@router.post("/import/refus.csv")
async def refused_download(request: Request, user: FederationUserDep) -> Response:
    """The refused lines the result page holds, as a file (nothing is read from the database)."""
    posted = await request.form()
    check_csrf(request, user, form_text(posted, "csrf"))
    try:
        text = base64.b64decode(form_text(posted, "contenu"), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise HTTPException(422, "Ce fichier de lignes refusées est illisible.") from None
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="lignes-refusees.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
