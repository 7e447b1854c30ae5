"""PostgreSQL storage of a person's registrations to actions (latest version of each)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.registrations import Registration
from shared.contracts.actions import RegistrationPayload

_FIELDS = set(Registration.__dataclass_fields__)


def _registration(row: asyncpg.Record) -> Registration:
    return Registration(**{k: row[k] for k in row.keys() if k in _FIELDS})


async def keep(conn: Conn, payload: RegistrationPayload, *, at: datetime) -> bool:
    """Keep this version unless a newer one is kept, or the person is not (or no longer)
    here: an erased person's registration is never brought back. True when stored."""
    p = payload
    status: str = await conn.execute(
        """insert into profiles.action_registrations (registration_id, candidate_id, version,
               action_id, session_id, referent_id, action_title, action_kind,
               provider_structure, starts_at, ends_at, status, outcome, updated_at)
           select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
           where exists (select 1 from profiles.profiles where candidate_id = $2)
           on conflict (registration_id) do update set version = excluded.version,
               status = excluded.status, outcome = excluded.outcome,
               action_title = excluded.action_title, starts_at = excluded.starts_at,
               ends_at = excluded.ends_at, updated_at = excluded.updated_at
           where profiles.action_registrations.version < excluded.version""",
        p.registration_id,
        p.candidate_id,
        p.version,
        p.action_id,
        p.session_id,
        p.referent_id,
        p.action_title,
        p.action_kind.value,
        p.provider_structure,
        p.starts_at,
        p.ends_at,
        p.status.value,
        p.outcome,
        at,
    )
    return status.endswith(" 1")


async def of_person(conn: Conn, candidate_id: UUID) -> list[Registration]:
    rows = await conn.fetch(
        """select * from profiles.action_registrations where candidate_id = $1
           order by starts_at desc, registration_id""",
        candidate_id,
    )
    return [_registration(r) for r in rows]


async def attended(conn: Conn, candidate_id: UUID) -> list[Registration]:
    rows = await conn.fetch(
        """select * from profiles.action_registrations
           where candidate_id = $1 and status = 'present' order by starts_at""",
        candidate_id,
    )
    return [_registration(r) for r in rows]
