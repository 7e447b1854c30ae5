"""The portal's pages about a federation's needs: its list, posting one (with the compliance
check before it is published), one need, editing and closing it, and the export.

Every page acts for `user.federation` through the intake's handlers, as the API does for an
API key's federation; a need of another federation is a 404 on every URL.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shared.contracts.federations import NeedReachPayload

from .. import handlers, reach
from ..domain import suggestions
from ..domain.errors import IdempotencyConflict, InvalidFields, NeedAlreadyClosed, NeedNotFound
from ..domain.model import CloseRequest, NeedInput, NeedRecord
from ..domain.preparation import Prepared
from ..domain.reach import shown
from ..handlers import Intake
from .auth import container_of
from .need_form import CONTRACTS, SCHEDULES, YES_NO, NeedForm, errors_by_field, form_text
from .need_views import STATUS, flags_of, row_of
from .web import FederationUser, FederationUserDep, check_csrf, render

router = APIRouter(prefix="/federation", include_in_schema=False)
PAGE_SIZE = 20
CLOSE_REASONS = {"pourvu": "filled", "annule": "cancelled"}
CLOSED = "Ce besoin est clos : il ne peut plus être modifié ni clos à nouveau."


def _intake(request: Request) -> Intake:
    return container_of(request).intake


async def _need(request: Request, user: FederationUser, need_id: UUID) -> NeedRecord:
    try:
        return await handlers.get_need(
            _intake(request), federation=user.federation, need_id=need_id
        )
    except NeedNotFound:
        raise HTTPException(404) from None


@router.get("")
async def my_needs(
    request: Request,
    user: FederationUserDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    intake = _intake(request)
    records, total = await handlers.list_needs(
        intake,
        federation=user.federation,
        status=None,
        rome_code=None,
        commune=None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        open_first=True,
    )
    now = datetime.now(UTC)
    return render(
        request,
        "besoins.html",
        user,
        needs=[row_of(r, intake.snapshot, now) for r in records],
        page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
        total=total,
    )


# --- posting and editing -----------------------------------------------------------------------


def _form_page(
    request: Request,
    user: FederationUser,
    form: NeedForm,
    *,
    record: NeedRecord | None = None,
    errors: dict[str, str] | None = None,
    prepared: Prepared | None = None,
    token: str = "",
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    snapshot = _intake(request).snapshot
    rome = (
        form.values.get("rome_code")
        or (prepared.coding.rome_code if prepared else None)
        or (record.payload.rome_code if record else None)
    )
    flags = []
    if prepared is not None:
        flags = flags_of(
            prepared.flags,
            title=form.values.get("title", ""),
            description=form.values.get("description", ""),
        )
    return render(
        request,
        "besoin_form.html",
        user,
        status=status,
        v=form.values,
        record=record,
        errors=errors or {},
        prepared=prepared,
        flags=flags,
        # The fiche's skills, and those already ticked (from a fiche chosen before).
        skill_options=[
            (s, s)
            for s in dict.fromkeys(
                [*form.values.get("skills", []), *suggestions.skills_of(snapshot, rome)]
            )
        ],
        fiche=snapshot.fiche(rome) if rome else None,
        contracts=CONTRACTS,
        schedules=SCHEDULES,
        yes_no=YES_NO,
        token=token or str(uuid4()),
        notice=notice,
    )


async def _checked(
    request: Request, user: FederationUser, form: NeedForm, **page: Any
) -> tuple[NeedInput, Prepared] | HTMLResponse:
    """The need checked and prepared as the intake will store it, or the form again (422)."""
    intake = _intake(request)
    need, errors = form.need(intake.snapshot)
    if need is None:
        return _form_page(request, user, form, errors=errors, status=422, **page)
    try:
        prepared = await asyncio.to_thread(intake.prepare, need)
    except InvalidFields as exc:
        errors = errors_by_field(exc.errors)
        return _form_page(request, user, form, errors=errors, status=422, **page)
    return need, prepared


def _must_show_flags(posted: FormData, prepared: Prepared) -> bool:
    """Verifying shows the flags; publishing with flags never shown shows them first."""
    if posted.get("action") == "verifier":
        return True
    return bool(prepared.flags) and posted.get("signalements_vus") != "oui"


@router.get("/besoins/nouveau")
async def new_need_form(request: Request, user: FederationUserDep) -> HTMLResponse:
    return _form_page(request, user, NeedForm.blank())


@router.post("/besoins/nouveau", response_model=None)
async def post_need(request: Request, user: FederationUserDep) -> Response:
    posted = await request.form()
    check_csrf(request, user, form_text(posted, "csrf"))
    form, token = NeedForm.posted(posted), form_text(posted, "jeton") or str(uuid4())
    checked = await _checked(request, user, form, token=token)
    if isinstance(checked, HTMLResponse):
        return checked
    need, prepared = checked
    if _must_show_flags(posted, prepared):
        return _form_page(request, user, form, prepared=prepared, token=token)
    try:
        # The form's token as idempotency key: a form posted twice makes one need.
        record, _ = await handlers.post_need(
            _intake(request),
            federation=user.federation,
            need=need,
            idempotency_key=f"portail:{token[:100]}",
            correlation_id=getattr(request.state, "correlation_id", None),
        )
    except IdempotencyConflict:
        notice = "Ce formulaire a déjà servi à publier un besoin : voici un formulaire neuf."
        return _form_page(request, user, form, status=409, notice=notice)
    return RedirectResponse(f"/federation/besoins/{record.payload.need_id}?publie=1", 303)


@router.get("/besoins/{need_id:uuid}")
async def need_page(
    request: Request, user: FederationUserDep, need_id: UUID, publie: str = ""
) -> HTMLResponse:
    record = await _need(request, user, need_id)
    return await _need_view(request, user, record, published=publie == "1")


async def _need_view(
    request: Request,
    user: FederationUser,
    record: NeedRecord,
    *,
    published: bool = False,
    errors: dict[str, str] | None = None,
    close: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    snapshot = _intake(request).snapshot
    p = record.payload
    duplicate = None
    if p.duplicate_of is not None:
        try:  # linked when it is this federation's own; named only otherwise
            duplicate = await _need(request, user, p.duplicate_of)
        except HTTPException:
            duplicate = None
    return render(
        request,
        "besoin.html",
        user,
        status=status,
        r=record,
        p=p,
        status_label=STATUS.get(record.status, record.status),
        commune=suggestions.commune_label(snapshot, p.commune_insee),
        schedules=dict(SCHEDULES),
        contracts=dict(CONTRACTS),
        flags=flags_of(p.compliance_flags, title=p.title, description=p.description),
        duplicate=duplicate,
        published=published,
        errors=errors or {},
        close=close or {},
    )


@router.get("/besoins/{need_id:uuid}/modifier")
async def edit_form(request: Request, user: FederationUserDep, need_id: UUID) -> HTMLResponse:
    record = await _need(request, user, need_id)
    if record.status != "open":
        raise HTTPException(409, CLOSED)
    form = NeedForm.of(record, _intake(request).snapshot)
    return _form_page(request, user, form, record=record)


@router.post("/besoins/{need_id:uuid}/modifier", response_model=None)
async def edit_need(request: Request, user: FederationUserDep, need_id: UUID) -> Response:
    posted = await request.form()
    check_csrf(request, user, form_text(posted, "csrf"))
    record = await _need(request, user, need_id)
    form = NeedForm.posted(posted)
    checked = await _checked(request, user, form, record=record)
    if isinstance(checked, HTMLResponse):
        return checked
    need, prepared = checked
    if _must_show_flags(posted, prepared):
        return _form_page(request, user, form, record=record, prepared=prepared)
    try:
        await handlers.update_need(
            _intake(request),
            federation=user.federation,
            need_id=need_id,
            patch=form.patch(need, record),
            correlation_id=getattr(request.state, "correlation_id", None),
        )
    except NeedNotFound:
        raise HTTPException(404) from None
    except NeedAlreadyClosed:
        raise HTTPException(409, CLOSED) from None
    except InvalidFields as exc:
        errors = errors_by_field(exc.errors)
        return _form_page(request, user, form, record=record, errors=errors, status=422)
    return RedirectResponse(f"/federation/besoins/{need_id}", 303)


@router.post("/besoins/{need_id:uuid}/cloture", response_model=None)
async def close_need(request: Request, user: FederationUserDep, need_id: UUID) -> Response:
    posted = await request.form()
    check_csrf(request, user, form_text(posted, "csrf"))
    record = await _need(request, user, need_id)
    chosen = {"issue": form_text(posted, "issue"), "motif": form_text(posted, "motif")}
    body, errors = _close_request(chosen)
    if body is None:
        return await _need_view(request, user, record, errors=errors, close=chosen, status=422)
    try:
        await handlers.close_need(
            _intake(request),
            federation=user.federation,
            need_id=need_id,
            request=body,
            correlation_id=getattr(request.state, "correlation_id", None),
        )
    except NeedNotFound:
        raise HTTPException(404) from None
    except NeedAlreadyClosed:
        raise HTTPException(409, CLOSED) from None
    return RedirectResponse(f"/federation/besoins/{need_id}", 303)


def _close_request(chosen: dict[str, str]) -> tuple[CloseRequest | None, dict[str, str]]:
    """The API's CloseRequest from the form, or the errors by field."""
    errors: dict[str, str] = {}
    if chosen["issue"] not in CLOSE_REASONS:
        errors["issue"] = "Choisissez : pourvu ou annulé."
    if len(chosen["motif"]) > 500:
        errors["motif"] = "Le motif fait au plus 500 caractères."
    if errors:
        return None, errors
    try:
        body = CloseRequest.model_validate(
            {"reason": CLOSE_REASONS[chosen["issue"]], "comment": chosen["motif"] or None}
        )
    except ValidationError:
        return None, {"motif": "Le motif contient un caractère invisible : retirez-le."}
    return body, {}


# --- the export --------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "besoin",
    "intitule",
    "employeur",
    "statut",
    "publie_le",
    "modifie_le",
    "commune",
    "code_insee",
    "code_rome",
    "postes",
    "cloture",  # pourvu or annulé; the free comment stays out: it may name someone
    # The matcher's latest counts (NeedReachComputed), each under 5 read "moins de 5"; empty
    # while the need has not been counted yet.
    "profils_compatibles",
    "propositions",
    "entretiens",
    "embauches",
)


@router.get("/export.csv")
async def export(request: Request, user: FederationUserDep) -> Response:
    """The federation's needs for its own reporting: no candidate data at all."""
    intake, out = _intake(request), io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    offset, now = 0, datetime.now(UTC)
    while True:
        records, total = await handlers.list_needs(
            intake,
            federation=user.federation,
            status=None,
            rome_code=None,
            commune=None,
            limit=200,
            offset=offset,
        )
        for r in records:
            row, p = row_of(r, intake.snapshot, now), r.payload
            counts = await reach.reach_for(intake, federation=user.federation, need_id=p.need_id)
            writer.writerow(
                [
                    p.need_id,
                    _cell(p.title),
                    _cell(p.employer_name),
                    row.status,
                    r.created_at.date().isoformat(),
                    r.updated_at.date().isoformat(),
                    _cell(row.commune),
                    p.commune_insee,
                    p.rome_code or "",
                    p.positions,
                    {"filled": "pourvu", "cancelled": "annulé"}.get(r.closed_reason or "", ""),
                    *_counts(counts),
                ]
            )
        offset += len(records)
        if not records or offset >= total:
            break
    name = f"besoins-{user.federation}-{now.date().isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # the BOM: spreadsheets then read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_safe(name)}"'},
    )


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _counts(counts: NeedReachPayload | None) -> list[str]:
    if counts is None:
        return ["", "", "", ""]
    outcomes = counts.outcomes
    return [
        shown(counts.compatible),
        shown(counts.proposals),
        shown(outcomes.get("interview", 0)),
        shown(outcomes.get("hired", 0)),
    ]
