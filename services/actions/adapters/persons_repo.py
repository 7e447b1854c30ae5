"""The persons replica (from spie.candidates.v1): who a référent may register, and whose."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.domain.registrations import Person
from shared.contracts.profiles import ProfilePayload

_SELECT = (
    "select candidate_id, referent_id, structure, shared_with, commune_insee,"
    " consent_expires_at from actions.persons"
)


async def upsert(conn: Conn, profile: ProfilePayload) -> None:
    """Latest version wins: a redelivered or older upsert changes nothing."""
    await conn.execute(
        """
        insert into actions.persons (candidate_id, version, referent_id, structure, shared_with,
                                     commune_insee, consent_expires_at)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (candidate_id) do update
           set version = excluded.version, referent_id = excluded.referent_id,
               structure = excluded.structure, shared_with = excluded.shared_with,
               commune_insee = excluded.commune_insee,
               consent_expires_at = excluded.consent_expires_at, updated_at = now()
         where actions.persons.version < excluded.version
        """,
        profile.candidate_id,
        profile.version,
        profile.referent_id,
        profile.structure,
        list(profile.shared_with),
        profile.commune_insee,
        profile.consent.expires_at,
    )


async def delete(conn: Conn, candidate_id: UUID) -> None:
    await conn.execute("delete from actions.persons where candidate_id = $1", candidate_id)


async def get(conn: Conn, candidate_id: UUID) -> Person | None:
    row = await conn.fetchrow(_SELECT + " where candidate_id = $1", candidate_id)
    return None if row is None else person_of(row)


async def get_many(conn: Conn, candidate_ids: list[UUID]) -> dict[UUID, Person]:
    rows = await conn.fetch(
        _SELECT + " where candidate_id = any($1::uuid[])",
        candidate_ids,
    )
    return {r["candidate_id"]: person_of(r) for r in rows}


async def visible_to(conn: Conn, structure: str) -> list[Person]:
    """The persons of `structure` or shared with it whose consent still runs, oldest first."""
    rows = await conn.fetch(
        _SELECT + " where (structure = $1 or $1 = any(shared_with))"
        " and consent_expires_at > now() order by updated_at, candidate_id",
        structure,
    )
    return [person_of(r) for r in rows]


def person_of(row: asyncpg.Record) -> Person:
    return Person(
        candidate_id=row["candidate_id"],
        referent_id=row["referent_id"],
        structure=row["structure"],
        shared_with=tuple(row["shared_with"]),
        commune_insee=row["commune_insee"],
        consent_expires_at=row["consent_expires_at"],
    )
