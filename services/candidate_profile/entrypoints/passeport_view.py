"""What the passeport's pages share: the référent's access to one person, the main page, the
templates with dates in Paris time.

Only the structure keeping the profile reads or writes its passeport; any other gets 404, as
for an unknown person.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.errors import ProfileNotFound
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import (
    EVIDENCE_KINDS,
    LINK_DAYS_DEFAULT,
    LINK_DAYS_MAX,
    SECTIONS,
)
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.web import WebReferent, render, templates
from services.candidate_profile.handlers import passeport, passeport_links

PARIS = ZoneInfo("Europe/Paris")
NOT_HERE = "Personne introuvable dans votre structure."
WORDS: dict[str, Any] = {"sections": SECTIONS, "evidence_kinds": EVIDENCE_KINDS}


def local(at: datetime, fmt: str = "%d/%m/%Y") -> str:
    """Stored in UTC; read by people in Haute-Garonne."""
    return at.astimezone(PARIS).strftime(fmt)


templates.env.filters["local"] = local


async def form_of(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


@asynccontextmanager
async def owned(
    services: ServicesDep, who: WebReferent, candidate_id: UUID
) -> AsyncIterator[tuple[Conn, Profile]]:
    """One transaction on a profile of the référent's structure (404 otherwise)."""
    async with services.transaction() as conn:
        try:
            profile = await passeport.own_profile(conn, who.referent, candidate_id)
        except ProfileNotFound:
            raise HTTPException(404, NOT_HERE) from None
        yield conn, profile


async def page(
    request: Request,
    who: WebReferent,
    services: ServicesDep,
    candidate_id: UUID,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The passeport's page, read in a transaction of its own (after a write, or a refusal)."""
    async with owned(services, who, candidate_id) as (conn, profile):
        return render(
            request,
            "passeport.html",
            who,
            status=status,
            profile=profile,
            passeport=await passeport.load(conn, profile),
            links=await passeport_links.links(conn, profile),
            history=await passeport.history(conn, profile),
            days_default=LINK_DAYS_DEFAULT,
            days_max=LINK_DAYS_MAX,
            now=services.ctx.clock(),
            **(WORDS | {"values": {}} | context),
        )
