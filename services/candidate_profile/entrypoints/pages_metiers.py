"""What the diagnostic's trades fields ask while a référent types: ROME appellations, and the
script that offers them (a file: the front door's CSP forbids inline scripts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from services.candidate_profile.domain.metiers import suggest
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.web import WebReferentDep

router = APIRouter(prefix="/espace", include_in_schema=False)
SCRIPT = Path(__file__).parent / "static" / "diagnostic.js"


@router.get("/api/metiers")
async def trades(
    who: WebReferentDep, services: ServicesDep, q: Annotated[str, Query(max_length=100)] = ""
) -> list[dict[str, str]]:
    """ROME appellations whose words start as typed, for the trades fields' <datalist>."""
    return [s._asdict() for s in suggest(services.ctx.referential, q)]


@router.get("/static/diagnostic.js")
async def script() -> FileResponse:
    # Served by a route rather than a mount: the front door sends /espace* to this service.
    return FileResponse(SCRIPT, media_type="text/javascript")
