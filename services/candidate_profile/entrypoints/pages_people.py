"""Mes personnes (`/espace`), a person's page with its sharing, and the first names the inbox
asks for. Each route calls the same handlers as the JSON API, with the signed-in référent."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from services.candidate_profile.adapters import registrations_repo
from services.candidate_profile.domain.errors import (
    ConsentConflict,
    InvalidField,
    ProfileNotFound,
    ReadOnlyAccess,
)
from services.candidate_profile.domain.referents import STRUCTURE_PATTERN
from services.candidate_profile.entrypoints import people_view as words
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.web import (
    WebReferent,
    WebReferentDep,
    check_csrf,
    render,
)
from services.candidate_profile.handlers import people, profiles

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
DONE = {
    "efface": "Le consentement est retiré : la personne et son profil sont effacés de l'espace "
    "et du rapprochement, chez vous comme chez les structures partenaires.",
    "partage": "Le partage est enregistré.",
    "fin-partage": "Le partage est arrêté : cette structure ne voit plus le profil.",
}


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/espace", response_class=HTMLResponse)
async def my_people(
    request: Request, who: WebReferentDep, services: ServicesDep,
    q: str = "", page: str = "1", fait: str = "",
) -> HTMLResponse:  # fmt: skip
    # A bad page number or an overlong search is not worth an error page: read what makes sense.
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    q = q.strip()[:100]
    async with services.pool.acquire() as conn:
        found, more = await people.page(
            conn, actor=who.referent, name=q, number=number, size=PAGE_SIZE
        )
    return render(
        request, "personnes.html", who, q=q, number=number, more=more, done=DONE.get(fait),
        people=[words.person(p, who, services.ctx) for p in found], w=words,
    )  # fmt: skip


@router.get("/espace/personnes/{candidate_id:uuid}", response_class=HTMLResponse)
async def person_page(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep,
    fait: str = "",
) -> HTMLResponse:  # fmt: skip
    return await show_person(request, who, services, candidate_id, done=DONE.get(fait))


async def show_person(
    request: Request, who: WebReferent, services: ServicesDep, candidate_id: UUID, *,
    status: int = 200, errors: dict[str, str] | None = None, structure: str = "",
    done: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        async with services.pool.acquire() as conn:
            profile = await profiles.visible(
                conn, actor=who.referent, candidate_id=candidate_id, ctx=services.ctx
            )
            entries = await people.history(
                conn, actor=who.referent, candidate_id=candidate_id, ctx=services.ctx
            )
            # Read once the profile is known visible: the same rule as the page itself.
            registered = await registrations_repo.of_person(conn, candidate_id)
    except ProfileNotFound:
        return words.not_found(request, who)
    return render(
        request, "personne.html", who, status=status, errors=errors or {}, structure=structure,
        person=words.person(profile, who, services.ctx), history=entries, done=done, w=words,
        registrations=registered,
    )  # fmt: skip


@router.post("/espace/personnes/{candidate_id:uuid}/partages", response_class=HTMLResponse)
async def share(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = await request.form()
    check_csrf(services, who, text(form, "csrf"))
    code = text(form, "structure")
    error, status = None, 422
    if not re.fullmatch(STRUCTURE_PATTERN, code):
        error = "Indiquez le code de la structure, en lettres et chiffres (par exemple FT31)."
    else:
        try:
            async with services.transaction() as conn:
                await profiles.share(
                    conn, actor=who.referent, candidate_id=candidate_id, structure=code,
                    ctx=services.ctx,
                )  # fmt: skip
        except InvalidField:
            error = "Aucune structure du SPIE ne porte ce code, ou c'est la vôtre : vérifiez-le."
        except ConsentConflict:
            error = ("La personne n'a pas accepté le partage avec les partenaires du SPIE : "
                     "recueillez ce consentement avant de partager.")  # fmt: skip
            status = 409
        except (ProfileNotFound, ReadOnlyAccess) as exc:
            return words.refused(request, who, exc)
    if error:
        return await show_person(
            request, who, services, candidate_id, status=status, errors={"structure": error},
            structure=code,
        )  # fmt: skip
    return _back_to(candidate_id, "partage")


@router.post("/espace/personnes/{candidate_id:uuid}/partages/retrait", response_class=HTMLResponse)
async def unshare(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = await request.form()
    check_csrf(services, who, text(form, "csrf"))
    try:
        async with services.transaction() as conn:
            await profiles.unshare(
                conn, actor=who.referent, candidate_id=candidate_id,
                structure=text(form, "structure"), ctx=services.ctx,
            )  # fmt: skip
    except ReadOnlyAccess as exc:
        return words.refused(request, who, exc)
    except ProfileNotFound:  # not visible (404 page), or not shared with that structure
        done = "Ce profil n'était pas partagé avec cette structure : rien à arrêter."
        return await show_person(request, who, services, candidate_id, done=done)
    return _back_to(candidate_id, "fin-partage")


def _back_to(candidate_id: UUID, done: str) -> RedirectResponse:
    return RedirectResponse(f"/espace/personnes/{candidate_id}?fait={done}", status_code=303)


@router.get("/espace/api/prenoms")
async def first_names(
    who: WebReferentDep, services: ServicesDep, ids: Annotated[str, Query()] = ""
) -> dict[str, Any]:
    """First names of the people the référent may see, for the inbox; the others are absent."""
    wanted = _ids(ids)
    async with services.pool.acquire() as conn:
        found = await people.first_names(conn, actor=who.referent, ids=wanted)
    return {str(k): v for k, v in found.items()}


def _ids(raw: str) -> list[UUID]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > people.MAX_IDS:
        raise InvalidField(("query", "ids"), f"at most {people.MAX_IDS} ids", "too_many_ids")
    try:
        return list(dict.fromkeys(UUID(p) for p in parts))
    except ValueError:
        raise InvalidField(("query", "ids"), "comma-separated profile ids", "bad_id") from None
