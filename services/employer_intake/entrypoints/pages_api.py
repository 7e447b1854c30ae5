"""What the need form asks while a federation's user types (ROME trades, the fiche's skills,
communes by name), and the portal's scripts (files: the front door's CSP forbids inline
scripts). Served by routes rather than a mount: the door sends /federation* to this service."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from ..domain import suggestions
from .auth import container_of
from .web import FederationUserDep

router = APIRouter(prefix="/federation", include_in_schema=False)
STATIC = Path(__file__).parent / "static"
Typed = Annotated[str, Query(max_length=100)]


@router.get("/api/metiers")
async def trades(request: Request, user: FederationUserDep, q: Typed = "") -> list[dict[str, str]]:
    """Appellations whose words start as typed; when none does (a title such as "Maçon H/F
    urgent"), the intake's own ROME coding of the title, as the need would be coded."""
    intake = container_of(request).intake
    found = suggestions.trades(intake.snapshot, q)
    if not found and len(q.strip()) >= 2:
        coded = await asyncio.to_thread(intake.suggester.suggest, q)
        found = [
            suggestions.Trade(a.appellation or a.rome_label, a.rome_code, a.rome_label)
            for a in coded
        ]
    return [t._asdict() for t in found]


@router.get("/api/competences")
async def skills(
    request: Request, user: FederationUserDep, rome: Annotated[str, Query(max_length=5)] = ""
) -> list[str]:
    return suggestions.skills_of(container_of(request).intake.snapshot, rome.upper())


@router.get("/api/communes")
async def communes(
    request: Request, user: FederationUserDep, q: Typed = ""
) -> list[dict[str, str]]:
    places = suggestions.communes(container_of(request).intake.snapshot, q)
    return [{"label": p.label, "nom": p.nom, "code_insee": p.code_insee} for p in places]


@router.get("/static/besoin.js")
async def need_script() -> FileResponse:
    return FileResponse(STATIC / "besoin.js", media_type="text/javascript")


@router.get("/static/import.js")
async def import_script() -> FileResponse:
    return FileResponse(STATIC / "import.js", media_type="text/javascript")
