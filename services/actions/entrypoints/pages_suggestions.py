"""What the action's form offers while a référent types (ROME trades, communes), and its script
(a file: the front door's CSP forbids inline scripts). Served by routes rather than a mount:
the door sends /actions* to this service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.actions.entrypoints.deps import ServicesDep
from services.actions.entrypoints.web import WebReferentDep
from shared.referential import suggest

router = APIRouter(include_in_schema=False)
Typed = Annotated[str, Query(max_length=100)]


@router.get("/actions/api/metiers")
async def trades(who: WebReferentDep, services: ServicesDep, q: Typed = "") -> list[dict[str, str]]:
    """ROME appellations whose words start as typed, for the trades fields' <datalist>."""
    return [t._asdict() for t in suggest.trades(services.referential, q)]


@router.get("/actions/api/communes")
async def communes(who: WebReferentDep, services: ServicesDep, q: Typed = "") -> list[str]:
    """ "Muret (31395)": what the commune field's <datalist> offers and the form reads back."""
    return [p.label for p in suggest.communes(services.referential, q)]
