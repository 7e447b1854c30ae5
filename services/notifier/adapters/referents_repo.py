"""PostgreSQL storage of the référents, as ReferentUpserted last described them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from shared.contracts import AlertPreferences

from ..domain.model import Referent


async def upsert_referent(
    conn: asyncpg.Connection, *, referent: Referent, occurred_at: datetime
) -> bool:
    """Store the référent unless a newer event already did; True when stored."""
    status: str = await conn.execute(
        """insert into notifier.referents
               (referent_id, structure, name, email, active, preferences, source_occurred_at)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (referent_id) do update set
               structure = excluded.structure, name = excluded.name, email = excluded.email,
               active = excluded.active, preferences = excluded.preferences,
               source_occurred_at = excluded.source_occurred_at, updated_at = now()
           where notifier.referents.source_occurred_at <= excluded.source_occurred_at""",
        referent.referent_id,
        referent.structure,
        referent.name,
        referent.email,
        referent.active,
        referent.preferences.model_dump(mode="json"),
        occurred_at,
    )
    return status.endswith(" 1")


def referent_of_row(row: asyncpg.Record) -> Referent:
    return Referent(
        referent_id=row["referent_id"],
        structure=row["structure"],
        name=row["name"],
        email=row["email"],
        active=row["active"],
        preferences=AlertPreferences.model_validate(row["preferences"]),
    )


async def get_referent(conn: asyncpg.Connection, *, referent_id: UUID) -> Referent | None:
    row = await conn.fetchrow(
        "select * from notifier.referents where referent_id = $1", referent_id
    )
    return referent_of_row(row) if row else None


async def get_referents(
    conn: asyncpg.Connection, *, referent_ids: list[UUID]
) -> dict[UUID, Referent]:
    rows = await conn.fetch(
        "select * from notifier.referents where referent_id = any($1::uuid[])", referent_ids
    )
    return {r["referent_id"]: referent_of_row(r) for r in rows}
