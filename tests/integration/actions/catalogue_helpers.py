"""What the catalogue's tests share: an action's body, unique dates, the outbox as published."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from services.actions.bootstrap import Services


def far_day() -> datetime:
    """A day years ahead, for an action no search test looks for (2031 to 2085)."""
    return datetime(2031, 1, 6, 8, tzinfo=UTC) + timedelta(days=random.randrange(20_000))


def search_day() -> datetime:
    """A day of its own for a search test (2100 to 2180, where no other test publishes): a
    search on it sees only this test's actions."""
    return datetime(2100, 1, 4, 8, tzinfo=UTC) + timedelta(days=random.randrange(29_000))


def session(day: datetime, *, hours: int = 0, capacity: int = 10) -> dict[str, Any]:
    start = day + timedelta(hours=hours)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "capacity": capacity,
        "schedules": ["day"],
    }


def action_body(day: datetime, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "decouverte_metiers",
        "title": "Découvrir les métiers du BTP",
        "description": "Une matinée sur un chantier.",
        "rome_codes": ["F1703"],
        "publics": ["tous"],
        "commune_insee": "31555",
        "sessions": [session(day)],
    }
    return body | changes


async def published(services: Services, action_id: UUID | str) -> list[dict[str, Any]]:
    """The ActionPublished payloads queued for this action, oldest first."""
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(
            "select convert_from(value, 'UTF8') as v from actions.outbox"
            " where topic = 'spie.actions.v1' and key = $1 order by id",
            str(action_id).encode(),
        )
    return [json.loads(r["v"])["payload"] for r in rows]


def fields_in_error(response: Any) -> set[str]:
    return {".".join(map(str, e["loc"][1:])) for e in response.json()["detail"]}
