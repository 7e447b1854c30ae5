"""Needs and profiles for the matcher's tests, with unique ids and sensible defaults."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.matcher.domain.model import Consent, Need, Profile

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TOULOUSE, MURET, SAINT_GAUDENS, BLAGNAC = "31555", "31395", "31483", "31069"


def consent(**changes: Any) -> Consent:
    base = Consent(granted_at=NOW - timedelta(days=30), expires_at=NOW + timedelta(days=365))
    return replace(base, **changes)


def need(**changes: Any) -> Need:
    base = Need(
        need_id=str(uuid.uuid4()),
        version=1,
        title="Maçon / Maçonne",
        commune_insee=MURET,
        description="Chantiers de rénovation, travail en équipe.",
        skills=("lecture de plans", "coulage de béton"),
        summary={"title": "Maçon / Maçonne"},
    )
    return replace(base, **changes)


def profile(**changes: Any) -> Profile:
    base = Profile(
        candidate_id=str(uuid.uuid4()),
        version=1,
        consent=consent(),
        desired_jobs=("Maçonne",),
        commune_insee=TOULOUSE,
        mobility_km=30,
        experience="3 ans de gros œuvre en intérim, coffrage et coulage de béton.",
        skills=("lecture de plans",),
        has_driving_licence=True,
        routing={"referent_id": str(uuid.uuid4()), "structure": "CD31"},
    )
    return replace(base, **changes)
