"""The diagnostic à trame unique in the workspace: a new person, a new diagnostic, a past one.

Each route is as thin as an API route: read the form against the trame, call the handler in one
transaction, show the form again (422, values kept, errors by field) or move on.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import EmailStr, TypeAdapter, ValidationError

from services.candidate_profile.adapters.trame_files import TrameCatalog
from services.candidate_profile.domain import answers as answers_form
from services.candidate_profile.domain.errors import ProfileNotFound, ReadOnlyAccess
from services.candidate_profile.domain.model import FirstName, Phone
from services.candidate_profile.domain.places import label as commune_label
from services.candidate_profile.domain.prefill import answers_from_profile, to_form
from services.candidate_profile.domain.trame import LEVELS, Trame
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.web import WebReferent, WebReferentDep, check_csrf
from services.candidate_profile.entrypoints.web import render as render_page
from services.candidate_profile.handlers import diagnostics
from services.candidate_profile.handlers.diagnostics import IDENTITY, DiagnosticInvalid, Reading

router = APIRouter(prefix="/espace", include_in_schema=False)
PARIS = ZoneInfo("Europe/Paris")
NOT_FOUND = "Cette personne n'existe pas, ou elle n'est pas suivie par votre structure."
READ_ONLY = (
    "Cette personne est suivie par une autre structure, qui vous a partagé son profil :"
    " vous pouvez lire son diagnostic, pas le modifier."
)
_IDENTITY_TYPES: dict[str, TypeAdapter[Any]] = {
    "first_name": TypeAdapter(FirstName),
    "contact_email": TypeAdapter(EmailStr | None),
    "contact_phone": TypeAdapter(Phone | None),
}


def get_trames(services: ServicesDep) -> TrameCatalog:
    return services.trames


TramesDep = Annotated[TrameCatalog, Depends(get_trames)]


@router.get("/personnes/nouvelle", response_class=HTMLResponse)
async def new_person_form(request: Request, who: WebReferentDep, trames: TramesDep) -> Response:
    return _form(request, who, trames.current, form={}, errors={})


@router.post("/personnes/nouvelle", response_class=HTMLResponse)
async def new_person(
    request: Request, who: WebReferentDep, services: ServicesDep, trames: TramesDep
) -> Response:
    posted = await _posted(request, services, who)
    trame = _trame_posted(posted, trames)
    answers, errors = answers_form.read(trame, posted, services.ctx.referential)
    identity, identity_errors = _identity(posted)
    errors = identity_errors | errors
    if not errors:
        try:
            async with services.transaction() as conn:
                profile, _, _ = await diagnostics.create_person(
                    conn, actor=who.referent, identity=identity, trame=trame, answers=answers,
                    ctx=services.ctx,
                )  # fmt: skip
        except DiagnosticInvalid as invalid:
            errors = invalid.errors
        else:  # consent is recorded on its own page, by another route
            url = f"/espace/personnes/{profile.candidate_id}/consentement"
            return RedirectResponse(url, status_code=303)
    return _form(request, who, trame, form=posted, errors=errors, status=422)


@router.get("/personnes/{candidate_id:uuid}/diagnostic", response_class=HTMLResponse)
async def diagnostic_form(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep,
    trames: TramesDep,
) -> Response:  # fmt: skip
    reading = await _reading(services, who, candidate_id, seq=None)
    if reading is None:
        return _not_found(request, who)
    if reading.profile.structure != who.referent.structure:  # shared with us: read only
        return _view(request, who, services, reading, trames)
    trame = trames.current
    answers = (
        reading.diagnostic.answers
        if reading.diagnostic is not None
        else answers_from_profile(trame, reading.profile.model_dump())
    )
    form = to_form(trame, answers, services.ctx.referential)
    return _form(request, who, trame, form=form, errors={}, reading=reading)


@router.post("/personnes/{candidate_id:uuid}/diagnostic", response_class=HTMLResponse)
async def record_diagnostic(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep,
    trames: TramesDep,
) -> Response:  # fmt: skip
    posted = await _posted(request, services, who)
    trame = _trame_posted(posted, trames)
    answers, errors = answers_form.read(trame, posted, services.ctx.referential)
    try:
        if not errors:
            async with services.transaction() as conn:
                _, diagnostic, screened = await diagnostics.record(
                    conn, actor=who.referent, candidate_id=candidate_id, trame=trame,
                    answers=answers, ctx=services.ctx,
                )  # fmt: skip
            url = f"/espace/personnes/{candidate_id}/diagnostic/{diagnostic.seq}?enregistre=1"
            url += f"&retires={len(screened)}" if screened else ""
            return RedirectResponse(url, status_code=303)
    except DiagnosticInvalid as invalid:
        errors = invalid.errors
    except ProfileNotFound:
        return _not_found(request, who)
    except ReadOnlyAccess:
        return _message(request, who, 403, "Lecture seule", READ_ONLY)
    reading = await _reading(services, who, candidate_id, seq=None)
    if reading is None:
        return _not_found(request, who)
    return _form(request, who, trame, form=posted, errors=errors, status=422, reading=reading)


@router.get("/personnes/{candidate_id:uuid}/diagnostic/{seq:int}", response_class=HTMLResponse)
async def past_diagnostic(
    request: Request, candidate_id: UUID, seq: int, who: WebReferentDep, services: ServicesDep,
    trames: TramesDep,
) -> Response:  # fmt: skip
    reading = await _reading(services, who, candidate_id, seq=seq)
    if reading is None or reading.diagnostic is None:
        return _not_found(request, who)
    saved = request.query_params.get("enregistre") == "1"
    removed = request.query_params.get("retires", "0")
    return _view(
        request, who, services, reading, trames, saved=saved,
        screened=int(removed) if removed.isdigit() else 0,
    )  # fmt: skip


async def _posted(
    request: Request, services: ServicesDep, who: WebReferent
) -> dict[str, list[str]]:
    form = await request.form()
    check_csrf(services, who, _text(form.get("csrf")))
    return {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in form}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _trame_posted(posted: dict[str, list[str]], trames: TrameCatalog) -> Trame:
    """The version the form was drawn with: answers are read with the questions asked."""
    version = (posted.get("trame") or [""])[0]
    drawn = trames.get(int(version)) if version.isdigit() else None
    return drawn or trames.current


def _identity(posted: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    identity: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, (name, message) in IDENTITY.items():
        raw = (posted.get(name) or [""])[0].strip()
        try:
            identity[field] = _IDENTITY_TYPES[field].validate_python(raw or None)
        except ValidationError:
            errors[name] = message
    return identity, errors


async def _reading(
    services: ServicesDep, who: WebReferent, candidate_id: UUID, *, seq: int | None
) -> Reading | None:
    try:
        async with services.pool.acquire() as conn:
            return await diagnostics.readable(
                conn, actor=who.referent, candidate_id=candidate_id, seq=seq, ctx=services.ctx
            )
    except ProfileNotFound:
        return None


def _form(
    request: Request, who: WebReferent, trame: Trame, *, form: dict[str, list[str]],
    errors: dict[str, str], status: int = 200, reading: Reading | None = None,
) -> HTMLResponse:  # fmt: skip
    return render_page(
        request, "diagnostic_form.html", who, status=status, trame=trame, form=form,
        errors=_in_page_order(trame, errors), person=reading.profile if reading else None,
        latest=reading.diagnostic if reading else None, levels=LEVELS,
    )  # fmt: skip


def _view(
    request: Request, who: WebReferent, services: ServicesDep, reading: Reading,
    trames: TrameCatalog, *, saved: bool = False, screened: int = 0,
) -> HTMLResponse:  # fmt: skip
    if reading.diagnostic is None:
        return _message(request, who, 404, "Aucun diagnostic",
                        "Aucun diagnostic n'a encore été rédigé pour cette personne.")  # fmt: skip
    trame = trames.get(reading.diagnostic.trame_version)
    if trame is None:  # a version withdrawn from the files: say so rather than guess
        return _message(request, who, 500, "Trame introuvable",
                        f"La version {reading.diagnostic.trame_version} de la trame manque :"
                        " prévenez l'équipe technique.")  # fmt: skip
    referential = services.ctx.referential
    return render_page(
        request, "diagnostic_view.html", who, trame=trame, reading=reading, saved=saved,
        screened=screened,
        current_version=trames.current.version, levels=dict(LEVELS),
        owner=reading.profile.structure == who.referent.structure,
        commune=lambda code: commune_label(referential, code),
        written_at=reading.diagnostic.created_at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M"),
    )  # fmt: skip


def _in_page_order(trame: Trame, errors: dict[str, str]) -> dict[str, str]:
    """The errors in the order of their fields on the page, as the summary lists them."""
    order = [name for name, _ in IDENTITY.values()] + [q.id for q in trame.questions]

    def position(name: str) -> int:
        for i, prefix in enumerate(order):
            if name == prefix or name.startswith(prefix + "-"):
                return i
        return len(order)

    return dict(sorted(errors.items(), key=lambda item: position(item[0])))


def _not_found(request: Request, who: WebReferent) -> HTMLResponse:
    return _message(request, who, 404, "Personne introuvable", NOT_FOUND)


def _message(
    request: Request, who: WebReferent, status: int, title: str, text: str
) -> HTMLResponse:
    return render_page(request, "message.html", who, status=status, title=title, text=text)
