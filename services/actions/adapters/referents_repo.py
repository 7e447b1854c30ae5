"""The référents replica (from spie.referents.v1): who may sign in to the catalogue's pages."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.actions.adapters.db import Conn
from shared.contracts.referents import ReferentPayload


@dataclass(frozen=True)
class Referent:
    referent_id: UUID
    structure: str
    name: str
    active: bool


async def upsert_many(conn: Conn, referents: list[ReferentPayload]) -> None:
    """Latest published state wins; the topic is compacted by référent, read in order."""
    await conn.executemany(
        """
        insert into actions.referents (referent_id, structure, name, email, active)
        values ($1, $2, $3, $4, $5)
        on conflict (referent_id) do update
           set structure = excluded.structure, name = excluded.name, email = excluded.email,
               active = excluded.active, updated_at = now()
        """,
        [(r.referent_id, r.structure, r.name, str(r.email), r.active) for r in referents],
    )


async def get(conn: Conn, referent_id: UUID) -> Referent | None:
    row = await conn.fetchrow(
        "select referent_id, structure, name, active from actions.referents where referent_id = $1",
        referent_id,
    )
    return None if row is None else Referent(**dict(row))


async def is_coordinator(conn: Conn, referent_id: UUID) -> bool:
    found = await conn.fetchval(
        "select true from actions.coordinators where referent_id = $1", referent_id
    )
    return bool(found)
